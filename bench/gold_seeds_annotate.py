"""Make the seed gold set through the product: import, annotate over the API, submit, export.

    .venv/bin/python bench/gold_seeds_annotate.py            # writes fixtures/gold_seeds.json

How the gold set is made (and what it is not):
- the five seeds are imported with the real import service into a fresh SQLite database
  (/tmp/crosscheck_gold.sqlite3), with suggestions off, so nothing machine-made is seen;
- one reviewer ("gold") annotates each seed through the real HTTP API (Django's test client
  in front of the real URL conf, views, serializers and services, no mocks): start the task,
  save the draft, submit. The spans are chosen by hand, below, as (label, surface form): every
  occurrence of each form in the stored text is tagged, longest forms first, whole words only;
  Arabic proclitics (و ف ب ل ك) glued to a name stay outside the span, the article ال stays in;
- the submitted annotations are read back from the API (`GET /api/annotations/<id>/`) and
  written to fixtures/gold_seeds.json.

It is single-annotator and NOT adjudicated (adjudication does not exist yet): treat the scores
it gives as indicative. Guidelines used: PER = names of people, inflected as written, without
titles; ORG = named organisations, ministries, agencies, outlets and channels; LOC = countries,
cities, regions, bases and named buildings (not adjectives like "российский"/"السوري");
DATE = calendar expressions without their leading preposition (в, في), with the ISO value
where it is precise (a day, a month, a year), none for vague parts ("в конце 2024 года").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/crosscheck_gold.sqlite3")
os.environ["CROSSCHECK_SQLITE_PATH"] = str(DB)
os.environ["CROSSCHECK_SUGGEST_ON_IMPORT"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
OUT = ROOT / "fixtures" / "gold_seeds.json"

# (label, surface form[, ISO value]) per seed, chosen by reading each stored text.
GOLD: dict[str, list[tuple[str, ...]]] = {
    "000": [
        ("PER", "Андрей Белоусов"), ("PER", "Махрафом Абу Касрой"), ("PER", "Белоусов"),
        ("PER", "Белоусову"), ("PER", "Абу Касра"), ("PER", "Абу Касру"),
        ("PER", "Ахмеда аш-Шараа"), ("PER", "аш-Шараа"), ("PER", "Владимиром Путиным"),
        ("PER", "Сергей Лавров"), ("PER", "Лаврова"), ("PER", "Башара Асада"), ("PER", "Асада"),
        ("ORG", "Минобороны"), ("ORG", "МИД России"), ("ORG", "Хайят Тахрир аш-Шам"),
        ("LOC", "России"), ("LOC", "Сирии"), ("LOC", "Москве"), ("LOC", "Москву"),
        ("LOC", "Москвой"), ("LOC", "Дамаск"), ("LOC", "Дамаска"), ("LOC", "Сирия"),
        ("LOC", "Россией"), ("LOC", "Западом"), ("LOC", "США"), ("LOC", "Ближнего Востока"),
        ("DATE", "середине октября"), ("DATE", "декабре 2024 года", "2024-12"),
        ("DATE", "конце 2024 года"),
    ],
    "001": [
        ("PER", "Асаад аш-Шибани"), ("PER", "Аш-Шибани"), ("PER", "аш-Шибани"),
        ("PER", "Мурхеф Абу Касра"), ("PER", "Владимиром Путиным"), ("PER", "Ахмед Аш-Шараа"),
        ("ORG", "РИА Новости"), ("ORG", "МИД Сирии"), ("ORG", "SANA"),
        ("LOC", "БЕЙРУТ"), ("LOC", "САР"), ("LOC", "Москве"), ("LOC", "России"),
        ("LOC", "Россию"), ("LOC", "Дамаске"), ("LOC", "Сирии"), ("LOC", "Москвой"),
        ("LOC", "Дамаском"), ("LOC", "Сирию"), ("LOC", "Москву"), ("LOC", "Дамаск"),
        ("DATE", "конце июля"), ("DATE", "конце прошлого года"),
        ("DATE", "7 декабря", "2025-12-07"), ("DATE", "середине октября"),
    ],
    "002": [
        ("PER", "أندريه بيلاوسوف"), ("PER", "بيلاوسوف"), ("PER", "مرهف أبو قصرة"),
        ("PER", "أبو قصرة"), ("PER", "أحمد الشرع"), ("PER", "الشرع"),
        ("PER", "فلاديمير بوتين"), ("PER", "بوتين"), ("PER", "بشار الأسد"), ("PER", "الأسد"),
        ("PER", "Андрей Белоусов"), ("PER", "Мурхафом Абу Касрой"),
        ("ORG", "وزارة الدفاع الروسية"), ("ORG", "وكالة الأنباء السورية"), ("ORG", "سانا"),
        ("ORG", "Минобороны РФ"), ("ORG", "Минобороны России"), ("ORG", "ТАСС"),
        ("LOC", "موسكو"), ("LOC", "روسيا"), ("LOC", "سوريا"), ("LOC", "سورية"),
        ("LOC", "الكرملين"), ("LOC", "دمشق"), ("LOC", "Сирии"),
        ("DATE", "يوليو", "2025-07"), ("DATE", "مساء اليوم الثلاثاء", "2025-10-28"),
        ("DATE", "October 28, 2025", "2025-10-28"), ("DATE", "31 يوليو/ تموز الماضي", "2025-07-31"),
        ("DATE", "8 ديسمبر/ كانون الأول 2024", "2024-12-08"),
        ("DATE", "15 أكتوبر/ تشرين الأول الجاري", "2025-10-15"), ("DATE", "الشهر الجاري", "2025-10"),
    ],
    "003": [
        ("PER", "أندريه بيلاؤوسوف"), ("PER", "بيلاؤوسوف"), ("PER", "مرهف أبو قصرة"),
        ("PER", "فلاديمير بوتين"), ("PER", "بوتين"), ("PER", "أحمد الشرع"),
        ("ORG", "وزارة الدفاع الروسية"),
        ("LOC", "موسكو"), ("LOC", "روسيا"), ("LOC", "سوريا"), ("LOC", "الكرملين"),
        ("DATE", "اليوم الثلاثاء", "2025-10-28"),
        ("DATE", "15 أكتوبر/تشرين الأول", "2025-10-15"),
    ],
    "004": [
        ("PER", "أحمد الشرع"), ("PER", "الشرع"), ("PER", "مرهف أبو قصرة"), ("PER", "أبو قصرة"),
        ("PER", "يونس بك يفكيروف"), ("PER", "أندريه بيلاوسوف"), ("PER", "بيلاوسوف"),
        ("PER", "فلاديمير بوتين"), ("PER", "بوتين"), ("PER", "بشار الأسد"),
        ("ORG", "وزارة الدفاع السورية"), ("ORG", "الدفاع السورية"),
        ("ORG", "وزارة الدفاع"), ("ORG", "روسيا اليوم"), ("ORG", "رويترز"),
        ("ORG", "قوات سوريا الديمقراطية"), ("ORG", "قسد"), ("ORG", "الرئاسة الروسية"),
        ("ORG", "الجيش الإسرائيلي"),
        ("LOC", "دمشق"), ("LOC", "موسكو"), ("LOC", "روسيا"), ("LOC", "سوريا"),
        ("LOC", "القامشلي"), ("LOC", "حميميم"), ("LOC", "اللاذقية"), ("LOC", "طرطوس"),
        ("DATE", "15 تشرين الأول/أكتوبر", "2025-10-15"),
    ],
}  # fmt: skip

ARABIC = re.compile(r"[\u0600-\u06ff]")
PROCLITICS = "وفبلك"


def occurrences(text: str, form: str) -> list[int]:
    """Starts of `form` in `text` as a whole word (Arabic: after up to two proclitics)."""
    found = []
    for m in re.finditer(re.escape(form), text):
        s, e = m.start(), m.end()
        if ARABIC.search(form):
            k = s
            for _ in range(2):
                if k > 0 and text[k - 1] in PROCLITICS:
                    k -= 1
            ok_before = k == 0 or not text[k - 1].isalpha()
        else:
            ok_before = s == 0 or not text[s - 1].isalnum()
        ok_after = e == len(text) or not text[e].isalnum()
        if ok_before and ok_after:
            found.append(s)
    return found


def spans_for(text: str, rows: list[tuple[str, ...]]) -> list[dict[str, object]]:
    taken: list[tuple[int, int]] = []
    out: list[dict[str, object]] = []
    for row in sorted(rows, key=lambda r: -len(r[1])):
        label, form = row[0], row[1]
        value = row[2] if len(row) > 2 else ""
        starts = occurrences(text, form)
        kept = 0
        for s in starts:
            e = s + len(form)
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            out.append({"start": s, "end": e, "label": label, "text": form, "value": value})
            kept += 1
        if not kept:
            print(f"  warning: {label} {form!r} not found (or only inside longer spans)")
    return sorted(out, key=lambda r: (r["start"], -r["end"]))  # type: ignore[operator]


def main() -> None:
    import django

    if DB.exists():
        DB.unlink()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from annotate.models import Task
    from annotate.services.imports import import_inputs_from_paths, import_run
    from annotate.services.projects import project_ensure_default

    call_command("migrate", verbosity=0)
    project = project_ensure_default()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    import_run(project=project, inputs=import_inputs_from_paths(seeds), overlap=1)
    user = get_user_model().objects.create_user(username="gold", password="gold-annotator-1")
    client = Client()
    client.force_login(user)
    exported = []
    for task in Task.objects.select_related("article").order_by("article__source_file"):
        article = task.article
        seed = Path(article.source_file).name[:3]
        print(f"seed {seed}: task #{task.pk}")
        started = client.post(f"/api/tasks/{task.pk}/start/").json()
        annotation = started["annotation"]
        spans = spans_for(article.text, GOLD[seed])
        result = []
        for i, s in enumerate(spans):
            rid = f"g{i}"
            result.append({
                "id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]},
            })  # fmt: skip
            if s["value"]:
                result.append({
                    "id": rid, "from_name": "normalised", "to_name": "text", "type": "textarea",
                    "value": {"text": [s["value"]]},
                })  # fmt: skip
        resp = client.post(
            f"/api/annotations/{annotation['id']}/submit/",
            {"version": annotation["version"], "result": result},
            content_type="application/json",
        )
        assert resp.status_code == 200, resp.content
        saved = client.get(f"/api/annotations/{annotation['id']}/").json()
        exported.append(_export(article, seed, saved["result"]))
    OUT.write_text(json.dumps(_document(exported), ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT} ({sum(len(a['spans']) for a in exported)} spans)")


def _export(article: object, seed: str, result: list[dict[str, object]]) -> dict[str, object]:
    values = {r["id"]: r["value"]["text"][0] for r in result if r.get("from_name") == "normalised"}  # type: ignore[index]
    spans = [
        {
            "start": r["value"]["start"],  # type: ignore[index]
            "end": r["value"]["end"],  # type: ignore[index]
            "label": r["value"]["labels"][0],  # type: ignore[index]
            "text": r["value"]["text"],  # type: ignore[index]
            "value": values.get(r["id"], ""),  # type: ignore[arg-type]
        }
        for r in result
        if r.get("type") == "labels"
    ]
    return {
        "seed": Path(article.source_file).name,  # type: ignore[attr-defined]
        "content_hash": article.content_hash,  # type: ignore[attr-defined]
        "published_on": article.published_on.isoformat() if article.published_on else None,  # type: ignore[attr-defined]
        "text_length": len(article.text),  # type: ignore[attr-defined]
        "spans": spans,
    }


def _document(articles: list[dict[str, object]]) -> dict[str, object]:
    return {
        "about": (
            "Gold spans (PER, ORG, LOC, DATE) for the five seeds, made in the app by one "
            "annotator through the annotation API and exported from it; single-annotator, not "
            "adjudicated. Offsets are code points into the imported Article.text, found by "
            "content_hash. Made by bench/gold_seeds_annotate.py, which also states the guidelines."
        ),
        "annotators": 1,
        "adjudicated": False,
        "made_on": dt.date.today().isoformat(),
        "articles": articles,
    }


if __name__ == "__main__":
    main()
