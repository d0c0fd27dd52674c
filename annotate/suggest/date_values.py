"""Shared pieces of the date rules: what a rule is, and how values are written.

A value is an ISO day (`2025-10-28`), an inclusive range (`2025-10-11/2025-10-20`),
None (a relative date with no reference date) or DROP (the match is no date after all).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dateparser


class Drop(enum.Enum):
    """A rule matched something that is not a date after all (an invalid day, "the day")."""

    DROP = 0


DROP = Drop.DROP
Value = str | None | Drop


@dataclass(frozen=True)
class Context:
    text: str
    lang: str
    reference: dt.date | None


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], Context], Value]


# --- values -------------------------------------------------------------------------


def day_range(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()}/{last.isoformat()}"


_YEAR_PARTS = {"whole": (1, 12), "begin": (1, 3), "middle": (4, 9), "end": (10, 12)}
_YEAR_PARTS |= {"first_half": (1, 6), "second_half": (7, 12)}


def month_range(year: int, month: int, part: str = "whole") -> str:
    """A month, or a part of it: begin 1-10, middle 11-20, end 21-last, or halves."""
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {
        "whole": (1, last),
        "begin": (1, 10),
        "middle": (11, 20),
        "end": (21, last),
        "first_half": (1, 15),
        "second_half": (16, last),
    }[part]
    return day_range(dt.date(year, month, first_day), dt.date(year, month, last_day))


def year_range(year: int, part: str = "whole") -> str:
    """A year, or a part of it: begin Q1, middle Q2-Q3, end Q4, or halves."""
    first_month, last_month = _YEAR_PARTS[part]
    last_day = calendar.monthrange(year, last_month)[1]
    return day_range(dt.date(year, first_month, 1), dt.date(year, last_month, last_day))


def year_of_month(month: int, reference: dt.date | None, relation: str = "past") -> int | None:
    """The year of a month named without one: the latest such month up to the reference,
    unless the text says "this" (current), "last" or "next" month of that name."""
    if reference is None:
        return None
    if relation == "current":
        return reference.year
    if relation == "last":
        return reference.year if month < reference.month else reference.year - 1
    if relation == "next":
        return reference.year if month > reference.month else reference.year + 1
    return reference.year if month <= reference.month else reference.year - 1


def year_of_day(
    month: int, day: int, reference: dt.date | None, relation: str = "past"
) -> int | None:
    """The year of a day named without one: the latest such day up to the reference (as
    dateparser's PREFER_DATES_FROM past), or the last one before it, the next one after
    it, or the reference's year ("15 أكتوبر الماضي", "... المقبل", "... الجاري")."""
    if reference is None:
        return None
    here, ref = (month, day), (reference.month, reference.day)
    if relation == "current":
        return reference.year
    if relation == "last":
        return reference.year if here < ref else reference.year - 1
    if relation == "next":
        return reference.year if here > ref else reference.year + 1
    return reference.year if here <= ref else reference.year - 1


def shift_month(reference: dt.date, shift: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 + shift
    return index // 12, index % 12 + 1


def dateparser_settings(reference: dt.date | None) -> dict[str, Any]:
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    if reference is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(reference, dt.time())
    return settings


def day_value(
    ctx: Context, *, lang: str, raw: str, canonical: str, day: int, month: int, year: int | None
) -> Value:
    """An ISO day for a day-and-month expression, read by dateparser.

    dateparser reads `raw` (the span as written) first; when its answer disagrees with
    the day and month the rule saw (it reads "15 أكتوبر/تشرين الأول" and
    "8 ديسمبر/ كانون الأول 2024" as nothing), it reads our one-name `canonical`
    rewrite. If both fail, the rule's own reading stands.
    """
    if year is None and ctx.reference is None:
        return None
    settings = dateparser_settings(ctx.reference)
    for candidate in (raw.replace("\u00a0", " "), canonical):
        parsed = dateparser.parse(candidate, languages=[lang], settings=settings)
        if parsed is not None and (parsed.day, parsed.month, year) in {
            (day, month, None),
            (day, month, parsed.year),
        }:
            return parsed.date().isoformat()
    try:
        return dt.date(year or year_of_day(month, day, ctx.reference) or 1, month, day).isoformat()
    except ValueError:
        return DROP


def to_int(text: str | None) -> int | None:
    return int(text) if text else None


def first_group(m: re.Match[str], *names: str) -> str | None:
    for name in names:
        if m.group(name) is not None:
            return m.group(name)
    return None


def valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February is a day
    except ValueError:
        return False
    return True


def day_shift(shift: int, ctx: Context) -> Value:
    """The reference day moved by `shift` days ("вчера" is -1); None without a reference."""
    if ctx.reference is None:
        return None
    return (ctx.reference + dt.timedelta(days=shift)).isoformat()
