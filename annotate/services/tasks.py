"""Handing tasks to reviewers: locks, overlap filling and the task's state.

A task needs `required_overlap` reviewers. A reviewer holds a task with a `TaskLock`
while they work on it; the lock counts towards the overlap until it expires
(`project.lock_timeout_minutes` after the holder's last save), so two reviewers are not
sent to the last slot of the same task, and an abandoned tab frees its slot.

Concurrency: every path that takes a slot locks the task row first (`select_for_update`
on PostgreSQL; on SQLite the IMMEDIATE transactions of `config.settings` serialise
writers), then recounts the holders, so two reviewers asking at once cannot both get the
last slot.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotate.models import Annotation, Project, Task, TaskLock
from annotate.services.audit import annotation_audit

OPEN_STATES = (Task.State.OPEN, Task.State.IN_PROGRESS)
DONE_STATES = (Annotation.State.SUBMITTED, Annotation.State.SKIPPED)


def _lock_expiry(*, task: Task, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(minutes=task.project.lock_timeout_minutes)


def _count(qs: QuerySet[Annotation] | QuerySet[TaskLock]) -> Coalesce:
    """A correlated COUNT(*) of `qs` per task, for annotating a task queryset."""
    counted = qs.order_by().values("task").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def tasks_with_slots(*, reviewer: AbstractBaseUser, now: dt.datetime) -> QuerySet[Task]:
    """Open tasks annotated with `submitted`, `held` (by others) and `mine` (reviewer's draft)."""
    submitted = Annotation.objects.filter(task=OuterRef("pk"), state=Annotation.State.SUBMITTED)
    held = TaskLock.objects.filter(task=OuterRef("pk"), expires_at__gt=now).exclude(
        reviewer=reviewer
    )
    done_by_me = Annotation.objects.filter(
        task=OuterRef("pk"), reviewer=reviewer, state__in=DONE_STATES
    )
    draft_by_me = Annotation.objects.filter(
        task=OuterRef("pk"), reviewer=reviewer, state=Annotation.State.DRAFT
    )
    return (
        Task.objects.filter(state__in=OPEN_STATES)
        .annotate(
            submitted=_count(submitted),
            held=_count(held),
            mine=Exists(draft_by_me),
            done_by_me=Exists(done_by_me),
        )
        .filter(done_by_me=False)
    )


def _holders(*, task: Task, reviewer: AbstractBaseUser, now: dt.datetime) -> int:
    """Reviewers other than `reviewer` who submitted or hold the task right now."""
    submitted = task.annotations.filter(state=Annotation.State.SUBMITTED).exclude(reviewer=reviewer)
    held = task.locks.filter(expires_at__gt=now).exclude(reviewer=reviewer)
    # A holder who has also submitted has no lock left (submit releases it).
    return submitted.count() + held.count()


@transaction.atomic
def task_start_for_reviewer(*, task: Task, reviewer: AbstractBaseUser) -> Annotation:
    """Give `reviewer` the task: take (or refresh) their lock and their draft annotation.

    A reviewer who already has an annotation on the task always gets it back, even if
    others have since filled the task: their work is never locked out. Anyone else gets
    the task only while it still needs reviewers.
    """
    now = timezone.now()
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    annotation = Annotation.objects.filter(task=task, reviewer=reviewer).first()
    if annotation is None:
        if task.state not in OPEN_STATES:
            raise ValidationError("This task is closed: it has all the reviews it needs.")
        if _holders(task=task, reviewer=reviewer, now=now) >= task.required_overlap:
            raise ValidationError(
                "This task already has all the reviewers it needs. Take the next task instead."
            )
        annotation = Annotation.objects.create(task=task, reviewer=reviewer)
        annotation_audit(annotation=annotation, action="annotation.start", before=None)
    if annotation.state == Annotation.State.DRAFT:
        task_lock_refresh(task=task, reviewer=reviewer, now=now)
        if task.state == Task.State.OPEN:
            task.state = Task.State.IN_PROGRESS
            task.save(update_fields=["state"])  # only the state moves; the rest is the import's
    annotation.task = task
    return annotation


def task_lock_refresh(
    *,
    task: Task,
    reviewer: AbstractBaseUser,
    now: dt.datetime | None = None,
    known_expiry: dt.datetime | None = None,
) -> None:
    """Push the reviewer's lock on the task forward (or take it).

    Pass `known_expiry` (the lock's current expiry, if the caller read it) to skip the write
    while the lock has more than a minute less than a full timeout left: autosave calls
    this every few seconds, and one lock write a minute is plenty.
    """
    now = now or timezone.now()
    expires = _lock_expiry(task=task, now=now)
    if known_expiry is not None and known_expiry > expires - dt.timedelta(minutes=1):
        return
    updated = TaskLock.objects.filter(task=task, reviewer=reviewer).update(expires_at=expires)
    if not updated:
        TaskLock.objects.create(task=task, reviewer=reviewer, expires_at=expires)


def task_lock_release(*, task: Task, reviewer: AbstractBaseUser) -> None:
    TaskLock.objects.filter(task=task, reviewer=reviewer).delete()


def task_update_state(*, task: Task) -> Task:
    """Move an open or in-progress task to complete once enough reviewers submitted."""
    if task.state not in OPEN_STATES:
        return task
    submitted = task.annotations.filter(state=Annotation.State.SUBMITTED).count()
    if submitted >= task.required_overlap:
        task.state = Task.State.COMPLETE
        task.save(update_fields=["state"])
    return task


def task_next_for_reviewer(
    *, reviewer: AbstractBaseUser, project: Project | None = None
) -> Annotation | None:
    """The task the reviewer should do next, started for them; None when nothing is left.

    Order: a draft of their own first (finish what you started), then tasks others have
    started, closest to their required overlap first (fill overlap before opening new
    tasks), then untouched tasks, oldest first. Never
    a task they submitted or skipped. A write, not a selector: it takes a lock.
    """
    now = timezone.now()
    candidates = tasks_with_slots(reviewer=reviewer, now=now).filter(
        Q(mine=True) | Q(required_overlap__gt=F("submitted") + F("held"))
    )
    if project is not None:
        candidates = candidates.filter(project=project)
    untouched = Case(When(Q(submitted=0, held=0), then=Value(1)), default=Value(0))
    remaining = F("required_overlap") - F("submitted") - F("held")
    ordered = candidates.order_by("-mine", untouched.asc(), remaining.asc(), "id").values_list(
        "pk", flat=True
    )
    # A candidate can fill up between the ranking and the lock (every reviewer ranks the
    # same tasks first): try ten, then rank again without those, until none is left.
    tried: set[int] = set()
    while batch := list(ordered.exclude(pk__in=tried)[:10]):
        for task_id in batch:
            tried.add(task_id)
            try:
                return task_start_for_reviewer(task=Task(pk=task_id), reviewer=reviewer)
            except ValidationError:
                continue
    return None
