"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

The rule for every test marked `browser` (applied from `tests/conftest.py`, so it holds
outside this folder too) and for the `browser` and `page` fixtures: without Chromium or
Playwright the test is skipped, saying why and how to fix it, except under CI (the `CI`
environment variable is set), where it fails: CI must not go green by skipping the only
tests that look at the pages.

Tests here use `live_server`, which needs `transactional_db`; with the default in-memory
SQLite test database Django shares one connection between the test and the server thread,
so both see the same rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

# CROSSCHECK_CHROMIUM only exists so the skip-or-fail rule itself can be tested.
CHROMIUM = Path(os.environ.get("CROSSCHECK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/shots")


def browser_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install chromium: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright not installed: .venv/bin/pip install -r requirements-dev.txt"
    return None


def require_browser() -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests are required under CI: {reason}", pytrace=False)
    print(f"skipping browser test: {reason}")
    pytest.skip(reason)


# Package scope: one Chromium for all of tests/browser/, closed when the folder is done, so
# its running loop neither leaks into other tests nor stops another folder's own
# `sync_playwright()` (Playwright refuses to start inside a running loop).
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread for as
    # long as it is started, and Django then refuses every ORM call made from this thread
    # (test bodies, fixtures, the database flush) as coming "from an async context". Nothing
    # here is async: the browser is driven synchronously from this one thread, and the live
    # server answers from its own thread. So the check is switched off while the browser
    # lives, and restored after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context (cookies, storage) per test, so no login leaks between tests."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


class LogIn(Protocol):
    def __call__(self, page: Page, *, username: str, password: str) -> None: ...


@pytest.fixture
def log_in(live_server: LiveServer) -> LogIn:
    """Log in through the real login form, as a person would, and wait for the next page."""

    def log_in(page: Page, *, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

    return log_in


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under /tmp/shots/ to look at after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shoot() -> Callable[[Page, str], Path]:
    """`shoot(page, "home.png")` saves a full-page screenshot under /tmp/shots/."""
    return screenshot
