"""Saving drafts, submitting and skipping, with optimistic locking."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotate.models import Annotation, Claim, Mention, Project, Task, TaskLock
from annotate.selectors.annotations import annotation_result
from annotate.services.annotations import (
    AnnotationConflict,
    annotation_save_draft,
    annotation_skip,
    annotation_submit,
)
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import relation, span, task_make

TEXT = "Министр обороны России Андрей Белоусов провел встречу с Мархафом Абу Касрой в Москве."


@pytest.fixture
def task(project: Project) -> Task:
    return task_make(text=TEXT, required_overlap=1)


@pytest.fixture
def draft(task: Task, alice: AbstractUser) -> Annotation:
    return task_start_for_reviewer(task=task, reviewer=alice)


def claim_result() -> list[dict[str, Any]]:
    return [
        span(TEXT, "Андрей Белоусов провел встречу с Мархафом Абу Касрой", "CLAIM", rid="c"),
        span(TEXT, "Андрей Белоусов", "PER", rid="s"),
        span(TEXT, "Мархафом Абу Касрой", "PER", rid="o"),
        span(TEXT, "Москве", "LOC", rid="p"),
        relation("c", "s", "subject"),
        relation("c", "o", "object"),
        relation("c", "p", "place"),
        relation("c", "s", "attributed_to"),
        {
            "id": "c",
            "from_name": "statement",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["Belousov met Abu Qasra in Moscow"]},
        },
    ]


def test_it_saves_a_draft_as_rows_and_bumps_the_version(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=claim_result(), time_spent_seconds=30)

    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.state == Annotation.State.DRAFT
    assert draft.time_spent_seconds == 30
    claim = Claim.objects.get(annotation=draft)
    assert claim.subject is not None
    assert claim.subject.text == "Андрей Белоусов"
    assert claim.object is not None
    assert claim.object.text == "Мархафом Абу Касрой"
    assert claim.place is not None
    assert claim.place.text == "Москве"
    assert claim.attributed_to_mention == claim.subject
    assert claim.statement == "Belousov met Abu Qasra in Moscow"
    for row in [*Mention.objects.filter(annotation=draft), claim]:
        assert row.text == TEXT[row.start : row.end]


def test_it_gives_back_what_was_saved_in_label_studio_shape(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=claim_result())

    result = annotation_result(annotation=draft)

    key = lambda r: (r["type"], r.get("id", ""), r.get("from_id", ""), str(r.get("labels")))  # noqa: E731
    assert sorted(result, key=key) == sorted(
        [{**r, "origin": "manual"} if r["type"] == "labels" else r for r in claim_result()], key=key
    )


def test_it_refuses_a_stale_version_and_overwrites_nothing(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=claim_result())
    stale_tab = [span(TEXT, "Москве", "ORG", rid="other")]

    with pytest.raises(AnnotationConflict) as info:
        annotation_save_draft(annotation=draft, version=0, result=stale_tab)

    assert info.value.code == "stale_version"
    assert "version 0" in info.value.message
    assert "version 1" in info.value.message
    draft.refresh_from_db()
    assert draft.version == 1
    assert set(Mention.objects.filter(annotation=draft).values_list("region_id", flat=True)) == {
        "s",
        "o",
        "p",
    }


def test_it_writes_nothing_when_the_payload_is_invalid(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=claim_result())
    bad = [*claim_result(), span(TEXT, "Москве", "GPE", rid="x")]

    with pytest.raises(ValidationError):
        annotation_save_draft(annotation=draft, version=1, result=bad)

    draft.refresh_from_db()
    assert draft.version == 1
    assert Mention.objects.filter(annotation=draft).count() == 3


def test_it_keeps_the_rows_of_spans_that_did_not_change(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=claim_result())
    kept = Mention.objects.get(annotation=draft, region_id="s").pk
    relabelled = Mention.objects.get(annotation=draft, region_id="p").pk
    result = [r for r in claim_result() if r.get("id") != "o" and r.get("to_id") != "o"]
    next(r for r in result if r.get("id") == "p")["value"]["labels"] = ["ORG"]

    annotation_save_draft(annotation=draft, version=1, result=result)

    assert Mention.objects.get(annotation=draft, region_id="s").pk == kept
    place = Mention.objects.get(annotation=draft, region_id="p")
    assert place.pk == relabelled
    assert place.label.name == "ORG"
    assert not Mention.objects.filter(annotation=draft, region_id="o").exists()
    assert Claim.objects.get(annotation=draft).object is None


def test_it_submits_releases_the_lock_and_completes_the_task(
    draft: Annotation, task: Task, alice: AbstractUser
) -> None:
    annotation_submit(annotation=draft, version=0, result=claim_result())

    draft.refresh_from_db()
    task.refresh_from_db()
    assert draft.state == Annotation.State.SUBMITTED
    assert draft.submitted_at is not None
    assert task.state == Task.State.COMPLETE
    assert not TaskLock.objects.filter(task=task, reviewer=alice).exists()
    assert Mention.objects.filter(annotation=draft).count() == 3


def test_it_refuses_changes_after_submit(draft: Annotation) -> None:
    annotation_submit(annotation=draft, version=0, result=[])

    with pytest.raises(AnnotationConflict) as info:
        annotation_save_draft(annotation=draft, version=1, result=claim_result())

    assert info.value.code == "final"
    assert not Mention.objects.filter(annotation=draft).exists()


def test_a_task_stays_in_progress_until_enough_reviewers_submit(
    project: Project, alice: AbstractUser, bob: AbstractUser
) -> None:
    # Without automatic acceptance, so the task stops at complete (awaiting an admin).
    project.auto_accept_agreement = False
    project.save(update_fields=["auto_accept_agreement"])
    task = task_make(text=TEXT, required_overlap=2)
    a = task_start_for_reviewer(task=task, reviewer=alice)
    b = task_start_for_reviewer(task=task, reviewer=bob)

    annotation_submit(annotation=a, version=0)
    task.refresh_from_db()
    assert task.state == Task.State.IN_PROGRESS

    annotation_submit(annotation=b, version=0)
    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE


def test_it_skips_with_a_reason_and_frees_the_slot(
    draft: Annotation, task: Task, alice: AbstractUser
) -> None:
    annotation_skip(annotation=draft, version=0, reason="  Not about defence.  ")

    draft.refresh_from_db()
    assert draft.state == Annotation.State.SKIPPED
    assert draft.skip_reason == "Not about defence."
    assert not TaskLock.objects.filter(task=task, reviewer=alice).exists()


def test_it_refuses_a_skip_without_a_reason(draft: Annotation) -> None:
    with pytest.raises(ValidationError) as info:
        annotation_skip(annotation=draft, version=0, reason="  ")

    assert "reason" in info.value.message_dict
    draft.refresh_from_db()
    assert draft.state == Annotation.State.DRAFT


def test_time_spent_only_grows(draft: Annotation) -> None:
    annotation_save_draft(annotation=draft, version=0, result=[], time_spent_seconds=120)
    annotation_save_draft(annotation=draft, version=1, result=[], time_spent_seconds=40)

    draft.refresh_from_db()
    assert draft.time_spent_seconds == 120


def test_the_database_refuses_a_backwards_span(draft: Annotation, project: Project) -> None:
    per = project.label_types.get(name="PER")
    with pytest.raises(IntegrityError), transaction.atomic():
        Mention.objects.create(annotation=draft, region_id="x", label=per, start=5, end=5, text="")
