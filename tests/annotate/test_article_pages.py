"""The article list and article page (admins only)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from annotate.models import Article, Project, Task
from annotate.services.imports import import_inputs_from_paths, import_run
from tests.conftest import client_for
from tests.factories import SEEDS, article_make, task_make

pytestmark = pytest.mark.django_db


def _seeds_imported(project: Project) -> dict[str, Article]:
    """The five seeds through the real import, by file name prefix (000 ... 004)."""
    import_run(project=project, inputs=import_inputs_from_paths([str(SEEDS)]))
    return {a.source_file.rsplit("/", 1)[-1][:3]: a for a in Article.objects.all()}


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


# --- who may see the pages -------------------------------------------------------------


@pytest.mark.parametrize("url", ["/articles/", "/articles/{id}/"])
def test_anonymous_visitors_are_sent_to_the_login_page(url: str) -> None:
    article = article_make()

    response = Client().get(url.format(id=article.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/articles/")


@pytest.mark.parametrize("url", ["/articles/", "/articles/{id}/"])
def test_a_reviewer_is_sent_home_with_a_message(alice: AbstractUser, url: str) -> None:
    article = article_make()

    response = client_for(alice).get(url.format(id=article.pk), follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "That page is for admins only." in response.content.decode()
    assert article.title not in response.content.decode()


@pytest.mark.parametrize("url", ["/articles/", "/articles/{id}/"])
def test_the_admin_sees_the_page(carol: AbstractUser, url: str) -> None:
    article = article_make(title="Belousov meets Abu Qasra")

    response = client_for(carol).get(url.format(id=article.pk))

    assert response.status_code == 200
    assert "Belousov meets Abu Qasra" in response.content.decode()


def test_an_article_that_does_not_exist_is_404(carol: AbstractUser) -> None:
    response = client_for(carol).get("/articles/999999/")

    assert response.status_code == 404


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_source_date_languages_title_state_and_near_duplicate_marker(
    carol: AbstractUser,
) -> None:
    original = task_make(title="Original story", source="TASS", languages=["ru"]).article
    task_make(
        title="Republished story",
        source="Sputnik Arabic",
        languages=["ar", "ru"],
        near_duplicate_of=original,
        state=Task.State.IN_PROGRESS,
    )

    html = client_for(carol).get("/articles/").content.decode()

    row = next(r for r in _rows(html) if "Republished story" in r)
    assert "Sputnik Arabic" in row
    assert "2025-10-28" in row
    assert "ar, ru" in row
    assert "In progress" in row
    assert f'href="/articles/{original.pk}/"' in row  # the near-duplicate marker links to it
    original_row = next(r for r in _rows(html) if "Original story" in r)
    assert "near-dup" not in original_row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=belousov", {"Belousov in Moscow"}),
        ("language=ar", {"Arabic piece"}),
        ("state=complete", {"Done piece"}),
        ("language=ar&state=open", {"Arabic piece"}),
        ("language=xx", set()),
    ],
)
def test_filters_narrow_the_list(carol: AbstractUser, query: str, expected: set[str]) -> None:
    task_make(title="Belousov in Moscow", languages=["ru"])
    task_make(title="Arabic piece", languages=["ar", "en"])
    task_make(title="Done piece", languages=["ru"], state=Task.State.COMPLETE)

    html = client_for(carol).get(f"/articles/?{query}").content.decode()

    shown = {t for t in ("Belousov in Moscow", "Arabic piece", "Done piece") if t in html}
    assert shown == expected


def test_the_source_filter_keeps_only_that_outlets_articles(carol: AbstractUser) -> None:
    tass = task_make(title="From TASS", source="TASS").article
    task_make(title="From RIA", source="RIA Novosti")

    html = client_for(carol).get(f"/articles/?source={tass.source_id}").content.decode()

    assert "From TASS" in html
    assert "From RIA" not in html
    assert f'<option value="{tass.source_id}" selected' in html


def test_the_batch_filter_lists_the_articles_of_one_import(
    carol: AbstractUser, project: Project
) -> None:
    articles = _seeds_imported(project)
    task_make(title="Made by hand")

    html = client_for(carol).get(f"/articles/?batch={articles['003'].import_batch_id}").content

    assert len(_rows(html.decode())) == 5
    assert "Made by hand" not in html.decode()


def test_a_bad_filter_value_is_ignored_rather_than_failing(carol: AbstractUser) -> None:
    task_make(title="Still listed")

    response = client_for(carol).get("/articles/?source=abc&state=nonsense&batch=-1")

    assert response.status_code == 200
    assert "Still listed" in response.content.decode()


def test_the_list_is_paginated_by_fifty(carol: AbstractUser) -> None:
    for i in range(51):
        task_make(title=f"Piece {i:02d}")
    client = client_for(carol)

    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()

    assert len(_rows(first)) == 50
    assert len(_rows(second)) == 1
    assert "Piece 00" in second  # newest first: the oldest is alone on page 2
    assert "page 1 of 2" in first


def test_the_list_takes_a_bounded_number_of_queries(
    carol: AbstractUser, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    original = task_make(source="TASS").article
    for i in range(60):
        task_make(source=f"Outlet {i % 5}", near_duplicate_of=original, languages=["ar"])
    client = client_for(carol)

    # session, user, count, page, sources, languages: the same for 60 rows as for 1
    with django_assert_max_num_queries(6):
        response = client.get("/articles/?language=ar")

    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 50


# --- one article -----------------------------------------------------------------------


def test_the_article_page_shows_the_metadata_panel(carol: AbstractUser) -> None:
    original = article_make(title="First telling")
    article = task_make(
        title="Second telling",
        source="RIA Novosti",
        url="https://ria.ru/20251223/story.html",
        languages=["ru"],
        near_duplicate_of=original,
        source_file="seeds/001_720035ddf12cb8ee.txt",
    ).article

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    assert "RIA Novosti" in html
    assert 'dir="ltr" href="https://ria.ru/20251223/story.html"' in html
    assert "2025-10-28" in html
    assert "seeds/001_720035ddf12cb8ee.txt" in html
    assert article.content_hash in html
    assert f'<a dir="auto" href="/articles/{original.pk}/">#{original.pk} First telling</a>' in html
    assert "Open</span>, 2 reviewers" in html


def test_a_url_that_is_not_http_is_shown_but_never_linked(carol: AbstractUser) -> None:
    article = article_make(url="javascript:alert(1)")

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html
    assert "not a web address" in html


def test_each_line_of_the_text_is_a_block_with_dir_auto_and_its_offset(
    carol: AbstractUser,
) -> None:
    text = "وزير الدفاع الروسي\n\nМинистр обороны\nThe defence minister"
    article = article_make(text=text)

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    blocks = re.findall(r'<p dir="auto" data-start="(\d+)"[^>]*>(.*?)</p>', html)
    assert [(int(start), body) for start, body in blocks] == [
        (0, "وزير الدفاع الروسي"),
        (20, "Министр обороны"),
        (36, "The defence minister"),
    ]
    for start, body in blocks:
        assert text[int(start) : int(start) + len(body)] == body


def test_the_raw_text_is_in_a_collapsed_pre(carol: AbstractUser) -> None:
    article = article_make(text="Clean text.")
    Article.objects.filter(pk=article.pk).update(raw_text=" date 2025-10-28 Video\nRaw <b>text</b>")

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    raw = re.search(r"<details class=\"raw\">.*?<pre dir=\"auto\">(.*?)</pre>", html, re.S)
    assert raw is not None
    assert unescape(raw.group(1)) == " date 2025-10-28 Video\nRaw <b>text</b>"
    assert '<details class="raw" open' not in html


def test_the_metadata_is_shown_as_tables_not_json(carol: AbstractUser) -> None:
    article = article_make(
        text="وزير الدفاع\nМинистр обороны",
        metadata={
            "removed": [
                {"line": 3, "kind": "timestamp", "text": "2025-10-28T17:41:00+03:00"},
                {"line": 9, "kind": "image", "text": "https://cdn.example.org/photo.jpg"},
            ],
            "paragraphs": [
                {"start": 0, "end": 11, "languages": ["ar"]},
                {"start": 12, "end": 27, "languages": ["ru"]},
            ],
            "outlet": {"name": "Sputnik Arabic", "credited_as": "سبوتنيك عربي"},
            "date_source": "header",
            "header": None,
        },
    )

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    assert "<caption>Removed</caption>" in html
    assert '<th scope="col">Kind</th>' in html
    assert '<td dir="auto">2025-10-28T17:41:00+03:00</td>' in html
    assert '<a dir="ltr" href="https://cdn.example.org/photo.jpg"' in html
    assert "<caption>Paragraphs</caption>" in html
    assert (
        '<td dir="auto">12</td><td dir="auto">27</td><td dir="auto">ru</td>'
        '<td dir="auto">Министр обороны</td>'
    ) in html
    assert '<td dir="auto">سبوتنيك عربي</td>' in html
    assert '<td dir="auto">Date source</td><td dir="auto">header</td>' in html
    assert "{&quot;" not in html
    assert '{"' not in html


def test_seed_002_renders_arabic_and_russian_paragraphs_with_their_language(
    carol: AbstractUser, project: Project
) -> None:
    article = _seeds_imported(project)["002"]

    html = client_for(carol).get(f"/articles/{article.pk}/").content.decode()

    assert re.search(r'<p dir="auto" data-start="\d+" lang="ar">', html)
    assert re.search(r'<p dir="auto" data-start="\d+" lang="ru">Андрей Белоусов', html)
    assert "<caption>Paragraphs</caption>" in html


# --- Django's admin site ---------------------------------------------------------------


def test_the_django_admin_shows_an_article_with_its_text_read_only(carol: AbstractUser) -> None:
    carol.is_superuser = True
    carol.save(update_fields=["is_superuser"])
    article = task_make(text="Белоусов встретился с Абу Касрой.").article
    client = client_for(carol)

    listing = client.get("/admin/annotate/article/")
    change = client.get(f"/admin/annotate/article/{article.pk}/change/")

    assert listing.status_code == 200
    assert change.status_code == 200
    html = change.content.decode()
    assert "Белоусов встретился с Абу Касрой." in html
    assert 'name="text"' not in html
    assert 'name="raw_text"' not in html
    assert 'name="title"' in html  # metadata stays editable
