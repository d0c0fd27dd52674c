"""Print pairs of entities that look like one entity, and optionally merge the surest ones.

Why it exists: reviewers create entities from mentions in Russian, Arabic and English, so the
same person soon exists three times (`Мурхеф Абу Касра`, `مرهف أبو قصرة`, `Murhaf Abu Qasra`).
This lists the pairs whose aliases match across scripts, with the score and the aliases that
matched, for an admin to review (the same list is on the merge-suggestions page).
`--merge-above` merges pairs at or above a score, recorded in each entity's history under
`--user`; with `--dry-run` it reports those merges and rolls them back.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from verify.models import Entity
from verify.selectors.entities import MergeSuggestion, entity_merge_suggestions
from verify.services.entities import entity_merge


class Command(BaseCommand):
    help = "Print merge proposals for entities whose aliases match across scripts and spellings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--type", default="", help="Only entities of this type (PER, ORG…).")
        parser.add_argument(
            "--min-score", type=float, default=0.85, help="Lowest score to list (0 to 1)."
        )
        parser.add_argument("--limit", type=int, default=100, help="At most this many pairs.")
        parser.add_argument(
            "--merge-above",
            type=float,
            default=None,
            help="Merge pairs scoring at least this much (the first entity is kept).",
        )
        parser.add_argument(
            "--user", default="", help="Admin username the merges are recorded under."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="With --merge-above: report, then roll back."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        min_score, merge_above = options["min_score"], options["merge_above"]
        if not 0 <= min_score <= 1:
            raise CommandError("--min-score is between 0 and 1.")
        user = self._admin(options["user"]) if merge_above is not None else None
        suggestions = entity_merge_suggestions(
            type=options["type"].strip().upper() or None,
            min_score=min_score,
            limit=options["limit"],
        )
        if not suggestions:
            self.stdout.write("No merge proposals.")
            return
        for s in suggestions:
            self.stdout.write(_line(s))
        self.stdout.write(f"{len(suggestions)} proposal(s).")
        if merge_above is not None:
            self._merge(
                [s for s in suggestions if s.score >= merge_above], user, options["dry_run"]
            )

    def _admin(self, username: str) -> Any:
        if not username:
            raise CommandError(
                "--merge-above needs --user, the admin the merges are recorded under."
            )
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No admin called {username!r}.")
        return user

    def _merge(self, suggestions: list[MergeSuggestion], user: Any, dry_run: bool) -> None:
        prefix = "[dry run] " if dry_run else ""
        merged = 0
        with transaction.atomic():
            for s in suggestions:
                keep = Entity.objects.get(pk=s.first.pk)
                merge = Entity.objects.get(pk=s.second.pk)
                if not (keep.is_active and merge.is_active):
                    continue  # an earlier merge in this run took one of them
                try:
                    entity_merge(
                        keep=keep,
                        merge=merge,
                        user=user,
                        rationale=f"suggest_entities: score {s.score:.3f} "
                        f"({s.first_alias} ≈ {s.second_alias})",
                    )
                except ValidationError as error:
                    self.stderr.write(
                        f"skipped #{merge.pk} -> #{keep.pk}: {' '.join(error.messages)}"
                    )
                    continue
                merged += 1
                self.stdout.write(f"{prefix}merged #{merge.pk} into #{keep.pk}")
            if dry_run:
                transaction.set_rollback(True)
        self.stdout.write(f"{prefix}{merged} merge(s).")


def _line(s: MergeSuggestion) -> str:
    return (
        f"{s.score:.3f}  {s.first.type:5} #{s.first.pk} {s.first.preferred_name}  <->  "
        f"#{s.second.pk} {s.second.preferred_name}   [{s.first_alias} ≈ {s.second_alias}]"
    )
