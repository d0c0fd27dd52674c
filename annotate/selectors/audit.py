"""Reading the audit history: the filtered list of events and each event as a readable diff."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from annotate.models import AuditEvent

# Every action the write services record, for the filter (see annotate.services.audit).
AUDIT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("annotation.start", "Annotation started"),
    ("annotation.save", "Annotation saved (draft)"),
    ("annotation.submit", "Annotation submitted"),
    ("annotation.skip", "Annotation skipped"),
    ("adjudication.open", "Adjudication opened"),
    ("adjudication.accept_auto", "Adjudication accepted automatically"),
    ("adjudication.save", "Adjudication saved"),
    ("adjudication.complete", "Adjudication completed"),
    ("entity.create", "Entity created"),
    ("entity.alias_add", "Alias added"),
    ("entity.merge", "Entities merged"),
    ("entity.split", "Entity split"),
    ("entity.distinguish", "Entities marked distinct"),
    ("fact.create", "Fact created"),
    ("fact.update", "Fact edited"),
    ("fact.verdict", "Fact verdict recomputed"),
    ("fact.adjudicate", "Fact outcome decided"),
)
AUDIT_OBJECT_TYPES: tuple[tuple[str, str], ...] = (
    ("annotation", "Annotation"),
    ("adjudication", "Adjudication"),
    ("entity", "Entity"),
    ("fact", "Fact"),
)


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""  # a username
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def any(self) -> bool:
        return any((self.action, self.object_type, self.object_id, self.actor, self.since,
                    self.until))  # fmt: skip


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events newest first. An object (type and id) matches as the changed object or as the
    other one of a merge or split, so an entity merged away keeps its history."""
    qs = AuditEvent.objects.select_related("actor", "project")
    t, i = filters.object_type, filters.object_id
    if t and i:
        qs = qs.filter(Q(object_type=t, object_id=i) | Q(other_type=t, other_id=i))
    elif t:
        qs = qs.filter(object_type=t)
    elif i:
        qs = qs.filter(Q(object_id=i) | Q(other_id=i))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(actor__username=filters.actor)
    if filters.since:
        qs = qs.filter(at__gte=_day_start(filters.since))
    if filters.until and filters.until < dt.date.max:  # the last day has no next one
        qs = qs.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


# --- a readable diff --------------------------------------------------------------------------

_ABSENT = object()


@dataclass(frozen=True)
class DiffRow:
    keys: tuple[str, ...]  # shown each isolated: an alias key may be Arabic
    before: str
    after: str
    change: str  # "added", "removed" or "changed"

    @property
    def path(self) -> str:
        return ".".join(self.keys)


def _show(value: Any, nested: bool = False) -> str:
    if value is _ABSENT or value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value or "—"
    if isinstance(value, dict):
        shown = ", ".join(f"{k}: {_show(v, True)}" for k, v in value.items())
        return (f"({shown})" if nested else shown) if shown else "—"
    if isinstance(value, list):
        return "; ".join(_show(v, True) for v in value) or "—"
    return json.dumps(value, ensure_ascii=False)


def _empty(value: Any) -> bool:
    return value is _ABSENT or value is None or value == "" or value == {} or value == []


def audit_diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, max_depth: int = 3
) -> list[DiffRow]:
    """One row per changed value: nested dicts present on both sides are opened up to
    `max_depth` levels ("mentions.a1.start"), anything else is shown whole."""
    rows: list[DiffRow] = []

    def walk(a: Any, b: Any, keys: tuple[str, ...]) -> None:
        if isinstance(a, dict) and isinstance(b, dict) and len(keys) < max_depth:
            for key in [*a, *(k for k in b if k not in a)]:
                walk(a.get(key, _ABSENT), b.get(key, _ABSENT), (*keys, str(key)))
            return
        if a == b or (_empty(a) and _empty(b)):  # nothing to read: "" where nothing was
            return
        missing_a, missing_b = _empty(a), _empty(b)
        change = "added" if missing_a else "removed" if missing_b else "changed"
        rows.append(DiffRow(keys or ("value",), _show(a), _show(b), change))

    walk(before if before is not None else {}, after if after is not None else {}, ())
    return rows


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    diff: list[DiffRow]
    url: str  # the changed object's page, when it has one an admin may open


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """A page of events with their diffs and links (one query for the adjudications' tasks)."""
    from django.urls import reverse

    from verify.models import Adjudication

    events = list(events)
    adjudication_ids = [int(e.object_id) for e in events if e.object_type == "adjudication"]
    task_of = dict(
        Adjudication.objects.filter(pk__in=adjudication_ids).values_list("pk", "task_id")
    )
    rows = []
    for event in events:
        url = ""
        if event.object_type == "entity":
            url = reverse("verify:entity-detail", args=[int(event.object_id)])
        elif event.object_type == "fact":
            url = reverse("verify:fact-detail", args=[int(event.object_id)])
        elif event.object_type == "adjudication" and int(event.object_id) in task_of:
            url = reverse("verify:adjudication", args=[task_of[int(event.object_id)]])
        rows.append(AuditRow(event, audit_diff(event.before, event.after), url))
    return rows


def audit_actor_options() -> list[str]:
    """Usernames for the filter: every account (a handful of people, not the events)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return list(
        user_model.objects.order_by(user_model.USERNAME_FIELD).values_list(
            user_model.USERNAME_FIELD, flat=True
        )
    )
