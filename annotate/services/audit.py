"""The audit history: one `AuditEvent` per change to an annotation, adjudication, entity or fact.

`audit_record` is called by each write service inside the transaction of its change, so a
change that is rolled back (an optimistic-lock conflict, a validation error) leaves no event.
The snapshots keep only what changed (`audit_changes`), so an autosave of a long annotation
stores the spans it touched, not all of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from annotate.models import AuditEvent, Project

# The model names the history knows, as they appear in `object_type` and the filters.
OBJECT_TYPES = ("annotation", "adjudication", "entity", "fact")
LABEL_MAX = AuditEvent._meta.get_field("object_label").max_length or 200
_MISSING = object()


def audit_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, keep: tuple[str, ...] = ()
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """`before` and `after` without the keys (at any depth of nested dicts) that are equal on
    both sides; top-level keys in `keep` stay (a version identifies the save)."""
    if before is None or after is None:
        return before, after

    def trim(a: dict[str, Any], b: dict[str, Any], top: bool) -> tuple[dict, dict]:  # type: ignore[type-arg]
        out_a: dict[str, Any] = {}
        out_b: dict[str, Any] = {}
        for key in [*a, *(k for k in b if k not in a)]:
            va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
            if va == vb and not (top and key in keep):
                continue
            if isinstance(va, dict) and isinstance(vb, dict) and va != vb:
                va, vb = trim(va, vb, False)
            if va is not _MISSING:
                out_a[key] = va
            if vb is not _MISSING:
                out_b[key] = vb
        return out_a, out_b

    return trim(before, after, True)


def _label(obj: models.Model) -> str:
    name = obj._meta.model_name
    if name == "annotation":
        reviewer = getattr(obj, "reviewer", None)
        label = f"task #{obj.task_id} by {reviewer.get_username() if reviewer else '?'}"  # type: ignore[attr-defined]
    elif name == "adjudication":
        label = f"task #{obj.task_id}"  # type: ignore[attr-defined]
    elif name == "entity":
        label = f"{obj.preferred_name} ({obj.type})"  # type: ignore[attr-defined]
    else:
        label = str(obj)
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    other: models.Model | None = None,
    project: Project | int | None = None,
    keep: tuple[str, ...] = (),
) -> AuditEvent:
    """Record one change to `obj` (and to `other`, for a merge or split) by `actor` (None: the
    system). Must run inside the change's transaction: an event without its change, or the
    other way round, would make the history lie."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change.")
    before, after = audit_changes(before, after, keep=keep)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        object_label=_label(obj),
        other_type=(other._meta.model_name or "") if other is not None else "",
        other_id=str(other.pk) if other is not None else "",
        project_id=project.pk if isinstance(project, Project) else project,
        before=before,
        after=after,
    )


PRUNE_CHUNK = 5000


def audit_prune(
    *, before: dt.date, actor: AbstractBaseUser | None = None, dry_run: bool = False
) -> int:
    """Delete the events recorded before the day `before` (UTC) and return how many.

    The history is otherwise never deleted: pruning is an admin's retention decision, and it
    is recorded as an event of its own ("audit.prune": the cutoff and the count), in the same
    transaction as the deletion. A dry run only counts. A cutoff after today is refused: it
    would delete today's history.
    """
    if before > timezone.now().date():
        raise ValidationError({"before": f"{before} is in the future: nothing after today goes."})
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=dt.UTC)
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted = 0
    with transaction.atomic():
        while ids := list(old.order_by("id").values_list("id", flat=True)[:PRUNE_CHUNK]):
            deleted += AuditEvent.objects.filter(id__in=ids).delete()[0]
        AuditEvent.objects.create(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action="audit.prune",
            object_type="audit",
            object_id=before.isoformat(),
            object_label=f"events before {before.isoformat()}",
            after={"before": before.isoformat(), "deleted": deleted},
        )
    return deleted


