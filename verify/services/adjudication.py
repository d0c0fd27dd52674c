"""Adjudication: from reviewers' disagreements to the gold layer, with every decision kept.

When a task's last required reviewer submits, `task_review_complete` caches its agreement and
opens its `Adjudication`: into the admins' queue when reviewers disagree, or accepted at once
(a system decision, the gold layer filled) when they fully agree and the project allows it.

An admin decides each conflict item (`verify.conflicts`): accept one reviewer's version,
merge (boundaries: the union of the versions), edit, or reject; and may add a span nobody
drew. The gold span of a unit is composed from the decisions on its items, in the items'
order (missing, boundaries, label, entity, fact, stance): it starts as the first reviewer's
version and each accepted item takes that dimension from the accepted version; an edit
sets the whole span; a reject drops it. Units nobody disagrees on go to gold as they are.

`adjudication_save` is one transaction: compare-and-set on `version` (a second admin saving
from an older version gets `AdjudicationConflict`, nothing written), the decisions appended
(never updated: the latest per item is in force, the rest is history), the gold layer
rebuilt, and on completion the task moved to adjudicated and the verdicts of the facts its
gold claims link refreshed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotate.models import Claim, LabelType, Mention, Task
from annotate.services.audit import audit_record
from config.faults import fault_point
from verify.agreement import CLAIM, MENTION, SpanItem, TaskAnnotations, Unit, task_units
from verify.conflicts import ConflictItem, task_conflicts
from verify.models import (
    Adjudication,
    AdjudicationDecision,
    Entity,
    Fact,
    FactAdjudication,
    GoldSpan,
)
from verify.services.agreement import task_agreement_compute, task_annotations_load
from verify.services.audit import (
    adjudication_audit_state,
    decisions_audit,
    fact_audit_state,
    fact_outcome_audit,
)

Action = AdjudicationDecision.Action
MAX_RATIONALE = 4000
MAX_DECISIONS = 2000
STANCES = ("supports", "refutes")
SPAN_FIELDS = ("start", "end", "label", "entity", "fact", "stance")
# Which fields of a span each kind of item decides.
ITEM_FIELDS = {
    "boundaries": ("start", "end"),
    "label": ("label",),
    "entity": ("entity",),
    "fact": ("fact", "stance"),
    "stance": ("stance",),
}


class AdjudicationConflict(Exception):
    """The save was based on an older version: another admin saved this task meanwhile."""

    def __init__(self, message: str, *, adjudication: Adjudication) -> None:
        super().__init__(message)
        self.message = message
        self.adjudication = adjudication


# --- the task's units and items, as the page and the gold layer see them ------------------


@dataclass
class UnitView:
    """One span position across reviewers and the conflict items on it."""

    index: int
    unit: Unit
    items: list[ConflictItem]


@dataclass
class TaskView:
    annotations: TaskAnnotations
    units: list[UnitView]
    extras: dict[tuple[str, str, int, int, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def items(self) -> dict[str, ConflictItem]:
        return {item.id: item for view in self.units for item in view.items}


def task_view(*, task: Task) -> TaskView:
    """The task's submitted spans grouped into units, each with its conflict items.

    Items are found per unit, so every item knows its unit; their ids are those of
    `task_conflicts` on the whole task (both hash the same versions).
    """
    annotations = task_annotations_load(task_ids=[task.pk])[task.pk]
    units = task_units(annotations)
    views = [
        UnitView(index, unit, task_conflicts(annotations, units=[unit]))
        for index, unit in enumerate(units)
    ]
    return TaskView(annotations, views, _extras(task))


def _extras(task: Task) -> dict[tuple[str, str, int, int, str], tuple[str, str]]:
    """(reviewer, kind, start, end, label) -> (normalised value, statement): what the gold
    layer carries over from the reviewer's row and the pure spans do not hold."""
    extras: dict[tuple[str, str, int, int, str], tuple[str, str]] = {}
    submitted = {"annotation__task": task, "annotation__state": "submitted"}
    for who, start, end, label, value in Mention.objects.filter(**submitted).values_list(
        "annotation__reviewer__username", "start", "end", "label__name", "normalized_value"
    ):
        extras.setdefault((who, MENTION, start, end, label), (value, ""))
    for who, start, end, label, statement in Claim.objects.filter(**submitted).values_list(
        "annotation__reviewer__username", "start", "end", "label__name", "statement"
    ):
        extras.setdefault((who, CLAIM, start, end, label), ("", statement))
    return extras


