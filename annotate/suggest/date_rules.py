"""Date rules: numeric forms (every language), Russian and English.

Each rule is a regex whose group `span` is the suggested span, and a function that
reads the match into a value. Arabic rules are in `date_rules_ar`; `RULES` lists the
rules run for each language, in the order that breaks ties between equal spans.
"""

from __future__ import annotations

import datetime as dt
import re

from annotate.suggest import date_words as w
from annotate.suggest.date_rules_ar import AR_RULES
from annotate.suggest.date_values import (
    DROP,
    Context,
    Rule,
    Value,
    day_range,
    day_shift,
    day_value,
    first_group,
    month_range,
    shift_month,
    to_int,
    valid_day,
    year_of_month,
    year_range,
)

# --- rules: numbers (every language) ----------------------------------------------

_D, _Y = w.DAY, w.YEAR
_MO = rf"(?<!{w.DIGIT}){w.DIGIT}{{1,2}}(?!{w.DIGIT})"
_ISO_TIME = r"(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"


def _numeric(m: re.Match[str], ctx: Context) -> Value:
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"])).isoformat()
    except ValueError:
        return DROP


_NUMERIC_RULES = [
    # 2025-10-28, 2025-10-28T16:32+0000 (the stamp's own day, not converted to UTC)
    Rule(
        re.compile(rf"(?P<span>(?P<y>{_Y})-(?P<mo>{_MO})-(?P<d>{_D}){_ISO_TIME})(?![\w:])"),
        _numeric,
    ),
    Rule(re.compile(rf"(?P<span>(?P<y>{_Y})/(?P<mo>{_MO})/(?P<d>{_D}))(?![\w/])"), _numeric),
    Rule(
        re.compile(rf"(?<![\w.])(?P<span>(?P<d>{_D})\.(?P<mo>{_MO})\.(?P<y>{_Y}))(?!\w)"), _numeric
    ),
]
# 28/10/2025: day first in Russian and Arabic; English writers disagree, so not there.
_DMY_SLASH = Rule(
    re.compile(rf"(?<![\w/])(?P<span>(?P<d>{_D})/(?P<mo>{_MO})/(?P<y>{_Y}))(?![\w/])"), _numeric
)


# --- rules: Russian ---------------------------------------------------------------

_RU_FLAGS = re.IGNORECASE


def _ru_shift(phrase: str) -> int:
    return w.RU_REL_YEAR_SHIFT[phrase.split()[0].lower()]


def _ru_year(m: re.Match[str], ctx: Context, year_group: str, rel_group: str) -> int | None:
    if m.group(year_group):
        return int(m.group(year_group))
    if m.group(rel_group) and ctx.reference:
        return ctx.reference.year + _ru_shift(m.group(rel_group))
    return None


def _ru_part(m: re.Match[str], ctx: Context) -> Value:
    part = w.ru_part(m["part"])
    if m["m"]:
        month = w.RU_MONTH_BY_WORD[m["m"].lower()]
        year = _ru_year(m, ctx, "y", "ry")
        if year is None and not m["ry"]:
            year = year_of_month(month, ctx.reference)
        return None if year is None else month_range(year, month, part)
    if m["rm"]:
        if ctx.reference is None:
            return None
        shift = -1 if m["rm"].lower() == "прошлого" else 0
        return month_range(*shift_month(ctx.reference, shift), part)
    year = _ru_year(m, ctx, "y2", "ry2")
    return None if year is None else year_range(year, part)


def _ru_day_range(m: re.Match[str], ctx: Context) -> Value:
    month = w.RU_MONTH_BY_WORD[m["m"].lower()]
    first, last = int(m["d1"]), int(m["d2"])
    year = to_int(m["y"])
    if first >= last or not valid_day(year, month, last):
        return DROP
    year = year or year_of_month(month, ctx.reference)
    return (
        None if year is None else day_range(dt.date(year, month, first), dt.date(year, month, last))
    )


def _ru_day(m: re.Match[str], ctx: Context) -> Value:
    month, day, year = w.RU_MONTH_BY_WORD[m["m"].lower()], int(m["d"]), to_int(m["y"])
    if not valid_day(year, month, day):
        return DROP
    canonical = f"{day} {w.RU_MONTHS[month][1]}" + (f" {year}" if year else "")
    return day_value(
        ctx, lang="ru", raw=m["span"], canonical=canonical, day=day, month=month, year=year
    )


