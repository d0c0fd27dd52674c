"""From a loose article text to a ParsedArticle: metadata out, duplicates once, fields found.

Used by every reader, so the same text gives the same normalised text (and content hash)
whichever format it came in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotate.importers.base import ParsedArticle
from annotate.importers.fingerprint import simhash_of_hashes, token_hashes
from annotate.importers.langs import article_languages, paragraphs_languages
from annotate.importers.outlets import (
    Outlet,
    domain_of,
    known_aliases,
    outlet_by_alias,
    outlet_by_domain,
)
from annotate.importers.text import (
    WORD,
    join_paragraphs,
    normalise_lines,
)

HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$", re.IGNORECASE)
URL_ONLY = re.compile(r"^https?://\S+$", re.IGNORECASE)
URL_START = re.compile(r"^(https?://\S+)\s*(.*)$", re.IGNORECASE)
IMAGE_URL = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)(?:\?\S*)?$", re.IGNORECASE)
IMAGE_ID = re.compile(r"^(?:Image|Img|Photo|Фото)[-_ ]?\d{5,}$", re.IGNORECASE)
ISO_STAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
CLOCK_STAMP = re.compile(
    r"^\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|MSK)?\s*\d{1,2}\.\d{1,2}\.\d{4}(?:\s*\(.*\))?$"
)
BOILERPLATE = re.compile(
    r"^(?:loading\.*|share|share this|subscribe.*|follow us.*|read more|advertisement|"
    r"поделиться|подпишитесь.*|подписаться.*|читайте также.*|реклама|"
    r"حجم الخط|مشاركة عبر.*|شارك(?:وا)? .*|تابعنا .*|[اإ]شترك .*|اقرأ أيضا.*|إعلان)$",
    re.IGNORECASE,
)
BOILERPLATE_MAX_LEN = 90
SHORT_LABEL = re.compile(r"^[\w\- ]{1,24}$")
# "المدن - عرب وعالمالأحد 2025/11/16": outlet, section, a date at the end.
SITE_DATELINE = re.compile(
    r"^(?P<outlet>[^\d\-–—]{2,40}?)\s+[-–—]\s+(?P<section>.*?)\s*(?P<date>\d{4}/\d{1,2}/\d{1,2})$"
)
# "БЕЙРУТ, 23 - РИА Новости." or "МОСКВА, 28 октября. /ТАСС/."
AGENCY_DATELINE = re.compile(
    r"^(?P<city>[A-ZА-ЯЁ][A-ZА-ЯЁ\- ]{2,30}),\s*\d{1,2}(?:\s+\w+)?\s*"
    r"(?:[-–—]\s*(?P<outlet>[^.,]{2,40})\.|\.\s*/(?P<outlet2>[^/]{2,40})/)"
)
CONTINUATION = re.compile(r"^[،,;:؛)\]»]")
SENTENCE_END = re.compile(r"[.!?؟…:;،,]$")
DATE_YMD_SLASH = re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
DATE_DMY_DOT = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
DATE_EN = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),?\s+(\d{4})\b",
    re.IGNORECASE,
)
_FOUR_DIGITS = re.compile(r"\d{4}")
HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 22
COVERAGE_MIN_WORDS = 8
COVERAGE_SHINGLE = 4
COVERAGE_THRESHOLD = 0.8


def _trailing_credit_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(a) for a in known_aliases())
    return re.compile(rf"\s*(?P<date>\d{{1,2}}\.\d{{1,2}}\.\d{{4}}),\s*(?P<outlet>{names})\s*$")


TRAILING_CREDIT = _trailing_credit_pattern()
# A trailing credit ends with one of these (then only spaces): other lines skip the pattern.
_CREDIT_ENDINGS = tuple(known_aliases())


@dataclass
class Found:
    """What the line scan pulled out of the text besides paragraphs."""

    removed: list[dict[str, Any]] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)  # (iso, where)
    outlets: list[tuple[str, str]] = field(default_factory=list)  # (name as credited, how)

    def remove(self, line: int, kind: str, text: str) -> None:
        self.removed.append({"line": line, "kind": kind, "text": text})


def parse_date(text: str) -> dt.date | None:
    """The first well-formed date in a string, in the formats news sites print."""
    if not _FOUR_DIGITS.search(text):
        return None  # every format has a four-digit year: one quick scan instead of four
    candidates: list[tuple[int, dt.date]] = []
    for pattern, order in (
        (DATE_YMD_SLASH, "ymd"),
        (DATE_ISO, "ymd"),
        (DATE_DMY_DOT, "dmy"),
    ):
        for m in pattern.finditer(text):
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            found = _date_or_none(y, mo, d)
            if found:
                candidates.append((m.start(), found))
    for m in DATE_EN.finditer(text):
        found = _date_or_none(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if found:
            candidates.append((m.start(), found))
    return min(candidates)[1] if candidates else None


def _date_or_none(y: int, m: int, d: int) -> dt.date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# What the first character of a timestamp, a URL or an image id can be (the first
# character their patterns accept, with the same flags): other lines skip those patterns.
_STAMP_LINK_OR_IMAGE_START = re.compile(r"\d|(?i:h|i|p|ф)")
# No alias is longer than this, case-folded (folding never shortens a text).
_LONGEST_ALIAS = max(len(a.casefold()) for a in known_aliases())


def _classify(line: str) -> str | None:
    """The kind of metadata a whole line is, or None for content."""
    if _STAMP_LINK_OR_IMAGE_START.match(line):
        if ISO_STAMP.match(line) or CLOCK_STAMP.match(line):
            return "timestamp"
        if URL_ONLY.match(line):
            return "image" if IMAGE_URL.search(line) else "link"
        if IMAGE_ID.match(line):
            return "image"
    if len(line) <= BOILERPLATE_MAX_LEN and BOILERPLATE.match(line):
        return "boilerplate"
    if len(line.strip()) <= _LONGEST_ALIAS and outlet_by_alias(line):
        return "credit"
    # A site dateline ends with a date: its last character is a digit ($ also allows "\n").
    if (line[-1:].isdecimal() or line.endswith("\n")) and SITE_DATELINE.match(line):
        return "dateline"
    return None


def _scan(lines: list[tuple[int, str]], found: Found) -> list[tuple[int, str]]:
    """Content lines (with their line numbers); metadata lines go to `found`."""
    content: list[tuple[int, str]] = []
    for number, line in lines:
        if not line:
            continue
        kind = _classify(line)
        if kind is None:
            tail = max(0, len(line) - 120)
            credited = line.rstrip().endswith(_CREDIT_ENDINGS) and "." in line[tail:]
            m = TRAILING_CREDIT.search(line, tail) if credited else None
            if m and m.start() > 0:
                found.remove(number, "credit", line[m.start() :].strip())
                found.dates.append((_iso(parse_date(m.group("date"))), "credit"))
                found.outlets.append((m.group("outlet"), "credit"))
                line = line[: m.start()].rstrip()
            if content and CONTINUATION.match(line):
                # A sentence broken across lines ("…طويلة\n، مشيرًا…") is one paragraph.
                prev_number, prev = content[-1]
                content[-1] = (prev_number, prev + line)
                continue
            content.append((number, line))
            continue
        found.remove(number, kind, line)
        if kind == "timestamp":
            date = parse_date(line)
            if date:
                found.dates.append((date.isoformat(), "timestamp"))
        elif kind == "credit":
            found.outlets.append((line, "credit"))
        elif kind == "dateline":
            m = SITE_DATELINE.match(line)
            assert m is not None
            found.outlets.append((m.group("outlet").strip(), "dateline"))
            date = parse_date(m.group("date"))
            if date:
                found.dates.append((date.isoformat(), "dateline"))
    return content


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else ""


def _dedupe(
    content: list[tuple[int, str]], found: Found
) -> tuple[list[tuple[int, str]], np.ndarray]:
    """Repeated paragraphs once: exact repeats keep the first; a paragraph whose wording is
    all found in other paragraphs (a teaser, a body printed twice) is dropped, longest first.
    Returns the kept paragraphs and the `token_hashes` of their words."""
    seen: set[str] = set()
    unique: list[tuple[int, str]] = []
    tokens: list[list[str]] = []
    for number, line in content:
        key = line.casefold()
        if key in seen:
            found.remove(number, "duplicate", line)
            continue
        seen.add(key)
        unique.append((number, line))
        tokens.append(WORD.findall(key))  # words(line), without folding the case twice

    lengths = [len(t) for t in tokens]
    hashes = token_hashes([w for paragraph in tokens for w in paragraph])
    dropped = _covered(tokens) if _maybe_covered(lengths, hashes) else []
    if not dropped:
        return unique, hashes
    for i in dropped:
        found.remove(unique[i][0], "duplicate", unique[i][1])
    gone = set(dropped)
    kept = [i for i in range(len(unique)) if i not in gone]
    ends = np.cumsum(lengths)
    hashes = np.concatenate([hashes[ends[i] - lengths[i] : ends[i]] for i in kept] or [hashes[:0]])
    return [unique[i] for i in kept], hashes


# Odd multipliers that mix the words of a COVERAGE_SHINGLE-word shingle into one uint64.
_SHINGLE_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 1], dtype=np.uint64
)


def _maybe_covered(lengths: list[int], hashes: np.ndarray) -> bool:
    """False when no paragraph can be one `_covered` drops; checked on hashed shingles in a
    few numpy passes, where `_covered` builds sets of word tuples.

    A paragraph is a candidate there when at least COVERAGE_THRESHOLD of its distinct
    shingles are in another paragraph too. Here a shingle counts as shared when it occurs
    twice anywhere (in another paragraph, or twice in this one, or by a hash collision),
    and repeats count each time: both only add shared occurrences, so the share here is
    never below the share there, and every paragraph `_covered` could drop passes.
    """
    if len(lengths) < 2 or len(hashes) < COVERAGE_SHINGLE:
        return False
    n = len(hashes) - COVERAGE_SHINGLE + 1
    shingles = hashes[:n] * _SHINGLE_MIX[0]  # uint64 arithmetic wraps, as a hash should
    for i in range(1, COVERAGE_SHINGLE):
        shingles += hashes[i : i + n] * _SHINGLE_MIX[i]
    paragraph = np.repeat(np.arange(len(lengths)), lengths)
    within = paragraph[:n] == paragraph[COVERAGE_SHINGLE - 1 :]  # not across two paragraphs
    shingles, paragraph = shingles[within], paragraph[:n][within]
    if not len(shingles):
        return False
    # Sorted, a shingle that occurs twice sits next to an equal one.
    order = np.argsort(shingles)
    ordered = shingles[order]
    twice = np.zeros(len(ordered), dtype=bool)
    equal = ordered[1:] == ordered[:-1]
    twice[1:] |= equal
    twice[:-1] |= equal
    own = np.bincount(paragraph, minlength=len(lengths))
    shared = np.bincount(paragraph[order], weights=twice, minlength=len(lengths))
    possible = (own >= COVERAGE_MIN_WORDS - COVERAGE_SHINGLE + 1) & (
        shared >= COVERAGE_THRESHOLD * own
    )
    return bool(possible.any())


def _covered(tokens: list[list[str]]) -> list[int]:
    """The paragraphs (by index, in the order they are dropped) whose shingles are mostly
    held by other kept paragraphs, judged longest first."""
    shingles = [_shingles(t) for t in tokens]
    # Shingles held by two paragraphs or more, with set operations. Holders only go down as
    # paragraphs are dropped, so a paragraph not covered by these now never will be.
    seen: set[tuple[str, ...]] = set()
    shared_now: set[tuple[str, ...]] = set()
    for own in shingles:
        shared_now |= own & seen
        seen |= own
    candidates = [
        i
        for i, own in enumerate(shingles)
        if len(own) >= COVERAGE_MIN_WORDS - COVERAGE_SHINGLE + 1
        and len(own & shared_now) >= COVERAGE_THRESHOLD * len(own)
    ]
    if not candidates:
        return []
    # How many kept paragraphs hold each shingle: a paragraph is covered when enough of its
    # shingles are held by another kept paragraph too (count >= 2, itself being one).
    holders: Counter[tuple[str, ...]] = Counter()
    for own in shingles:
        holders.update(own)
    dropped: list[int] = []
    for i in sorted(candidates, key=lambda i: -len(shingles[i])):
        own = shingles[i]
        shared = sum(1 for s in own if holders[s] >= 2)
        if shared >= COVERAGE_THRESHOLD * len(own):
            dropped.append(i)
            holders.subtract(own)
    return dropped


def _shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    # The COVERAGE_SHINGLE-word windows, built by zip (no slice per window).
    return set(zip(*(tokens[i:] for i in range(COVERAGE_SHINGLE)), strict=False))


def _is_headline(line: str, rest: list[tuple[int, str]]) -> bool:
    if not rest or line.startswith(("-", "•", "*", "«", '"')):
        return False
    if len(line) > HEADLINE_MAX_CHARS or len(line.split()) > HEADLINE_MAX_WORDS:
        return False
    return not SENTENCE_END.search(line.rstrip("\"'»”"))


def _byline_outlet(content: list[tuple[int, str]], found: Found) -> None:
    for _, line in content[:3]:
        m = AGENCY_DATELINE.match(line)
        if m:
            found.outlets.append(((m.group("outlet") or m.group("outlet2")).strip(), "dateline"))
            return


def _outlet(url: str, given: str, found: Found) -> tuple[str, str, str, str, str]:
    """(name, domain, kind, credited as, how found)."""
    if given:
        known = outlet_by_alias(given)
        return _outlet_fields(known, given, "field")
    domain = domain_of(url) if url else ""
    if domain:
        known = outlet_by_domain(domain)
        if known:
            return known.name, known.domain, known.kind, domain, "url"
        return domain, domain, "unknown", domain, "url"
    for credited, how in found.outlets:
        return _outlet_fields(outlet_by_alias(credited), credited, how)
    return "", "", "", "", ""


def _outlet_fields(known: Outlet | None, credited: str, how: str) -> tuple[str, str, str, str, str]:
    if known:
        return known.name, known.domain, known.kind, credited, how
    return credited, "", "unknown", credited, how


def _date(header: dt.date | None, given: dt.date | None, found: Found, content: list[str]):
    if header:
        return header, "header"
    if given:
        return given, "field"
    for iso, how in found.dates:
        if iso:
            return dt.date.fromisoformat(iso), how
    for line in content:
        date = parse_date(line)
        if date:
            return date, "text"
    return None, ""


def build_article(
    *,
    raw: str,
    file: str,
    line: int | None = None,
    seed_header: bool = False,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published_on: dt.date | None = None,
    external_id: str = "",
    first_line_number: int = 1,
) -> ParsedArticle:
    """Normalise a loose article text and pull out its fields.

    `raw` is stored unchanged; `text` is the cleaned text every offset will point into.
    Fields given by a structured format (title, url, outlet, date) win over found ones.
    """
    found = Found()
    numbered = [(first_line_number + i, text) for i, text in enumerate(normalise_lines(raw))]
    header_date: dt.date | None = None
    meta: dict[str, Any] = {}
    if seed_header and numbered:
        numbered, header_date, url, meta = _read_header(numbered, url, found)

    content = _scan(numbered, found)
    detected_title = ""
    if content and not title and _is_headline(content[0][1], content[1:]):
        detected_title = content[0][1]
    content, hashes = _dedupe(content, found)
    _byline_outlet(content, found)

    paragraphs = [text for _, text in content]
    text = join_paragraphs(paragraphs)
    spans, langs = _paragraph_spans(paragraphs)
    name, domain, kind, credited, how = _outlet(url, outlet, found)
    date, date_how = _date(header_date, published_on, found, paragraphs)
    meta.update(
        {
            "paragraphs": spans,
            "removed": sorted(found.removed, key=lambda r: r["line"]),
            "date_source": date_how,
            "outlet": {"name": name, "credited_as": credited, "kind": kind, "source": how}
            if name
            else None,
            "title_source": "field" if title else ("headline" if detected_title else ""),
        }
    )
    return ParsedArticle(
        raw_text=raw,
        text=text,
        title=title or detected_title,
        url=url,
        published_on=date,
        outlet=name,
        outlet_domain=domain,
        outlet_kind=kind,
        languages=langs,
        external_id=external_id,
        file=file,
        line=line,
        metadata=meta,
        # Words never span the blank line between paragraphs, so this is simhash(text).
        simhash=simhash_of_hashes(hashes),
    )


def _read_header(
    numbered: list[tuple[int, str]], url: str, found: Found
) -> tuple[list[tuple[int, str]], dt.date | None, str, dict[str, Any]]:
    number, first = numbered[0]
    m = HEADER.match(first)
    if not m:
        return numbered, None, url, {"header": None}
    header_date = _date_or_none(*(int(p) for p in m.group(1).split("-")))
    rest = m.group(2).strip()
    header: dict[str, Any] = {"date": m.group(1), "rest": rest, "rest_kind": "none"}
    body_start = ""
    url_match = URL_START.match(rest)
    if url_match:
        url = url or url_match.group(1)
        header["rest_kind"] = "url"
        body_start = url_match.group(2)
    elif rest and SHORT_LABEL.match(rest) and len(rest.split()) <= 2:
        header["rest_kind"] = "label"
        found.remove(number, "label", rest)
    elif rest:
        header["rest_kind"] = "body"
        body_start = rest
    remaining = numbered[1:]
    if body_start:
        remaining = [(number, body_start), *remaining]
    return remaining, header_date, url, {"header": header}


def _paragraph_spans(paragraphs: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    spans: list[dict[str, Any]] = []
    weighted: list[tuple[int, list[str]]] = []
    offset = 0
    for paragraph, langs in zip(paragraphs, paragraphs_languages(paragraphs), strict=True):
        spans.append({"start": offset, "end": offset + len(paragraph), "languages": langs})
        weighted.append((len(paragraph), langs))
        offset += len(paragraph) + 2
    return spans, article_languages(weighted)
