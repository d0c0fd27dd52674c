"""Languages per paragraph: a script count first, then lingua where the script is not enough.

Every detector misreads Latin-only junk (timestamps, URLs, handles) as some language, so
those never reach the detector. With the languages in play (Russian, Arabic, English) a
paragraph written in one script is decided by the script; lingua decides Latin text
(English, or "other") and paragraphs that mix scripts, where it splits the segments.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lingua import LanguageDetector

OTHER = "other"
# Letters of each script as code point ranges "a-b" (for a regex class and a lookup table).
ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
CYRILLIC_RANGES = "\u0400-\u052f"
LATIN_RANGES = "A-Za-z\u00c0-\u024f"
ARABIC = re.compile(f"[{ARABIC_RANGES}]")
CYRILLIC = re.compile(f"[{CYRILLIC_RANGES}]")
LATIN = re.compile(f"[{LATIN_RANGES}]")
# Parts of a line that are letters but not language.
JUNK = re.compile(
    r"https?://\S+|www\.\S+|(?<![\w.])(?:[a-z0-9-]+\.)+(?:com|org|net|ru|ae|sy|co|io|me|info)\b(?:/\S*)?"
    r"|@\w+|#\w+|\S+@\S+\.\w+",
    re.IGNORECASE,
)
# Every JUNK match holds one of these: a text without them has nothing to strip.
JUNK_HINT = re.compile(r"://|www\.|[@#]|\.(?:com|org|net|ru|ae|sy|co|io|me|info)\b", re.IGNORECASE)
LATIN_WORD = re.compile(r"\b[A-Za-z\u00c0-\u024f]{2,}\b")
LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9'’ ,.-]*")
# ARABIC, CYRILLIC and LATIN as one lookup table over code points (0: none of them), so
# one numpy pass counts the letters of each script in every paragraph of an article.
_AR, _RU, _LATIN = 1, 2, 3
_SCRIPT_RANGES = ((_AR, ARABIC_RANGES), (_RU, CYRILLIC_RANGES), (_LATIN, LATIN_RANGES))


def _script_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    for script, ranges in _SCRIPT_RANGES:
        for start, end in re.findall(r"(.)-(.)", ranges):
            table[ord(start) : ord(end) + 1] = script
    return table


_SCRIPT_OF = _script_table()
MIN_SHARE = 0.15
MIN_LETTERS = 4
SAMPLE_CHARS = 600


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.RUSSIAN, Language.ARABIC, Language.ENGLISH
    ).build()


def _iso(language: object) -> str:
    code = language.iso_code_639_1.name.lower()  # type: ignore[attr-defined]
    return code if code in {"ru", "ar", "en"} else OTHER


@lru_cache(maxsize=4096)  # credits and agency names come back in article after article
def _latin_language(text: str) -> str:
    if len(LATIN_WORD.findall(text)) < 1:
        return OTHER
    confidence = _detector().compute_language_confidence_values(text)
    best = confidence[0]
    return _iso(best.language) if best.value >= 0.5 else OTHER


def paragraph_languages(paragraph: str) -> list[str]:
    """Languages of a paragraph, the main one first; ["other"] when it has no language.

    Scripts present (at least MIN_LETTERS letters and MIN_SHARE of them) are ranked by
    letters; Arabic and Cyrillic map to their one language in play, Latin goes to lingua.
    """
    return paragraphs_languages([paragraph])[0]


def paragraphs_languages(paragraphs: list[str]) -> list[list[str]]:
    """`paragraph_languages` of each paragraph, with the letters of all counted at once."""
    # The opening of a paragraph tells its scripts; counting all of a long one costs time.
    cleans = [paragraph[:SAMPLE_CHARS] for paragraph in paragraphs]
    counts = _script_counts(cleans)
    # URLs, handles and domains are Latin: there is nothing to strip without Latin letters.
    with_junk = [
        i for i in np.flatnonzero(counts[:, _LATIN]).tolist() if JUNK_HINT.search(cleans[i])
    ]
    if with_junk:
        for i in with_junk:
            cleans[i] = JUNK.sub(" ", cleans[i])
        counts[with_junk] = _script_counts([cleans[i] for i in with_junk])
    return [
        _languages(clean, ar, ru, latin)
        for clean, (_, ar, ru, latin) in zip(cleans, counts.tolist(), strict=True)
    ]


def _script_counts(texts: list[str]) -> np.ndarray:
    """Rows of (none, Arabic, Cyrillic, Latin) letter counts, one row per text."""
    if not texts:
        return np.zeros((0, 4), dtype=np.int64)
    # UTF-32 has one code unit per character (surrogatepass keeps lone surrogates one too).
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    scripts = _SCRIPT_OF[np.frombuffer(joined, dtype="<u4")]
    owner = np.repeat(np.arange(len(texts)) * 4, [len(t) for t in texts])
    return np.bincount(owner + scripts, minlength=4 * len(texts)).reshape(-1, 4)


def _languages(clean: str, ar: int, ru: int, latin: int) -> list[str]:
    if not latin and (not ar) != (not ru) and len(clean) >= 3 * MIN_LETTERS:
        # One script, and long enough to hold MIN_LETTERS of it.
        return ["ar" if ar else "ru"]
    total = ar + ru + latin
    if total < MIN_LETTERS:
        return [OTHER]
    if not latin:  # Arabic and Cyrillic: no detector, the larger first (Arabic on a tie)
        present = [s for s, n in (("ar", ar), ("ru", ru)) if _enough(n, total)]
        if len(present) == 2 and ru > ar:
            present.reverse()
        return present or [OTHER]
    counts = {"ar": ar, "ru": ru, "latin": latin}
    present = [s for s, n in counts.items() if _enough(n, total)]
    if not present:
        return [OTHER]
    if len(present) == 1 and present[0] != "latin":
        return [present[0]]
    ranked = sorted(present, key=lambda script: -counts[script])
    langs: list[str] = []
    for script in ranked:
        code = _latin_language(_latin_part(clean)) if script == "latin" else script
        if code not in langs:
            langs.append(code)
    if len(langs) > 1 and OTHER in langs:
        langs.remove(OTHER)
    return langs


def _enough(letters: int, total: int) -> bool:
    """Whether a script with `letters` of a paragraph's `total` letters counts as present."""
    return letters >= MIN_LETTERS and letters / total >= MIN_SHARE


def _latin_part(text: str) -> str:
    """The Latin-script words of a mixed line, for the detector to judge on their own."""
    return " ".join(LATIN_RUN.findall(text))


def article_languages(paragraph_langs: list[tuple[int, list[str]]]) -> list[str]:
    """Languages of the article, weighted by paragraph length; "other" only if nothing else."""
    weight: dict[str, int] = {}
    for length, langs in paragraph_langs:
        for rank, code in enumerate(langs):
            if code != OTHER:
                weight[code] = weight.get(code, 0) + (length if rank == 0 else length // 4)
    return sorted(weight, key=lambda c: (-weight[c], c))
