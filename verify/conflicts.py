"""What reviewers disagree on in one task: the conflict items an admin decides.

Pure, like `verify.agreement`, whose units it compares: a unit is one span position matched
across the task's reviewers (overlap, one span per reviewer; see that module). Each unit
yields at most one item of each kind, and a stance item per linked fact:

- `missing`: some reviewers have the span, others lack it (their version is None);
- `boundaries`: the reviewers who have it drew it with different start or end;
- `label`: they gave it different labels;
- `entity`: a mention linked to different canonical entities (or linked by only some);
- `fact`: a claim linked to different facts (or linked by only some);
- `stance`: reviewers who link a claim to the same fact disagree on the stance.

One unit can hold several items (a span drawn wider and labelled differently is both a
`boundaries` and a `label` item), so an admin decides each dimension on its own.
An item's id hashes the task, the kind and every involved reviewer's version, so it is the
same on every run and changes when any of those versions does: a decision that refers to it
never silently applies to a different disagreement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verify.agreement import (
    UNIT_KINDS,
    Row,
    SpanItem,
    TaskAnnotations,
    Unit,
    span_row,
    task_units,
    unit_agreed,
)

KINDS = ("missing", "boundaries", "label", "entity", "fact", "stance")


@dataclass(frozen=True, slots=True)
class ConflictItem:
    """One thing to decide: its kind, where it is, and each involved reviewer's version
    (None for a reviewer who lacks the span)."""

    id: str
    kind: str  # one of KINDS
    span_kind: str  # "mention" or "claim"
    start: int  # the unit's extent: the smallest start and largest end of its versions
    end: int
    versions: Mapping[str, SpanItem | None]  # every involved reviewer, in name order

    @property
    def reviewers(self) -> tuple[str, ...]:
        return tuple(self.versions)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "span_kind": self.span_kind,
            "start": self.start, "end": self.end, "reviewers": list(self.versions),
            "versions": {reviewer: _version(span) for reviewer, span in self.versions.items()},
        }  # fmt: skip


def task_conflicts(
    task: TaskAnnotations, *, units: Sequence[Unit] | None = None
) -> list[ConflictItem]:
    """The task's conflict items in text order; none when the reviewers fully agree or when
    there is only one reviewer. Pass `units` when `task_units` has run already."""
    if len(task.reviewers) < 2:
        return []
    if units is None:
        units = task_units(task)
    rows = [[span_row(span) for span in unit.members.values()] for unit in units]
    return [
        ConflictItem(
            item_id,
            kind,
            units[index].kind,
            start,
            end,
            {reviewer: units[index].members.get(reviewer) for reviewer in involved},
        )  # fmt: skip
        for item_id, kind, index, start, end, involved in conflict_entries(
            task.task_id, task.reviewers, rows
        )
    ]


Entry = tuple[str, str, int, int, int, tuple[str, ...]]  # id, kind, unit index, start, end,
#                                                          every involved reviewer


def conflict_entries(
    task_id: int | str,
    reviewers: Sequence[str],
    units: Sequence[Sequence[Row]],
    agreed: Sequence[bool] | None = None,
) -> list[Entry]:
    """The conflict items of a task given as units of rows (each in reviewer order; `agreed`:
    `unit_agreed` of each unit, when known), in unit order. What `task_conflicts` returns,
    without the dataclasses: the database path stores only id, kind, start and end."""
    entries: list[Entry] = []
    if len(reviewers) < 2:
        return entries
    seen: set[str] = set()
    everyone = len(reviewers)
    for index, rows in enumerate(units):
        unit_agrees = unit_agreed(rows) if agreed is None else agreed[index]
        if unit_agrees and len(rows) == everyone:
            continue  # the usual case: nothing to decide
        found = _differences(rows, reviewers, unit_agrees)
        unit_kind = UNIT_KINDS[rows[0][0]]
        start = min(row[1] for row in rows)
        end = max(row[2] for row in rows)
        for kind, versions in found:
            text = "\x1f".join(
                reviewer if row is None
                else f"{reviewer}\x1e{row[1]}\x1e{row[2]}\x1e{row[3]}\x1e{row[5]}\x1e{row[6]}"
                f"\x1e{row[7]}"
                for reviewer, row in versions
            )  # fmt: skip
            text = f"{task_id}\x1f{kind}\x1f{unit_kind}\x1f{text}\x1f"
            item_id = _digest(text)
            if item_id in seen:  # identical duplicate spans: keep ids unique within the task
                item_id = _digest(f"{text}{len(entries)}")
            seen.add(item_id)
            entries.append(
                (item_id, kind, index, start, end, tuple(reviewer for reviewer, _ in versions))
            )
    return entries


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


Versions = list[tuple[str, Row | None]]


def _differences(
    rows: Sequence[Row], reviewers: Sequence[str], agreed: bool
) -> list[tuple[str, Versions]]:
    found: list[tuple[str, Versions]] = []
    if len(rows) < len(reviewers):
        by_reviewer = {row[4]: row for row in rows}
        found.append(("missing", [(reviewer, by_reviewer.get(reviewer)) for reviewer in reviewers]))
    if agreed:
        return found  # one span, or everyone who has it agrees: the usual case
    everyone: Versions = [(row[4], row) for row in rows]
    if len({(row[1], row[2]) for row in rows}) > 1:
        found.append(("boundaries", everyone))
    if len({row[3] for row in rows}) > 1:
        found.append(("label", everyone))
    if not rows[0][0]:  # mentions
        if len({row[5] for row in rows}) > 1:
            found.append(("entity", everyone))
        return found
    if len({row[6] for row in rows}) > 1:
        found.append(("fact", everyone))
    by_fact: dict[str, Versions] = {}
    for row in rows:
        by_fact.setdefault(row[6], []).append((row[4], row))
    for group in by_fact.values():
        if len({row[7] for _, row in group if row is not None}) > 1:
            found.append(("stance", group))
    return found


def _version(span: SpanItem | None) -> dict[str, object] | None:
    if span is None:
        return None
    return {
        "start": span.start, "end": span.end, "label": span.label, "entity": span.entity,
        "fact": span.fact, "stance": span.stance,
    }  # fmt: skip