# --- composing the gold layer --------------------------------------------------------------


@dataclass
class GoldDraft:
    kind: str
    start: int
    end: int
    label: str
    entity: str | None
    fact: str | None
    stance: str | None
    origin: str
    reviewers: list[str]
    item_ids: list[str]
    decided_by_admin: bool


def _fields(span: SpanItem) -> dict[str, Any]:
    return {
        "start": span.start, "end": span.end, "label": span.label,
        "entity": span.entity, "fact": span.fact, "stance": span.stance,
    }  # fmt: skip


def _latest(decisions: Iterable[AdjudicationDecision]) -> dict[str, AdjudicationDecision]:
    """The decision in force per item: the last one made."""
    latest: dict[str, AdjudicationDecision] = {}
    for decision in sorted(decisions, key=lambda d: d.pk or 0):
        latest[decision.item_id] = decision
    return latest


def _compose(
    view: UnitView, decided: dict[str, AdjudicationDecision]
) -> tuple[dict[str, Any] | None, bool]:
    """The unit's gold span (None: rejected or undecided), and whether every item is decided."""
    members = view.unit.members
    fields = _fields(next(iter(members.values())))
    dropped = False
    for item in view.items:
        decision = decided.get(item.id)
        if decision is None:
            return None, False
        if decision.action == Action.REJECT:
            dropped = True
        elif decision.action == Action.EDIT:
            value = decision.value or {}
            fields = {name: value.get(name) for name in SPAN_FIELDS}
        elif decision.action == Action.MERGE:
            present = [v for v in item.versions.values() if v is not None]
            fields["start"] = min(v.start for v in present)
            fields["end"] = max(v.end for v in present)
        elif decision.action == Action.ACCEPT:
            version = item.versions.get(decision.reviewer)
            if item.kind == "missing":
                if version is None:
                    dropped = True
                else:
                    fields = _fields(version)
            elif version is not None:
                for name in ITEM_FIELDS[item.kind]:
                    fields[name] = getattr(version, name)
    return (None if dropped else fields), True


def gold_drafts(
    *, view: TaskView, decisions: Iterable[AdjudicationDecision]
) -> tuple[list[GoldDraft], list[str]]:
    """The gold spans the decisions make, and the ids of the items still undecided."""
    decided = _latest(decisions)
    drafts: list[GoldDraft] = []
    undecided: list[str] = []
    for unit_view in view.units:
        fields, complete = _compose(unit_view, decided)
        if not complete:
            undecided.extend(item.id for item in unit_view.items if item.id not in decided)
        if fields is None:
            continue
        agreeing = [
            reviewer for reviewer, span in unit_view.unit.members.items()
            if _fields(span) == fields
        ]  # fmt: skip
        drafts.append(
            GoldDraft(
                kind=unit_view.unit.kind, origin="adjudicated" if unit_view.items else "agreed",
                reviewers=agreeing, item_ids=[item.id for item in unit_view.items],
                decided_by_admin=bool(unit_view.items), **fields,
            )
        )  # fmt: skip
    for item_id, decision in decided.items():
        if decision.action == Action.ADD and decision.value:
            value = decision.value
            drafts.append(
                GoldDraft(
                    kind=value["kind"], origin="added", reviewers=[], item_ids=[item_id],
                    decided_by_admin=True,
                    **{name: value.get(name) for name in SPAN_FIELDS},
                )
            )  # fmt: skip
    drafts.sort(key=lambda d: (d.start, -d.end, d.kind, d.label))
    return drafts, undecided


