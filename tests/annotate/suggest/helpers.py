"""Seed texts and offset helpers shared by the suggester tests."""

from __future__ import annotations

import re
from pathlib import Path

from annotate.suggest import Suggestion

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def seed(prefix: str) -> str:
    """The seed file whose name starts with `prefix` ("000"), as stored."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def offsets(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Where each phrase occurs, in order: each is searched after the one before it."""
    found, cursor = [], 0
    for phrase in phrases:
        start = text.find(phrase, cursor)
        assert start >= 0, f"{phrase!r} is not in the text after offset {cursor}"
        found.append((start, start + len(phrase)))
        cursor = start + len(phrase)
    return found


def assert_exact(text: str, suggestions: list[Suggestion]) -> None:
    """Every span is the text at its offsets, and spans are in order without overlap."""
    previous_end = 0
    for s in suggestions:
        assert text[s.start : s.end] == s.text
        assert previous_end <= s.start < s.end
        previous_end = s.end


def russian_paragraphs(text: str) -> list[tuple[int, int]]:
    """Lines with more Cyrillic than Arabic letters (a stand-in for language detection)."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        cyrillic = len(re.findall(r"[\u0400-\u04FF]", m.group()))
        arabic = len(re.findall(r"[\u0600-\u06FF]", m.group()))
        if cyrillic > arabic:
            spans.append(m.span())
    return spans
