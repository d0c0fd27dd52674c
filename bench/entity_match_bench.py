"""Entity matching: quality on real names, and `entity_candidates` latency at 100,000 aliases.

    .venv/bin/python bench/entity_match_bench.py --pairs      # quality table only (no database)
    .venv/bin/python bench/entity_match_bench.py              # 30,000 entities, 100,000 aliases
    .venv/bin/python bench/entity_match_bench.py --entities 3000 --aliases 10000 --queries 200

--pairs scores every pair of a hand-made list of people and places from the seeds and the news
around them, each spelled in Russian (inflected too), Arabic and English, and prints the lowest
same-entity and the highest different-entity similarity for the shipped settings and for the
alternatives they were chosen over (plain transliteration, a longer exact-match threshold, the
Indel distance instead of OSA).

The database run builds a fresh temporary SQLite file (`manage.py migrate` in a subprocess),
loads synthetic entities whose aliases are transliterated variants of generated Arabic-like
names in Cyrillic (with Russian case endings), Arabic (long vowels written or not, the article,
ة) and Latin (kh/h, q/k, e/i variation), then times `entity_candidates` for queries that are
fresh variants of stored entities: a full name in another script, an inflected form, or the
surname alone. It also reports whether the entity the query came from ranks first / in the top
ten. Seeded RNG, so runs are comparable. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- quality on real names ------------------------------------------------------------------

PER_GROUPS = [
    ["Махраф Абу Касра", "Мурхаф Абу Касра", "Мурхеф Абу Касра", "مرهف أبو قصرة", "Murhaf Abu Qasra",
     "Махрафом Абу Касрой", "Мурхафом Абу Касрой", "Абу Касра", "Абу Касрой", "Абу Касру", "أبو قصرة"],
    ["Андрей Белоусов", "Белоусов", "Белоусову", "Белоусовым", "Белоусова", "بيلاوسوف", "بيلاؤوسوف",
     "أندريه بيلاوسوف", "أندريه بيلاؤوسوف", "Andrei Belousov", "وبيلاوسوف"],
    ["Ахмед аш-Шараа", "Ахмеда аш-Шараа", "аш-Шараа", "Аш\u2011Шараа", "أحمد الشرع", "الشرع",
     "Ahmed al-Sharaa", "Ahmad al-Sharaa"],
    ["Путин", "Путиным", "Путина", "Владимир Путин", "Владимиром Путиным", "بوتين", "فلاديمير بوتين",
     "Vladimir Putin"],
    ["Сергей Лавров", "Лавров", "Лавровым", "سيرغي لافروف", "لافروف", "Sergey Lavrov"],
    ["Юнус-Бек Евкуров", "Евкуров", "Евкурова", "يونس بك يفكيروف", "يفكيروف", "Yunus-Bek Yevkurov"],
    ["Асаад аш-Шибани", "аш-Шибани", "Шибани", "أسعد الشيباني", "الشيباني", "Asaad al-Shaibani"],
    ["Дмитрий Песков", "Песков", "دميتري بيسكوف", "بيسكوف", "Dmitry Peskov"],
    ["Мария Захарова", "Захаровой", "ماريا زاخاروفا", "زاخاروفا", "Maria Zakharova"],
    ["Сергей Шойгу", "Шойгу", "سيرغي شويغو", "Sergei Shoigu"],
    ["Башар Асад", "Башар аль-Асад", "Асадом", "بشار الأسد", "Bashar al-Assad"],
    ["Реджеп Тайип Эрдоган", "Эрдоган", "Эрдоганом", "رجب طيب أردوغان", "أردوغان", "Recep Tayyip Erdogan"],
    ["Биньямин Нетаньяху", "Нетаньяху", "بنيامين نتنياهو", "Benjamin Netanyahu"],
    ["Дмитрий Медведев", "Медведевым", "ديمتري ميدفيديف", "Dmitry Medvedev"],
    ["Фейсал Мекдад", "Мекдад", "فيصل المقداد", "Faisal Mekdad"],
    ["Мухаммед бин Салман", "محمد بن سلمان", "Mohammed bin Salman"],
    ["Хасан Насралла", "Насралла", "حسن نصر الله", "Hassan Nasrallah"],
    ["Хафез Асад", "حافظ الأسد", "Hafez al-Assad"],
    ["Эммануэль Макрон", "Макрон", "إيمانويل ماكرون", "ماكرون", "Emmanuel Macron"],
    ["Дональд Трамп", "Трамп", "دونالد ترامب", "ترامب", "Donald Trump"],
    ["Абдель Фаттах ас-Сиси", "ас-Сиси", "عبد الفتاح السيسي", "السيسي", "Abdel Fattah el-Sisi"],
    ["Масуд Пезешкиан", "مسعود بزشكيان", "Masoud Pezeshkian"],
    ["Мохаммед Джавад Зариф", "محمد جواد ظريف", "Mohammad Javad Zarif"],
    ["Ибрагим", "إبراهيم"],
    ["Хатем", "Хатемом", "حاتم"],
]  # fmt: skip
LOC_GROUPS = [
    ["Дамаск", "Дамаске", "Дамаска", "دمشق", "Damascus"],
    ["Москва", "Москве", "Москвой", "موسكو", "Moscow"],
    ["Сирия", "Сирии", "سوريا", "سورية", "Syria"],
    ["Россия", "России", "روسيا", "Russia"],
    ["Алеппо", "حلب", "Aleppo"],
    ["Хомс", "حمص", "Homs"],
    ["Латакия", "اللاذقية", "Latakia"],
    ["Тартус", "طرطوس", "Tartus"],
    ["Идлиб", "إدلب", "Idlib"],
    ["Бейрут", "بيروت", "Beirut"],
    ["Ливан", "لبنان", "Lebanon"],
    ["Турция", "Турции", "تركيا", "Turkey"],
    ["Египет", "مصر", "Egypt"],
    ["Иран", "إيران", "Iran"],
    ["Ирак", "العراق", "Iraq"],
    ["Кремль", "Кремле", "الكرملين", "Kremlin"],
    ["Хмеймим", "حميميم", "Hmeimim"],
    ["زيارة"],  # "visit": the seeds' false friend of Сирия
    ["Дейр-эз-Зор", "دير الزور", "Deir ez-Zor"],
    ["Эр-Ракка", "الرقة", "Raqqa"],
    ["Хама", "حماة", "Hama"],
]  # fmt: skip


# The negatives: different people (and a word) whose skeletons are close.
SEED_NEGATIVES = [
    ("Путин", "Шибани"),
    ("بوتين", "الشيباني"),
    ("Лавров", "Евкуров"),
    ("Сирия", "زيارة"),
]


def pair_quality(similarity: Callable[[str, str], float]) -> dict[str, Any]:
    """Lowest same-entity and highest different-entity pair, and how often the best-scoring
    other name of each name is of its own entity (a tie with another entity counts as a miss)."""
    same: list[tuple[float, str, str]] = []
    different: list[tuple[float, str, str]] = []
    first = asked = 0
    for groups in (PER_GROUPS, LOC_GROUPS):
        names = [(g, n) for g, group in enumerate(groups) for n in group]
        scores = {(a, b): similarity(a, b) for (_, a), (_, b) in itertools.permutations(names, 2)}
        for (ga, a), (gb, b) in itertools.combinations(names, 2):
            (same if ga == gb else different).append((scores[a, b], a, b))
        for g, name in names:
            if len(groups[g]) < 2:
                continue
            best = max(scores[name, other] for _, other in names if other != name)
            winners = {h for h, other in names if other != name and scores[name, other] == best}
            first += winners == {g}
            asked += 1
    same.sort()
    return {
        "same_min": same[0],
        "same_p5": same[len(same) // 20][0],
        "diff_max": max(different),
        "diff_over_0.6": sum(1 for d in different if d[0] >= 0.6),
        "seed_negatives": max((similarity(a, b), a, b) for a, b in SEED_NEGATIVES),
        "pairs": (len(same), len(different)),
        "top1": f"{first}/{asked}",
    }


def run_pairs() -> None:
    from anyascii import anyascii
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    import verify.matching as m

    def plain(a: str, b: str) -> float:
        return fuzz.ratio(anyascii(a).lower(), anyascii(b).lower()) / 100

    configs: list[tuple[str, Callable[[], None]]] = [
        ("plain anyascii + rapidfuzz ratio", lambda: None),
        ("key, short <= 2, OSA", lambda: setattr(m, "SHORT_TOKEN", 2)),
        ("key, short <= 3, OSA (shipped)", lambda: setattr(m, "SHORT_TOKEN", 3)),
        ("key, short <= 4, OSA", lambda: setattr(m, "SHORT_TOKEN", 4)),
        (
            "key, short <= 3, Indel",
            lambda: (setattr(m, "SHORT_TOKEN", 3), setattr(m, "OSA", Indel)),
        ),
    ]
    shipped = (m.SHORT_TOKEN, m.OSA)
    print(
        "| matching | same-entity lowest | same-entity 5th percentile | different-entity highest "
        "| different pairs >= 0.6 | issue's negatives highest | best match is the same entity |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, setup in configs:
        setup()
        quality = pair_quality(plain if label.startswith("plain") else m.name_similarity)
        m.SHORT_TOKEN, m.OSA = shipped
        lo, hi, neg = quality["same_min"], quality["diff_max"], quality["seed_negatives"]
        print(
            f"| {label} | {lo[0]:.3f} ({lo[1]} / {lo[2]}) | {quality['same_p5']:.3f} "
            f"| {hi[0]:.3f} ({hi[1]} / {hi[2]}) | {quality['diff_over_0.6']} "
            f"| {neg[0]:.3f} ({neg[1]} / {neg[2]}) | {quality['top1']} |"
        )
    n_same, n_diff = pair_quality(m.name_similarity)["pairs"]
    print(
        f"\n{n_same} same-entity pairs, {n_diff} different-entity pairs (people with people, places with places)."
    )


# --- synthetic names --------------------------------------------------------------------------

CONSONANTS = [
    "b",
    "d",
    "f",
    "g",
    "h",
    "kh",
    "l",
    "m",
    "n",
    "r",
    "s",
    "sh",
    "t",
    "z",
    "j",
    "q",
    "k",
    "w",
    "y",
]
VOWELS = ["a", "i", "u", "e", "o"]
CY = {
    "b": "б", "d": "д", "f": "ф", "g": "г", "h": "х", "kh": "х", "l": "л", "m": "м", "n": "н",
    "r": "р", "s": "с", "sh": "ш", "t": "т", "z": "з", "j": "дж", "q": "к", "k": "к", "w": "в",
    "y": "й", "a": "а", "i": "и", "u": "у", "e": "е", "o": "о",
}  # fmt: skip
AR = {
    "b": "ب", "d": "د", "f": "ف", "g": "غ", "h": "ه", "kh": "خ", "l": "ل", "m": "م", "n": "ن",
    "r": "ر", "s": "س", "sh": "ش", "t": "ت", "z": "ز", "j": "ج", "q": "ق", "k": "ك", "w": "و",
    "y": "ي",
}  # fmt: skip
AR_ALTERNATIVES = {"h": "ح", "s": "ص", "t": "ط", "d": "ض"}
AR_LONG = {"a": "ا", "i": "ي", "u": "و", "e": "ي", "o": "و"}


def gen_word(rng: random.Random, syllables: int) -> list[str]:
    phones: list[str] = []
    for _ in range(syllables):
        phones += [rng.choice(CONSONANTS), rng.choice(VOWELS)]
    if rng.random() < 0.6:
        phones.append(rng.choice(CONSONANTS))
    return phones


def render_latin(rng: random.Random, word: list[str]) -> str:
    swaps = {
        "kh": ["kh", "h"],
        "q": ["q", "k"],
        "w": ["w", "v"],
        "j": ["j", "dj"],
        "i": ["i", "e"],
        "u": ["u", "o"],
    }
    return "".join(rng.choice(swaps.get(p, [p])) for p in word).capitalize()


def render_cyrillic(rng: random.Random, word: list[str], *, inflect: bool) -> str:
    out = "".join(
        CY[p] if p not in "ie" or rng.random() < 0.8 else CY["e" if p == "i" else "i"] for p in word
    )
    if inflect:
        out += rng.choice(["ом", "а", "у", "ой", "ым", "е"]) if out[-1] not in "аиуео" else ""
    return out.capitalize()


def render_arabic(rng: random.Random, word: list[str]) -> str:
    out = []
    for p in word:
        if p in AR_LONG:
            if rng.random() < 0.5:
                out.append(AR_LONG[p])
        else:
            out.append(AR_ALTERNATIVES[p] if p in AR_ALTERNATIVES and rng.random() < 0.3 else AR[p])
    text = "".join(out)
    return text + "ة" if word[-1] == "a" and rng.random() < 0.5 else text


def render(rng: random.Random, name: list[list[str]], *, script: str, inflect: bool = False) -> str:
    words = []
    for i, word in enumerate(name):
        last = i == len(name) - 1
        if script == "Cyrl":
            words.append(render_cyrillic(rng, word, inflect=inflect and last))
        elif script == "Arab":
            words.append(("ال" if last and rng.random() < 0.3 else "") + render_arabic(rng, word))
        else:
            words.append(render_latin(rng, word))
    return " ".join(words)


def gen_entity(rng: random.Random) -> tuple[str, list[list[str]]]:
    kind = rng.random()
    if kind < 0.8:
        return "PER", [
            gen_word(rng, rng.choice([2, 2, 3])),
            gen_word(rng, rng.choice([2, 3, 3, 4])),
        ]
    if kind < 0.9:
        return "LOC", [gen_word(rng, rng.choice([2, 3]))]
    return "ORG", [gen_word(rng, rng.choice([2, 3])) for _ in range(rng.choice([2, 3]))]


def gen_alias(rng: random.Random, name: list[list[str]]) -> tuple[str, str]:
    script = rng.choice(["Cyrl", "Cyrl", "Arab", "Arab", "Latn"])
    part = name[-1:] if len(name) > 1 and rng.random() < 0.25 else name
    language = {"Cyrl": "ru", "Arab": "ar", "Latn": "en"}[script]
    return render(rng, part, script=script, inflect=rng.random() < 0.4), language


# --- database run -----------------------------------------------------------------------------


def load(
    rng: random.Random, *, entities: int, aliases: int
) -> tuple[list[tuple[int, str, Any]], float]:
    from django.db import transaction

    from verify.matching import detect_script, name_key
    from verify.models import Alias, AliasToken, Entity
    from verify.services.entities import alias_index_rows

    started = time.perf_counter()
    made: list[tuple[int, str, Any]] = []
    per_entity = [1] * entities
    for _ in range(aliases - entities):
        per_entity[rng.randrange(entities)] += 1
    with transaction.atomic():
        batch = [gen_entity(rng) for _ in range(entities)]
        rows = Entity.objects.bulk_create(
            [Entity(type=t, preferred_name=render(rng, n, script="Latn")) for t, n in batch],
            batch_size=2000,
        )
        alias_rows: list[Alias] = []
        for entity, (entity_type, name), count in zip(rows, batch, per_entity, strict=True):
            made.append((entity.pk, entity_type, name))
            texts = {entity.preferred_name: "en"}
            while len(texts) < count:
                text, language = gen_alias(rng, name)
                texts.setdefault(text, language)
            for text, language in texts.items():
                alias_rows.append(
                    Alias(entity=entity, text=text, language=language, script=detect_script(text),
                          key=name_key(text, lang=language))
                )  # fmt: skip
        created = Alias.objects.bulk_create(alias_rows, batch_size=2000)
        tokens = [row for alias in created for row in alias_index_rows(alias)]
        AliasToken.objects.bulk_create(tokens, batch_size=5000)
    return made, time.perf_counter() - started


def run_queries(
    rng: random.Random, made: list[tuple[int, str, Any]], *, queries: int
) -> dict[str, Any]:
    from verify.selectors.entities import entity_candidates

    people = [m for m in made if m[1] == "PER"]
    for _pk, _, name in people[:5]:  # warm the caches and the page cache
        entity_candidates(text=render(rng, name, script="Latn"), type="PER")
    timings: list[float] = []
    ranks: dict[str, list[int | None]] = {"full name": [], "surname only": []}
    for _ in range(queries):
        pk, _, name = rng.choice(people)
        surname_only = rng.random() < 0.25
        part = name[-1:] if surname_only else name
        text = render(
            rng, part, script=rng.choice(["Cyrl", "Arab", "Latn"]), inflect=rng.random() < 0.4
        )
        started = time.perf_counter()
        found = entity_candidates(text=text, type="PER", limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        ids = [c.entity.pk for c in found]
        ranks["surname only" if surname_only else "full name"].append(
            ids.index(pk) + 1 if pk in ids else None
        )
    timings.sort()
    return {"timings": timings, "ranks": ranks}


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run_db(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="entity-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        os.environ["CROSSCHECK_SQLITE_PATH"] = str(db)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True, cwd=ROOT
        )
        import django

        django.setup()
        from verify.models import Alias, AliasToken

        rng = random.Random(args.seed)
        made, load_seconds = load(rng, entities=args.entities, aliases=args.aliases)
        result = run_queries(rng, made, queries=args.queries)
        timings = result["timings"]
        print(
            f"Command: {' '.join(shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + '/', ''), *sys.argv])}"
        )
        print(
            f"SQLite {db.stat().st_size / 1e6:.0f} MB (temporary), loaded in {load_seconds:.1f} s\n"
        )
        print("| entities | aliases | index rows | queries | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {len(made):,} | {Alias.objects.count():,} | {AliasToken.objects.count():,} "
            f"| {len(timings)} | {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} "
            f"| {timings[-1]:.1f} |"
        )
        print("\n| query | n | source entity ranked 1st | in top 10 |")
        print("|---|---|---|---|")
        for kind, ranks in result["ranks"].items():
            n = len(ranks)
            first = sum(1 for r in ranks if r == 1)
            top10 = sum(1 for r in ranks if r is not None)
            print(
                f"| {kind} | {n} | {first} ({first / max(n, 1):.0%}) | {top10} ({top10 / max(n, 1):.0%}) |"
            )
        if args.suggestions:
            from verify.selectors.entities import entity_merge_suggestions

            started = time.perf_counter()
            found = entity_merge_suggestions(type="PER", min_score=0.85, limit=100)
            print(
                f"\nentity_merge_suggestions(type=PER): {len(found)} shown, {time.perf_counter() - started:.1f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", action="store_true", help="Quality on real names only.")
    parser.add_argument("--entities", type=int, default=30_000)
    parser.add_argument("--aliases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--suggestions", action="store_true", help="Also time merge suggestions.")
    args = parser.parse_args()
    if args.pairs:
        run_pairs()
    else:
        run_db(args)


if __name__ == "__main__":
    main()
