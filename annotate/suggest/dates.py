"""Date suggestions for Russian, Arabic and English text, with a normalised value.

Our own rules (`date_rules`, `date_rules_ar`) come first: regexes for the forms these
articles use, each giving an exact span and a value (an ISO day or an inclusive range
`2025-10-11/2025-10-20`). dateparser reads the day-and-month expressions the rules
delimit, checked against what the rule saw (with our one-name rewrite as a second try
where it misreads dual Arabic month names). Then dateparser's `search_dates` runs over
what the rules left, and only its hits with an explicit day and month, or month and
year, are kept. Relative dates resolve against `reference` (the article's date);
without one they keep their span but get no value. Addresses, short quoted names and
media names that contain date words (`روسيا اليوم`) get no date at all. See
"Suggesters" in docs/decisions.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from dateparser.date import DateDataParser
from dateparser.search import search_dates

from annotate.suggest import SOURCE_DATES, Suggestion
from annotate.suggest import date_words as w
from annotate.suggest.date_rules import RULES
from annotate.suggest.date_values import (
    DROP,
    Context,
    Drop,
    Value,
    dateparser_settings,
    month_range,
)

LANGUAGES = ("ru", "ar", "en")
_E = w.AR_END

# --- names and addresses that contain date words ------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|co|org|net|ru|ae|me|io|info)/\S*")
# any length, so that a long quotation does not throw the pairing of the next ones off
_QUOTED = re.compile(r"«(?P<a>[^«»\n]*)»|\"(?P<b>[^\"\n]*)\"|“(?P<c>[^“”\n]*)”|„(?P<d>[^„“\n]*)“")
_MEDIA_NAMES = [
    # قناة روسيا اليوم, لصحيفة المصري اليوم
    re.compile(
        rf"(?:قناة|موقع|شبكة|صحيفة|جريدة|وكالة|تلفزيون|محطة|إذاعة)\s+[\"«“]?(?P<name>{w.AR_WORD}+\s+اليوم){_E}"
    ),
    # телеканал Россия сегодня, МИА Россия сегодня
    re.compile(
        r"(?i:телеканал\w*|канал\w*|агентств\w*|МИА|газет\w*|радио)\s+[«\"„]?(?P<name>\w+\s+сегодня)\b"
    ),
    # Russia Today, USA Today: "Today" capitalised after a capitalised word is a title
    re.compile(r"\b(?P<name>[A-Z][\w.]*\s+Today)\b"),
]


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans where no date is suggested: addresses, short quoted names without digits
    («Хайят Тахрир аш-Шам», "روسيا اليوم"), and media names containing date words."""
    spans = [(m.start(), m.end()) for m in _URL.finditer(text)]
    for m in _QUOTED.finditer(text):
        group = next(g for g in "abcd" if m.group(g) is not None)
        content = m.group(group)
        if len(content.split()) <= 5 and not re.search(w.DIGIT, content):
            spans.append((m.start(group), m.end(group)))
    for pattern in _MEDIA_NAMES:
        spans.extend((m.start("name"), m.end("name")) for m in pattern.finditer(text))
    return spans


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# --- dateparser's search over what the rules left -------------------------------

_PUNCTUATION = " \t\n.,،؛;:!?\"'«»()"
# Two base days a day apart: a hit whose explicit parts move with the base ("2 дня назад",
# "قبل 3 أيام") is relative, and dateparser cannot tell "3 days ago" from "in 3 days".
_BASES = (dt.date(2001, 6, 15), dt.date(2001, 6, 16))


@functools.lru_cache(maxsize=32)
def _parser(lang: str, reference: dt.date | None) -> DateDataParser:
    return DateDataParser(languages=[lang], settings=dateparser_settings(reference))


Reading = tuple[dt.date, str, frozenset[str]]


def _reading(hit: str, lang: str, reference: dt.date | None) -> Reading | None:
    data = _parser(lang, reference).get_date_data(hit)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period), frozenset(getattr(data, "parts", None) or ())


def _explicit(reading: Reading) -> tuple[int, ...]:
    day, _, parts = reading
    return tuple(getattr(day, part) for part in ("year", "month", "day") if part in parts)


def _is_relative(hit: str, lang: str) -> bool:
    readings = [_reading(hit, lang, base) for base in _BASES]
    if readings[0] is None or readings[1] is None:
        return True
    return _explicit(readings[0]) != _explicit(readings[1])


