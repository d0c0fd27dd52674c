"""A server that is not there, a wrong token, a bad URL: one clear error, nothing changed."""

from __future__ import annotations

import socket

import pytest

from annotate.label_studio import LabelStudioError, label_studio_pull, label_studio_push
from annotate.models import Annotation, Project
from tests.factories import task_make
from tests.label_studio.conftest import LabelStudioServer


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def test_an_unreachable_server_is_reported_with_its_address(project: Project) -> None:
    task_make(text="One.")
    url = closed_port_url()

    with pytest.raises(LabelStudioError, match=f"Cannot reach Label Studio at {url}"):
        label_studio_push(project=project, url=url, token="x" * 40, max_retries=0, timeout=5)


def test_a_url_without_a_scheme_is_refused_before_any_request(project: Project) -> None:
    with pytest.raises(LabelStudioError, match="is not a Label Studio URL"):
        label_studio_pull(project=project, url="localhost:8080", token="t", max_retries=0)


def test_a_missing_token_is_refused_before_any_request(project: Project) -> None:
    with pytest.raises(LabelStudioError, match="Give Label Studio's API token"):
        label_studio_pull(project=project, url="http://127.0.0.1:1", token="", max_retries=0)


@pytest.mark.label_studio
def test_a_wrong_token_is_refused_and_nothing_is_pushed(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    task_make(text="One.")

    with pytest.raises(LabelStudioError, match=r"refused the API token \(HTTP 401\)"):
        label_studio_push(
            project=project,
            url=label_studio_server.url,
            token="0" * 40,
            title=ls_title,
            max_retries=0,
        )

    listed = label_studio_server.sdk().projects.list(title=ls_title)
    assert [p for p in listed if p.title == ls_title] == []


@pytest.mark.label_studio
def test_pulling_from_a_project_label_studio_does_not_have_says_so(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    with pytest.raises(LabelStudioError, match=f"has no project titled '{ls_title}'"):
        label_studio_pull(
            project=project,
            url=label_studio_server.url,
            token=label_studio_server.token,
            title=ls_title,
            max_retries=0,
        )

    assert Annotation.objects.count() == 0
