"""Publish a gold dataset release from the adjudicated layer.

Why it exists: the ML engineers take releases away; a release must be reproducible from the
command line (cron, CI, a server without a browser) with the same rules as the admin page
and the API: validated, atomic, deterministic, recorded. `--dry-run` builds and validates
into a temporary folder and publishes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from verify.services.releases import ReleaseFailed, release_publish


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _languages(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _admin(username: str | None) -> AbstractBaseUser | None:
    """The admin named by --user, or None; a clear error for anyone else."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--user: there is no user named {username!r}.")
    if not (user.is_active and user.is_staff):
        raise CommandError(
            f"--user: {username} is not an active admin; only admins publish releases."
        )
    return user


class Command(BaseCommand):
    help = "Publish a gold dataset release (adjudicated data only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="Release name, e.g. v1 or 2026-11.")
        parser.add_argument("--out", type=Path, help="Parent folder (default: the releases dir).")
        parser.add_argument("--languages", type=_languages, default=[], help="e.g. ru,ar")
        parser.add_argument("--since", type=_date, help="Articles published on or after DATE.")
        parser.add_argument("--dry-run", action="store_true", help="Build and check only.")
        parser.add_argument(
            "--user",
            help="The admin publishing it, recorded with the release (default: none recorded).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kwargs = {"name": options["name"], "languages": options["languages"],
                  "since": options["since"], "user": _admin(options["user"])}  # fmt: skip
        try:
            if options["dry_run"]:
                with tempfile.TemporaryDirectory() as folder, transaction.atomic():
                    release = release_publish(out=Path(folder), **kwargs)
                    transaction.set_rollback(True)
                self.stdout.write(
                    f"dry run: release {release.name} would hold {release.counts['counts']}"
                )
                return
            release = release_publish(out=options["out"], **kwargs)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except ReleaseFailed as exc:
            lines = [str(exc), *(f"  - {p}" for p in exc.problems)]
            raise CommandError("\n".join(lines)) from exc
        counts = release.counts["counts"]
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(
            f"published release {release.name} (v{release.version}) in {release.path}: {summary}"
        )
