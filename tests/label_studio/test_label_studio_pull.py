"""Pulling annotations made in a real Label Studio back as our reviewers' annotations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from annotate.label_studio import LabelStudioError, label_studio_pull, label_studio_push
from annotate.models import Annotation, Claim, Mention, Project, Task
from annotate.selectors.annotations import annotation_result
from annotate.services.annotations import annotation_submit
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import relation, span, task_make
from tests.label_studio.conftest import LabelStudioServer

pytestmark = pytest.mark.label_studio

EMOJI = "Breaking 🇷🇺🤝🇸🇾: Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow on 4 November."
ARABIC = "التقى وزير الدفاع الروسي أندريه بيلوسوف نظيره السوري مرهف أبو قصرة في موسكو."


class Remote:
    """The Label Studio side of a test: a pushed project and helpers to annotate in it."""

    def __init__(self, server: LabelStudioServer, project: Project, title: str) -> None:
        self.server, self.project, self.title = server, project, title
        self.sdk = server.sdk()
        report = label_studio_push(
            project=project, url=server.url, token=server.token, title=title, max_retries=0
        )
        self.project_id = report.project_id
        self.task_of = {
            t.data["crosscheck_article_id"]: t.id
            for t in self.sdk.tasks.list(project=self.project_id)
        }

    def annotate(
        self, task: Task, user_id: int, result: list[dict[str, Any]], **extra: Any
    ) -> None:
        self.sdk.annotations.create(
            id=self.task_of[task.article_id], result=result, completed_by=user_id, **extra
        )

    def pull(self, **kwargs: Any) -> Any:
        return label_studio_pull(
            project=self.project,
            url=self.server.url,
            token=self.server.token,
            title=self.title,
            max_retries=0,
            **kwargs,
        )


@pytest.fixture
def emoji_task(project: Project) -> Task:
    return task_make(text=EMOJI, required_overlap=2)


@pytest.fixture
def arabic_task(project: Project) -> Task:
    return task_make(text=ARABIC, required_overlap=2)


@pytest.fixture
def remote(
    project: Project,
    emoji_task: Task,
    arabic_task: Task,
    label_studio_server: LabelStudioServer,
    ls_title: str,
) -> Remote:
    return Remote(label_studio_server, project, ls_title)


def emoji_result() -> list[dict[str, Any]]:
    return [
        span(EMOJI, "Andrey Belousov met Murhaf Abu Qasra", "CLAIM", rid="claim1"),
        span(EMOJI, "Andrey Belousov", "PER", rid="per1"),
        span(EMOJI, "Murhaf Abu Qasra", "PER", rid="per2"),
        span(EMOJI, "Moscow", "LOC", rid="loc1"),
        span(EMOJI, "4 November", "DATE", rid="date1"),
        relation("claim1", "per1", "subject"),
        relation("claim1", "per2", "object"),
        relation("claim1", "loc1", "place"),
        {
            "id": "date1",
            "from_name": "normalised",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["2025-11-04"]},
        },
    ]


def arabic_result() -> list[dict[str, Any]]:
    return [
        span(ARABIC, "أندريه بيلوسوف", "PER", rid="a1"),
        span(ARABIC, "مرهف أبو قصرة", "PER", rid="a2"),
        span(ARABIC, "موسكو", "LOC", rid="a3"),
    ]


def spans_of(annotation: Annotation) -> set[tuple[str, int, int, str, str]]:
    return {
        (
            item["id"],
            item["value"]["start"],
            item["value"]["end"],
            item["value"]["text"],
            item["value"]["labels"][0],
        )
        for item in annotation_result(annotation=annotation)
        if item["type"] == "labels"
    }


def expected_spans(result: list[dict[str, Any]]) -> set[tuple[str, int, int, str, str]]:
    return {
        (
            item["id"],
            item["value"]["start"],
            item["value"]["end"],
            item["value"]["text"],
            item["value"]["labels"][0],
        )
        for item in result
        if item["type"] == "labels"
    }


def test_annotations_made_in_label_studio_come_back_with_identical_spans(
    remote: Remote,
    emoji_task: Task,
    arabic_task: Task,
    alice: AbstractUser,
    bob: AbstractUser,
    ls_user: Callable[[str], int],
) -> None:
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())
    remote.annotate(arabic_task, ls_user(alice.email), arabic_result())
    remote.annotate(arabic_task, ls_user(bob.email), arabic_result()[:2])

    report = remote.pull()

    assert (report.annotations_seen, report.created, report.unchanged) == (3, 3, 0)
    mine = Annotation.objects.get(task=emoji_task, reviewer=alice)
    assert mine.state == Annotation.State.SUBMITTED
    assert spans_of(mine) == expected_spans(emoji_result())
    claim = Claim.objects.get(annotation=mine)
    assert (claim.subject.text, claim.object.text, claim.place.text) == (  # type: ignore[union-attr]
        "Andrey Belousov",
        "Murhaf Abu Qasra",
        "Moscow",
    )
    assert Mention.objects.get(annotation=mine, region_id="date1").normalized_value == "2025-11-04"
    bobs = Annotation.objects.get(task=arabic_task, reviewer=bob)
    assert spans_of(bobs) == expected_spans(arabic_result()[:2])
    arabic_task.refresh_from_db()
    assert arabic_task.state == Task.State.COMPLETE


def test_pulling_again_changes_nothing(
    remote: Remote, emoji_task: Task, alice: AbstractUser, ls_user: Callable[[str], int]
) -> None:
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())
    remote.pull()
    rows = list(Mention.objects.values_list("pk", "start", "end"))

    again = remote.pull()

    assert (again.created, again.unchanged, again.conflicts) == (0, 1, [])
    assert list(Mention.objects.values_list("pk", "start", "end")) == rows


def test_an_author_without_an_account_here_stops_the_pull_and_nothing_is_saved(
    remote: Remote,
    emoji_task: Task,
    arabic_task: Task,
    alice: AbstractUser,
    ls_user: Callable[[str], int],
) -> None:
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())
    remote.annotate(arabic_task, ls_user("zoe@example.org"), arabic_result())

    with pytest.raises(
        LabelStudioError, match="no single active Crosscheck user has the e-mail 'zoe@"
    ):
        remote.pull()

    assert Annotation.objects.count() == 0


def test_a_span_whose_text_does_not_match_the_article_stops_the_pull(
    remote: Remote,
    emoji_task: Task,
    arabic_task: Task,
    alice: AbstractUser,
    ls_user: Callable[[str], int],
) -> None:
    wrong = span(EMOJI, "Moscow", "LOC", rid="x")
    wrong["value"]["text"] = "Moskva"
    far = span(EMOJI, "Moscow", "LOC", rid="y")
    far["value"].update(start=99999, end=100005)  # Label Studio's own validation lets it pass
    remote.annotate(arabic_task, ls_user(alice.email), arabic_result())
    remote.annotate(emoji_task, ls_user(alice.email), [wrong, far])

    with pytest.raises(LabelStudioError) as caught:
        remote.pull()

    assert "'Moskva' is not the article text" in str(caught.value)
    assert "at 99999:100005" in str(caught.value)
    assert Annotation.objects.count() == 0


def test_a_label_studio_project_whose_config_lacks_our_labels_is_refused(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    label_studio_server.sdk().projects.create(
        title=ls_title,
        label_config='<View><Labels name="label" toName="text"><Label value="PER"/></Labels>'
        '<Text name="text" value="$text"/></View>',
    )

    with pytest.raises(LabelStudioError, match="lacks the labels ORG, LOC"):
        label_studio_pull(
            project=project,
            url=label_studio_server.url,
            token=label_studio_server.token,
            title=ls_title,
            max_retries=0,
        )


def test_a_relation_drawn_from_the_mention_to_the_claim_is_read_the_right_way(
    remote: Remote, emoji_task: Task, alice: AbstractUser, ls_user: Callable[[str], int]
) -> None:
    result = [
        span(EMOJI, "Andrey Belousov met Murhaf Abu Qasra", "CLAIM", rid="c"),
        span(EMOJI, "Andrey Belousov", "PER", rid="s"),
        relation("s", "c", "subject"),
    ]
    remote.annotate(emoji_task, ls_user(alice.email), result)

    remote.pull()

    claim = Claim.objects.get(annotation__reviewer=alice)
    assert claim.subject is not None
    assert claim.subject.region_id == "s"


def test_a_task_skipped_in_label_studio_is_skipped_here(
    remote: Remote, emoji_task: Task, alice: AbstractUser, ls_user: Callable[[str], int]
) -> None:
    remote.annotate(emoji_task, ls_user(alice.email), [], was_cancelled=True)

    remote.pull()

    skipped = Annotation.objects.get(task=emoji_task, reviewer=alice)
    assert (skipped.state, skipped.skip_reason) == (
        Annotation.State.SKIPPED,
        "Skipped in Label Studio.",
    )


def test_work_already_submitted_here_is_kept_and_reported(
    remote: Remote, emoji_task: Task, alice: AbstractUser, ls_user: Callable[[str], int]
) -> None:
    here = task_start_for_reviewer(task=emoji_task, reviewer=alice)
    annotation_submit(annotation=here, version=here.version, result=[span(EMOJI, "Moscow", "LOC")])
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())

    report = remote.pull()

    assert (report.created, len(report.conflicts)) == (0, 1)
    assert "kept the annotation already submitted" in report.conflicts[0]
    assert Mention.objects.filter(annotation=here).count() == 1


def test_a_task_that_has_all_its_reviewers_refuses_another_and_nothing_is_saved(
    remote: Remote,
    emoji_task: Task,
    arabic_task: Task,
    alice: AbstractUser,
    bob: AbstractUser,
    dave: AbstractUser,
    ls_user: Callable[[str], int],
) -> None:
    for reviewer in (bob, dave):
        here = task_start_for_reviewer(task=emoji_task, reviewer=reviewer)
        annotation_submit(annotation=here, version=here.version, result=[])
    remote.annotate(arabic_task, ls_user(alice.email), arabic_result())
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())

    with pytest.raises(LabelStudioError, match="task is closed: it has all the reviews it needs"):
        remote.pull()

    assert not Annotation.objects.filter(reviewer=alice).exists()


def test_a_dry_run_reports_and_saves_nothing(
    remote: Remote, emoji_task: Task, alice: AbstractUser, ls_user: Callable[[str], int]
) -> None:
    remote.annotate(emoji_task, ls_user(alice.email), emoji_result())

    report = remote.pull(dry_run=True)

    assert (report.dry_run, report.created) == (True, 1)
    assert Annotation.objects.count() == 0
