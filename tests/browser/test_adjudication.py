"""An admin adjudicates an Arabic seed task that two reviewers annotated differently."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Task
from tests.browser.conftest import LogIn, screenshot
from tests.conftest import PASSWORD
from tests.factories import SEEDS, span, tasks_import
from tests.verify.adjudication_helpers import review
from verify.models import AdjudicationDecision, GoldSpan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BELOUSOV = "أندريه بيلاوسوف"
ABU_QASRA = "مرهف أبو قصرة"
MOSCOW = "موسكو"


def test_an_admin_accepts_one_side_edits_another_and_saves_the_gold_layer(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
) -> None:
    (task,) = tasks_import(*SEEDS.glob("002_*.txt"))
    text = task.article.text
    review(
        task,
        alice,
        [
            span(text, BELOUSOV, "PER", rid="a1"),
            span(text, ABU_QASRA, "PER", rid="a2"),
            span(text, MOSCOW, "LOC", rid="a3"),
        ],
    )
    review(
        task,
        bob,
        [
            span(text, BELOUSOV, "PER", rid="b1"),
            span(text, "أبو قصرة", "PER", rid="b2"),  # without the first name
            span(text, MOSCOW, "ORG", rid="b3"),
        ],
    )
    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE

    log_in(page, username="carol", password=PASSWORD)
    page.goto(f"{live_server.url}/verify/adjudication/")
    page.get_by_role("link", name=f"#{task.pk}").click()

    expect(page.locator("#doc .ln").first).to_have_attribute("dir", "auto")
    first_line = page.locator("#doc .ln").first
    assert first_line.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(page.locator("#legend")).to_contain_text("A alice")
    expect(page.locator("#legend")).to_contain_text("B bob")
    expect(page.locator("#progress")).to_have_text("1 of 2 · 0 decided")
    expect(page.locator("#item-kind")).to_contain_text("boundaries")

    # Conflict 1, boundaries: keep Alice's full name, with a rationale, by keyboard.
    page.locator("#rationale").fill("The full name, as the ministry gives it.")
    page.locator("#doc").click()
    page.keyboard.press("a")
    expect(page.locator("#progress")).to_have_text("2 of 2 · 1 decided")
    expect(page.locator("#item-kind")).to_contain_text("label")

    # Conflict 2, label: edit it (the city, a place).
    page.locator("#rationale").fill("Moscow the city, not the ministry.")
    page.keyboard.press("Escape")  # leave the text box: keys are commands again
    page.keyboard.press("e")
    expect(page.locator("#edit")).to_be_visible()
    page.locator("#ed-label").select_option("LOC")
    expect(page.locator("#ed-text")).to_have_text(f"“\u2068{MOSCOW}\u2069”")
    page.get_by_role("button", name="Apply edit").click()
    expect(page.locator("#status")).to_have_text("2 decisions not saved")

    page.get_by_role("button", name="Save and complete").click()
    expect(page.locator("#status")).to_have_text("Adjudicated (version 1)")
    expect(page.locator("#gold-count")).to_have_text("3 spans")
    expect(page.locator("#history-count")).to_have_text("2")
    page.locator("#history-box summary").click()
    screenshot(page, "adjudication.png")

    task.refresh_from_db()
    assert task.state == Task.State.ADJUDICATED
    gold = [
        (g.text, g.label, g.origin, g.reviewers, g.adjudicator_id)
        for g in GoldSpan.objects.filter(task=task).order_by("start")
    ]
    assert gold == [
        (BELOUSOV, "PER", "agreed", ["alice", "bob"], None),
        (ABU_QASRA, "PER", "adjudicated", ["alice"], carol.pk),
        (MOSCOW, "LOC", "adjudicated", ["alice"], carol.pk),
    ]
    assert list(
        AdjudicationDecision.objects.order_by("id").values_list(
            "item_kind", "action", "reviewer", "admin__username", "rationale"
        )
    ) == [
        ("boundaries", "accept", "alice", "carol", "The full name, as the ministry gives it."),
        ("label", "edit", "", "carol", "Moscow the city, not the ministry."),
    ]


def test_the_dashboard_draws_its_charts_without_script(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
) -> None:
    from tests.verify.adjudication_helpers import disputed_task

    disputed_task(alice, bob, title="Abu Qasra in Moscow")
    log_in(page, username="carol", password=PASSWORD)

    page.goto(f"{live_server.url}/verify/dashboard/")

    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.get_by_role("img", name="Labelled span F1 (overlap) by label")).to_be_visible()
    expect(page.locator("#pairs")).to_contain_text("alice / bob")
    expect(page.locator("#lowest")).to_contain_text("Abu Qasra in Moscow")
    assert page.locator("main script").count() == 0
    screenshot(page, "dashboard.png")


def test_a_second_admin_on_the_same_task_gets_a_conflict_not_an_overwrite(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
    django_user_model: type,
) -> None:
    from tests.verify.adjudication_helpers import disputed_task
    from verify.services.adjudication import DecisionInput, adjudication_save, task_view

    erin = django_user_model.objects.create_user(username="erin", is_staff=True)
    task = disputed_task(alice, bob)
    log_in(page, username="carol", password=PASSWORD)
    page.goto(f"{live_server.url}/verify/adjudication/{task.pk}/")
    expect(page.locator("#progress")).to_have_text("1 of 3 · 0 decided")
    # Erin saves while Carol's page is open.
    label = next(i for i in task_view(task=task).items.values() if i.kind == "label")
    adjudication_save(
        adjudication=task.adjudication,
        admin=erin,
        version=0,
        decisions=[DecisionInput(label.id, "accept", reviewer="bob")],
    )

    page.locator("#doc").click()
    page.keyboard.press("a")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#conflict-msg")).to_contain_text("erin saved this adjudication")
    expect(page.locator("#status")).to_have_text("Not saved: conflict")
    assert list(AdjudicationDecision.objects.values_list("admin__username", flat=True)) == ["erin"]
