"""Read one file into ParsedArticles, or reject it whole with the file, line and reason.

Formats: the loose seed text format, JSONL, CSV (pandas) and Label Studio task JSON.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from annotate.importers.article import build_article
from annotate.importers.base import ParsedArticle, Rejection
from annotate.importers.fingerprint import content_hash, simhash  # re-exported for callers

__all__ = ["FORMATS", "content_hash", "detect_format", "read_file", "simhash"]

FORMATS = ("auto", "seed", "jsonl", "csv", "label-studio")
EXTENSIONS = {
    ".txt": "seed",
    ".text": "seed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "label-studio",
}
OPTIONAL_FIELDS = ("title", "url", "source", "published", "language", "id")
MAX_FIELD = {"title": 1000, "url": 2000, "source": 200, "id": 200, "language": 20}


def detect_format(name: str, data: bytes) -> str:
    lower = name.lower()
    for ext, fmt in EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    head = data.lstrip()[:1]
    if head == b"[":
        return "label-studio"
    if head == b"{":
        return "jsonl"
    return "seed"


def read_file(name: str, data: bytes, *, fmt: str = "auto") -> list[ParsedArticle]:
    """All articles of one file; raises Rejection if any part of it is bad."""
    if fmt not in FORMATS:
        raise Rejection(name, f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    text = decode(name, data)
    if fmt == "auto":
        fmt = detect_format(name, data)
    if fmt == "seed":
        articles = [_seed(name, text)]
    elif fmt == "jsonl":
        articles = list(_jsonl(name, text))
    elif fmt == "csv":
        articles = list(_csv(name, text))
    else:
        articles = list(_label_studio(name, text))
    if not articles:
        raise Rejection(name, "no articles in the file")
    return articles


def decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise Rejection(name, "binary file (it contains NUL bytes); expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Rejection(
            name, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from None
    if not text.strip():
        raise Rejection(name, "empty file")
    return text


def file_text_utf8(data: bytes) -> bytes:
    """The UTF-8 of the text `decode` reads from `data` ("utf-8-sig": less one BOM)."""
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def _seed(name: str, text: str) -> ParsedArticle:
    article = build_article(raw=text, file=name, seed_header=True)
    article.raw_is_file = True
    if not article.text:
        raise Rejection(name, "no article text left after removing metadata lines")
    return article


def _jsonl(name: str, text: str) -> Iterator[ParsedArticle]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = _json(name, line, number)
        if not isinstance(record, dict):
            raise Rejection(name, "each line must be a JSON object", number)
        yield _record(name, number, record)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _json(name: str, text: str, line: int | None) -> Any:
    """`json.loads`, with every way it fails (bad syntax, nesting too deep for the parser,
    an integer too long for Python to convert) as a Rejection naming the line."""
    try:
        value = json.loads(text)
        if _SURROGATE_ESCAPE.search(text):
            # A pair of escapes is one character; one alone is not Unicode text, and the
            # database cannot store it. Only JSON escapes make them: decoding UTF-8 cannot.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        reason = "contains an unpaired surrogate escape (such as \\ud800): not valid Unicode text"
        raise Rejection(name, reason, line) from None
    except json.JSONDecodeError as exc:
        where = line if line is not None else exc.lineno
        raise Rejection(name, f"not valid JSON: {exc.msg} (column {exc.colno})", where) from None
    except RecursionError:
        raise Rejection(name, "JSON nested too deeply to read", line) from None
    except ValueError as exc:  # e.g. "Exceeds the limit (4300 digits) for integer string ..."
        raise Rejection(name, f"JSON could not be read: {exc}", line) from None


def _csv(name: str, text: str) -> Iterator[ParsedArticle]:
    import pandas as pd  # pandas only where CSV is read

    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    header = text.splitlines()[0]
    columns = next(csv.reader([header], delimiter=delimiter))
    if "text" not in [c.strip() for c in columns]:
        hint = _delimiter_hint(header, delimiter)
        raise Rejection(
            name, f"no 'text' column in the header ({', '.join(columns)[:200]}){hint}", 1, "text"
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise Rejection(name, f"CSV could not be read: {exc}".strip()) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for index, row in enumerate(frame.to_dict(orient="records")):
        # Row numbers count the header as line 1 (quoted newlines shift real line numbers).
        yield _record(name, index + 2, {k: v for k, v in row.items() if v != ""}, row_label="row")


def _delimiter_hint(header: str, used: str) -> str:
    for other, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes"), (",", "commas")):
        if other != used and other in header and "text" in [c.strip() for c in header.split(other)]:
            return (
                f"; the header looks separated by {label}: save the file with '{used}' separators"
            )
    return ""


def _label_studio(name: str, text: str) -> Iterator[ParsedArticle]:
    payload = _json(name, text, None)
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Rejection(name, "a Label Studio file is a list of tasks")
    for index, task in enumerate(payload, start=1):
        where = f"task {index}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise Rejection(name, f"{where}: expected an object with a 'data' object", None, "data")
        data = dict(task["data"])
        for extra in ("annotations", "predictions"):
            if extra in task and not isinstance(task[extra], list):
                raise Rejection(name, f"{where}: '{extra}' must be a list", None, extra)
        if "id" not in data and task.get("id") is not None:
            data["id"] = task["id"]
        article = _record(name, index, data, row_label="task", prefix="data.")
        article.label_studio = {
            "id": task.get("id"),
            "annotations": task.get("annotations") or [],
            "predictions": task.get("predictions") or [],
        }
        yield article


def _record(
    name: str, number: int, record: dict[str, Any], *, row_label: str = "line", prefix: str = ""
) -> ParsedArticle:
    def reject(field: str, reason: str) -> Rejection:
        location = number if row_label in ("line", "row") else None
        lead = "" if row_label == "line" else f"{row_label} {number}: "
        return Rejection(name, f"{lead}{reason}", location, prefix + field)

    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise reject("text", "no text: the 'text' field is missing or empty")
    fields: dict[str, str] = {}
    for key in OPTIONAL_FIELDS:
        value = record.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise reject(key, f"'{key}' must be a string")
        value = str(value).strip()
        if len(value) > MAX_FIELD.get(key, 1000):
            raise reject(key, f"'{key}' is longer than {MAX_FIELD.get(key, 1000)} characters")
        fields[key] = value
    url = fields.get("url", "")
    if url and urlsplit(url).scheme not in {"http", "https"}:
        raise reject("url", "'url' must start with http:// or https://")
    published = _published(fields.get("published", ""))
    if fields.get("published") and published is None:
        raise reject(
            "published", f"'published' is not a date: '{fields['published'][:40]}' (use YYYY-MM-DD)"
        )
    article = build_article(
        raw=body,
        file=name,
        line=number,
        title=fields.get("title", ""),
        url=url,
        outlet=fields.get("source", ""),
        published_on=published,
        external_id=fields.get("id", ""),
    )
    if not article.text:
        raise reject("text", "no article text left after removing metadata lines")
    if fields.get("language"):
        article.metadata["declared_language"] = fields["language"]
    return article


def _published(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
