"""The import readers and the import service fuzzed with Hypothesis.

Inputs: random bytes, random text, and real content (the seeds, and JSONL, CSV and Label
Studio files made from them) truncated, spliced and mutated. The property, for the reader
(`read_file`) and for the service (`import_run`, the same path as the CLI, the upload page
and the API): a file is either imported or rejected cleanly with a Rejection that names the
file and gives a reason (and a line where it has one); never an unhandled exception; and a
rejected file leaves no Article or Task row behind.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from annotate.importers.base import ParsedArticle, Rejection
from annotate.importers.outlets import domain_of
from annotate.importers.read import read_file
from annotate.models import Article, ImportBatch, ImportRejection, Project, Task
from annotate.services.imports import ImportInput, import_run

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SEED_TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
NAMES = [
    "upload.txt",
    "upload.jsonl",
    "upload.csv",
    "upload.tsv",
    "upload.json",
    "upload",
    "UPLOAD.NDJSON",
]
# Mostly detected from the name, as users import; sometimes forced to any format.
FORMATS = st.sampled_from(["auto", "auto", "auto", "seed", "jsonl", "csv", "label-studio"])


def _short(text: str, n: int = 600) -> str:
    """A cut of a seed (the fuzzing is about structure; whole seeds make it slow)."""
    return text[:n]


def _records() -> list[dict[str, Any]]:
    return [
        {
            "text": _short(text),
            "title": f"Seed {i}",
            "url": f"https://news.example.org/{i}",
            "source": "TASS" if i % 2 else "SANA",
            "published": "2025-10-28",
            "language": "ru" if i % 2 else "ar",
            "id": i,
        }
        for i, text in enumerate(SEED_TEXTS)
    ]


def _jsonl_bytes() -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()).encode()


def _csv_bytes(delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_records()[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(_records())
    return out.getvalue().encode()


def _label_studio_bytes() -> bytes:
    tasks = [
        {
            "id": 100 + i,
            "data": {k: v for k, v in r.items() if k != "id"},
            "annotations": [],
            "predictions": [{"result": [], "model_version": "fuzz"}],
        }
        for i, r in enumerate(_records())
    ]
    return json.dumps(tasks, ensure_ascii=False, indent=1).encode()


# Real files of every format, with the name that selects the format.
REAL: list[tuple[str, bytes]] = [
    *((f"seed_{i}.txt", _short(t, 1500).encode()) for i, t in enumerate(SEED_TEXTS)),
    ("seeds.jsonl", _jsonl_bytes()),
    ("seeds.csv", _csv_bytes()),
    ("seeds.tsv", _csv_bytes("\t")),
    ("seeds.json", _label_studio_bytes()),
]

# Bytes that mean something to one of the parsers.
TOKENS = [
    b"\n", b"\r\n", b"\r", b"\x00", b"\xff", b"\xef\xbb\xbf", b'"', b",", b"\t", b";", b"{",
    b"}", b"[", b"]", b":", b'"text"', b'"data"', b"null", b"true", b"1e999", b"-0", b"NaN",
    b"9" * 5000, b"[" * 3000, b"date 2025-10-28 ", b"date 9999-99-99", b"https://", b"\\u0000",
    b"\\ud800", "\u2028".encode(), "\u0085".encode(), b"text\n", b"text,title\n", b"\xd0",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real file, cut and changed a few times; sometimes renamed to another format."""
    name, data = draw(st.sampled_from(REAL))
    buffer = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(buffer)))
        action = draw(st.sampled_from(["truncate", "delete", "insert", "flip", "token"]))
        if action == "truncate":
            del buffer[where:]
        elif action == "delete":
            del buffer[where : where + draw(st.integers(1, 64))]
        elif action == "insert":
            buffer[where:where] = draw(st.binary(min_size=1, max_size=16))
        elif action == "flip" and where < len(buffer):
            buffer[where] ^= 1 << draw(st.integers(0, 7))
        else:
            buffer[where:where] = draw(st.sampled_from(TOKENS))
    if draw(st.booleans()):
        name = draw(st.sampled_from(NAMES))
    return name, bytes(buffer)


