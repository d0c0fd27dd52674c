"""`manage.py setup_demo`: the project and demo accounts that `make run` creates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from annotate.models import LabelType, Project
from annotate.services.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

DEMO_PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}


def setup_demo(*args: str) -> str:
    out = StringIO()
    call_command("setup_demo", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_default_project_with_its_labels() -> None:
    setup_demo()

    project = Project.objects.get(slug="default")
    assert LabelType.objects.filter(project=project).count() == 7


def test_it_prints_each_account_with_its_password_and_token_labelled_demo_only() -> None:
    output = setup_demo()

    assert "DEMO ONLY" in output
    for username, password in DEMO_PASSWORDS.items():
        token = Token.objects.get(user__username=username)
        line = next(line for line in output.splitlines() if line.split()[:1] == [username])
        assert password in line
        assert token.key in line


def test_carol_is_an_admin_and_the_reviewers_are_not() -> None:
    setup_demo()

    users = {user.username: user for user in get_user_model().objects.all()}
    assert users["carol"].is_staff
    assert users["carol"].is_superuser
    for reviewer in ("alice", "bob", "dave"):
        assert not users[reviewer].is_staff
        assert not users[reviewer].is_superuser


def test_it_stores_hashed_passwords_that_log_in() -> None:
    setup_demo()

    alice = get_user_model().objects.get(username="alice")
    assert DEMO_PASSWORDS["alice"] not in alice.password
    assert alice.password.startswith("pbkdf2_sha256$")
    assert Client().login(username="alice", password=DEMO_PASSWORDS["alice"])


def test_the_printed_token_authenticates_api_calls_as_its_user() -> None:
    setup_demo()
    token = Token.objects.get(user__username="bob")

    # The schema endpoint is behind authentication like every API path.
    anonymous = Client().get("/api/schema/")
    with_token = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert anonymous.status_code == 401
    assert with_token.status_code == 200


def test_running_it_twice_creates_nothing_new_and_keeps_tokens() -> None:
    setup_demo()
    tokens = dict(Token.objects.values_list("user__username", "key"))

    output = setup_demo()

    assert get_user_model().objects.count() == 4
    assert Project.objects.count() == 1
    assert LabelType.objects.count() == 7
    assert dict(Token.objects.values_list("user__username", "key")) == tokens
    assert "[created]" not in output
    assert output.count("[exists]") == 4


def test_a_second_run_keeps_a_password_the_user_changed() -> None:
    setup_demo()
    alice = get_user_model().objects.get(username="alice")
    alice.set_password("alice-own-secret-42")
    alice.save()

    output = setup_demo()

    alice.refresh_from_db()
    assert alice.check_password("alice-own-secret-42")
    assert DEMO_PASSWORDS["alice"] not in output
    assert "changed by its owner" in output


def test_reset_passwords_puts_the_demo_password_back() -> None:
    setup_demo()
    alice = get_user_model().objects.get(username="alice")
    alice.set_password("alice-own-secret-42")
    alice.save()

    output = setup_demo("--reset-passwords")

    alice.refresh_from_db()
    assert alice.check_password(DEMO_PASSWORDS["alice"])
    assert "password reset" in output


def test_dry_run_reports_the_accounts_and_writes_nothing() -> None:
    output = setup_demo("--dry-run")

    assert get_user_model().objects.count() == 0
    assert Project.objects.count() == 0
    assert Token.objects.count() == 0
    assert output.count("[would be created]") == 4
    assert "carol" in output


def test_the_login_line_names_where_the_app_is_served() -> None:
    assert "Log in at http://127.0.0.1:8000/accounts/login/ ." in setup_demo()
    # make run passes its HOST and PORT (PORT=8123 make run).
    assert "Log in at http://127.0.0.1:8123/accounts/login/ ." in setup_demo(
        "--url", "http://127.0.0.1:8123/"
    )
