"""Killing `release_gold` while it writes publishes nothing, and the next release works."""

from __future__ import annotations

from tests.faults.harness import DISPUTED_TASK, PYTHON, Site

ADJUDICATED = (
    DISPUTED_TASK
    + """
from verify.models import Adjudication
from verify.services.adjudication import DecisionInput, adjudication_save
from tests.faults.harness import decisions
adjudication_save(
    adjudication=Adjudication.objects.get(task_id=task.pk), admin=users["carol"], version=0,
    decisions=[DecisionInput(**d) for d in decisions(result["items"])], complete=True,
)
"""
)

RELEASES = """
from verify.models import GoldRelease
result = list(GoldRelease.objects.order_by("version").values("name", "state", "path", "error"))
"""


def test_a_killed_release_publishes_nothing_and_the_same_release_then_succeeds(
    site: Site,
) -> None:
    site.django(ADJUDICATED)
    releasing = site.start(
        [PYTHON, "manage.py", "release_gold", "--name", "v1"], pause_at="release-write"
    )
    releasing.wait()  # mentions, CoNLL and Label Studio files are written, facts are not
    releasing.kill()

    assert not (site.releases / "v1").exists()
    assert [r["state"] for r in site.django(RELEASES)] == ["building"]
    assert [p.name[:8] for p in site.releases.iterdir()] == [".tmp-v1-"]

    again = site.manage("release_gold", "--name", "v1")

    assert again.returncode == 0, again.stderr
    (release,) = site.django(RELEASES)
    assert (release["name"], release["state"]) == ("v1", "published")
    folder = site.releases / "v1"
    assert release["path"] == str(folder.resolve())
    assert (folder / "checksums.sha256").is_file()
    assert (folder / "facts.jsonl").is_file()
    # The killed build's half-written folder is gone; only the release remains.
    assert [p.name for p in site.releases.iterdir()] == ["v1"]


def test_a_release_started_while_another_builds_is_refused_and_leaves_it_alone(
    site: Site,
) -> None:
    site.django(ADJUDICATED)
    releasing = site.start(
        [PYTHON, "manage.py", "release_gold", "--name", "v1"], pause_at="release-write"
    )
    releasing.wait()

    meanwhile = site.manage("release_gold", "--name", "v2")

    assert meanwhile.returncode == 1
    assert "Another release is being built" in meanwhile.stderr
    # The live build's folder and record are not taken for a killed one's.
    assert [p.name[:8] for p in site.releases.iterdir()] == [".tmp-v1-"]
    assert [(r["name"], r["state"]) for r in site.django(RELEASES)] == [("v1", "building")]
    releasing.kill()
