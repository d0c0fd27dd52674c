"""Agreement wired to the database: submitted annotations -> the pure layer -> a cache.

`verify.agreement` and `verify.conflicts` compute on plain data; this module loads a batch of
tasks' submitted mentions and claims in four queries (annotations, labels, mentions, claims),
and stores each task's figures and conflict items in `TaskAgreement` (figures, and each
conflict item as [id, kind, start, end]). Reviewers are named by username, entities and facts
by their id as text. One task (`task_annotations_load`) goes through `TaskAnnotations`, as the
adjudication page needs; a project (`agreement_compute_many`) goes through plain rows
(`verify.agreement.Row`), the same units, figures and conflict ids without a dataclass per
span, in worker processes when there are many tasks.

`agreement_dump` / `agreement_load` turn an `Agreement` into JSON and back with its counts
and confusion matrices, so the dashboard pools cached tasks with `combine` (micro-averaging)
instead of averaging figures.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction

from annotate.models import Annotation, Claim, LabelType, Mention, Task
from verify.agreement import (
    ATTRIBUTES,
    CLAIM,
    MENTION,
    Agreement,
    PairAgreement,
    Row,
    SpanCounts,
    SpanItem,
    Tally,
    TaskAnnotations,
    label_sizes,
    span_row,
    unit_agreed,
    unit_clusters,
)
from verify.conflicts import conflict_entries
from verify.models import TaskAgreement

BATCH = 500  # tasks per round of queries: memory stays flat over a large project
PROCESSES_MAX = 8  # worker processes of `agreement_compute_many`, at most


def task_rows_load(*, task_ids: Sequence[int]) -> dict[int, tuple[list[str], list[Row]]]:
    """Each task's submitted annotations as its reviewers and its spans as `Row`s (unsorted:
    mentions, then claims), in four queries: annotations, label names, mentions, claims. The
    span queries join nothing (reviewers and labels are looked up in dictionaries): a join per
    span row is most of the cost over many tasks, and so is building objects per span."""
    reviewers: dict[int, list[str]] = {task_id: [] for task_id in task_ids}
    owner: dict[int, tuple[int, str]] = {}  # annotation id -> (task id, reviewer)
    annotation_rows = Annotation.objects.filter(
        task_id__in=task_ids, state=Annotation.State.SUBMITTED
    ).values_list("pk", "task_id", "reviewer__username")
    for pk, task_id, username in annotation_rows.order_by():
        reviewers[task_id].append(username)
        owner[pk] = (task_id, username)
    spans: dict[int, list[Row]] = {task_id: [] for task_id in task_ids}
    if owner:
        project_ids = Task.objects.filter(pk__in=task_ids).values("project_id")
        labels = dict(
            LabelType.objects.filter(project_id__in=project_ids).values_list("pk", "name")
        )
        mention_rows = Mention.objects.filter(annotation_id__in=list(owner)).values_list(
            "annotation_id", "start", "end", "label_id", "entity_id"
        )
        for annotation_id, start, end, label_id, entity in mention_rows.order_by():
            if not 0 <= start < end:
                raise ValueError(f"span [{start}, {end}) needs 0 <= start < end")
            task_id, reviewer = owner[annotation_id]
            spans[task_id].append(
                (False, start, end, labels[label_id], reviewer,
                 "" if entity is None else str(entity), "", "")
            )  # fmt: skip
        claim_rows = Claim.objects.filter(annotation_id__in=list(owner)).values_list(
            "annotation_id", "start", "end", "label_id", "fact_id", "stance"
        )
        for annotation_id, start, end, label_id, fact, stance in claim_rows.order_by():
            if not 0 <= start < end:
                raise ValueError(f"span [{start}, {end}) needs 0 <= start < end")
            task_id, reviewer = owner[annotation_id]
            spans[task_id].append(
                (True, start, end, labels[label_id], reviewer,
                 "", "" if fact is None else str(fact), stance or "")
            )  # fmt: skip
    return {task_id: (reviewers[task_id], spans[task_id]) for task_id in task_ids}


def task_annotations_load(*, task_ids: Sequence[int]) -> dict[int, TaskAnnotations]:
    """Each task's submitted annotations as `TaskAnnotations` (`task_rows_load`: four queries)."""
    return {
        task_id: TaskAnnotations(
            task_id,
            reviewers,
            [
                SpanItem(
                    row[4],
                    row[1],
                    row[2],
                    row[3],
                    row[5] or None,
                    row[6] or None,
                    row[7] or None,
                    CLAIM if row[0] else MENTION,
                )  # fmt: skip
                for row in rows
            ],
        )
        for task_id, (reviewers, rows) in task_rows_load(task_ids=task_ids).items()
    }


