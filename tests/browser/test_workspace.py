"""The annotation workspace in a real browser: Arabic, Russian, emoji, claims, drafts, blind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from annotate.models import Annotation, Claim, Mention, Project, Task
from annotate.services.annotations import annotation_save_draft
from annotate.services.tasks import task_start_for_reviewer
from tests.browser.conftest import SHOTS, LogIn
from tests.conftest import PASSWORD
from tests.factories import SEEDS, span, tasks_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to press and release the mouse to select `needle` (the occurrence-th one) like a
# person would: from the leading edge of its first character to the trailing edge of its
# last, on the side that each character's direction puts them.
FIND_JS = """
([needle, occurrence]) => {
  const rtl = (c) => /[\\u0590-\\u08FF\\uFB1D-\\uFEFC]/.test(c);
  let seen = 0;
  for (const block of document.getElementById('doc').children) {
    const t = block.firstChild;
    if (!t) continue;
    for (let i = t.nodeValue.indexOf(needle); i >= 0; i = t.nodeValue.indexOf(needle, i + 1)) {
      if (seen++ !== occurrence) continue;
      const chars = Array.from(needle);
      const j = i + needle.length;
      const r1 = document.createRange(); r1.setStart(t, i); r1.setEnd(t, i + chars[0].length);
      const r2 = document.createRange(); r2.setStart(t, j - chars.at(-1).length); r2.setEnd(t, j);
      block.scrollIntoView({ block: 'center' });
      const a = r1.getClientRects()[0], b = r2.getClientRects()[0];
      return {
        x1: rtl(chars[0]) ? a.right - a.width * 0.2 : a.left + a.width * 0.2,
        y1: a.top + a.height / 2,
        x2: rtl(chars.at(-1)) ? b.left + b.width * 0.2 : b.right - b.width * 0.2,
        y2: b.top + b.height / 2,
      };
    }
  }
  return null;
}
"""


def points(page: Page, needle: str, occurrence: int = 0) -> dict[str, float]:
    found = page.evaluate(FIND_JS, [needle, occurrence])
    assert found, f"{needle!r} is not on the page"
    return found


def drag_select(page: Page, needle: str, *, occurrence: int = 0, exact: bool = False) -> None:
    """Select with the mouse; `exact` holds Alt on release (no snapping to whole words)."""
    p = points(page, needle, occurrence)
    page.mouse.move(p["x1"], p["y1"])
    page.mouse.down()
    page.mouse.move((p["x1"] + p["x2"]) / 2, (p["y1"] + p["y2"]) / 2, steps=4)
    page.mouse.move(p["x2"], p["y2"], steps=4)
    if exact:
        page.keyboard.down("Alt")
    page.mouse.up()
    if exact:
        page.keyboard.up("Alt")


def label_selection(
    page: Page, expected: str, *, key: str | None = None, button: str | None = None
) -> None:
    """Check what is about to be labelled, then label it with a hotkey or the palette."""
    expect(page.locator("#pending")).to_have_attribute("data-text", expected)
    if key:
        page.keyboard.press(key)
    else:
        page.locator(f'#palette [data-label="{button}"]').click()
    expect(page.locator("#ed-text")).to_have_text(expected)  # the new span is selected


def open_task(page: Page, live_server: LiveServer, task: Task) -> None:
    page.goto(f"{live_server.url}/tasks/{task.pk}/annotate/")
    expect(page.locator("#doc")).to_have_attribute("data-ready", "true")


def wait_saved(page: Page) -> None:
    expect(page.locator("#status")).to_have_attribute("data-status", "saved")


def stored_spans_match_the_text(annotation: Annotation) -> list[tuple[str, str]]:
    text = annotation.task.article.text
    rows: list[Any] = [
        *Mention.objects.filter(annotation=annotation),
        *Claim.objects.filter(annotation=annotation),
    ]
    for row in rows:
        assert row.text == text[row.start : row.end], (row.start, row.end, row.text)
    return sorted((row.label.name, row.text) for row in rows)


@pytest.fixture
def seed_002(project: Project) -> Task:
    (task,) = tasks_import(next(SEEDS.glob("002_*.txt")))
    return task


def test_a_reviewer_annotates_arabic_and_russian_with_a_claim_and_submits(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)

    drag_select(page, "مرهف أبو قصرة")
    label_selection(page, "مرهف أبو قصرة", key="p")
    drag_select(page, "Андрей Белоусов")
    label_selection(page, "Андрей Белоусов", button="PER")
    drag_select(page, "Мурхафом Абу Касрой")
    label_selection(page, "Мурхафом Абу Касрой", key="p")
    claim = "Андрей Белоусов провел встречу с министром обороны переходного правительства Сирии дивизионным генералом Мурхафом Абу Касрой"
    drag_select(page, claim)
    label_selection(page, claim, key="c")

    # The keyboard: a caret at "дивизионным", then Ctrl+Shift+Right twice selects two words.
    start = points(page, "дивизионным")
    page.mouse.click(start["x1"], start["y1"])
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("Control+Shift+ArrowRight")
    label_selection(page, "дивизионным генералом", key="r")

    # The claim's parts.
    page.locator("#spans button", has_text="CLAIM").click()
    page.locator('select[data-role="subject"]').select_option(label="PER: Андрей Белоусов")
    page.locator('select[data-role="object"]').select_option(label="PER: Мурхафом Абу Касрой")
    page.locator("#ed-attr").select_option(value="__outlet__")
    page.locator("#ed-statement").fill("Belousov met Abu Qasra")
    page.locator("#ed-statement").press("Tab")
    wait_saved(page)

    # Undo and redo the last change (the statement), then it is saved again.
    page.locator("#doc").focus()
    page.keyboard.press("Control+z")
    expect(page.locator("#status")).to_have_attribute("data-status", "unsaved")
    page.keyboard.press("Control+Shift+Z")
    wait_saved(page)

    page.locator("#spans button", has_text="مرهف أبو قصرة").click()
    page.screenshot(path=str(SHOTS / "workspace_arabic.png"))
    page.locator("#spans button", has_text="CLAIM").click()
    page.screenshot(path=str(SHOTS / "workspace_russian.png"))

    page.reload()
    expect(page.locator("#doc")).to_have_attribute("data-ready", "true")
    expect(page.locator("#span-count")).to_have_text("(5)")
    page.locator("#spans button", has_text="CLAIM").click()
    subject = page.locator('select[data-role="subject"]')
    assert subject.evaluate("s => s.selectedOptions[0].textContent") == "PER: Андрей Белоусов"
    expect(page.locator("#ed-statement")).to_have_value("Belousov met Abu Qasra")

    with page.expect_navigation():
        page.locator("#submit").click()

    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    assert annotation.state == Annotation.State.SUBMITTED
    assert stored_spans_match_the_text(annotation) == sorted(
        [
            ("PER", "مرهف أبو قصرة"),
            ("PER", "Андрей Белоусов"),
            ("PER", "Мурхафом Абу Касрой"),
            ("ROLE", "дивизионным генералом"),
            ("CLAIM", claim),
        ]
    )
    c = Claim.objects.get(annotation=annotation)
    assert (c.subject.text, c.object.text) == ("Андрей Белоусов", "Мурхафом Абу Касрой")  # type: ignore[union-attr]
    assert c.attributed_to_outlet
    assert c.statement == "Belousov met Abu Qasra"


def test_spans_after_an_emoji_are_stored_at_the_right_offsets(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    project: Project,
    tmp_path: Path,
) -> None:
    path = tmp_path / "emoji.txt"
    path.write_text(
        "🇷🇺🙂 Министр обороны Андрей Белоусов встретился с коллегой.\n\n"
        "😀 وزير الدفاع السوري مرهف أبو قصرة في موسكو 🤝 مع بيلاوسوف.\n",
        encoding="utf-8",
    )
    (task,) = tasks_import(path)
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, task)

    drag_select(page, "ндрей Белоусо")  # partial words snap to whole words
    label_selection(page, "Андрей Белоусов", key="p")
    drag_select(page, "مرهف أبو قصرة", exact=True)
    label_selection(page, "مرهف أبو قصرة", key="p")
    drag_select(page, "بيلاوسوف", exact=True)
    label_selection(page, "بيلاوسوف", key="p")
    wait_saved(page)
    with page.expect_navigation():
        page.locator("#submit").click()

    annotation = Annotation.objects.get(task=task, reviewer=alice)
    assert stored_spans_match_the_text(annotation) == sorted(
        [("PER", "Андрей Белоусов"), ("PER", "مرهف أبو قصرة"), ("PER", "بيلاوسوف")]
    )


def test_a_second_reviewer_does_not_see_the_first_ones_spans(
    page: Page,
    live_server: LiveServer,
    log_in: LogIn,
    alice: AbstractUser,
    bob: AbstractUser,
    seed_002: Task,
) -> None:
    alices = task_start_for_reviewer(task=seed_002, reviewer=alice)
    text = seed_002.article.text
    annotation_save_draft(annotation=alices, version=0, result=[span(text, "مرهف أبو قصرة", "PER")])

    log_in(page, username="bob", password=PASSWORD)
    open_task(page, live_server, seed_002)

    expect(page.locator("#span-count")).to_have_text("(0)")
    # Label highlights only: machine suggestions (`sugg-*`) are the article's, not alice's.
    labels = "() => [...CSS.highlights.keys()].filter(k => k.startsWith('lbl-')).length"
    assert page.evaluate(labels) == 0
    status = page.evaluate(f"() => fetch('/api/annotations/{alices.pk}/').then(r => r.status)")
    assert status == 404
    assert page.goto(f"{live_server.url}/annotations/{alices.pk}/").status == 404


def test_a_stale_tab_is_refused_and_keeps_its_copy_until_the_reviewer_chooses(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)
    other = page.context.new_page()
    open_task(other, live_server, seed_002)

    drag_select(page, "مرهف أبو قصرة")
    label_selection(page, "مرهف أبو قصرة", key="p")
    wait_saved(page)
    drag_select(other, "Андрей Белоусов")
    label_selection(other, "Андрей Белоусов", key="p")

    expect(other.locator("#conflict")).to_be_visible()
    expect(other.locator("#conflict-msg")).to_contain_text("saved elsewhere")
    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    assert [m.text for m in annotation.mentions.all()] == ["مرهف أبو قصرة"]  # nothing overwritten

    other.locator("#conflict-overwrite").click()
    wait_saved(other)
    assert [m.text for m in annotation.mentions.all()] == ["Андрей Белоусов"]


def test_work_done_offline_survives_closing_the_tab(
    page: Page, live_server: LiveServer, log_in: LogIn, alice: AbstractUser, seed_002: Task
) -> None:
    log_in(page, username="alice", password=PASSWORD)
    open_task(page, live_server, seed_002)

    page.context.set_offline(True)
    drag_select(page, "مرهف أبو قصرة")
    label_selection(page, "مرهف أبو قصرة", key="p")
    expect(page.locator("#status")).to_have_attribute("data-status", "offline")
    page.close()
    annotation = Annotation.objects.get(task=seed_002, reviewer=alice)
    assert not annotation.mentions.exists()

    page = page.context.new_page()
    page.context.set_offline(False)
    open_task(page, live_server, seed_002)

    wait_saved(page)
    assert [m.text for m in annotation.mentions.all()] == ["مرهف أبو قصرة"]
