"""Blind review: a reviewer never sees another reviewer's annotation, by page URL or API id."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AbstractUser
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from annotate.models import Annotation, Mention, Project
from annotate.services.annotations import annotation_save_draft
from annotate.services.tasks import task_start_for_reviewer
from tests.conftest import client_for
from tests.factories import span, task_make

TEXT = "Андрей Белоусов met Murhaf Abu Qasra in Moscow."


@pytest.fixture
def alices(project: Project, alice: AbstractUser) -> Annotation:
    annotation = task_start_for_reviewer(task=task_make(text=TEXT), reviewer=alice)
    annotation_save_draft(
        annotation=annotation, version=0, result=[span(TEXT, "Андрей Белоусов", "PER")]
    )
    return annotation


def call(client: Client, method: str, url: str, payload: dict[str, object] | None) -> HttpResponse:
    if payload is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize(
    ("method", "name", "payload"),
    [
        ("get", "annotate-api:annotation-detail", None),
        ("put", "annotate-api:annotation-draft", {"version": 1, "result": []}),
        ("post", "annotate-api:annotation-submit", {"version": 1}),
        ("post", "annotate-api:annotation-skip", {"version": 1, "reason": "mine now"}),
        ("get", "annotate:annotation", None),
    ],
)
def test_another_reviewers_annotation_is_a_404_everywhere(
    alices: Annotation, bob: AbstractUser, method: str, name: str, payload: dict[str, object] | None
) -> None:
    client = client_for(bob)

    response = call(client, method, reverse(name, args=[alices.pk]), payload)
    missing = call(client, method, reverse(name, args=[alices.pk + 1000]), payload)

    assert response.status_code == 404
    assert missing.status_code == 404  # the same answer as for an id that does not exist
    alices.refresh_from_db()
    assert (alices.state, alices.version) == (Annotation.State.DRAFT, 1)
    assert Mention.objects.filter(annotation=alices).count() == 1


def test_the_owner_reaches_the_same_urls(alices: Annotation, alice: AbstractUser) -> None:
    client = client_for(alice)

    assert (
        client.get(reverse("annotate-api:annotation-detail", args=[alices.pk])).status_code == 200
    )
    page = client.get(reverse("annotate:annotation", args=[alices.pk]))
    assert page.status_code == 302
    assert page["Location"] == reverse("annotate:workspace", args=[alices.task_id])


def test_the_same_task_shows_a_second_reviewer_only_their_own_work(
    alices: Annotation, bob: AbstractUser
) -> None:
    client = client_for(bob)

    api = client.get(reverse("annotate-api:task-detail", args=[alices.task_id])).json()
    page = client.get(reverse("annotate:workspace", args=[alices.task_id]))

    assert api["annotation"] is None
    assert page.status_code == 200
    data = page.context["data"]
    assert data["result"] == []
    assert data["annotation"]["id"] != alices.pk
    assert "Андрей Белоусов" in page.content.decode()  # the article text, of course
    assert str(alices.pk) not in json.dumps(data["urls"])


def test_the_queue_lists_only_your_own_work(alices: Annotation, bob: AbstractUser) -> None:
    body = client_for(bob).get(reverse("annotate-api:queue")).json()

    assert body["drafts"] == []
    assert body["recent"] == []
