"""Offline suggesters: pure functions from text to suggested spans, no database.

`dates.find_dates` (dateparser behind our own rules) and
`russian_ner.find_russian_entities` (natasha) both return `Suggestion`s whose
`start`/`end` are code-point offsets into the text they were given, so
`text[s.start:s.end] == s.text` always holds. Import the submodules directly: this
module stays light so that models and services can use `Suggestion` without loading
dateparser or natasha.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["DATE", "PER", "ORG", "LOC"]

SOURCE_DATES = "dateparser+rules"
SOURCE_NATASHA = "natasha"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested span.

    `value` is the normalised meaning of a DATE: an ISO date (`2025-10-28`) or an
    inclusive range (`2025-10-11/2025-10-20`), or None when it cannot be resolved
    (a relative date with no reference date). Entities have no value.
    """

    start: int
    end: int
    label: Label
    text: str
    source: str
    value: str | None = None
    score: float | None = None