def _gold_rows(
    *, task: Task, adjudication: Adjudication, view: TaskView, drafts: Sequence[GoldDraft]
) -> list[GoldSpan]:
    text = task.article.text
    rows = []
    for draft in drafts:
        normalised, statement = "", ""
        for reviewer in draft.reviewers:
            key = (reviewer, draft.kind, draft.start, draft.end, draft.label)
            if key in view.extras:
                normalised, statement = view.extras[key]
                break
        rows.append(
            GoldSpan(
                task=task, adjudication=adjudication, kind=draft.kind,
                start=draft.start, end=draft.end, text=text[draft.start : draft.end],
                label=draft.label,
                entity_id=int(draft.entity) if draft.entity else None,
                fact_id=int(draft.fact) if draft.fact else None,
                stance=(draft.stance or "") if draft.fact else "",
                normalized_value=normalised, statement=statement, origin=draft.origin,
                reviewers=draft.reviewers,
                adjudicator=adjudication.admin if draft.decided_by_admin else None,
                item_ids=draft.item_ids,
            )
        )  # fmt: skip
    return rows


def _gold_rebuild(
    *, task: Task, adjudication: Adjudication, view: TaskView, drafts: Sequence[GoldDraft]
) -> set[int]:
    """Replace the task's gold spans; the ids of the facts linked before or after."""
    facts = set(
        GoldSpan.objects.filter(task=task, fact__isnull=False).values_list("fact_id", flat=True)
    )
    GoldSpan.objects.filter(task=task).delete()
    rows = _gold_rows(task=task, adjudication=adjudication, view=view, drafts=drafts)
    GoldSpan.objects.bulk_create(rows)
    return facts | {row.fact_id for row in rows if row.fact_id is not None}


def _facts_refresh(fact_ids: Iterable[int], *, task: Task) -> None:
    """Verdicts read the gold layer: refresh the facts it touched before or after, and
    every fact the task's reviewers linked (a link the admin rejected must stop counting
    as submitted evidence too)."""
    from verify.services.facts import fact_verdict_refresh, fact_verdicts_refresh_for_task

    refreshed = {fact.pk for fact in fact_verdicts_refresh_for_task(task=task)}
    for fact in Fact.objects.filter(pk__in=set(fact_ids) - refreshed):
        fact_verdict_refresh(fact=fact)


# --- opening: when the last review is in ---------------------------------------------------


@transaction.atomic
def task_review_complete(*, task: Task) -> Adjudication:
    """Cache the task's agreement and open its adjudication; accept it at once when two or
    more reviewers fully agree and the project allows it. Safe to call again."""
    task = Task.objects.select_related("project", "article").get(pk=task.pk)
    figures = task_agreement_compute(task=task)
    adjudication, created = Adjudication.objects.get_or_create(
        task=task, defaults={"conflict_count": figures.conflict_count}
    )
    if created:
        audit_record(
            actor=None,
            action="adjudication.open",
            obj=adjudication,
            project=task.project_id,
            after={"state": adjudication.state, "conflict_count": adjudication.conflict_count},
        )
    if not created and adjudication.state == Adjudication.State.PENDING:
        adjudication.conflict_count = figures.conflict_count
        adjudication.save(update_fields=["conflict_count", "updated_at"])  # the queue's order
    if (
        adjudication.state == Adjudication.State.PENDING
        and figures.conflict_count == 0
        # One reviewer agrees with nobody: their work waits for an admin like a conflict.
        and len(figures.reviewers) >= 2
        and task.project.auto_accept_agreement
    ):
        _accept_automatically(task=task, adjudication=adjudication)
    return adjudication


