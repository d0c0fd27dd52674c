"""Killing the server inside an adjudication save leaves the previous save whole."""

from __future__ import annotations

from tests.faults.harness import DISPUTED_TASK, Site, decisions

STATE = """
from annotate.models import Task
from verify.models import Adjudication
adjudication = Adjudication.objects.get(task_id={task})
result = {{
    "version": adjudication.version,
    "state": adjudication.state,
    "admin": adjudication.admin.username if adjudication.admin else None,
    "decisions": sorted(adjudication.decisions.exclude(item_id="").values_list("item_id", "action")),
    "gold": sorted(adjudication.task.gold_spans.values_list("start", "end", "label")),
    "task": Task.objects.get(pk={task}).state,
}}
"""


def test_an_adjudication_killed_mid_save_keeps_the_last_save_and_a_new_server_takes_it(
    site: Site,
) -> None:
    given = site.django(DISPUTED_TASK)
    path, token = f"/api/adjudications/{given['task']}/save/", given["token"]
    first, rest = decisions(given["items"])[:1], decisions(given["items"])[1:]
    state = STATE.format(task=given["task"])
    # The second save pauses: the first (one decision, version 0 -> 1) goes through.
    server = site.serve(pause_at="adjudication-save#2")
    status, body = server.call("POST", path, token=token, body={"version": 0, "decisions": first})
    assert status == 200, body
    before = site.django(state)

    call = server.call_in_background(
        "POST", path, token=token, body={"version": 1, "decisions": rest, "complete": True}
    )
    server.paused.wait()  # decisions, gold layer and task state written, not committed
    server.kill()
    call.join()

    assert call.answer is None
    after_kill = site.django(state)
    assert after_kill == before
    assert (after_kill["version"], after_kill["state"], after_kill["task"]) == (
        1, "pending", "complete",
    )  # fmt: skip
    assert [action for _, action in after_kill["decisions"]] == ["accept"]

    restarted = site.serve()
    status, body = restarted.call(
        "POST", path, token=token, body={"version": 1, "decisions": rest, "complete": True}
    )

    assert status == 200, body
    done = site.django(state)
    assert (done["version"], done["state"], done["task"]) == (2, "done", "adjudicated")
    assert len(done["decisions"]) == 3
    assert len(done["gold"]) == 4
