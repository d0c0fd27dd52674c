"""Adjudication services: automatic acceptance, decisions, gold layer, locking, history."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError

from annotate.models import Project, Task
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, disputed_task, review
from verify.models import Adjudication, AdjudicationDecision, Fact, FactAdjudication, GoldSpan
from verify.services.adjudication import (
    AdjudicationConflict,
    DecisionInput,
    adjudication_save,
    fact_adjudicate,
    task_view,
)

pytestmark = pytest.mark.django_db


def _items(task: Task) -> dict[str, str]:
    """Conflict kind -> item id."""
    return {item.kind: item.id for item in task_view(task=task).items.values()}


def _gold(task: Task) -> list[tuple[str, str, str, list[str]]]:
    return [
        (g.text, g.label, g.origin, g.reviewers)
        for g in GoldSpan.objects.filter(task=task).order_by("start")
    ]


def test_full_agreement_is_accepted_automatically_and_recorded(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    task = task_make(text=TEXT)
    result = [span(task.article.text, "Moscow", "LOC", rid="x")]
    review(task, alice, result)
    review(task, bob, result)

    task.refresh_from_db()
    assert task.state == Task.State.ADJUDICATED
    adjudication = Adjudication.objects.get(task=task)
    assert (adjudication.state, adjudication.automatic, adjudication.admin) == ("done", True, None)
    (decision,) = adjudication.decisions.all()
    assert (decision.action, decision.admin) == ("system", None)
    assert _gold(task) == [("Moscow", "LOC", "agreed", ["alice", "bob"])]
    assert GoldSpan.objects.get(task=task).adjudicator is None


def test_agreement_waits_for_an_admin_when_the_project_says_so(
    alice: AbstractUser, bob: AbstractUser, project: Project
) -> None:
    project.auto_accept_agreement = False
    project.save(update_fields=["auto_accept_agreement"])
    task = task_make(text=TEXT, project=project)
    result = [span(task.article.text, "Moscow", "LOC", rid="x")]
    review(task, alice, result)
    review(task, bob, result)

    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE
    assert Adjudication.objects.get(task=task).state == Adjudication.State.PENDING
    assert not GoldSpan.objects.filter(task=task).exists()


def test_an_admin_decides_each_conflict_and_the_gold_layer_follows(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    adjudication = task.adjudication
    items = _items(task)
    text = task.article.text
    moscow = text.index("Moscow")

    adjudication = adjudication_save(
        adjudication=adjudication,
        admin=carol,
        version=0,
        decisions=[
            DecisionInput(items["boundaries"], "accept", reviewer="bob", rationale="Full name."),
            DecisionInput(items["missing"], "reject", rationale="Dates are out of scope."),
            DecisionInput(
                items["label"],
                "edit",
                value={"start": moscow, "end": moscow + 6, "label": "LOC"},
                rationale="The city, not the ministry.",
            ),  # fmt: skip
        ],
        complete=True,
    )

    task.refresh_from_db()
    assert task.state == Task.State.ADJUDICATED
    assert (adjudication.state, adjudication.version, adjudication.round) == ("done", 1, 1)
    assert adjudication.admin == carol
    assert _gold(task) == [
        ("Andrey Belousov", "PER", "agreed", ["alice", "bob"]),
        ("Murhaf Abu Qasra", "PER", "adjudicated", ["bob"]),
        ("Moscow", "LOC", "adjudicated", ["alice"]),
    ]
    edited = GoldSpan.objects.get(task=task, text="Moscow")
    assert edited.adjudicator == carol
    assert edited.item_ids == [items["label"]]
    assert list(adjudication.decisions.values_list("action", "admin__username", "rationale")) == [
        ("accept", "carol", "Full name."),
        ("reject", "carol", "Dates are out of scope."),
        ("edit", "carol", "The city, not the ministry."),
    ]


def test_merging_boundaries_takes_the_union(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)

    adjudication_save(
        adjudication=task.adjudication,
        admin=carol,
        version=0,
        decisions=[DecisionInput(items["boundaries"], "merge")],
    )

    assert GoldSpan.objects.get(task=task, label="PER", start__gt=0).text == "Murhaf Abu Qasra"


def test_completing_with_undecided_conflicts_is_refused_and_writes_nothing(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)

    with pytest.raises(ValidationError, match="2 conflict"):
        adjudication_save(
            adjudication=task.adjudication,
            admin=carol,
            version=0,
            decisions=[DecisionInput(items["missing"], "accept", reviewer="alice")],
            complete=True,
        )

    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE
    assert task.adjudication.version == 0
    assert not AdjudicationDecision.objects.exists()


def test_a_second_admin_saving_an_old_version_gets_a_conflict_not_an_overwrite(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, django_user_model: type
) -> None:
    erin = django_user_model.objects.create_user(username="erin", is_staff=True)
    task = disputed_task(alice, bob)
    items = _items(task)
    adjudication_save(
        adjudication=task.adjudication, admin=carol, version=0,
        decisions=[DecisionInput(items["label"], "accept", reviewer="alice")],
    )  # fmt: skip

    with pytest.raises(AdjudicationConflict, match="carol saved this adjudication"):
        adjudication_save(
            adjudication=Adjudication.objects.get(task=task), admin=erin, version=0,
            decisions=[DecisionInput(items["label"], "accept", reviewer="bob")],
        )  # fmt: skip

    assert list(AdjudicationDecision.objects.values_list("reviewer", flat=True)) == ["alice"]
    assert GoldSpan.objects.get(task=task, text="Moscow").label == "LOC"


def test_redoing_keeps_every_earlier_decision(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)
    first = [
        DecisionInput(items["boundaries"], "accept", reviewer="alice"),
        DecisionInput(items["missing"], "accept", reviewer="alice"),
        DecisionInput(items["label"], "accept", reviewer="alice"),
    ]
    adjudication_save(
        adjudication=task.adjudication, admin=carol, version=0, decisions=first, complete=True
    )

    redone = adjudication_save(
        adjudication=Adjudication.objects.get(task=task), admin=carol, version=1,
        decisions=[DecisionInput(items["label"], "accept", reviewer="bob", rationale="Redo.")],
        complete=True,
    )  # fmt: skip

    assert (redone.version, redone.round) == (2, 2)
    assert list(redone.decisions.values_list("round", "item_kind", "reviewer")) == [
        (0, "boundaries", "alice"), (0, "missing", "alice"), (0, "label", "alice"),
        (1, "label", "bob"),
    ]  # fmt: skip
    assert GoldSpan.objects.get(task=task, text="Moscow").label == "ORG"
    assert GoldSpan.objects.filter(task=task, label="DATE").count() == 1


def test_an_admin_adds_a_span_nobody_drew_and_can_withdraw_it(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    text = task.article.text
    start = text.index("Murhaf")
    adjudication_save(
        adjudication=task.adjudication, admin=carol, version=0,
        decisions=[DecisionInput("add-1", "add", value={"start": start, "end": start + 6, "label": "PER"})],
    )  # fmt: skip
    added = GoldSpan.objects.get(task=task, origin="added")
    assert (added.text, added.reviewers, added.adjudicator) == ("Murhaf", [], carol)

    adjudication_save(
        adjudication=Adjudication.objects.get(task=task), admin=carol, version=1,
        decisions=[DecisionInput("add-1", "reject")],
    )  # fmt: skip

    assert not GoldSpan.objects.filter(task=task, origin="added").exists()


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (DecisionInput("nope", "accept", reviewer="alice"), "no longer exists"),
        (DecisionInput("add-2", "add", value={"start": 5, "end": 2, "label": "PER"}), "start < end"),
        (DecisionInput("add-2", "add", value={"start": 0, "end": 6, "label": "WEAPON"}), "Unknown label"),
        (DecisionInput("add-2", "add", value={"start": 0, "end": 6, "label": "PER", "entity": "999"}), "No entity"),
    ],
)  # fmt: skip
def test_it_rejects_a_bad_decision_and_writes_nothing(
    alice: AbstractUser,
    bob: AbstractUser,
    carol: AbstractUser,
    decision: DecisionInput,
    message: str,
) -> None:
    task = disputed_task(alice, bob)

    with pytest.raises(ValidationError, match=message):
        adjudication_save(
            adjudication=task.adjudication, admin=carol, version=0, decisions=[decision]
        )

    assert Adjudication.objects.get(task=task).version == 0
    assert not AdjudicationDecision.objects.exists()


def test_accepting_a_reviewer_outside_the_conflict_is_refused(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    items = _items(task)

    with pytest.raises(ValidationError, match="not one of this conflict"):
        adjudication_save(
            adjudication=task.adjudication, admin=carol, version=0,
            decisions=[DecisionInput(items["label"], "accept", reviewer="dave")],
        )  # fmt: skip


def test_a_disputed_fact_gets_a_gold_outcome_beside_its_computed_verdict(
    carol: AbstractUser,
) -> None:
    fact = Fact.objects.create(statement="Abu Qasra is a major general", verdict="disputed")

    first = fact_adjudicate(
        fact=fact, admin=carol, outcome="one_wrong", upheld_stance="supports",
        rationale="The decree of 29 December names him major general.",
    )  # fmt: skip
    second = fact_adjudicate(
        fact=fact, admin=carol, outcome="both_right", rationale="Promoted in December.",
        split_statement="Abu Qasra is a brigadier general",
    )  # fmt: skip

    assert first.computed_verdict == "disputed"
    assert second.split_fact is not None
    assert second.split_fact.statement == "Abu Qasra is a brigadier general"
    assert list(FactAdjudication.objects.filter(fact=fact).values_list("outcome", flat=True)) == [
        "both_right", "one_wrong",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "disputed", "rationale": ""}, "rationale"),
        ({"outcome": "one_wrong", "rationale": "x"}, "which side"),
        ({"outcome": "both_right", "rationale": "x"}, "date the fact"),
        ({"outcome": "maybe", "rationale": "x"}, "Unknown outcome"),
    ],
)
def test_a_fact_outcome_needs_what_it_claims(
    carol: AbstractUser, fields: dict, message: str
) -> None:
    fact = Fact.objects.create(statement="Abu Qasra is a major general")

    with pytest.raises(ValidationError, match=message):
        fact_adjudicate(fact=fact, admin=carol, **fields)

    assert not FactAdjudication.objects.exists()


def test_adjudication_refreshes_the_verdicts_of_the_facts_its_gold_claims_link(
    alice: AbstractUser, bob: AbstractUser, django_capture_on_commit_callbacks: Any
) -> None:
    from annotate.models import Claim
    from annotate.services.annotations import annotation_submit

    fact = Fact.objects.create(statement="Belousov met Abu Qasra in Moscow")
    task = task_make(text=TEXT)
    claim = span(task.article.text, "Andrey Belousov met Murhaf Abu Qasra in Moscow", "CLAIM")
    drafts = [review(task, who, [claim], submit=False) for who in (alice, bob)]
    Claim.objects.filter(annotation__task=task).update(fact=fact, stance="supports")

    with django_capture_on_commit_callbacks(execute=True):
        for annotation in drafts:
            annotation.refresh_from_db()
            annotation_submit(annotation=annotation, version=annotation.version)

    gold = GoldSpan.objects.get(task=task)
    assert (gold.kind, gold.fact, gold.stance) == ("claim", fact, "supports")
    fact.refresh_from_db()
    assert fact.verdict_basis == Fact.Basis.ADJUDICATED
    assert fact.verdict_updated_at is not None


def test_a_single_reviewers_task_waits_for_an_admin(alice: AbstractUser) -> None:
    task = task_make(text=TEXT, required_overlap=1)
    review(task, alice, [span(task.article.text, "Moscow", "LOC")])

    task.refresh_from_db()
    assert task.state == Task.State.COMPLETE
    adjudication = Adjudication.objects.get(task=task)
    assert (adjudication.state, adjudication.conflict_count) == ("pending", 0)
