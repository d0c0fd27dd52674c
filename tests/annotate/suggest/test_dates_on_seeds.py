"""find_dates on the five seed articles: every date, its exact span and its value, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from annotate.suggest import SOURCE_DATES
from annotate.suggest.dates import find_dates
from tests.annotate.suggest.helpers import assert_exact, offsets, seed

OCT_28 = dt.date(2025, 10, 28)
MID_OCTOBER = "2025-10-11/2025-10-20"

# (seed, language, the article's date, [(phrase, value)] in text order)
SEED_DATES = [
    (
        "000",
        "ru",
        OCT_28,
        [
            ("2025-10-28", "2025-10-28"),
            ("середине октября", MID_OCTOBER),
            ("середине октября", MID_OCTOBER),
            ("декабре 2024 года", "2024-12-01/2024-12-31"),
            ("конце 2024 года", "2024-10-01/2024-12-31"),
        ],
    ),
    (
        "001",
        "ru",
        dt.date(2025, 12, 23),
        [
            ("2025-12-23", "2025-12-23"),
            ("конце июля", "2025-07-21/2025-07-31"),
            ("конце прошлого года", "2024-10-01/2024-12-31"),
            ("7 декабря", "2025-12-07"),
            ("середине октября", MID_OCTOBER),
        ],
    ),
    (
        "002",
        "ar",
        OCT_28,  # no header: the embedded tweet is dated October 28, 2025
        [
            ("يوليو", "2025-07-01/2025-07-31"),
            ("مساء اليوم الثلاثاء", "2025-10-28"),
            ("October 28, 2025", "2025-10-28"),
            ("31 يوليو/ تموز الماضي", "2025-07-31"),
            ("8 ديسمبر/ كانون الأول 2024", "2024-12-08"),
            ("15 أكتوبر/ تشرين الأول الجاري", "2025-10-15"),
            ("الشهر الجاري", "2025-10-01/2025-10-31"),
        ],
    ),
    (
        "003",
        "ar",
        OCT_28,
        [
            ("2025-10-28", "2025-10-28"),
            ("اليوم الثلاثاء", "2025-10-28"),
            ("28.10.2025", "2025-10-28"),
            ("2025-10-28T16:32+0000", "2025-10-28"),
            ("2025-10-28T16:32+0000", "2025-10-28"),
            ("2025-10-28T16:46+0000", "2025-10-28"),
            ("15 أكتوبر/تشرين الأول", "2025-10-15"),
            ("28.10.2025", "2025-10-28"),
            ("28.10.2025", "2025-10-28"),
            ("اليوم الثلاثاء", "2025-10-28"),
            ("15 أكتوبر/تشرين الأول", "2025-10-15"),
        ],
    ),
    (
        "004",
        "ar",
        dt.date(2025, 11, 16),
        [
            ("2025/11/16", "2025-11-16"),
            ("15 تشرين الأول/أكتوبر", "2025-10-15"),
        ],
    ),
]


@pytest.mark.parametrize(("prefix", "lang", "reference", "expected"), SEED_DATES)
def test_it_finds_every_date_of_a_seed_with_its_value_and_nothing_else(
    prefix: str, lang: str, reference: dt.date, expected: list[tuple[str, str]]
) -> None:
    text = seed(prefix)

    found = find_dates(text, lang=lang, reference=reference)

    assert_exact(text, found)
    spans = offsets(text, [phrase for phrase, _ in expected])
    assert [(s.start, s.end, s.value) for s in found] == [
        (start, end, value) for (start, end), (_, value) in zip(spans, expected, strict=True)
    ]
    assert {(s.label, s.source) for s in found} == {("DATE", SOURCE_DATES)}


def test_it_gives_relative_dates_of_a_seed_no_value_without_a_reference() -> None:
    text = seed("001")

    found = find_dates(text, lang="ru", reference=None)

    assert [(s.text, s.value) for s in found] == [
        ("2025-12-23", "2025-12-23"),
        ("конце июля", None),
        ("конце прошлого года", None),
        ("7 декабря", None),
        ("середине октября", None),
    ]


def test_it_does_not_read_the_channel_russia_today_as_today() -> None:
    text = seed("004")
    assert text.count("روسيا اليوم") == 2

    channels = offsets(text, ["روسيا اليوم", "روسيا اليوم"])

    found = find_dates(text, lang="ar", reference=dt.date(2025, 11, 16))

    assert not [s for s in found for start, end in channels if s.start < end and start < s.end]


def test_it_suggests_no_date_inside_the_name_of_an_organisation() -> None:
    text = seed("000")
    start, end = offsets(text, ["Хайят Тахрир аш-Шам"])[0]

    found = find_dates(text, lang="ru", reference=OCT_28)

    assert not [s for s in found if s.start < end and start < s.end]
