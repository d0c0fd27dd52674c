"""What Label Studio's own editor stores as offsets, measured in Chromium.

DESIGN.md says the editor stores code points since its emoji fixes; the issue says it
counts the browser's string (UTF-16). This test settles it on the real server: it shows a
span stored at code-point offsets after an emoji, draws two new spans with the mouse (a
name after an emoji and an Arabic word), submits, and reads what the server stored; then
pulls that annotation back here and compares the spans.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from annotate.label_studio import code_points_to_utf16, label_config_xml, label_studio_pull
from annotate.models import Annotation, Project
from tests.browser.conftest import SHOTS, require_browser
from tests.factories import span, task_make
from tests.label_studio.conftest import LabelStudioServer

pytestmark = [pytest.mark.label_studio, pytest.mark.browser]

TEXT = "Breaking 🇷🇺🤝🇸🇾: Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow, في موسكو."

ROOT = Path(__file__).resolve().parents[2]


def drive_editor(
    server: LabelStudioServer, read_url: str, draw_url: str
) -> tuple[list[str], list[str]]:
    """Run `editor_driver` in its own process; the highlighted texts it saw and drew."""
    shot = str(SHOTS / "label-studio-editor.png")
    args = [server.url, server.email, server.password, read_url, draw_url, shot]
    done = subprocess.run(
        [sys.executable, "-m", "tests.label_studio.editor_driver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return seen["shown"], seen["drawn"]


def test_label_studios_editor_reads_and_writes_code_points(
    project: Project,
    label_studio_server: LabelStudioServer,
    ls_title: str,
    ls_user: Callable[[str], int],
) -> None:
    require_browser()
    if not label_studio_server.password:
        pytest.skip("set CROSSCHECK_LABEL_STUDIO_PASSWORD (source .ci/label-studio does)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    read, draw = task_make(text=TEXT), task_make(text=TEXT)
    for n, email in enumerate((label_studio_server.email, "reader@example.org")):
        get_user_model().objects.create_user(username=f"ls{n}", email=email)
    sdk = label_studio_server.sdk()
    remote = sdk.projects.create(title=ls_title, label_config=label_config_xml(project=project))
    stored = span(TEXT, "Andrey Belousov", "PER", rid="known")
    assert stored["value"]["start"] != code_points_to_utf16(TEXT, stored["value"]["start"])
    reader = {"email": "reader@example.org"}
    ls_user(reader["email"])
    read_id, draw_id = sdk.projects.import_tasks(
        remote.id,
        request=[
            {
                "data": {"text": TEXT, "crosscheck_article_id": read.article_id},
                "annotations": [{"completed_by": reader, "result": [stored]}],
            },
            {"data": {"text": TEXT, "crosscheck_article_id": draw.article_id}},
        ],
        return_task_ids=True,
    ).task_ids
    page = f"{label_studio_server.url}/projects/{remote.id}/data?task="

    shown, drawn = drive_editor(label_studio_server, f"{page}{read_id}", f"{page}{draw_id}")

    assert shown == ["Andrey Belousov"]  # code points land on the right characters
    assert sorted(drawn) == sorted(["Moscow", "موسكو"])
    (annotation,) = sdk.tasks.get(str(draw_id)).annotations
    values = sorted((r["value"] for r in annotation["result"]), key=lambda v: v["start"])
    moscow, arabic = TEXT.index("Moscow"), TEXT.index("موسكو")
    assert [(v["start"], v["end"], v["text"]) for v in values] == [
        (moscow, moscow + 6, "Moscow"),
        (arabic, arabic + 5, "موسكو"),
    ]
    assert code_points_to_utf16(TEXT, moscow) != moscow  # so UTF-16 would have shown here
    label_studio_pull(
        project=project,
        url=label_studio_server.url,
        token=label_studio_server.token,
        title=ls_title,
        max_retries=0,
    )
    pulled = Annotation.objects.get(task=draw)
    assert [(m.start, m.end, m.text) for m in pulled.mentions.order_by("start")] == [
        (moscow, moscow + 6, "Moscow"),
        (arabic, arabic + 5, "موسكو"),
    ]
    known = Annotation.objects.get(task=read).mentions.get()
    assert (known.start, known.end, known.text) == (
        stored["value"]["start"],
        stored["value"]["end"],
        "Andrey Belousov",
    )
