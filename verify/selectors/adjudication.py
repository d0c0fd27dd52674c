"""Reads for admins: the adjudication queue, one task's adjudication page, the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from annotate.models import Annotation, LabelType, Task
from verify.agreement import ATTRIBUTES, Agreement, combine
from verify.models import (
    Adjudication,
    AdjudicationDecision,
    Fact,
    FactAdjudication,
    GoldSpan,
    TaskAgreement,
)
from verify.services.adjudication import TaskView, task_view
from verify.services.agreement import agreement_load

# Reviewer colours on the adjudication page, A, B, C, ... (colour-blind safe, Okabe-Ito).
REVIEWER_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
LETTERS = "ABCDFGHIJ"  # no E: `e` is the edit key


def adjudication_queue(*, project_id: int | None = None) -> QuerySet[Adjudication]:
    """Tasks waiting for an admin, most conflicted first."""
    queue = Adjudication.objects.filter(state=Adjudication.State.PENDING).select_related(
        "task__article__source", "task__agreement"
    )
    if project_id is not None:
        queue = queue.filter(task__project_id=project_id)
    return queue.order_by("-conflict_count", "task_id")


def adjudication_recent(*, limit: int = 20) -> QuerySet[Adjudication]:
    return (
        Adjudication.objects.filter(state=Adjudication.State.DONE)
        .select_related("task__article", "admin")
        .order_by("-completed_at", "-id")[:limit]
    )


def adjudication_get(*, task_id: int) -> Adjudication:
    return get_object_or_404(
        Adjudication.objects.select_related("task__article__source", "task__project", "admin"),
        task_id=task_id,
    )


def _version(span: Any) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "start": span.start, "end": span.end, "label": span.label, "entity": span.entity,
        "fact": span.fact, "stance": span.stance,
    }  # fmt: skip


def _decision(decision: AdjudicationDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "item": decision.item_id,
        "kind": decision.item_kind,
        "action": decision.action,
        "reviewer": decision.reviewer,
        "value": decision.value,
        "rationale": decision.rationale,
        "admin": decision.admin.get_username() if decision.admin else None,
        "round": decision.round,
        "at": decision.created_at.isoformat(),
    }


def _gold(span: GoldSpan) -> dict[str, Any]:
    return {
        "kind": span.kind, "start": span.start, "end": span.end, "text": span.text,
        "label": span.label, "entity": span.entity_id, "fact": span.fact_id,
        "stance": span.stance, "origin": span.origin, "reviewers": span.reviewers,
        "adjudicator": span.adjudicator.get_username() if span.adjudicator else None,
    }  # fmt: skip


def adjudication_detail(
    *, adjudication: Adjudication, view: TaskView | None = None
) -> dict[str, Any]:
    """Everything the adjudication page and API show: reviewers, units with their conflict
    items, the decisions (in force and the whole history), and the gold layer."""
    task = adjudication.task
    view = view or task_view(task=task)
    reviewers = list(view.annotations.reviewers)
    decisions = list(adjudication.decisions.select_related("admin").order_by("id"))
    in_force: dict[str, dict[str, Any]] = {}
    for decision in decisions:
        in_force[decision.item_id] = _decision(decision)
    gold = (
        GoldSpan.objects.filter(task=task).select_related("adjudicator").order_by("start", "-end")
    )
    return {
        "task": task.pk,
        "state": adjudication.state,
        "automatic": adjudication.automatic,
        "version": adjudication.version,
        "round": adjudication.round,
        "reviewers": [
            {"name": name, "letter": LETTERS[i % len(LETTERS)], "color": REVIEWER_COLOURS[i % 6]}
            for i, name in enumerate(reviewers)
        ],
        "units": [
            {
                "index": unit_view.index,
                "kind": unit_view.unit.kind,
                "start": unit_view.unit.start,
                "end": unit_view.unit.end,
                "members": {r: _version(s) for r, s in unit_view.unit.members.items()},
                "items": [
                    {
                        "id": item.id,
                        "kind": item.kind,
                        "versions": {r: _version(s) for r, s in item.versions.items()},
                    }
                    for item in unit_view.items
                ],
            }
            for unit_view in view.units
        ],
        "decisions": in_force,
        "history": [_decision(d) for d in reversed(decisions)],
        "gold": [_gold(span) for span in gold],
    }


def task_label_names(*, task: Task) -> list[dict[str, str]]:
    return [
        {"name": lt.name, "color": lt.color, "kind": lt.kind}
        for lt in LabelType.objects.filter(project_id=task.project_id).order_by("position", "name")
    ]


# --- facts -----------------------------------------------------------------------------------


@dataclass
class FactRow:
    fact: Fact
    latest: FactAdjudication | None


def facts_disputed(*, limit: int = 200) -> list[FactRow]:
    """Facts the computed verdict calls disputed, or that an admin has decided, with the
    decision in force."""
    facts = list(
        Fact.objects.filter(Q(verdict=Fact.Verdict.DISPUTED) | Q(adjudications__isnull=False))
        .distinct()
        .order_by("id")[:limit]
    )
    latest: dict[int, FactAdjudication] = {}
    for row in FactAdjudication.objects.filter(fact__in=facts).select_related(
        "admin", "split_fact"
    ):
        latest.setdefault(row.fact_id, row)  # ordered newest first
    return [FactRow(fact, latest.get(fact.pk)) for fact in facts]


def fact_adjudication_history(*, fact: Fact) -> QuerySet[FactAdjudication]:
    return fact.adjudications.select_related("admin", "split_fact")


# --- the dashboard ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    states: list[dict[str, Any]]
    reviewers: list[dict[str, Any]]
    overall: dict[str, Any]
    by_label: list[dict[str, Any]]
    by_pair: list[dict[str, Any]]
    lowest: list[dict[str, Any]]
    queue: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "states": self.states, "reviewers": self.reviewers, "overall": self.overall,
            "by_label": self.by_label, "by_pair": self.by_pair, "lowest": self.lowest,
            "queue": self.queue,
        }  # fmt: skip


def agreements_iter(*, chunk: int = 2000) -> Iterator[tuple[TaskAgreement, Agreement]]:
    rows = TaskAgreement.objects.only("task_id", "figures").order_by("task_id")
    for row in rows.iterator(chunk_size=chunk):
        yield row, agreement_load(row.figures, task_id=row.task_id)


def dashboard_get(*, lowest: int = 20) -> Dashboard:
    """Progress and agreement over every compared task, pooled by adding counts."""
    by_state = dict(Task.objects.order_by().values_list("state").annotate(n=Count("pk")))
    states = [
        {"state": v, "label": label, "count": by_state.get(v, 0)} for v, label in Task.State.choices
    ]
    per_reviewer = (
        get_user_model().objects.filter(annotations__isnull=False)
        .annotate(
            submitted=Count("annotations", filter=Q(annotations__state=Annotation.State.SUBMITTED)),
            drafts=Count("annotations", filter=Q(annotations__state=Annotation.State.DRAFT)),
            skipped=Count("annotations", filter=Q(annotations__state=Annotation.State.SKIPPED)),
        )
        .order_by("username")
        .values("username", "submitted", "drafts", "skipped")
    )  # fmt: skip
    pooled = combine(agreement for _, agreement in agreements_iter())
    labels = pooled.values("label").specific_agreement()
    by_label = [
        {"label": label, "f1_overlap": counts.score("overlap").f1,
         "f1_exact": counts.score("exact").f1, "agreement": labels.get(label),
         "spans": counts.reference + counts.other}
        for label, counts in pooled.by_label().items()
    ]  # fmt: skip
    by_pair = [
        {"pair": f"{p.reviewer_a} / {p.reviewer_b}", "reviewer_a": p.reviewer_a,
         "reviewer_b": p.reviewer_b, "f1_overlap": p.labelled.score("overlap").f1,
         "f1_exact": p.labelled.score("exact").f1, "kappa": p.values("label").kappa,
         "spans": p.spans.reference + p.spans.other}
        for p in pooled.pairs
    ]  # fmt: skip
    overall = {
        "tasks": TaskAgreement.objects.count(),
        "f1_overlap": pooled.labelled.score("overlap").f1,
        "f1_exact": pooled.labelled.score("exact").f1,
        "alpha": {attribute: pooled.alpha_of(attribute) for attribute in ATTRIBUTES},
    }
    return Dashboard(
        states=states,
        reviewers=list(per_reviewer),
        overall=overall,
        by_label=by_label,
        by_pair=by_pair,
        lowest=list(tasks_by_agreement()[:lowest]),
        queue=adjudication_queue().count(),
    )


def tasks_by_agreement() -> QuerySet[TaskAgreement, dict[str, Any]]:
    """Compared tasks, lowest agreement first (tasks with nothing to compare last)."""
    return (
        TaskAgreement.objects.order_by(F("summary").asc(nulls_last=True), "task_id")
        .values(
            "task_id", "summary", "conflict_count", "reviewers", "task__state",
            "task__article__title",
        )
    )  # fmt: skip
