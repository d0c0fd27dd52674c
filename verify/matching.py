"""Name keys that survive transliteration between Arabic, Cyrillic and Latin, and their similarity.

Pure functions, no database. A key is a space-separated list of token skeletons: each word
is stripped of articles, proclitics and Russian case endings, transliterated letter by letter
(anyascii), reduced to a consonant skeleton over an alphabet the scripts share, and doubled
letters are collapsed. `مرهف أبو قصرة`, `Мурхафом Абу Касрой` and `Murhaf Abu Qasra` all
become `mrhf bksr`. `docs/decisions.md` ("Entity matching key") says why each step exists and
what was measured.

Key alphabet: b d f g h j k l m n r s t x y z and digits; `x` stands for sh/ch/ш/ч/ش, `j` for
ж/дж/ج, `f` for f/v/w/ф/в/ف, `h` for h/kh/х/ح/خ/ه; `y` survives only at the start of a word.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

# Tokens whose skeleton has at most this many letters only match exactly: `Путин` (btn) and
# `Шибани` (xbn) are one substitution apart. Measured in bench/entity_match_bench.py --pairs.
SHORT_TOKEN = 3
# Token pairs below this similarity count as unmatched (noise, not evidence).
TOKEN_FLOOR = 0.6
# Variants (an ambiguous proclitic or case ending removed) score a little below the plain key.
VARIANT_PENALTY = 0.03
# A name that covers only part of the other (`Абу Касра` against `Мурхаф Абу Касра`) keeps
# this share of its score plus the covered share of the rest.
PARTIAL_BASE = 0.75
MAX_VARIANTS = 8

SCRIPTS = ("Arab", "Cyrl", "Latn")

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_CHUNK_SPLIT = re.compile(r"[^\w-]+")

# --- Arabic -----------------------------------------------------------------------------------
_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_NORMALISE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ء": None,
        "ی": "ي",
        "ک": "ك",
    }
)
# The article, alone or behind a conjunction/preposition (و ف + ب ك), and ل + ال written لل.
_AR_ARTICLE = re.compile(r"^(?:[وف]?[بك]?ال|[وف]?لل)")
# Words that start with ال but are not the article.
_AR_NOT_ARTICLE = {"الله", "الياس", "اليسا", "الهام", "الفت", "الماس"}
# Arabic letters whose anyascii output is a digraph, written straight in the key alphabet.
_AR_LETTERS = {
    "ش": "x", "خ": "h", "ث": "s", "ذ": "z", "ظ": "z", "غ": "g", "ع": "", "ق": "k", "چ": "x",
    "پ": "b", "ڤ": "f", "ج": "j", "ة": "", "ا": "",
}  # fmt: skip

# --- Cyrillic ---------------------------------------------------------------------------------
_CY_LETTERS = {
    "х": "h", "ц": "s", "ч": "x", "ш": "x", "щ": "x", "ж": "j", "ъ": "", "ь": "",
    "ы": "i", "й": "y", "ю": "yu", "я": "ya", "ё": "e", "э": "e",
}  # fmt: skip
# Transcribed Arabic articles: аш-Шараа, ас-Сафир, аль-Асад, эр-Рияд, ад-Дин, уль-...
_CY_ARTICLE = re.compile(r"^(?:[аэу]ль|[аэ][шсртдзнлц])-(?=[^\W\d_])")
# Case endings that end in a consonant: vowel endings vanish with the vowels anyway.
# Stem of at least three letters left, so `Том`, `Диего` stay whole.
_CY_ENDINGS = re.compile(
    r"(?<=\w{3})(?:ого|его|ому|ему|ыми|ими|ым|ом|ём|(?<=[сц]к)им|(?<=[еиьй])ем)$"
)
# Endings that are also how names end (Ибрагим, Хатем, Салем): only tried as a variant.
_CY_AMBIGUOUS_ENDINGS = re.compile(r"(?<=\w{3})(?:им|ем)$")

# --- Latin ------------------------------------------------------------------------------------
_LA_ARTICLE = re.compile(r"^(?:al|el|ul|a[sdtrnzl]|ash|ath|adh|esh|es|ed|et|er|en|ez)-(?=[a-z])")
_LA_DIGRAPHS = [
    ("shch", "x"), ("sch", "x"), ("tch", "x"), ("tsh", "x"), ("ch", "x"), ("sh", "x"),
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("dz", "z"), ("ts", "s"), ("tz", "z"),
    ("kh", "h"), ("gh", "g"), ("th", "s"), ("dh", "z"), ("ph", "f"), ("ck", "k"),
]  # fmt: skip
_LA_DIGRAPH_RE = re.compile("|".join(d for d, _ in _LA_DIGRAPHS))
_LA_DIGRAPH_MAP = dict(_LA_DIGRAPHS)
_LA_ENDINGS_RU = re.compile(r"(?<=\w{3})(?:ogo|ego|omu|emu|ym|om)$")
_LA_ARTICLE_WORDS = {"al", "el", "ал", "аль", "эль"}

# --- Particles glued to the next word: Abu Qasra is one surname, not `abu` + `qasra`. ---------
_PARTICLES = {
    **dict.fromkeys(("абу", "abu", "abou", "abo", "ابو", "ابي"), "b"),
    **dict.fromkeys(
        ("абд", "абдель", "абдуль", "абдул", "абдаль", "abd", "abdel", "abdul", "abdal", "عبد"),
        "bd",
    ),
    **dict.fromkeys(("ибн", "бин", "бен", "ibn", "bin", "ben", "بن", "ابن"), "bn"),
    **dict.fromkeys(("бинт", "bint", "بنت"), "bnt"),
}
# ... and `الله` to the word before it: نصر الله = Насралла, عبد الله = Абдулла.
_SUFFIXES = dict.fromkeys(("الله", "аллах", "allah"), "l")

# Common-stage letter merges on the transliterated form, then vowels dropped.
_MERGE = str.maketrans({"q": "k", "c": "k", "v": "f", "w": "f", "p": "b"})
_VOWELS = re.compile("[aeiou]")
_DOUBLES = re.compile(r"(.)\1+")
_NON_KEY = re.compile(r"[^a-z0-9]")

# A tiny seed gazetteer: places whose names in Russian, Arabic and English are different words
# (exonyms) or whose skeletons differ, or collide with another place's (Iraq and Raqqa are both
# `rk`). Each row is one place. A name whose surface form (articles, proclitics and Russian case
# endings off) is listed gets the first name, lower-cased with its vowels (`damascus`), as its
# key, which no skeleton can equal.
GAZETTEER: tuple[tuple[str, ...], ...] = (
    ("Damascus", "Дамаск", "دمشق", "Dimashq"),
    ("Moscow", "Москва", "موسكو"),
    ("Syria", "Сирия", "سوريا", "سورية", "Сирийская Арабская Республика"),
    ("Russia", "Россия", "روسيا", "Российская Федерация", "روسيا الاتحادية"),
    ("Lebanon", "Ливан", "لبنان"),
    ("Turkey", "Türkiye", "Турция", "تركيا"),
    ("Egypt", "Египет", "Египта", "مصر"),
    ("Aleppo", "Алеппо", "Халеб", "حلب"),
    ("Latakia", "Латакия", "اللاذقية"),
    ("Hmeimim", "Хмеймим", "حميميم"),
    ("Kremlin", "Кремль", "الكرملين"),
    ("Israel", "Израиль", "إسرائيل"),
    ("Jordan", "Иордания", "الأردن"),
    ("Iraq", "Ирак", "العراق"),
    ("United States", "США", "Соединённые Штаты", "الولايات المتحدة", "أمريكا", "Америка"),
)


def detect_script(text: str) -> str:
    """The script most letters of `text` are in: Arab, Cyrl, Latn, or other."""
    counts = dict.fromkeys(SCRIPTS, 0)
    other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        script = _letter_script(ch)
        if script in counts:
            counts[script] += 1
        else:
            other += 1
    best = max(SCRIPTS, key=lambda s: counts[s])
    return best if counts[best] and counts[best] >= other else "other"


def name_key(text: str, *, lang: str | None = None) -> str:
    """The matching key of a name: token skeletons joined by spaces ('' for no letters).

    `lang` is a hint for Latin-script text: with `lang="ru"` Russian case endings are removed
    from Latin words too (`Putinym`). Cyrillic and Arabic words are recognised by their script.
    """
    return _key(text, lang=lang, variants=False)[0]


def name_key_variants(text: str, *, lang: str | None = None) -> list[str]:
    """`name_key` first, then keys with an ambiguous proclitic or case ending removed.

    `لبيلاوسوف` (for Belousov) and `فلاديمير` (Vladimir) both start with a letter that may be a
    glued preposition; `Хатемом` and `Хатем` both end in -ем. The key cannot know, so matching
    tries both readings and the stored aliases decide.
    """
    return _key(text, lang=lang, variants=True)


def key_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two keys from `name_key`, comparing them as sets of tokens.

    Tokens are paired greedily by similarity; short tokens only pair when equal. The score is
    the length-weighted mean similarity of the name with fewer letters, reduced when it covers
    only part of the longer name (a surname alone scores about 0.85 against a full name).
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    return max(_covering_score(ta, tb), _covering_score(tb, ta))


def name_similarity(
    a: str, b: str, *, lang_a: str | None = None, lang_b: str | None = None
) -> float:
    """Similarity in [0, 1] of two names as written, over their key variants."""
    return best_variant_similarity(
        name_key_variants(a, lang=lang_a), name_key_variants(b, lang=lang_b)
    )


def best_variant_similarity(variants_a: list[str], variants_b: Iterable[str]) -> float:
    """The best `key_similarity` over two variant lists; non-first variants pay a penalty."""
    best = 0.0
    for j, kb in enumerate(variants_b):
        for i, ka in enumerate(variants_a):
            score = key_similarity(ka, kb) - VARIANT_PENALTY * ((i > 0) + (j > 0))
            best = max(best, score)
    return max(best, 0.0)


def key_tokens_for_index(key: str) -> set[str]:
    """Rows that stand for `key` in the candidate index.

    Each token, plus every one-letter deletion of tokens longer than SHORT_TOKEN: two tokens
    within one edit (insertion, deletion, substitution or adjacent swap) share a row, so a
    lookup by equality finds them without scanning every alias.
    """
    rows: set[str] = set()
    for token in key.split():
        rows.add(token)
        if len(token) > SHORT_TOKEN:
            rows.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return rows


# --- internals --------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _letter_script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    for prefix, script in (("ARABIC", "Arab"), ("CYRILLIC", "Cyrl"), ("LATIN", "Latn")):
        if name.startswith(prefix):
            return script
    return "other"


def _words(text: str) -> list[str]:
    """Casefolded words; transcribed articles (аш-, al-) go before hyphens split the rest."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    words: list[str] = []
    for chunk in _CHUNK_SPLIT.split(text):
        chunk = chunk.strip("-_")
        chunk = _LA_ARTICLE.sub("", _CY_ARTICLE.sub("", chunk))
        words.extend(w for w in chunk.split("-") if w.strip("_"))
    return words