files = st.one_of(
    mutated(),
    st.tuples(st.sampled_from(NAMES), st.binary(max_size=300)),
    st.tuples(st.sampled_from(NAMES), st.text(max_size=300).map(lambda t: t.encode())),
    st.tuples(
        st.sampled_from(NAMES),
        st.lists(st.sampled_from(TOKENS), max_size=12).map(b"".join),
    ),
    # JSON values of any shape, as a Label Studio file or as one JSONL line.
    st.tuples(
        st.sampled_from(["fuzz.json", "fuzz.jsonl"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(["text", "data", "id", "url", "title"]), inner)
            ),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)


def read_or_reject(name: str, data: bytes, fmt: str) -> list[ParsedArticle] | Rejection:
    try:
        articles = read_file(name, data, fmt=fmt)
    except Rejection as rejection:
        return rejection
    return articles


def assert_clean_rejection(rejection: Rejection, name: str) -> None:
    assert rejection.file == name
    assert rejection.reason.strip()
    assert rejection.line is None or rejection.line >= 1
    assert name in str(rejection)


@settings(max_examples=400, deadline=None)
@given(file=files, fmt=FORMATS)
@example(file=("deep.json", b"[" * 100_000), fmt="auto")
@example(file=("deep.jsonl", b'{"text": ' + b"[" * 100_000), fmt="auto")
@example(file=("big.jsonl", b'{"text": "x", "id": ' + b"9" * 5000 + b"}"), fmt="auto")
@example(file=("big.json", b'[{"data": {"text": "x", "id": ' + b"9" * 5000 + b"}}]"), fmt="auto")
def test_the_reader_returns_articles_or_a_rejection_naming_the_file(
    file: tuple[str, bytes], fmt: str
) -> None:
    name, data = file

    outcome = read_or_reject(name, data, fmt)

    event("rejected" if isinstance(outcome, Rejection) else "read")
    if isinstance(outcome, Rejection):
        assert_clean_rejection(outcome, name)
    else:
        assert outcome, "an accepted file has articles"
        for article in outcome:
            assert article.text.strip()
            assert article.file == name


def test_the_real_files_the_fuzzing_starts_from_are_read_whole() -> None:
    # Otherwise every mutation would be a mutation of a file that is rejected anyway.
    for name, data in REAL:
        articles = read_file(name, data)
        assert len(articles) == (1 if name.endswith(".txt") else len(SEED_TEXTS)), name


class Counts:
    def __init__(self) -> None:
        self.articles = Article.objects.count()
        self.tasks = Task.objects.count()


@pytest.fixture
def quiet_import(settings: Settings) -> None:
    # Suggestions run after the import has committed (and have their own tests); off here
    # so the examples stay fast. The parse, the checks and the writes are all real.
    settings.CROSSCHECK_SUGGEST_ON_IMPORT = False


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=files, fmt=FORMATS)
@example(file=("deep.json", b"[" * 100_000), fmt="auto")
@example(file=("big.jsonl", b'{"text": "x", "id": ' + b"9" * 5000 + b"}"), fmt="auto")
def test_the_import_stores_a_file_whole_or_rejects_it_and_stores_nothing(
    project: Project, quiet_import: None, file: tuple[str, bytes], fmt: str
) -> None:
    name, data = file
    before = Counts()

    batch = import_run(
        project=project,
        inputs=[ImportInput(name=name, size=len(data), open=lambda: io.BytesIO(data))],
        fmt=fmt,
    )

    batch.refresh_from_db()
    after = Counts()
    assert batch.state == ImportBatch.State.DONE
    rejections = list(ImportRejection.objects.filter(batch=batch))
    stored = Article.objects.filter(import_batch=batch)
    event("rejected" if rejections else "imported")
    if rejections:
        (rejection,) = rejections
        assert_clean_rejection(
            Rejection(rejection.file, rejection.reason, rejection.line, rejection.field), name
        )
        assert batch.rejected_count == 1
        assert (after.articles, after.tasks) == (before.articles, before.tasks)
        assert not stored.exists()
    else:
        parsed = read_file(name, data, fmt=fmt)
        assert batch.created_count + batch.skipped_count == len(parsed)
        assert stored.count() == batch.created_count
        assert after.articles - before.articles == batch.created_count
        assert after.tasks - before.tasks == batch.created_count
        assert Task.objects.filter(article__import_batch=batch).count() == batch.created_count


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bad=mutated())
def test_a_bad_file_beside_a_good_one_does_not_stop_or_stain_the_good_one(
    project: Project, quiet_import: None, bad: tuple[str, bytes]
) -> None:
    good_name, good = "good.jsonl", json.dumps({"text": "A good article, distinct."}).encode()
    good = good.replace(b"distinct", str(Article.objects.count()).encode())
    name, data = bad
    before = Counts()

    batch = import_run(
        project=project,
        inputs=[
            ImportInput(name=name, size=len(data), open=lambda: io.BytesIO(data)),
            ImportInput(name=good_name, size=len(good), open=lambda: io.BytesIO(good)),
        ],
    )

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    files = set(Article.objects.filter(import_batch=batch).values_list("source_file", flat=True))
    rejected = set(ImportRejection.objects.filter(batch=batch).values_list("file", flat=True))
    assert good_name in files
    assert good_name not in rejected
    event("bad file rejected" if name in rejected else "bad file imported")
    if name in rejected:
        assert files == {good_name}
        assert Article.objects.count() - before.articles == 1
        assert Task.objects.count() - before.tasks == 1


