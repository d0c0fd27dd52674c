"""Label Studio JSON files: import an export with its annotations; export any selection."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotate.importers.base import ParsedArticle, Rejection
from annotate.importers.fingerprint import content_hash
from annotate.importers.read import read_file
from annotate.label_studio.config import project_labels
from annotate.label_studio.errors import LabelStudioError
from annotate.label_studio.incoming import (
    Incoming,
    incoming_check,
    incoming_save,
    no_reviewer,
    result_convert,
    reviewers_by_email,
    validation_lines,
)
from annotate.label_studio.sync import (
    PredictionsFor,
    predictions_none,
    task_data,
    task_predictions,
)
from annotate.models import Annotation, Article, LabelType, Project, Task
from annotate.selectors.annotations import annotation_result
from annotate.services.imports import ImportInput, import_run


@dataclass
class FileImportReport:
    batch_id: int | None
    articles_created: int
    articles_skipped: int
    annotations_created: int
    annotations_unchanged: int
    conflicts: list[str]
    predictions_kept: int
    dry_run: bool = False


@dataclass
class _Pending:
    """An annotation of the file, converted onto its article's normalised text."""

    article: ParsedArticle
    email: str
    result: list[dict[str, Any]]
    skipped: bool
    where: str


def label_studio_file_import(
    *,
    project: Project,
    name: str,
    data: bytes,
    user: AbstractBaseUser | None = None,
    reviewer_map: Mapping[int, str] | None = None,
    overlap: int | None = None,
    dry_run: bool = False,
) -> FileImportReport:
    """Import a Label Studio JSON export: its tasks as articles, its annotations as ours.

    Label Studio's own exports name an author by user id, so `reviewer_map` maps those ids
    to e-mails; files from `label_studio_export` name the author by e-mail. Offsets point
    into each task's text as given and are moved onto the article's normalised text.
    Everything is checked first and one bad annotation stops the whole file: nothing is
    half-imported. Predictions stay in the article's metadata (`label_studio`), as the
    import stores them: there is no stored suggestion to turn them into yet.
    """
    try:
        parsed = read_file(name, data, fmt="label-studio")
    except Rejection as exc:
        raise LabelStudioError(f"Cannot read the Label Studio file: {exc}") from exc
    labels = {lt.name: lt for lt in project_labels(project)}
    pending, problems = _file_annotations(parsed, reviewer_map or {}, labels)
    if problems:
        raise LabelStudioError(f"Nothing was imported from {name}:", problems=problems)
    with transaction.atomic():
        batch = _import_articles(project, name, data, user, overlap)
        incoming, problems = _file_incoming(project, pending, labels)
        if problems:
            transaction.set_rollback(True)
            raise LabelStudioError(f"Nothing was imported from {name}:", problems=problems)
        counts = incoming_save(items=incoming, labels=labels)
        if dry_run:
            transaction.set_rollback(True)
    return FileImportReport(
        batch_id=None if dry_run else batch.pk,
        articles_created=batch.created_count,
        articles_skipped=batch.skipped_count,
        annotations_created=counts.created,
        annotations_unchanged=counts.unchanged,
        conflicts=counts.conflicts,
        predictions_kept=sum(len((p.label_studio or {}).get("predictions", [])) for p in parsed),
        dry_run=dry_run,
    )


def _import_articles(
    project: Project, name: str, data: bytes, user: AbstractBaseUser | None, overlap: int | None
) -> Any:
    """The file's tasks through the import service (new articles get tasks; known ones skip)."""
    try:
        batch = import_run(
            project=project,
            inputs=[ImportInput(name=name, size=len(data), open=lambda: io.BytesIO(data))],
            user=user,
            fmt="label-studio",
            overlap=overlap,
        )
    except ValidationError as exc:
        raise LabelStudioError(
            f"Nothing was imported from {name}:", problems=validation_lines(exc)
        ) from exc
    if batch.rejected_count:
        reasons = [str(r) for r in batch.rejections.all()]
        raise LabelStudioError(f"Nothing was imported from {name}:", problems=reasons)
    return batch


def _author_email(value: Any, reviewer_map: Mapping[int, str]) -> str:
    if isinstance(value, dict):
        if value.get("email"):
            return str(value["email"])
        value = value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return reviewer_map.get(value, "")
    return value if isinstance(value, str) and "@" in value else ""


