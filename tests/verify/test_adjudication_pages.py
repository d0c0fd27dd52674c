"""Adjudication pages: the queue, the page's data, disputed facts; admins only."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import AbstractUser

from tests.conftest import client_for
from tests.verify.adjudication_helpers import disputed_task
from verify.models import Fact, FactAdjudication

pytestmark = pytest.mark.django_db


def test_the_queue_page_links_each_waiting_task(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    response = client_for(carol).get("/verify/adjudication/")

    assert response.status_code == 200
    assert f'href="/verify/adjudication/{task.pk}/"' in response.content.decode()


def test_the_page_renders_the_article_once_with_every_reviewers_version(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    response = client_for(carol).get(f"/verify/adjudication/{task.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="ln"') == 1  # one line of text, rendered once
    assert 'dir="auto"' in html
    data = json.loads(re.search(r'id="adj-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [(r["letter"], r["name"]) for r in data["reviewers"]] == [("A", "alice"), ("B", "bob")]
    assert sorted(i["kind"] for u in data["units"] for i in u["items"]) == [
        "boundaries", "label", "missing",
    ]  # fmt: skip
    assert data["version"] == 0
    assert "<script>" not in html  # no inline script: data travels in json_script


def test_reviewers_are_sent_away_from_the_adjudication_page(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    response = client_for(alice).get(f"/verify/adjudication/{task.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_admin_records_a_fact_outcome_beside_the_computed_verdict(carol: AbstractUser) -> None:
    fact = Fact.objects.create(statement="Abu Qasra is a major general", verdict="disputed")
    listed = client_for(carol).get("/verify/adjudication/facts/")
    assert fact.statement in listed.content.decode()

    response = client_for(carol).post(
        f"/verify/adjudication/facts/{fact.pk}/",
        {"outcome": "both_right", "split_statement": "Abu Qasra is a brigadier general",
         "rationale": "Promoted on 29 December."},
    )  # fmt: skip

    assert response.status_code == 302
    row = FactAdjudication.objects.get(fact=fact)
    assert (row.outcome, row.computed_verdict, row.admin) == ("both_right", "disputed", carol)
    page = client_for(carol).get(f"/verify/adjudication/facts/{fact.pk}/").content.decode()
    assert 'id="computed-verdict">Disputed' in page
    assert "Abu Qasra is a brigadier general" in page


def test_a_fact_outcome_without_a_rationale_shows_the_error(carol: AbstractUser) -> None:
    fact = Fact.objects.create(statement="Abu Qasra is a major general", verdict="disputed")

    response = client_for(carol).post(
        f"/verify/adjudication/facts/{fact.pk}/", {"outcome": "one_wrong", "rationale": "x"}
    )

    assert response.status_code == 200
    assert "Say which side stands" in response.content.decode()
    assert not FactAdjudication.objects.exists()
