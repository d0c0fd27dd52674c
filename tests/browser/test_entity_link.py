"""The link dialog in a real browser: an Arabic mention linked to an entity named in Russian."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Annotation, Mention, Project, Task
from tests.browser.conftest import LogIn, screenshot
from tests.browser.test_workspace import drag_select, label_selection, open_task, wait_saved
from tests.conftest import PASSWORD
from tests.factories import SEEDS, tasks_import
from verify.models import Alias, Entity
from verify.services.entities import entity_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_002(project: Project) -> Task:
    (task,) = tasks_import(next(SEEDS.glob("002_*.txt")))
    return task


def test_a_reviewer_links_an_arabic_mention_to_an_entity_found_by_its_russian_name(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    abu_qasra = entity_create(
        type="PER", preferred_name="Мурхаф Абу Касра", language="ru", user=alice
    )
    entity_create(type="PER", preferred_name="Андрей Белоусов", language="ru", user=alice)
    entity_create(type="LOC", preferred_name="Абу-Даби", language="ru", user=alice)
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)

    drag_select(page, "مرهف أبو قصرة")
    label_selection(page, "مرهف أبو قصرة", key="p")
    page.keyboard.press("k")
    dialog = page.locator("#link-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#link-q")).to_have_value("مرهف أبو قصرة")
    page.locator("#link-q").fill("Абу Касра")
    first = page.locator("#link-options [role=option]").first
    expect(first).to_have_attribute("data-entity", str(abu_qasra.pk))
    expect(first).to_have_attribute("aria-selected", "true")
    # Only PER entities are offered: the place Абу-Даби shares a word but not the type.
    expect(page.locator("#link-options")).not_to_contain_text("Абу-Даби")
    screenshot(page, "entity_link_dialog.png")
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(page.locator("#ed-entity .entity-name")).to_have_text("Мурхаф Абу Касра")
    expect(page.locator("#spans .span-entity")).to_have_text(["Мурхаф Абу Касра"])
    wait_saved(page)
    screenshot(page, "entity_link_linked.png")

    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    mention = Mention.objects.get(annotation=annotation)
    assert (mention.text, mention.entity_id) == ("مرهف أبو قصرة", abu_qasra.pk)
    assert Alias.objects.filter(entity=abu_qasra, text="مرهف أبو قصرة", language="ar").exists()

    # Reopened, the page shows the link it was saved with.
    open_task(page, live_server, seed_002)
    expect(page.locator("#spans .span-entity")).to_have_text(["Мурхаф Абу Касра"])


def test_a_reviewer_creates_a_new_entity_from_a_mention_with_the_keyboard(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)

    drag_select(page, "Андрей Белоусов")
    label_selection(page, "Андрей Белоусов", key="p")
    page.keyboard.press("k")
    create = page.locator("#link-options [data-create]")
    expect(create).to_contain_text("Create new PER")
    page.keyboard.press("Enter")  # no entity exists yet: the only option is "create"

    expect(page.locator("#ed-entity .entity-name")).to_have_text("Андрей Белоусов")
    wait_saved(page)
    entity = Entity.objects.get()
    assert (entity.type, entity.preferred_name) == ("PER", "Андрей Белоусов")
    assert Mention.objects.get(annotation__reviewer=alice).entity == entity