def _file_annotations(
    parsed: list[ParsedArticle], reviewer_map: Mapping[int, str], labels: Mapping[str, LabelType]
) -> tuple[list[_Pending], list[str]]:
    """Every annotation of the file converted onto its article's normalised text."""
    kinds = {n: lt.kind for n, lt in labels.items()}
    pending: list[_Pending] = []
    problems: list[str] = []
    for index, article in enumerate(parsed, start=1):
        payload = article.label_studio or {}
        for number, annotation in enumerate(payload.get("annotations") or [], start=1):
            where = f"task {index} (id {payload.get('id')}), annotation {number}"
            if not isinstance(annotation, dict):
                problems.append(f"{where}: not an object")
                continue
            email = _author_email(annotation.get("completed_by"), reviewer_map)
            if not email:
                problems.append(
                    f"{where}: its author {annotation.get('completed_by')!r} has no e-mail; map "
                    "Label Studio user ids to e-mails with --reviewer ID=EMAIL"
                )
                continue
            converted = result_convert(
                annotation.get("result"),
                labels_name=None,  # a file has no config: any span control is ours
                source_text=article.raw_text,
                article_text=article.text,
                kinds=kinds,
            )
            problems.extend(f"{where}: {p}" for p in converted.problems)
            skipped = bool(annotation.get("was_cancelled"))
            where = f"{where} by {email}"
            pending.append(_Pending(article, email, converted.result, skipped, where))
    return pending, problems


def _file_incoming(
    project: Project, pending: list[_Pending], labels: Mapping[str, LabelType]
) -> tuple[list[Incoming], list[str]]:
    """Each pending annotation with its task and reviewer here, checked."""
    hashes = {content_hash(p.article.text) for p in pending}
    found = Article.objects.filter(project=project, content_hash__in=hashes, task__isnull=False)
    articles = {a.content_hash: a for a in found.select_related("task")}
    reviewers = reviewers_by_email(p.email for p in pending)
    incoming: list[Incoming] = []
    problems: list[str] = []
    for p in pending:
        article = articles.get(content_hash(p.article.text))
        reviewer = reviewers.get(p.email.lower())
        if reviewer is None:
            problems.append(no_reviewer(p.where, p.email))
        elif article is None:
            problems.append(f"{p.where}: its article has no task here")
        else:
            item, bad = incoming_check(
                task=article.task,
                reviewer=reviewer,
                result=p.result,
                where=p.where,
                labels=labels,
                skipped=p.skipped,
            )
            problems.extend(bad)
            incoming.extend([item] if item is not None else [])
    return incoming, problems


def label_studio_export(
    *, tasks: Iterable[Task], predictions_for: PredictionsFor = predictions_none
) -> Iterator[dict[str, Any]]:
    """Tasks as Label Studio JSON tasks, with their submitted and skipped annotations.

    Authors are written as `{"email": ...}`, which Label Studio's import maps to its user
    with that e-mail (and refuses if it has none). Drafts are private and left out.
    """
    done = (Annotation.State.SUBMITTED, Annotation.State.SKIPPED)
    for task in tasks:
        annotations = [
            {
                "completed_by": {"email": annotation.reviewer.email},
                "result": annotation_result(annotation=annotation),
                "was_cancelled": annotation.state == Annotation.State.SKIPPED,
                "lead_time": float(annotation.time_spent_seconds),
                "created_at": annotation.created_at.isoformat(),
                "updated_at": annotation.updated_at.isoformat(),
            }
            for annotation in task.annotations.filter(state__in=done).select_related("reviewer")
        ]
        item: dict[str, Any] = {"data": task_data(task.article), "annotations": annotations}
        if predictions := task_predictions(task.article, predictions_for):
            item["predictions"] = predictions
        yield item


def label_studio_export_json(*, tasks: Iterable[Task], out: TextIO) -> int:
    """Write `label_studio_export` to a text stream as one JSON list; returns the task count.

    One task at a time, so memory stays flat however many tasks are selected.
    """
    count = 0
    out.write("[")
    for item in label_studio_export(tasks=tasks):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(item, ensure_ascii=False, sort_keys=True))
        count += 1
    out.write("\n]\n")
    return count
