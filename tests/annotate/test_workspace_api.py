"""The reviewer API: queue, next, task, draft, submit, skip; and the pages that use it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotate.models import Annotation, Mention, Project, Task, TaskLock
from annotate.services.tasks import task_start_for_reviewer
from tests.conftest import client_for
from tests.factories import annotation_make, span, task_make

TEXT = "🙂 Министр обороны Андрей Белоусов провел встречу с Мархафом Абу Касрой."


@pytest.fixture
def task(project: Project) -> Task:
    return task_make(text=TEXT)


def put_draft(client: Client, annotation_id: int, body: dict[str, Any]) -> Any:
    return client.put(
        reverse("annotate-api:annotation-draft", args=[annotation_id]),
        data=json.dumps(body),
        content_type="application/json",
    )


def post(client: Client, name: str, args: list[int], body: dict[str, Any] | None = None) -> Any:
    return client.post(
        reverse(name, args=args), data=json.dumps(body or {}), content_type="application/json"
    )


def test_next_gives_a_task_with_its_text_labels_and_a_new_draft(
    task: Task, alice: AbstractUser
) -> None:
    response = post(client_for(alice), "annotate-api:task-next", [])

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == task.pk
    assert body["article"]["text"] == TEXT
    assert body["article"]["source"]["name"] == "Example News"
    assert [lt["name"] for lt in body["labels"]] == [
        "PER",
        "ORG",
        "LOC",
        "DATE",
        "EVENT",
        "ROLE",
        "CLAIM",
    ]
    assert body["annotation"]["state"] == "draft"
    assert body["annotation"]["version"] == 0
    assert body["annotation"]["result"] == []
    assert TaskLock.objects.filter(task=task, reviewer=alice).exists()


def test_next_answers_204_when_nothing_is_left(project: Project, alice: AbstractUser) -> None:
    response = post(client_for(alice), "annotate-api:task-next", [])

    assert response.status_code == 204


def test_a_draft_round_trips_through_the_api(task: Task, alice: AbstractUser) -> None:
    client = client_for(alice)
    annotation = post(client, "annotate-api:task-next", []).json()["annotation"]
    result = [
        span(TEXT, "Андрей Белоусов", "PER", rid="a"),
        span(TEXT, "Мархафом Абу Касрой", "PER", rid="b"),
    ]

    saved = put_draft(
        client, annotation["id"], {"version": 0, "result": result, "time_spent_seconds": 12}
    )

    assert saved.status_code == 200
    assert saved.json()["version"] == 1
    got = client.get(reverse("annotate-api:task-detail", args=[task.pk])).json()["annotation"]
    assert [r["value"]["text"] for r in got["result"]] == ["Андрей Белоусов", "Мархафом Абу Касрой"]
    assert got["result"][0]["value"]["start"] == 18
    assert got["time_spent_seconds"] == 12


def test_a_stale_save_answers_409_with_the_servers_version(task: Task, alice: AbstractUser) -> None:
    client = client_for(alice)
    annotation = task_start_for_reviewer(task=task, reviewer=alice)
    assert (
        put_draft(
            client, annotation.pk, {"version": 0, "result": [span(TEXT, "Андрей Белоусов", "PER")]}
        ).status_code
        == 200
    )

    response = put_draft(client, annotation.pk, {"version": 0, "result": []})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["version"] == 1
    assert "another tab" in response.json()["detail"]
    assert Mention.objects.filter(annotation=annotation).count() == 1


def test_an_invalid_span_answers_400_naming_the_field(task: Task, alice: AbstractUser) -> None:
    annotation = task_start_for_reviewer(task=task, reviewer=alice)
    wrong = span(TEXT, "Андрей Белоусов", "PER")
    wrong["value"]["start"] += 1  # UTF-16 offsets after the emoji
    wrong["value"]["end"] += 1

    response = put_draft(client_for(alice), annotation.pk, {"version": 0, "result": [wrong]})

    assert response.status_code == 400
    assert list(response.json()) == ["result[0].value.text"]
    annotation.refresh_from_db()
    assert annotation.version == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"result": []}, "version"),
        ({"version": 0}, "result"),
        ({"version": 0, "result": {"id": 1}}, "result"),
        ({"version": -1, "result": []}, "version"),
    ],
)
def test_a_malformed_save_answers_400_naming_the_field(
    task: Task, alice: AbstractUser, body: dict[str, Any], field: str
) -> None:
    annotation = task_start_for_reviewer(task=task, reviewer=alice)

    response = put_draft(client_for(alice), annotation.pk, body)

    assert response.status_code == 400
    assert field in response.json()


def test_submit_makes_it_final(task: Task, alice: AbstractUser) -> None:
    client = client_for(alice)
    annotation = task_start_for_reviewer(task=task, reviewer=alice)

    response = post(
        client,
        "annotate-api:annotation-submit",
        [annotation.pk],
        {"version": 0, "result": [span(TEXT, "Андрей Белоусов", "PER")]},
    )

    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    again = put_draft(client, annotation.pk, {"version": 1, "result": []})
    assert again.status_code == 409
    assert again.json()["code"] == "final"


def test_skip_needs_a_reason(task: Task, alice: AbstractUser) -> None:
    client = client_for(alice)
    annotation = task_start_for_reviewer(task=task, reviewer=alice)

    missing = post(client, "annotate-api:annotation-skip", [annotation.pk], {"version": 0})
    done = post(
        client,
        "annotate-api:annotation-skip",
        [annotation.pk],
        {"version": 0, "reason": "Off topic"},
    )

    assert missing.status_code == 400
    assert "reason" in missing.json()
    assert done.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.state, annotation.skip_reason) == (Annotation.State.SKIPPED, "Off topic")


def test_the_queue_shows_progress_and_drafts(task: Task, alice: AbstractUser) -> None:
    other = task_make()
    annotation_make(task=other, reviewer=alice, state=Annotation.State.SUBMITTED)
    task_start_for_reviewer(task=task, reviewer=alice)

    body = client_for(alice).get(reverse("annotate-api:queue")).json()

    assert body["progress"] == {
        "submitted": 1,
        "skipped": 0,
        "drafts": 1,
        "available": 0,
        "total": 2,
        "remaining": 1,
    }
    assert [d["task"] for d in body["drafts"]] == [task.pk]
    assert [r["task"] for r in body["recent"]] == [other.pk]


def test_the_api_needs_a_login(task: Task) -> None:
    assert Client().get(reverse("annotate-api:queue")).status_code == 401
    assert Client().post(reverse("annotate-api:task-next")).status_code == 401


def test_a_token_client_gets_its_own_queue(task: Task, alice: AbstractUser) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=alice)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(reverse("annotate-api:task-next"))

    assert response.status_code == 200
    assert Annotation.objects.get(task=task).reviewer == alice


def test_the_schema_documents_the_reviewer_endpoints(alice: AbstractUser) -> None:
    schema = client_for(alice).get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()

    for path in (
        "/api/tasks/next/",
        "/api/annotations/{annotation_id}/draft/",
        "/api/annotations/{annotation_id}/skip/",
    ):
        assert path in schema["paths"]
    assert "409" in schema["paths"]["/api/annotations/{annotation_id}/draft/"]["put"]["responses"]


# --- pages ---------------------------------------------------------------------------


def test_home_is_the_queue_with_progress(task: Task, alice: AbstractUser) -> None:
    response = client_for(alice).get(reverse("annotate:home"))

    assert response.status_code == 200
    assert b'data-count="remaining">1<' in response.content
    assert b"Next task" in response.content


def test_next_task_button_opens_the_workspace(task: Task, alice: AbstractUser) -> None:
    response = client_for(alice).post(reverse("annotate:task-next"))

    assert response.status_code == 302
    assert response["Location"] == reverse("annotate:workspace", args=[task.pk])


def test_the_workspace_renders_each_line_with_its_offset_and_no_inline_script(
    project: Project, alice: AbstractUser
) -> None:
    text = "مرهف أبو قصرة في موسكو.\n\nМинистр обороны <b>России</b>."
    task = task_make(text=text)

    response = client_for(alice).get(reverse("annotate:workspace", args=[task.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="ln" dir="auto" data-start="0">مرهف أبو قصرة في موسكو.</div>' in html
    assert '<div class="ln blank" dir="auto" data-start="24"></div>' in html
    assert 'data-start="25">Министр обороны &lt;b&gt;России&lt;/b&gt;.</div>' in html
    assert "<script>" not in html  # data goes through json_script, code through static files
    assert 'id="ws-data" type="application/json"' in html


def test_a_full_task_sends_a_newcomer_back_to_the_queue(
    project: Project, alice: AbstractUser, bob: AbstractUser
) -> None:
    task = task_make(required_overlap=1)
    task_start_for_reviewer(task=task, reviewer=bob)

    response = client_for(alice).get(reverse("annotate:workspace", args=[task.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("annotate:home")
    assert b"all the reviewers it needs" in response.content
    assert not Annotation.objects.filter(task=task, reviewer=alice).exists()


def test_saving_a_draft_takes_the_lock_again_after_it_expired(
    task: Task, alice: AbstractUser
) -> None:
    annotation = task_start_for_reviewer(task=task, reviewer=alice)
    TaskLock.objects.filter(task=task).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = put_draft(client_for(alice), annotation.pk, {"version": 0, "result": []})

    assert response.status_code == 200
    lock = TaskLock.objects.get(task=task, reviewer=alice)
    assert lock.expires_at > timezone.now() + dt.timedelta(
        minutes=task.project.lock_timeout_minutes - 1
    )
