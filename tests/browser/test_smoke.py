"""Smoke: the site answers, keeps anonymous visitors out and lets a reviewer in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from annotate.services.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from tests.browser.conftest import LogIn

ALICE_PASSWORD = next(a.password for a in DEMO_ACCOUNTS if a.username == "alice")


@pytest.mark.django_db
def test_healthz_is_public_and_home_redirects_anonymous_users_to_login() -> None:
    client = Client()

    health = client.get("/healthz")
    home = client.get("/")

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert home.status_code == 302
    assert home["Location"] == "/accounts/login/?next=/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_anonymous_visitor_to_home_lands_on_the_login_form(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/")

    assert page.url == f"{live_server.url}/accounts/login/?next=/"
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.get_by_role("button", name="Log in").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_logs_in_through_the_form_and_lands_on_home(
    page: Page, live_server: LiveServer, log_in: LogIn, shoot: Callable[[Page, str], Path]
) -> None:
    demo_accounts_ensure()

    log_in(page, username="alice", password=ALICE_PASSWORD)

    # Only the frame every page shares: what home shows is the queue's own tests' business.
    assert page.url == f"{live_server.url}/"
    assert page.locator("header .who").inner_text() == "alice"
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.get_by_label("Password").count() == 0
    shoot(page, "home.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_keeps_alice_on_the_login_form_with_an_error(
    page: Page, live_server: LiveServer, log_in: LogIn
) -> None:
    demo_accounts_ensure()

    log_in(page, username="alice", password="not-her-password")

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("alert").is_visible()