def _ru_month_year(m: re.Match[str], ctx: Context) -> Value:
    month = w.RU_MONTH_BY_WORD[m["m"].lower()]
    year = _ru_year(m, ctx, "y", "ry")
    if year is None and not m["ry"]:
        year = year_of_month(month, ctx.reference)
    return None if year is None else month_range(year, month)


def _ru_year_only(m: re.Match[str], ctx: Context) -> Value:
    year = _ru_year(m, ctx, "y", "ry")
    return None if year is None else year_range(year)


_RU_REL_DAY = "|".join(sorted(w.RU_DAY_SHIFT, key=len, reverse=True))
_RU_RULES = [
    # в середине октября, в конце 2024 года, в конце прошлого года, в начале этого месяца
    Rule(
        re.compile(
            rf"\b(?P<span>(?P<part>{w.RU_PART})\s+(?:(?P<m>{w.RU_MONTH_GEN})"
            rf"(?:\s+(?P<y>{_Y}){w.RU_YEAR_WORD}?|\s+(?P<ry>{w.RU_REL_YEAR}))?"
            rf"|(?P<y2>{_Y}){w.RU_YEAR_WORD}|(?P<ry2>{w.RU_REL_YEAR})"
            rf"|(?P<rm>прошлого|этого|текущего)\s+месяца))(?!\w)",
            _RU_FLAGS,
        ),
        _ru_part,
    ),
    # 10-20 октября, с 10 по 20 октября 2025 года
    Rule(
        re.compile(
            rf"(?P<span>(?:\bс\s+)?(?P<d1>{_D})\s*(?:[-–—]|\bпо\b)\s*(?P<d2>{_D})\s+"
            rf"(?P<m>{w.RU_MONTH_GEN})(?:\s+(?P<y>{_Y}){w.RU_YEAR_WORD}?)?)(?!\w)",
            _RU_FLAGS,
        ),
        _ru_day_range,
    ),
    # 7 декабря, 7-го декабря 2024 года
    Rule(
        re.compile(
            rf"(?P<span>(?P<d>{_D})(?:-(?:го|е))?\s+(?P<m>{w.RU_MONTH_GEN})"
            rf"(?:\s+(?P<y>{_Y}){w.RU_YEAR_WORD}?)?)(?!\w)",
            _RU_FLAGS,
        ),
        _ru_day,
    ),
    # (в) декабре 2024 года, в марте прошлого года: the whole month, not a day
    Rule(
        re.compile(
            rf"\b(?P<span>(?P<m>{w.RU_MONTH_ANY})\s+(?:(?P<y>{_Y}){w.RU_YEAR_WORD}?"
            rf"|(?P<ry>{w.RU_REL_YEAR})))(?!\w)",
            _RU_FLAGS,
        ),
        _ru_month_year,
    ),
    # в октябре, до октября: a month alone only after a preposition
    Rule(
        re.compile(
            rf"\b(?:в|во|с|до|после|от)\s+(?P<span>(?P<m>{w.RU_MONTH_ANY}))(?!\w)(?P<y>)(?P<ry>)",
            _RU_FLAGS,
        ),
        _ru_month_year,
    ),
    # 2024 года, в 2024 году; в прошлом году
    Rule(
        re.compile(rf"(?P<span>(?P<y>{_Y})\s*(?:года|году|год|г\.))(?!\w)(?P<ry>)", _RU_FLAGS),
        _ru_year_only,
    ),
    Rule(
        re.compile(rf"\b(?P<span>(?P<ry>{w.RU_REL_YEAR}))(?!\w)(?P<y>)", _RU_FLAGS), _ru_year_only
    ),
    Rule(
        re.compile(rf"\b(?P<span>(?P<w>{_RU_REL_DAY}))(?!\w)", _RU_FLAGS),
        lambda m, ctx: day_shift(w.RU_DAY_SHIFT[m["w"].lower()], ctx),
    ),
]


# --- rules: English (run on every text: Latin script cannot clash with the others) --


def _en_month(word: str) -> int:
    return w.EN_MONTH_BY_WORD[word.rstrip(".").lower()]


