"""Backups of the whole database, and restoring one: `manage.py backup` and `restore`.

SQLite (the embedded default) is copied with SQLite's online backup API
(`sqlite3.Connection.backup`): page by page, consistent, while the app keeps serving.
PostgreSQL is dumped with `pg_dump -Fc` and restored with `pg_restore --clean
--single-transaction`, so a failed restore leaves the database as it was.

A backup is first written next to its destination and renamed into place when complete, so
a crash never leaves a half-written file under the backup's name. A restore checks that the
file is a backup of the right kind (an intact SQLite database with Django's tables, or a
pg_dump custom-format archive) before it touches anything.

`database_fingerprint` (row counts of every table and a checksum of the articles and
annotations) tells whether two databases hold the same work; the commands print it and the
tests compare it between a database and its restored copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# The tables whose content (not only their size) a backup must carry over exactly.
CHECKSUM_TABLES = ("annotate_article", "annotate_annotation")


class BackupError(Exception):
    """The backup or restore cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Fingerprint:
    counts: dict[str, int]
    checksums: dict[str, str]

    def summary(self) -> str:
        rows = sum(self.counts.values())
        sums = ", ".join(f"{t} {c[:12]}" for t, c in self.checksums.items())
        return f"{len(self.counts)} tables, {rows:,} rows; checksums: {sums}"


def _vendor(using: str) -> str:
    return connections[using].vendor


def backup_create(*, out: Path, using: str = "default") -> Fingerprint:
    """Write a backup of database `using` to `out` and return the fingerprint it holds."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if _vendor(using) == "sqlite":
            _sqlite_backup(partial, using=using)
        elif _vendor(using) == "postgresql":
            _pg_dump(partial, using=using)
        else:
            raise BackupError(f"backups of {_vendor(using)} databases are not supported")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return database_fingerprint(using=using)


def backup_restore(*, source: Path, using: str = "default") -> Fingerprint:
    """Replace the content of database `using` with the backup `source`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    vendor = _vendor(using)
    kind = backup_kind(source)
    if kind != vendor:
        raise BackupError(f"{source} is not a {vendor} backup (it looks like: {kind or 'neither'})")
    if vendor == "sqlite":
        _sqlite_restore(source, using=using)
    else:
        _pg_restore(source, using=using)
    return database_fingerprint(using=using)


def backup_kind(path: Path) -> str | None:
    """ "sqlite" or "postgresql" from the file's first bytes, else None."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return None


# --- SQLite --------------------------------------------------------------------------------


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(path: Path, *, using: str) -> None:
    target = sqlite3.connect(path)
    try:
        # Through Django's own connection, so an in-memory (test) database works too.
        _raw_sqlite(using).backup(target)
        # A backup file is one self-contained file: no WAL beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(target, path)
    finally:
        target.close()


def _sqlite_check(db: sqlite3.Connection, path: Path) -> None:
    (status,) = db.execute("PRAGMA integrity_check").fetchone()
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}")
    found = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='django_migrations'"
    ).fetchone()[0]
    if not found:
        raise BackupError(f"{path} is an SQLite database but not a Crosscheck one")


def _sqlite_restore(source: Path, *, using: str) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _sqlite_check(backup, source)
        connection = connections[using]
        if connection.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        # The backup API replaces every page of the target under one write lock.
        backup.backup(_raw_sqlite(using))
    finally:
        backup.close()
    connections[using].close()


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_args(using: str) -> tuple[list[str], dict[str, str]]:
    db = connections[using].settings_dict
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else "")
    if not found:
        raise BackupError(f"{name} not found: apt-get install postgresql-client")
    return found


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {result.stderr.strip()[:2000]}")


def _pg_dump(path: Path, *, using: str) -> None:
    args, env = _pg_args(using)
    name = str(connections[using].settings_dict["NAME"])
    _run(
        [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(path), name],
        env,
    )


def _pg_restore(source: Path, *, using: str) -> None:
    args, env = _pg_args(using)
    name = str(connections[using].settings_dict["NAME"])
    connections[using].close()
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *args,
            "-d",
            name,
            str(source),
        ],
        env,
    )


# --- Comparing -----------------------------------------------------------------------------


def database_fingerprint(*, using: str = "default") -> Fingerprint:
    with connections[using].cursor() as cursor:
        tables = sorted(connections[using].introspection.table_names(cursor))
        return fingerprint_from_cursor(cursor, tables=tables)


def fingerprint_from_cursor(cursor: Any, *, tables: list[str]) -> Fingerprint:
    """Counts and checksums through any DB-API cursor (Django's or a bare sqlite3 one)."""
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the schema)
        counts[table] = int(cursor.fetchone()[0])
    checksums: dict[str, str] = {}
    for table in CHECKSUM_TABLES:
        if table not in counts:
            continue
        digest = hashlib.sha256()
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')  # noqa: S608
        for row in cursor.fetchall():
            digest.update(repr(tuple(_plain(v) for v in row)).encode())
        checksums[table] = digest.hexdigest()
    return Fingerprint(counts=counts, checksums=checksums)


def _plain(value: Any) -> Any:
    # The same row read through a bare sqlite3 cursor (text, 0/1) and through Django's
    # (which converts dates, times and booleans) must hash alike.
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time | Decimal):
        return str(value)
    return value
