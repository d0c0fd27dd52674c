"""Push the project and its articles to a Label Studio server; pull annotations back."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotate.importers.fingerprint import content_hash
from annotate.label_studio.client import Server
from annotate.label_studio.config import (
    ConfigNames,
    label_config_check,
    label_config_same,
    label_config_xml,
    project_labels,
)
from annotate.label_studio.errors import LabelStudioError
from annotate.label_studio.incoming import (
    Incoming,
    incoming_check,
    incoming_save,
    no_reviewer,
    result_convert,
    reviewers_by_email,
)
from annotate.models import Article, LabelType, Project
from annotate.results import TO_NAME

PUSH_BATCH = 500
LOOKUP_CHUNK = 900
PREDICTION_MODEL_VERSION = "crosscheck-suggestions"

PredictionsFor = Callable[[Article], list[dict[str, Any]]]


def predictions_none(article: Article) -> list[dict[str, Any]]:
    """The seam for suggestions: none are stored yet, so a push sends no predictions.

    Once suggestions are stored, return an article's as Label Studio results (the shape
    of `annotate.results`) and pass this function to `label_studio_push`.
    """
    return []


def task_data(article: Article) -> dict[str, Any]:
    """A Label Studio task's `data` for an article: the text every offset points into."""
    task = getattr(article, "task", None)
    return {
        TO_NAME: article.text,
        "crosscheck_article_id": article.pk,
        "crosscheck_task_id": task.pk if task is not None else None,
        "title": article.title,
        "url": article.url,
        "source": article.source.name if article.source else "",
    }


def task_predictions(article: Article, predictions_for: PredictionsFor) -> list[dict[str, Any]]:
    result = predictions_for(article)
    return [{"model_version": PREDICTION_MODEL_VERSION, "result": result}] if result else []


@dataclass
class PushReport:
    project_id: int  # 0 in a dry run that would create the project
    project_url: str
    created_project: bool
    updated_config: bool
    tasks_sent: int = 0
    tasks_already_there: int = 0
    predictions_sent: int = 0
    dry_run: bool = False


def label_studio_push(
    *,
    project: Project,
    url: str,
    token: str,
    title: str = "",
    predictions_for: PredictionsFor = predictions_none,
    dry_run: bool = False,
    timeout: float = 60.0,
    max_retries: int = 2,
    batch_size: int = PUSH_BATCH,
) -> PushReport:
    """Create or update the Label Studio project, then send the articles it lacks as tasks.

    What was sent is read back from Label Studio (each task's `data.crosscheck_article_id`),
    so nothing is stored here and a push cut short is completed by the next one.
    """
    server = Server(url=url, token=token, timeout=timeout, max_retries=max_retries)
    report, pushed = _push_project(server, project, title or project.name, dry_run)
    report.tasks_already_there = len(pushed)
    batch: list[dict[str, Any]] = []
    for article in _articles(project, pushed, batch_size):
        task: dict[str, Any] = {"data": task_data(article)}
        if predictions := task_predictions(article, predictions_for):
            task["predictions"] = predictions
            report.predictions_sent += 1
        batch.append(task)
        if len(batch) >= batch_size:
            report.tasks_sent += _send(server, report.project_id, batch, dry_run)
            batch = []
    if batch:
        report.tasks_sent += _send(server, report.project_id, batch, dry_run)
    return report


def _push_project(
    server: Server, project: Project, title: str, dry_run: bool
) -> tuple[PushReport, set[int]]:
    """The Label Studio project, created or with its config brought up to date; sent ids."""
    config = label_config_xml(project=project)
    remote = server.project_find(title)
    if remote is None:
        project_id = (
            0 if dry_run else int(server.project_create(title=title, label_config=config).id)
        )
        url = f"{server.url}/projects/{project_id}/" if project_id else ""
        return PushReport(project_id, url, True, False, dry_run=dry_run), set()
    project_id = int(remote.id)
    stale = not label_config_same(remote.label_config or "", config)
    if stale and not dry_run:
        server.project_config_set(project_id, config)
    report = PushReport(project_id, f"{server.url}/projects/{project_id}/", False, stale)
    report.dry_run = dry_run
    return report, _pushed_ids(server, project_id)


def _pushed_ids(server: Server, project_id: int) -> set[int]:
    ids = set()
    for task in server.tasks(project_id, with_annotations=False):
        value = (task.data or {}).get("crosscheck_article_id")
        if isinstance(value, int):
            ids.add(value)
    return ids


def _articles(project: Project, pushed: set[int], chunk: int) -> Iterator[Article]:
    # Skipped here rather than with NOT IN: a project of 100,000 pushed articles would
    # overflow the database's limit on query parameters.
    articles = (
        Article.objects.filter(project=project, task__isnull=False)
        .select_related("source", "task")
        .order_by("pk")
    )
    return (a for a in articles.iterator(chunk_size=chunk) if a.pk not in pushed)


def _send(server: Server, project_id: int, batch: list[dict[str, Any]], dry_run: bool) -> int:
    return len(batch) if dry_run else server.tasks_import(project_id, batch)


@dataclass
class PullReport:
    project_id: int
    tasks_seen: int
    annotations_seen: int
    created: int
    unchanged: int
    conflicts: list[str]
    ignored_results: int = 0
    dry_run: bool = False


@dataclass
class _Pull:
    """What a pull found, before anything is saved."""

    incoming: list[Incoming] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tasks_seen: int = 0
    annotations_seen: int = 0
    ignored: int = 0


