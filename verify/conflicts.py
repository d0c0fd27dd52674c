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

from verify.agreement import MENTION, SpanItem, TaskAnnotations, Unit, task_units

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
    items: list[ConflictItem] = []
    seen: set[str] = set()
    for unit in task_units(task) if units is None else units:
        for kind, versions in _differences(unit, task.reviewers):
            item = _item(task.task_id, kind, unit, versions)
            if item.id in seen:  # identical duplicate spans: keep ids unique within the task
                item = _item(task.task_id, kind, unit, versions, salt=len(items))
            seen.add(item.id)
            items.append(item)
    return items


def _differences(
    unit: Unit, reviewers: Sequence[str]
) -> list[tuple[str, dict[str, SpanItem | None]]]:
    members = unit.members
    found: list[tuple[str, dict[str, SpanItem | None]]] = []
    if len(members) < len(reviewers):
        found.append(("missing", {reviewer: members.get(reviewer) for reviewer in reviewers}))
    spans = list(members.values())
    first = spans[0]
    if all(
        (s.start, s.end, s.label, s.entity, s.fact, s.stance)
        == (first.start, first.end, first.label, first.entity, first.fact, first.stance)
        for s in spans
    ):
        return found  # one span, or everyone who has it agrees: the usual case
    everyone: dict[str, SpanItem | None] = dict(members)
    if len({(span.start, span.end) for span in spans}) > 1:
        found.append(("boundaries", everyone))
    if len({span.label for span in spans}) > 1:
        found.append(("label", everyone))
    if unit.kind == MENTION:
        if len({span.entity for span in spans}) > 1:
            found.append(("entity", everyone))
        return found
    if len({span.fact for span in spans}) > 1:
        found.append(("fact", everyone))
    by_fact: dict[str | None, dict[str, SpanItem | None]] = {}
    for span in spans:
        by_fact.setdefault(span.fact, {})[span.reviewer] = span
    for group in by_fact.values():
        if len({span.stance for span in group.values() if span is not None}) > 1:
            found.append(("stance", group))
    return found


def _item(
    task_id: int | str,
    kind: str,
    unit: Unit,
    versions: dict[str, SpanItem | None],
    *,
    salt: int | None = None,
) -> ConflictItem:
    text = "\x1f".join(
        f"{reviewer}\x1e{span.start}\x1e{span.end}\x1e{span.label}\x1e{span.entity or ''}"
        f"\x1e{span.fact or ''}\x1e{span.stance or ''}"
        if span is not None
        else reviewer
        for reviewer, span in versions.items()
    )
    text = f"{task_id}\x1f{kind}\x1f{unit.kind}\x1f{text}\x1f{'' if salt is None else salt}"
    digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return ConflictItem(digest, kind, unit.kind, unit.start, unit.end, versions)


def _version(span: SpanItem | None) -> dict[str, object] | None:
    if span is None:
        return None
    return {
        "start": span.start, "end": span.end, "label": span.label, "entity": span.entity,
        "fact": span.fact, "stance": span.stance,
    }  # fmt: skip
