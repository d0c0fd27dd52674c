"""Reading annotations. A reviewer reads only their own: anyone else's is a 404."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from annotate.models import Annotation, LabelType, Task, TaskLock
from annotate.results import result_from_rows


def _own(user: AbstractBaseUser) -> QuerySet[Annotation]:
    # The reviewer's lock expiry rides along, so an autosave need not rewrite a fresh lock.
    lock = TaskLock.objects.filter(task=OuterRef("task"), reviewer=OuterRef("reviewer"))
    return (
        Annotation.objects.filter(reviewer_id=user.pk)
        .select_related("task__article__source", "task__project")
        .annotate(lock_expires_at=Subquery(lock.values("expires_at")[:1]))
    )


def annotation_get_for_user(*, annotation_id: int, user: AbstractBaseUser) -> Annotation:
    """The user's own annotation; Http404 for a missing one and for anyone else's alike.

    Blind review: the answer for someone else's id is the same as for an id that does not
    exist, so ids reveal nothing.
    """
    annotation = get_object_or_404(_own(user), pk=annotation_id)
    annotation.reviewer = user  # it is theirs: saves the query that would fetch it again
    return annotation


def annotation_for_task(*, task: Task, user: AbstractBaseUser) -> Annotation | None:
    return _own(user).filter(task=task).first()


_MENTION_COLUMNS = (
    "pk",
    "region_id",
    "label_id",
    "start",
    "end",
    "text",
    "normalized_value",
    "entity_id",
)
_CLAIM_COLUMNS = (
    "pk",
    "region_id",
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
)


def annotation_result(
    *, annotation: Annotation, label_names: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """The annotation as a Label Studio result list, in three queries whatever its size.

    Pass `label_names` (label type id -> name) when the caller has the labels already.
    Rows are read as named tuples, not model instances: a 500-span annotation opens in a
    few milliseconds instead of tens.
    """
    if label_names is None:
        label_names = dict(
            LabelType.objects.filter(project_id=annotation.task.project_id).values_list(
                "pk", "name"
            )
        )
    order = ("start", "-end", "id")
    return result_from_rows(
        mentions=annotation.mentions.order_by(*order).values_list(*_MENTION_COLUMNS, named=True),
        claims=annotation.claims.order_by(*order).values_list(*_CLAIM_COLUMNS, named=True),
        label_names=label_names,
    )
