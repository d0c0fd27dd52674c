"""Date rules for Arabic: dual month names, Levantine names, ranges, relative days."""

from __future__ import annotations

import datetime as dt
import re

from annotate.suggest import date_words as w
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
    year_of_day,
    year_of_month,
    year_range,
)

_D, _Y = w.DAY, w.YEAR


def _ar_month_pattern(first: str) -> str:
    """A month written once or twice: "أكتوبر", "أكتوبر/ تشرين الأول", "تشرين الأول (أكتوبر)"."""
    name = w.AR_MONTH_NAME
    return rf"(?P<m>{first})(?:\s*/\s*(?P<m2>{name})|\s*\(\s*(?P<m3>{name})\s*\))?{w.AR_END}"


_AR_MONTH = _ar_month_pattern(w.AR_MONTH_NAME)
_AR_YEAR = w.AR_YEAR
_AR_REL = rf"(?:\s+(?P<rel>{w.AR_REL_WORD}){w.AR_END})?"


def _ar_month(m: re.Match[str]) -> int:
    return w.AR_MONTH_BY_KEY[w.ar_key(m["m"])]


def _ar_relation(word: str | None) -> str:
    return w.AR_REL[word] if word else "past"


def _ar_month_year(m: re.Match[str], ctx: Context, part: str = "whole") -> Value:
    month = _ar_month(m)
    year = to_int(m["y"]) or year_of_month(month, ctx.reference, _ar_relation(m["rel"]))
    return None if year is None else month_range(year, month, part)


def _ar_part(m: re.Match[str], ctx: Context) -> Value:
    part = w.AR_PART[re.sub(r"\s+", " ", m["part"])]
    if m["m"]:
        return _ar_month_year(m, ctx, part)
    if m["unit"]:
        if ctx.reference is None:
            return None
        shift = {"current": 0, "last": -1, "next": 1}[w.AR_REL[m["rel2"]]]
        if m["unit"] == "الشهر":
            return month_range(*shift_month(ctx.reference, shift), part)
        return year_range(ctx.reference.year + shift, part)
    return year_range(int(first_group(m, "y2", "y3") or 0), part)


def _ar_day_year(m: re.Match[str], ctx: Context, month: int, day: int) -> int | None:
    if m["y"]:
        return int(m["y"])
    if m["rel"]:  # "15 أكتوبر الجاري": the year comes from the relation, not from dateparser
        return year_of_day(month, day, ctx.reference, w.AR_REL[m["rel"]])
    return None


def _ar_day(m: re.Match[str], ctx: Context) -> Value:
    month, day = _ar_month(m), int(m["d"])
    year = _ar_day_year(m, ctx, month, day)
    if not valid_day(year, month, day):
        return DROP
    if m["rel"] and year is None:
        return None
    canonical = f"{day} {w.AR_MSA_MONTHS[month][0]}" + (f" {year}" if year else "")
    return day_value(
        ctx, lang="ar", raw=m["span"], canonical=canonical, day=day, month=month, year=year
    )


def _ar_day_range(m: re.Match[str], ctx: Context) -> Value:
    month, first, last = _ar_month(m), int(m["d1"]), int(m["d2"])
    year = _ar_day_year(m, ctx, month, first)
    if first >= last or not valid_day(year, month, last):
        return DROP
    year = year or year_of_month(month, ctx.reference)
    return (
        None if year is None else day_range(dt.date(year, month, first), dt.date(year, month, last))
    )


def _ar_relative_unit(m: re.Match[str], ctx: Context) -> Value:
    if ctx.reference is None:
        return None
    shift = {"current": 0, "last": -1, "next": 1}[w.AR_REL[m["rel"]]] if m["rel"] else 0
    if (m["unit"] or m["unit2"]) == "الشهر":
        return month_range(*shift_month(ctx.reference, shift))
    return year_range(ctx.reference.year + shift)


def _ar_relative_day(m: re.Match[str], ctx: Context) -> Value:
    word = re.sub(r"\s+", " ", m["w"])
    if word == "اليوم" and not m["wd"]:
        # "اليوم التالي" (the next day), "اليوم الوطني", "في اليوم نفسه": "the day", not today
        after = ctx.text[m.end("span") :].lstrip()
        before = ctx.text[: m.start("span")].rstrip()
        after_the = after.startswith(("ال", "نفس", "ذات"))
        if after_the or (not m["tod"] and re.search(r"(?:^|\s)في$", before)):
            return DROP
    return day_shift(w.AR_DAY_SHIFT[word], ctx)


