"""Ranking candidate entities for a name, and proposing merges, across scripts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verify.models import Entity
from verify.selectors.entities import (
    entity_aliases_by_script,
    entity_candidates,
    entity_get,
    entity_merge_suggestions,
)
from verify.services.entities import entity_create, entity_distinguish, entity_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice: AbstractUser) -> dict[str, Entity]:
    """The people of the seeds, each created once from one language."""
    rows = {
        "qasra": ("مرهف أبو قصرة", "ar"),
        "belousov": ("Андрей Белоусов", "ru"),
        "sharaa": ("أحمد الشرع", "ar"),
        "putin": ("Владимир Путин", "ru"),
        "shibani": ("Асаад аш-Шибани", "ru"),
        "lavrov": ("Сергей Лавров", "ru"),
        "yevkurov": ("يونس بك يفكيروف", "ar"),
    }
    found = {
        name: entity_create(type="PER", preferred_name=text, language=lang, user=alice)
        for name, (text, lang) in rows.items()
    }
    found["damascus"] = entity_create(type="LOC", preferred_name="دمشق", language="ar", user=alice)
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Абу Касра", "qasra"),
        ("Абу Касрой", "qasra"),
        ("Мурхеф Абу Касра", "qasra"),
        ("Махрафом Абу Касрой", "qasra"),
        ("Белоусову", "belousov"),
        ("بيلاؤوسوف", "belousov"),
        ("Ахмед аш-Шараа", "sharaa"),
        ("بوتين", "putin"),
        ("Путиным", "putin"),
        ("الشيباني", "shibani"),
        ("لافروف", "lavrov"),
        ("Евкуров", "yevkurov"),
    ],
)
def test_it_ranks_the_same_person_first_whatever_the_script(
    people: dict[str, Entity], query: str, expected: str
) -> None:
    found = entity_candidates(text=query, type="PER")

    assert found[0].entity == people[expected]
    assert found[0].score >= 0.8
    assert all(c.score < found[0].score for c in found[1:])


def test_it_does_not_offer_different_people_for_a_short_name(people: dict[str, Entity]) -> None:
    found = entity_candidates(text="Путин", type="PER")

    assert [c.entity for c in found] == [people["putin"]]
    assert found[0].alias == "Владимир Путин"


def test_it_filters_by_type_and_finds_places_through_the_gazetteer(
    people: dict[str, Entity],
) -> None:
    assert entity_candidates(text="Дамаске", type="PER") == []
    found = entity_candidates(text="Дамаске", type="LOC")
    assert [c.entity for c in found] == [people["damascus"]]
    assert found[0].score == 1.0


def test_it_skips_merged_entities(people: dict[str, Entity], carol: AbstractUser) -> None:
    other = entity_create(type="PER", preferred_name="Putin", user=carol)
    entity_merge(keep=people["putin"], merge=other, user=carol, rationale="same")

    found = entity_candidates(text="Putin", type="PER")

    assert [c.entity for c in found] == [people["putin"]]
    assert found[0].alias == "Putin"


def test_it_answers_in_a_fixed_number_of_queries(people: dict[str, Entity]) -> None:
    with CaptureQueriesContext(connection) as queries:
        entity_candidates(text="Абу Касра", type="PER", limit=5)

    assert len(queries) == 3
    assert "verify_aliastoken" in queries[0]["sql"]


def test_it_returns_nothing_for_text_without_letters(people: dict[str, Entity]) -> None:
    assert entity_candidates(text=" « - » ") == []


def test_it_suggests_merging_one_person_written_in_three_scripts(
    people: dict[str, Entity], bob: AbstractUser
) -> None:
    russian = entity_create(type="PER", preferred_name="Мурхеф Абу Касра", language="ru", user=bob)
    latin = entity_create(type="PER", preferred_name="Murhaf Abu Qasra", language="en", user=bob)

    found = entity_merge_suggestions(type="PER", min_score=0.85)

    pairs = {frozenset((s.first.pk, s.second.pk)): s for s in found}
    qasra = people["qasra"].pk
    assert set(pairs) == {
        frozenset((qasra, russian.pk)),
        frozenset((qasra, latin.pk)),
        frozenset((russian.pk, latin.pk)),
    }
    suggestion = pairs[frozenset((qasra, russian.pk))]
    assert suggestion.score == 1.0
    assert {suggestion.first_alias, suggestion.second_alias} == {
        "مرهف أبو قصرة",
        "Мурхеф Абу Касра",
    }


def test_it_leaves_out_pairs_marked_distinct_and_other_types(
    people: dict[str, Entity], carol: AbstractUser
) -> None:
    twin = entity_create(type="PER", preferred_name="Сергей Лавров", user=carol)
    place = entity_create(type="LOC", preferred_name="Лавров", user=carol)
    assert len(entity_merge_suggestions(min_score=0.8)) == 1

    entity_distinguish(first=twin, second=people["lavrov"], user=carol, rationale="namesakes")

    assert entity_merge_suggestions(min_score=0.8) == []
    assert place.pk not in {s.first.pk for s in entity_merge_suggestions(min_score=0.0)}


def test_aliases_are_grouped_by_script_then_language(alice: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Белоусов", language="ru", user=alice,
        aliases=[("بيلاوسوف", "ar"), ("بيلاؤوسوف", "ar"), ("Belousov", "en"), ("Belousov Andrei", "")],
    )  # fmt: skip

    groups = entity_aliases_by_script(entity=entity_get(entity_id=entity.pk) or entity)

    shape = [
        (script, [(lang, [a.text for a in aliases]) for lang, aliases in langs])
        for script, langs in groups
    ]
    assert shape == [
        ("Arabic", [("ar", ["بيلاؤوسوف", "بيلاوسوف"])]),  # by code point: ؤ before ا
        ("Cyrillic", [("ru", ["Белоусов"])]),
        ("Latin", [("", ["Belousov Andrei"]), ("en", ["Belousov"])]),
    ]
