"""Agreement wired to the database: loading submitted work, caching figures on completion."""

from __future__ import annotations

import json
import random

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate.models import Claim, Task
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, disputed_task, review
from verify.agreement import CLAIM, SpanItem, TaskAnnotations, task_agreement
from verify.conflicts import task_conflicts
from verify.models import Adjudication, Entity, Fact, TaskAgreement
from verify.services.agreement import (
    _workers,
    agreement_compute_many,
    agreement_dump,
    agreement_load,
    agreement_row,
    task_annotations_load,
)

pytestmark = pytest.mark.django_db


def test_it_loads_only_submitted_annotations_with_links(
    alice: AbstractUser, bob: AbstractUser, dave: AbstractUser
) -> None:
    task = task_make(text=TEXT, required_overlap=3)
    text = task.article.text
    entity = Entity.objects.create(type="PER", preferred_name="Andrey Belousov")
    fact = Fact.objects.create(statement="Belousov met Abu Qasra")
    result = [
        span(text, "Andrey Belousov", "PER", rid="m1"),
        span(text, "Belousov met Murhaf Abu Qasra", "CLAIM", rid="c1"),
    ]
    result.append(
        {"id": "m1", "from_name": "entity", "to_name": "text", "type": "textarea",
         "value": {"text": [str(entity.pk)]}}
    )  # fmt: skip
    alice_annotation = review(task, alice, result, submit=False)
    Claim.objects.filter(annotation=alice_annotation).update(fact=fact, stance="supports")
    from annotate.services.annotations import annotation_submit

    alice_annotation.refresh_from_db()
    annotation_submit(annotation=alice_annotation, version=alice_annotation.version)
    review(task, bob, [span(text, "Moscow", "LOC", rid="m9")])
    review(task, dave, [span(text, "Moscow", "LOC", rid="m9")], submit=False)  # a draft

    with CaptureQueriesContext(connection) as queries:
        loaded = task_annotations_load(task_ids=[task.pk])[task.pk]

    assert len(queries) == 4  # annotations, labels, mentions, claims
    assert loaded.reviewers == ("alice", "bob")
    start = text.index("Belousov met")
    assert set(loaded.spans) == {
        SpanItem("alice", 0, 15, "PER", str(entity.pk)),
        SpanItem("alice", start, start + 29, "CLAIM", None, str(fact.pk), "supports", CLAIM),
        SpanItem("bob", text.index("Moscow"), text.index("Moscow") + 6, "LOC"),
    }


