"""The import and article API: `/api/imports/` and `/api/articles/` (admins only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from annotate.models import Article, ImportBatch, Project, Task
from annotate.services.imports import import_inputs_from_paths, import_run
from tests.conftest import client_for
from tests.factories import SEEDS, task_make

pytestmark = pytest.mark.django_db

SEED_PREFIXES = ("000", "001", "002", "003", "004")


def _seed_upload(prefix: str) -> SimpleUploadedFile:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def _seeds_imported(project: Project) -> ImportBatch:
    return import_run(project=project, inputs=import_inputs_from_paths([str(SEEDS)]))


# --- who may call what -----------------------------------------------------------------

GETS = ["/api/imports/", "/api/imports/{batch}/", "/api/articles/", "/api/articles/{article}/"]


def _urls(project: Project) -> dict[str, str]:
    batch = _seeds_imported(project)
    article = Article.objects.first()
    assert article is not None
    return {u: u.format(batch=batch.pk, article=article.pk) for u in GETS}


@pytest.mark.parametrize("url", GETS)
def test_anonymous_callers_get_401(project: Project, url: str) -> None:
    response = Client().get(_urls(project)[url])

    assert response.status_code == 401


@pytest.mark.parametrize("url", GETS)
def test_a_reviewer_gets_403(alice: AbstractUser, project: Project, url: str) -> None:
    response = client_for(alice).get(_urls(project)[url])

    assert response.status_code == 403
    assert response.json() == {"detail": "Only admins can do this."}


@pytest.mark.parametrize("url", GETS)
def test_the_admin_gets_200(carol: AbstractUser, project: Project, url: str) -> None:
    response = client_for(carol).get(_urls(project)[url])

    assert response.status_code == 200


def test_anonymous_and_reviewer_posts_import_nothing(alice: AbstractUser) -> None:
    anonymous = Client().post("/api/imports/", {"files": [_seed_upload("000")]})
    reviewer = client_for(alice).post("/api/imports/", {"files": [_seed_upload("000")]})

    assert (anonymous.status_code, reviewer.status_code) == (401, 403)
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


def test_a_token_gives_the_admin_the_same_rights(carol: AbstractUser, alice: AbstractUser) -> None:
    carol_token = Token.objects.create(user=carol)
    alice_token = Token.objects.create(user=alice)

    as_carol = Client().get("/api/imports/", HTTP_AUTHORIZATION=f"Token {carol_token.key}")
    as_alice = Client().get("/api/imports/", HTTP_AUTHORIZATION=f"Token {alice_token.key}")

    assert (as_carol.status_code, as_alice.status_code) == (200, 403)


# --- POST /api/imports/ ----------------------------------------------------------------


def test_posting_the_five_seeds_creates_a_batch_and_answers_201_with_it(
    carol: AbstractUser, project: Project
) -> None:
    token = Token.objects.create(user=carol)
    files = [_seed_upload(p) for p in SEED_PREFIXES]

    response = Client().post(
        "/api/imports/",
        {"files": files, "format": "seed", "overlap": "3"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 201
    body = response.json()
    batch = ImportBatch.objects.get()
    assert body["id"] == batch.pk
    assert body["state"] == "done"
    assert body["counts"] == {"created": 5, "skipped": 0, "rejected": 0, "near_duplicates": 0}
    assert body["rejections"] == []
    assert (body["origin"], body["format"], body["created_by"], body["overlap"]) == (
        "api",
        "seed",
        "carol",
        3,
    )
    assert body["project"] == project.slug
    assert sorted(body["paths"]) == sorted(f.name for f in files)
    assert Task.objects.filter(required_overlap=3).count() == 5


def test_posting_a_seed_twice_skips_it_the_second_time(carol: AbstractUser) -> None:
    client = client_for(carol)
    client.post("/api/imports/", {"files": [_seed_upload("003")]})

    response = client.post("/api/imports/", {"files": [_seed_upload("003")]})

    assert response.status_code == 201
    assert response.json()["counts"]["skipped"] == 1
    assert Article.objects.count() == 1


def test_overlap_defaults_to_the_projects_and_a_dry_run_stores_nothing(
    carol: AbstractUser, project: Project
) -> None:
    project.default_overlap = 4
    project.save(update_fields=["default_overlap"])

    response = client_for(carol).post(
        "/api/imports/", {"files": [_seed_upload("001")], "dry_run": "true"}
    )

    assert response.status_code == 201
    assert (response.json()["overlap"], response.json()["dry_run"]) == (4, True)
    assert response.json()["counts"]["created"] == 1
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"overlap": "0"}, "overlap"),
        ({"overlap": "21"}, "overlap"),
        ({"format": "docx"}, "format"),
        ({"project": "no-such-project"}, "project"),
        ({"source": "x" * 201}, "source"),
        ({"files": []}, "files"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_imports_nothing(
    carol: AbstractUser, project: Project, data: dict[str, Any], field: str
) -> None:
    payload: dict[str, Any] = {"files": [_seed_upload("000")]}
    payload.update(data)

    response = client_for(carol).post("/api/imports/", payload)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


def test_a_json_body_is_refused_because_files_come_as_multipart(carol: AbstractUser) -> None:
    response = client_for(carol).post(
        "/api/imports/", {"files": []}, content_type="application/json"
    )

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary"),
        ("cp1251.txt", "Министр обороны".encode("cp1251"), None, "UTF-8"),
        ("empty.txt", b"", None, "empty"),
        ("feed.jsonl", b'{"text": "Belousov met Abu Qasra."}\n{oops\n', 2, "JSON"),
        ("sheet.csv", b"title;url\nA;https://example.org/a\n", None, "text"),
    ],
)
def test_a_bad_file_comes_back_as_a_rejection_naming_file_and_reason(
    carol: AbstractUser, name: str, content: bytes, line: int | None, reason: str
) -> None:
    files = [_seed_upload("004"), SimpleUploadedFile(name, content)]

    response = client_for(carol).post("/api/imports/", {"files": files})

    assert response.status_code == 201
    body = response.json()
    assert body["counts"]["created"] == 1
    assert body["counts"]["rejected"] == 1
    (rejection,) = body["rejections"]
    assert rejection["file"] == name
    if line is not None:  # where a line means something (a record), it is the right one
        assert rejection["line"] == line
    assert reason.lower() in rejection["reason"].lower()
    assert Article.objects.count() == 1


def test_a_file_over_the_size_limit_is_rejected_unread(carol: AbstractUser, settings: Any) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = 100

    response = client_for(carol).post("/api/imports/", {"files": [_seed_upload("002")]})

    (rejection,) = response.json()["rejections"]
    assert rejection["file"] == "002_60dedeba1ea355cf.txt"
    assert "over the import limit of 100 bytes" in rejection["reason"]


# --- GET /api/imports/ -----------------------------------------------------------------


def test_the_batch_list_is_paginated_newest_first_without_rejections(
    carol: AbstractUser, project: Project, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    first = _seeds_imported(project)
    second = _seeds_imported(project)
    client = client_for(carol)

    with django_assert_max_num_queries(4):  # session, user, count, page
        response = client.get("/api/imports/")

    body = response.json()
    assert body["count"] == 2
    assert [b["id"] for b in body["results"]] == [second.pk, first.pk]
    assert body["results"][1]["counts"]["created"] == 5
    assert body["results"][0]["counts"]["skipped"] == 5
    assert "rejections" not in body["results"][0]


def test_one_batch_comes_with_all_its_rejections(carol: AbstractUser) -> None:
    client = client_for(carol)
    created = client.post(
        "/api/imports/",
        {"files": [SimpleUploadedFile("a.txt", b""), SimpleUploadedFile("b.txt", b"\x00\x01")]},
    ).json()

    response = client.get(f"/api/imports/{created['id']}/")

    assert response.status_code == 200
    assert [r["file"] for r in response.json()["rejections"]] == ["a.txt", "b.txt"]


def test_a_batch_that_does_not_exist_is_404(carol: AbstractUser) -> None:
    assert client_for(carol).get("/api/imports/999999/").status_code == 404


# --- GET /api/articles/ ----------------------------------------------------------------


def test_the_article_list_is_paginated_and_bounded_in_queries(
    carol: AbstractUser, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for i in range(55):
        task_make(title=f"Piece {i}", source=f"Outlet {i % 3}")
    client = client_for(carol)

    with django_assert_max_num_queries(4):  # session, user, count, page (source, task joined)
        response = client.get("/api/articles/")

    body = response.json()
    assert body["count"] == 55
    assert len(body["results"]) == 50
    assert body["next"].endswith("/api/articles/?page=2")
    item = body["results"][0]
    assert set(item) == {
        "id",
        "title",
        "url",
        "published_on",
        "languages",
        "source",
        "task",
        "near_duplicate_of",
        "import_batch",
    }
    assert item["task"]["state"] == "open"
    assert "text" not in item


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=BELOUSOV", {"Belousov in Moscow"}),
        ("language=ar", {"Arabic piece"}),
        ("state=complete", {"Done piece"}),
        ("state=open&language=ru", {"Belousov in Moscow"}),
    ],
)
def test_the_article_list_filters_like_the_page(
    carol: AbstractUser, query: str, expected: set[str]
) -> None:
    task_make(title="Belousov in Moscow", languages=["ru"])
    task_make(title="Arabic piece", languages=["ar"])
    task_make(title="Done piece", languages=["ru"], state=Task.State.COMPLETE)

    response = client_for(carol).get(f"/api/articles/?{query}")

    assert {a["title"] for a in response.json()["results"]} == expected


def test_the_source_and_batch_filters_work(carol: AbstractUser, project: Project) -> None:
    batch = _seeds_imported(project)
    other = task_make(title="By hand", source="TASS").article
    client = client_for(carol)

    by_batch = client.get(f"/api/articles/?batch={batch.pk}").json()
    by_source = client.get(f"/api/articles/?source={other.source_id}").json()

    assert by_batch["count"] == 5
    assert [a["title"] for a in by_source["results"]] == ["By hand"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=later", "state"), ("source=abc", "source"), ("language=AR!", "language")],
)
def test_a_bad_filter_is_400_naming_it(carol: AbstractUser, query: str, field: str) -> None:
    response = client_for(carol).get(f"/api/articles/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_one_article_has_text_raw_text_metadata_and_task(
    carol: AbstractUser, project: Project
) -> None:
    _seeds_imported(project)
    article = Article.objects.get(source_file__endswith="002_60dedeba1ea355cf.txt")

    response = client_for(carol).get(f"/api/articles/{article.pk}/")

    body = response.json()
    assert body["text"] == article.text
    assert body["raw_text"] == article.raw_text
    assert body["metadata"] == article.metadata
    assert body["task"] == {"id": article.task.pk, "state": "open", "required_overlap": 2}
    assert body["languages"] == article.languages
    assert body["content_hash"] == article.content_hash
    assert "Андрей Белоусов" in body["text"]


def test_an_article_that_does_not_exist_is_404(carol: AbstractUser) -> None:
    assert client_for(carol).get("/api/articles/999999/").status_code == 404
