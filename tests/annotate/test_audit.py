"""The audit history: annotation saves recorded in their transaction, the page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from annotate.models import Annotation, AuditEvent
from annotate.selectors.audit import audit_diff
from annotate.services.annotations import (
    AnnotationConflict,
    annotation_save_draft,
    annotation_skip,
    annotation_submit,
)
from annotate.services.audit import audit_changes
from annotate.services.tasks import task_start_for_reviewer
from tests.annotate.test_entity_link import entity_item
from tests.conftest import client_for
from tests.factories import span, task_make
from verify.services.entities import entity_create

pytestmark = pytest.mark.django_db

TEXT = "Andrey Belousov met Murhaf Abu Qasra in Moscow."


def _events(annotation: Annotation, action: str = "") -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(object_type="annotation", object_id=str(annotation.pk))
    return list(qs.filter(action=action) if action else qs.order_by("id"))


@pytest.fixture
def started(alice: AbstractUser) -> Annotation:
    return task_start_for_reviewer(task=task_make(text=TEXT), reviewer=alice)


def _result(*pairs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [span(TEXT, needle, label, rid=rid) for needle, label, rid in pairs]


def test_starting_a_task_records_the_new_draft(started: Annotation, alice: AbstractUser) -> None:
    (event,) = _events(started)

    assert (event.action, event.actor, event.before) == ("annotation.start", alice, None)
    assert event.after["state"] == "draft"
    assert event.project_id == started.task.project_id
    assert event.object_label == f"task #{started.task_id} by alice"


def test_a_draft_save_records_one_event_with_the_spans_it_added(
    started: Annotation, alice: AbstractUser
) -> None:
    annotation_save_draft(
        annotation=started,
        version=0,
        result=_result(("Andrey Belousov", "PER", "a1"), ("Moscow", "LOC", "a2")),
    )

    (event,) = _events(started, "annotation.save")
    assert event.actor == alice
    assert event.before == {"state": "draft", "version": 0, "mentions": {}}
    assert event.after["version"] == 1
    assert event.after["mentions"] == {
        "a1": {"label": "PER", "start": 0, "end": 15, "text": "Andrey Belousov"},
        "a2": {"label": "LOC", "start": 40, "end": 46, "text": "Moscow"},
    }


def test_a_later_save_keeps_only_the_spans_it_changed(started: Annotation) -> None:
    annotation_save_draft(
        annotation=started,
        version=0,
        result=_result(("Andrey Belousov", "PER", "a1"), ("Moscow", "LOC", "a2")),
    )
    annotation_save_draft(
        annotation=started,
        version=1,
        result=_result(("Andrey Belousov", "PER", "a1"), ("Moscow", "ORG", "a2"),
                       ("Abu Qasra", "PER", "a3")),
    )  # fmt: skip

    event = _events(started, "annotation.save")[0]  # newest first
    assert event.before == {
        "state": "draft",
        "version": 1,
        "mentions": {"a2": {"label": "LOC"}},
    }
    assert event.after == {
        "state": "draft",
        "version": 2,
        "mentions": {
            "a2": {"label": "ORG"},
            "a3": {"label": "PER", "start": 27, "end": 36, "text": "Abu Qasra"},
        },
    }


def test_a_stale_save_is_refused_and_records_nothing(started: Annotation) -> None:
    annotation_save_draft(annotation=started, version=0, result=_result(("Moscow", "LOC", "a")))
    before = AuditEvent.objects.count()
    stale = Annotation.objects.get(pk=started.pk)

    with pytest.raises(AnnotationConflict):
        annotation_save_draft(annotation=stale, version=0, result=[])

    assert AuditEvent.objects.count() == before
    assert Annotation.objects.get(pk=started.pk).version == 1


def test_a_save_refused_by_validation_records_nothing(started: Annotation) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        annotation_save_draft(annotation=started, version=0, result=[{"type": "labels"}])

    assert AuditEvent.objects.count() == before


def test_submit_records_the_state_change(started: Annotation, alice: AbstractUser) -> None:
    annotation_save_draft(annotation=started, version=0, result=_result(("Moscow", "LOC", "a")))

    annotation_submit(annotation=started, version=1)

    (event,) = _events(started, "annotation.submit")
    assert event.actor == alice
    assert (event.before["state"], event.after["state"]) == ("draft", "submitted")
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert "mentions" not in event.after  # the spans did not change


def test_skip_records_the_reason(started: Annotation) -> None:
    annotation_skip(annotation=started, version=0, reason="Not about the topic.")

    (event,) = _events(started, "annotation.skip")
    assert event.before == {"state": "draft", "version": 0, "skip_reason": ""}
    assert event.after == {"state": "skipped", "version": 1, "skip_reason": "Not about the topic."}


def test_linking_a_mention_records_the_alias_it_adds_to_the_entity(
    started: Annotation, alice: AbstractUser, carol: AbstractUser
) -> None:
    entity = entity_create(type="PER", preferred_name="Андрей Белоусов", user=carol)
    result = _result(("Andrey Belousov", "PER", "a1"))
    result.append(entity_item("a1", entity.pk))

    annotation_save_draft(annotation=started, version=0, result=result)

    (save,) = _events(started, "annotation.save")
    assert save.after["mentions"]["a1"]["entity"] == entity.pk
    alias_event = AuditEvent.objects.get(action="entity.alias_add", object_id=str(entity.pk))
    assert alias_event.actor == alice
    assert list(alias_event.after["aliases"]) == ["Andrey Belousov"]


# --- the snapshots and the diff -----------------------------------------------------------


def test_audit_changes_drops_what_is_equal_at_every_depth() -> None:
    before = {"version": 3, "state": "draft", "spans": {"a": {"label": "PER", "end": 5}, "b": 1}}
    after = {"version": 4, "state": "draft", "spans": {"a": {"label": "ORG", "end": 5}, "c": 2}}

    assert audit_changes(before, after, keep=("state",)) == (
        {"version": 3, "state": "draft", "spans": {"a": {"label": "PER"}, "b": 1}},
        {"version": 4, "state": "draft", "spans": {"a": {"label": "ORG"}, "c": 2}},
    )


def test_the_diff_of_a_new_object_leaves_out_its_empty_fields() -> None:
    rows = audit_diff(None, {"statement": "Belousov met Abu Qasra", "predicate": "", "place": None,
                             "aliases": {"Moscow": {"language": "en"}}})  # fmt: skip

    assert [(r.path, r.before, r.after, r.change) for r in rows] == [
        ("statement", "—", "Belousov met Abu Qasra", "added"),
        ("aliases", "—", "Moscow: (language: en)", "added"),
    ]


def test_the_diff_has_one_row_per_changed_value() -> None:
    rows = audit_diff(
        {"state": "draft", "mentions": {"a": {"label": "PER"}, "b": {"label": "LOC", "end": 4}}},
        {"state": "submitted", "mentions": {"a": {"label": "ORG"}}},
    )

    assert [(r.path, r.before, r.after, r.change) for r in rows] == [
        ("state", "draft", "submitted", "changed"),
        ("mentions.a.label", "PER", "ORG", "changed"),
        ("mentions.b", "label: LOC, end: 4", "—", "removed"),
    ]


# --- the page and the API -------------------------------------------------------------------


@pytest.fixture
def history(started: Annotation, carol: AbstractUser) -> dict[str, Any]:
    """alice starts and saves a draft; carol creates an entity yesterday."""
    annotation_save_draft(annotation=started, version=0, result=_result(("Moscow", "LOC", "a")))
    entity = entity_create(type="PER", preferred_name="Andrey Belousov", user=carol)
    event = AuditEvent.objects.get(action="entity.create")
    event.at = timezone.now() - dt.timedelta(days=1)
    event.save(update_fields=["at"])
    return {"annotation": started, "entity": entity}


def test_the_page_lists_events_newest_first_with_their_diffs(
    history: dict[str, Any], carol: AbstractUser
) -> None:
    response = client_for(carol).get("/audit/")

    assert response.status_code == 200
    html = response.content.decode()
    shown = [html.index(f"<code>{action}</code>") for action in
             ("annotation.save", "annotation.start", "entity.create")]  # fmt: skip
    assert shown == sorted(shown)
    assert "<code><bdi>mentions</bdi>.<bdi>a</bdi></code>" in html
    assert "label: LOC" in html
    assert f'href="/verify/entities/{history["entity"].pk}/"' in html
    assert "3 events" in html


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ("action=annotation.save", ["annotation.save"]),
        ("object_type=entity", ["entity.create"]),
        ("actor=alice", ["annotation.save", "annotation.start"]),
        ("actor=carol", ["entity.create"]),
        ("since={today}", ["annotation.save", "annotation.start"]),
        ("until={yesterday}", ["entity.create"]),
        ("object_type=annotation&object_id={annotation}", ["annotation.save", "annotation.start"]),
        ("object_type=annotation&object_id=999999", []),
    ],
)
def test_the_filters_work_on_the_page_and_the_api(
    history: dict[str, Any], carol: AbstractUser, query: str, actions: list[str]
) -> None:
    today = timezone.now().date()
    query = query.format(
        today=today.isoformat(),
        yesterday=(today - dt.timedelta(days=1)).isoformat(),
        annotation=history["annotation"].pk,
    )
    client = client_for(carol)

    api = client.get(f"/api/audit/?{query}")
    page = client.get(f"/audit/?{query}")

    assert api.status_code == 200
    assert [e["action"] for e in api.json()["results"]] == actions
    assert [r.event.action for r in page.context["rows"]] == actions


def test_the_api_shows_who_what_and_the_snapshots(
    history: dict[str, Any], carol: AbstractUser
) -> None:
    response = client_for(carol).get("/api/audit/?action=entity.create")

    (event,) = response.json()["results"]
    assert event["actor"] == "carol"
    assert (event["object_type"], event["object_id"]) == ("entity", str(history["entity"].pk))
    assert event["before"] is None
    assert event["after"]["preferred_name"] == "Andrey Belousov"
    assert response.json()["count"] == 1


def test_the_last_and_first_days_of_the_calendar_are_filters_like_any_other(
    history: dict[str, Any], carol: AbstractUser
) -> None:
    response = client_for(carol).get("/api/audit/?since=0001-01-01&until=9999-12-31")

    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_the_api_refuses_a_bad_filter(history: dict[str, Any], carol: AbstractUser) -> None:
    response = client_for(carol).get("/api/audit/?since=yesterday&object_type=user")

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_reviewers_get_neither_the_page_nor_the_api(
    history: dict[str, Any], who: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))

    page = client.get("/audit/")
    api = client.get("/api/audit/")

    assert page.status_code == 302
    assert page["Location"] == "/"
    assert api.status_code == 403


def test_anonymous_callers_are_sent_to_log_in(history: dict[str, Any]) -> None:
    assert Client().get("/audit/")["Location"].startswith("/accounts/login/")
    assert Client().get("/api/audit/").status_code in (401, 403)