def _trim(hit: str, lang: str, reference: dt.date | None) -> tuple[int, int]:
    """The shortest run of the hit's words that dateparser reads the same way: it hands
    back "28 Oct 2025 by" and "on Tue, 28 Oct 2025" for "28 Oct 2025"."""
    words = [m.span() for m in re.finditer(r"\S+", hit)]
    same = _reading(hit, lang, reference)
    first, last = 0, len(words) - 1
    while (
        first < last
        and _reading(hit[words[first + 1][0] : words[last][1]], lang, reference) == same
    ):
        first += 1
    while (
        first < last
        and _reading(hit[words[first][0] : words[last - 1][1]], lang, reference) == same
    ):
        last -= 1
    start, end = words[first][0], words[last][1]
    core = hit[start:end].strip(_PUNCTUATION)
    start += hit[start:end].index(core) if core else 0
    return start, start + len(core)


def _value_from_dateparser(hit: str, ctx: Context) -> Value:
    """Keep a `search_dates` hit only when it names a day and month, or a month and year,
    explicitly: it also reads durations ("3 недели"), bare numbers and "today" in names."""
    reading = _reading(hit, ctx.lang, ctx.reference)
    undated = re.sub(r"\d{1,2}:\d\d(?::\d\d)?", "", hit)  # a clock time alone is no date
    if reading is None or not re.search(w.DIGIT, undated) or not re.search(r"[^\W\d_]", hit):
        return DROP
    if _is_relative(hit, ctx.lang):
        return DROP
    day, period, parts = reading
    if not 1900 <= day.year <= 2100:
        return DROP
    if period == "day" and {"day", "month"} <= parts:
        return None if "year" not in parts and ctx.reference is None else day.isoformat()
    if period == "month" and {"month", "year"} <= parts:
        return month_range(day.year, day.month)
    return DROP


def _dateparser_hits(ctx: Context, taken: list[tuple[int, int]]) -> list[tuple[int, int, Value]]:
    masked = list(ctx.text)
    for start, end in taken:
        masked[start:end] = " " * (end - start)
    blank = "".join(masked)
    settings = dateparser_settings(ctx.reference)
    hits = search_dates(blank, languages=[ctx.lang], settings=settings) or []
    found, cursor = [], 0
    for hit, _ in hits:
        at = blank.find(hit, cursor)
        if at < 0 or not hit.strip(_PUNCTUATION):
            continue
        cursor = at + len(hit)
        first, last = _trim(hit, ctx.lang, ctx.reference)
        start, end = at + first, at + last
        if start == end or blank[start - 1 : start].isalnum() or blank[end : end + 1].isalnum():
            continue
        value = _value_from_dateparser(blank[start:end], ctx)
        if value is not DROP:
            found.append((start, end, value))
    return found


# --- the API ------------------------------------------------------------------------


def find_dates(text: str, *, lang: str, reference: dt.date | None) -> list[Suggestion]:
    """DATE suggestions in `text` (one language: "ru", "ar" or "en"), in text order.

    `reference` is the article's date: relative dates ("вчера", "في منتصف أكتوبر",
    "7 декабря") resolve against it; without it they are suggested with value None.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    ctx = Context(text=text, lang=lang, reference=reference)
    protected = _protected(text)
    candidates: list[tuple[int, int, Value]] = []
    for rule in RULES[lang]:
        for m in rule.pattern.finditer(text):
            start, end = m.span("span")
            if start < end and not _overlaps(start, end, protected):
                candidates.append((start, end, rule.resolve(m, ctx)))
    chosen = _longest_first([c for c in candidates if c[2] is not DROP])
    taken = [(s, e) for s, e, _ in chosen] + protected
    chosen += [h for h in _dateparser_hits(ctx, taken) if not _overlaps(h[0], h[1], taken)]
    return [
        Suggestion(start=s, end=e, label="DATE", text=text[s:e], source=SOURCE_DATES, value=v)
        for s, e, v in sorted(chosen, key=lambda c: c[0])
        if not isinstance(v, Drop)
    ]


def _longest_first(candidates: list[tuple[int, int, Value]]) -> list[tuple[int, int, Value]]:
    """Where rules overlap, the longest match wins ("8 ديسمبر/ كانون الأول 2024" over
    "ديسمبر/ كانون الأول 2024"); at equal length, the earlier rule (the list order)."""
    chosen: list[tuple[int, int, Value]] = []
    for start, end, value in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if not _overlaps(start, end, [(s, e) for s, e, _ in chosen]):
            chosen.append((start, end, value))
    return chosen
