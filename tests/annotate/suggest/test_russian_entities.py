"""find_russian_entities: natasha's PER/ORG/LOC with exact offsets, Russian paragraphs only."""

from __future__ import annotations

import re

import pytest

from annotate.suggest import SOURCE_NATASHA
from annotate.suggest.russian_ner import find_russian_entities, normalise
from tests.annotate.suggest.helpers import assert_exact, offsets, russian_paragraphs, seed


def labelled(text: str, found: list, phrase: str, nth: int = 1) -> str | None:
    """The label suggested for the nth occurrence of `phrase`, exactly spanned."""
    start, end = offsets(text, [phrase] * nth)[-1]
    labels = [s.label for s in found if (s.start, s.end) == (start, end)]
    return labels[0] if labels else None


@pytest.mark.parametrize(
    ("phrase", "label"),
    [
        ("Андрей Белоусов", "PER"),
        ("Минобороны", "ORG"),
        ("Москве", "LOC"),
        ("Сергей Лавров", "PER"),
        ("Ближнего Востока", "LOC"),
        ("Хайят Тахрир аш-Шам", "ORG"),
    ],
)
def test_it_finds_the_entities_of_seed_000_at_their_exact_offsets(phrase: str, label: str) -> None:
    text = seed("000")

    found = find_russian_entities(text)

    assert_exact(text, found)
    assert labelled(text, found, phrase) == label


def test_it_finds_the_entities_of_seed_001_keeping_its_non_breaking_hyphen() -> None:
    text = seed("001")
    assert "Аш\u2011Шараа" in text

    found = find_russian_entities(text)

    assert_exact(text, found)
    assert labelled(text, found, "Ахмед Аш\u2011Шараа") == "PER"
    assert labelled(text, found, "РИА Новости") == "ORG"
    assert labelled(text, found, "Владимиром Путиным") == "PER"
    assert labelled(text, found, "Дамаске") == "LOC"
    assert {s.source for s in found} == {SOURCE_NATASHA}
    assert {s.label for s in found} == {"PER", "ORG", "LOC"}
    assert all(s.value is None for s in found)


def test_it_spans_a_name_joined_by_a_non_breaking_space_as_written() -> None:
    text = "Министр обороны Андрей\u00a0Белоусов провел встречу в\u00a0Москве."

    found = find_russian_entities(text)

    assert [(s.text, s.label) for s in found] == [
        ("Андрей\u00a0Белоусов", "PER"),
        ("Москве", "LOC"),
    ]


def test_it_normalises_without_moving_any_offset() -> None:
    text = "Аш\u2011Шараа\u00a0и\u202fаш\u2010Шибани"

    plain = normalise(text)

    assert plain == "Аш-Шараа и аш-Шибани"
    assert len(plain) == len(text)


def test_it_tags_only_the_russian_paragraphs_of_a_mixed_article() -> None:
    text = seed("002")
    paragraphs = russian_paragraphs(text)
    assert len(paragraphs) == 2  # the embedded tweet and its credit line

    found = find_russian_entities(text, paragraphs=paragraphs)

    assert_exact(text, found)
    assert found
    assert all(any(s <= f.start and f.end <= e for s, e in paragraphs) for f in found)
    assert not [f for f in found if re.search(r"[\u0600-\u06FF]", f.text)]
    assert labelled(text, found, "Андрей Белоусов") == "PER"


def test_it_shifts_offsets_of_a_paragraph_in_the_middle_of_the_text() -> None:
    arabic = "عقد وزير الدفاع الروسي أندريه بيلاوسوف لقاءً في موسكو.\n"
    russian = "Сергей Лавров прилетел в Дамаск."
    text = arabic + russian + "\n" + arabic

    found = find_russian_entities(text, paragraphs=[(len(arabic), len(arabic) + len(russian))])

    assert [(s.start, s.text, s.label) for s in found] == [
        (len(arabic), "Сергей Лавров", "PER"),
        (text.find("Дамаск"), "Дамаск", "LOC"),
    ]


def test_it_tags_nothing_when_no_paragraph_is_russian() -> None:
    assert find_russian_entities(seed("003"), paragraphs=[]) == []


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [([(0, 10_000)], "outside the text"), ([(0, 20), (10, 30)], "overlaps")],
)
def test_it_refuses_paragraphs_outside_the_text_or_overlapping(
    paragraphs: list[tuple[int, int]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        find_russian_entities(seed("000"), paragraphs=paragraphs)
