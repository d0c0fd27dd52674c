"""Login attempts are rate-limited by django-axes (settings: AXES_*)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import LazySettings as SettingsWrapper
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _log_in(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return response.status_code


def _fail(client: Client, username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert _log_in(client, username, "wrong-password", ip) == 200  # the form, with an error


def _lock_out(username: str) -> None:
    client = Client()
    _fail(client, username, 4)
    assert _log_in(client, username, "wrong-password") == 429  # the fifth failure locks


def test_lockout_is_on_by_default_after_five_failures(settings: SettingsWrapper) -> None:
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5


def test_after_five_wrong_passwords_even_the_right_one_is_refused(alice: AbstractUser) -> None:
    client = Client()
    _fail(client, "alice", 4)
    assert _log_in(client, "alice", "wrong-password") == 429
    assert _log_in(client, "alice", PASSWORD) == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="alice").failures_since_start >= 5


def test_the_lockout_holds_for_that_user_and_address_only(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    _lock_out("alice")
    assert _log_in(Client(), "bob", PASSWORD) == 302
    assert _log_in(Client(), "alice", PASSWORD, ip="10.0.0.2") == 302


def test_a_successful_login_resets_the_count(alice: AbstractUser) -> None:
    client = Client()
    _fail(client, "alice", 4)
    assert _log_in(Client(), "alice", PASSWORD) == 302
    _fail(Client(), "alice", 4)
    assert _log_in(Client(), "alice", PASSWORD) == 302


def test_with_lockout_turned_off_failures_do_not_lock(
    alice: AbstractUser, settings: SettingsWrapper
) -> None:
    settings.AXES_ENABLED = False
    _fail(Client(), "alice", 8)
    assert _log_in(Client(), "alice", PASSWORD) == 302


def test_in_process_logins_without_a_request_still_work(alice: AbstractUser) -> None:
    assert Client().login(username="alice", password=PASSWORD)
