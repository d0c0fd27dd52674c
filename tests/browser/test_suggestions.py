"""Suggestions in a real browser: dashed spans accepted with one key, rejected, or all of a kind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Annotation, Mention, Project, SuggestionDecision, Task
from annotate.services.suggestions import suggestion_decide
from tests.browser.conftest import LogIn, screenshot
from tests.browser.test_workspace import open_task, points, wait_saved
from tests.conftest import PASSWORD
from tests.factories import SEEDS, tasks_import
from verify.models import Entity
from verify.services.entities import entity_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def abu_qasra(carol: AbstractUser) -> Entity:
    return entity_create(type="PER", preferred_name="Мурхаф Абу Касра", language="ru", user=carol)


@pytest.fixture
def seed_002(project: Project, abu_qasra: Entity) -> Task:
    # The entity is known before the import, so the Arabic article gets its name suggested.
    (task,) = tasks_import(next(SEEDS.glob("002_*.txt")))
    return task


def test_a_reviewer_accepts_a_known_entity_suggestion_with_one_key(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    seed_002: Task,
    abu_qasra: Entity,
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)
    entity_group = page.locator('#suggestions details[data-kind="entity|PER"]')
    expect(entity_group).to_contain_text("known entity")
    n_entity = seed_002.article.suggestions.filter(source="entity").count()
    assert n_entity == 3  # مرهف أبو قصرة twice, Мурхафом Абу Касрой once
    expect(entity_group.locator(".sugg-item")).to_have_count(n_entity)
    screenshot(page, "suggestions_shown.png")

    p = points(page, "مرهف أبو قصرة")
    page.mouse.click(p["x1"], p["y1"])  # a click in the dashed span focuses the suggestion
    expect(page.locator("#pending")).to_contain_text("Suggestion PER (known entity): مرهف أبو قصرة")
    page.keyboard.press("a")

    expect(page.locator("#spans .span-item")).to_have_count(1)
    expect(entity_group.locator(".sugg-item")).to_have_count(n_entity - 1)
    expect(page.locator("#spans .span-item")).to_contain_text("مرهف أبو قصرة")
    expect(page.locator("#spans .span-entity")).to_have_text(["Мурхаф Абу Касра"])
    wait_saved(page)
    screenshot(page, "suggestions_accepted.png")

    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    mention = Mention.objects.get(annotation=annotation)
    assert (mention.label.name, mention.text, mention.entity_id) == (
        "PER",
        "مرهف أبو قصرة",
        abu_qasra.pk,
    )
    assert seed_002.article.text[mention.start : mention.end] == "مرهف أبو قصرة"
    decision = SuggestionDecision.objects.get(reviewer=alice)
    assert (decision.suggestion.text, decision.decision) == ("مرهف أبو قصرة", "accepted")

    # Undo: the span goes, the suggestion comes back and the accept is withdrawn.
    page.locator("#doc").focus()
    page.keyboard.press("Control+z")
    expect(page.locator("#spans .span-item")).to_have_count(0)
    expect(entity_group.locator(".sugg-item")).to_have_count(n_entity)
    wait_saved(page)
    assert not Mention.objects.filter(annotation=annotation).exists()
    for _ in range(50):  # the withdrawal is sent in the background
        if not SuggestionDecision.objects.filter(reviewer=alice).exists():
            break
        page.wait_for_timeout(100)
    assert not SuggestionDecision.objects.filter(reviewer=alice).exists()


def test_a_reviewer_rejects_one_suggestion_and_accepts_all_dates(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)
    dates = seed_002.article.suggestions.filter(label="DATE")
    n_dates = dates.count()
    assert n_dates >= 2

    page.keyboard.press("n")  # the first suggestion in the text
    first = page.locator("#suggestions .sugg-item[aria-current=true]")
    expect(first).to_have_count(1)
    rejected_id = int(first.get_attribute("data-id") or 0)
    page.keyboard.press("x")
    expect(page.locator(f'#suggestions .sugg-item[data-id="{rejected_id}"]')).to_have_count(0)

    page.locator('#suggestions .sugg-accept-all[data-kind="dateparser+rules|DATE"]').click()
    expect(page.locator('#suggestions details[data-kind="dateparser+rules|DATE"]')).to_have_count(0)
    wait_saved(page)
    screenshot(page, "suggestions_dates_accepted.png")

    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    stored = {(m.text, m.normalized_value) for m in Mention.objects.filter(annotation=annotation)}
    expected = {(s.text, s.value) for s in dates.exclude(pk=rejected_id)}
    assert stored == expected
    assert SuggestionDecision.objects.get(suggestion_id=rejected_id).decision == "rejected"
    assert SuggestionDecision.objects.filter(decision="accepted").count() == len(expected)

    # Reopened: the decided suggestions are gone for alice, the rest are still there.
    open_task(page, live_server, seed_002)
    expect(page.locator('#suggestions details[data-kind="dateparser+rules|DATE"]')).to_have_count(0)
    expect(page.locator(f'#suggestions .sugg-item[data-id="{rejected_id}"]')).to_have_count(0)


def test_an_admin_sees_acceptance_rates_per_source_and_label(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
    seed_002: Task,
) -> None:
    dates = list(seed_002.article.suggestions.filter(label="DATE"))
    for s in dates:
        suggestion_decide(suggestion=s, reviewer=alice, decision="accepted")
    suggestion_decide(suggestion=dates[0], reviewer=bob, decision="rejected")

    log_in(page, username="carol", password=PASSWORD)
    page.goto(f"{live_server.url}/suggestions/rates/")

    row = page.locator('#rates tr[data-source="dateparser+rules"][data-label="DATE"]')
    expected = round(100 * len(dates) / (len(dates) + 1))
    expect(row.locator("[data-rate]")).to_have_text(f"{expected}%")
    expect(
        page.locator('#rates tr[data-source="natasha"][data-label="PER"] [data-rate]')
    ).to_have_text("—")
    screenshot(page, "suggestions_rates.png")
