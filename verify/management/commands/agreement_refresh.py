"""Recompute the cached agreement of every compared task, and open adjudications that are missing.

Why it exists: agreement is cached when a task's last review comes in. Tasks completed before
the cache existed, or imported already reviewed, have none; and a change to the agreement
code leaves old figures behind. This fills the gaps (complete tasks without an adjudication
are compared, queued or accepted automatically like a fresh completion) and recomputes the
figures of every task that has them. `--dry-run` only counts.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from annotate.models import Task
from verify.models import TaskAgreement
from verify.services.adjudication import tasks_review_complete_missing
from verify.services.agreement import agreement_compute_many


class Command(BaseCommand):
    help = "Recompute cached agreement figures and open missing adjudications."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = Task.objects.filter(state=Task.State.COMPLETE, adjudication__isnull=True)
        cached = TaskAgreement.objects.values_list("task_id", flat=True).order_by("task_id")
        if options["dry_run"]:
            self.stdout.write(
                f"would open {missing.count()} adjudication(s) and recompute "
                f"{cached.count()} task(s)"
            )
            return
        opened = tasks_review_complete_missing()
        recomputed = agreement_compute_many(task_ids=list(cached))
        self.stdout.write(f"opened {opened} adjudication(s); recomputed {recomputed} task(s)")
