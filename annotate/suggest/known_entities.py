"""Known-entity suggestions: every alias of every active canonical entity, found in a text.

This is how Arabic gets entity suggestions: no Arabic NER model installs offline, so a name
confirmed once, in any script, is found everywhere after. Matching uses the keys of
`verify.matching` (articles, Arabic proclitics, Russian case endings, transliteration), so
`Мурхафом Абу Касрой` in a Russian text and `مرهف أبو قصرة` in an Arabic one both match
an entity whose alias is `Мурхаф Абу Касра`.

Pure: `KnownEntities` is built once from (entity id, type, alias key) rows, then `find` runs
on any text without the database. Only exact key matches count (`name_key` variants against
stored alias keys): fuzzy matches belong in the link dialog, where a person looks at them.
A window of words is first screened by the concatenation of its words' skeletons (cheap,
cached per word) and only then keyed properly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from annotate.suggest import Suggestion
from verify.matching import detect_script, name_key_variants

SOURCE_ENTITY = "entity"
MAX_WINDOW = 6  # words in the longest alias we look for
_WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011'’][^\W_]+)*")
_GAP = re.compile(r"[ \t\u00a0\u202f]+")  # only spaces may separate the words of a name
_DOUBLES = re.compile(r"(.)\1+")
_PROCLITICS = set("وفبلك")
MIN_SURFACE = 0.8  # rapidfuzz ratio / 100 against a same-script alias
MIN_CROSS_SCRIPT = 4  # key letters needed when no alias is in the text's script
CROSS_SCRIPT_SCORE = 0.9
_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"))


def _normalise(text: str) -> str:
    """A name as written, folded for comparison: case, Arabic letter variants, dashes."""
    text = _AR_DIACRITICS.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.translate(_AR_FOLD).translate(_DASHES).casefold().split())


def _is_nisba(word: str) -> bool:
    """An Arabic relative adjective: السوري, الروسية, سوري (but سورية alone is Syria)."""
    w = _AR_DIACRITICS.sub("", word).lstrip("وفبلك")
    definite = w.startswith("ال")
    return w.endswith("ي") or (definite and w.endswith(("ية", "يه", "يين", "يون")))


@lru_cache(maxsize=200_000)
def _word_skeletons(word: str, lang: str | None) -> tuple[str, ...]:
    return tuple(k.replace(" ", "") for k in name_key_variants(word, lang=lang) if k)


def _squash(key: str) -> str:
    return _DOUBLES.sub(r"\1", key.replace(" ", ""))


@dataclass
class KnownEntities:
    """Alias keys of active entities: key -> {(entity id, type)}."""

    by_key: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    # key -> {(script, normalised alias text)}: the surface check for same-script matches.
    texts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    squashed: set[str] = field(default_factory=set)
    longest: int = 1

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str, str]]) -> KnownEntities:
        """`rows` are (entity id, entity type, alias key, alias text)."""
        known = cls()
        for entity_id, type_, key, text in rows:
            if not key:
                continue
            known.by_key.setdefault(key, set()).add((entity_id, type_))
            known.texts.setdefault(key, set()).add((detect_script(text), _normalise(text)))
            known.squashed.add(_squash(key))
            known.longest = min(MAX_WINDOW, max(known.longest, key.count(" ") + 2))
        return known

    def find(self, text: str, *, lang: str | None = None, offset: int = 0) -> list[Suggestion]:
        """Longest non-overlapping matches in `text`, offsets shifted by `offset`.

        A key shared by entities of several types is suggested once per type; a key shared
        by two entities of one type is ambiguous and suggested without an entity.
        """
        if not self.by_key:
            return []
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        hits: list[tuple[int, int, set[tuple[int, str]], float]] = []
        for i in range(len(words)):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                window = words[i : i + n]
                if not self._joined_by_spaces(text, window):
                    continue
                found, keys = self._lookup(text[window[0][0] : window[-1][1]], window, lang)
                if not found:
                    continue
                checked = self._check(text, window, found, keys, lang)
                if checked is not None:
                    hits.append((checked[0], window[-1][1], found, checked[1]))
                    break
        return self._choose(text, hits, offset)

    def _joined_by_spaces(self, text: str, window: list[tuple[int, int, str]]) -> bool:
        return all(
            _GAP.fullmatch(text[a[1] : b[0]]) is not None
            for a, b in zip(window, window[1:], strict=False)
        )

    def _lookup(
        self, phrase: str, window: list[tuple[int, int, str]], lang: str | None
    ) -> tuple[set[tuple[int, str]], list[str]]:
        options = [_word_skeletons(w, lang) for _, _, w in window]
        if not all(options):
            return set(), []
        # Screen: some reading of the words, glued, must be a known key without spaces.
        if not any(_squash("".join(parts)) in self.squashed for parts in _first_products(options)):
            return set(), []
        found: set[tuple[int, str]] = set()
        keys = []
        for key in name_key_variants(phrase, lang=lang):
            if key in self.by_key:
                found |= self.by_key[key]
                keys.append(key)
        return found, keys

    def _check(
        self,
        text: str,
        window: list[tuple[int, int, str]],
        found: set[tuple[int, str]],
        keys: list[str],
        lang: str | None,
    ) -> tuple[int, float] | None:
        """(start, score) of a key match that also looks like the name, or None.

        Keys are deliberately loose (no vowels, merged letters): `الرئيس` (the president)
        and `الرئاسة` share `rs`. So a match must also be close as written to an alias in
        the same script (after Arabic proclitics are cut, trying each cut); a match with no
        alias in its script (the first Arabic sighting of a name confirmed in Russian) needs
        a key of at least MIN_CROSS_SCRIPT letters. Arabic relative adjectives (`السوري`,
        `الروسية`) are not places.
        """
        start, end = window[0][0], window[-1][1]
        phrase = text[start:end]
        script = detect_script(phrase)
        places = any(t == "LOC" for _, t in found)
        if script == "Arab" and len(window) == 1 and places and _is_nisba(phrase):
            return None
        same = {alias for key in keys for sc, alias in self.texts.get(key, ()) if sc == script}
        cuts = [0]
        if script == "Arab":
            for cut in (1, 2):
                head = phrase[:cut]
                if len(window[0][2]) - cut >= 3 and all(ch in _PROCLITICS for ch in head):
                    cuts.append(cut)
        if same:
            best = max(
                (
                    (fuzz.ratio(_normalise(phrase[cut:]), alias) / 100, -cut)
                    for cut in cuts
                    for alias in same
                ),
            )
            return (start - best[1], round(best[0], 3)) if best[0] >= MIN_SURFACE else None
        if max(len(_squash(k)) for k in keys) < MIN_CROSS_SCRIPT:
            return None
        return self._after_proclitics(text, window, found, lang, cuts), CROSS_SCRIPT_SCORE

    def _after_proclitics(
        self,
        text: str,
        window: list[tuple[int, int, str]],
        found: set[tuple[int, str]],
        lang: str | None,
        cuts: list[int],
    ) -> int:
        """The span without Arabic proclitics glued to its first word (`وموسكو` -> `موسكو`),
        when the name still matches without them: a reviewer tags the name, not the `and`."""
        start, end = window[0][0], window[-1][1]
        for cut in cuts[1:]:
            rest = text[start + cut : end]
            if any(
                self.by_key.get(key, set()) & found for key in name_key_variants(rest, lang=lang)
            ):
                return start + cut
        return start

    def _choose(
        self, text: str, hits: list[tuple[int, int, set[tuple[int, str]], float]], offset: int
    ) -> list[Suggestion]:
        taken: list[tuple[int, int]] = []
        out: list[Suggestion] = []
        for start, end, found, score in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            by_type: dict[str, set[int]] = {}
            for entity_id, type_ in found:
                by_type.setdefault(type_, set()).add(entity_id)
            for type_, ids in sorted(by_type.items()):
                only = next(iter(ids)) if len(ids) == 1 else None
                out.append(
                    Suggestion(
                        start=start + offset,
                        end=end + offset,
                        label=type_,  # type: ignore[arg-type]
                        text=text[start:end],
                        source=SOURCE_ENTITY,
                        value=str(only) if only is not None else None,
                        score=score if only is not None else round(score / 2, 3),
                    )
                )
        return sorted(out, key=lambda s: (s.start, s.label))


def _first_products(options: list[tuple[str, ...]], limit: int = 8) -> Iterable[tuple[str, ...]]:
    import itertools

    return itertools.islice(itertools.product(*options), limit)
