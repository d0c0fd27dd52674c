"""Agreement wired to the database: submitted annotations -> the pure dataclasses -> a cache.

`verify.agreement` and `verify.conflicts` compute on plain data; this module loads a batch of
tasks' submitted mentions and claims in four queries (annotations, labels, mentions, claims), turns
them into `TaskAnnotations`, and stores each task's figures and conflict items in
`TaskAgreement` (figures, and each conflict item as [id, kind, start, end]). Reviewers are
named by username, entities and facts by their id as text.

`agreement_dump` / `agreement_load` turn an `Agreement` into JSON and back with its counts
and confusion matrices, so the dashboard pools cached tasks with `combine` (micro-averaging)
instead of averaging figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction

from annotate.models import Annotation, Claim, LabelType, Mention, Task
from verify.agreement import (
    ATTRIBUTES,
    CLAIM,
    Agreement,
    PairAgreement,
    SpanCounts,
    SpanItem,
    TaskAnnotations,
    task_agreement,
    task_units,
)
from verify.conflicts import task_conflicts
from verify.models import TaskAgreement

BATCH = 500  # tasks per round of queries: memory stays flat over a large project


def task_annotations_load(*, task_ids: Sequence[int]) -> dict[int, TaskAnnotations]:
    """Each task's submitted annotations as `TaskAnnotations`, in four queries: annotations,
    label names, mentions, claims. The span queries join nothing (reviewers and labels are
    looked up in dictionaries): a join per span row is most of the cost over many tasks."""
    reviewers: dict[int, list[str]] = {task_id: [] for task_id in task_ids}
    owner: dict[int, tuple[int, str]] = {}  # annotation id -> (task id, reviewer)
    annotation_rows = Annotation.objects.filter(
        task_id__in=task_ids, state=Annotation.State.SUBMITTED
    ).values_list("pk", "task_id", "reviewer__username")
    for pk, task_id, username in annotation_rows.order_by():
        reviewers[task_id].append(username)
        owner[pk] = (task_id, username)
    spans: dict[int, list[SpanItem]] = {task_id: [] for task_id in task_ids}
    if owner:
        project_ids = Task.objects.filter(pk__in=task_ids).values("project_id")
        labels = dict(
            LabelType.objects.filter(project_id__in=project_ids).values_list("pk", "name")
        )
        mention_rows = Mention.objects.filter(annotation_id__in=list(owner)).values_list(
            "annotation_id", "start", "end", "label_id", "entity_id"
        )
        for annotation_id, start, end, label_id, entity in mention_rows.order_by():
            task_id, reviewer = owner[annotation_id]
            entity_key = None if entity is None else str(entity)
            spans[task_id].append(SpanItem(reviewer, start, end, labels[label_id], entity_key))
        claim_rows = Claim.objects.filter(annotation_id__in=list(owner)).values_list(
            "annotation_id", "start", "end", "label_id", "fact_id", "stance"
        )
        for annotation_id, start, end, label_id, fact, stance in claim_rows.order_by():
            task_id, reviewer = owner[annotation_id]
            fact_key = None if fact is None else str(fact)
            spans[task_id].append(
                SpanItem(
                    reviewer, start, end, labels[label_id], None, fact_key, stance or None, CLAIM
                )
            )
    return {
        task_id: TaskAnnotations(task_id, reviewers[task_id], spans[task_id])
        for task_id in task_ids
    }


def task_annotations_iter(*, task_ids: Iterable[int]) -> Iterator[TaskAnnotations]:
    """`task_annotations_load` over any number of tasks, `BATCH` at a time."""
    batch: list[int] = []
    for task_id in task_ids:
        batch.append(task_id)
        if len(batch) == BATCH:
            yield from task_annotations_load(task_ids=batch).values()
            batch = []
    if batch:
        yield from task_annotations_load(task_ids=batch).values()


def agreement_row(*, annotations: TaskAnnotations) -> TaskAgreement:
    """An unsaved `TaskAgreement` for the task: figures and conflict items."""
    units = task_units(annotations)
    agreement = task_agreement(annotations, units=units)
    conflicts = task_conflicts(annotations, units=units)
    return TaskAgreement(
        task_id=int(annotations.task_id),
        reviewers=list(annotations.reviewers),
        summary=agreement.summary,
        conflict_count=len(conflicts),
        figures=agreement_dump(agreement),
        # Compact: the adjudication page recomputes the versions from the annotations.
        conflicts=[[item.id, item.kind, item.start, item.end] for item in conflicts],
    )


@transaction.atomic
def task_agreement_compute(*, task: Task) -> TaskAgreement:
    """Compute and cache one task's agreement (replacing an older row)."""
    annotations = task_annotations_load(task_ids=[task.pk])[task.pk]
    row = agreement_row(annotations=annotations)
    TaskAgreement.objects.filter(task_id=task.pk).delete()
    row.save()
    return row


def agreement_compute_many(*, task_ids: Iterable[int]) -> int:
    """Compute and cache many tasks' agreement, a batch per transaction; returns how many."""
    done = 0
    rows: list[TaskAgreement] = []

    def flush() -> None:
        with transaction.atomic():
            TaskAgreement.objects.filter(task_id__in=[r.task_id for r in rows]).delete()
            TaskAgreement.objects.bulk_create(rows)
        rows.clear()

    for loaded in task_annotations_iter(task_ids=task_ids):
        rows.append(agreement_row(annotations=loaded))
        done += 1
        if len(rows) == BATCH:
            flush()
    if rows:
        flush()
    return done


# --- JSON round trip of an Agreement -----------------------------------------------------


def _cells(matrix: Any) -> list[list[Any]]:
    return [[a, b, count] for (a, b), count in sorted(matrix.items())]


def _matrix(cells: list[list[Any]]) -> dict[tuple[str, str], Any]:
    return {(a, b): count for a, b, count in cells}


def _counts(counts: SpanCounts) -> list[int]:
    return [counts.reference, counts.other, counts.exact, counts.overlap]


def agreement_dump(agreement: Agreement) -> dict[str, Any]:
    """Everything `combine` needs, JSON-safe."""
    return {
        "reviewers": list(agreement.reviewers),
        "units": agreement.units,
        "pairs": [
            {
                "a": pair.reviewer_a,
                "b": pair.reviewer_b,
                "spans": _counts(pair.spans),
                "by_label": {label: _counts(c) for label, c in pair.by_label.items()},
                "confusions": {attr: _cells(m) for attr, m in pair.confusions.items()},
            }
            for pair in agreement.pairs
        ],
        "alpha": {attr: _cells(m) for attr, m in agreement.alpha.items()},
    }


def agreement_load(data: dict[str, Any], *, task_id: int | None = None) -> Agreement:
    pairs = []
    for pair in data.get("pairs", []):
        by_label = {label: SpanCounts(*c) for label, c in pair["by_label"].items()}
        confusions = {attr: _matrix(cells) for attr, cells in pair["confusions"].items()}
        labelled = sum(by_label.values(), SpanCounts())
        pairs.append(
            PairAgreement(
                pair["a"], pair["b"], SpanCounts(*pair["spans"]), labelled, by_label, confusions
            )
        )
    alpha = {attr: _matrix(data.get("alpha", {}).get(attr, [])) for attr in ATTRIBUTES}
    return Agreement(
        task_id, tuple(data.get("reviewers", [])), data.get("units", 0), tuple(pairs), alpha
    )