def _accept_automatically(*, task: Task, adjudication: Adjudication) -> None:
    before = adjudication_audit_state(adjudication=adjudication)
    view = task_view(task=task)
    decision = AdjudicationDecision.objects.create(
        adjudication=adjudication, round=adjudication.round, action=Action.SYSTEM,
        rationale="Accepted automatically: every reviewer agreed on every span.",
    )  # fmt: skip
    drafts, _ = gold_drafts(view=view, decisions=[decision])
    facts = _gold_rebuild(task=task, adjudication=adjudication, view=view, drafts=drafts)
    _finish(task=task, adjudication=adjudication, automatic=True)
    audit_record(
        actor=None,
        action="adjudication.accept_auto",
        obj=adjudication,
        project=task.project_id,
        before=before,
        after={**adjudication_audit_state(adjudication=adjudication),
               "decisions": decisions_audit([decision])},
        keep=("state",),
    )  # fmt: skip
    transaction.on_commit(lambda: _facts_refresh(facts, task=task))


def _finish(*, task: Task, adjudication: Adjudication, automatic: bool) -> None:
    now = timezone.now()
    adjudication.state = Adjudication.State.DONE
    adjudication.automatic = automatic
    adjudication.completed_at = now
    adjudication.round += 1
    adjudication.save(update_fields=["state", "automatic", "completed_at", "round", "updated_at"])
    if task.state != Task.State.ADJUDICATED:
        task.state = Task.State.ADJUDICATED
        task.save(update_fields=["state"])  # only the state moves


def tasks_review_complete_missing() -> int:
    """Open adjudications for complete tasks that have none (tasks completed before this
    existed, or an import of reviewed work); returns how many."""
    done = 0
    for task in Task.objects.filter(state=Task.State.COMPLETE, adjudication__isnull=True):
        task_review_complete(task=task)
        done += 1
    return done


# --- an admin's save -----------------------------------------------------------------------


@dataclass
class DecisionInput:
    item: str
    action: str
    reviewer: str = ""
    value: dict[str, Any] | None = None
    rationale: str = ""


def _clean_value(
    raw: Any, *, task: Task, labels: dict[str, LabelType], where: str
) -> dict[str, Any]:
    """A span an admin typed: offsets inside the text, a label of the project, links that
    exist, a stance exactly when a fact is linked."""
    if not isinstance(raw, dict):
        raise ValidationError({where: "Give the span as start, end and label."})
    start, end = raw.get("start"), raw.get("end")
    text = task.article.text
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise ValidationError({where: "Start and end are whole numbers."})
    if not 0 <= start < end <= len(text):
        raise ValidationError({where: f"A span needs 0 <= start < end <= {len(text)}."})
    label = labels.get(str(raw.get("label") or ""))
    if label is None:
        raise ValidationError({where: f"Unknown label {raw.get('label')!r}."})
    kind = CLAIM if label.kind == LabelType.Kind.CLAIM else MENTION
    entity = str(raw.get("entity") or "") or None
    fact = str(raw.get("fact") or "") or None
    stance = str(raw.get("stance") or "") or None
    if kind == MENTION:
        fact = stance = None
        if entity and not (entity.isdigit() and Entity.objects.filter(pk=int(entity)).exists()):
            raise ValidationError({where: f"No entity #{entity}."})
    else:
        entity = None
        if fact and not (fact.isdigit() and Fact.objects.filter(pk=int(fact)).exists()):
            raise ValidationError({where: f"No fact #{fact}."})
        if fact and stance not in STANCES:
            raise ValidationError(
                {where: "A claim linked to a fact says whether it supports or refutes it."}
            )
        if not fact:
            stance = None
    return {
        "kind": kind, "start": start, "end": end, "label": label.name,
        "entity": entity, "fact": fact, "stance": stance,
    }  # fmt: skip


