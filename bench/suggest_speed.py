"""Time the offline suggesters on the seed articles.

    .venv/bin/python bench/suggest_speed.py            # 5 timed runs per article
    .venv/bin/python bench/suggest_speed.py --runs 20

Each article is split into lines; a line is Russian, Arabic or English by which script
has most letters (a stand-in for real language detection). `find_dates` runs on every
line in its language with the article's ` date` header as reference (None without
one); `find_russian_entities` runs once per article on its Russian lines. Loading
natasha's models and dateparser's language data is timed apart, then each article is
timed `--runs` times and the median printed as a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from pathlib import Path

# natasha's small matrix products gain nothing from BLAS threads, and on a busy 2-core
# machine OpenBLAS's spinning threads made tagging 3-20x slower (docs/decisions.md).
# Set before numpy loads; OPENBLAS_NUM_THREADS=2 in the environment measures the default.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.suggest.dates import find_dates  # noqa: E402
from annotate.suggest.russian_ner import find_russian_entities  # noqa: E402

SCRIPTS = {"ru": r"[\u0400-\u04FF]", "ar": r"[\u0600-\u06FF]", "en": r"[A-Za-z]"}


def lines_by_language(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        counts = {lang: len(re.findall(p, m.group())) for lang, p in SCRIPTS.items()}
        spans.append((m.start(), m.end(), max(counts, key=counts.__getitem__)))
    return spans


def reference_of(text: str) -> dt.date | None:
    m = re.match(r"\s*date (\d{4}-\d\d-\d\d)", text)
    return dt.date.fromisoformat(m.group(1)) if m else None


def run(text: str) -> tuple[float, float, int, int]:
    reference, lines = reference_of(text), lines_by_language(text)
    started = time.perf_counter()
    dates = sum(len(find_dates(text[s:e], lang=lang, reference=reference)) for s, e, lang in lines)
    middle = time.perf_counter()
    russian = [(s, e) for s, e, lang in lines if lang == "ru"]
    entities = len(find_russian_entities(text, paragraphs=russian))
    return middle - started, time.perf_counter() - middle, dates, entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))

    started = time.perf_counter()
    find_russian_entities("Андрей Белоусов прилетел в Москву.")
    for lang in ("ru", "ar", "en"):
        find_dates("7 декабря", lang=lang, reference=None)
    loaded = time.perf_counter() - started
    blas = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"models and language data loaded in {loaded:.2f} s; OPENBLAS_NUM_THREADS={blas}\n")

    print("| article | chars | dates | entities | dates ms | natasha ms | total ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    totals = []
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        timings = [run(text) for _ in range(args.runs)]
        dates_ms = statistics.median(t[0] for t in timings) * 1000
        ner_ms = statistics.median(t[1] for t in timings) * 1000
        totals.append(dates_ms + ner_ms)
        _, _, dates, entities = timings[0]
        print(
            f"| {path.name[:3]} | {len(text)} | {dates} | {entities} "
            f"| {dates_ms:.0f} | {ner_ms:.0f} | {dates_ms + ner_ms:.0f} |"
        )
    mean = statistics.mean(totals)
    print(f"\nmean {mean:.0f} ms per article, {1000 / mean:.1f} articles/s (one process)")


if __name__ == "__main__":
    main()
