"""Time a push of N tasks to a real Label Studio and the pull of their annotations back.

    source .ci/label-studio && .venv/bin/python bench/label_studio_bench.py      # N = 1,000
    .venv/bin/python bench/label_studio_bench.py --tasks 200    # starts its own server

Uses the server named by CROSSCHECK_LABEL_STUDIO_URL / _TOKEN, or starts one from
`.ls-venv` (as the tests do). A fresh SQLite database in a temporary folder holds N
seed-sized articles (seed paragraphs recombined with a seeded RNG; one in four starts with
an emoji, so offsets after characters outside the BMP are exercised). Then, timed one by
one:

1. push: create the Label Studio project and send the N tasks;
2. push again: nothing new, so it only lists what is there;
3. (setup, timed for information) alice's annotation on every task is created in Label
   Studio through its API, one request per annotation, 6 spans each;
4. pull: the N annotations come back through the annotation services;
5. pull again: every annotation is unchanged.

Afterwards every pulled span is compared with the one sent (start, end, text, label).
Prints a markdown table and the command line.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shlex
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LABELS = ("PER", "ORG", "LOC", "DATE", "EVENT", "ROLE")
EMOJI = ("😀 ", "🇷🇺🤝🇸🇾 ", "👍🏽 ")


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith(" date "):
                paragraphs.append(" ".join(line.split()))
    return paragraphs


def article_text(rng: random.Random, paragraphs: list[str]) -> str:
    body = [rng.choice(paragraphs) for _ in range(rng.randint(3, 8))]
    lead = rng.choice(EMOJI) if rng.random() < 0.25 else ""
    return lead + "\n\n".join(body) + f"\n\n#{rng.randrange(10**9)}"


def spans_for(rng: random.Random, text: str, count: int) -> list[dict[str, Any]]:
    words = [m for m in re.finditer(r"\w{4,}", text)]
    chosen = sorted(rng.sample(words, min(count, len(words))), key=lambda m: m.start())
    return [
        {
            "id": f"r{i}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {
                "start": m.start(),
                "end": m.end(),
                "text": m.group(),
                "labels": [rng.choice(LABELS)],
            },
        }
        for i, m in enumerate(chosen)
    ]


def timed(label: str, rows: list[tuple[str, float, str]], fn: Any, note: Any = None) -> Any:
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    rows.append((label, seconds, note(value) if note else ""))
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--spans", type=int, default=6)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="crosscheck-ls-bench-"))
    os.environ["CROSSCHECK_SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model

    from annotate.label_studio import label_studio_pull, label_studio_push
    from annotate.models import Annotation, Article, Mention, Task
    from annotate.services.projects import project_ensure_default
    from tests.label_studio import server as ls_server

    started = None
    url = os.environ.get("CROSSCHECK_LABEL_STUDIO_URL", "")
    token = os.environ.get("CROSSCHECK_LABEL_STUDIO_TOKEN", "")
    if not (url and token):
        print("starting Label Studio from .ls-venv ...", file=sys.stderr)
        started = ls_server.start()
        url, token = started.url, started.token
    try:
        rng = random.Random(7)
        paragraphs = seed_paragraphs()
        project = project_ensure_default()
        alice = get_user_model().objects.create_user(username="alice", email="alice@example.org")
        for n in range(args.tasks):
            text = article_text(rng, paragraphs)
            article = Article.objects.create(
                project=project, raw_text=text, text=text, content_hash=f"{n}-{uuid.uuid4()}"
            )
            Task.objects.create(project=project, article=article, required_overlap=1)
        title = f"Crosscheck bench {uuid.uuid4().hex[:8]}"
        common = {"project": project, "url": url, "token": token, "title": title}
        rows: list[tuple[str, float, str]] = []

        push = timed(
            f"push {args.tasks} new tasks",
            rows,
            lambda: label_studio_push(**common),
            lambda r: f"{r.tasks_sent} sent",
        )
        timed(
            "push again (nothing new)",
            rows,
            lambda: label_studio_push(**common),
            lambda r: f"{r.tasks_sent} sent, {r.tasks_already_there} there",
        )
        sent = timed(
            f"setup: {args.tasks} annotations created in Label Studio (API, one by one)",
            rows,
            lambda: annotate_remotely(url, token, push.project_id, alice.email, rng, args.spans),
            lambda s: f"{sum(len(v) for v in s.values())} spans",
        )
        timed(
            f"pull {args.tasks} annotations",
            rows,
            lambda: label_studio_pull(**common),
            lambda r: f"{r.created} saved",
        )
        timed(
            "pull again (all unchanged)",
            rows,
            lambda: label_studio_pull(**common),
            lambda r: f"{r.unchanged} unchanged",
        )
        pulled = {
            (m.annotation.task.article_id, m.region_id): (m.start, m.end, m.text, m.label.name)
            for m in Mention.objects.select_related("annotation__task", "label")
        }
        expected = {
            (article_id, r["id"]): (
                r["value"]["start"],
                r["value"]["end"],
                r["value"]["text"],
                r["value"]["labels"][0],
            )
            for article_id, result in sent.items()
            for r in result
        }
        identical = sum(1 for key, value in expected.items() if pulled.get(key) == value)
        submitted = Annotation.objects.filter(state=Annotation.State.SUBMITTED).count()
    finally:
        if started is not None:
            started.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"    {shlex.join([sys.executable, *sys.argv])}")
    print()
    print("| step | seconds | result |")
    print("|---|---|---|")
    for label, seconds, note in rows:
        print(f"| {label} | {seconds:.1f} | {note} |")
    print()
    print(
        f"Tasks pushed: {push.tasks_sent}. Annotations pulled: {submitted}. Spans identical: "
        f"{identical}/{len(expected)} (extra spans here: {len(pulled) - identical}). "
        f"Peak RSS of this process: {peak:.0f} MB."
    )


def annotate_remotely(
    url: str, token: str, project_id: int, email: str, rng: random.Random, spans: int
) -> dict[int, list[dict[str, Any]]]:
    """Alice's annotation on every task, made through Label Studio's API (not timed as ours)."""
    from label_studio_sdk import LabelStudio

    sdk = LabelStudio(base_url=url, api_key=token, max_retries=0, timeout=120)
    user_id = next((u.id for u in sdk.users.list() if u.email == email), None)
    if user_id is None:
        user_id = sdk.users.create(email=email, username=f"alice-{uuid.uuid4().hex[:6]}").id
    sent: dict[int, list[dict[str, Any]]] = {}
    for task in sdk.tasks.list(project=project_id, fields="task_only", page_size=500):
        result = spans_for(rng, task.data["text"], spans)
        sdk.annotations.create(id=task.id, result=result, completed_by=user_id)
        sent[task.data["crosscheck_article_id"]] = result
    return sent


if __name__ == "__main__":
    main()
