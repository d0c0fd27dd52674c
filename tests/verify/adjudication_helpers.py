"""Reviewed tasks for the adjudication tests, made through the real services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotate.models import Annotation, Task
from annotate.services.annotations import annotation_save_draft, annotation_submit
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import span, task_make

TEXT = "Andrey Belousov met Murhaf Abu Qasra in Moscow on 28 October."


def review(
    task: Task, reviewer: AbstractBaseUser, result: list[dict[str, Any]], *, submit: bool = True
) -> Annotation:
    """The reviewer takes the task, saves `result` and (by default) submits it."""
    annotation = task_start_for_reviewer(task=task, reviewer=reviewer)
    annotation_save_draft(annotation=annotation, version=annotation.version, result=result)
    if submit:
        annotation_submit(annotation=annotation, version=annotation.version)
    return annotation


def disputed_task(alice: AbstractBaseUser, bob: AbstractBaseUser, **fields: Any) -> Task:
    """Alice and Bob agree on Belousov; Bob draws "Murhaf Abu Qasra" where Alice has
    "Abu Qasra"; Alice tags Moscow LOC, Bob ORG; only Alice tags the date."""
    task = task_make(text=TEXT, **fields)
    text = task.article.text
    review(
        task,
        alice,
        [
            span(text, "Andrey Belousov", "PER", rid="a1"),
            span(text, "Abu Qasra", "PER", rid="a2"),
            span(text, "Moscow", "LOC", rid="a3"),
            span(text, "28 October", "DATE", rid="a4"),
        ],
    )
    review(
        task,
        bob,
        [
            span(text, "Andrey Belousov", "PER", rid="b1"),
            span(text, "Murhaf Abu Qasra", "PER", rid="b2"),
            span(text, "Moscow", "ORG", rid="b3"),
        ],
    )
    task.refresh_from_db()
    return task