# Found by the fuzzing above; each crashed the reader (and so the whole import run).


def test_json_nested_deeper_than_the_parser_goes_is_rejected_not_a_crash() -> None:
    with pytest.raises(Rejection) as caught:
        read_file("deep.json", b"[" * 100_000)

    assert caught.value.reason == "JSON nested too deeply to read"
    assert caught.value.file == "deep.json"


def test_a_jsonl_line_with_an_integer_too_long_to_convert_is_rejected_with_its_line() -> None:
    data = b'{"text": "first"}\n{"text": "second", "id": ' + b"9" * 5000 + b"}\n"

    with pytest.raises(Rejection) as caught:
        read_file("big.jsonl", data)

    assert caught.value.line == 2
    assert "4300 digits" in caught.value.reason


def test_an_import_with_a_too_deep_label_studio_file_rejects_it_and_keeps_the_others(
    project: Project, quiet_import: None
) -> None:
    deep, good = b"[" * 100_000, json.dumps({"text": "One good article."}).encode()

    batch = import_run(
        project=project,
        inputs=[
            ImportInput(name="deep.json", size=len(deep), open=lambda: io.BytesIO(deep)),
            ImportInput(name="good.jsonl", size=len(good), open=lambda: io.BytesIO(good)),
        ],
    )

    batch.refresh_from_db()
    assert (batch.state, batch.created_count, batch.rejected_count) == (
        ImportBatch.State.DONE,
        1,
        1,
    )
    assert ImportRejection.objects.get(batch=batch).file == "deep.json"


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("lone.jsonl", b'{"text": "first"}\n{"text": "broken \\ud800 here"}\n', 2),
        ("lone-title.jsonl", b'{"text": "fine", "title": "\\uDC00"}\n', 1),
        ("lone.json", b'[{"data": {"text": "broken \\udbff"}}]', None),
    ],
)
def test_an_unpaired_surrogate_escape_in_json_is_rejected_with_its_line(
    name: str, data: bytes, line: int | None
) -> None:
    with pytest.raises(Rejection) as caught:
        read_file(name, data)

    assert (caught.value.file, caught.value.line) == (name, line)
    assert "unpaired surrogate escape" in caught.value.reason


def test_a_surrogate_pair_escape_in_json_is_one_character_and_imports(
    project: Project, quiet_import: None
) -> None:
    data = b'{"text": "Smile \\ud83d\\ude00 please, an article."}\n'

    batch = import_run(
        project=project,
        inputs=[ImportInput(name="pair.jsonl", size=len(data), open=lambda: io.BytesIO(data))],
    )

    assert (batch.created_count, batch.rejected_count) == (1, 0)
    assert Article.objects.get(import_batch=batch).text == "Smile \U0001f600 please, an article."


_URL_PARTS = st.sampled_from(
    ["http://", "https://", "HTTPS://", "ftp://", "www.", "Example", "ria", ".ru", ".COM", "-",
     ":8080", ":", "/", "?q=1", "#top", "@", "user:pw@", "[::1]", "%41", "\u0440\u0444", "\n",
     "\t", " ", "_", "1"]
)  # fmt: skip


@given(st.lists(_URL_PARTS, max_size=8).map("".join))
@example("https://www.RIA.ru/20251028/syria.html")
@example("http://user@evil.example@ria.ru/")
@example("http://user:pw@")
@example("https://ria.ru:8080/a")
@example("https://ria.ru\n")
def test_the_domain_of_a_url_is_urlsplits_host_without_www(url: str) -> None:
    # domain_of takes a regex shortcut for plain hosts; it must agree with urlsplit.
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError as refused:  # urlsplit refuses some (an unclosed "[" host): so must we
        with pytest.raises(ValueError, match=str(refused)):
            domain_of(url)
        return
    assert domain_of(url) == (host[4:] if host.startswith("www.") else host)
