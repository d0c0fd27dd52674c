"""Offsets: code points (ours and Label Studio 1.23's), UTF-16 (browsers, older tools).

Label Studio 1.23's editor converts the browser's UTF-16 positions to code points before
it stores `value.start/end` (`charsToCodePoints` in its editor; measured in Chromium by
`tests/label_studio/test_label_studio_editor.py`), so its offsets are ours unchanged.
Files from older versions or other tools may hold UTF-16 positions: `span_offsets_read`
tries code points first, then UTF-16, and refuses a span that matches neither.
"""

from __future__ import annotations

import difflib
from typing import Any


def short(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def code_points_to_utf16(text: str, offset: int) -> int:
    """A code-point offset into `text` as a JavaScript (UTF-16) index."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def utf16_to_code_points(text: str, offset: int) -> int:
    """A JavaScript (UTF-16) index into `text` as a code-point offset.

    Raises ValueError for an index past the end or one that splits a surrogate pair.
    """
    units = 0
    for index, ch in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"UTF-16 index {offset} falls inside the character at {index}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 index {offset} is past the end of the text ({units} units)")


def span_offsets_read(*, text: str, start: Any, end: Any, span_text: Any) -> tuple[int, int]:
    """The code-point offsets of a Label Studio span, checked against `text`.

    Code points first (what Label Studio 1.23 writes); if those do not give `span_text`,
    UTF-16 code units (what older tools wrote). Raises ValueError saying what the text
    holds there when neither reading gives `span_text`.
    """
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise ValueError("start and end must be whole numbers")
    if not isinstance(span_text, str) or not span_text:
        raise ValueError("the span has no text (value.text)")
    if 0 <= start < end <= len(text) and text[start:end] == span_text:
        return start, end
    try:
        cp_start, cp_end = utf16_to_code_points(text, start), utf16_to_code_points(text, end)
    except ValueError:
        pass
    else:
        if text[cp_start:cp_end] == span_text:
            return cp_start, cp_end
    found = text[start:end] if 0 <= start < end else ""
    raise ValueError(
        f"'{short(span_text)}' is not the article text at {start}:{end}, which is "
        f"'{short(found)}' (offsets count code points)"
    )


class OffsetMap:
    """Maps offsets in a raw text onto its normalised form, which may have dropped parts.

    The import normalises what it stores (spaces, invisible characters, metadata lines,
    paragraph breaks), while a Label Studio file's offsets point into the text as given.
    """

    def __init__(self, raw: str, text: str) -> None:
        self.same = raw == text
        self.blocks: list[tuple[str, int, int, int, int]] = []
        if not self.same:
            matcher = difflib.SequenceMatcher(None, raw, text, autojunk=False)
            self.blocks = matcher.get_opcodes()

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The normalised span of raw `start:end`; None if normalisation removed it."""
        if self.same:
            return start, end
        new_start = self._point(start, at_end=False)
        new_end = self._point(end, at_end=True)
        return (new_start, new_end) if new_start < new_end else None

    def _point(self, offset: int, *, at_end: bool) -> int:
        for tag, i1, i2, j1, j2 in self.blocks:
            if tag == "equal" and i1 <= offset <= i2:
                return j1 + (offset - i1)
            if i1 <= offset < i2 or (at_end and i1 < offset <= i2):
                return j2 if at_end else j1
        return self.blocks[-1][4] if self.blocks else offset
