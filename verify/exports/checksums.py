"""`checksums.sha256`: `sha256sum -c` compatible, one line per file, sorted by path."""

from __future__ import annotations

import hashlib
from pathlib import Path

NAME = "checksums.sha256"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def checksums_write(folder: Path) -> dict[str, str]:
    """Hash every file under `folder` (but this one) and write the list; path -> hex."""
    sums = {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != NAME
    }
    lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))
    (folder / NAME).write_text(lines, encoding="utf-8")
    return sums
