"""Known-entity matching for suggestions: across scripts, inflected, and not over-eager."""

from __future__ import annotations

from annotate.suggest.known_entities import KnownEntities
from verify.matching import name_key


def known(*aliases: tuple[int, str, str]) -> KnownEntities:
    return KnownEntities.from_rows((i, type_, name_key(text), text) for i, type_, text in aliases)


def spans(k: KnownEntities, text: str) -> list[tuple[str, str, str | None]]:
    return [(s.label, s.text, s.value) for s in k.find(text)]


def test_a_name_confirmed_in_russian_is_found_in_arabic_and_inflected_russian() -> None:
    k = known((1, "PER", "Мурхаф Абу Касра"))

    assert spans(k, "التقى مرهف أبو قصرة. Встреча с Мурхафом Абу Касрой.") == [
        ("PER", "مرهف أبو قصرة", "1"),
        ("PER", "Мурхафом Абу Касрой", "1"),
    ]


def test_offsets_are_shifted_into_the_article() -> None:
    k = known((1, "PER", "Андрей Белоусов"))

    (s,) = k.find("с Андреем Белоусовым", offset=100)

    assert (s.start, s.end) == (102, 120)


def test_a_glued_arabic_proclitic_is_left_out_of_the_span() -> None:
    k = known((3, "LOC", "موسكو"))

    assert spans(k, "بين دمشق وموسكو") == [("LOC", "موسكو", "3")]


def test_relative_adjectives_are_not_places() -> None:
    k = known((4, "LOC", "سوريا"), (5, "LOC", "روسيا"))

    assert spans(k, "الرئيس السوري والوفد الروسي في سوريا") == [("LOC", "سوريا", "4")]


def test_a_loose_key_needs_a_same_script_alias_that_looks_alike() -> None:
    # الرئيس (the president) and الرئاسة (the presidency) share the key `rs`.
    k = known((6, "ORG", "الرئاسة"))

    assert spans(k, "قال الرئيس إن الرئاسة") == [("ORG", "الرئاسة", "6")]


def test_a_short_key_with_no_alias_in_the_texts_script_is_not_suggested() -> None:
    k = known((7, "PER", "Путин"))  # btn: three letters

    assert spans(k, "التقى بوتين") == []
    assert spans(k, "встреча с Путиным") == [("PER", "Путиным", "7")]


def test_a_key_two_entities_of_one_type_share_is_suggested_without_an_entity() -> None:
    k = known((8, "PER", "Асад"), (9, "PER", "Асад"))

    (s,) = k.find("режим Асада")

    assert (s.label, s.value) == ("PER", None)
