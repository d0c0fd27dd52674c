"""Label Studio JSON files: importing their annotations, exporting a selection, round trips."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from annotate.label_studio import (
    LabelStudioError,
    label_studio_export,
    label_studio_export_json,
    label_studio_file_import,
)
from annotate.models import Annotation, Article, LabelType, Mention, Project, Task
from annotate.selectors.annotations import annotation_result
from annotate.services.annotations import annotation_save_draft, annotation_submit
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import relation, span, task_make
from tests.label_studio.conftest import LabelStudioServer

EMOJI = "Breaking 🇷🇺🤝🇸🇾: Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow."
ARABIC = "التقى وزير الدفاع الروسي أندريه بيلوسوف نظيره السوري مرهف أبو قصرة في موسكو."
MIXED = "قال الوزير 👍 إن Андрей Белоусов встретился с Абу Касрой في موسكو."


def ls_task(text: str, annotations: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A task as Label Studio's JSON export writes it."""
    return {"id": 7, "data": {"text": text}, "annotations": annotations, **extra}


def ls_annotation(result: list[dict[str, Any]], completed_by: Any = 3) -> dict[str, Any]:
    return {"id": 11, "completed_by": completed_by, "result": result, "was_cancelled": False}


def import_file(project: Project, tasks: list[dict[str, Any]], **kwargs: Any) -> Any:
    data = json.dumps(tasks, ensure_ascii=False).encode()
    return label_studio_file_import(project=project, name="export.json", data=data, **kwargs)


def labelled(annotation: Annotation) -> list[tuple[int, int, str, str]]:
    return [
        (r["value"]["start"], r["value"]["end"], r["value"]["text"], r["value"]["labels"][0])
        for r in annotation_result(annotation=annotation)
        if r["type"] == "labels"
    ]


def test_a_label_studio_export_becomes_articles_and_the_reviewers_annotations(
    project: Project, alice: AbstractUser
) -> None:
    result = [
        span(EMOJI, "Andrey Belousov", "PER", rid="p1"),
        span(EMOJI, "Moscow", "LOC", rid="l1"),
    ]
    prediction = {"model_version": "ner", "result": [span(EMOJI, "Moscow", "LOC", rid="x")]}
    tasks = [
        ls_task(EMOJI, [ls_annotation(result)], predictions=[prediction]),
        ls_task(ARABIC, [ls_annotation([span(ARABIC, "موسكو", "LOC", rid="a")])]),
    ]

    report = import_file(project, tasks, reviewer_map={3: alice.email})

    assert (report.articles_created, report.annotations_created, report.predictions_kept) == (
        2,
        2,
        1,
    )
    article = Article.objects.get(text=EMOJI)
    annotation = Annotation.objects.get(task__article=article, reviewer=alice)
    assert annotation.state == Annotation.State.SUBMITTED
    assert labelled(annotation) == [
        (EMOJI.index("Andrey"), EMOJI.index("Andrey") + 15, "Andrey Belousov", "PER"),
        (EMOJI.index("Moscow"), EMOJI.index("Moscow") + 6, "Moscow", "LOC"),
    ]
    assert article.metadata["label_studio"]["predictions"] == [prediction]


def test_spans_move_onto_the_normalised_text_when_the_import_cleans_it(
    project: Project, alice: AbstractUser
) -> None:
    raw = "Andrey\u00a0Belousov  met\nAbu Qasra in Moscow 😀 on Tuesday."
    result = [
        span(raw, "Andrey\u00a0Belousov", "PER", rid="p"),
        span(raw, "Abu Qasra", "PER", rid="q"),
        span(raw, "Tuesday", "DATE", rid="d"),
    ]

    import_file(project, [ls_task(raw, [ls_annotation(result, {"email": alice.email})])])

    article = Article.objects.get()
    assert article.text != raw
    assert [(text, label) for _, _, text, label in labelled(Annotation.objects.get())] == [
        ("Andrey Belousov", "PER"),
        ("Abu Qasra", "PER"),
        ("Tuesday", "DATE"),
    ]
    for start, end, text, _ in labelled(Annotation.objects.get()):
        assert article.text[start:end] == text


def test_an_author_known_only_by_label_studio_id_needs_a_mapping_and_nothing_is_imported(
    project: Project, alice: AbstractUser
) -> None:
    tasks = [ls_task(EMOJI, [ls_annotation([span(EMOJI, "Moscow", "LOC")], completed_by=9)])]

    with pytest.raises(LabelStudioError, match="--reviewer ID=EMAIL"):
        import_file(project, tasks, reviewer_map={3: alice.email})

    assert (Article.objects.count(), Annotation.objects.count()) == (0, 0)


def test_an_annotation_whose_text_does_not_match_stops_the_whole_file(
    project: Project, alice: AbstractUser
) -> None:
    wrong = span(ARABIC, "موسكو", "LOC")
    wrong["value"]["text"] = "Moscow"
    tasks = [
        ls_task(EMOJI, [ls_annotation([span(EMOJI, "Moscow", "LOC")])]),
        ls_task(ARABIC, [ls_annotation([wrong])]),
    ]

    with pytest.raises(LabelStudioError, match="task 2 .*'Moscow' is not the article text"):
        import_file(project, tasks, reviewer_map={3: alice.email})

    assert (Article.objects.count(), Annotation.objects.count()) == (0, 0)


