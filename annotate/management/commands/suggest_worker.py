"""Work off the suggestion jobs that imports queue when a job queue is configured.

Why a command: with `CROSSCHECK_JOB_QUEUE` set (a Redis URL), an import stores its articles
and returns at once, and the suggestions (NER, dates, known entities: about 0.1 to 0.2 s per
article) are computed here, in a process of their own, so a 10,000-file upload does not hold
the admin's request or the import command for half an hour. Without a queue, imports run
the same work inline when they are done.
"""

from __future__ import annotations

import os
from typing import Any

# natasha's numpy is 3-20x slower on two cores with OpenBLAS threads fighting; before import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from django.conf import settings  # noqa: E402
from django.core.management.base import BaseCommand, CommandError, CommandParser  # noqa: E402

from annotate.services.suggestions import JOB_QUEUE_NAME, _redacted, job_queue  # noqa: E402


class Command(BaseCommand):
    help = (
        "Run the worker for suggestion jobs queued by imports (needs CROSSCHECK_JOB_QUEUE, a "
        "Redis URL). --burst: work off what is queued, then stop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        from redis.exceptions import RedisError
        from rq import SimpleWorker

        url = getattr(settings, "CROSSCHECK_JOB_QUEUE", "")
        if not url:
            raise CommandError(
                "CROSSCHECK_JOB_QUEUE is not set: imports compute suggestions inline, so "
                "there is nothing to work off. Set it to a Redis URL, e.g. "
                "redis://127.0.0.1:6379/0, for imports to queue them."
            )
        queue = job_queue(url)
        try:
            queue.connection.ping()
        except RedisError as e:
            raise CommandError(
                f"CROSSCHECK_JOB_QUEUE: cannot reach Redis at {_redacted(url)}: {e}"
            ) from e
        waiting = queue.count
        self.stdout.write(
            f"Suggestion worker on {_redacted(url)}, queue {JOB_QUEUE_NAME}: {waiting} job(s) "
            f"waiting{'; stops when empty' if options['burst'] else ''}."
        )
        # SimpleWorker runs each job in this process (no fork per job): natasha and the
        # date parser load once and stay loaded.
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=options["burst"], logging_level="WARNING")
        failed = queue.failed_job_registry.count
        self.stdout.write(f"Done. Failed jobs kept in Redis for inspection: {failed}.")