def _en_part(m: re.Match[str], ctx: Context) -> Value:
    part = w.EN_PART[first_group(m, "part", "part2").lower()]  # type: ignore[union-attr]
    month_word = first_group(m, "m", "m2")
    if month_word:
        month = _en_month(month_word)
        year = to_int(first_group(m, "y", "y3")) or year_of_month(month, ctx.reference)
        return None if year is None else month_range(year, month, part)
    if m["ry"]:
        if ctx.reference is None:
            return None
        return year_range(ctx.reference.year + w.EN_REL_YEAR_SHIFT[m["ry"].lower()], part)
    return year_range(int(first_group(m, "y2", "y4") or 0), part)


def _en_day(m: re.Match[str], ctx: Context) -> Value:
    month, day = _en_month(first_group(m, "m", "m2") or ""), int(first_group(m, "d", "d2") or 0)
    year = to_int(first_group(m, "y", "y2"))
    if not valid_day(year, month, day):
        return DROP
    canonical = f"{w.EN_MONTHS[month][0]} {day}" + (f", {year}" if year else "")
    return day_value(
        ctx, lang="en", raw=m["span"], canonical=canonical, day=day, month=month, year=year
    )


def _en_month_year(m: re.Match[str], ctx: Context) -> Value:
    month = _en_month(m["m"])
    year = to_int(m["y"]) or year_of_month(month, ctx.reference)
    return None if year is None else month_range(year, month)


_EN_TH = r"(?:st|nd|rd|th)?"
_EN_RULES = [
    # mid-October, late 2024, the end of October 2025, the beginning of last year
    Rule(
        re.compile(
            rf"\b(?P<span>(?P<part>[Ee]arly|[Mm]id|[Ll]ate)[-\s](?:(?P<m>{w.EN_MONTH})(?:\s+(?P<y>{_Y}))?"
            rf"|(?P<y2>{_Y}))|(?:[Tt]he\s+)?(?P<part2>beginning|start|middle|end)\s+of\s+"
            rf"(?:(?P<m2>{w.EN_MONTH})(?:,?\s+(?P<y3>{_Y}))?|(?P<y4>{_Y})|(?P<ry>last|this|next)\s+year))(?!\w)"
        ),
        _en_part,
    ),
    # October 28, 2025; 28 October 2025; Oct. 7
    Rule(
        re.compile(
            rf"\b(?P<span>(?P<m>{w.EN_MONTH})\s+(?P<d>{_D}){_EN_TH}(?:,?\s+(?P<y>{_Y}))?"
            rf"|(?P<d2>{_D}){_EN_TH}\s+(?:of\s+)?(?P<m2>{w.EN_MONTH})(?:,?\s+(?P<y2>{_Y}))?)(?!\w)"
        ),
        _en_day,
    ),
    Rule(
        re.compile(rf"\b(?P<span>(?P<m>{w.EN_MONTH})(?:\s+of)?,?\s+(?P<y>{_Y}))(?!\w)"),
        _en_month_year,
    ),
    Rule(
        re.compile(
            rf"\b(?:in|since|until|till|by|from|during)\s+(?P<span>(?P<m>{w.EN_MONTH_FULL}))(?!\w)(?P<y>)"
        ),
        _en_month_year,
    ),
    Rule(
        re.compile(rf"\b(?:in|since|during|until|by)\s+(?P<span>(?P<y>{_Y}))(?!\w)"),
        lambda m, ctx: year_range(int(m["y"])),
    ),
    Rule(
        re.compile(r"\b(?P<span>(?P<ry>(?i:last|this|next))\s+year)\b"),
        lambda m, ctx: (
            None
            if ctx.reference is None
            else year_range(ctx.reference.year + w.EN_REL_YEAR_SHIFT[m["ry"].lower()])
        ),
    ),
    Rule(
        re.compile(r"\b(?P<span>(?P<w>(?i:yesterday|today|tomorrow)))\b"),
        lambda m, ctx: day_shift(w.EN_DAY_SHIFT[m["w"].lower()], ctx),
    ),
]

RULES: dict[str, list[Rule]] = {
    "ru": [*_NUMERIC_RULES, _DMY_SLASH, *_RU_RULES, *_EN_RULES],
    "ar": [*_NUMERIC_RULES, _DMY_SLASH, *AR_RULES, *_EN_RULES],
    "en": [*_NUMERIC_RULES, *_EN_RULES],
}
