"""`manage.py backup` and `restore`: a backup restored into a fresh database holds the
same rows (counts of every table) and the same articles and annotations (checksums).

The backup is taken in-process from the test database; the restore runs as a real
`manage.py restore` process into a new SQLite file, which is then read with bare sqlite3.
PostgreSQL (pg_dump/pg_restore) runs when CROSSCHECK_BACKUP_PG_URL names a scratch
database the test may overwrite (never `test`): see docs/decisions.md.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command
from django.db import connection

from annotate.models import Annotation, Article, Project
from annotate.services.backup import (
    CHECKSUM_TABLES,
    Fingerprint,
    database_fingerprint,
    fingerprint_from_cursor,
)
from tests.factories import span
from tests.security.hostile import NAME, SCRIPT, hostile_import
from tests.verify.adjudication_helpers import review

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def work(project: Project, alice: AbstractUser, bob: AbstractUser) -> Fingerprint:
    """An imported article (with hostile text) reviewed by alice (submitted) and bob (draft)."""
    task = hostile_import(project=project)
    text = task.article.text
    review(task, alice, [span(text, NAME, "PER", rid="a1"), span(text, SCRIPT, "ORG", rid="a2")])
    review(task, bob, [span(text, NAME, "PER", rid="b1")], submit=False)
    assert Annotation.objects.count() == 2
    return database_fingerprint()


def _manage(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "CROSSCHECK_SQLITE_PATH": str(db)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _sqlite_fingerprint(path: Path) -> Fingerprint:
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return fingerprint_from_cursor(db.cursor(), tables=tables)
    finally:
        db.close()


def test_a_backup_restored_into_a_fresh_database_holds_the_same_work(
    work: Fingerprint, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(
            "restores into a fresh SQLite file; on PostgreSQL the fresh-database round trip is "
            "test_postgresql_backup_and_restore_round_trip"
        )
    backup = tmp_path / "crosscheck.backup"
    call_command("backup", out=backup)
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")

    fresh = tmp_path / "fresh.sqlite3"
    result = _manage("restore", "--from", str(backup), "--noinput", db=fresh)
    assert result.returncode == 0, result.stderr
    assert "Restored from" in result.stdout

    restored = _sqlite_fingerprint(fresh)
    assert restored.counts == work.counts
    assert restored.checksums == work.checksums
    assert set(restored.checksums) == set(CHECKSUM_TABLES)
    assert restored.counts["annotate_annotation"] == 2
    assert restored.counts["annotate_article"] == 1


def test_restore_replaces_what_the_database_held(work: Fingerprint, tmp_path: Path) -> None:
    backup = tmp_path / "crosscheck.backup"
    call_command("backup", out=backup)
    Annotation.objects.all().delete()
    Article.objects.update(title="changed after the backup")
    assert database_fingerprint() != work

    call_command("restore", source=backup, interactive=False)

    assert database_fingerprint() == work
    assert Annotation.objects.count() == 2


def test_the_checksum_notices_a_changed_annotation(work: Fingerprint) -> None:
    annotation = Annotation.objects.order_by("pk").first()
    assert annotation is not None
    Annotation.objects.filter(pk=annotation.pk).update(version=annotation.version + 1)
    changed = database_fingerprint()
    assert changed.counts == work.counts
    assert changed.checksums["annotate_annotation"] != work.checksums["annotate_annotation"]


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    work: Fingerprint, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    with pytest.raises(CommandError, match=f"not a {connection.vendor} backup"):
        call_command("restore", source=bogus, interactive=False)
    if connection.vendor == "sqlite":
        other = tmp_path / "other.sqlite3"
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
        with pytest.raises(CommandError, match="not a Crosscheck one"):
            call_command("restore", source=other, interactive=False)
    assert database_fingerprint() == work


def test_a_restore_asks_first_and_a_no_changes_nothing(
    work: Fingerprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "crosscheck.backup"
    call_command("backup", out=backup)
    Annotation.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", source=backup)
    assert Annotation.objects.count() == 0


def test_a_backup_never_leaves_a_partial_file_under_its_name(
    work: Fingerprint, tmp_path: Path
) -> None:
    out = tmp_path / "sub" / "crosscheck.backup"
    call_command("backup", out=out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["crosscheck.backup"]
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup", out=tmp_path)


def test_postgresql_backup_and_restore_round_trip(tmp_path: Path) -> None:
    url = os.environ.get("CROSSCHECK_BACKUP_PG_URL", "")
    if not url:
        reason = "set CROSSCHECK_BACKUP_PG_URL to a scratch PostgreSQL database to run"
        if os.environ.get("CI"):
            pytest.fail(f"required under CI: {reason} (.ci/run does)")
        pytest.skip(reason)
    assert not url.rstrip("/").endswith(("/test", "/test_test")), "never the shared databases"
    env = {**os.environ, "DATABASE_URL": url}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert manage("migrate", "-v0").returncode == 0
    assert manage("setup_demo").returncode == 0
    assert manage("import_articles", str(ROOT / "seeds")).returncode == 0
    backup = tmp_path / "pg.dump"
    made = manage("backup", "--out", str(backup))
    assert made.returncode == 0, made.stderr
    assert backup.read_bytes().startswith(b"PGDMP")
    before = made.stdout.split(": ", 1)[1]
    assert manage("flush", "--noinput").returncode == 0
    restored = manage("restore", "--from", str(backup), "--noinput")
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.split(": ", 1)[1] == before
