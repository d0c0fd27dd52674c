"""The shapes every reader produces and the error every reader raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rejection(Exception):
    """A file or record that cannot be imported. Names the file, line and field."""

    file: str
    reason: str
    line: int | None = None
    field: str = ""

    def __reduce__(self) -> tuple[type[Rejection], tuple[str, str, int | None, str]]:
        # Parsed in a worker process, sent back pickled: rebuild from the fields (an
        # exception pickles its `args`, which keyword construction leaves empty).
        return type(self), (self.file, self.reason, self.line, self.field)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        what = f" (field '{self.field}')" if self.field else ""
        return f"{where}{what}: {self.reason}"


@dataclass
class ParsedArticle:
    """One article as a reader found it, normalised and ready to store."""

    raw_text: str
    text: str
    title: str = ""
    url: str = ""
    published_on: dt.date | None = None
    outlet: str = ""
    outlet_domain: str = ""
    outlet_kind: str = ""  # a Source.Kind value when the outlet is known
    languages: list[str] = field(default_factory=list)
    external_id: str = ""
    file: str = ""
    line: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # SimHash of `text`, computed while parsing (equal to fingerprint.simhash(text)).
    simhash: int | None = None
    # Label Studio exports: the task's annotations and predictions as given.
    label_studio: dict[str, Any] | None = None
    # `raw_text` is the whole file, decoded (the seed format): its UTF-8 is the file's bytes.
    raw_is_file: bool = False