def _key(text: str, *, lang: str | None, variants: bool) -> list[str]:
    words = _words(text)
    if not words:
        return [""]
    place = _gazetteer().get(_surface(words))
    if place:
        return [place]
    options = [_word_options(word, lang=lang, variants=variants) for word in words]
    keys: list[str] = []
    for combo in itertools.islice(itertools.product(*options), MAX_VARIANTS):
        key = _join_tokens(list(combo))
        if key not in keys:
            keys.append(key)
    return keys


def _join_tokens(parts: list[tuple[str, str]]) -> str:
    """Glue particles to their neighbour word and drop empty tokens."""
    tokens: list[str] = []
    pending = ""
    for skeleton, glue in parts:
        if glue == "next":
            pending += skeleton
        elif glue == "prev" and tokens and not pending:
            tokens[-1] += skeleton
        elif skeleton or pending:
            tokens.append(pending + skeleton)
            pending = ""
    if pending:
        tokens.append(pending)
    return " ".join(_DOUBLES.sub(r"\1", t) for t in tokens if t)


def _word_options(word: str, *, lang: str | None, variants: bool) -> list[tuple[str, str]]:
    """(skeleton, glue) readings of one word, the plain one first; glue is '', next or prev."""
    bare = word.strip("_")
    if bare in _SUFFIXES:
        return [(_SUFFIXES[bare], "prev")]
    particle = _PARTICLES.get(_AR_DIACRITICS.sub("", bare).translate(_AR_NORMALISE))
    if particle:
        return [(particle, "next")]
    if bare in _LA_ARTICLE_WORDS:
        return [("", "")]
    script = detect_script(bare)
    if script == "Arab":
        forms = _arabic_forms(bare, variants=variants)
        return [(_arabic_skeleton(f), "") for f in forms]
    if script == "Cyrl":
        forms = _cyrillic_forms(bare, variants=variants)
        return [(_cyrillic_skeleton(f), "") for f in forms]
    return [(_latin_skeleton(bare, lang=lang), "")]


