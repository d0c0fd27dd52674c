"""JSON Lines: one object per line, keys sorted, UTF-8 (Arabic and Russian as they are)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


class JsonlWriter:
    """Appends rows to `path`; `count` says how many were written."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.count = 0
        self._file = path.open("w", encoding="utf-8", newline="\n")

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(json_line(row))
        self.count += 1

    def close(self) -> None:
        self._file.close()
