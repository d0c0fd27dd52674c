"""A release's Parquet files do not depend on how the writer buffers the rows on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from verify.exports.parquet import CHUNK, ROW_GROUP, SCHEMAS, ParquetTableWriter


def _entity_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": i, "type": "PER" if i % 3 else None, "preferred_name": f"Имя {i}",
         "wikidata_qid": f"Q{i}" if i % 7 == 0 else None, "mention_count": i % 11,
         "languages": ["ar", "ru"][: i % 3], "aliases_json": "[]"}
        for i in range(count)
    ]  # fmt: skip


def test_it_writes_the_file_one_conversion_per_row_group_gives(tmp_path: Path) -> None:
    rows = _entity_rows(2 * ROW_GROUP + CHUNK + 7)  # two whole row groups, then a part of one
    writer = ParquetTableWriter(tmp_path / "chunked.parquet", "entities")
    for row in rows:
        writer.write(row)
    writer.close()

    schema = SCHEMAS["entities"]
    whole = tmp_path / "whole.parquet"
    with pq.ParquetWriter(whole, schema, compression="zstd", write_statistics=False) as out:
        for i in range(0, len(rows), ROW_GROUP):
            table = pa.Table.from_pylist(rows[i : i + ROW_GROUP], schema=schema)
            out.write_table(table, row_group_size=ROW_GROUP)

    assert writer.count == len(rows)
    assert (tmp_path / "chunked.parquet").read_bytes() == whole.read_bytes()
    assert pq.ParquetFile(whole).metadata.num_row_groups == 3
