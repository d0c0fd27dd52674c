"""The facts API: board, create, read with blind evidence, edit, candidates."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from tests.conftest import client_for
from tests.verify.facts_helpers import AR_MEETING, RU_MEETING, RU_PUTIN, claim_linked
from verify.models import Entity, Fact
from verify.services.facts import fact_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def fact(alice: AbstractUser) -> Fact:
    return fact_create(
        user=alice, statement="Belousov met Abu Qasra in Moscow", claim_text=AR_MEETING
    )


def test_it_lists_facts_with_verdicts_and_counts(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    response = client_for(alice).get("/api/facts/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["verdict"] == "corroborated"
    assert (row["supporting_origins"], row["refuting_origins"]) == (2, 0)
    assert row["languages"] == ["ar", "ru"]


def test_it_filters_the_board_by_verdict_and_entity(alice: AbstractUser, fact: Fact) -> None:
    putin = Entity.objects.create(type="PER", preferred_name="Vladimir Putin")
    other = fact_create(user=alice, statement="Putin met al-Shibani and Abu Qasra", subject=putin)
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    client = client_for(alice)
    by_verdict = client.get("/api/facts/", {"verdict": "single_source"}).json()["results"]
    assert [r["id"] for r in by_verdict] == [fact.pk]
    by_entity = client.get("/api/facts/", {"entity": putin.pk}).json()["results"]
    assert [r["id"] for r in by_entity] == [other.pk]
    assert client.get("/api/facts/", {"verdict": "nonsense"}).status_code == 400


def test_a_reviewer_creates_a_fact(alice: AbstractUser) -> None:
    response = client_for(alice).post(
        "/api/facts/",
        {"statement": "Abu Qasra visited Moscow", "time_start": "2025-07-01", "time_end": "2025-07-31",
         "time_text": "в июле", "claim_text": RU_PUTIN},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    fact = Fact.objects.get()
    assert response.json()["id"] == fact.pk
    assert fact.created_by == alice
    assert fact.vector is not None
    assert str(fact.time_end) == "2025-07-31"


def test_it_refuses_a_backwards_range(alice: AbstractUser) -> None:
    response = client_for(alice).post(
        "/api/facts/",
        {"statement": "Talks", "time_start": "2025-10-20", "time_end": "2025-10-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "time_end" in response.json()
    assert not Fact.objects.exists()


def test_a_reviewer_sees_only_their_own_evidence_before_adjudication(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    body = client_for(alice).get(f"/api/facts/{fact.pk}/").json()
    assert body["verdict"] == "corroborated"
    assert [e["text"] for e in body["evidence"]] == [RU_MEETING]
    assert body["hidden_evidence"] == 1
    assert AR_MEETING not in str(body)


def test_an_admin_sees_all_evidence(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    body = client_for(carol).get(f"/api/facts/{fact.pk}/").json()
    assert sorted(e["outlet"] for e in body["evidence"]) == ["SANA", "TASS"]
    assert body["hidden_evidence"] == 0
    assert [o["name"] for o in body["explanation"]["supporting"]] == ["SANA", "TASS"]


def test_only_the_creator_or_an_admin_edits_a_fact(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, fact: Fact
) -> None:
    url = f"/api/facts/{fact.pk}/"
    denied = client_for(bob).patch(url, {"statement": "x"}, content_type="application/json")
    assert denied.status_code == 403
    ok = client_for(carol).patch(url, {"predicate": "met"}, content_type="application/json")
    assert ok.status_code == 200
    fact.refresh_from_db()
    assert (fact.statement, fact.predicate) == ("Belousov met Abu Qasra in Moscow", "met")


def test_candidates_rank_the_arabic_fact_first_for_the_russian_claim(
    alice: AbstractUser, fact: Fact
) -> None:
    fact_create(
        user=alice, statement="Al-Shibani and Abu Qasra met Putin in Moscow", claim_text=RU_PUTIN
    )
    response = client_for(alice).post(
        "/api/facts/candidates/", {"text": RU_MEETING, "limit": 5}, content_type="application/json"
    )
    assert response.status_code == 200
    ranked = response.json()
    assert ranked[0]["fact"]["id"] == fact.pk
    assert ranked[0]["score"] >= ranked[1]["score"]


def test_the_api_needs_a_login(fact: Fact) -> None:
    from django.test import Client

    assert Client().get("/api/facts/").status_code in (401, 403)
    assert Client().post("/api/facts/candidates/", {"text": "x"}).status_code in (401, 403)


def test_the_openapi_schema_describes_the_facts_api_without_warnings(tmp_path: object) -> None:
    import io
    from pathlib import Path

    from django.core.management import call_command

    out = Path(str(tmp_path)) / "schema.yml"
    err = io.StringIO()
    call_command("spectacular", "--validate", "--file", str(out), stderr=err)
    schema = out.read_text()
    for path in ("/api/facts/:", "/api/facts/{fact_id}/:", "/api/facts/candidates/:"):
        assert path in schema
    assert "verify/api/facts.py" not in err.getvalue()


def test_it_filters_the_board_by_time(alice: AbstractUser) -> None:
    import datetime as dt

    july = fact_create(
        user=alice, statement="Abu Qasra visited Moscow", time_start=dt.date(2025, 7, 1),
        time_end=dt.date(2025, 7, 31),
    )  # fmt: skip
    october = fact_create(
        user=alice, statement="Belousov met Abu Qasra", time_start=dt.date(2025, 10, 28)
    )
    client = client_for(alice)
    found = client.get("/api/facts/", {"date_from": "2025-07-20", "date_to": "2025-08-01"}).json()
    assert [r["id"] for r in found["results"]] == [july.pk]
    found = client.get("/api/facts/", {"date_from": "2025-10-01"}).json()
    assert [r["id"] for r in found["results"]] == [october.pk]


def test_evidence_from_an_article_without_an_outlet_has_an_empty_outlet(
    alice: AbstractUser, fact: Fact
) -> None:
    from annotate.models import Article

    claim = claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    Article.objects.filter(pk=claim.annotation.task.article_id).update(source=None)
    from verify.services.facts import fact_verdict_refresh

    fact_verdict_refresh(fact=fact)
    body = client_for(alice).get(f"/api/facts/{fact.pk}/").json()
    (evidence,) = body["evidence"]
    assert evidence["outlet"] == ""
    assert evidence["origin"]["kind"] == "article"
    assert evidence["origin"]["name"].startswith("Unknown outlet")
