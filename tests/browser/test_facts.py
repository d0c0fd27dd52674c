"""Facts in a real browser: a Russian and an Arabic claim linked to one fact from the
workspace by two reviewers, submitted, and the fact corroborated on its page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Annotation, Claim, Project, Task
from tests.browser.conftest import SHOTS, LogIn
from tests.browser.test_workspace import drag_select, label_selection, open_task
from tests.conftest import PASSWORD
from tests.factories import SEEDS, tasks_import
from verify.models import Fact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RU_CLAIM = (
    "Андрей Белоусов провел встречу с министром обороны переходного правительства Сирии "
    "дивизионным генералом Махрафом Абу Касрой"
)
AR_CLAIM = (
    "أندريه بيلاؤوسوف، التقى بوزير الدفاع السوري في الحكومة الانتقالية، مرهف أبو قصرة في موسكو"
)
STATEMENT = "Belousov met Abu Qasra in Moscow"


@pytest.fixture
def seeds(project: Project) -> dict[str, Task]:
    tasks = tasks_import(*(next(SEEDS.glob(f"{p}_*.txt")) for p in ("000", "003")))
    return {"ru": tasks[0], "ar": tasks[1]}


def claim_attributed_to_outlet(page: Page, text: str) -> None:
    drag_select(page, text)
    label_selection(page, text, key="c")
    page.locator("#ed-attr").select_option(value="__outlet__")
    expect(page.locator("#fact-link")).to_be_visible()


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#submit").click()


def test_a_russian_and_an_arabic_claim_corroborate_one_fact(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
    seeds: dict[str, Task],
) -> None:
    # Alice, on the Arabic article (Sputnik Arabic), makes the fact from her claim.
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seeds["ar"])
    claim_attributed_to_outlet(page, AR_CLAIM)
    page.locator("#fact-new summary").click()
    page.locator("#fact-new-statement").fill(STATEMENT)
    page.locator("#fact-new-start").fill("2025-10-28")
    page.locator("#fact-create").click()
    expect(page.locator("#fact-current")).to_contain_text(f"Supports: {STATEMENT}")
    expect(page.locator("#spans")).to_contain_text("supports")
    submit(page)
    fact = Fact.objects.get()
    assert Claim.objects.get(annotation__reviewer=alice).fact == fact

    # Bob, on the Russian article, is offered that fact first and links his claim to it.
    page.context.clear_cookies()
    log_in(page, username="bob", password=PASSWORD)
    open_task(page, live_server, seeds["ru"])
    claim_attributed_to_outlet(page, RU_CLAIM)
    page.locator("#fact-suggest").click()
    first = page.locator("#fact-candidates .fact-candidate").first
    expect(first).to_contain_text(STATEMENT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "fact_workspace.png"))
    first.get_by_role("button", name=f"Supports: {STATEMENT}").click()
    expect(page.locator("#fact-current")).to_contain_text(f"Supports: {STATEMENT}")
    page.locator("#fact-link").screenshot(path=str(SHOTS / "fact_linked.png"))
    submit(page)
    bobs = Claim.objects.get(annotation__reviewer=bob)
    assert (bobs.fact, bobs.stance, bobs.annotation.state) == (
        fact, "supports", Annotation.State.SUBMITTED,
    )  # fmt: skip

    # Carol, the admin, sees both sources side by side and the fact corroborated.
    page.context.clear_cookies()
    log_in(page, username="carol", password=PASSWORD)
    page.goto(f"{live_server.url}/verify/facts/{fact.pk}/")
    expect(page.locator("[data-verdict]")).to_have_text("Corroborated")
    cards = page.locator(".source-card")
    expect(cards).to_have_count(2)
    expect(page.locator(".source-card mark", has_text=AR_CLAIM)).to_be_visible()
    expect(page.locator(".source-card mark", has_text=RU_CLAIM)).to_be_visible()
    directions = page.locator(".source-card .evidence").evaluate_all(
        "els => els.map(e => getComputedStyle(e).direction)"
    )
    assert sorted(directions) == ["ltr", "rtl"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "fact.png"), full_page=True)

    # The board shows it with two supporting origins.
    page.goto(f"{live_server.url}/verify/facts/")
    row = page.locator("table.facts tbody tr", has_text=STATEMENT)
    expect(row.locator(".verdict")).to_have_text("Corroborated")
    expect(row.locator("td.num").first).to_have_text("2")
