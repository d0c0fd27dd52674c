"""Killing `import_articles` mid-run leaves whole batches of files, and a re-run finishes."""

from __future__ import annotations

from pathlib import Path

from tests.factories import SEEDS
from tests.faults.harness import PYTHON, Site

FILES = 60
BATCH = 10  # articles per transaction; one article per file

STATE = """
from annotate.models import Article, ImportBatch, Task
result = {
    "articles": Article.objects.count(),
    "distinct_texts": Article.objects.values("content_hash").distinct().count(),
    "tasks": Task.objects.count(),
    "articles_without_a_task": Article.objects.filter(task__isnull=True).count(),
    "files": sorted(Article.objects.values_list("source_file", flat=True)),
    "batches": list(
        ImportBatch.objects.order_by("id").values(
            "state", "file_count", "created_count", "skipped_count", "error"
        )
    ),
}
"""


def seed_like_files(folder: Path) -> list[str]:
    """FILES distinct articles in the seeds' format, named so they sort in import order."""
    seeds = sorted(SEEDS.glob("*.txt"))
    folder.mkdir()
    names = []
    for n in range(FILES):
        text = seeds[n % len(seeds)].read_text(encoding="utf-8")
        path = folder / f"{n:03d}_article.txt"
        path.write_text(f"{text}\n\nUpdate {n}: the ministry confirmed meeting {n}.\n", "utf-8")
        names.append(str(path))
    return names


def test_a_killed_import_keeps_whole_batches_and_a_rerun_imports_the_rest(
    site: Site, tmp_path: Path
) -> None:
    names = seed_like_files(tmp_path / "articles")
    command = [PYTHON, "manage.py", "import_articles", str(tmp_path / "articles"), "-v", "0"]

    importing = site.start(
        command, pause_at="import-batch#3", CROSSCHECK_IMPORT_BATCH_SIZE=str(BATCH)
    )
    importing.wait()  # the third batch's articles and tasks are written, not committed
    importing.kill()

    after_kill = site.django(STATE)
    assert after_kill["articles"] == 2 * BATCH
    assert after_kill["tasks"] == 2 * BATCH
    assert after_kill["articles_without_a_task"] == 0
    assert after_kill["files"] == names[: 2 * BATCH]  # whole files, in order, none half-done
    (killed,) = after_kill["batches"]
    # The batch's counters moved in the same transactions as the articles they count.
    assert (killed["file_count"], killed["created_count"]) == (2 * BATCH, 2 * BATCH)

    # Half an hour later nothing moved: the next import may call the killed one interrupted.
    site.django(
        """
        import datetime as dt
        from annotate.models import ImportBatch
        result = ImportBatch.objects.update(progress_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        """
    )
    rerun = site.manage(
        "import_articles", str(tmp_path / "articles"), "-v", "0",
        CROSSCHECK_IMPORT_BATCH_SIZE=str(BATCH),
    )  # fmt: skip

    assert rerun.returncode == 0, rerun.stderr
    final = site.django(STATE)
    assert final["articles"] == final["distinct_texts"] == FILES
    assert final["tasks"] == FILES
    assert final["articles_without_a_task"] == 0
    assert final["files"] == names
    killed, second = final["batches"]
    assert (second["state"], second["created_count"], second["skipped_count"]) == (
        "done",
        FILES - 2 * BATCH,
        2 * BATCH,
    )
    # The killed run is not left "running" for ever: the next import marks it interrupted.
    assert killed["state"] == "failed"
    assert killed["error"].startswith("Interrupted: the import stopped without finishing")