_S, _E = w.AR_START, w.AR_END
_AR_YEAR_OPT = rf"(?:\s*[,،]?\s*{_AR_YEAR})?"
AR_RULES = [
    # منتصف أكتوبر, أواخر العام الماضي, نهاية 2024
    Rule(
        re.compile(
            rf"{_S}(?P<span>(?P<part>{w.AR_PART_WORD})\s+(?:(?:شهر\s+)?{_AR_MONTH}{_AR_YEAR_OPT}{_AR_REL}"
            rf"|(?:عام|العام|سنة)\s+(?P<y2>{_Y})|(?P<y3>{_Y})"
            rf"|(?P<unit>العام|السنة|الشهر)\s+(?P<rel2>{w.AR_REL_WORD}))){_E}"
        ),
        _ar_part,
    ),
    # 10-20 أكتوبر
    Rule(
        re.compile(
            rf"(?P<span>(?P<d1>{_D})\s*[-–]\s*(?P<d2>{_D})\s+(?:من\s+)?(?:شهر\s+)?"
            rf"{_AR_MONTH}{_AR_YEAR_OPT}{_AR_REL}){_E}"
        ),
        _ar_day_range,
    ),
    # 15 أكتوبر/تشرين الأول, 31 يوليو/ تموز الماضي, 8 ديسمبر/ كانون الأول 2024
    Rule(
        re.compile(
            rf"(?P<span>(?P<d>{_D})\s+(?:من\s+)?(?:شهر\s+)?{_AR_MONTH}{_AR_YEAR_OPT}{_AR_REL}){_E}"
        ),
        _ar_day,
    ),
    # ديسمبر 7، 2024: month first, as some outlets copy it from English
    Rule(
        re.compile(rf"{_S}(?P<span>{_AR_MONTH}\s+(?P<d>{_D})\s*[,،]\s*{_AR_YEAR}){_E}(?P<rel>)"),
        _ar_day,
    ),
    # ديسمبر/ كانون الأول 2024, يوليو الماضي: the whole month
    Rule(
        re.compile(rf"{_S}(?:شهر\s+)?(?P<span>{_AR_MONTH}\s*[,،]?\s*{_AR_YEAR}){_E}(?P<rel>)"),
        _ar_month_year,
    ),
    Rule(
        re.compile(rf"{_S}(?:شهر\s+)?(?P<span>{_AR_MONTH}\s+(?P<rel>{w.AR_REL_WORD})){_E}(?P<y>)"),
        _ar_month_year,
    ),
    # a month alone: after a temporal preposition, or any name that is not also a word
    Rule(
        re.compile(
            rf"{_S}(?:في|منذ|خلال|حتى|قبل|بعد|من|شهر)\s+(?:شهر\s+)?(?P<span>{_AR_MONTH})(?P<y>)(?P<rel>)"
        ),
        _ar_month_year,
    ),
    Rule(
        re.compile(rf"{_S}(?P<span>{_ar_month_pattern(w.AR_MONTH_SAFE)})(?P<y>)(?P<rel>)"),
        _ar_month_year,
    ),
    # عام 2024
    Rule(
        re.compile(rf"{_S}(?P<span>(?:عام|العام|سنة)\s+(?P<y>{_Y})(?:\s?م{_E})?){_E}"),
        lambda m, ctx: year_range(int(m["y"])),
    ),
    # العام الماضي, الشهر الجاري, هذا العام
    Rule(
        re.compile(
            rf"{_S}(?P<span>(?P<unit>العام|السنة|الشهر)\s+(?P<rel>{w.AR_REL_WORD})"
            rf"|هذا\s+(?P<unit2>العام|الشهر)){_E}"
        ),
        _ar_relative_unit,
    ),
    # أمس, اليوم, مساء اليوم الثلاثاء, يوم أمس (a proclitic و/ف only: "باليوم" is "per day")
    Rule(
        re.compile(
            rf"(?<!{w.AR_WORD})[وف]?(?P<span>(?:(?P<tod>{w.AR_TIME_OF_DAY})\s+)?(?:يوم\s+)?"
            rf"(?P<w>{w.AR_DAY_WORD})(?:\s+(?:يوم\s+)?(?P<wd>{w.AR_WEEKDAY}))?){_E}"
        ),
        _ar_relative_day,
    ),
]
