"""Suggestions against the seed gold set: precision, recall, F1 per label and language; speed.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/suggest_quality.py [--rounds 5]

The five seeds are imported with the real import service into a fresh SQLite database
(/tmp/crosscheck_suggest_bench.sqlite3, suggestions off), and `suggestions_compute` (what
import and `manage.py suggest` store) runs on each. Gold is fixtures/gold_seeds.json (two
reviewers annotated blind, an admin adjudicated the conflicts in the app: see
bench/gold_seeds_annotate.py), matched by content hash.

A suggestion counts as correct when its start, end and label equal a gold span's (exact
match; a span one word too long is wrong). The language of a span is its paragraph's.
Known-entity suggestions are measured leave-one-out: for each article, the entities are the
gold names (PER, ORG, LOC) of the other four seeds, grouped by matching key, as if reviewers
had confirmed them there; this is how the source behaves once a corpus is being annotated.
"cold start" is natasha and dates only (no entity known yet).
Throughput: all sources on all seeds, `--rounds` times, natasha already loaded.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/crosscheck_suggest_bench.sqlite3")
os.environ["CROSSCHECK_SQLITE_PATH"] = str(DB)
os.environ["CROSSCHECK_SUGGEST_ON_IMPORT"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
GOLD = ROOT / "fixtures" / "gold_seeds.json"
LABELS = ("PER", "ORG", "LOC", "DATE")
# What each source can propose: its recall is over these gold labels, in every language.
SOURCE_LABELS = {"entity": {"PER", "ORG", "LOC"}, "natasha": {"PER", "ORG", "LOC"}}
SOURCE_LABELS["dateparser+rules"] = {"DATE"}

Span = tuple[int, int, str]  # start, end, label


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def month_or_day(value: str) -> str:
    """Gold writes a month as 2025-07; the suggesters write its range 2025-07-01/2025-07-31."""
    import calendar

    if len(value) == 7:
        y, m = map(int, value.split("-"))
        return f"{value}-01/{value}-{calendar.monthrange(y, m)[1]:02d}"
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import django

    if DB.exists():
        DB.unlink()
    django.setup()
    from django.core.management import call_command

    from annotate.models import Article
    from annotate.services.imports import import_inputs_from_paths, import_run
    from annotate.services.projects import project_ensure_default
    from annotate.services.suggestions import article_paragraphs, suggestions_compute
    from annotate.suggest.known_entities import KnownEntities
    from verify.matching import name_key

    call_command("migrate", verbosity=0)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    import_run(project=project_ensure_default(), inputs=import_inputs_from_paths(seeds))
    gold_doc = json.loads(GOLD.read_text())
    by_hash = {a["content_hash"]: a for a in gold_doc["articles"]}
    articles = [a for a in Article.objects.order_by("source_file") if a.content_hash in by_hash]
    assert len(articles) == len(by_hash), "gold and imported seeds differ: re-run the gold script"

    def language(article: Article, offset: int) -> str:
        for start, end, langs in article_paragraphs(article=article):
            if start <= offset < end:
                return langs[0] if langs else "?"
        return "?"

    def known_without(article: Article) -> KnownEntities:
        ids: dict[tuple[str, str], int] = {}
        rows = []
        for other in gold_doc["articles"]:
            if other["content_hash"] == article.content_hash:
                continue
            for s in other["spans"]:
                if s["label"] == "DATE":
                    continue
                key = name_key(s["text"])
                entity = ids.setdefault((s["label"], key), len(ids) + 1)
                rows.append((entity, s["label"], key, s["text"]))
        return KnownEntities.from_rows(rows)

    # counts[(config, source, label, lang)] = [tp, fp, fn]
    counts: dict[tuple[str, str, str, str], list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    values = [0, 0]  # DATE matches with a gold value: same value, all
    empty = KnownEntities()
    t0 = time.perf_counter()
    suggestions_compute(article=articles[0], known=empty)  # loads natasha and dateparser
    warmup = time.perf_counter() - t0
    for article in articles:
        gold = {
            (s["start"], s["end"], s["label"]): s for s in by_hash[article.content_hash]["spans"]
        }
        for config, known in (("cold start", empty), ("with entities", known_without(article))):
            found = suggestions_compute(article=article, known=known)
            by_source: dict[str, set[Span]] = collections.defaultdict(set)
            for f in found:
                by_source[f.source].add((f.start, f.end, f.label))
                by_source["all"].add((f.start, f.end, f.label))
                if config == "cold start" and f.label == "DATE":
                    g = gold.get((f.start, f.end, f.label))
                    if g and g["value"]:
                        values[1] += 1
                        values[0] += (f.value or "") == month_or_day(g["value"])
            for source in ("all", "entity", "natasha", "dateparser+rules"):
                spans = by_source[source]
                labels = SOURCE_LABELS.get(source, set(LABELS))
                for s in spans | {g for g in gold if g[2] in labels}:
                    lang = language(article, s[0])
                    hit = [
                        s in spans and s in gold,
                        s in spans and s not in gold,
                        s in gold and s not in spans,
                    ]
                    for lbl in (s[2], "all"):
                        for lg in (lang, "all"):
                            c = counts[(config, source, lbl, lg)]
                            for i in range(3):
                                c[i] += hit[i]
    _print(counts, values)
    known = [known_without(a) for a in articles]
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for article, k in zip(articles, known, strict=True):
            suggestions_compute(article=article, known=k)
    elapsed = time.perf_counter() - t0
    n = args.rounds * len(articles)
    print(f"\nthroughput: {n} articles in {elapsed:.2f} s = {n / elapsed:.1f} articles/s "
          f"(all sources, {sum(len(a.text) for a in articles) // len(articles)} chars/article; "
          f"first call, loading natasha and dateparser: {warmup:.1f} s)")  # fmt: skip


def _print(counts: dict[tuple[str, str, str, str], list[int]], values: list[int]) -> None:
    print("| config | source | label | lang | gold | suggested | P | R | F1 |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    order = {"all": 0, "entity": 1, "natasha": 2, "dateparser+rules": 3}
    for key in sorted(
        counts, key=lambda k: (k[0], order.get(k[1], 9), k[2] != "all", k[2], k[3] != "all", k[3])
    ):
        config, source, label, lang = key
        tp, fp, fn = counts[key]
        if config == "cold start" and source == "entity":
            continue
        if source != "all" and lang != "all":
            continue  # per-language rows for the combined suggestions only
        p, r, f = prf(tp, fp, fn)
        print(
            f"| {config} | {source} | {label} | {lang} | {tp + fn} | {tp + fp} | {p:.2f} | {r:.2f} | {f:.2f} |"
        )
    if values[1]:
        print(
            f"\nDATE values: {values[0]}/{values[1]} exact where the span matched and gold has a value"
        )


if __name__ == "__main__":
    main()
