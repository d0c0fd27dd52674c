"""CSRF: every form and every session-authenticated API write needs the token; token
clients (no cookie, nothing a browser sends by itself) do not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from rest_framework.authtoken.models import Token

from annotate.models import Annotation
from annotate.services.tasks import task_start_for_reviewer
from tests.conftest import PASSWORD
from tests.factories import task_make

pytestmark = pytest.mark.django_db


def _csrf_client(user: AbstractUser) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _annotation(alice: AbstractUser) -> Annotation:
    return task_start_for_reviewer(task=task_make(), reviewer=alice)


def _token(client: Client) -> str:
    client.get("/")  # a page sets the csrftoken cookie
    return client.cookies["csrftoken"].value


def test_the_login_form_refuses_a_post_without_the_token(alice: AbstractUser) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_login_form_accepts_a_post_with_the_token(alice: AbstractUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": _token(client)},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_session_draft_save_without_the_token_is_refused_and_nothing_saved(
    alice: AbstractUser,
) -> None:
    annotation = _annotation(alice)
    response = _csrf_client(alice).put(
        f"/api/annotations/{annotation.pk}/draft/",
        {"version": annotation.version, "result": []},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    version = annotation.version
    annotation.refresh_from_db()
    assert annotation.version == version


def test_a_session_draft_save_with_the_token_is_saved(alice: AbstractUser) -> None:
    annotation = _annotation(alice)
    client = _csrf_client(alice)
    response = client.put(
        f"/api/annotations/{annotation.pk}/draft/",
        {"version": annotation.version, "result": []},
        content_type="application/json",
        headers={"X-CSRFToken": _token(client)},
    )
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert annotation.version == response.json()["version"]


def test_a_session_post_to_take_the_next_task_needs_the_token(alice: AbstractUser) -> None:
    task_make()
    client = _csrf_client(alice)
    assert client.post("/api/tasks/next/").status_code == 403
    assert not Annotation.objects.exists()
    ok = client.post("/api/tasks/next/", headers={"X-CSRFToken": _token(client)})
    assert ok.status_code in (200, 201)
    assert Annotation.objects.count() == 1


def test_a_token_client_needs_no_csrf_token(alice: AbstractUser) -> None:
    annotation = _annotation(alice)
    token = Token.objects.create(user=alice)
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        f"/api/annotations/{annotation.pk}/draft/",
        {"version": annotation.version, "result": []},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200


def test_page_forms_refuse_a_post_without_the_token(carol: AbstractUser) -> None:
    client = _csrf_client(carol)
    for url in ["/tasks/next/", "/imports/new/", "/verify/entities/new/", "/accounts/logout/"]:
        assert client.post(url).status_code == 403, url
