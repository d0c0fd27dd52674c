"""`manage.py label_studio config|push|pull|import|export`, driven with call_command."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command

from annotate.label_studio import label_config_xml
from annotate.models import Annotation, Article, Project, Task
from annotate.services.annotations import annotation_submit
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import span, task_make
from tests.label_studio.conftest import LabelStudioServer

TEXT = "Andrey Belousov met Murhaf Abu Qasra 😀 in Moscow."


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("label_studio", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_config_prints_the_labelling_config(project: Project) -> None:
    out, _ = run("config")

    assert out.strip() == label_config_xml(project=project)


def test_an_unknown_crosscheck_project_is_an_error(project: Project) -> None:
    with pytest.raises(CommandError, match="No Crosscheck project with the slug 'nope'"):
        run("config", "--crosscheck-project", "nope")


def test_an_unreachable_server_is_a_command_error(project: Project) -> None:
    with pytest.raises(CommandError, match="Cannot reach Label Studio at http://127.0.0.1:9"):
        run("push", "--url", "http://127.0.0.1:9", "--token", "t" * 40, "--timeout", "5")


def test_export_then_import_of_the_file_gives_the_same_annotations(
    project: Project, alice: AbstractUser, tmp_path: Path
) -> None:
    task = task_make(text=TEXT, required_overlap=1)
    annotation = task_start_for_reviewer(task=task, reviewer=alice)
    annotation_submit(annotation=annotation, version=0, result=[span(TEXT, "Moscow", "LOC")])
    path = tmp_path / "tasks.json"

    _, err = run("export", "--tasks", str(task.pk), "-o", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    Article.objects.all().delete()
    out, _ = run("import", str(path))

    assert err.strip() == "1 tasks exported."
    assert exported[0]["annotations"][0]["completed_by"] == {"email": alice.email}
    assert "Articles: 1 created" in out
    assert "Annotations: 1 saved" in out
    (again,) = Annotation.objects.all()
    assert [(m.start, m.end, m.text) for m in again.mentions.all()] == [
        (TEXT.index("Moscow"), TEXT.index("Moscow") + 6, "Moscow")
    ]


def test_export_selects_tasks_by_id(project: Project) -> None:
    tasks = [task_make(text=f"Text {n}.") for n in range(4)]

    out, _ = run("export", "--tasks", f"{tasks[1].pk}-{tasks[2].pk}")

    assert [t["data"]["text"] for t in json.loads(out)] == ["Text 1.", "Text 2."]


def test_export_selects_tasks_by_state(project: Project) -> None:
    task_make(text="Open one.")
    task_make(text="Done one.", state=Task.State.COMPLETE)

    out, _ = run("export", "--state", "complete")

    assert [t["data"]["text"] for t in json.loads(out)] == ["Done one."]


def test_a_bad_reviewer_mapping_is_an_error(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[]")

    with pytest.raises(CommandError, match="--reviewer takes ID=EMAIL"):
        run("import", str(path), "--reviewer", "alice")


@pytest.mark.label_studio
def test_push_then_pull_through_the_command(
    project: Project,
    alice: AbstractUser,
    label_studio_server: LabelStudioServer,
    ls_title: str,
    ls_user: Callable[[str], int],
) -> None:
    task = task_make(text=TEXT)
    server = ("--url", label_studio_server.url, "--token", label_studio_server.token)

    pushed, _ = run("push", *server, "--project", ls_title)
    sdk = label_studio_server.sdk()
    (remote,) = [p for p in sdk.projects.list(title=ls_title) if p.title == ls_title]
    (ls_task,) = list(sdk.tasks.list(project=remote.id))
    result: list[dict[str, Any]] = [span(TEXT, "Andrey Belousov", "PER", rid="r1")]
    sdk.annotations.create(id=ls_task.id, result=result, completed_by=ls_user(alice.email))
    dry, _ = run("pull", *server, "--project", ls_title, "--dry-run")
    pulled, _ = run("pull", *server, "--project", ls_title)

    assert f"Label Studio project created: {label_studio_server.url}/projects/" in pushed
    assert "1 tasks sent (0 with predictions); 0 were there already." in pushed
    assert "1 would be saved" in dry
    assert "1 annotations on 1 tasks: 1 saved, 0 unchanged, 0 kept as they are here." in pulled
    assert Annotation.objects.get(task=task, reviewer=alice).mentions.get().text == (
        "Andrey Belousov"
    )
