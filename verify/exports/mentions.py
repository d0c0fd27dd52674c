"""`mentions.jsonl`: one adjudicated mention span per line, in article then reading order."""

from __future__ import annotations

from typing import Any

LABEL_PREFIX = "m"


def mention_row(
    *, span: Any, article_id: int, language: str, entity_id: int | None, adjudicator: str | None
) -> dict[str, Any]:
    """`span` as `verify.selectors.releases.SpanRow`; `entity_id` already follows merges."""
    return {
        "id": f"{LABEL_PREFIX}{span.id}",
        "article_id": article_id,
        "task_id": span.task_id,
        "language": language,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "label": span.label,
        "entity_id": entity_id,
        "normalized_value": span.normalized_value,
        "origin": span.origin,
        "reviewers": span.reviewers,  # sorted by the selector
        "adjudicator": adjudicator,
    }