def _decision_rows(
    *,
    adjudication: Adjudication,
    admin: AbstractBaseUser,
    inputs: Sequence[DecisionInput],
    view: TaskView,
    known: dict[str, AdjudicationDecision],
) -> list[AdjudicationDecision]:
    task = adjudication.task
    labels = {lt.name: lt for lt in LabelType.objects.filter(project_id=task.project_id)}
    items = view.items
    rows = []
    for index, given in enumerate(inputs):
        where = f"decisions[{index}]"
        if len(given.rationale) > MAX_RATIONALE:
            raise ValidationError({where: f"Keep the rationale under {MAX_RATIONALE} characters."})
        value = None
        item = items.get(given.item)
        if given.action == Action.ADD:
            value = _clean_value(given.value, task=task, labels=labels, where=where)
            item_id, kind = given.item or f"add-{uuid.uuid4().hex[:16]}", "add"
            if not item_id.startswith("add-"):
                raise ValidationError({where: "An added span's id starts with add-."})
        elif item is None and given.action == Action.REJECT and given.item in known:
            item_id, kind = given.item, "add"  # withdrawing an added span
        elif item is None:
            raise ValidationError(
                {where: "This conflict no longer exists: reload the page to see the current ones."}
            )
        else:
            item_id, kind = item.id, item.kind
            if given.action == Action.ACCEPT and given.reviewer not in item.versions:
                raise ValidationError(
                    {where: f"{given.reviewer!r} is not one of this conflict's reviewers."}
                )
            if given.action == Action.MERGE and item.kind != "boundaries":
                raise ValidationError(
                    {
                        where: "Only boundaries merge (into the union of the versions); accept or edit the others."
                    }
                )
            if given.action == Action.EDIT:
                value = _clean_value(given.value, task=task, labels=labels, where=where)
                if value["kind"] != item.span_kind:
                    raise ValidationError(
                        {where: f"This span is a {item.span_kind}: keep a {item.span_kind} label."}
                    )
            elif given.action not in (Action.ACCEPT, Action.MERGE, Action.REJECT):
                raise ValidationError({where: f"Unknown action {given.action!r}."})
        rows.append(
            AdjudicationDecision(
                adjudication=adjudication, round=adjudication.round, item_id=item_id,
                item_kind=kind, action=given.action,
                reviewer=given.reviewer if given.action == Action.ACCEPT else "",
                value=value, rationale=given.rationale.strip(), admin=admin,
            )
        )  # fmt: skip
    return rows


def _bump(*, adjudication: Adjudication, admin: AbstractBaseUser, version: int) -> None:
    """Compare-and-set on the version; AdjudicationConflict if another save came first."""
    updated = Adjudication.objects.filter(pk=adjudication.pk, version=version).update(
        version=F("version") + 1, admin=admin, updated_at=timezone.now()
    )
    if not updated:
        current = Adjudication.objects.select_related("admin").get(pk=adjudication.pk)
        who = current.admin.get_username() if current.admin else "someone"
        raise AdjudicationConflict(
            f"{who} saved this adjudication since you opened it (you have version {version}, "
            f"the server has version {current.version}). Nothing of yours was saved: reload "
            "to see their decisions, then decide again.",
            adjudication=current,
        )
    adjudication.version = version + 1
    adjudication.admin = admin  # type: ignore[assignment]


