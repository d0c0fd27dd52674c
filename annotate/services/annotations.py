"""Saving a reviewer's annotation: drafts, submit and skip, with optimistic locking.

Every write names the version it was based on. The version check and bump is one
conditional UPDATE, so of two tabs saving from the same version exactly one wins and the
other gets `AnnotationConflict` (the API answers 409); nothing the loser sent is written,
and the client keeps its copy to reload or overwrite explicitly.

Rows are reconciled by region id rather than deleted and recreated: a span the reviewer
did not touch keeps its primary key, so links that point at mentions and claims (entities
and facts, in verify) survive the saves that follow.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotate.models import Annotation, Claim, LabelType, Mention, Task
from annotate.results import ParsedResult, SpanRow, result_parse
from annotate.services.audit import annotation_audit, annotation_audit_state
from annotate.services.entity_links import (
    mention_links_add_aliases,
    mention_links_before,
    mention_links_check,
)
from annotate.services.tasks import task_lock_refresh, task_lock_release, task_update_state
from config.faults import fault_point

# A day of work per save is already generous; beyond that the client clock is wrong.
MAX_TIME_SPENT = 7 * 24 * 3600
MAX_SKIP_REASON = 500


class AnnotationConflict(Exception):
    """The save was based on a version that is no longer current, or the annotation is final."""

    def __init__(self, message: str, *, annotation: Annotation, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.annotation = annotation
        self.code = code


def _labels(task: Task) -> dict[str, LabelType]:
    return {lt.name: lt for lt in LabelType.objects.filter(project_id=task.project_id)}


def annotation_parse(*, annotation: Annotation, result: Any) -> ParsedResult:
    """Validate a client's result against the annotation's article and project labels."""
    task = annotation.task
    parsed = result_parse(result=result, text=task.article.text, labels=_labels(task))
    mention_links_check(parsed=parsed)
    # Imported here: verify's services import annotate's models.
    from verify.services.facts import fact_links_check

    fact_links_check(parsed=parsed)
    return parsed


def _time_spent(annotation: Annotation, given: int | None) -> int:
    if given is None:
        return annotation.time_spent_seconds
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= MAX_TIME_SPENT:
        raise ValidationError(
            {"time_spent_seconds": f"Give whole seconds from 0 to {MAX_TIME_SPENT}."}
        )
    # The total only grows: a tab that was open for less time does not erase the other's count.
    return max(annotation.time_spent_seconds, given)


def _bump(annotation: Annotation, *, version: int, changes: dict[str, Any]) -> None:
    """Compare-and-set on the version; raise AnnotationConflict if another save came first."""
    now = timezone.now()
    updated = Annotation.objects.filter(
        pk=annotation.pk, version=version, state=Annotation.State.DRAFT
    ).update(version=F("version") + 1, updated_at=now, **changes)
    if not updated:
        current = Annotation.objects.get(pk=annotation.pk)
        if current.state != Annotation.State.DRAFT:
            raise AnnotationConflict(
                f"This annotation was already {current.get_state_display().lower()}; "
                "it can no longer be changed.",
                annotation=current,
                code="final",
            )
        raise AnnotationConflict(
            f"This annotation was saved elsewhere (another tab or device) since you loaded it: "
            f"you have version {version}, the server has version {current.version}. "
            "Reload to see the saved copy, or overwrite it with yours.",
            annotation=current,
            code="stale_version",
        )
    annotation.version = version + 1
    annotation.updated_at = now
    for name, value in changes.items():
        setattr(annotation, name, value)


_MENTION_FIELDS = ("label_id", "start", "end", "text", "normalized_value", "entity_id")
_CLAIM_FIELDS = (
    "label_id",
    "start",
    "end",
    "text",
    "statement",
    "attributed_to_outlet",
    "subject_id",
    "object_id",
    "time_id",
    "place_id",
    "attributed_to_mention_id",
    "fact_id",
    "stance",
)


def _mention_values(span: SpanRow) -> dict[str, Any]:
    return {
        "label_id": span.label.pk,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "normalized_value": span.normalized_value,
        "entity_id": span.entity_id,
    }


def _claim_values(span: SpanRow, mention_pk: dict[str, int]) -> dict[str, Any]:
    def part(role: str) -> int | None:
        rid = span.parts.get(role)
        return mention_pk[rid] if rid is not None else None

    return {
        "label_id": span.label.pk,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "statement": span.statement,
        "attributed_to_outlet": span.attributed_to_outlet,
        "subject_id": part("subject"),
        "object_id": part("object"),
        "time_id": part("time"),
        "place_id": part("place"),
        "attributed_to_mention_id": part("attributed_to"),
        "fact_id": span.fact_id,
        "stance": span.stance if span.fact_id is not None else "",
    }


def _reconcile(
    model: type[Mention] | type[Claim],
    annotation: Annotation,
    wanted: dict[str, dict[str, Any]],
    fields: tuple[str, ...],
) -> dict[str, int]:
    """Make the annotation's rows of `model` equal `wanted` (region id -> values).

    Unchanged rows are not written; changed rows are updated in place; returns region id
    -> primary key for every wanted row.
    """
    existing = {row.region_id: row for row in model.objects.filter(annotation=annotation)}
    gone = [row.pk for rid, row in existing.items() if rid not in wanted]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    changed, created = [], []
    for rid, values in wanted.items():
        row = existing.get(rid)
        if row is None:
            created.append(model(annotation=annotation, region_id=rid, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    if changed:
        model.objects.bulk_update(changed, fields=list(fields))
    if created:
        model.objects.bulk_create(created)
    pks = {rid: row.pk for rid, row in existing.items() if rid in wanted}
    pks.update({row.region_id: row.pk for row in created})
    return pks


def _write_rows(annotation: Annotation, parsed: ParsedResult) -> None:
    links_before = mention_links_before(annotation=annotation)
    mention_pk = _reconcile(
        Mention,
        annotation,
        {s.region_id: _mention_values(s) for s in parsed.mentions},
        _MENTION_FIELDS,
    )
    _reconcile(
        Claim,
        annotation,
        {s.region_id: _claim_values(s, mention_pk) for s in parsed.claims},
        _CLAIM_FIELDS,
    )
    # A newly linked mention's surface form becomes an alias of its entity.
    mention_links_add_aliases(annotation=annotation, parsed=parsed, before=links_before)


def annotation_save_draft(
    *, annotation: Annotation, version: int, result: Any, time_spent_seconds: int | None = None
) -> Annotation:
    """Replace the draft's spans with `result` (Label Studio shape) if `version` is current.

    Raises ValidationError (keyed by field path) for a bad payload and AnnotationConflict
    for a stale version or a final annotation; in both cases nothing is written.
    """
    parsed = annotation_parse(annotation=annotation, result=result)
    spent = _time_spent(annotation, time_spent_seconds)
    with transaction.atomic():
        # Read before the compare-and-set: if another save commits in between, ours fails.
        before = annotation_audit_state(annotation_id=annotation.pk)
        _bump(annotation, version=version, changes={"time_spent_seconds": spent})
        _write_rows(annotation, parsed)
        task_lock_refresh(
            task=annotation.task,
            reviewer=annotation.reviewer,
            known_expiry=getattr(annotation, "lock_expires_at", None),
        )
        annotation_audit(
            annotation=annotation, action="annotation.save", before=before, parsed=parsed
        )
    return annotation


def annotation_submit(
    *,
    annotation: Annotation,
    version: int,
    result: Any | None = None,
    time_spent_seconds: int | None = None,
) -> Annotation:
    """Make the annotation final for its reviewer, saving `result` first when given."""
    parsed = annotation_parse(annotation=annotation, result=result) if result is not None else None
    spent = _time_spent(annotation, time_spent_seconds)
    now = timezone.now()
    with transaction.atomic():
        # Lock the task row first: two last reviewers submitting at once must both be
        # counted when the task's state is decided.
        task = Task.objects.select_for_update().get(pk=annotation.task_id)
        before = annotation_audit_state(annotation_id=annotation.pk)
        _bump(
            annotation,
            version=version,
            changes={
                "state": Annotation.State.SUBMITTED,
                "submitted_at": now,
                "time_spent_seconds": spent,
            },
        )
        if parsed is not None:
            _write_rows(annotation, parsed)
        annotation_audit(
            annotation=annotation, action="annotation.submit", before=before, parsed=parsed
        )
        task_lock_release(task=task, reviewer=annotation.reviewer)
        annotation.task.state = task_update_state(task=task).state
        if annotation.task.state == Task.State.COMPLETE:
            # The last review is in: agreement, the adjudication queue or automatic
            # acceptance (verify). Imported here: verify's services import annotate's models.
            from verify.services.adjudication import task_review_complete

            annotation.task.state = task_review_complete(task=task).task.state
        # Submitted claims are evidence: the verdicts of the facts they link to change.
        from verify.services.facts import fact_verdicts_refresh_for_annotation

        fact_verdicts_refresh_for_annotation(annotation=annotation)
        fault_point("annotation-submit")  # the crash tests kill the server here
    return annotation


def annotation_skip(
    *, annotation: Annotation, version: int, reason: str, time_spent_seconds: int | None = None
) -> Annotation:
    """Record that the reviewer will not annotate this task, and why; frees their slot.

    The spans of the draft are kept: a skip is evidence too (an article with nothing to
    tag, or one the reviewer cannot read).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you skip this task."})
    if len(reason) > MAX_SKIP_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_SKIP_REASON} characters."})
    spent = _time_spent(annotation, time_spent_seconds)
    with transaction.atomic():
        before = annotation_audit_state(annotation_id=annotation.pk)
        _bump(
            annotation,
            version=version,
            changes={
                "state": Annotation.State.SKIPPED,
                "skip_reason": reason,
                "time_spent_seconds": spent,
            },
        )
        annotation_audit(annotation=annotation, action="annotation.skip", before=before)
        task_lock_release(task=annotation.task, reviewer=annotation.reviewer)
    return annotation
