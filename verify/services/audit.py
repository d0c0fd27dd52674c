"""Snapshots of entities, facts and adjudications for the audit history.

The history itself is `annotate.services.audit` (one place for an admin to look); these
functions say what of each object it keeps: names and aliases of an entity, the fields and
verdict of a fact, the state and gold layer of an adjudication.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from annotate.services.audit import short_text
from verify.models import (
    Adjudication,
    AdjudicationDecision,
    Entity,
    Fact,
    FactAdjudication,
    GoldSpan,
)

VERDICT_FIELDS = ("verdict", "verdict_basis", "supporting_origins", "refuting_origins")


def _aliases(rows: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    return {text: {k: v for k, v in (("language", lang), ("script", script)) if v}
            for text, lang, script in rows}  # fmt: skip


def entity_audit_state(*, entity: Entity) -> dict[str, Any]:
    """Type, names, Wikidata id, where it was merged, aliases (text -> language, script)."""
    return {
        "type": entity.type,
        "preferred_name": entity.preferred_name,
        "wikidata_qid": entity.wikidata_qid,
        "merged_into": entity.merged_into_id,
        "aliases": _aliases(
            entity.aliases.order_by("id").values_list("text", "language", "script")
        ),
    }


def entity_audit_from_change(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """The same shape from an `EntityChange` snapshot (no queries)."""
    if snapshot is None:
        return None
    return {
        "type": snapshot["type"],
        "preferred_name": snapshot["preferred_name"],
        "wikidata_qid": snapshot["wikidata_qid"],
        "merged_into": snapshot["merged_into"],
        "aliases": _aliases((a["text"], a["language"], a["script"]) for a in snapshot["aliases"]),
    }


def alias_audit(text: str, language: str, script: str) -> dict[str, Any]:
    return _aliases([(text, language, script)])


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entity(entity: Entity | None) -> dict[str, Any] | None:
    return None if entity is None else {"id": entity.pk, "name": entity.preferred_name}


def fact_audit_state(*, fact: Fact) -> dict[str, Any]:
    """The fields a person edits and the verdict computed from the evidence."""
    return {
        "statement": fact.statement,
        "predicate": fact.predicate,
        "subject": _entity(fact.subject),
        "object": _entity(fact.object),
        "place": _entity(fact.place),
        "time_start": _date(fact.time_start),
        "time_end": _date(fact.time_end),
        "time_text": fact.time_text,
        **{name: getattr(fact, name) for name in VERDICT_FIELDS},
    }


def fact_outcome_audit(row: FactAdjudication | None) -> dict[str, Any] | None:
    """A gold outcome for a disputed fact; the row is `verify.FactAdjudication` #id."""
    if row is None:
        return None
    return {
        "fact_adjudication": row.pk,
        "outcome": row.outcome,
        "upheld_stance": row.upheld_stance,
        "valid_from": _date(row.valid_from),
        "valid_until": _date(row.valid_until),
        "split_fact": row.split_fact_id,
        "computed_verdict": row.computed_verdict,
        "rationale": row.rationale,
    }


def adjudication_audit_state(*, adjudication: Adjudication) -> dict[str, Any]:
    """State, version, round and the task's gold layer as stored now ("kind start-end label"
    -> text, links and origin)."""
    state = Adjudication.objects.values("state", "version", "round", "automatic").get(
        pk=adjudication.pk
    )
    gold: dict[str, Any] = {}
    for row in GoldSpan.objects.filter(task_id=adjudication.task_id).values(
        "kind", "start", "end", "label", "text", "entity_id", "fact_id", "stance", "origin"
    ):
        key = f"{row['kind']} {row['start']}-{row['end']} {row['label']}"
        n = 2
        while key in gold:  # an added span on top of a decided one
            key, n = f"{key.split(' #')[0]} #{n}", n + 1
        gold[key] = {
            k: v
            for k, v in (
                ("text", short_text(row["text"])), ("entity", row["entity_id"]),
                ("fact", row["fact_id"]), ("stance", row["stance"]), ("origin", row["origin"]),
            )
            if v not in (None, "")
        }  # fmt: skip
    return {**state, "gold": gold}


def decisions_audit(rows: Iterable[AdjudicationDecision]) -> list[dict[str, Any]]:
    """The decisions a save appended (rows of `verify.AdjudicationDecision`)."""
    return [
        {
            k: v
            for k, v in (
                ("id", d.pk), ("item", d.item_id), ("kind", d.item_kind), ("action", d.action),
                ("reviewer", d.reviewer), ("value", d.value), ("rationale", d.rationale),
            )
            if v not in (None, "")
        }
        for d in rows
    ]  # fmt: skip
