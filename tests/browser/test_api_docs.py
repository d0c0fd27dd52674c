"""The API documentation page (Swagger UI) renders under our Content Security Policy, from
files the app serves itself: no CDN, no inline script, nothing blocked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request
from pytest_django.live_server_helper import LiveServer

from annotate.services.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from tests.browser.conftest import LogIn

CAROL_PASSWORD = next(a.password for a in DEMO_ACCOUNTS if a.username == "carol")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_from_our_own_files_without_csp_violations(
    page: Page, live_server: LiveServer, log_in: LogIn, shoot: Callable[[Page, str], Path]
) -> None:
    demo_accounts_ensure()
    problems: list[str] = []
    foreign: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,  # type: ignore[func-returns-value]
    )

    def outside(request: Request) -> None:
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            foreign.append(request.url)

    page.on("request", outside)
    log_in(page, username="carol", password=CAROL_PASSWORD)

    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15_000)

    assert page.locator(".swagger-ui .opblock").count() > 20
    assert page.get_by_text("/api/imports/").first.is_visible()
    assert foreign == []
    assert [p for p in problems if "Content Security Policy" in p] == []
    shoot(page, "api-docs.png")
