"""Importing from the browser and reading the result (admins only)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from annotate.models import STALE_AFTER, Article, ImportBatch, Project, Task
from annotate.services.imports import ImportInput, import_run
from tests.conftest import client_for
from tests.factories import SEEDS

pytestmark = pytest.mark.django_db


def _seed_upload(prefix: str) -> SimpleUploadedFile:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"format": "auto", "overlap": "2", "source": "", "project": ""}
    data.update(overrides)
    return data


def _batch_with_rejection(project: Project) -> ImportBatch:
    good = (SEEDS / "000_058b1d5b5daf920e.txt").read_bytes()
    inputs = [
        ImportInput(name="good.txt", size=len(good), open=lambda: io.BytesIO(good)),
        ImportInput(name="photo.txt", size=6, open=lambda: io.BytesIO(b"\x89PNG\x00\x01")),
    ]
    return import_run(project=project, inputs=inputs, origin="cli")


# --- who may see the pages -------------------------------------------------------------

PAGES = ["/imports/", "/imports/new/", "/imports/{id}/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(project: Project, url: str) -> None:
    batch = _batch_with_rejection(project)

    response = Client().get(url.format(id=batch.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/imports/")


@pytest.mark.parametrize("url", PAGES)
def test_a_reviewer_is_sent_home_with_a_message(
    alice: AbstractUser, project: Project, url: str
) -> None:
    batch = _batch_with_rejection(project)

    response = client_for(alice).get(url.format(id=batch.pk), follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "That page is for admins only." in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_the_admin_sees_the_page(carol: AbstractUser, project: Project, url: str) -> None:
    batch = _batch_with_rejection(project)

    response = client_for(carol).get(url.format(id=batch.pk))

    assert response.status_code == 200


def test_a_reviewer_cannot_import_by_posting_the_form(
    alice: AbstractUser, project: Project
) -> None:
    response = client_for(alice).post(
        "/imports/new/", _form(files=[_seed_upload("000")], project=project.pk)
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


def test_a_batch_that_does_not_exist_is_404(carol: AbstractUser) -> None:
    assert client_for(carol).get("/imports/999999/").status_code == 404


# --- uploading -------------------------------------------------------------------------


def test_the_upload_form_offers_every_field_with_the_project_default_overlap(
    carol: AbstractUser,
) -> None:
    html = client_for(carol).get("/imports/new/").content.decode()

    assert '<input type="file" name="files" multiple' in html
    assert 'enctype="multipart/form-data"' in html
    for value in ("auto", "seed", "jsonl", "csv", "label-studio"):
        assert f'<option value="{value}"' in html
    assert re.search(r'name="overlap" value="2"', html)
    assert 'name="source"' in html
    assert 'name="dry_run"' in html


def test_uploading_all_five_seeds_imports_them_and_shows_the_batch(
    carol: AbstractUser, project: Project
) -> None:
    files = [_seed_upload(p) for p in ("000", "001", "002", "003", "004")]

    response = client_for(carol).post(
        "/imports/new/", _form(files=files, overlap="3", project=project.pk), follow=True
    )

    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(f"/imports/{batch.pk}/", 302)]
    assert (batch.state, batch.origin, batch.created_by, batch.overlap) == (
        "done",
        "upload",
        carol,
        3,
    )
    assert (batch.file_count, batch.created_count, batch.rejected_count) == (5, 5, 0)
    assert set(Task.objects.values_list("required_overlap", flat=True)) == {3}
    html = response.content.decode()
    assert "5 created, 0 skipped as already imported, 0 rejected." in html
    for article in Article.objects.all():
        assert f'href="/articles/{article.pk}/"' in html
    assert f'href="/articles/?batch={batch.pk}"' in html


def test_uploading_the_same_seed_again_skips_it(carol: AbstractUser, project: Project) -> None:
    client = client_for(carol)
    client.post("/imports/new/", _form(files=[_seed_upload("002")], project=project.pk))

    response = client.post(
        "/imports/new/", _form(files=[_seed_upload("002")], project=project.pk), follow=True
    )

    assert "0 created, 1 skipped as already imported, 0 rejected." in response.content.decode()
    assert Article.objects.count() == 1


def test_a_dry_run_stores_nothing_but_reports_what_it_would_do(
    carol: AbstractUser, project: Project
) -> None:
    response = client_for(carol).post(
        "/imports/new/",
        _form(files=[_seed_upload("001")], dry_run="on", project=project.pk),
        follow=True,
    )

    batch = ImportBatch.objects.get()
    assert batch.dry_run is True
    assert batch.created_count == 1
    assert not Article.objects.exists()
    html = response.content.decode()
    assert "Dry run: 1 created" in html
    assert "A dry run stores no articles." in html


def test_the_source_override_names_the_outlet_of_every_article(
    carol: AbstractUser, project: Project
) -> None:
    client_for(carol).post(
        "/imports/new/",
        _form(files=[_seed_upload("000"), _seed_upload("004")], source="Wire", project=project.pk),
    )

    assert set(Article.objects.values_list("source__name", flat=True)) == {"Wire"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"overlap": "0"}, "Overlap", "greater than or equal to 1"),
        ({"overlap": "21"}, "Overlap", "less than or equal to 20"),
        ({"overlap": "two"}, "Overlap", "Enter a whole number"),
        ({"format": "docx"}, "Format", "Select a valid choice"),
        ({"files": []}, "Files", "Choose at least one file."),
    ],
)
def test_a_bad_form_imports_nothing_and_names_the_field(
    carol: AbstractUser, project: Project, overrides: dict[str, Any], field: str, message: str
) -> None:
    data = _form(files=[_seed_upload("000")], project=project.pk)
    data.update(overrides)

    response = client_for(carol).post("/imports/new/", data)

    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html, re.S)
    assert summary is not None
    assert re.search(rf"<a href=\"#id_\w+\">{field}</a>: [^<]*{message}", summary.group(1))
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("latin1.txt", "Министр обороны".encode("koi8-r"), "UTF-8"),
        ("empty.txt", b"", "empty"),
        ("broken.jsonl", b'{"text": "ok"}\nnot json\n', "JSON"),
        ("notext.csv", b"title,url\nA,https://example.org/a\n", "text"),
    ],
)
def test_a_bad_file_is_rejected_by_name_and_reason_and_the_good_one_lands(
    carol: AbstractUser, project: Project, name: str, content: bytes, reason: str
) -> None:
    bad = SimpleUploadedFile(name, content)

    response = client_for(carol).post(
        "/imports/new/", _form(files=[_seed_upload("000"), bad], project=project.pk), follow=True
    )

    batch = ImportBatch.objects.get()
    assert (batch.created_count, batch.rejected_count) == (1, 1)
    html = response.content.decode()
    assert "See the rejections below." in html
    rows = re.findall(
        r"<tr><td><span dir=\"auto\">(.*?)</span></td>.*?<td dir=\"auto\">(.*?)</td></tr>",
        html,
        re.S,
    )
    assert len(rows) == 1
    file, shown_reason = rows[0]
    assert file == name
    assert reason.lower() in shown_reason.lower()
    assert Article.objects.count() == 1


# --- the batch pages -------------------------------------------------------------------


def test_the_batch_page_lists_every_rejection_with_file_line_field_and_reason(
    carol: AbstractUser, project: Project
) -> None:
    jsonl = b'{"text": "One good line about Belousov."}\n{"title": "no text here"}\n'
    bad = SimpleUploadedFile("feed.jsonl", jsonl)
    client_for(carol).post("/imports/new/", _form(files=[bad], project=project.pk))
    batch = ImportBatch.objects.get()
    rejection = batch.rejections.get()

    html = client_for(carol).get(f"/imports/{batch.pk}/").content.decode()

    assert rejection.line == 2
    row = re.search(r"<tr><td><span dir=\"auto\">feed.jsonl</span></td>(.*?)</tr>", html, re.S)
    assert row is not None
    assert "<td>2</td>" in row.group(1)
    assert f"<td>{rejection.field or '—'}</td>" in row.group(1)
    assert rejection.reason.replace("'", "&#x27;").replace('"', "&quot;") in row.group(1)
    assert batch.created_count == 0  # one file is all or nothing
    assert not Article.objects.exists()


def test_the_batch_page_shows_who_when_format_origin_and_counts(
    carol: AbstractUser, project: Project
) -> None:
    client_for(carol).post(
        "/imports/new/",
        _form(files=[_seed_upload("002")], format="seed", project=project.pk),
    )
    batch = ImportBatch.objects.get()

    html = client_for(carol).get(f"/imports/{batch.pk}/").content.decode()

    assert "<dt>Who</dt><dd>carol</dd>" in html
    assert "<dt>Format</dt><dd>seed</dd>" in html
    assert "<dt>Origin</dt><dd>upload</dd>" in html
    assert batch.created_at.strftime("%Y-%m-%d %H:%M") in html
    assert "<strong>1</strong> created" in html
    assert "<strong>0</strong> rejected" in html
    assert "002_60dedeba1ea355cf.txt" in html


def test_the_batch_list_shows_each_import_with_its_counts(
    carol: AbstractUser, project: Project, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for _ in range(3):
        _batch_with_rejection(project)
    client = client_for(carol)

    with django_assert_max_num_queries(5):  # session, user, count, page (with who)
        html = client.get("/imports/").content.decode()

    for batch in ImportBatch.objects.all():
        assert f'href="/imports/{batch.pk}/"' in html
    assert html.count('<strong class="error">1</strong>') == 3


def test_a_running_import_that_stopped_moving_shows_as_stalled_and_the_page_writes_nothing(
    carol: AbstractUser, project: Project
) -> None:
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=5)
    stalled = ImportBatch.objects.create(project=project, progress_at=long_ago)
    moving = ImportBatch.objects.create(project=project, progress_at=timezone.now())

    listing = client_for(carol).get("/imports/").content.decode()
    detail = client_for(carol).get(f"/imports/{stalled.pk}/").content.decode()
    fresh = client_for(carol).get(f"/imports/{moving.pk}/").content.decode()

    assert listing.count("stalled, probably interrupted") == 1
    assert "stalled, probably interrupted" in detail
    assert "stalled" not in fresh
    stalled.refresh_from_db()
    assert stalled.state == ImportBatch.State.RUNNING  # shown, not written: the next import does
