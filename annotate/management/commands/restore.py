"""`manage.py restore --from FILE`: replace the database with a backup made by `backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.services.backup import BackupError, backup_restore, database_fingerprint


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup FILE (made by `manage.py "
        "backup`). Asks first unless --noinput. Stop the app while restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", required=True, type=Path, help="The backup file to restore."
        )
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        if options["interactive"]:
            try:
                current = database_fingerprint(using=using).summary()
            except Exception:  # noqa: BLE001 - an empty or new database has nothing to show
                current = "(unreadable or empty)"
            self.stdout.write(f"The database now holds: {current}")
            answer = input("Replace all of it with the backup? Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            fingerprint = backup_restore(source=options["source"], using=using)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {options['source']}: {fingerprint.summary()}")
