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

if TYPE_CHECKING:
    from lingua import LanguageDetector

OTHER = "other"
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
CYRILLIC = re.compile(r"[\u0400-\u052f]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Parts of a line that are letters but not language.
JUNK = re.compile(
    r"https?://\S+|www\.\S+|(?<![\w.])(?:[a-z0-9-]+\.)+(?:com|org|net|ru|ae|sy|co|io|me|info)\b(?:/\S*)?"
    r"|@\w+|#\w+|\S+@\S+\.\w+",
    re.IGNORECASE,
)
LATIN_WORD = re.compile(r"\b[A-Za-z\u00c0-\u024f]{2,}\b")
LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9'’ ,.-]*")
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
    # The opening of a paragraph tells its scripts; counting all of a long one costs time.
    sample = paragraph[:SAMPLE_CHARS]
    # URLs, handles and domains are Latin: there is nothing to strip without Latin letters.
    clean = JUNK.sub(" ", sample) if LATIN.search(sample) else sample
    found = [
        s for s, rx in (("ar", ARABIC), ("ru", CYRILLIC), ("latin", LATIN)) if rx.search(clean)
    ]
    if len(found) == 1 and found[0] != "latin" and len(clean) >= 3 * MIN_LETTERS:
        return found  # one script, and long enough to hold MIN_LETTERS of it
    counts = {
        "ar": len(ARABIC.findall(clean)),
        "ru": len(CYRILLIC.findall(clean)),
        "latin": len(LATIN.findall(clean)),
    }
    total = sum(counts.values())
    if total < MIN_LETTERS:
        return [OTHER]
    present = [s for s, n in counts.items() if n >= MIN_LETTERS and n / total >= MIN_SHARE]
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
