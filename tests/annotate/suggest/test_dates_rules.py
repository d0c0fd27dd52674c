"""find_dates rule by rule: the forms dateparser gets wrong, the ones it gets right, negatives."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.suggest.dates import find_dates
from tests.annotate.suggest.helpers import assert_exact, offsets, seed

REF = dt.date(2025, 10, 28)  # a Tuesday

# (language, text, the suggested span, its value against REF)
EXAMPLES = [
    # ranges: dateparser returns the reference day for these
    (
        "ru",
        "Переговоры прошли в середине октября в Москве.",
        "середине октября",
        "2025-10-11/2025-10-20",
    ),
    ("ru", "Его назначили в конце 2024 года.", "конце 2024 года", "2024-10-01/2024-12-31"),
    ("ru", "Он посещал Россию в конце июля.", "конце июля", "2025-07-21/2025-07-31"),
    ("ru", "Режим пал в декабре 2024 года.", "декабре 2024 года", "2024-12-01/2024-12-31"),
    ("ru", "Сессия пройдет с 10 по 20 октября.", "с 10 по 20 октября", "2025-10-10/2025-10-20"),
    ("ru", "в начале прошлого года", "начале прошлого года", "2024-01-01/2024-03-31"),
    ("ru", "Так было в прошлом году.", "прошлом году", "2024-01-01/2024-12-31"),
    ("ar", "التقيا في منتصف أكتوبر في موسكو", "منتصف أكتوبر", "2025-10-11/2025-10-20"),
    ("ar", "في أواخر العام الماضي", "أواخر العام الماضي", "2024-10-01/2024-12-31"),
    ("ar", "منذ سقوطه في عام 2024", "عام 2024", "2024-01-01/2024-12-31"),
    ("en", "They met in mid-October in Moscow.", "mid-October", "2025-10-11/2025-10-20"),
    ("en", "by the end of 2024", "the end of 2024", "2024-10-01/2024-12-31"),
    # dual Arabic month names: dateparser reads none of these
    ("ar", "في 15 أكتوبر/تشرين الأول، وصل الرئيس", "15 أكتوبر/تشرين الأول", "2025-10-15"),
    ("ar", "إلى موسكو في 31 يوليو/ تموز حين", "31 يوليو/ تموز", "2025-07-31"),
    ("ar", "وفي 15 تشرين الأول/أكتوبر، أجرى", "15 تشرين الأول/أكتوبر", "2025-10-15"),
    (
        "ar",
        "سقوط النظام في 8 ديسمبر/ كانون الأول 2024، وبحث",
        "8 ديسمبر/ كانون الأول 2024",
        "2024-12-08",
    ),
    ("ar", "في 15 أكتوبر (تشرين الأول) الماضي", "15 أكتوبر (تشرين الأول) الماضي", "2025-10-15"),
    ("ar", "في 30 أكتوبر الماضي", "30 أكتوبر الماضي", "2024-10-30"),
    ("ar", "في 5 نوفمبر المقبل", "5 نوفمبر المقبل", "2025-11-05"),
    ("ar", "في أكتوبر الماضي", "أكتوبر الماضي", "2024-10-01/2024-10-31"),
    # Levantine month names alone: the latest such month up to the reference
    ("ar", "زار موسكو في تشرين الأول", "تشرين الأول", "2025-10-01/2025-10-31"),
    ("ar", "سقط النظام في كانون الأول", "كانون الأول", "2024-12-01/2024-12-31"),
    ("ar", "عاد في آب إلى دمشق", "آب", "2025-08-01/2025-08-31"),
    ("ar", "منذ أيلول", "أيلول", "2025-09-01/2025-09-30"),
    ("ar", "في تموز الماضي", "تموز الماضي", "2025-07-01/2025-07-31"),
    # what dateparser gets right, through our spans
    ("ru", "Глава ведомства 7 декабря сообщил", "7 декабря", "2024-12-07"),
    ("ru", "Встреча прошла 7 декабря 2024 г. в Москве.", "7 декабря 2024 г.", "2024-12-07"),
    ("ru", "Встреча 7-го декабря 2024 года", "7-го декабря 2024 года", "2024-12-07"),
    ("ru", "Вчера министр заявил", "Вчера", "2025-10-27"),
    ("ru", "Опубликовано 28.10.2025 в 16:32", "28.10.2025", "2025-10-28"),
    ("ar", "وقال أمس إن", "أمس", "2025-10-27"),
    ("ar", "وأمس قال", "أمس", "2025-10-27"),
    ("ar", "أول أمس", "أول أمس", "2025-10-26"),
    ("ar", "أعلنت الوزارة اليوم أن", "اليوم", "2025-10-28"),
    ("ar", "كشفت الوزارة، مساء اليوم الثلاثاء، أن", "مساء اليوم الثلاثاء", "2025-10-28"),
    ("ar", "عرب وعالمالأحد 2025/11/16", "2025/11/16", "2025-11-16"),
    ("ar", "في 28/10/2025", "28/10/2025", "2025-10-28"),
    ("ar", "١٥ أكتوبر ٢٠٢٤", "١٥ أكتوبر ٢٠٢٤", "2024-10-15"),
    ("en", "ТАСС (@tass_agency) October 28, 2025", "October 28, 2025", "2025-10-28"),
    ("en", "updated 2025-10-28T16:46+0000", "2025-10-28T16:46+0000", "2025-10-28"),
    ("en", "He left yesterday.", "yesterday", "2025-10-27"),
    ("ru", "Опубликовано 07 дек. 2024г в Москве", "07 дек. 2024г", "2024-12-07"),
    ("ar", "في ديسمبر 7، 2024 سقط", "ديسمبر 7، 2024", "2024-12-07"),
    ("ar", "في 7 ديسمبر الماضى", "7 ديسمبر الماضى", "2024-12-07"),
    ("en", "Published 28 Oct 2025 by staff", "28 Oct 2025", "2025-10-28"),
    # no rule knows this form: dateparser's search_dates finds it, trimmed to the date
    ("en", "updated 07-Dec-2024 by staff", "07-Dec-2024", "2024-12-07"),
]


@pytest.mark.parametrize(("lang", "text", "phrase", "value"), EXAMPLES)
def test_it_suggests_the_date_with_its_exact_span_and_value(
    lang: str, text: str, phrase: str, value: str
) -> None:
    found = find_dates(text, lang=lang, reference=REF)

    assert_exact(text, found)
    [(start, end)] = offsets(text, [phrase])
    assert [(s.start, s.end, s.value) for s in found] == [(start, end, value)]


NOT_DATES = [
    ("ar", 'وفق ما نقلت قناة "روسيا اليوم".'),
    ("ar", "وفق ما نقلت قناة روسيا اليوم."),
    ("ar", "بحسب صحيفة المصري اليوم"),
    ("ru", "сообщило МИА «Россия сегодня»."),
    ("ru", "в организации «Хайят Тахрир аш-Шам»."),
    ("en", "a report in USA Today"),
    ("ar", "مارس الضغط على الحكومة"),  # مارس: "he practised"
    ("ar", "سيارة نيسان"),  # the car maker
    ("ar", "في اليوم التالي"),  # "the next day"
    ("ar", "اليوم الوطني"),
    ("ar", "بعد نحو 3 أسابيع على زيارة"),  # a duration
    ("ru", "Марта Иванова"),
    ("ru", "построили 7 маяков"),
    ("ru", "31 февраля"),
    ("ar", "16:32 GMT"),
    # relative durations: search_dates reads them, but cannot tell "3 days ago" from "in 3 days"
    ("ru", "Встреча прошла 3 недели назад"),
    ("ar", "قبل 3 أيام"),
    ("en", "see https://example.com/2025/10/28/news for more"),
    ("ru", "Министр обороны России Андрей Белоусов провел встречу."),
]


@pytest.mark.parametrize(("lang", "text"), NOT_DATES)
def test_it_suggests_no_date_in_names_words_and_addresses(lang: str, text: str) -> None:
    assert find_dates(text, lang=lang, reference=REF) == []


def test_it_reads_russia_today_outside_a_name_as_russia_and_today() -> None:
    text = "أعلنت روسيا اليوم أن"

    found = find_dates(text, lang="ar", reference=REF)

    assert [(s.text, s.value) for s in found] == [("اليوم", "2025-10-28")]


@pytest.mark.parametrize(
    ("lang", "text", "phrase", "value"),
    [
        ("ru", "вчера", "вчера", None),
        ("ru", "в середине октября", "середине октября", None),
        ("ru", "7 декабря", "7 декабря", None),
        ("ru", "7 декабря 2024 года", "7 декабря 2024 года", "2024-12-07"),
        ("ar", "في منتصف أكتوبر", "منتصف أكتوبر", None),
        ("ar", "15 أكتوبر/ تشرين الأول الجاري", "15 أكتوبر/ تشرين الأول الجاري", None),
        ("ar", "8 ديسمبر/ كانون الأول 2024", "8 ديسمبر/ كانون الأول 2024", "2024-12-08"),
        ("ar", "أمس", "أمس", None),
    ],
)
def test_it_keeps_relative_dates_without_a_value_when_there_is_no_reference(
    lang: str, text: str, phrase: str, value: str | None
) -> None:
    found = find_dates(text, lang=lang, reference=None)

    assert [(s.text, s.value) for s in found] == [(phrase, value)]


def test_it_resolves_a_day_without_year_to_the_latest_one_up_to_the_reference() -> None:
    before = find_dates("7 декабря", lang="ru", reference=dt.date(2025, 12, 23))
    after = find_dates("7 декабря", lang="ru", reference=dt.date(2025, 10, 28))

    assert [s.value for s in before] == ["2025-12-07"]
    assert [s.value for s in after] == ["2024-12-07"]


def test_it_rejects_a_language_it_has_no_rules_for() -> None:
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        find_dates("le 7 décembre", lang="fr", reference=REF)


SEED_LINES = [
    (lang, line)
    for prefix, lang in (("000", "ru"), ("001", "ru"), ("002", "ar"), ("003", "ar"))
    for line in seed(prefix).splitlines()
    if line.strip()
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEED_LINES),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
)
def test_its_spans_are_exact_for_any_cut_of_a_seed_line(
    lang_line: tuple[str, str], cut_start: int, length: int
) -> None:
    lang, line = lang_line
    text = line[cut_start : cut_start + length]

    found = find_dates(text, lang=lang, reference=REF)

    assert_exact(text, found)
