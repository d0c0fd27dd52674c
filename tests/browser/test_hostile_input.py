"""Hostile article text in a real browser: nothing runs, nothing is fetched, all is shown.

A seed-format file whose header line and text hold `<script>`, `<img onerror>` and a
`javascript:` URL is imported through the real import service, reviewed by alice and bob
(a claim linked to a fact whose statement is hostile too), and then looked at where it is
shown: the workspace, the article page, the fact page and the adjudication page. On each:
no dialog opens, the browser requests nothing outside the live server, no CSP violation is
reported (a `securitypolicyviolation` listener installed before any page script), the
payloads appear as literal text, and no element the payloads describe exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Project, Task
from tests.browser.conftest import LogIn, screenshot
from tests.conftest import PASSWORD
from tests.factories import span
from tests.security.hostile import IMG, JS_URL, NAME, SCRIPT, hostile_import
from tests.verify.adjudication_helpers import review
from tests.verify.facts_helpers import fact_result, outlet_result
from verify.models import Fact
from verify.services.facts import fact_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIM = f"{NAME} met {SCRIPT} in Moscow"
STATEMENT = f"{NAME} met {SCRIPT} {IMG} {JS_URL}"

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
window.__alerts = 0;
"""


@dataclass
class Watch:
    """What the browser did that it must not do, for one page."""

    origin: str
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched(page: Page, live_server: LiveServer) -> tuple[Page, Watch]:
    watch = Watch(origin=live_server.url)
    page.add_init_script(WATCH_CSP)

    def on_dialog(dialog) -> None:  # noqa: ANN001
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request) -> None:  # noqa: ANN001
        if not request.url.startswith(watch.origin + "/"):
            watch.foreign_requests.append(request.url)

    page.on("dialog", on_dialog)
    page.on("request", on_request)
    page.on(
        "console",
        lambda m: watch.console_errors.append(m.text) if m.type == "error" else None,
    )
    return page, watch


@pytest.fixture
def hostile(project: Project, alice: AbstractUser, carol: AbstractUser) -> tuple[Task, Fact]:
    task = hostile_import(project=project)
    fact = fact_create(user=carol, statement=STATEMENT)
    text = task.article.text
    review(
        task,
        alice,
        [
            span(text, NAME, "PER", rid="a1"),
            span(text, SCRIPT, "ORG", rid="a2"),
            span(text, CLAIM, "CLAIM", rid="c"),
            fact_result("c", fact),
            outlet_result("c"),
        ],
    )
    return task, fact


def assert_nothing_ran(page: Page, watch: Watch, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert watch.dialogs == [], where
    assert watch.foreign_requests == [], where
    assert page.evaluate("window.__cspViolations") == [], where
    assert [e for e in watch.console_errors if "Content Security Policy" in e] == [], where
    # No element the payloads describe was made: no image from "x", no SVG, no script
    # whose text is the payload, no javascript: link.
    assert page.locator('img[src="x"]').count() == 0, where
    assert page.locator("main svg[onload]").count() == 0, where
    assert page.locator('a[href^="javascript:" i]').count() == 0, where
    inline = page.evaluate(
        "[...document.scripts].filter(s => !s.src && s.type !== 'application/json').length"
    )
    assert inline == 0, where


def assert_shown_literally(page: Page, where: str) -> None:
    body = page.locator("main").inner_text()
    for payload in (SCRIPT, IMG, JS_URL):
        assert payload in body, f"{where}: {payload} not shown as text"


def test_hostile_text_is_shown_as_text_and_never_runs(
    watched: tuple[Page, Watch],
    live_server: LiveServer,
    log_in: LogIn,
    hostile: tuple[Task, Fact],
    bob: AbstractUser,
    carol: AbstractUser,
) -> None:
    page, watch = watched
    task, fact = hostile

    # Bob opens the task in the workspace (this starts his annotation)...
    log_in(page, username="bob", password=PASSWORD)
    page.goto(f"{live_server.url}/tasks/{task.pk}/annotate/")
    expect(page.locator("#doc")).to_have_attribute("data-ready", "true")
    expect(page.locator("#doc")).to_contain_text(SCRIPT)
    assert_shown_literally(page, "workspace")
    screenshot(page, "hostile-workspace.png")
    assert_nothing_ran(page, watch, "workspace")

    # ...and submits a different reading, so the task waits for adjudication.
    text = task.article.text
    review(task, bob, [span(text, NAME, "PER", rid="b1"), span(text, SCRIPT, "PER", rid="b2")])
    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE

    page.context.clear_cookies()
    log_in(page, username="carol", password=PASSWORD)
    pages = {
        "article": f"/articles/{task.article_id}/",
        "fact": f"/verify/facts/{fact.pk}/",
        "adjudication": f"/verify/adjudication/{task.pk}/",
    }
    for where, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        if where == "adjudication":
            expect(page.locator("#doc")).to_contain_text(SCRIPT)
        assert_shown_literally(page, where)
        screenshot(page, f"hostile-{where}.png")
        assert_nothing_ran(page, watch, where)


def test_the_csp_listener_does_see_an_inline_script_when_there_is_one(
    watched: tuple[Page, Watch], live_server: LiveServer, log_in: LogIn, alice: AbstractUser
) -> None:
    # The control: the watch is not blind. Injecting an inline script into a served page
    # is refused by the policy and reported to the listener, and it never runs.
    page, watch = watched
    log_in(page, username="alice", password=PASSWORD)
    page.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'alert(9)';
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    violations = page.evaluate("window.__cspViolations")
    assert any(v.startswith("script-src") for v in violations), violations


def test_the_admin_site_shows_the_hostile_article_without_running_it(
    watched: tuple[Page, Watch],
    live_server: LiveServer,
    log_in: LogIn,
    project: Project,
    carol: AbstractUser,
) -> None:
    # Django's admin runs under the same strict policy (it has no inline script either).
    page, watch = watched
    task = hostile_import(project=project)
    carol.is_superuser = True  # the admin site needs model permissions, as carol has in the demo
    carol.save(update_fields=["is_superuser"])
    log_in(page, username="carol", password=PASSWORD)
    for path in ["/admin/annotate/article/", f"/admin/annotate/article/{task.article_id}/change/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("body")).to_contain_text("alert(1)")
        assert_nothing_ran(page, watch, path)
