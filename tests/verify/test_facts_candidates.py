"""Candidate facts for a claim: ranked across languages, by similarity, entities and dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AbstractUser

from tests.verify.facts_helpers import (
    AR_DELEGATION,
    AR_JULY,
    AR_KREMLIN,
    AR_MEETING,
    AR_MEETING_003,
    RU_JULY,
    RU_MEETING,
    RU_PUTIN,
    RU_SUMMIT,
)
from verify.models import Entity, Fact
from verify.selectors.fact_candidates import ClaimContext, fact_candidates, parse_time_value
from verify.services.facts import fact_create

pytestmark = pytest.mark.django_db


def facts_from(user: AbstractUser, pairs: list[tuple[str, str]]) -> list[Fact]:
    return [fact_create(user=user, statement=s, claim_text=c) for s, c in pairs]


def test_the_russian_claim_finds_the_fact_made_from_the_arabic_one(alice: AbstractUser) -> None:
    meeting, *_ = facts_from(
        alice,
        [
            ("Belousov met Abu Qasra in Moscow", AR_MEETING),
            ("Abu Qasra received a Russian delegation led by Yevkurov in Damascus", AR_DELEGATION),
            ("Abu Qasra visited Moscow in July", AR_JULY),
            ("Putin met al-Sharaa in the Kremlin", AR_KREMLIN),
            ("Al-Shibani and Abu Qasra met Putin in Moscow", RU_PUTIN),
        ],
    )
    found = fact_candidates(claim=ClaimContext(text=RU_MEETING))
    assert [c.fact for c in found][0] == meeting
    assert len(found) == 5


def test_the_arabic_claims_find_the_fact_made_from_the_russian_one(alice: AbstractUser) -> None:
    meeting, *_ = facts_from(
        alice,
        [
            ("Belousov met Abu Qasra in Moscow", RU_MEETING),
            ("Al-Shibani and Abu Qasra met Putin in Moscow", RU_PUTIN),
            ("Al-Shibani visited Russia at the end of July", RU_JULY),
            ("Putin and al-Sharaa held talks in Moscow", RU_SUMMIT),
        ],
    )
    for arabic in (AR_MEETING, AR_MEETING_003):
        assert fact_candidates(claim=ClaimContext(text=arabic))[0].fact == meeting


def test_a_shared_entity_lifts_a_fact(alice: AbstractUser) -> None:
    yevkurov = Entity.objects.create(type="PER", preferred_name="Yunus-bek Yevkurov")
    meeting = fact_create(user=alice, statement="Belousov met Abu Qasra in Moscow")
    delegation = fact_create(
        user=alice, statement="Abu Qasra met a Russian delegation in Damascus", subject=yevkurov
    )
    plain = fact_candidates(claim=ClaimContext(text=RU_MEETING))
    assert plain[0].fact == meeting
    lifted = fact_candidates(claim=ClaimContext(text=RU_MEETING, entity_ids=(yevkurov.pk,)))
    top = next(c for c in lifted if c.fact == delegation)
    assert top.shared_entities == [yevkurov.pk]
    assert top.score > next(c for c in plain if c.fact == delegation).score


def test_a_fact_found_only_through_an_entity_is_in_the_pool(
    alice: AbstractUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verify.selectors import fact_candidates as selectors

    qasra = Entity.objects.create(type="PER", preferred_name="Murhaf Abu Qasra")
    for i in range(3):
        fact_create(user=alice, statement=f"Belousov met Abu Qasra in Moscow, version {i}")
    linked = fact_create(user=alice, statement="The weather was fine", subject=qasra)
    monkeypatch.setattr(selectors, "POOL_FROM_VECTORS", 1)  # the vector pool alone misses it
    found = fact_candidates(claim=ClaimContext(text=RU_MEETING, entity_ids=(qasra.pk,)))
    assert linked in [c.fact for c in found]
    assert len(found) == 2


def test_a_conflicting_date_demotes_a_fact(alice: AbstractUser) -> None:
    july = fact_create(
        user=alice, statement="Abu Qasra visited Moscow", time_start=dt.date(2025, 7, 1),
        time_end=dt.date(2025, 7, 31),
    )  # fmt: skip
    october = fact_create(
        user=alice, statement="Abu Qasra visited Moscow", time_start=dt.date(2025, 10, 28)
    )
    found = fact_candidates(
        claim=ClaimContext(text="Абу Касра посетил Москву", date_start=dt.date(2025, 10, 28))
    )
    by_fact = {c.fact: c for c in found}
    assert by_fact[october].date == "compatible"
    assert by_fact[july].date == "conflicting"
    assert found[0].fact == october


def test_an_empty_claim_has_no_candidates(alice: AbstractUser) -> None:
    fact_create(user=alice, statement="Belousov met Abu Qasra in Moscow")
    assert fact_candidates(claim=ClaimContext(text="  ")) == []


def test_a_new_fact_is_found_at_once(alice: AbstractUser) -> None:
    assert fact_candidates(claim=ClaimContext(text=RU_MEETING)) == []
    meeting = fact_create(user=alice, statement="Belousov met Abu Qasra in Moscow")
    assert fact_candidates(claim=ClaimContext(text=RU_MEETING))[0].fact == meeting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-28", (dt.date(2025, 10, 28), dt.date(2025, 10, 28))),
        ("2025-10-11/2025-10-20", (dt.date(2025, 10, 11), dt.date(2025, 10, 20))),
        ("2025-02", (dt.date(2025, 2, 1), dt.date(2025, 2, 28))),
        ("2024", (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        ("mid October", (None, None)),
    ],
)
def test_it_reads_a_normalised_time(
    value: str, expected: tuple[dt.date | None, dt.date | None]
) -> None:
    assert parse_time_value(value) == expected
