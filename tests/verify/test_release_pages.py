"""Release pages and API: admins publish, see counts and checksums, download a zip and
compare; reviewers get none of it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from tests.conftest import client_for
from tests.verify.release_helpers import Corpus, corpus_make
from verify.models import GoldRelease, GoldSpan
from verify.services.releases import release_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(alice: AbstractUser, bob: AbstractUser, carol: AbstractUser) -> Corpus:
    return corpus_make(alice, bob, carol)


def test_an_admin_publishes_a_release_with_the_new_release_form(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    client = client_for(carol)
    page = client.get(reverse("verify:release-list"))
    assert page.status_code == 200
    assert b"New release" in page.content

    response = client.post(reverse("verify:release-list"), {"name": "v1", "languages": "ru, ar"})

    release = GoldRelease.objects.get(name="v1")
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:release-detail", args=[release.pk])
    assert (release.state, release.created_by, release.filters["languages"]) == (
        "published", carol, ["ar", "ru"],
    )  # fmt: skip
    detail = client.get(response["Location"]).content.decode()
    assert release.checksums["facts.jsonl"] in detail
    assert "Download zip" in detail


def test_the_form_refuses_a_bad_name_and_shows_validation_problems(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    client = client_for(carol)
    bad = client.post(reverse("verify:release-list"), {"name": "no spaces"})
    assert bad.status_code == 200
    assert not GoldRelease.objects.exists()

    GoldSpan.objects.filter(task=corpus.ru, text="Москве").update(text="Moscow")
    response = client.post(reverse("verify:release-list"), {"name": "v1"}, follow=True)

    assert "failed validation" in response.content.decode()
    assert "is not the article&#x27;s" in response.content.decode()
    assert GoldRelease.objects.get(name="v1").state == "failed"


def test_an_admin_downloads_the_release_as_a_zip(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    release = release_publish(name="v1", user=carol)

    response = client_for(carol).get(reverse("verify:release-download", args=[release.pk]))

    assert response.status_code == 200
    assert 'filename="crosscheck-gold-v1.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "v1/facts.jsonl" in names
    assert "v1/parquet/mentions.parquet" in names
    assert archive.read("v1/facts.jsonl") == (Path(release.path) / "facts.jsonl").read_bytes()


def test_a_reviewer_can_neither_download_nor_publish(
    corpus: Corpus, releases_dir: Path, alice: AbstractUser, carol: AbstractUser
) -> None:
    release = release_publish(name="v1", user=carol)
    client = client_for(alice)

    download = client.get(reverse("verify:release-download", args=[release.pk]))
    page_post = client.post(reverse("verify:release-list"), {"name": "v2"})
    api_post = client.post(reverse("verify-api:releases"), {"name": "v3"},
                           content_type="application/json")  # fmt: skip

    assert download.status_code == 302
    assert download["Location"] == reverse("annotate:home")
    assert page_post.status_code == 302
    assert api_post.status_code == 403
    assert list(GoldRelease.objects.values_list("name", flat=True)) == ["v1"]


def test_the_api_publishes_lists_and_answers_422_with_the_problems(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    client = client_for(carol)

    created = client.post(reverse("verify-api:releases"),
                          {"name": "v1", "languages": ["ar"], "since": "2025-10-01"},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201
    assert created.json()["counts"]["counts"]["articles"] == 1
    assert created.json()["created_by"] == "carol"
    listed = client.get(reverse("verify-api:releases")).json()
    assert [r["name"] for r in listed["results"]] == ["v1"]

    GoldSpan.objects.filter(task=corpus.ar, label="LOC").update(label="CITY")
    failed = client.post(reverse("verify-api:releases"), {"name": "v2"},
                         content_type="application/json")  # fmt: skip
    assert failed.status_code == 422
    assert failed.json()["state"] == "failed"
    assert any(
        "'CITY' is not one of its project's entity labels" in p for p in failed.json()["problems"]
    )


def test_an_admin_compares_two_releases_on_a_page_and_through_the_api(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    old = release_publish(name="v1", user=carol, languages=["en"])
    new = release_publish(name="v2", user=carol)
    client = client_for(carol)

    page = client.get(reverse("verify:release-compare"), {"old": old.pk, "new": new.pk})
    api = client.get(reverse("verify-api:release-compare"), {"old": old.pk, "new": new.pk})

    assert page.status_code == 200
    assert "1 fact added, 0 removed, 1 with a changed verdict" in page.content.decode()
    assert [f["id"] for f in api.json()["added"]] == [corpus.meeting.pk]
    assert [(c["old"], c["new"]) for c in api.json()["changed"]] == [("single_source", "disputed")]