def test_a_label_this_project_does_not_have_stops_the_whole_file(
    project: Project, alice: AbstractUser
) -> None:
    tasks = [ls_task(EMOJI, [ls_annotation([span(EMOJI, "Moscow", "WEAPON")])])]

    with pytest.raises(LabelStudioError, match="Unknown label 'WEAPON'"):
        import_file(project, tasks, reviewer_map={3: alice.email})

    assert Article.objects.count() == 0


def test_a_dry_run_checks_everything_and_stores_nothing(
    project: Project, alice: AbstractUser
) -> None:
    tasks = [ls_task(EMOJI, [ls_annotation([span(EMOJI, "Moscow", "LOC")])])]

    report = import_file(project, tasks, reviewer_map={3: alice.email}, dry_run=True)

    assert (report.articles_created, report.annotations_created) == (1, 1)
    assert (Article.objects.count(), Annotation.objects.count()) == (0, 0)


def submitted(task: Task, reviewer: AbstractUser, result: list[dict[str, Any]]) -> Annotation:
    annotation = task_start_for_reviewer(task=task, reviewer=reviewer)
    return annotation_submit(annotation=annotation, version=annotation.version, result=result)


def test_the_export_holds_submitted_work_with_authors_by_email_and_no_drafts(
    project: Project, alice: AbstractUser, bob: AbstractUser
) -> None:
    task = task_make(text=MIXED, title="Mixed")
    result = [span(MIXED, "Андрей Белоусов", "PER", rid="r"), span(MIXED, "موسكو", "LOC")]
    submitted(task, alice, result)
    draft = task_start_for_reviewer(task=task, reviewer=bob)
    annotation_save_draft(annotation=draft, version=0, result=[span(MIXED, "موسكو", "LOC")])

    (item,) = label_studio_export(tasks=[task])

    assert item["data"]["text"] == MIXED
    assert item["data"]["crosscheck_article_id"] == task.article_id
    (annotation,) = item["annotations"]
    assert annotation["completed_by"] == {"email": alice.email}
    assert annotation["was_cancelled"] is False
    spans = [r["value"] for r in annotation["result"] if r["type"] == "labels"]
    assert [(MIXED[v["start"] : v["end"]], v["text"]) for v in spans] == [
        ("Андрей Белоусов", "Андрей Белоусов"),
        ("موسكو", "موسكو"),
    ]


def test_the_exported_json_is_one_list_that_reads_back(project: Project) -> None:
    tasks = [task_make(text="One."), task_make(text="Two.")]
    out = io.StringIO()

    count = label_studio_export_json(tasks=tasks, out=out)

    assert count == 2
    assert [t["data"]["text"] for t in json.loads(out.getvalue())] == ["One.", "Two."]


def copy_project(project: Project) -> Project:
    other = Project.objects.create(name="Copy", slug="copy")
    for lt in LabelType.objects.filter(project=project):
        lt.pk, lt.project = None, other
        lt.save()
    return other


@pytest.mark.label_studio
def test_work_exported_here_round_trips_through_label_studio_with_identical_spans(
    project: Project,
    alice: AbstractUser,
    bob: AbstractUser,
    label_studio_server: LabelStudioServer,
    ls_title: str,
    ls_user: Callable[[str], int],
) -> None:
    emoji, arabic = task_make(text=EMOJI), task_make(text=ARABIC)
    claim = [
        span(EMOJI, "Andrey Belousov met Murhaf Abu Qasra", "CLAIM", rid="c"),
        span(EMOJI, "Andrey Belousov", "PER", rid="s"),
        span(EMOJI, "Moscow", "LOC", rid="m"),
        relation("c", "s", "subject"),
        relation("c", "m", "place"),
    ]
    originals = [
        submitted(emoji, alice, claim),
        submitted(arabic, alice, [span(ARABIC, "أندريه بيلوسوف", "PER")]),
        submitted(arabic, bob, [span(ARABIC, "موسكو", "LOC")]),
    ]
    ids = {ls_user(alice.email): alice.email, ls_user(bob.email): bob.email}
    sdk = label_studio_server.sdk()
    remote = sdk.projects.create(title=ls_title, label_config=_config(project))
    exported = list(label_studio_export(tasks=[emoji, arabic]))

    sdk.projects.import_tasks(remote.id, request=exported)
    data = b"".join(sdk.projects.exports.download_sync(remote.id, export_type="JSON"))
    other = copy_project(project)
    report = label_studio_file_import(
        project=other, name="ls-export.json", data=data, reviewer_map=ids
    )

    assert (report.articles_created, report.annotations_created) == (2, 3)
    for original in originals:
        copy = Annotation.objects.get(
            task__project=other,
            task__article__text=original.task.article.text,
            reviewer=original.reviewer,
        )
        assert annotation_result(annotation=copy) == annotation_result(annotation=original)
    assert Mention.objects.filter(annotation__task__project=other).count() == 4


def _config(project: Project) -> str:
    from annotate.label_studio import label_config_xml

    return label_config_xml(project=project)
