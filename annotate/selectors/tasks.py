"""Reading tasks for a reviewer: their queue with progress, and one task to open."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from annotate.models import Annotation, LabelType, Project, Task
from annotate.services.tasks import tasks_with_slots


@dataclass(frozen=True)
class Progress:
    submitted: int
    skipped: int
    drafts: int
    available: int

    @property
    def total(self) -> int:
        """Every task this reviewer has done, is doing, or could take now."""
        return self.submitted + self.skipped + self.drafts + self.available

    @property
    def remaining(self) -> int:
        return self.drafts + self.available


@dataclass(frozen=True)
class Queue:
    progress: Progress
    drafts: list[Annotation]
    recent: list[Annotation]


def task_available_for_reviewer(
    *, reviewer: AbstractBaseUser, project: Project | None = None
) -> QuerySet[Task]:
    """Tasks the reviewer has not touched that still need reviewers."""
    qs = (
        tasks_with_slots(reviewer=reviewer, now=timezone.now())
        .filter(mine=False, required_overlap__gt=F("submitted") + F("held"))
        .exclude(annotations__reviewer_id=reviewer.pk)
    )
    return qs.filter(project=project) if project is not None else qs


def task_queue_for_reviewer(
    *, reviewer: AbstractBaseUser, project: Project | None = None, recent: int = 20
) -> Queue:
    """The reviewer's home: progress, drafts to finish and their latest finished work."""
    mine = Annotation.objects.filter(reviewer_id=reviewer.pk)
    if project is not None:
        mine = mine.filter(task__project=project)
    counts = mine.aggregate(
        submitted=Count("pk", filter=Q(state=Annotation.State.SUBMITTED)),
        skipped=Count("pk", filter=Q(state=Annotation.State.SKIPPED)),
        drafts=Count("pk", filter=Q(state=Annotation.State.DRAFT)),
    )
    available = task_available_for_reviewer(reviewer=reviewer, project=project).count()
    listed = mine.select_related("task__article__source").defer(
        "task__article__text", "task__article__raw_text", "task__article__metadata"
    )
    return Queue(
        progress=Progress(available=available, **counts),
        drafts=list(listed.filter(state=Annotation.State.DRAFT).order_by("-updated_at")),
        recent=list(listed.exclude(state=Annotation.State.DRAFT).order_by("-updated_at")[:recent]),
    )


def task_get(*, task_id: int) -> Task:
    return get_object_or_404(Task.objects.select_related("article__source", "project"), pk=task_id)


def task_label_types(*, task: Task) -> list[LabelType]:
    return list(LabelType.objects.filter(project_id=task.project_id).order_by("position", "name"))


@dataclass(frozen=True)
class Line:
    """One line of the article as the workspace renders it (blank lines included)."""

    start: int
    text: str
    language: str = ""


def task_article_lines(*, task: Task) -> list[Line]:
    """Every line of `article.text` with its code-point offset.

    Blank lines are kept (unlike the article page) so the page can rebuild the exact text
    from its blocks, and offsets between paragraphs stay right.
    """
    from annotate.selectors.articles import article_text_blocks

    languages = {b.start: b.language for b in article_text_blocks(article=task.article)}
    lines: list[Line] = []
    start = 0
    for text in task.article.text.split("\n"):
        lines.append(Line(start=start, text=text, language=languages.get(start, "")))
        start += len(text) + 1
    return lines
