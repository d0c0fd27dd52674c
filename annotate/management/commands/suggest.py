"""Compute suggestions (pre-annotation) for stored articles.

Why a command: imports compute suggestions for what they bring in, but the known-entity
source improves as reviewers confirm names, so older articles need a re-run; and a bulk
load may have switched the import hook off. Re-running is idempotent and leaves alone every
suggestion a reviewer already accepted or rejected (`annotate.services.suggestions`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

# natasha's numpy is 3-20x slower on two cores with OpenBLAS threads fighting; before import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from django.core.management.base import BaseCommand, CommandError, CommandParser  # noqa: E402
from tqdm import tqdm  # noqa: E402

from annotate.models import Article  # noqa: E402
from annotate.services.suggestions import suggestions_refresh_many  # noqa: E402


class Command(BaseCommand):
    help = (
        "Compute suggestions for articles: --all, or those imported --since a date. "
        "Idempotent; suggestions a reviewer decided on are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every article")
        which.add_argument(
            "--since", metavar="DATE", help="articles imported on or after DATE (YYYY-MM-DD)"
        )
        parser.add_argument("--dry-run", action="store_true", help="count changes, store nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        articles = Article.objects.order_by("id")
        if options["since"]:
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError as e:
                raise CommandError(
                    f"--since wants a date like 2025-10-28, not {options['since']!r}."
                ) from e
            articles = articles.filter(created_at__date__gte=since)
        total = articles.count()
        quiet = options["verbosity"] == 0
        with tqdm(total=total, unit="article", file=sys.stderr, disable=quiet) as bar:
            counts = suggestions_refresh_many(
                articles=articles.iterator(chunk_size=200),
                dry_run=options["dry_run"],
                progress=bar.update,
            )
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{total} articles: {counts.created} suggestions {verb} created, "
            f"{counts.updated} updated, {counts.deleted} deleted; "
            f"{counts.kept_decided} already decided by reviewers left as they were."
        )
