"""`manage.py import_articles`: summary, rejections named by file and line, exit status."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from annotate.models import Article, ImportBatch, Project, Task

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def import_articles(*args: str) -> str:
    out = io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_rejected(*args: str) -> str:
    """Run a command that must reject something; return what it printed."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_the_seeds_and_prints_a_summary(db: None) -> None:
    output = import_articles(str(SEEDS))

    batch = ImportBatch.objects.get()
    assert output == (
        "Imported 5 files: 5 created, 0 skipped as already imported, 0 rejected, "
        f"0 near-duplicates (batch #{batch.pk})\n"
    )
    assert Article.objects.count() == 5
    assert list(Task.objects.values_list("required_overlap", flat=True)) == [2] * 5
    assert batch.project.slug == "default"
    assert batch.origin == "cli"


def test_a_second_run_skips_everything(db: None) -> None:
    import_articles(str(SEEDS))

    output = import_articles(str(SEEDS))

    assert output.startswith("Imported 5 files: 0 created, 5 skipped as already imported,")
    assert Article.objects.count() == 5


def test_a_dry_run_says_so_and_stores_nothing(db: None) -> None:
    output = import_articles(str(SEEDS), "--dry-run")

    assert output.startswith("Dry run of 5 files, nothing stored: 5 new, 0 already imported,")
    assert Article.objects.count() == 0
    assert ImportBatch.objects.get().dry_run


def test_it_applies_overlap_and_source(db: None) -> None:
    import_articles(str(SEEDS / "000_058b1d5b5daf920e.txt"), "--overlap", "3", "--source", "TASS")

    article = Article.objects.get()
    assert article.task.required_overlap == 3
    assert article.source is not None
    assert article.source.name == "TASS"


def test_it_imports_into_the_named_project(db: None) -> None:
    other = Project.objects.create(name="Other", slug="other", default_overlap=4)

    import_articles(str(SEEDS / "001_720035ddf12cb8ee.txt"), "--project", "other")

    article = Article.objects.get()
    assert article.project == other
    assert article.task.required_overlap == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overlap", "0"], "--overlap must be between 1 and 20, not 0"),
        (["--overlap", "21"], "--overlap must be between 1 and 20, not 21"),
        (["--format", "xml"], "Unknown format 'xml'"),
        (["--project", "nope"], "No project 'nope'. Known projects: "),
    ],
)
def test_it_refuses_bad_options(project: Project, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        import_articles(str(SEEDS), *args)

    assert not ImportBatch.objects.exists()
    assert Article.objects.count() == 0


# name, content, expected line (None: the whole file), words the reason must contain
BAD_FILES = [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary"),
    ("latin1.txt", "Первая строка\n".encode() + b"Paris caf\xe9 Moscou\n", 2, "not valid UTF-8"),
    ("empty.txt", b"", None, "empty"),
    ("broken.jsonl", b'{"text": "fine"}\n{"text": oops}\n', 2, "not valid JSON"),
    ("notext.jsonl", b'{"text": "fine"}\n{"title": "no body"}\n', 2, "no text"),
    ("notext.csv", b"title,body\nA title,Some body\n", 1, "no 'text' column"),
]


@pytest.mark.parametrize(("name", "content", "line", "reason"), BAD_FILES)
def test_it_rejects_a_bad_file_naming_file_line_and_reason(
    project: Project, tmp_path: Path, name: str, content: bytes, line: int | None, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    output = import_rejected(str(path))

    where = str(path) if line is None else f"{path}:{line}"
    rejected = [row for row in output.splitlines() if row.startswith("REJECTED")]
    assert len(rejected) == 1
    assert rejected[0].startswith(f"REJECTED {where}: ")
    assert reason in rejected[0]
    assert "0 created" in output
    assert Article.objects.count() == 0


def test_it_rejects_a_file_over_the_size_limit(
    project: Project, tmp_path: Path, settings: Settings
) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = 1000
    big = tmp_path / "big.txt"
    shutil.copy(SEEDS / "000_058b1d5b5daf920e.txt", big)

    output = import_rejected(str(big))

    assert f"REJECTED {big}: file is {big.stat().st_size:,} bytes" in output
    assert "over the import limit of 1,000 bytes" in output
    assert Article.objects.count() == 0


def test_it_rejects_a_path_that_does_not_exist(project: Project, tmp_path: Path) -> None:
    missing = tmp_path / "missing-folder"

    output = import_rejected(str(SEEDS / "000_058b1d5b5daf920e.txt"), str(missing))

    assert f"REJECTED {missing}: no such file or folder" in output
    assert output.startswith(
        "Imported 2 files: 1 created, 0 skipped as already imported, 1 rejected"
    )
    assert Article.objects.count() == 1


def test_a_folder_imports_the_good_files_and_exits_non_zero(
    project: Project, tmp_path: Path
) -> None:
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "good.jsonl").write_text(
        json.dumps({"text": "Третий текст из JSONL.", "source": "Interfax"}) + "\n", "utf-8"
    )
    (tmp_path / "nested" / "bad.jsonl").write_text(
        json.dumps({"text": "Этот текст не должен попасть в базу."}) + "\nnot json\n", "utf-8"
    )
    (tmp_path / "empty.txt").write_bytes(b"")

    output = import_rejected(str(tmp_path))

    assert output.splitlines()[0].startswith(
        "Imported 5 files: 3 created, 0 skipped as already imported, 2 rejected"
    )
    assert f"REJECTED {tmp_path / 'nested' / 'bad.jsonl'}:2: " in output
    assert f"REJECTED {tmp_path / 'empty.txt'}: empty file" in output
    assert Article.objects.count() == 3
    assert not Article.objects.filter(text__contains="не должен").exists()
    assert ImportBatch.objects.get().rejections.count() == 2


def test_the_format_option_overrides_the_file_extension(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text('{"text": "Первая."}\n{"text": "Вторая."}\n', "utf-8")

    output = import_articles(str(path), "--format", "jsonl")

    assert output.startswith("Imported 1 file: 2 created,")
    assert ImportBatch.objects.get().format == "jsonl"
