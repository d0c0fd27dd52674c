"""`manage.py audit_prune`: an admin's retention cut of the history, recorded in the history."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from annotate.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def event_at(when: dt.datetime, n: int) -> AuditEvent:
    event = AuditEvent.objects.create(
        action="fact.update", object_type="fact", object_id=str(n), after={"n": n}
    )
    AuditEvent.objects.filter(pk=event.pk).update(at=when)  # `at` is set on create
    return event


def prune(*args: str) -> str:
    out = StringIO()
    call_command("audit_prune", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history() -> dict[str, list[int]]:
    midnight = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    old = [event_at(midnight - dt.timedelta(days=d, seconds=1), d).pk for d in range(3)]
    kept = [event_at(midnight + dt.timedelta(seconds=s), s).pk for s in (0, 3600)]
    kept.append(event_at(timezone.now(), 99).pk)
    return {"old": old, "kept": kept}


def test_it_deletes_only_what_came_before_the_day_and_records_itself(
    history: dict[str, list[int]], carol: AbstractUser
) -> None:
    output = prune("--before", "2026-03-01", "--user", "carol")

    assert output.strip() == "Deleted 3 audit events recorded before 2026-03-01."
    left = set(AuditEvent.objects.exclude(action="audit.prune").values_list("pk", flat=True))
    assert left == set(history["kept"])
    record = AuditEvent.objects.get(action="audit.prune")
    assert (record.actor, record.object_id) == (carol, "2026-03-01")
    assert record.after == {"before": "2026-03-01", "deleted": 3}


def test_a_dry_run_counts_and_deletes_nothing(history: dict[str, list[int]]) -> None:
    output = prune("--before", "2026-03-01", "--dry-run")

    assert output.strip() == "Would delete 3 audit events recorded before 2026-03-01."
    assert AuditEvent.objects.count() == 6
    assert not AuditEvent.objects.filter(action="audit.prune").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "2999-01-01"], "is in the future"),
        (["--before", "2026-03-01", "--user", "alice"], "alice is not an active admin"),
        (["--before", "2026-03-01", "--user", "nobody"], "nobody is not an active admin"),
    ],
)
def test_it_refuses_a_future_day_or_a_user_who_is_not_an_admin(
    history: dict[str, list[int]], alice: AbstractUser, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        prune(*args)

    assert AuditEvent.objects.count() == 6


def test_a_day_that_is_not_a_date_is_refused_by_name() -> None:
    with pytest.raises(CommandError, match="'yesterday' is not a date"):
        prune("--before", "yesterday")


def test_the_history_page_and_api_show_the_pruning(
    history: dict[str, list[int]], carol: AbstractUser
) -> None:
    prune("--before", "2026-03-01", "--user", "carol")

    page = client_for(carol).get("/audit/")
    api = client_for(carol).get("/api/audit/")

    assert page.status_code == 200
    assert "audit.prune" in page.content.decode()
    assert api.status_code == 200
    assert any(row["action"] == "audit.prune" for row in api.json()["results"])
