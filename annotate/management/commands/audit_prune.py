"""`manage.py audit_prune --before DATE`: delete the audit history recorded before a day."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.services.audit import audit_prune


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Delete the audit events recorded before DATE (a retention policy). The pruning is "
        "recorded as an event of its own; --dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, type=_date, help="YYYY-MM-DD (UTC day).")
        parser.add_argument("--user", help="The admin doing it, recorded with the event.")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        before: dt.date = options["before"]
        actor = None
        if options["user"] is not None:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None or not (actor.is_active and actor.is_staff):
                raise CommandError(f"--user: {options['user']} is not an active admin.")
        try:
            count = audit_prune(before=before, actor=actor, dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {count:,} audit events recorded before {before}.")
