"""Suggestions after an import go to a real RQ queue on Redis when one is configured, and a
worker (`manage.py suggest_worker`) stores them; without Redis the import still lands.

Needs the Redis server at 127.0.0.1:6379 (database 14, emptied by each test): skipped with
the reason where it is missing, failed under CI, which always has it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotate.models import Suggestion
from annotate.services.suggestions import job_queue, suggestions_refresh_batch
from tests.factories import tasks_import

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_058b1d5b5daf920e.txt"
REDIS_URL = "redis://127.0.0.1:6379/14"
NOBODY_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_url(settings: object) -> Iterator[str]:
    from redis import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.ping()
    except RedisError as e:
        reason = f"no Redis at {REDIS_URL} ({e}); start redis-server to run this test"
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    redis.flushdb()
    settings.CROSSCHECK_JOB_QUEUE = REDIS_URL  # type: ignore[attr-defined]
    settings.CROSSCHECK_SUGGEST_ON_IMPORT = True  # type: ignore[attr-defined]
    yield REDIS_URL
    redis.flushdb()


def test_an_import_queues_its_suggestions_and_the_worker_stores_them(redis_url: str) -> None:
    [task] = tasks_import(SEED)
    queue = job_queue(redis_url)

    assert Suggestion.objects.count() == 0
    assert queue.count == 1
    assert queue.jobs[0].kwargs == {"batch_id": task.article.import_batch_id}

    out = StringIO()
    call_command("suggest_worker", "--burst", stdout=out)

    assert queue.count == 0
    assert "1 job(s) waiting" in out.getvalue()
    assert "Failed jobs kept in Redis for inspection: 0" in out.getvalue()
    stored = Suggestion.objects.filter(article=task.article)
    assert stored.filter(label="DATE").exists()
    assert stored.filter(label="PER").exists()
    # What the worker stored is what an inline run computes: running it again changes nothing.
    again = suggestions_refresh_batch(batch_id=task.article.import_batch_id)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_an_unreachable_queue_leaves_the_import_whole_and_says_so(
    settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CROSSCHECK_JOB_QUEUE = "redis://:secret@127.0.0.1:1/0"  # type: ignore[attr-defined]
    settings.CROSSCHECK_SUGGEST_ON_IMPORT = True  # type: ignore[attr-defined]

    with caplog.at_level(logging.ERROR, logger="annotate.services.suggestions"):
        [task] = tasks_import(SEED)

    assert task.article.text
    assert Suggestion.objects.count() == 0
    [record] = caplog.records
    assert "could not be queued at redis://***@127.0.0.1:1/0" in record.getMessage()
    assert "secret" not in record.getMessage()


def test_the_worker_refuses_to_start_without_a_queue(settings: object) -> None:
    settings.CROSSCHECK_JOB_QUEUE = ""  # type: ignore[attr-defined]

    with pytest.raises(CommandError, match="CROSSCHECK_JOB_QUEUE is not set"):
        call_command("suggest_worker", "--burst")


def test_the_worker_names_the_redis_it_cannot_reach(settings: object) -> None:
    settings.CROSSCHECK_JOB_QUEUE = NOBODY_URL  # type: ignore[attr-defined]

    with pytest.raises(CommandError, match="cannot reach Redis at redis://127.0.0.1:1/0"):
        call_command("suggest_worker", "--burst")
