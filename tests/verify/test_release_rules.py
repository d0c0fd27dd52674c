"""The rules a release keeps: deterministic, atomic, validated, recorded, comparable."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.factories import span, task_make
from tests.verify.adjudication_helpers import review
from tests.verify.facts_helpers import fact_result, outlet_result
from tests.verify.release_helpers import (
    Corpus,
    corpus_make,
    tree_bytes,
)
from verify.exports import fever, label_studio
from verify.models import GoldRelease, GoldSpan
from verify.selectors.releases import release_compare
from verify.services.releases import ReleaseFailed, release_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(alice: AbstractUser, bob: AbstractUser, carol: AbstractUser) -> Corpus:
    return corpus_make(alice, bob, carol)


def test_two_releases_of_unchanged_data_are_byte_identical(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    first = release_publish(name="v1", user=carol)
    second = release_publish(name="v2", user=carol)

    assert tree_bytes(Path(first.path)) == tree_bytes(Path(second.path))
    assert first.checksums == second.checksums
    assert (first.version, second.version) == (1, 2)


def test_a_failure_mid_write_leaves_no_release_and_says_what_failed(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(row: dict) -> dict:
        raise OSError("disk full")

    monkeypatch.setattr(fever, "fever_row", broken)

    with pytest.raises(ReleaseFailed, match="facts.jsonl and fever.jsonl: OSError: disk full"):
        release_publish(name="v1", user=carol)

    assert list(releases_dir.iterdir()) == []  # not the release, not its temporary folder
    release = GoldRelease.objects.get(name="v1")
    assert (release.state, release.path, release.checksums) == ("failed", "", {})
    assert "disk full" in release.error


def test_a_failure_in_the_second_process_fails_the_release_with_its_error(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # label_studio.json and conll/ are written by a forked process: its error must reach
    # the release record, and neither a folder nor the process may be left behind.
    def broken(**kwargs: object) -> dict:
        raise OSError("disk full")

    monkeypatch.setattr(label_studio, "label_studio_task", broken)

    with pytest.raises(ReleaseFailed, match="SecondProcessFailed: OSError: disk full"):
        release_publish(name="v1", user=carol)

    assert list(releases_dir.iterdir()) == []
    assert multiprocessing.active_children() == []
    release = GoldRelease.objects.get(name="v1")
    assert (release.state, release.path) == ("failed", "")
    assert "disk full" in release.error


def test_a_release_that_fails_validation_lists_each_problem_and_is_not_published(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    moscow = GoldSpan.objects.get(task=corpus.ru, text="Москве")
    GoldSpan.objects.filter(pk=moscow.pk).update(text="Москва")
    claim = GoldSpan.objects.get(task=corpus.en, kind="claim")
    GoldSpan.objects.filter(pk=claim.pk).update(label="RUMOUR")

    with pytest.raises(ReleaseFailed) as failed:
        release_publish(name="v1", user=carol)

    problems = failed.value.problems
    assert any(f"gold span {moscow.pk}" in p and "'Москва' is not the article's 'Москве'" in p
               for p in problems)  # fmt: skip
    assert any(f"gold span {claim.pk}" in p and "'RUMOUR' is not one of its project's claim labels" in p
               for p in problems)  # fmt: skip
    # The rejected claim is the denial's only evidence: its fact row does not resolve.
    assert any(f"evidence gold span {claim.pk} does not resolve" in p for p in problems)
    assert list(releases_dir.iterdir()) == []
    release = GoldRelease.objects.get(name="v1")
    assert (release.state, release.problems) == ("failed", problems)
    # Fixed, the same name can be published.
    GoldSpan.objects.filter(pk=moscow.pk).update(text="Москве")
    GoldSpan.objects.filter(pk=claim.pk).update(label="CLAIM")
    assert release_publish(name="v1", user=carol).state == "published"


def test_a_release_name_must_be_new_and_plain(releases_dir: Path, carol: AbstractUser) -> None:
    release_publish(name="v1", user=carol)

    with pytest.raises(ValidationError, match="exists"):
        release_publish(name="v1", user=carol)
    with pytest.raises(ValidationError, match="letters, digits"):
        release_publish(name="../escape", user=carol)
    assert GoldRelease.objects.count() == 1


def test_the_release_is_recorded_with_who_filters_counts_and_checksums(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    release = release_publish(name="v1", user=carol, languages=["ru"])

    release.refresh_from_db()
    assert (release.state, release.created_by, release.finished_at is not None) == (
        "published", carol, True,
    )  # fmt: skip
    assert release.filters == {"languages": ["ru"], "since": None}
    assert release.counts["counts"]["articles"] == 1
    lines = (Path(release.path) / "checksums.sha256").read_text().splitlines()
    assert {line.split("  ")[1]: line.split("  ")[0] for line in lines} == release.checksums


def test_the_command_publishes_and_reports_problems(
    corpus: Corpus, releases_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "elsewhere"
    call_command("release_gold", "--name", "v1", "--out", str(out), "--languages", "ru,ar",
                 "--since", "2025-10-01")  # fmt: skip

    assert "published release v1 (v1)" in capsys.readouterr().out
    assert (out / "v1" / "facts.jsonl").exists()
    assert GoldRelease.objects.get(name="v1").filters["languages"] == ["ar", "ru"]

    call_command("release_gold", "--name", "dry", "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert not GoldRelease.objects.filter(name="dry").exists()

    GoldSpan.objects.filter(task=corpus.ru, text="Москве").update(text="Moscow")
    with pytest.raises(CommandError, match="failed validation") as failed:
        call_command("release_gold", "--name", "v2")
    assert "is not the article's" in str(failed.value)


def test_comparing_two_releases_shows_facts_added_removed_and_changed_verdicts(
    corpus: Corpus, releases_dir: Path, alice: AbstractUser, bob: AbstractUser,
    carol: AbstractUser,
) -> None:  # fmt: skip
    old = release_publish(name="v1", user=carol, languages=["en"])  # the denial only
    # A third outlet (Interfax) reports the meeting and refutes the signing too.
    text = "Агентство сообщило, что соглашение подписано. Визит продлится два дня."
    task = task_make(text=text, source="Interfax", languages=["ru"])
    review_result = [
        span(text, "соглашение подписано", "CLAIM", rid="c1"),
        fact_result("c1", corpus.signed, "refutes"), outlet_result("c1"),
        span(text, "Визит продлится два дня", "CLAIM", rid="c2"),
        fact_result("c2", corpus.meeting, "supports"), outlet_result("c2"),
    ]  # fmt: skip
    review(task, alice, review_result)
    review(task, bob, review_result)
    new = release_publish(name="v2", user=carol)

    comparison = release_compare(old=old, new=new)

    assert [(f["id"], f["verdict"]) for f in comparison.added] == [
        (corpus.meeting.pk, "corroborated"),
    ]
    assert comparison.removed == []
    assert [(c["id"], c["old"], c["new"]) for c in comparison.changed] == [
        (corpus.signed.pk, "single_source", "disputed"),
    ]
    back = release_compare(old=new, new=old)
    assert [f["id"] for f in back.removed] == [corpus.meeting.pk]
    assert [c["new"] for c in back.changed] == ["single_source"]
