"""The article page of seed 002 in a real browser: Arabic reads right to left, Russian left to right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from annotate.models import Article
from annotate.services.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from annotate.services.imports import import_inputs_from_paths, import_run
from annotate.services.projects import project_ensure_default
from tests.browser.conftest import LogIn
from tests.factories import SEEDS

CAROL_PASSWORD = next(a.password for a in DEMO_ACCOUNTS if a.username == "carol")
DIRECTION = "el => getComputedStyle(el).direction"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_seed_002_shows_arabic_lines_rtl_and_the_russian_paragraph_ltr(
    page: Page, live_server: LiveServer, log_in: LogIn, shoot: Callable[[Page, str], Path]
) -> None:
    demo_accounts_ensure()
    import_run(project=project_ensure_default(), inputs=import_inputs_from_paths([str(SEEDS)]))
    article = Article.objects.get(source_file__endswith="002_60dedeba1ea355cf.txt")
    log_in(page, username="carol", password=CAROL_PASSWORD)

    page.goto(f"{live_server.url}/articles/{article.pk}/")
    shoot(page, "article-002.png")

    text = page.locator(".article-text")
    arabic = text.locator("p", has_text="كشفت وزارة الدفاع الروسية")
    russian = text.locator("p", has_text="Андрей Белоусов провел встречу")
    assert arabic.evaluate(DIRECTION) == "rtl"
    assert russian.evaluate(DIRECTION) == "ltr"
    assert arabic.get_attribute("lang") == "ar"
    assert russian.get_attribute("lang") == "ru"
    # Right to left means the line hugs the right edge of the text box.
    box, line = text.bounding_box(), arabic.bounding_box()
    assert box is not None
    assert line is not None
    assert abs((box["x"] + box["width"]) - (line["x"] + line["width"])) < 24
    # The raw text starts collapsed; the metadata is tables, not a JSON blob.
    assert not page.locator("details.raw pre").is_visible()
    assert page.locator("table.metadata caption", has_text="Paragraphs").is_visible()
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Articles")
        .is_visible()
    )
