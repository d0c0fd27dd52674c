"""Parquet files of the tables, written with pyarrow in fixed row groups.

Every table has an explicit schema, so a batch of nulls or an empty table still has the
right column types, and the files are byte-identical for the same rows: no index, no
timestamps, no statistics, row groups of a fixed size. A row group's columns go to pyarrow
as Python lists (no pandas DataFrame in between: it cost more than the Parquet encoding).
Load with `pandas.read_parquet(path)` or `datasets.load_dataset("parquet", data_files=...)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 10_000

_STR = pa.string()
_INT = pa.int64()
_STRS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "entities": pa.schema(
        [("id", _INT), ("type", _STR), ("preferred_name", _STR), ("wikidata_qid", _STR),
         ("mention_count", _INT), ("languages", _STRS), ("aliases_json", _STR)]
    ),
    "mentions": pa.schema(
        [("id", _STR), ("article_id", _INT), ("task_id", _INT), ("language", _STR),
         ("start", _INT), ("end", _INT), ("text", _STR), ("label", _STR), ("entity_id", _INT),
         ("normalized_value", _STR), ("origin", _STR), ("reviewers", _STRS),
         ("adjudicator", _STR)]
    ),
    "facts": pa.schema(
        [("id", _INT), ("statement", _STR), ("subject_id", _INT), ("predicate", _STR),
         ("object_id", _INT), ("place_id", _INT), ("time_start", _STR), ("time_end", _STR),
         ("time_text", _STR), ("verdict", _STR), ("verdict_summary", _STR),
         ("gold_outcome", _STR), ("gold_upheld_stance", _STR), ("fever_label", _STR),
         ("independent_origins", _INT), ("supporting_origins", _INT),
         ("refuting_origins", _INT), ("evidence_count", _INT), ("languages", _STRS),
         ("reviewers", _STRS), ("adjudicators", _STRS)]
    ),
    "evidence": pa.schema(
        [("id", _STR), ("fact_id", _INT), ("article_id", _INT), ("task_id", _INT),
         ("outlet", _STR), ("url", _STR), ("published_on", _STR), ("language", _STR),
         ("start", _INT), ("end", _INT), ("text", _STR), ("stance", _STR),
         ("origin_key", _STR), ("origin_name", _STR), ("reviewers", _STRS),
         ("adjudicator", _STR), ("agreement_f1", pa.float64()), ("conflicts", _INT)]
    ),
}  # fmt: skip


class ParquetTableWriter:
    """Buffers rows and writes a row group of ROW_GROUP rows at a time."""

    def __init__(self, path: Path, table: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = SCHEMAS[table]
        self.columns = self.schema.names
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", write_statistics=False
        )

    def write(self, row: dict[str, Any]) -> None:
        """`row` has every column of the table (others are ignored)."""
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        rows = self._rows
        arrays = [pa.array([row[f.name] for row in rows], type=f.type) for f in self.schema]
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        self._writer.write_table(table, row_group_size=ROW_GROUP)
        self.count += len(rows)
        self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
