"""`fever.jsonl`: the facts in the FEVER shape, for training fact-verification models.

`{"id", "verifiable", "label", "claim", "evidence"}` where `evidence` is a list of evidence
sets, each a list of `[annotation_id, evidence_id, page, line]` as in FEVER. Here the page
is `article:<id>`, the line is the code-point offset where the evidence span starts,
`evidence_id` is the evidence row's id in facts.jsonl, and `annotation_id` is the task id.
`evidence_text` holds each set's texts beside it (FEVER readers ignore extra keys).

Label: the evidence all supports -> SUPPORTS, all refutes -> REFUTES; both sides ->
NOT ENOUGH INFO, unless an admin decided that one side is wrong: then the side that
stands, with its evidence only.
"""

from __future__ import annotations

from typing import Any

SUPPORTS = "SUPPORTS"
REFUTES = "REFUTES"
NEI = "NOT ENOUGH INFO"
LABELS = (SUPPORTS, REFUTES, NEI)
_BY_STANCE = {"supports": SUPPORTS, "refutes": REFUTES}


def fever_label(fact: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The label and the evidence it rests on."""
    evidence = fact["evidence"]
    stances = {e["stance"] for e in evidence}
    outcome = fact["gold_outcome"] or {}
    if len(stances) > 1 and outcome.get("outcome") == "one_wrong":
        stances = {outcome["upheld_stance"]}
        evidence = [e for e in evidence if e["stance"] in stances]
    if len(stances) == 1:
        (stance,) = stances
        return _BY_STANCE[stance], evidence
    return NEI, [] if not stances else evidence


def fever_row(fact: dict[str, Any]) -> dict[str, Any]:
    label, evidence = fever_label(fact)
    sets = [[[e["task_id"], e["id"], f"article:{e['article_id']}", e["start"]]] for e in evidence]
    return {
        "id": fact["id"],
        "verifiable": "NOT VERIFIABLE" if label == NEI else "VERIFIABLE",
        "label": label,
        "claim": fact["statement"],
        "evidence": sets,
        "evidence_text": [[e["text"]] for e in evidence],
    }
