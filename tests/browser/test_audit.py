"""The audit history page in a real browser: the list, a diff, the filter form, no CSP errors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import LogIn, screenshot
from tests.conftest import PASSWORD
from tests.verify.adjudication_helpers import disputed_task
from verify.services.entities import entity_create, entity_merge
from verify.services.facts import fact_create, fact_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_reads_and_filters_the_history(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
) -> None:
    disputed_task(alice, bob)
    keep = entity_create(type="PER", preferred_name="Мурхаф Абу Касра", language="ru", user=carol)
    merge = entity_create(type="PER", preferred_name="مرهف أبو قصرة", language="ar", user=alice)
    entity_merge(keep=keep, merge=merge, user=carol, rationale="The same minister.")
    fact = fact_create(user=alice, statement="Belousov met Abu Qasra")
    fact_update(fact=fact, user=carol, statement="Belousov met Abu Qasra in Moscow")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    log_in(page, username="carol", password=PASSWORD)
    page.goto(f"{live_server.url}/audit/")

    expect(page.get_by_role("heading", name="Audit history")).to_be_visible()
    rows = page.locator("table.audit > tbody > tr")
    expect(rows.first).to_contain_text("fact.update")
    expect(rows.first.locator("tr.diff-changed")).to_contain_text(
        "Belousov met Abu Qasra in Moscow"
    )
    screenshot(page, "audit_list.png")

    page.get_by_label("Action").select_option("entity.merge")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("The same minister.")
    screenshot(page, "audit_filtered.png")
    assert [p for p in problems if "Content Security Policy" in p] == []
