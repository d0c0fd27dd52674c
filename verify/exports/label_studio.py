"""`label_studio.json`: the released articles as Label Studio tasks, each with one annotation
holding the adjudicated spans, in Label Studio's import format.

The result list is the one `annotate.results.result_from_rows` (the mapping the project's
Label Studio export and import use) gives, built directly (a test holds them equal), and the
task data has the keys of
`annotate.label_studio.task_data` (a test holds them equal: importing that package loads
label_studio_sdk, 45 MB and two seconds a release does not need), so the file imports into
Label Studio with the project's labelling config and back into Crosscheck. Region ids are
`g<gold span id>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.results import (
    ENTITY_FROM_NAME,
    FACT_FROM_NAME,
    NORMALISED_FROM_NAME,
    SPAN_FROM_NAME,
    STATEMENT_FROM_NAME,
    TO_NAME,
)
from verify.exports.jsonl import json_text


def task_data(article: Any, task_id: int) -> dict[str, Any]:
    """What `annotate.label_studio.task_data` gives for the article; `article` has `text`,
    `article_id`, `title`, `url` and `outlet` (the source's name, None without one)."""
    return {
        TO_NAME: article.text,
        "crosscheck_article_id": article.article_id,
        "crosscheck_task_id": task_id,
        "title": article.title,
        "url": article.url,
        "source": article.outlet or "",
    }


def _region(span: Any) -> dict[str, Any]:
    return {
        "id": f"g{span.id}", "from_name": SPAN_FROM_NAME, "to_name": TO_NAME, "type": "labels",
        "origin": "manual",
        "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
    }  # fmt: skip


def _extra(span: Any, from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"g{span.id}", "from_name": from_name, "to_name": TO_NAME, "type": kind,
            "value": value}  # fmt: skip


def gold_result(
    *, mentions: list[tuple[Any, int | None]], claims: list[Any]
) -> list[dict[str, Any]]:
    """The result list `annotate.results.result_from_rows` gives for the gold spans (a test
    holds them equal), built directly: a release makes a million of these regions.
    `mentions` are (span, entity id after merges); spans as `selectors.releases.SpanRow`."""
    regions = [_region(s) for s, _ in mentions]
    regions += [_region(c) for c in claims]
    regions.sort(key=lambda r: (r["value"]["start"], -r["value"]["end"], r["id"]))
    extras = []
    for s, entity_id in mentions:
        if s.normalized_value:
            extras.append(
                _extra(s, NORMALISED_FROM_NAME, "textarea", {"text": [s.normalized_value]})
            )
        if entity_id is not None:
            extras.append(_extra(s, ENTITY_FROM_NAME, "textarea", {"text": [str(entity_id)]}))
    for c in claims:
        if c.statement:
            extras.append(_extra(c, STATEMENT_FROM_NAME, "textarea", {"text": [c.statement]}))
        if c.fact_id is not None:
            extras.append(
                _extra(c, FACT_FROM_NAME, "choices", {"choices": [c.stance], "fact_id": c.fact_id})
            )
    return regions + extras


def label_studio_task(
    *, task: Any, mentions: list[tuple[Any, int | None]], claims: list[Any]
) -> dict[str, Any]:
    """`task` as `selectors.releases.TaskRow`."""
    return {
        "data": task_data(task, task.id),
        "annotations": [
            {
                "result": gold_result(mentions=mentions, claims=claims),
                "ground_truth": True,
                "was_cancelled": False,
            }
        ],
    }


class LabelStudioWriter:
    """Writes one JSON list, a task at a time."""

    def __init__(self, path: Path) -> None:
        self.count = 0
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._file.write("[")

    def write(self, task: dict[str, Any]) -> None:
        self._file.write(",\n" if self.count else "\n")
        self._file.write(json_text(task))
        self.count += 1

    def close(self) -> None:
        self._file.write("\n]\n")
        self._file.close()
