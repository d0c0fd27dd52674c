"""`entities.jsonl`: the canonical entities the release's mentions and facts name."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def entity_row(
    *, entity: dict[str, Any], aliases: Iterable[dict[str, Any]], mention_count: int
) -> dict[str, Any]:
    """`aliases` as `values("text", "language", "script")`, grouped by language then script."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for alias in sorted(aliases, key=lambda a: (a["language"], a["script"], a["text"])):
        by_script = grouped.setdefault(alias["language"] or "und", {})
        by_script.setdefault(alias["script"], []).append(alias["text"])
    return {
        "id": entity["id"],
        "type": entity["type"],
        "preferred_name": entity["preferred_name"],
        "wikidata_qid": entity["wikidata_qid"] or None,
        "mention_count": mention_count,
        "aliases": grouped,
    }


def entity_table_row(row: dict[str, Any]) -> dict[str, Any]:
    """The Parquet shape: aliases as a JSON string (a map of maps is awkward in Arrow)."""
    flat = {k: v for k, v in row.items() if k != "aliases"}
    flat["languages"] = sorted(row["aliases"])
    flat["aliases_json"] = json.dumps(row["aliases"], ensure_ascii=False, sort_keys=True)
    return flat
