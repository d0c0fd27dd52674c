"""The audit history of adjudications: opened, accepted automatically, saved, completed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from annotate.models import AuditEvent, Task
from tests.conftest import client_for
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, disputed_task, review
from verify.models import Adjudication
from verify.services.adjudication import (
    AdjudicationConflict,
    DecisionInput,
    adjudication_save,
    task_view,
)

pytestmark = pytest.mark.django_db


def _events(adjudication: Adjudication) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="adjudication", object_id=str(adjudication.pk))
    )


def _items(task: Task) -> dict[str, str]:
    return {item.kind: item.id for item in task_view(task=task).items.values()}


def test_a_disputed_task_opens_its_adjudication_as_the_system(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    (event,) = _events(task.adjudication)
    assert (event.action, event.actor, event.before) == ("adjudication.open", None, None)
    assert event.after == {"state": "pending", "conflict_count": 3}
    assert event.project_id == task.project_id


def test_automatic_acceptance_records_the_gold_layer_it_made(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = task_make(text=TEXT)
    result = [span(task.article.text, "Moscow", "LOC", rid="x")]
    review(task, alice, result)
    review(task, bob, result)

    accepted, opened = _events(task.adjudication)
    assert (opened.action, accepted.action, accepted.actor) == (
        "adjudication.open", "adjudication.accept_auto", None,
    )  # fmt: skip
    assert (accepted.before["state"], accepted.after["state"]) == ("pending", "done")
    moscow = TEXT.index("Moscow")
    assert accepted.after["gold"] == {
        f"mention {moscow}-{moscow + 6} LOC": {"text": "Moscow", "origin": "agreed"}
    }
    assert accepted.after["decisions"][0]["action"] == "system"


def test_an_admins_save_records_its_decisions_and_the_gold_it_changed(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)

    adjudication = adjudication_save(
        adjudication=task.adjudication, admin=carol, version=0,
        decisions=[DecisionInput(items["boundaries"], "accept", reviewer="bob",
                                 rationale="Full name.")],
    )  # fmt: skip

    event = _events(adjudication)[0]
    assert (event.action, event.actor) == ("adjudication.save", carol)
    assert (event.before["version"], event.after["version"]) == (0, 1)
    (decision,) = event.after["decisions"]
    assert decision["id"] == adjudication.decisions.get().pk
    assert (decision["action"], decision["reviewer"], decision["rationale"]) == (
        "accept", "bob", "Full name.",
    )  # fmt: skip
    gold_after = event.after["gold"]
    assert any(g.get("text") == "Murhaf Abu Qasra" for g in gold_after.values())
    assert not any(g.get("text") == "Murhaf Abu Qasra" for g in event.before["gold"].values())


def test_completing_is_its_own_action(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)
    moscow = task.article.text.index("Moscow")

    adjudication_save(
        adjudication=task.adjudication, admin=carol, version=0, complete=True,
        decisions=[
            DecisionInput(items["boundaries"], "accept", reviewer="bob"),
            DecisionInput(items["missing"], "reject"),
            DecisionInput(items["label"], "edit",
                          value={"start": moscow, "end": moscow + 6, "label": "LOC"}),
        ],
    )  # fmt: skip

    event = _events(task.adjudication)[0]
    assert event.action == "adjudication.complete"
    assert (event.before["state"], event.after["state"]) == ("pending", "done")
    assert len(event.after["decisions"]) == 3


def test_a_save_from_an_older_version_records_nothing(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)
    adjudication_save(adjudication=task.adjudication, admin=carol, version=0,
                      decisions=[DecisionInput(items["missing"], "reject")])  # fmt: skip
    count = AuditEvent.objects.count()

    with pytest.raises(AdjudicationConflict):
        adjudication_save(
            adjudication=Adjudication.objects.get(task=task), admin=carol, version=0,
            decisions=[DecisionInput(items["boundaries"], "merge")],
        )  # fmt: skip

    assert AuditEvent.objects.count() == count


def test_the_adjudication_page_links_to_its_history_and_the_history_back_to_it(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    client = client_for(carol)
    history = f"/audit/?object_type=adjudication&amp;object_id={task.adjudication.pk}"

    page = client.get(f"/verify/adjudication/{task.pk}/").content.decode()
    listed = client.get(history.replace("&amp;", "&")).content.decode()

    assert f'href="{history}"' in page
    assert f'href="/verify/adjudication/{task.pk}/"' in listed
