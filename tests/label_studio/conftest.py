"""A real Label Studio server for the interop tests, started at most once per session.

Order of preference:
1. `CROSSCHECK_LABEL_STUDIO_URL` and `CROSSCHECK_LABEL_STUDIO_TOKEN` (what
   `source .ci/label-studio` exports): use that server.
2. `.ls-venv/bin/label-studio` exists: start one on 127.0.0.1 for this session.
3. Otherwise skip, saying how to enable the tests; under CI (`CI` set) fail instead,
   because there the tests are required.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from label_studio_sdk import LabelStudio

from tests.label_studio import server as ls_server

HOW_TO_ENABLE = (
    "no Label Studio server: run `source .ci/label-studio` (installs label-studio into "
    ".ls-venv and starts it), or set CROSSCHECK_LABEL_STUDIO_URL and "
    "CROSSCHECK_LABEL_STUDIO_TOKEN"
)


@dataclass(frozen=True)
class LabelStudioServer:
    url: str
    token: str
    email: str
    password: str = ""  # empty when the server came from the environment without one

    def sdk(self) -> LabelStudio:
        """A raw SDK client, for arranging and inspecting the server's state in tests."""
        return LabelStudio(base_url=self.url, api_key=self.token, max_retries=0, timeout=60)


@pytest.fixture(scope="session")
def label_studio_server() -> Iterator[LabelStudioServer]:
    url = os.environ.get("CROSSCHECK_LABEL_STUDIO_URL", "").rstrip("/")
    token = os.environ.get("CROSSCHECK_LABEL_STUDIO_TOKEN", "")
    if url and token:
        yield LabelStudioServer(
            url=url,
            token=token,
            email=os.environ.get("CROSSCHECK_LABEL_STUDIO_EMAIL", ""),
            password=os.environ.get("CROSSCHECK_LABEL_STUDIO_PASSWORD", ""),
        )
        return
    if not ls_server.LS_BIN.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Label Studio tests are required under CI, but {HOW_TO_ENABLE}")
        pytest.skip(HOW_TO_ENABLE)
    started = ls_server.start()
    try:
        yield LabelStudioServer(
            url=started.url, token=started.token, email=started.email, password=started.password
        )
    finally:
        started.stop()


@pytest.fixture
def ls_title() -> str:
    """A project title no other test (or earlier session on a shared server) uses."""
    return f"Crosscheck test {uuid.uuid4().hex[:10]}"


@pytest.fixture
def ls_user(label_studio_server: LabelStudioServer) -> Callable[[str], int]:
    """Make (or find) a Label Studio user with the given e-mail; returns its id."""

    def make(email: str) -> int:
        client = label_studio_server.sdk()
        for user in client.users.list():
            if (user.email or "").lower() == email.lower():
                return int(user.id)
        created = client.users.create(email=email, username=email.split("@")[0])
        return int(created.id)

    return make
