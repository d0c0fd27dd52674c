"""A seed-format file written by an attacker, imported through the real import service.

The header line and the text carry a `<script>`, an `<img onerror>` and a `javascript:` URL.
Shown anywhere, they must appear as text and never run.
"""

from __future__ import annotations

import io

from annotate.models import Article, Project, Task
from annotate.services.imports import ImportInput, import_run

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
JS_URL = "javascript:alert(3)"
# A name a reviewer can tag, next to the payloads.
NAME = "Andrey Belousov"

HOSTILE_SEED = (
    f" date 2025-10-28 {JS_URL} {SCRIPT} {IMG}\n"
    "\n"
    f"{NAME} met {SCRIPT} in Moscow, said {IMG} on 28 October.\n"
    "\n"
    f'Read more at <a href="{JS_URL}">{JS_URL}</a> and "><svg onload=alert(4)>.\n'
)
PAYLOADS = (SCRIPT, IMG, JS_URL)


def hostile_import(*, project: Project) -> Task:
    """Import the hostile seed as an upload would be, and return its task."""
    data = HOSTILE_SEED.encode("utf-8")
    batch = import_run(
        project=project,
        inputs=[ImportInput(name="hostile.txt", size=len(data), open=lambda: io.BytesIO(data))],
        fmt="seed",
        overlap=2,
        origin="upload",
    )
    article = Article.objects.get(import_batch=batch)
    return Task.objects.get(article=article)
