"""Character-level normalisation shared by every reader.

The normalised text is what every offset points into, so this must be stable:
normalising an already normalised text returns it unchanged (tested).
"""

from __future__ import annotations

import re
import unicodedata

# Runs of spaces that are not a single plain space: NBSP, narrow NBSP, figure space, the
# U+2000 block, ideographic space, tabs; or two plain spaces and more. One pass, one space.
_SPACES = re.compile(
    r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v][ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]*| {2,}"
)
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Invisible characters that carry no meaning in news text, and control characters.
# ZWJ/ZWNJ (U+200C/D) are kept: they change how Arabic-script words join.
_DROP = re.compile(
    r"[\u00ad\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069"
    r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"
)
# A character _DROP or _SPACES would change (besides two plain spaces), as one class.
_SUSPECT = re.compile(_DROP.pattern[:-1] + _ODD_SPACE.pattern[1:])
# U+2011 (non-breaking hyphen) and U+2010 become "-" (in _normalise_chars) so Аш‑Шараа
# matches Аш-Шараа.


def normalise_line(line: str) -> str:
    """One line: NFC, one kind of space and hyphen, no invisible or control characters."""
    return _normalise_chars(line).strip()


def normalise_lines(raw: str) -> list[str]:
    """Every line of a raw text, normalised (one pass over the whole text, then split)."""
    return [line.strip() for line in split_lines(_normalise_chars(raw))]


def _normalise_chars(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u2011", "-").replace("\u2010", "-")
    # Most texts have nothing to drop and no odd or double spaces: one scan tells.
    if "  " not in text and not _SUSPECT.search(text):
        return text
    text = _DROP.sub("", text)
    if "  " in text or _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    return text


_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")


def split_lines(raw: str) -> list[str]:
    """Lines of a raw text, whatever its line endings (CRLF, CR, U+2028/9)."""
    if "\r" in raw or "\u2028" in raw or "\u2029" in raw or "\x85" in raw:
        return _LINE_BREAK.split(raw)
    return raw.split("\n")  # the same, and faster, when "\n" is the only line break


def join_paragraphs(paragraphs: list[str]) -> str:
    """The normalised text: paragraphs separated by one blank line."""
    return "\n\n".join(p for p in paragraphs if p)


def normalise_plain(raw: str) -> list[str]:
    """Paragraphs of a plain text (one per non-empty line), each normalised."""
    return [p for p in (normalise_line(line) for line in split_lines(raw)) if p]


# \W also matches combining marks (Latin accents, Arabic harakat): they are not alphanumeric.
LETTER_KEY = re.compile(r"[\W_]+", re.UNICODE)


def comparison_key(text: str) -> str:
    """Letters and digits only, case-folded, without diacritics: for duplicate checks."""
    return LETTER_KEY.sub("", text.casefold())


WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())
