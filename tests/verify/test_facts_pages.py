"""The facts board, a fact's page and the entity page's facts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from tests.conftest import client_for
from tests.verify.facts_helpers import AR_MEETING, RU_MEETING, claim_linked
from verify.models import Entity, Fact
from verify.services.facts import fact_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def fact(alice: AbstractUser) -> Fact:
    belousov = Entity.objects.create(type="PER", preferred_name="Andrey Belousov")
    return fact_create(user=alice, statement="Belousov met Abu Qasra in Moscow", subject=belousov)


def test_the_board_lists_facts_with_their_verdict(alice: AbstractUser, fact: Fact) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    response = client_for(alice).get("/verify/facts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Belousov met Abu Qasra in Moscow" in html
    assert 'class="verdict verdict-single_source"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_board_filters_by_verdict(alice: AbstractUser, fact: Fact) -> None:
    fact_create(user=alice, statement="Putin met al-Sharaa in the Kremlin")
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    html = client_for(alice).get("/verify/facts/", {"verdict": "unverified"}).content.decode()
    assert "Putin met al-Sharaa" in html
    assert "Belousov met Abu Qasra" not in html


def test_the_fact_page_shows_each_source_side_by_side_for_an_admin(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    html = client_for(carol).get(f"/verify/facts/{fact.pk}/").content.decode()
    assert 'data-verdict="corroborated"' in html
    assert html.count('class="source-card') == 2
    assert f"<mark>{AR_MEETING}</mark>" in html
    assert 'class="evidence" dir="auto"' in html
    assert "Supported by 2 independent origins: SANA (1 article), TASS (1 article)." in html


def test_a_reviewer_does_not_see_another_reviewers_evidence(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    html = client_for(alice).get(f"/verify/facts/{fact.pk}/").content.decode()
    assert RU_MEETING in html
    assert AR_MEETING not in html
    assert "1 more piece of evidence from other reviewers is hidden" in html


def test_an_unknown_fact_is_404(alice: AbstractUser) -> None:
    assert client_for(alice).get("/verify/facts/999999/").status_code == 404


def test_the_entity_page_lists_the_facts_it_takes_part_in(alice: AbstractUser, fact: Fact) -> None:
    html = client_for(alice).get(f"/verify/entities/{fact.subject_id}/").content.decode()
    assert "Facts it takes part in" in html
    assert f'href="/verify/facts/{fact.pk}/"' in html