def adjudication_save(
    *,
    adjudication: Adjudication,
    admin: AbstractBaseUser,
    version: int,
    decisions: Sequence[DecisionInput],
    complete: bool = False,
) -> Adjudication:
    """Append the admin's decisions and rebuild the gold layer, if `version` is current;
    with `complete`, every conflict must be decided and the task becomes adjudicated.

    Raises ValidationError for a bad decision (nothing written) and AdjudicationConflict
    when another admin saved first (nothing written)."""
    if len(decisions) > MAX_DECISIONS:
        raise ValidationError({"decisions": f"At most {MAX_DECISIONS} decisions per save."})
    task = Task.objects.select_related("article", "project").get(pk=adjudication.task_id)
    adjudication.task = task
    view = task_view(task=task)
    with transaction.atomic():
        # Read before the compare-and-set: if another save commits in between, ours fails.
        before = adjudication_audit_state(adjudication=adjudication)
        _bump(adjudication=adjudication, admin=admin, version=version)
        known = _latest(adjudication.decisions.all())
        rows = _decision_rows(
            adjudication=adjudication, admin=admin, inputs=decisions, view=view, known=known
        )
        AdjudicationDecision.objects.bulk_create(rows)
        everything = list(adjudication.decisions.all())
        drafts, undecided = gold_drafts(view=view, decisions=everything)
        if complete and undecided:
            raise ValidationError(
                {"decisions": f"{len(undecided)} conflict(s) are not decided yet."}
            )
        facts = _gold_rebuild(task=task, adjudication=adjudication, view=view, drafts=drafts)
        if complete:
            _finish(task=task, adjudication=adjudication, automatic=False)
            transaction.on_commit(lambda: _facts_refresh(facts, task=task))
        audit_record(
            actor=admin,
            action="adjudication.complete" if complete else "adjudication.save",
            obj=adjudication,
            project=task.project_id,
            before=before,
            after={**adjudication_audit_state(adjudication=adjudication),
                   "decisions": decisions_audit(rows)},
            keep=("version", "state"),
        )  # fmt: skip
        fault_point("adjudication-save")  # the crash tests kill the server here
    adjudication.refresh_from_db()
    return adjudication


# --- facts the sources dispute --------------------------------------------------------------


@transaction.atomic
def fact_adjudicate(
    *,
    fact: Fact,
    admin: AbstractBaseUser,
    outcome: str,
    rationale: str,
    upheld_stance: str = "",
    valid_from: Any = None,
    valid_until: Any = None,
    split_statement: str = "",
) -> FactAdjudication:
    """Record the gold outcome for a fact; a new row each time (the latest is in force).

    `both_right` with a `split_statement` splits the fact: a new fact with that statement
    (same subject, predicate, object and place) for the other time; with dates it dates this
    fact. The computed verdict at this moment is kept beside the decision.
    """
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "Say why: the rationale is what a release cites."})
    previous = FactAdjudication.objects.filter(fact=fact).order_by("-created_at", "-id").first()
    if outcome not in FactAdjudication.Outcome.values:
        raise ValidationError({"outcome": f"Unknown outcome {outcome!r}."})
    if outcome != FactAdjudication.Outcome.ONE_WRONG:
        upheld_stance = ""
    elif upheld_stance not in STANCES:
        raise ValidationError({"upheld_stance": "Say which side stands: supports or refutes."})
    split = None
    if outcome == FactAdjudication.Outcome.BOTH_RIGHT:
        if not (split_statement.strip() or valid_from or valid_until):
            raise ValidationError(
                {"outcome": "Both right at different times: date the fact, or split it by "
                 "giving the statement of the other time."}
            )  # fmt: skip
        if split_statement.strip():
            split = Fact(
                statement=split_statement.strip()[:500], subject=fact.subject,
                predicate=fact.predicate, object=fact.object, place=fact.place,
                created_by=admin,
            )  # fmt: skip
            split.full_clean()
            split.save()
    else:
        valid_from = valid_until = None
    row = FactAdjudication(
        fact=fact, outcome=outcome, upheld_stance=upheld_stance, valid_from=valid_from,
        valid_until=valid_until, split_fact=split, computed_verdict=fact.verdict,
        rationale=rationale, admin=admin,
    )  # fmt: skip
    row.full_clean()
    row.save()
    audit_record(
        actor=admin,
        action="fact.adjudicate",
        obj=fact,
        other=split,
        before=fact_outcome_audit(previous),
        after={**(fact_outcome_audit(row) or {}),
               "split": fact_audit_state(fact=split) if split is not None else None},
        keep=("outcome",),
    )  # fmt: skip
    return row