def _arabic_forms(word: str, *, variants: bool) -> list[str]:
    word = _AR_DIACRITICS.sub("", word)
    if word in _AR_NOT_ARTICLE:
        return [word.translate(_AR_NORMALISE)]
    # The article is always written with a bare alef; أل (Alexander) is not the article.
    stripped = _AR_ARTICLE.sub("", word)
    had_prefix = True
    if stripped != word and len(stripped) >= 2:
        word = stripped
    elif word.startswith("و") and len(word) > 2 and word[1] in "أإآ":
        word = word[1:]  # و before a hamza-alef is always the conjunction: وأحمد
    elif word.startswith("و") and len(word) >= 5 and word[1] not in "اويى":
        # وبوتين, ولافروف; but وليد, وسيم (short) and ويليام, واشنطن (vowel next) stay whole.
        word = word[1:]
    else:
        had_prefix = False
    word = word.translate(_AR_NORMALISE)
    forms = [word]
    if (
        variants
        and not had_prefix
        and len(word) >= 5
        and word[0] in "فبلكو"
        and word[1] not in "اوي"
    ):
        forms.append(word[1:])
    return forms


def _arabic_skeleton(word: str) -> str:
    word = word.removesuffix("ة")
    if len(word) >= 3:
        word = word.removesuffix("ه")  # أندريه = Андрей; final ه is mostly a vowel mark
    out: list[str] = []
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "و" and i and nxt != "ا":
            continue  # a long vowel (u, o), not the consonant w: لافروف, بيلاوسوف
        if ch == "ي" and i:
            continue  # a long vowel (i, e) or a glide no other script writes the same way
        out.append(_AR_LETTERS[ch] if ch in _AR_LETTERS else anyascii(ch).lower())
    return _skeleton("".join(out))


