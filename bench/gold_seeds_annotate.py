"""Make the seed gold set through the product: two blind reviewers, an admin adjudicates.

    .venv/bin/python bench/gold_seeds_annotate.py            # writes fixtures/gold_seeds.json

How the gold set is made:
- the five seeds are imported with the real import service into a fresh SQLite database
  (/tmp/crosscheck_gold.sqlite3), two reviewers per task, with suggestions off, so nothing
  machine-made is seen;
- two reviewers annotate every seed, blind to each other, through the real HTTP API
  (Django's test client in front of the real URL conf, middleware, views, serializers and
  services; no mocks): start the task, save the draft, submit. alice's choices are
  `bench/gold_seeds/alice.json`, bob's `bench/gold_seeds/bob.json`, each a list of
  (label, surface form[, ISO value]) per seed, written by two annotators who did not see each
  other's list. Every whole-word occurrence of a form in the stored text is tagged, longest
  forms first; Arabic proclitics (و ف ب ل ك) glued to a name stay outside the span;
- the app compares the two submissions (agreement figures and conflict items) and queues the
  tasks with conflicts; carol, the admin, decides every conflict item through the
  adjudication API (`POST /api/adjudications/<task>/save/`) with the decision and rationale
  written in `bench/gold_seeds/adjudication.json` (one per distinct disagreement; a conflict
  with no written decision stops the script, which lists it); tasks in full agreement are
  accepted by the app itself;
- the adjudicated gold layer and each task's agreement figures are read back from the API
  and written to fixtures/gold_seeds.json, with reviewers, adjudicator and rationales.

Guidelines both annotators followed: PER = names of people, inflected as written, without
titles; ORG = named organisations, ministries, agencies, outlets and channels; LOC =
countries, cities, regions, bases and named buildings (not adjectives like
"российский"/"السوري"); DATE = calendar expressions without their leading preposition (в,
في), with the ISO value where it is precise (a day, a month, a year), none for vague parts
("в конце 2024 года").

The adjudication page does not carry a date's normalised value (gold spans have none), so a
gold DATE takes the value of the reviewer whose span was kept; where both had the span with
different values the decision file says which value is right (kind "value").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/crosscheck_gold.sqlite3")
os.environ["CROSSCHECK_SQLITE_PATH"] = str(DB)
os.environ["CROSSCHECK_SUGGEST_ON_IMPORT"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
OUT = ROOT / "fixtures" / "gold_seeds.json"
HERE = ROOT / "bench" / "gold_seeds"
REVIEWERS = ("alice", "bob")
ADMIN = "carol"

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


def spans_for(text: str, rows: list[list[str]], who: str, seed: str) -> list[dict[str, Any]]:
    taken: list[tuple[int, int]] = []
    out: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: -len(r[1])):
        label, form = row[0], row[1]
        value = row[2] if len(row) > 2 else ""
        kept = 0
        for s in occurrences(text, form):
            e = s + len(form)
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            out.append({"start": s, "end": e, "label": label, "text": form, "value": value})
            kept += 1
        if not kept:
            print(
                f"  warning: {who} {seed} {label} {form!r} not found (or only inside longer spans)"
            )
    return sorted(out, key=lambda r: (r["start"], -r["end"]))


def result_for(spans: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for i, s in enumerate(spans):
        rid = f"{prefix}{i}"
        result.append({
            "id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]},
        })  # fmt: skip
        if s["value"]:
            result.append({
                "id": rid, "from_name": "normalised", "to_name": "text", "type": "textarea",
                "value": {"text": [s["value"]]},
            })  # fmt: skip
    return result


def conflict_key(seed: str, text: str, item: dict[str, Any]) -> str:
    """A readable key for one disagreement: the seed, the kind, and each reviewer's version
    as label:text (or - when the reviewer has no span there). The same disagreement at
    another occurrence of the same words has the same key, so it gets the same decision."""
    parts = []
    for reviewer in REVIEWERS:
        v = item["versions"].get(reviewer)
        parts.append(
            f"{reviewer}={v['label']}:{text[v['start'] : v['end']]}" if v else f"{reviewer}=-"
        )
    return f"{seed}|{item['kind']}|" + "|".join(parts)


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
    import_run(project=project, inputs=import_inputs_from_paths(seeds), overlap=2)
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    for name in (*REVIEWERS, ADMIN):
        user = users.create_user(username=name, password=f"{name}-gold-1", is_staff=name == ADMIN)
        clients[name] = Client()
        clients[name].force_login(user)
    lists = {who: json.loads((HERE / f"{who}.json").read_text()) for who in REVIEWERS}
    decisions = {d["key"]: d for d in json.loads((HERE / "adjudication.json").read_text())}

    tasks = list(Task.objects.select_related("article").order_by("article__source_file"))
    submitted: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for task in tasks:
        article = task.article
        seed = Path(article.source_file).name[:3]
        for who in REVIEWERS:
            started = clients[who].post(f"/api/tasks/{task.pk}/start/").json()
            annotation = started["annotation"]
            spans = spans_for(article.text, lists[who][seed], who, seed)
            resp = clients[who].post(
                f"/api/annotations/{annotation['id']}/submit/",
                {"version": annotation["version"], "result": result_for(spans, who[0])},
                content_type="application/json",
            )
            assert resp.status_code == 200, resp.content
            submitted[(task.pk, who)] = spans
            print(f"seed {seed}: task #{task.pk} {who} submitted {len(spans)} spans")

    admin = clients[ADMIN]
    queue = admin.get("/api/adjudications/?page_size=100").json()["results"]
    print(f"adjudication queue: {[(q['task'], q['conflict_count']) for q in queue]}")
    undecided: list[str] = []
    used: set[str] = set()
    plans: dict[int, list[dict[str, Any]]] = {}
    seed_of = {t.pk: Path(t.article.source_file).name[:3] for t in tasks}
    text_of = {t.pk: t.article.text for t in tasks}
    for row in queue:
        task_id = row["task"]
        detail = admin.get(f"/api/adjudications/{task_id}/").json()
        plan = []
        for unit in detail["units"]:
            for item in unit["items"]:
                key = conflict_key(seed_of[task_id], text_of[task_id], item)
                if key not in decisions:
                    undecided.append(key)
                    continue
                used.add(key)
                d = decisions[key]
                plan.append({
                    "item": item["id"], "action": d["action"], "reviewer": d.get("reviewer", ""),
                    "rationale": d["rationale"],
                })  # fmt: skip
        plans[task_id] = plan
    if undecided:
        for key in sorted(set(undecided)):
            print(f"UNDECIDED {key}")
        raise SystemExit(
            f"{len(set(undecided))} disagreements have no decision in adjudication.json"
        )
    for task_id, plan in plans.items():
        version = admin.get(f"/api/adjudications/{task_id}/").json()["version"]
        resp = admin.post(
            f"/api/adjudications/{task_id}/save/",
            {"version": version, "complete": True, "decisions": plan},
            content_type="application/json",
        )
        assert resp.status_code == 200, resp.content
        print(f"task #{task_id}: {len(plan)} decisions saved, state {resp.json()['state']}")

    exported = []
    for task in tasks:
        task.refresh_from_db()
        assert task.state == Task.State.ADJUDICATED, (task.pk, task.state)
        detail = admin.get(f"/api/adjudications/{task.pk}/").json()
        agreement = admin.get(f"/api/agreement/tasks/{task.pk}/").json()
        exported.append(_export(task, detail, agreement, submitted, decisions))
    unused = sorted(set(decisions) - used)
    for key in unused:
        print(f"  note: decision not needed by this run: {key}")
    OUT.write_text(json.dumps(_document(exported), ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT} ({sum(len(a['spans']) for a in exported)} spans)")


def _value(
    task_id: int, span: dict[str, Any], submitted: dict[tuple[int, str], list[dict[str, Any]]],
    decisions: dict[str, dict[str, Any]], seed: str,
) -> str:  # fmt: skip
    values = {
        who: s["value"]
        for who in REVIEWERS
        for s in submitted[(task_id, who)]
        if (s["start"], s["end"], s["label"]) == (span["start"], span["end"], span["label"])
    }
    distinct = set(values.values())
    if len(distinct) <= 1:
        return distinct.pop() if distinct else ""
    key = f"{seed}|value|" + "|".join(f"{w}={values.get(w, '-')}" for w in REVIEWERS)
    key += f"|{span['text']}"
    if key not in decisions:
        raise SystemExit(f"UNDECIDED {key}")
    return str(decisions[key]["value"])


def _export(
    task: Any, detail: dict[str, Any], agreement: dict[str, Any],
    submitted: dict[tuple[int, str], list[dict[str, Any]]], decisions: dict[str, dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    article = task.article
    seed = Path(article.source_file).name[:3]
    spans = []
    for g in detail["gold"]:
        if g["kind"] != "mention":
            continue
        assert article.text[g["start"] : g["end"]] == g["text"]
        spans.append({
            "start": g["start"], "end": g["end"], "label": g["label"], "text": g["text"],
            "value": _value(task.pk, g, submitted, decisions, seed),
            "origin": g["origin"], "reviewers": g["reviewers"],
        })  # fmt: skip
    figures = agreement["figures"]
    return {
        "seed": Path(article.source_file).name,
        "content_hash": article.content_hash,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "text_length": len(article.text),
        "adjudicator": ADMIN if not detail["automatic"] else None,
        "automatic": detail["automatic"],
        "reviewers": [r["name"] for r in detail["reviewers"]],
        "agreement": {
            "spans_f1_exact": figures["spans"]["f1_exact"],
            "spans_f1_overlap": figures["spans"]["f1_overlap"],
            "labelled_f1_exact": figures["labelled"]["f1_exact"],
            "label_alpha": figures["values"]["label"]["alpha"],
        },
        "decisions": [
            {
                "kind": d["kind"],
                "action": d["action"],
                "reviewer": d["reviewer"],
                "rationale": d["rationale"],
                "admin": d["admin"],
            }
            for d in detail["decisions"].values()
        ],  # fmt: skip
        "spans": spans,
    }


def _document(articles: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "about": (
            "Gold spans (PER, ORG, LOC, DATE) for the five seeds, made in the app: two reviewers "
            "(alice, bob) annotated each seed blind through the annotation API, the app compared "
            "them, and an admin (carol) adjudicated every conflict through the adjudication API "
            "with a rationale. Offsets are code points into the imported Article.text, found by "
            "content_hash. Made by bench/gold_seeds_annotate.py, which also states the guidelines."
        ),
        "annotators": len(REVIEWERS),
        "adjudicated": True,
        "made_on": dt.date.today().isoformat(),
        "articles": articles,
    }


if __name__ == "__main__":
    main()