def label_studio_pull(
    *,
    project: Project,
    url: str,
    token: str,
    title: str = "",
    dry_run: bool = False,
    timeout: float = 60.0,
    max_retries: int = 2,
) -> PullReport:
    """Bring the annotations made in Label Studio back as annotations of our reviewers.

    An annotation's author is matched by e-mail; its task by `data.crosscheck_article_id`
    (or, for a task not pushed from here, by identical text). Everything is checked first;
    any problem (an unknown author, a span that does not match the text, a label or an
    article we do not have) stops the pull with the whole list, and nothing is saved.
    """
    title = title or project.name
    server = Server(url=url, token=token, timeout=timeout, max_retries=max_retries)
    remote = server.project_find(title)
    if remote is None:
        raise LabelStudioError(
            f"Label Studio at {server.url} has no project titled '{title}'. Push it first "
            "(`manage.py label_studio push`) or name it with --project."
        )
    names = label_config_check(project=project, label_config=remote.label_config or "")
    found = _pull_collect(server, project, int(remote.id), names)
    if found.problems:
        raise LabelStudioError(
            "Nothing was pulled: fix these in Label Studio or here first.", problems=found.problems
        )
    labels = {lt.name: lt for lt in project_labels(project)}
    counts = incoming_save(items=found.incoming, labels=labels, dry_run=dry_run)
    return PullReport(
        project_id=int(remote.id),
        tasks_seen=found.tasks_seen,
        annotations_seen=found.annotations_seen,
        created=counts.created,
        unchanged=counts.unchanged,
        conflicts=counts.conflicts,
        ignored_results=found.ignored,
        dry_run=dry_run,
    )


def _pull_collect(server: Server, project: Project, project_id: int, names: ConfigNames) -> _Pull:
    """Every annotation of the Label Studio project, converted and checked."""
    emails = server.user_emails()
    labels = {lt.name: lt for lt in project_labels(project)}
    found = _Pull()
    raw: list[tuple[Any, dict[str, Any], str]] = []
    for task in server.tasks(project_id, with_annotations=True):
        found.tasks_seen += 1
        for annotation in task.annotations or []:
            email = _author_email(annotation.get("completed_by"), emails)
            raw.append((task, annotation, email))
    found.annotations_seen = len(raw)
    reviewers = reviewers_by_email(email for _, _, email in raw)
    articles = _articles_for(project, [task for task, _, _ in raw], names)
    for task, annotation, email in raw:
        where = f"Label Studio task {task.id}, annotation {annotation.get('id')} by {email or '?'}"
        article, reviewer = articles.get(task.id), reviewers.get(email.lower())
        if isinstance(article, str):
            found.problems.append(f"{where}: {article}")
        elif reviewer is None:
            found.problems.append(no_reviewer(where, email))
        else:
            _pull_one(found, article, reviewer, annotation, where, names, labels)
    return found


def _pull_one(
    found: _Pull,
    article: Article,
    reviewer: Any,
    annotation: dict[str, Any],
    where: str,
    names: ConfigNames,
    labels: Mapping[str, LabelType],
) -> None:
    converted = result_convert(
        annotation.get("result"),
        labels_name=names.labels_name,
        source_text=article.text,
        article_text=article.text,
        kinds={name: lt.kind for name, lt in labels.items()},
    )
    found.ignored += converted.ignored
    found.problems.extend(f"{where}: {p}" for p in converted.problems)
    if converted.problems:
        return
    item, problems = incoming_check(
        task=article.task,
        reviewer=reviewer,
        result=converted.result,
        where=where,
        labels=labels,
        skipped=bool(annotation.get("was_cancelled")),
    )
    found.problems.extend(problems)
    if item is not None:
        found.incoming.append(item)


def _author_email(value: Any, emails: Mapping[int, str]) -> str:
    """Label Studio names an author by user id in lists and as an object in single tasks."""
    if isinstance(value, dict):
        if value.get("email"):
            return str(value["email"])
        value = value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return emails.get(value, "")
    return ""


def _articles_for(
    project: Project, tasks: list[Any], names: ConfigNames
) -> dict[int, Article | str]:
    """Each Label Studio task's article here, or why there is none."""
    ids, hashes = set(), set()
    for task in tasks:
        data = task.data or {}
        if isinstance(data.get("crosscheck_article_id"), int):
            ids.add(data["crosscheck_article_id"])
        elif isinstance(data.get(names.text_field), str):
            hashes.add(content_hash(data[names.text_field]))
    found = Article.objects.filter(project=project, task__isnull=False).select_related("task")
    by_id = {a.pk: a for part in _chunks(ids) for a in found.filter(pk__in=part)}
    by_hash = {
        a.content_hash: a for part in _chunks(hashes) for a in found.filter(content_hash__in=part)
    }
    out: dict[int, Article | str] = {}
    for task in tasks:
        data = task.data or {}
        text, article_id = data.get(names.text_field), data.get("crosscheck_article_id")
        if isinstance(article_id, int):
            article = by_id.get(article_id)
        else:
            article = by_hash.get(content_hash(text)) if isinstance(text, str) else None
        if article is None:
            out[task.id] = (
                f"no article of project '{project.name}' matches this task "
                f"(article id {article_id!r}); import the article first"
            )
        elif text != article.text:
            out[task.id] = f"the task's text differs from article {article.pk}'s text"
        else:
            out[task.id] = article
    return out


def _chunks(values: set[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    """Slices small enough for one query's parameters (SQLite allows 32,766)."""
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
