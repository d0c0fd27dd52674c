"""The import service: what gets stored, skipped, marked and rejected, and in how many queries."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from annotate.importers.base import Rejection
from annotate.importers.fingerprint import hamming, simhash
from annotate.models import Article, ImportBatch, ImportRejection, Project, Source, Task
from annotate.services import imports
from annotate.services.imports import ImportInput, import_inputs_from_paths, import_run

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def run(project: Project, *paths: Path | str, **options: object) -> ImportBatch:
    return import_run(project=project, inputs=import_inputs_from_paths(paths), **options)


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_it_imports_every_seed_as_an_article_with_one_task(project: Project) -> None:
    batch = run(project, SEEDS)

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert batch.finished_at is not None
    assert (batch.file_count, batch.created_count, batch.skipped_count) == (5, 5, 0)
    assert (batch.rejected_count, batch.near_duplicate_count) == (0, 0)
    assert batch.paths == [str(p) for p in seed_paths()]
    assert Article.objects.filter(project=project, import_batch=batch).count() == 5
    assert list(Task.objects.values_list("required_overlap", flat=True)) == [2] * 5
    assert set(Article.objects.values_list("source_file", flat=True)) == {
        str(p) for p in seed_paths()
    }


def test_it_skips_everything_on_a_second_run(project: Project) -> None:
    run(project, SEEDS)

    again = run(project, SEEDS)

    assert (again.created_count, again.skipped_count, again.rejected_count) == (0, 5, 0)
    assert Article.objects.count() == 5
    assert Task.objects.count() == 5


def test_it_skips_a_seed_text_that_comes_back_as_jsonl(project: Project, tmp_path: Path) -> None:
    run(project, SEEDS)
    stored = Article.objects.order_by("id").first()
    assert stored is not None
    jsonl = write_jsonl(tmp_path / "again.jsonl", [{"text": stored.text, "title": "Other title"}])

    batch = run(project, jsonl)

    assert (batch.created_count, batch.skipped_count) == (0, 1)
    assert Article.objects.count() == 5


def test_it_skips_the_same_text_twice_in_one_run(project: Project, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Первый текст."}, {"text": "Первый текст."}])
    write_jsonl(tmp_path / "b.jsonl", [{"text": "Первый текст."}, {"text": "Второй текст."}])

    batch = run(project, tmp_path)

    assert (batch.created_count, batch.skipped_count) == (2, 2)
    assert Article.objects.count() == 2


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_it_marks_a_republished_story_as_a_near_duplicate(
    project: Project, tmp_path: Path, settings: Settings, batch_size: int
) -> None:
    settings.CROSSCHECK_IMPORT_BATCH_SIZE = batch_size
    original = seed_paths()[4].read_text("utf-8")
    # Republished with one punctuation fix: another text, the same words.
    republished = original.replace("،", "؛", 1)
    assert republished != original
    assert hamming(simhash(original), simhash(republished)) <= 3
    write_jsonl(tmp_path / "a.jsonl", [{"text": original}])
    write_jsonl(tmp_path / "b.jsonl", [{"text": republished}])

    batch = run(project, tmp_path / "a.jsonl", tmp_path / "b.jsonl")

    first, second = Article.objects.filter(import_batch=batch).order_by("id")
    assert (batch.created_count, batch.near_duplicate_count) == (2, 1)
    assert first.near_duplicate_of is None
    assert second.near_duplicate_of == first


def test_it_marks_a_near_duplicate_of_an_earlier_import(project: Project, tmp_path: Path) -> None:
    run(project, SEEDS)
    original = Article.objects.get(source_file=str(seed_paths()[1]))
    republished = original.text.replace(",", ";", 1)
    jsonl = write_jsonl(tmp_path / "re.jsonl", [{"text": republished}])

    batch = run(project, jsonl)

    article = Article.objects.get(import_batch=batch)
    assert batch.near_duplicate_count == 1
    assert article.near_duplicate_of == original
    assert Task.objects.filter(article=article).exists()


def test_it_does_not_mark_different_stories(project: Project) -> None:
    batch = run(project, SEEDS)

    assert batch.near_duplicate_count == 0
    assert not Article.objects.filter(near_duplicate_of__isnull=False).exists()


def test_a_dry_run_counts_but_stores_nothing(project: Project, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    shutil.copy(seed_paths()[0], tmp_path / "seed.txt")

    batch = run(project, tmp_path, dry_run=True)

    batch.refresh_from_db()
    assert batch.dry_run
    assert (batch.created_count, batch.rejected_count, batch.file_count) == (1, 1, 2)
    assert Article.objects.count() == 0
    assert Task.objects.count() == 0
    assert Source.objects.count() == 0
    assert batch.rejections.get().file == str(tmp_path / "empty.txt")


def test_a_dry_run_counts_repeats_across_batches_as_skipped(
    project: Project, tmp_path: Path, settings: Settings
) -> None:
    settings.CROSSCHECK_IMPORT_BATCH_SIZE = 1
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Один текст."}])
    write_jsonl(tmp_path / "b.jsonl", [{"text": "Один текст."}])

    batch = run(project, tmp_path, dry_run=True)

    assert (batch.created_count, batch.skipped_count) == (1, 1)


def test_it_uses_the_given_overlap_and_source(project: Project, tmp_path: Path) -> None:
    batch = run(project, seed_paths()[0], overlap=3, source_name="TASS")

    article = Article.objects.get(import_batch=batch)
    assert batch.overlap == 3
    assert article.task.required_overlap == 3
    assert article.source is not None
    assert article.source.name == "TASS"


def test_it_reuses_a_source_that_already_exists(project: Project, tmp_path: Path) -> None:
    existing = Source.objects.create(name="Interfax", domain="interfax.ru")
    write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"text": "Текст один.", "source": "Interfax"},
            {"text": "Текст два.", "source": "Interfax"},
        ],
    )

    run(project, tmp_path)

    assert Source.objects.count() == 1
    assert set(Article.objects.values_list("source", flat=True)) == {existing.pk}


def test_one_bad_line_keeps_the_whole_file_out(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Хороший текст."}\n{"text": "Ещё один."}\nnot json\n', "utf-8")

    batch = run(project, path)

    rejection = ImportRejection.objects.get(batch=batch)
    assert (batch.created_count, batch.rejected_count) == (0, 1)
    assert (rejection.file, rejection.line) == (str(path), 3)
    assert Article.objects.count() == 0


def test_a_folder_imports_its_good_files_and_records_the_bad_ones(
    project: Project, tmp_path: Path
) -> None:
    shutil.copy(seed_paths()[0], tmp_path / "a.txt")
    (tmp_path / "b.jsonl").write_text('{"title": "no text"}\n', "utf-8")
    (tmp_path / "sub").mkdir()
    shutil.copy(seed_paths()[1], tmp_path / "sub" / "c.txt")

    batch = run(project, tmp_path)

    assert (batch.file_count, batch.created_count, batch.rejected_count) == (3, 2, 1)
    rejection = batch.rejections.get()
    assert (rejection.file, rejection.line) == (str(tmp_path / "b.jsonl"), 1)


def test_it_rejects_a_file_over_the_limit_without_reading_it(
    project: Project, settings: Settings
) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = 100
    opened: list[str] = []

    def never_opened() -> object:
        opened.append("x")
        raise AssertionError("a file over the limit must not be opened")

    big = ImportInput(name="big.txt", size=101, open=never_opened)  # type: ignore[arg-type]
    batch = import_run(project=project, inputs=[big])

    assert batch.rejected_count == 1
    assert "over the import limit of 100 bytes" in batch.rejections.get().reason
    assert opened == []


def test_it_lists_folders_recursively_sorted_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/2.txt", "b/1.txt", "a.txt", ".hidden.txt", ".git/x.txt"]:
        (tmp_path / name).write_text("x", "utf-8")

    names = [i.name for i in import_inputs_from_paths([tmp_path]) if isinstance(i, ImportInput)]

    assert names == [str(tmp_path / n) for n in ["a.txt", "b/1.txt", "b/2.txt"]]


def test_it_turns_a_missing_path_into_a_rejection(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"

    items = list(import_inputs_from_paths([missing]))

    assert items == [Rejection(file=str(missing), reason="no such file or folder")]


def test_a_crash_leaves_the_batch_failed_with_whole_files_committed(
    project: Project, settings: Settings
) -> None:
    settings.CROSSCHECK_IMPORT_BATCH_SIZE = 1

    def inputs() -> Iterator[ImportInput | Rejection]:
        items = import_inputs_from_paths(seed_paths())
        yield next(items)
        yield next(items)
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError, match="the disk went away"):
        import_run(project=project, inputs=inputs())

    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.error == "RuntimeError: the disk went away"
    assert batch.finished_at is not None
    assert batch.created_count == 2
    assert Article.objects.count() == Task.objects.count() == 2


def test_it_redoes_a_batch_file_by_file_when_another_import_stored_a_text_first(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, seed_paths()[0])
    for seed in seed_paths()[:3]:
        shutil.copy(seed, tmp_path / seed.name)
    # A concurrent import commits seed 000 between our lookup and our insert: the first
    # lookup does not see it, so the real unique constraint fires on the batch insert.
    real_lookup = imports._existing_hashes
    calls: list[int] = []

    def lookup_that_misses_once(project: Project, hashes: set[str]) -> set[str]:
        calls.append(1)
        return set() if len(calls) == 1 else real_lookup(project, hashes)

    monkeypatch.setattr(imports, "_existing_hashes", lookup_that_misses_once)

    batch = run(project, tmp_path)

    assert batch.state == ImportBatch.State.DONE
    assert (batch.created_count, batch.skipped_count, batch.rejected_count) == (2, 1, 0)
    assert Article.objects.count() == Task.objects.count() == 3
    assert len(calls) == 4


def test_it_stores_a_batch_in_a_few_queries_whatever_its_size(
    project: Project, tmp_path: Path
) -> None:
    def import_lines(count: int, tag: str) -> int:
        path = write_jsonl(
            tmp_path / f"{tag}.jsonl",
            [{"text": f"Статья {tag} номер {i}.", "source": "Interfax"} for i in range(count)],
        )
        with CaptureQueriesContext(connection) as queries:
            run(project, path)
        return len(queries)

    Source.objects.create(name="Interfax")

    small, large, larger = (
        import_lines(3, "small"),
        import_lines(25, "large"),
        import_lines(120, "l"),
    )
    # No query per row: the rows of a batch go in as statements of a power of two rows each
    # (3 = 2 + 1, 25 = 16 + 8 + 1, 120 = 64 + 32 + 16 + 8), for articles and for tasks.
    assert large == small + 2 * (3 - 2)
    assert larger == small + 2 * (4 - 2)
    assert Article.objects.count() == 148


def test_it_imports_csv_and_label_studio_files_keeping_their_annotations(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text(
        'text,title,source\n"Первая статья.",Первая,Interfax\n"Вторая статья.",Вторая,Interfax\n',
        "utf-8",
    )
    result = [{"from_name": "label", "to_name": "text", "type": "labels", "value": {}}]
    tasks = [{"id": 7, "data": {"text": "Третья статья."}, "annotations": [{"result": result}]}]
    (tmp_path / "b.json").write_text(json.dumps(tasks), "utf-8")

    batch = run(project, tmp_path)

    assert (batch.created_count, batch.rejected_count) == (3, 0)
    assert list(Article.objects.values_list("title", flat=True)[:2]) == ["Первая", "Вторая"]
    from_label_studio = Article.objects.get(source_file=str(tmp_path / "b.json"))
    assert from_label_studio.metadata["label_studio"]["annotations"] == [{"result": result}]


def test_batches_of_every_size_compile_a_few_statement_shapes_not_one_each(
    project: Project, tmp_path: Path, settings: Settings
) -> None:
    # The driver keeps every distinct statement compiled (sqlite3: up to 128, hundreds of KB
    # each): a new lookup or insert text per batch made a long import's memory grow.
    settings.CROSSCHECK_IMPORT_BATCH_SIZE = 5
    for n in range(1, 41):  # batches of 5 to 11 articles, every length on the way
        records = [
            {"text": f"Статья {n}-{i}: министры встретились в Москве."} for i in range(n % 7 + 1)
        ]
        write_jsonl(tmp_path / f"{n:03d}.jsonl", records)

    sent: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)  # the statement's text as the driver gets it, without its values
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        batch = run(project, tmp_path)

    assert batch.created_count == sum(n % 7 + 1 for n in range(1, 41))
    texts = set(sent)
    lookups = {t for t in texts if t.startswith('SELECT "id", "project_id", "simhash"')}
    hashes = {t for t in texts if t.startswith('SELECT "project_id", "content_hash"')}
    inserts = {t for t in texts if t.startswith('INSERT INTO "annotate_article"')}
    assert batch.file_count == 40
    assert len(sent) > 100
    # Padded to powers of two (5 to 11 values: 8 or 16) and split into powers of two.
    assert (len(lookups), len(hashes)) == (2, 2)
    assert len(inserts) <= 4


def test_texts_go_in_as_utf8_and_come_back_as_the_same_text(
    project: Project, tmp_path: Path
) -> None:
    # The parser hands raw text, text and metadata over as UTF-8 bytes; SQLite stores them
    # without decoding (a BLOB cast to TEXT), PostgreSQL gets them decoded. Either way the
    # columns hold text, equal to what was parsed, astral characters and all.
    body = "Министр 🇸🇾 встретился с مرهف أبو قصرة 𝔸.\n\nВторой абзац — «цитата»."
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": body, "title": "Т"}])

    batch = run(project, path)

    assert batch.created_count == 1
    article = Article.objects.get()
    assert article.raw_text == body
    assert article.text == body
    assert article.metadata["paragraphs"][1]["start"] == body.index("Второй")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT typeof(raw_text), typeof(text), typeof(metadata), length(text) "
                "FROM annotate_article"
            )
            assert cursor.fetchone() == ("text", "text", "text", len(body))
        cursor.execute(
            "SELECT id FROM annotate_article WHERE text LIKE %s", ["%" + "أبو قصرة" + "%"]
        )
        assert cursor.fetchone() == (article.pk,)


def test_a_label_studio_export_with_an_integer_past_64_bits_keeps_it(
    project: Project, tmp_path: Path
) -> None:
    # orjson encodes the metadata and refuses integers past 64 bits; json takes over there.
    huge = 2**70 + 1
    tasks = [{"data": {"text": "Статья."}, "annotations": [{"id": huge, "result": []}]}]
    (tmp_path / "a.json").write_text(json.dumps(tasks), "utf-8")

    batch = run(project, tmp_path)

    assert (batch.created_count, batch.rejected_count) == (1, 0)
    annotations = Article.objects.get().metadata["label_studio"]["annotations"]
    assert annotations == [{"id": huge, "result": []}]


def test_it_reads_a_file_whole_when_each_read_returns_only_part_of_it(project: Project) -> None:
    # Files are read unbuffered, in one call where the system allows; a pipe (like some
    # network file systems) hands over at most 64 KB a call, and the rest must follow.
    body = "\n\n".join(f"Абзац {i}: министры обороны встретились в Москве." for i in range(4000))
    data = body.encode("utf-8")
    assert len(data) > 4 * 65536
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_end, data), os.close(write_end)))
    writer.start()
    piped = ImportInput(
        name="piped.txt", size=len(data), open=lambda: os.fdopen(read_end, "rb", buffering=0)
    )

    batch = import_run(project=project, inputs=[piped])
    writer.join()

    assert (batch.created_count, batch.rejected_count) == (1, 0)
    assert Article.objects.get().raw_text == body


def test_it_reads_past_the_size_it_was_told_when_the_file_grew(
    project: Project, tmp_path: Path, settings: Settings
) -> None:
    settings.CROSSCHECK_IMPORT_MAX_BYTES = 10_000
    path = tmp_path / "growing.txt"
    path.write_text("Первый абзац.\n\nВторой абзац, дописанный позже.", "utf-8")
    told = len("Первый абзац.".encode())  # the size a listing saw before the file grew

    grown = ImportInput(name=str(path), size=told, open=imports._opener(str(path)))
    batch = import_run(project=project, inputs=[grown])

    assert batch.created_count == 1
    assert Article.objects.get().text.endswith("дописанный позже.")
    path.write_bytes(b"x" * 10_001)  # and past the limit: rejected, not cut short
    again = import_run(project=project, inputs=[ImportInput(str(path), 5, grown.open)])
    assert "over the import limit of 10,000 bytes" in again.rejections.get().reason