def _cyrillic_forms(word: str, *, variants: bool) -> list[str]:
    word = word.replace("ё", "е")
    stem = _CY_ENDINGS.sub("", word)
    forms = [stem]
    if variants and stem == word:
        alt = _CY_AMBIGUOUS_ENDINGS.sub("", word)
        if alt != word:
            forms.append(alt)
    return forms


def _cyrillic_skeleton(word: str) -> str:
    word = word.replace("дж", "ж").replace("дз", "з")  # Джавад = جواد, Реджеп = رجب
    out: list[str] = []
    for i, ch in enumerate(word):
        if i == 0 and ch in "её":
            out.append("ye")  # Евкуров = يفكيروف, Ереван = يريفان
            continue
        latin = _CY_LETTERS.get(ch)
        if latin is None:
            latin = anyascii(ch).lower()
        if i and latin.startswith("y"):
            latin = latin[1:]  # й, ю, я inside a word: a glide Arabic writes as a vowel
        out.append(latin)
    return _skeleton("".join(out))


def _latin_skeleton(word: str, *, lang: str | None) -> str:
    word = _NON_KEY.sub("", anyascii(word).lower())
    if lang == "ru":
        word = _LA_ENDINGS_RU.sub("", word)
    word = word.replace("x", "ks")
    if word.endswith("llah"):
        word = word[:-1]  # Nasrallah, Abdullah: Arabic and Russian do not write the final h
    word = _LA_DIGRAPH_RE.sub(lambda m: _LA_DIGRAPH_MAP[m.group(0)], word)
    out: list[str] = []
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "y" and i:
            continue
        if ch == "w" and i and nxt not in "aeiou":
            continue  # Lawrov, Shoigu-style spellings: w after a vowel is the vowel
        out.append(ch)
    return _skeleton("".join(out))


def _skeleton(latin: str) -> str:
    latin = _NON_KEY.sub("", latin).translate(_MERGE)
    head = "y" if latin.startswith("y") else ""  # y is a consonant only at the start
    return _DOUBLES.sub(r"\1", head + _VOWELS.sub("", latin[len(head) :]))


_CY_SURFACE_ENDING = re.compile(r"(?<=\w{3})(?:ой|ом|ем|ей|ью|ию|ии|ия|ь|[аеиоуыюя])$")


def _surface(words: list[str]) -> str:
    """A spelling-level form for the gazetteer: articles, proclitics and case endings off."""
    out: list[str] = []
    for word in words:
        script = detect_script(word)
        if script == "Arab":
            word = _arabic_forms(word, variants=False)[0].removesuffix("ة").removesuffix("ه")
        elif script == "Cyrl":
            word = _CY_SURFACE_ENDING.sub("", word.replace("ё", "е"))
        else:
            word = anyascii(word).lower()
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, str]:
    """Surface form -> canonical key. By surface, not by key: Hmeimim and Hama share `hm`."""
    table: dict[str, str] = {}
    for names in GAZETTEER:
        canonical = " ".join(_words(names[0]))
        for name in names:
            table[_surface(_words(name))] = canonical
    return table


def _covering_score(small: list[str], large: list[str]) -> float:
    """Score of `small` against `large`: paired similarity of small, times its coverage of large."""
    small_len = sum(map(len, small))
    large_len = sum(map(len, large))
    if not small_len or not large_len:
        return 0.0
    pairs = sorted(
        ((_token_similarity(x, y), i, j) for i, x in enumerate(small) for j, y in enumerate(large)),
        reverse=True,
    )
    used_small: set[int] = set()
    used_large: set[int] = set()
    matched = 0.0
    covered = 0
    for sim, i, j in pairs:
        if sim <= 0 or i in used_small or j in used_large:
            continue
        used_small.add(i)
        used_large.add(j)
        matched += sim * len(small[i])
        covered += len(large[j])
    mean = matched / small_len
    coverage = covered / large_len
    return mean * (PARTIAL_BASE + (1 - PARTIAL_BASE) * coverage)


def _token_similarity(x: str, y: str) -> float:
    if x == y:
        return 1.0
    if min(len(x), len(y)) <= SHORT_TOKEN:
        return 0.0
    sim = OSA.normalized_similarity(x, y)
    return sim if sim >= TOKEN_FLOOR else 0.0
