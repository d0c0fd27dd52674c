"""Pushing the project and its articles to a real Label Studio server."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.label_studio import label_config_xml, label_studio_push
from annotate.models import Article, Project
from tests.factories import span, task_make
from tests.label_studio.conftest import LabelStudioServer

pytestmark = pytest.mark.label_studio

EMOJI = "Breaking 🇷🇺🤝🇸🇾: Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow."
ARABIC = "التقى وزير الدفاع الروسي أندريه بيلوسوف نظيره السوري مرهف أبو قصرة في موسكو."


def push(project: Project, server: LabelStudioServer, title: str, **kwargs: Any) -> Any:
    return label_studio_push(
        project=project, url=server.url, token=server.token, title=title, max_retries=0, **kwargs
    )


def remote_tasks(server: LabelStudioServer, project_id: int) -> list[Any]:
    return list(server.sdk().tasks.list(project=project_id))


def test_it_creates_the_project_and_sends_every_article_as_a_task(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    first = task_make(text=EMOJI, title="Meeting", url="https://news.example.org/a")
    second = task_make(text=ARABIC)

    report = push(project, label_studio_server, ls_title)

    assert (report.created_project, report.tasks_sent, report.tasks_already_there) == (
        True,
        2,
        0,
    )
    remote = label_studio_server.sdk().projects.get(report.project_id)
    assert remote.title == ls_title
    assert remote.label_config == label_config_xml(project=project)
    data = sorted(
        (t.data for t in remote_tasks(label_studio_server, report.project_id)),
        key=lambda d: d["crosscheck_article_id"],
    )
    assert data[0] == {
        "text": EMOJI,
        "crosscheck_article_id": first.article.pk,
        "crosscheck_task_id": first.pk,
        "title": "Meeting",
        "url": "https://news.example.org/a",
        "source": "Example News",
    }
    assert data[1]["text"] == ARABIC
    assert data[1]["crosscheck_article_id"] == second.article.pk


def test_pushing_again_sends_only_the_new_articles(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    task_make(text="One.")
    task_make(text="Two.")
    first = push(project, label_studio_server, ls_title)
    third = task_make(text="Three.")

    again = push(project, label_studio_server, ls_title)

    assert (again.created_project, again.updated_config) == (False, False)
    assert (again.tasks_sent, again.tasks_already_there) == (1, 2)
    assert again.project_id == first.project_id
    ids = [
        t.data["crosscheck_article_id"] for t in remote_tasks(label_studio_server, first.project_id)
    ]
    assert sorted(ids) == sorted(
        [
            *Article.objects.exclude(pk=third.article.pk).values_list("pk", flat=True),
            third.article.pk,
        ]
    )
    assert push(project, label_studio_server, ls_title).tasks_sent == 0


def test_it_updates_the_config_of_an_existing_project_that_lacks_our_labels(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    sdk = label_studio_server.sdk()
    old = sdk.projects.create(
        title=ls_title,
        label_config='<View><Labels name="label" toName="text"><Label value="PER"/></Labels>'
        '<Text name="text" value="$text"/></View>',
    )
    task_make(text="Andrey Belousov met Murhaf Abu Qasra in Moscow.")

    report = push(project, label_studio_server, ls_title)

    assert (report.project_id, report.created_project, report.updated_config) == (
        old.id,
        False,
        True,
    )
    assert sdk.projects.get(old.id).label_config == label_config_xml(project=project)
    assert report.tasks_sent == 1


def test_a_dry_run_reports_what_it_would_send_and_sends_nothing(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    task_make(text="One.")

    report = push(project, label_studio_server, ls_title, dry_run=True)

    assert (report.dry_run, report.created_project, report.tasks_sent) == (True, True, 1)
    listed = label_studio_server.sdk().projects.list(title=ls_title)
    assert [p for p in listed if p.title == ls_title] == []


def test_suggestions_go_out_as_predictions_through_the_seam(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    task = task_make(text=EMOJI)

    def suggest(article: Article) -> list[dict[str, Any]]:
        return [span(article.text, "Moscow", "LOC", rid="s1")]

    report = push(project, label_studio_server, ls_title, predictions_for=suggest)

    assert report.predictions_sent == 1
    (remote,) = remote_tasks(label_studio_server, report.project_id)
    (prediction,) = remote.predictions
    value = prediction.result[0]["value"]
    assert prediction.model_version == "crosscheck-suggestions"
    assert task.article.text[value["start"] : value["end"]] == value["text"] == "Moscow"
