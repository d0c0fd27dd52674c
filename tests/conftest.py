"""Shared fixtures. Personas: alice and bob review, dave reviews too, carol is the admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.test import Client

from annotate.models import Project
from annotate.services.projects import project_ensure_default

PASSWORD = "correct-horse-battery"


def _user(username: str, *, staff: bool = False) -> AbstractUser:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, is_staff=staff
    )
    return user


@pytest.fixture
def alice(db: None) -> AbstractUser:
    return _user("alice")


@pytest.fixture
def bob(db: None) -> AbstractUser:
    return _user("bob")


@pytest.fixture
def dave(db: None) -> AbstractUser:
    return _user("dave")


@pytest.fixture
def carol(db: None) -> AbstractUser:
    return _user("carol", staff=True)


@pytest.fixture
def project(db: None) -> Project:
    return project_ensure_default()


def client_for(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Tests marked `browser` anywhere (tests/label_studio/ has one too) follow one rule:
    # skipped without Chromium or Playwright, failed under CI. The rule is in tests/browser/.
    if item.get_closest_marker("browser") is not None:
        from tests.browser.conftest import require_browser

        require_browser()


@pytest.fixture
def releases_dir(settings: Any, tmp_path: Path) -> Path:
    """Gold releases go to a temporary folder, never the project's var/releases."""
    folder = tmp_path / "releases"
    settings.CROSSCHECK_RELEASES_DIR = folder
    return folder
