"""CoNLL (BIO) files, one per language: one token and its tag per line, a `-DOCSTART-`
line and a blank line before each document, a blank line after each sentence.

The tokeniser splits punctuation off words in every script: `موسكو،` gives `موسكو` and
`،`, `«Москве»,` gives `«`, `Москве`, `»`, `,`. A word keeps its Arabic diacritics and
tatweel, and inner hyphens and apostrophes (`Абу-Касра`, `al-Sharaa`, `O'Brien`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

# Letters/digits plus the Arabic combining marks (harakat, superscript alef, Quranic marks),
# which `\w` does not match on its own.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = rf"[\w{_MARKS}]+"
TOKEN_RE = re.compile(rf"{_WORD}(?:[-'’]{_WORD})*|[^\w\s{_MARKS}]")
# A sentence ends after . ! ? … and the Arabic question mark and full stop.
SENTENCE_END = frozenset({".", "!", "?", "…", "؟", "۔"})
DOCSTART = "-DOCSTART- O"


class Token(NamedTuple):
    text: str
    start: int
    end: int


def tokenise(text: str) -> list[Token]:
    """Tokens with their code-point offsets into `text`."""
    return [Token(m[0], *m.span()) for m in TOKEN_RE.finditer(text)]


def bio_tags(tokens: list[Token], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """One tag per token. A token overlapping a span is inside it; the first such token is
    B-, the rest I-. Where spans nest or overlap, the first in reading order (the longer one
    at a tie of starts) keeps its tokens."""
    tags = ["O"] * len(tokens)
    starts = [t.start for t in tokens]
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        first = True
        i = _first_token_ending_after(tokens, starts, start)
        while i < len(tokens) and tokens[i].start < end:
            if tags[i] == "O":
                tags[i] = ("B-" if first else "I-") + label
                first = False
            elif first:
                break  # its first token belongs to an earlier span: leave this one out
            i += 1
    return tags


def _first_token_ending_after(tokens: list[Token], starts: list[int], offset: int) -> int:
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    while i < len(tokens) and tokens[i].end <= offset:
        i += 1
    return i


def document_lines(text: str, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """The lines of one document: `-DOCSTART-`, then `token tag` lines, sentences apart."""
    tokens = tokenise(text)
    tags = bio_tags(tokens, spans)
    lines = [DOCSTART, ""]
    append = lines.append
    newlines = "\n" in text
    open_sentence = False
    previous_end = 0
    for (token, start, end), tag in zip(tokens, tags, strict=True):
        if open_sentence and newlines and "\n" in text[previous_end:start]:
            append("")
        append(f"{token} {tag}")
        open_sentence = True
        if token in SENTENCE_END and not tag.startswith("I-"):
            append("")
            open_sentence = False
        previous_end = end
    if open_sentence:
        append("")
    return lines


class ConllWriter:
    """`conll/<language>.conll` files, opened as languages appear; `documents` per language."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.documents: dict[str, int] = {}
        self._files: dict[str, object] = {}

    def write(self, *, language: str, text: str, spans: Iterable[tuple[int, int, str]]) -> None:
        out = self._files.get(language)
        if out is None:
            out = (self.folder / f"{language}.conll").open("w", encoding="utf-8", newline="\n")
            self._files[language] = out
        out.write("\n".join(document_lines(text, spans)) + "\n")  # type: ignore[attr-defined]
        self.documents[language] = self.documents.get(language, 0) + 1

    def close(self) -> None:
        for out in self._files.values():
            out.close()  # type: ignore[attr-defined]
