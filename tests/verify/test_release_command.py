"""`manage.py release_gold`: publishes like the page and the API, records the admin named
by --user, and refuses anyone else before writing anything."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command

from tests.verify.release_helpers import corpus_make
from verify.models import GoldRelease

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def corpus(alice: AbstractUser, bob: AbstractUser, carol: AbstractUser) -> None:
    corpus_make(alice, bob, carol)


def test_it_publishes_and_records_the_admin_named_by_user(
    releases_dir: Path, carol: AbstractUser
) -> None:
    out = StringIO()

    call_command("release_gold", "--name", "v1", "--user", "carol", stdout=out)

    release = GoldRelease.objects.get()
    assert (release.name, release.created_by) == ("v1", carol)
    assert "published release v1" in out.getvalue()
    assert (releases_dir / "v1" / "facts.jsonl").exists()


def test_without_user_the_release_records_no_one(releases_dir: Path) -> None:
    call_command("release_gold", "--name", "v1", stdout=StringIO())

    assert GoldRelease.objects.get().created_by is None


def test_it_refuses_a_reviewer_as_user_and_writes_nothing(
    releases_dir: Path, alice: AbstractUser
) -> None:
    with pytest.raises(CommandError, match="--user: alice is not an active admin"):
        call_command("release_gold", "--name", "v1", "--user", "alice")

    assert not GoldRelease.objects.exists()
    assert not releases_dir.exists() or list(releases_dir.iterdir()) == []


def test_it_names_a_user_that_does_not_exist(releases_dir: Path) -> None:
    with pytest.raises(CommandError, match="--user: there is no user named 'nobody'"):
        call_command("release_gold", "--name", "v1", "--user", "nobody")

    assert not GoldRelease.objects.exists()


def test_a_dry_run_publishes_nothing(releases_dir: Path) -> None:
    out = StringIO()

    call_command("release_gold", "--name", "v1", "--dry-run", stdout=out)

    assert "dry run: release v1 would hold" in out.getvalue()
    assert not GoldRelease.objects.exists()
    assert not (releases_dir / "v1").exists()