def short_text(text: str, limit: int = 120) -> str:
    """Span texts in snapshots: enough to recognise the span, not a copy of the article."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- annotations ----------------------------------------------------------------------------

_CLAIM_PARTS = (
    ("subject", "subject_id"),
    ("object", "object_id"),
    ("time", "time_id"),
    ("place", "place_id"),
    ("attributed_to", "attributed_to_mention_id"),
)


def _span(**values: Any) -> dict[str, Any]:
    """A span as the history shows it: label, offsets, text and links; empty parts left out."""
    values["text"] = short_text(values.get("text") or "")
    # `is False`, not `in (False, ...)`: a span starting at 0 keeps its start.
    return {
        k: v for k, v in values.items() if v is not None and v is not False and v not in ("", {})
    }


def annotation_audit_state(*, annotation_id: int) -> dict[str, Any]:
    """The annotation as stored now: state, version, time, skip reason, spans by region id."""
    from annotate.models import Annotation, Claim, Mention

    state = Annotation.objects.values("state", "version", "skip_reason", "time_spent_seconds").get(
        pk=annotation_id
    )
    region_of: dict[int, str] = {}
    mentions: dict[str, Any] = {}
    for pk, rid, label, start, end, text, value, entity in Mention.objects.filter(
        annotation_id=annotation_id
    ).values_list("pk", "region_id", "label__name", "start", "end", "text", "normalized_value",
                  "entity_id"):  # fmt: skip
        region_of[pk] = rid
        mentions[rid] = _span(label=label, start=start, end=end, text=text, value=value,
                              entity=entity)  # fmt: skip
    claims: dict[str, Any] = {}
    for row in Claim.objects.filter(annotation_id=annotation_id).values(
        "region_id", "label__name", "start", "end", "text", "statement", "fact_id", "stance",
        "attributed_to_outlet", *(column for _, column in _CLAIM_PARTS),
    ):  # fmt: skip
        parts = {role: region_of.get(row[column]) for role, column in _CLAIM_PARTS}
        claims[row["region_id"]] = _span(
            label=row["label__name"], start=row["start"], end=row["end"], text=row["text"],
            statement=row["statement"], fact=row["fact_id"], stance=row["stance"],
            outlet=row["attributed_to_outlet"], parts={k: v for k, v in parts.items() if v},
        )  # fmt: skip
    return {**state, "mentions": mentions, "claims": claims}


def _parsed_spans(parsed: Any) -> dict[str, Any]:
    """The spans of a validated result (`annotate.results.ParsedResult`), as they are saved."""
    mentions = {
        s.region_id: _span(label=s.label.name, start=s.start, end=s.end, text=s.text,
                           value=s.normalized_value, entity=s.entity_id)
        for s in parsed.mentions
    }  # fmt: skip
    claims = {
        s.region_id: _span(
            label=s.label.name, start=s.start, end=s.end, text=s.text, statement=s.statement,
            fact=s.fact_id, stance=s.stance if s.fact_id is not None else "",
            outlet=s.attributed_to_outlet, parts={k: v for k, v in s.parts.items() if v},
        )
        for s in parsed.claims
    }  # fmt: skip
    return {"mentions": mentions, "claims": claims}


def annotation_audit(
    *, annotation: Any, action: str, before: dict[str, Any] | None, parsed: Any = None
) -> AuditEvent:
    """Record a save, submit or skip of `annotation` (already written); `before` is
    `annotation_audit_state` read before the write, `parsed` the spans written, if any."""
    after: dict[str, Any] = {
        "state": annotation.state,
        "version": annotation.version,
        "skip_reason": annotation.skip_reason,
        "time_spent_seconds": annotation.time_spent_seconds,
    }
    if parsed is not None:
        after.update(_parsed_spans(parsed))
    elif before is not None:
        after.update(mentions=before["mentions"], claims=before["claims"])
    return audit_record(
        actor=annotation.reviewer,
        action=action,
        obj=annotation,
        before=before,
        after=after,
        project=annotation.task.project_id,
        keep=("version", "state"),
    )
