"""JSONL, CSV and Label Studio readers, format detection, and every rejection they give."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.importers.base import Rejection
from annotate.importers.read import detect_format, read_file

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
RU = "Министр обороны России Андрей Белоусов провел встречу с сирийским коллегой."
AR = "عقد وزير الدفاع الروسي أندريه بيلاوسوف لقاءً مع نظيره السوري مرهف أبو قصرة في موسكو."


def jsonl(*records: object) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


def test_it_reads_jsonl_with_optional_fields() -> None:
    data = jsonl(
        {
            "text": RU,
            "title": "Встреча",
            "url": "https://tass.ru/1",
            "source": "ТАСС",
            "published": "2025-10-28",
            "language": "ru",
            "id": 7,
        },
        {"text": AR},
    )
    first, second = read_file("batch.jsonl", data)
    assert (first.title, first.url, first.external_id) == ("Встреча", "https://tass.ru/1", "7")
    assert first.published_on == dt.date(2025, 10, 28)
    assert (first.outlet, first.outlet_kind) == ("TASS", "agency")
    assert first.line == 1
    assert second.line == 2
    assert second.languages == ["ar"]
    assert second.published_on is None


def test_it_reads_csv_with_pandas_and_numbers_rows_from_the_header() -> None:
    data = f'text,title,source\n"{RU}",Встреча,РИА Новости\n"{AR}",,\n'.encode()
    first, second = read_file("batch.csv", data)
    assert first.text == RU
    assert first.outlet == "RIA Novosti"
    assert (first.line, second.line) == (2, 3)
    assert second.title == ""


def test_it_reads_label_studio_tasks_and_keeps_their_annotations() -> None:
    tasks = [
        {
            "id": 11,
            "data": {"text": AR, "title": "لقاء"},
            "annotations": [{"result": [{"value": {"start": 0, "end": 3}}]}],
            "predictions": [],
        },
        {"data": {"text": RU}},
    ]
    first, second = read_file("export.json", json.dumps(tasks, ensure_ascii=False).encode())
    assert first.title == "لقاء"
    assert first.external_id == "11"
    assert first.label_studio is not None
    assert len(first.label_studio["annotations"]) == 1
    assert second.label_studio == {"id": None, "annotations": [], "predictions": []}


def test_it_gives_one_normalised_text_whatever_the_format() -> None:
    seed = (SEEDS / "002_60dedeba1ea355cf.txt").read_bytes()
    [from_seed] = read_file("002.txt", seed)
    [from_jsonl] = read_file("x.jsonl", jsonl({"text": seed.decode()}))
    [from_ls] = read_file("x.json", json.dumps([{"data": {"text": seed.decode()}}]).encode())
    assert from_seed.text == from_jsonl.text == from_ls.text


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b" date 2025", "seed"),
        ("a.JSONL", b"{}", "jsonl"),
        ("a.ndjson", b"{}", "jsonl"),
        ("a.csv", b"text", "csv"),
        ("a.tsv", b"text", "csv"),
        ("a.json", b"[]", "label-studio"),
        ("noext", b"  [{", "label-studio"),
        ("noext", b'{"text"', "jsonl"),
        ("noext", "Министр".encode(), "seed"),
    ],
)
def test_it_detects_the_format_from_the_name_then_the_content(
    name: str, head: bytes, expected: str
) -> None:
    assert detect_format(name, head) == expected


def rejection(name: str, data: bytes, fmt: str = "auto") -> Rejection:
    with pytest.raises(Rejection) as caught:
        read_file(name, data, fmt=fmt)
    return caught.value


def test_it_rejects_a_binary_file() -> None:
    r = rejection("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert r.file == "photo.txt"
    assert "binary" in r.reason


def test_it_rejects_invalid_utf8_naming_the_line() -> None:
    r = rejection("cp1251.txt", "строка один\n".encode() + "строка два".encode("cp1251"))
    assert "not valid UTF-8" in r.reason
    assert r.line == 2


def test_it_rejects_an_empty_file() -> None:
    assert rejection("empty.txt", b"  \n\n ").reason == "empty file"


def test_it_rejects_a_file_that_is_only_metadata() -> None:
    r = rejection("junk.txt", b"Loading...\n2025-10-28T16:32+0000\nhttps://x.org/a.jpg\n")
    assert "no article text" in r.reason


def test_it_rejects_a_jsonl_line_that_is_not_json() -> None:
    r = rejection("batch.jsonl", jsonl({"text": RU}) + b'\n{"text": "broken"\n')
    assert (r.file, r.line) == ("batch.jsonl", 2)
    assert "not valid JSON" in r.reason


def test_it_rejects_a_jsonl_line_without_text() -> None:
    r = rejection("batch.jsonl", jsonl({"text": RU}, {"title": "no body"}))
    assert (r.line, r.field) == (2, "text")
    assert "'text' field is missing" in r.reason


def test_it_rejects_a_jsonl_line_that_is_not_an_object() -> None:
    assert rejection("batch.jsonl", b'["text"]\n').line == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "must start with http"),
        ("published", "28 octobre", "is not a date"),
        ("title", {"nested": True}, "must be a string"),
        ("title", "x" * 1001, "longer than 1000"),
    ],
)
def test_it_rejects_bad_optional_fields_naming_the_field(
    field: str, value: object, message: str
) -> None:
    r = rejection("batch.jsonl", jsonl({"text": RU, field: value}))
    assert (r.line, r.field) == (1, field)
    assert message in r.reason


def test_it_rejects_a_csv_without_a_text_column() -> None:
    r = rejection("batch.csv", b"body,title\nhello,world\n")
    assert r.field == "text"
    assert "no 'text' column" in r.reason


def test_it_says_when_a_csv_uses_another_delimiter_instead_of_guessing() -> None:
    r = rejection("batch.csv", "text;title\nПривет;мир\n".encode())
    assert "separated by semicolons" in r.reason


def test_it_rejects_a_csv_with_a_ragged_row() -> None:
    r = rejection("batch.csv", b'text,title\n"a",b\n"c",d,e,f\n')
    assert "could not be read" in r.reason


def test_it_rejects_a_csv_row_with_empty_text_naming_the_row() -> None:
    r = rejection("batch.csv", f'text,title\n"{RU}",a\n,b\n'.encode())
    assert (r.line, r.field) == (3, "text")


def test_it_rejects_label_studio_tasks_without_data_text() -> None:
    r = rejection(
        "export.json", json.dumps([{"data": {"text": RU}}, {"data": {"body": "x"}}]).encode()
    )
    assert r.field == "data.text"
    assert r.reason.startswith("task 2:")


def test_it_rejects_label_studio_json_that_is_not_a_list_of_tasks() -> None:
    assert "list of tasks" in rejection("export.json", b'"just a string"').reason
    assert "expected an object" in rejection("export.json", b"[1, 2]").reason


def test_it_rejects_an_unknown_format() -> None:
    assert "unknown format" in rejection("a.txt", b"text", fmt="xml").reason


@settings(max_examples=150, deadline=None)
@given(
    data=st.binary(max_size=400),
    fmt=st.sampled_from(["auto", "seed", "jsonl", "csv", "label-studio"]),
)
def test_it_either_reads_or_rejects_random_bytes(data: bytes, fmt: str) -> None:
    outcome: list[object] | Rejection
    try:
        outcome = list(read_file("fuzz.bin", data, fmt=fmt))
    except Rejection as r:
        outcome = r
    if isinstance(outcome, Rejection):
        assert (outcome.file, bool(outcome.reason)) == ("fuzz.bin", True)
    else:
        assert all(a.text for a in outcome)  # type: ignore[attr-defined]


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_it_normalises_any_text_to_a_fixed_point(text: str) -> None:
    try:
        [article] = read_file("fuzz.txt", text.encode("utf-8", "surrogatepass"), fmt="seed")
    except (Rejection, UnicodeEncodeError):
        return
    [again] = read_file("again.txt", article.text.encode(), fmt="seed")
    assert again.text == article.text
