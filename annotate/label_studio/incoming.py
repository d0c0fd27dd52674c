"""Annotations coming from Label Studio: converted to our result shape, checked, saved.

Everything goes through `annotate.results.result_parse` and the annotation services, so
work from Label Studio is validated exactly like a reviewer's save in the browser. A
batch is all-or-nothing: `incoming_save` writes every annotation or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotate.importers.text import comparison_key
from annotate.label_studio.errors import LabelStudioError
from annotate.label_studio.offsets import OffsetMap, short, span_offsets_read
from annotate.models import Annotation, LabelType, Task
from annotate.results import (
    ATTRIBUTION_FROM_NAME,
    ENTITY_FROM_NAME,
    FACT_FROM_NAME,
    NORMALISED_FROM_NAME,
    SPAN_FROM_NAME,
    STATEMENT_FROM_NAME,
    TO_NAME,
    SpanRow,
    result_parse,
)
from annotate.selectors.annotations import annotation_result
from annotate.services.annotations import AnnotationConflict, annotation_skip, annotation_submit
from annotate.services.tasks import task_start_for_reviewer

# Entity and fact links are ids here: Label Studio keeps them as given (measured) though its
# editor has no control for them, so they survive our export -> Label Studio -> import.
PER_REGION_NAMES = (
    NORMALISED_FROM_NAME,
    STATEMENT_FROM_NAME,
    ATTRIBUTION_FROM_NAME,
    ENTITY_FROM_NAME,
    FACT_FROM_NAME,
)
SKIP_REASON = "Skipped in Label Studio."


@dataclass
class Converted:
    """A Label Studio result list in our shape, what is wrong with it, what was left out."""

    result: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: int = 0


def result_convert(
    result: Any,
    *,
    labels_name: str | None,
    source_text: str,
    article_text: str,
    kinds: Mapping[str, str],
) -> Converted:
    """A Label Studio result list in our shape, with offsets into `article_text`.

    `labels_name` is the span control's name in the Label Studio config (None: any).
    `source_text` is what the offsets point into (the task's text); when it differs from
    the article's normalised text, spans are moved across with an `OffsetMap`. Results of
    controls this project does not have (another tool's choices or ratings) are left out
    and counted.
    """
    out = Converted()
    if not isinstance(result, list):
        out.problems.append("the result is not a list")
        return out
    offsets = OffsetMap(source_text, article_text)
    for index, item in enumerate(result):
        if not isinstance(item, dict):
            out.problems.append(f"result[{index}]: not an object")
            continue
        kind, from_name = item.get("type"), item.get("from_name")
        if kind == "labels" and labels_name in (None, from_name):
            span = _span(item, f"result[{index}]", source_text, article_text, offsets, out)
            if span is not None:
                out.result.append(span)
        elif kind == "relation":
            out.result.append(_relation(item))
        elif kind in ("textarea", "choices") and from_name in PER_REGION_NAMES:
            out.result.append({**item, "to_name": TO_NAME})
        else:
            out.ignored += 1
    _orient_relations(out.result, kinds)
    return out


def _span(
    item: dict[str, Any],
    path: str,
    source_text: str,
    article_text: str,
    offsets: OffsetMap,
    out: Converted,
) -> dict[str, Any] | None:
    value = item.get("value")
    if not isinstance(value, dict):
        out.problems.append(f"{path}.value: not an object")
        return None
    try:
        start, end = span_offsets_read(
            text=source_text,
            start=value.get("start"),
            end=value.get("end"),
            span_text=value.get("text"),
        )
    except ValueError as exc:
        out.problems.append(f"{path}.value: {exc}")
        return None
    moved = offsets.span(start, end)
    # Normalisation changes spaces and invisible characters, never letters or digits.
    if moved is None or comparison_key(article_text[moved[0] : moved[1]]) != comparison_key(
        source_text[start:end]
    ):
        out.problems.append(
            f"{path}.value: the span {start}:{end} '{short(source_text[start:end])}' does not "
            "survive the text's normalisation (it lies in a removed line or across paragraphs)"
        )
        return None
    new_start, new_end = moved
    return {
        "id": item.get("id"),
        "from_name": SPAN_FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "value": {
            "start": new_start,
            "end": new_end,
            "text": article_text[new_start:new_end],
            "labels": value.get("labels"),
        },
    }


def _relation(item: dict[str, Any]) -> dict[str, Any]:
    relation = {k: item.get(k) for k in ("type", "from_id", "to_id", "labels")}
    if item.get("direction") == "left":  # drawn from to_id to from_id
        relation["from_id"], relation["to_id"] = relation["to_id"], relation["from_id"]
    relation["direction"] = "right"
    return relation


def _orient_relations(result: list[dict[str, Any]], kinds: Mapping[str, str]) -> None:
    """Relations point from a claim to its part; Label Studio lets people draw either way."""
    kind_of = {}
    for item in result:
        if item.get("type") == "labels":
            names = item["value"].get("labels") or []
            kind_of[item.get("id")] = kinds.get(names[0]) if len(names) == 1 else None
    for item in result:
        if item.get("type") != "relation":
            continue
        frm, to = item.get("from_id"), item.get("to_id")
        if kind_of.get(frm) == LabelType.Kind.ENTITY and kind_of.get(to) == LabelType.Kind.CLAIM:
            item["from_id"], item["to_id"] = to, frm


def validation_lines(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{path}: {msg}" for path, msgs in exc.message_dict.items() for msg in msgs]
    return list(exc.messages)


def reviewers_by_email(emails: Iterable[str]) -> dict[str, AbstractBaseUser]:
    """Active users by lower-cased e-mail; an e-mail two users share matches nobody."""
    wanted = {e.lower() for e in emails if e}
    found: dict[str, list[AbstractBaseUser]] = {}
    for user in get_user_model().objects.filter(is_active=True, email__isnull=False):
        email = (user.email or "").lower()
        if email in wanted:
            found.setdefault(email, []).append(user)
    return {email: users[0] for email, users in found.items() if len(users) == 1}


def no_reviewer(where: str, email: str) -> str:
    if not email:
        return f"{where}: its author has no e-mail"
    return f"{where}: no single active Crosscheck user has the e-mail '{email}'"


@dataclass
class Incoming:
    """One Label Studio annotation, converted and validated, ready to save."""

    task: Task
    reviewer: AbstractBaseUser
    result: list[dict[str, Any]]
    skipped: bool
    where: str


@dataclass
class SaveCounts:
    created: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def incoming_check(
    *,
    task: Task,
    reviewer: AbstractBaseUser,
    result: list[dict[str, Any]],
    where: str,
    labels: Mapping[str, LabelType],
    skipped: bool = False,
) -> tuple[Incoming | None, list[str]]:
    """Validate a converted result as a reviewer's save would be; writes nothing."""
    try:
        result_parse(result=result, text=task.article.text, labels=labels)
    except ValidationError as exc:
        return None, [f"{where}: {line}" for line in validation_lines(exc)]
    return Incoming(task=task, reviewer=reviewer, result=result, skipped=skipped, where=where), []


def incoming_save(
    *, items: Iterable[Incoming], labels: Mapping[str, LabelType], dry_run: bool = False
) -> SaveCounts:
    """Save annotations as submitted (or skipped) work of their reviewers, all or none.

    A task that is full or closed refuses a new reviewer as it would in the browser; then
    nothing is saved and LabelStudioError lists every refusal. Work already submitted or
    skipped here is never overwritten: identical work counts as unchanged, different
    work is kept and reported as a conflict. A dry run saves inside a transaction that is
    rolled back, so it reports exactly what a real run would do.
    """
    counts = SaveCounts()
    problems: list[str] = []
    with transaction.atomic():
        for item in items:
            try:
                _save_one(item, labels, counts)
            except ValidationError as exc:
                problems.extend(f"{item.where}: {line}" for line in validation_lines(exc))
            except AnnotationConflict as exc:
                problems.append(f"{item.where}: {exc.message}")
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise LabelStudioError(
            "Nothing was saved: these annotations cannot be saved.", problems=problems
        )
    return counts


def _save_one(item: Incoming, labels: Mapping[str, LabelType], counts: SaveCounts) -> None:
    annotation = Annotation.objects.filter(task=item.task, reviewer=item.reviewer).first()
    if annotation is None:
        annotation = task_start_for_reviewer(task=item.task, reviewer=item.reviewer)
    if annotation.state == Annotation.State.DRAFT:
        if item.skipped:
            annotation_skip(annotation=annotation, version=annotation.version, reason=SKIP_REASON)
        else:
            annotation_submit(annotation=annotation, version=annotation.version, result=item.result)
        counts.created += 1
    elif _same_work(annotation, item, labels):
        counts.unchanged += 1
    else:
        counts.conflicts.append(
            f"{item.where}: kept the annotation already {annotation.get_state_display().lower()} "
            "in Crosscheck, which differs from Label Studio's"
        )


def _same_work(annotation: Annotation, item: Incoming, labels: Mapping[str, LabelType]) -> bool:
    if item.skipped != (annotation.state == Annotation.State.SKIPPED):
        return False
    if item.skipped:
        return True
    text = item.task.article.text
    return _span_keys(annotation_result(annotation=annotation), text, labels) == _span_keys(
        item.result, text, labels
    )


def _span_keys(
    result: list[dict[str, Any]], text: str, labels: Mapping[str, LabelType]
) -> set[tuple[Any, ...]]:
    """What Label Studio can express of each span. Entity and fact links made here after
    the submit are left out: they are not a change made in Label Studio."""
    parsed = result_parse(result=result, text=text, labels=labels)

    def key(s: SpanRow) -> tuple[Any, ...]:
        parts = tuple(sorted(s.parts.items()))
        values = (s.normalized_value, s.statement, s.attributed_to_outlet, parts)
        return (s.region_id, s.label.name, s.start, s.end, *values)

    return {key(s) for s in [*parsed.mentions, *parsed.claims]}
