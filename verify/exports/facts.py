"""`facts.jsonl`: each fact with its verdict from the released (adjudicated) evidence, the
admin's gold outcome beside it, the evidence, origins, reviewers and agreement."""

from __future__ import annotations

from typing import Any

from verify.verdicts import BASIS_ADJUDICATED, Evidence, verdict_decide

EVIDENCE_PREFIX = "e"


def evidence_row(
    *, span: dict[str, Any], origin_key: str, origin_name: str, adjudicator: str | None
) -> dict[str, Any]:
    """`span`: a gold claim span joined with its article, outlet and task agreement."""
    published = span["published_on"]
    return {
        "id": f"{EVIDENCE_PREFIX}{span['id']}",
        "article_id": span["article_id"],
        "task_id": span["task_id"],
        "outlet": span["outlet"] or "",
        "url": span["url"] or "",
        "published_on": published.isoformat() if published else None,
        "language": span["language"],
        "start": span["start"],
        "end": span["end"],
        "text": span["text"],
        "stance": span["stance"],
        "origin_key": origin_key,
        "origin_name": origin_name,
        "reviewers": sorted(span["reviewers"] or []),
        "adjudicator": adjudicator,
        "agreement_f1": span["agreement_f1"],
        "conflicts": span["conflicts"],
    }


def gold_outcome(adjudication: dict[str, Any] | None, admin: str | None) -> dict[str, Any] | None:
    if adjudication is None:
        return None
    valid_from, valid_until = adjudication["valid_from"], adjudication["valid_until"]
    return {
        "outcome": adjudication["outcome"],
        "upheld_stance": adjudication["upheld_stance"] or None,
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "split_fact_id": adjudication["split_fact_id"],
        "computed_verdict_then": adjudication["computed_verdict"] or None,
        "rationale": adjudication["rationale"],
        "adjudicator": admin,
    }


def fact_row(
    *, fact: dict[str, Any], evidence: list[dict[str, Any]], outcome: dict[str, Any] | None
) -> dict[str, Any]:
    """The verdict is recomputed from `evidence` alone (adjudicated data only), with the rules
    of `verify.verdicts`; the stored board verdict may also count unadjudicated claims."""
    result = verdict_decide(
        evidence=[
            Evidence(
                ref=e["id"], article_id=e["article_id"], origin_key=e["origin_key"],
                origin_name=e["origin_name"], stance=e["stance"], outlet=e["outlet"],
                language=e["language"], adjudicated=True,
            )
            for e in evidence
        ],
        basis=BASIS_ADJUDICATED,
    )  # fmt: skip
    time_start, time_end = fact["time_start"], fact["time_end"]
    return {
        "id": fact["id"],
        "statement": fact["statement"],
        "subject_id": fact["subject_id"],
        "predicate": fact["predicate"],
        "object_id": fact["object_id"],
        "place_id": fact["place_id"],
        "time_start": time_start.isoformat() if time_start else None,
        "time_end": time_end.isoformat() if time_end else None,
        "time_text": fact["time_text"],
        "verdict": result.verdict,
        "verdict_summary": result.summary,
        "gold_outcome": outcome,
        "independent_origins": len({e["origin_key"] for e in evidence}),
        "supporting_origins": len(result.supporting),
        "refuting_origins": len(result.refuting),
        "languages": result.languages,
        "reviewers": sorted({r for e in evidence for r in e["reviewers"]}),
        "adjudicators": sorted({e["adjudicator"] for e in evidence if e["adjudicator"]}),
        "evidence": evidence,
    }


def fact_table_row(row: dict[str, Any], fever_label: str) -> dict[str, Any]:
    """The Parquet shape: scalars only; the evidence has its own table."""
    flat = {k: v for k, v in row.items() if k not in ("evidence", "gold_outcome")}
    outcome = row["gold_outcome"] or {}
    flat["gold_outcome"] = outcome.get("outcome")
    flat["gold_upheld_stance"] = outcome.get("upheld_stance")
    flat["fever_label"] = fever_label
    flat["evidence_count"] = len(row["evidence"])
    return flat
