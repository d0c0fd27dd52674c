"""Parquet files of the tables, written with pyarrow in fixed row groups.

Every table has an explicit schema, so a batch of nulls or an empty table still has the
right column types, and the files are byte-identical for the same rows: no index, no
timestamps, no statistics, row groups of a fixed size. A row group's columns go to pyarrow
as Python lists, CHUNK rows at a time (no pandas DataFrame in between: it cost more than the
Parquet encoding).
Load with `pandas.read_parquet(path)` or `datasets.load_dataset("parquet", data_files=...)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 10_000
CHUNK = 1_000  # ROW_GROUP is a multiple of it
# Arrays are made in malloc's memory, not pyarrow's default mimalloc, which keeps freed pages:
# 15-30 MB more in each process of a release. The Parquet encoders take the default pool
# whatever the writer is given, so it is asked to give back what they freed after each row
# group (bench/release_bench.py).
POOL = pa.system_memory_pool()

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


def prepare() -> None:
    """Load what pyarrow loads on its first conversion of a Python list: it imports pandas
    (30 MB) to ask whether the list is a pandas object. A release calls this before it forks
    its second process, so the two share one copy instead of importing one each."""
    pa.array([], type=_INT, memory_pool=POOL)


class ParquetTableWriter:
    """Writes a row group of ROW_GROUP rows at a time.

    Rows become Arrow arrays CHUNK at a time (their bytes, not Python objects: a buffered
    row group of dicts cost tens of megabytes) and a row group's chunks are joined before it
    is written, so the file is the one a single conversion of the group gives.
    """

    def __init__(self, path: Path, table: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = SCHEMAS[table]
        self.columns = self.schema.names
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._chunks: list[list[pa.Array]] = [[] for _ in self.columns]
        self._converted = 0
        self._writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", write_statistics=False, memory_pool=POOL
        )

    def write(self, row: dict[str, Any]) -> None:
        """`row` has every column of the table (others are ignored)."""
        self._rows.append(row)
        if len(self._rows) >= CHUNK:
            self._convert()
            if self._converted >= ROW_GROUP:
                self._flush()

    def _convert(self) -> None:
        rows = self._rows
        for chunks, f in zip(self._chunks, self.schema, strict=True):
            chunks.append(pa.array([row[f.name] for row in rows], type=f.type, memory_pool=POOL))
        self._converted += len(rows)
        self._rows = []

    def _flush(self) -> None:
        if self._rows:
            self._convert()
        if not self._converted:
            return
        arrays = [pa.concat_arrays(chunks, memory_pool=POOL) for chunks in self._chunks]
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        self._writer.write_table(table, row_group_size=ROW_GROUP)
        pa.default_memory_pool().release_unused()  # see POOL
        self.count += self._converted
        self._chunks = [[] for _ in self.columns]
        self._converted = 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
