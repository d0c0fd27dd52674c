"""Uploaded files: size-limited, never executed, never served back raw."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from annotate.models import Article, ImportBatch, ImportRejection, Project
from tests.conftest import client_for
from tests.security.hostile import HOSTILE_SEED, IMG, SCRIPT, hostile_import

pytestmark = pytest.mark.django_db

LIMIT = 2_000


def _big_file() -> SimpleUploadedFile:
    body = HOSTILE_SEED + "Filler sentence about nothing at all.\n" * 200
    assert len(body.encode()) > LIMIT
    return SimpleUploadedFile("big.txt", body.encode(), content_type="text/plain")


def test_the_upload_page_rejects_a_file_over_the_limit_and_stores_nothing(
    carol: AbstractUser, project: Project, settings: LazySettings
) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = LIMIT
    response = client_for(carol).post(
        "/imports/new/",
        {
            "files": [_big_file()],
            "format": "auto",
            "overlap": "2",
            "source": "",
            "project": project.pk,
        },
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    rejection = ImportRejection.objects.get()
    assert "over the import limit of 2,000 bytes" in rejection.reason


def test_the_import_api_rejects_a_file_over_the_limit_and_stores_nothing(
    carol: AbstractUser, project: Project, settings: LazySettings
) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = LIMIT
    response = client_for(carol).post("/api/imports/", {"files": [_big_file()]})
    assert response.status_code == 201
    body = response.json()
    assert body["rejections"][0]["reason"].startswith("file is ")
    assert "over the import limit" in body["rejections"][0]["reason"]
    assert not Article.objects.exists()
    assert ImportBatch.objects.count() == 1


def test_the_limit_is_set_and_a_file_at_it_is_read(settings: LazySettings) -> None:
    assert 0 < settings.CROSSCHECK_IMPORT_MAX_BYTES <= 100 * 1024 * 1024


def test_an_uploaded_file_is_not_kept_where_it_could_be_served(
    carol: AbstractUser, project: Project, settings: LazySettings, tmp_path
) -> None:  # noqa: ANN001
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("x.html", HOSTILE_SEED.encode(), content_type="text/html")
    response = client_for(carol).post("/api/imports/", {"files": [upload], "format": "seed"})
    assert response.status_code == 201
    assert list(tmp_path.iterdir()) == []  # the text goes to the database, no file is stored
    assert not any(
        isinstance(p, URLPattern | URLResolver) and "media" in str(p.pattern)
        for p in get_resolver().url_patterns
    )


def test_the_article_page_shows_the_raw_text_escaped(carol: AbstractUser, project: Project) -> None:
    task = hostile_import(project=project)
    response = client_for(carol).get(f"/articles/{task.article_id}/")
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert SCRIPT not in html
    assert IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html.lower()


def test_the_api_serves_raw_text_as_json_only(carol: AbstractUser, project: Project) -> None:
    task = hostile_import(project=project)
    response = client_for(carol).get(f"/api/articles/{task.article_id}/")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in response.json()["raw_text"]


def test_the_workspace_shows_the_title_escaped_and_nothing_raw(
    alice: AbstractUser, project: Project
) -> None:
    task = hostile_import(project=project)
    html = client_for(alice).get(f"/tasks/{task.pk}/annotate/").content.decode()
    assert SCRIPT not in html
    assert IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
