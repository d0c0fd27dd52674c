"""`manage.py backup --out FILE`: a consistent copy of the whole database, taken live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: SQLite's online backup API for SQLite, pg_dump -Fc "
        "for PostgreSQL. Safe while the app is serving. Restore with `manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="The backup file to write.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        try:
            fingerprint = backup_create(out=out, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = out.stat().st_size
        self.stdout.write(f"Backed up to {out} ({size:,} bytes): {fingerprint.summary()}")
