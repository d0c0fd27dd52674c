"""The audit history of facts: create, edit, verdicts recomputed, outcomes decided."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError

from annotate.models import AuditEvent
from tests.conftest import client_for
from tests.verify.facts_helpers import claim_linked
from verify.models import Entity, Fact
from verify.services.adjudication import fact_adjudicate
from verify.services.facts import fact_create, fact_update, fact_verdict_refresh

pytestmark = pytest.mark.django_db


def _events(fact: Fact, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="fact", object_id=str(fact.pk), action=action)
    )


@pytest.fixture
def fact(alice: AbstractUser) -> Fact:
    return fact_create(user=alice, statement="Belousov met Abu Qasra")


def test_creating_a_fact_records_its_fields(fact: Fact, alice: AbstractUser) -> None:
    (event,) = _events(fact, "fact.create")

    assert (event.actor, event.before) == (alice, None)
    assert event.after["statement"] == "Belousov met Abu Qasra"
    assert event.after["verdict"] == "unverified"
    assert event.object_label == "Belousov met Abu Qasra"


def test_editing_a_fact_records_what_changed_and_who(fact: Fact, carol: AbstractUser) -> None:
    moscow = Entity.objects.create(type="LOC", preferred_name="Moscow")

    fact_update(fact=fact, user=carol, statement="Belousov met Abu Qasra in Moscow",
                place=moscow, time_start=dt.date(2025, 10, 28))  # fmt: skip

    (event,) = _events(fact, "fact.update")
    assert event.actor == carol
    assert event.before == {
        "statement": "Belousov met Abu Qasra", "place": None, "time_start": None,
    }  # fmt: skip
    assert event.after == {
        "statement": "Belousov met Abu Qasra in Moscow",
        "place": {"id": moscow.pk, "name": "Moscow"},
        "time_start": "2025-10-28",
    }


def test_an_edit_over_the_api_names_the_editor(fact: Fact, alice: AbstractUser) -> None:
    response = client_for(alice).patch(
        f"/api/facts/{fact.pk}/", {"predicate": "met"}, content_type="application/json"
    )

    assert response.status_code == 200
    (event,) = _events(fact, "fact.update")
    assert (event.actor, event.before, event.after) == (
        alice,
        {"predicate": ""},
        {"predicate": "met"},
    )


def test_a_refused_edit_records_nothing(fact: Fact, carol: AbstractUser) -> None:
    with pytest.raises(ValidationError):
        fact_update(fact=fact, user=carol, statement=" ")

    assert _events(fact, "fact.update") == []


def test_a_new_verdict_is_recorded_as_the_systems_change_and_an_unchanged_one_is_not(
    fact: Fact, alice: AbstractUser
) -> None:
    claim_linked(reviewer=alice, fact=fact)  # submitted: one origin supports it

    (event,) = _events(fact, "fact.verdict")
    assert event.actor is None
    assert event.before == {"verdict": "unverified", "verdict_basis": "none",
                            "supporting_origins": 0}  # fmt: skip
    assert event.after == {"verdict": "single_source", "verdict_basis": "submitted",
                           "supporting_origins": 1}  # fmt: skip

    fact_verdict_refresh(fact=fact)
    assert len(_events(fact, "fact.verdict")) == 1


def test_deciding_an_outcome_records_it_with_the_previous_one(
    fact: Fact, carol: AbstractUser
) -> None:
    first = fact_adjudicate(fact=fact, admin=carol, outcome="disputed", rationale="Unclear.")
    second = fact_adjudicate(
        fact=fact, admin=carol, outcome="both_right", rationale="Two meetings.",
        split_statement="Belousov met Abu Qasra in Damascus",
    )  # fmt: skip

    latest, earlier = _events(fact, "fact.adjudicate")
    assert (earlier.actor, earlier.before) == (carol, None)
    assert earlier.after["fact_adjudication"] == first.pk
    assert latest.before["outcome"] == "disputed"
    assert latest.after["outcome"] == "both_right"
    assert latest.after["fact_adjudication"] == second.pk
    assert latest.after["split"]["statement"] == "Belousov met Abu Qasra in Damascus"
    assert (latest.other_type, latest.other_id) == ("fact", str(second.split_fact_id))


def test_the_fact_pages_link_admins_to_its_history(
    fact: Fact, carol: AbstractUser, alice: AbstractUser
) -> None:
    link = f'href="/audit/?object_type=fact&amp;object_id={fact.pk}"'

    assert link in client_for(carol).get(f"/verify/facts/{fact.pk}/").content.decode()
    assert link in client_for(carol).get(f"/verify/adjudication/facts/{fact.pk}/").content.decode()
    assert link not in client_for(alice).get(f"/verify/facts/{fact.pk}/").content.decode()
