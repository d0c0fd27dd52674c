"""Offsets between Label Studio and us: code points, UTF-16 fallback, raw -> normalised text.

Pure functions: these run without a Label Studio server.
"""

from __future__ import annotations

import pytest

from annotate.label_studio import (
    OffsetMap,
    code_points_to_utf16,
    span_offsets_read,
    utf16_to_code_points,
)

EMOJI = "Breaking 🇷🇺🤝🇸🇾 news: Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow."
ARABIC = "التقى وزير الدفاع الروسي أندريه بيلوسوف نظيره السوري مرهف أبو قصرة في موسكو."
MIXED = "قال الوزير 👍 إن Андрей Белоусов встретился с Абу Касрой في موسكو."


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (EMOJI, "Andrey Belousov"),
        (EMOJI, "Moscow"),
        (ARABIC, "أندريه بيلوسوف"),
        (ARABIC, "موسكو"),
        (MIXED, "Андрей Белоусов"),
        (MIXED, "موسكو"),
    ],
)
def test_utf16_and_code_point_offsets_convert_both_ways(text: str, needle: str) -> None:
    start = text.index(needle)
    end = start + len(needle)
    utf16_start, utf16_end = code_points_to_utf16(text, start), code_points_to_utf16(text, end)

    as_js = text.encode("utf-16-le")
    assert as_js[utf16_start * 2 : utf16_end * 2].decode("utf-16-le") == needle
    assert utf16_to_code_points(text, utf16_start) == start
    assert utf16_to_code_points(text, utf16_end) == end


def test_an_emoji_counts_one_code_point_and_two_utf16_units() -> None:
    text = "😀 Putin"

    assert code_points_to_utf16(text, text.index("Putin")) == 3
    assert utf16_to_code_points(text, 3) == 2


def test_a_utf16_index_inside_a_surrogate_pair_is_refused() -> None:
    with pytest.raises(ValueError, match="inside the character"):
        utf16_to_code_points("😀 Putin", 1)


def test_a_utf16_index_past_the_end_is_refused() -> None:
    with pytest.raises(ValueError, match="past the end"):
        utf16_to_code_points("abc", 4)


def test_it_reads_code_point_offsets_after_an_emoji() -> None:
    start = EMOJI.index("Andrey Belousov")

    got = span_offsets_read(text=EMOJI, start=start, end=start + 15, span_text="Andrey Belousov")

    assert got == (start, start + 15)


def test_it_reads_utf16_offsets_written_by_older_tools_as_code_points() -> None:
    start = EMOJI.index("Moscow")
    js_start = code_points_to_utf16(EMOJI, start)
    assert js_start != start  # the flags and the emoji before it make the two readings differ

    got = span_offsets_read(text=EMOJI, start=js_start, end=js_start + 6, span_text="Moscow")

    assert got == (start, start + 6)


def test_it_reads_arabic_spans_unchanged() -> None:
    start = ARABIC.index("موسكو")

    assert span_offsets_read(text=ARABIC, start=start, end=start + 5, span_text="موسكو") == (
        start,
        start + 5,
    )


def test_a_span_whose_text_is_not_at_its_offsets_is_refused_saying_what_is_there() -> None:
    start = EMOJI.index("Moscow")

    with pytest.raises(
        ValueError, match="'Moskva' is not the article text at .* which is 'Moscow'"
    ):
        span_offsets_read(text=EMOJI, start=start, end=start + 6, span_text="Moskva")


@pytest.mark.parametrize(
    ("start", "end", "span_text"),
    [(99999, 100005, "Moscow"), (-1, 3, "Bre"), (5, 5, "x"), ("1", 3, "re"), (0, 3, "")],
)
def test_impossible_offsets_are_refused(start: object, end: object, span_text: str) -> None:
    with pytest.raises(ValueError, match="(whole numbers|no text|is not the article text)"):
        span_offsets_read(text=EMOJI, start=start, end=end, span_text=span_text)


def test_offsets_into_a_raw_text_move_onto_its_normalised_text() -> None:
    raw = "Byline: TASS\nAndrey\u00a0Belousov  met\nAbu Qasra in Moscow."
    text = "Andrey Belousov met\n\nAbu Qasra in Moscow."
    mapping = OffsetMap(raw, text)

    start = raw.index("Moscow")
    new_start, new_end = mapping.span(start, start + 6)  # type: ignore[misc]
    belousov = mapping.span(raw.index("Andrey"), raw.index("Belousov") + 8)

    assert text[new_start:new_end] == "Moscow"
    assert belousov is not None
    assert text[belousov[0] : belousov[1]] == "Andrey Belousov"


def test_a_span_inside_a_removed_line_has_no_place_in_the_normalised_text() -> None:
    raw = "Byline: TASS\nAndrey Belousov met Abu Qasra."
    text = "Andrey Belousov met Abu Qasra."

    assert OffsetMap(raw, text).span(raw.index("TASS"), raw.index("TASS") + 4) is None
