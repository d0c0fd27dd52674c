"""Killing the server inside a reviewer's submit leaves the annotation as it was before."""

from __future__ import annotations

from tests.faults.harness import Site

# Bob has submitted Belousov and Moscow; Alice's draft (version 1) has Belousov only. Her
# submit adds Moscow: as the last review in, it also completes the task, computes the
# agreement and (they agree) accepts the gold layer automatically, all in one transaction.
SETUP = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from annotate.services.annotations import annotation_save_draft
from annotate.services.projects import project_ensure_default
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, review

project_ensure_default()
alice, bob = (get_user_model().objects.create_user(username=n) for n in ("alice", "bob"))
task = task_make(text=TEXT)
text = task.article.text
review(task, bob, [span(text, "Andrey Belousov", "PER", rid="b1"),
                   span(text, "Moscow", "LOC", rid="b2")])
annotation = task_start_for_reviewer(task=task, reviewer=alice)
annotation_save_draft(annotation=annotation, version=0,
                      result=[span(text, "Andrey Belousov", "PER", rid="a1")])
result = {
    "annotation": annotation.pk,
    "token": Token.objects.create(user=alice).key,
    "submit": {
        "version": 1,
        "result": [span(text, "Andrey Belousov", "PER", rid="a1"),
                   span(text, "Moscow", "LOC", rid="a2")],
        "time_spent_seconds": 90,
    },
}
"""

STATE = """
from annotate.models import Annotation, Mention, TaskLock
from verify.models import Adjudication, GoldSpan
annotation = Annotation.objects.select_related("task").get(pk={pk})
task = annotation.task
result = {{
    "version": annotation.version,
    "state": annotation.state,
    "submitted": annotation.submitted_at is not None,
    "seconds": annotation.time_spent_seconds,
    "regions": sorted(Mention.objects.filter(annotation=annotation)
                      .values_list("region_id", flat=True)),
    "task": task.state,
    "holds_lock": TaskLock.objects.filter(task=task, reviewer=annotation.reviewer).exists(),
    "adjudication": list(Adjudication.objects.filter(task=task).values_list("state", flat=True)),
    "gold": GoldSpan.objects.filter(task=task).count(),
}}
"""


def test_a_submit_killed_mid_transaction_leaves_the_old_draft_and_a_new_server_takes_it(
    site: Site,
) -> None:
    given = site.django(SETUP)
    path, state = (
        f"/api/annotations/{given['annotation']}/submit/",
        STATE.format(pk=given["annotation"]),
    )
    before = site.django(state)
    server = site.serve(pause_at="annotation-submit")

    call = server.call_in_background("POST", path, token=given["token"], body=given["submit"])
    server.paused.wait()  # every row of the submit is written; the commit has not happened
    server.kill()
    call.join()

    assert call.answer is None  # the reviewer got no answer
    assert call.error is not None
    after_kill = site.django(state)
    assert after_kill == before
    assert after_kill == {
        "version": 1, "state": "draft", "submitted": False, "seconds": 0, "regions": ["a1"],
        "task": "in_progress", "holds_lock": True, "adjudication": [], "gold": 0,
    }  # fmt: skip

    restarted = site.serve()
    status, body = restarted.call("POST", path, token=given["token"], body=given["submit"])

    assert status == 200, body
    assert site.django(state) == {
        "version": 2, "state": "submitted", "submitted": True, "seconds": 90,
        "regions": ["a1", "a2"], "task": "adjudicated", "holds_lock": False,
        "adjudication": ["done"], "gold": 2,
    }  # fmt: skip
