"""Rows for tests, made directly (the import has its own tests).

Offsets in tests are always computed from `article.text`, never from a seed file: the
stored text is normalised and differs a little from the raw file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotate.models import Annotation, Article, Project, Source, Task
from annotate.services.projects import project_ensure_default

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_counter = itertools.count(1)


def seed_text(prefix: str) -> str:
    """The text of `seeds/<prefix>_*.txt`, lines stripped and runs of blank lines collapsed."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in lines if line]
    return "\n".join(paragraphs)


def article_make(
    *,
    text: str = "Andrey Belousov met Murhaf Abu Qasra in Moscow.",
    project: Project | None = None,
    source: Source | str | None = "Example News",
    url: str = "",
    title: str = "",
    languages: list[str] | None = None,
    published_on: dt.date | None = None,
    **extra: Any,
) -> Article:
    project = project or project_ensure_default()
    if isinstance(source, str):
        source, _ = Source.objects.get_or_create(name=source)
    n = next(_counter)
    return Article.objects.create(
        project=project,
        source=source,
        url=url or f"https://news.example.org/{n}",
        title=title or f"Article {n}",
        languages=languages if languages is not None else ["en"],
        published_on=published_on or dt.date(2025, 10, 28),
        raw_text=text,
        text=text,
        content_hash=hashlib.sha256(f"{n}:{text}".encode()).hexdigest(),
        **extra,
    )


def task_make(
    *,
    article: Article | None = None,
    required_overlap: int = 2,
    state: str = Task.State.OPEN,
    **article_fields: Any,
) -> Task:
    article = article or article_make(**article_fields)
    return Task.objects.create(
        project=article.project, article=article, required_overlap=required_overlap, state=state
    )


def annotation_make(
    *, task: Task, reviewer: AbstractBaseUser, state: str = Annotation.State.DRAFT, **fields: Any
) -> Annotation:
    if state == Annotation.State.SKIPPED:
        fields.setdefault("skip_reason", "Not about the topic.")
    return Annotation.objects.create(task=task, reviewer=reviewer, state=state, **fields)


def span(
    text: str, needle: str, label: str, *, rid: str | None = None, occurrence: int = 0
) -> dict[str, Any]:
    """A Label Studio `labels` result for the `occurrence`-th `needle` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {
        "id": rid or f"{label.lower()}-{start}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(needle), "text": needle, "labels": [label]},
    }


def relation(claim_id: str, mention_id: str, role: str) -> dict[str, Any]:
    return {
        "type": "relation",
        "from_id": claim_id,
        "to_id": mention_id,
        "direction": "right",
        "labels": [role],
    }


def tasks_import(*paths: Path, project: Project | None = None) -> list[Task]:
    """Import files through the real import service; the tasks it created, in order."""
    from annotate.services.imports import import_inputs_from_paths, import_run

    project = project or project_ensure_default()
    batch = import_run(project=project, inputs=import_inputs_from_paths(list(paths)))
    return list(Task.objects.filter(article__import_batch=batch).order_by("id"))