def test_the_last_submission_caches_agreement_and_queues_the_conflicts(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    assert task.state == Task.State.COMPLETE
    row = TaskAgreement.objects.get(task=task)
    assert row.reviewers == ["alice", "bob"]
    # missing date, Abu Qasra boundaries, Moscow label
    assert row.conflict_count == 3
    assert {kind for _, kind, _, _ in row.conflicts} == {"missing", "boundaries", "label"}
    # 3 matched of 4 and 3 spans overlapping; labelled: Belousov, Abu Qasra -> 2 * 2 / 7
    assert row.summary == pytest.approx(4 / 7)
    adjudication = Adjudication.objects.get(task=task)
    assert adjudication.state == Adjudication.State.PENDING
    assert adjudication.conflict_count == 3


def test_a_draft_does_not_start_the_comparison(alice: AbstractUser, bob: AbstractUser) -> None:
    task = task_make(text=TEXT)
    review(task, alice, [span(task.article.text, "Moscow", "LOC")])
    review(task, bob, [span(task.article.text, "Moscow", "LOC")], submit=False)

    assert not TaskAgreement.objects.filter(task=task).exists()
    assert not Adjudication.objects.filter(task=task).exists()


def test_cached_figures_pool_like_the_pure_figures(alice: AbstractUser, bob: AbstractUser) -> None:
    task = disputed_task(alice, bob)
    loaded = task_annotations_load(task_ids=[task.pk])[task.pk]
    agreement = task_agreement(loaded)

    again = agreement_load(agreement_dump(agreement), task_id=task.pk)

    assert again.as_dict() == agreement.as_dict()


def test_computing_many_tasks_replaces_old_rows(alice: AbstractUser, bob: AbstractUser) -> None:
    first = disputed_task(alice, bob)
    second = disputed_task(alice, bob)
    TaskAgreement.objects.filter(task=first).update(conflict_count=99)

    count = agreement_compute_many(task_ids=[first.pk, second.pk])

    assert count == 2
    assert list(TaskAgreement.objects.order_by("task").values_list("task", "conflict_count")) == [
        (first.pk, 3),
        (second.pk, 3),
    ]


def test_the_refresh_command_opens_missing_adjudications(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    from io import StringIO

    from django.core.management import call_command

    task = disputed_task(alice, bob)
    Adjudication.objects.filter(task=task).delete()
    TaskAgreement.objects.filter(task=task).delete()

    dry = StringIO()
    call_command("agreement_refresh", "--dry-run", stdout=dry)
    assert "would open 1 adjudication(s)" in dry.getvalue()
    assert not Adjudication.objects.filter(task=task).exists()

    out = StringIO()
    call_command("agreement_refresh", stdout=out)

    assert "opened 1 adjudication(s); recomputed 1 task(s)" in out.getvalue()
    assert Adjudication.objects.get(task=task).conflict_count == 3
    assert TaskAgreement.objects.get(task=task).conflict_count == 3


def random_task(rng: random.Random, task_id: int) -> TaskAnnotations:
    """Up to five reviewers with overlapping, copied (sometimes twice by one reviewer) and
    relabelled spans, mentions and claims: every branch of matching and counting."""
    reviewers = ("alice", "bob", "dave", "erin", "frank")[: rng.randint(1, 5)]
    spans: list[SpanItem] = []
    for _ in range(rng.randint(0, 16)):
        start = rng.randint(0, 40)
        end = start + rng.randint(1, 9)
        if rng.random() < 0.3:
            fact, stance = rng.choice((None, "7", "8")), rng.choice((None, "supports", "refutes"))
            spans.append(
                SpanItem(rng.choice(reviewers), start, end, "CLAIM", None, fact, stance, CLAIM)
            )
        else:
            entity = rng.choice((None, None, "1", "2"))
            spans.append(SpanItem(rng.choice(reviewers), start, end, rng.choice("ABC"), entity))
        while rng.random() < 0.5:  # the same span again, by someone (perhaps the same one)
            copy = spans[-1]
            spans.append(
                SpanItem(rng.choice(reviewers), copy.start, copy.end, copy.label, copy.entity,
                         copy.fact, copy.stance, copy.kind)
            )  # fmt: skip
    return TaskAnnotations(task_id, reviewers, spans)


def test_the_stored_row_holds_what_the_pure_layer_computes() -> None:
    rng = random.Random(5)
    for task_id in range(1, 1500):
        task = random_task(rng, task_id)
        agreement = task_agreement(task)

        row = agreement_row(annotations=task)

        assert json.dumps(row.figures) == json.dumps(agreement_dump(agreement)), task_id
        assert row.summary == agreement.summary
        items = task_conflicts(task)
        assert row.conflicts == [[item.id, item.kind, item.start, item.end] for item in items]
        assert row.conflict_count == len(items)


@pytest.mark.django_db(transaction=True)
def test_worker_processes_store_the_same_rows_as_one_process(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    tasks = [disputed_task(alice, bob) for _ in range(3)]
    ids = [task.pk for task in tasks]
    fields = ("task", "reviewers", "summary", "conflict_count", "figures", "conflicts")
    agreement_compute_many(task_ids=ids, processes=1)
    alone = list(TaskAgreement.objects.order_by("task").values_list(*fields))
    TaskAgreement.objects.all().delete()

    count = agreement_compute_many(task_ids=ids, processes=2, batch_size=1)

    assert count == 3
    assert list(TaskAgreement.objects.order_by("task").values_list(*fields)) == alone
    # Workers see the database only through a file or a server, not an in-memory SQLite one.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert _workers(3, 2) == (0 if in_memory else 2)


def test_a_transaction_keeps_the_computation_in_this_process(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    assert _workers(3, 2) == 0  # the test's transaction: workers would not see the task
    assert agreement_compute_many(task_ids=[task.pk], processes=2, batch_size=1) == 1
