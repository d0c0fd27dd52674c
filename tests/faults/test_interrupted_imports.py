"""Which "running" imports the next import calls interrupted: only those that stopped moving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotate.models import ImportBatch, Project
from annotate.services.imports import STALE_AFTER, import_batches_mark_interrupted, import_run

pytestmark = pytest.mark.django_db


def batch_make(project: Project, *, progress_at: dt.datetime | None) -> ImportBatch:
    return ImportBatch.objects.create(project=project, progress_at=progress_at)


def test_a_running_import_that_stopped_moving_is_marked_interrupted(project: Project) -> None:
    quiet = batch_make(project, progress_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1))
    busy = batch_make(project, progress_at=timezone.now() - dt.timedelta(minutes=1))

    assert import_batches_mark_interrupted() == 1

    quiet.refresh_from_db()
    busy.refresh_from_db()
    assert quiet.state == ImportBatch.State.FAILED
    assert quiet.error.startswith("Interrupted")
    assert quiet.finished_at is not None
    assert busy.state == ImportBatch.State.RUNNING


def test_an_old_batch_without_progress_is_judged_by_its_start(project: Project) -> None:
    old = batch_make(project, progress_at=None)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - 2 * STALE_AFTER)
    new = batch_make(project, progress_at=None)

    import_batches_mark_interrupted()

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == (ImportBatch.State.FAILED, ImportBatch.State.RUNNING)


def test_finished_imports_are_left_alone(project: Project) -> None:
    long_ago = timezone.now() - 10 * STALE_AFTER
    done = ImportBatch.objects.create(
        project=project, state=ImportBatch.State.DONE, progress_at=long_ago
    )

    import_run(project=project, inputs=[])

    done.refresh_from_db()
    assert (done.state, done.error) == (ImportBatch.State.DONE, "")


def test_an_import_records_when_it_last_made_progress(project: Project) -> None:
    batch = import_run(project=project, inputs=[])

    assert batch.progress_at is not None
    assert batch.progress_at >= batch.created_at