def _batches(task_ids: Iterable[int], size: int = BATCH) -> Iterator[list[int]]:
    batch: list[int] = []
    for task_id in task_ids:
        batch.append(task_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def task_annotations_iter(*, task_ids: Iterable[int]) -> Iterator[TaskAnnotations]:
    """`task_annotations_load` over any number of tasks, `BATCH` at a time."""
    for batch in _batches(task_ids):
        yield from task_annotations_load(task_ids=batch).values()


def agreement_row(*, annotations: TaskAnnotations) -> TaskAgreement:
    """An unsaved `TaskAgreement` for the task: figures and conflict items."""
    rows = sorted(span_row(span) for span in annotations.spans)
    return _agreement_row(annotations.task_id, annotations.reviewers, rows)


def _agreement_row(task_id: int | str, reviewers: Sequence[str], rows: list[Row]) -> TaskAgreement:
    """`agreement_row` on rows (sorted) and reviewers (sorted): the same figures and conflict
    items as `task_agreement` and `task_conflicts`, on the same units, without the dataclasses
    of the pure layer (tests/verify/test_agreement_db.py compares them)."""
    units = [[rows[i] for i in cluster] for cluster in unit_clusters(rows)]
    agreed = [len(unit) == 1 or unit_agreed(unit) for unit in units]
    tally = Tally(reviewers)
    for unit, agrees in zip(units, agreed, strict=True):
        if len(unit) > 1:
            tally.add(unit, agrees)
    figures, summary = _figures(reviewers, len(units), label_sizes(reviewers, rows), tally)
    entries = conflict_entries(task_id, reviewers, units, agreed)
    return TaskAgreement(
        task_id=int(task_id),
        reviewers=list(reviewers),
        summary=summary,
        conflict_count=len(entries),
        figures=figures,
        # Compact: the adjudication page recomputes the versions from the annotations.
        conflicts=[[item_id, kind, start, end] for item_id, kind, _, start, end, _ in entries],
    )


def _figures(
    reviewers: Sequence[str], units: int, sizes: dict[str, dict[str, int]], tally: Tally
) -> tuple[dict[str, Any], float | None]:
    """`agreement_dump` of the task's `Agreement`, and its `summary`, from the tally."""
    pairs = []
    reference = other = overlap = 0
    for a, b in itertools.combinations(reviewers, 2):
        mine, theirs, matched = sizes[a], sizes[b], tally.matched[a, b]
        by_label = {}
        for label in sorted(mine.keys() | theirs.keys()):
            exact, overlapping = matched.get(label, (0, 0))
            by_label[label] = [mine.get(label, 0), theirs.get(label, 0), exact, overlapping]
        total_a, total_b = sum(mine.values()), sum(theirs.values())
        reference += total_a
        other += total_b
        overlap += sum(counts[1] for counts in matched.values())
        pairs.append(
            {
                "a": a,
                "b": b,
                "spans": [total_a, total_b, *tally.unlabelled[a, b]],
                "by_label": by_label,
                "confusions": {attr: _cells(m) for attr, m in tally.confusions[a, b].items()},
            }
        )
    figures = {
        "reviewers": list(reviewers),
        "units": units,
        "pairs": pairs,
        "alpha": {attr: _cells(m) for attr, m in tally.alpha.items()},
    }
    return figures, 2 * overlap / (reference + other) if reference + other else None


@transaction.atomic
def task_agreement_compute(*, task: Task) -> TaskAgreement:
    """Compute and cache one task's agreement (replacing an older row)."""
    annotations = task_annotations_load(task_ids=[task.pk])[task.pk]
    row = agreement_row(annotations=annotations)
    TaskAgreement.objects.filter(task_id=task.pk).delete()
    row.save()
    return row


def agreement_compute_many(
    *, task_ids: Iterable[int], processes: int | None = None, batch_size: int = BATCH
) -> int:
    """Compute and cache many tasks' agreement, a batch per transaction; returns how many.

    Works on rows, not `TaskAnnotations`: the same figures, a fraction of the time. Batches
    are spread over worker processes, one per CPU (or `processes`), each storing its own
    batches, when there are two batches or more and the workers can see what this process
    sees (no transaction open, not an in-memory SQLite database); otherwise, and with
    `processes=1`, they run here. A task's figures do not depend on which process computes it.
    """
    batches = list(_batches(task_ids, batch_size))
    workers = _workers(len(batches), processes)
    with _collector_paused():
        if workers < 2:
            return sum(_compute_batch(batch) for batch in batches)
        connections.close_all()  # each worker opens its own connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
            return sum(executor.map(_compute_batch, batches))


def _workers(batches: int, processes: int | None) -> int:
    """How many worker processes to use for so many batches: 0 (this process) or 2 or more."""
    if processes is None:
        processes = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    workers = min(processes, batches, PROCESSES_MAX)
    if (
        workers < 2
        or connection.in_atomic_block
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 0
    return workers


def _compute_batch(batch: list[int]) -> int:
    rows = []
    for task_id, (reviewers, spans) in task_rows_load(task_ids=batch).items():
        names = sorted(reviewers)
        if len(set(names)) != len(names):
            raise ValueError(f"task {task_id}: a reviewer is listed twice")
        spans.sort()
        rows.append(_agreement_row(task_id, names, spans))
    with transaction.atomic():
        TaskAgreement.objects.filter(task_id__in=batch).delete()
        TaskAgreement.objects.bulk_create(rows)
    return len(rows)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while: a batch makes hundreds of thousands of
    tuples, lists and dictionaries that live until the batch is stored, and the collector
    would walk them (and everything Django holds) again and again, about 40% of the CPU time
    of a project's recomputation, for no cycles to free: reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
