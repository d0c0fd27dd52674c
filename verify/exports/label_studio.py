"""`label_studio.json`: the released articles as Label Studio tasks, each with one annotation
holding the adjudicated spans, in Label Studio's import format.

The result list comes from `annotate.results.result_from_rows`, the mapping the project's
Label Studio export and import use, and the task data has the keys of
`annotate.label_studio.task_data` (a test holds them equal: importing that package loads
label_studio_sdk, 45 MB and two seconds a release does not need), so the file imports into
Label Studio with the project's labelling config and back into Crosscheck. Region ids are
`g<gold span id>`.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from annotate.models import Article
from annotate.results import TO_NAME, result_from_rows


class _Names(dict[Any, str]):
    """`result_from_rows` maps label ids to names; gold spans carry the name already."""

    def __missing__(self, key: Any) -> str:
        return str(key)


def _row(span: dict[str, Any], entity_id: int | None) -> SimpleNamespace:
    return SimpleNamespace(
        pk=span["id"], region_id=f"g{span['id']}", label_id=span["label"], start=span["start"],
        end=span["end"], text=span["text"], normalized_value=span["normalized_value"],
        entity_id=entity_id, statement=span["statement"], fact_id=span["fact_id"],
        stance=span["stance"], attributed_to_outlet=False, subject_id=None, object_id=None,
        time_id=None, place_id=None, attributed_to_mention_id=None,
    )  # fmt: skip


def task_data(article: Article, task_id: int) -> dict[str, Any]:
    """What `annotate.label_studio.task_data` gives for the article."""
    return {
        TO_NAME: article.text,
        "crosscheck_article_id": article.pk,
        "crosscheck_task_id": task_id,
        "title": article.title,
        "url": article.url,
        "source": article.source.name if article.source else "",
    }


def label_studio_task(
    *,
    article: Article,
    task_id: int,
    mentions: list[tuple[dict[str, Any], int | None]],
    claims: list[dict[str, Any]],
) -> dict[str, Any]:
    result = result_from_rows(
        mentions=[_row(s, entity_id) for s, entity_id in mentions],
        claims=[_row(s, None) for s in claims],
        label_names=_Names(),
    )
    return {
        "data": task_data(article, task_id),
        "annotations": [{"result": result, "ground_truth": True, "was_cancelled": False}],
    }


class LabelStudioWriter:
    """Writes one JSON list, a task at a time."""

    def __init__(self, path: Path) -> None:
        self.count = 0
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._file.write("[")

    def write(self, task: dict[str, Any]) -> None:
        self._file.write(",\n" if self.count else "\n")
        self._file.write(json.dumps(task, ensure_ascii=False, sort_keys=True))
        self.count += 1

    def close(self) -> None:
        self._file.write("\n]\n")
        self._file.close()
