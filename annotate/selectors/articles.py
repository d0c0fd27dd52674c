"""Reading articles: the filtered list, one article, and its text and metadata as shown."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from annotate.models import Article, Source, Task

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,8}$")


@dataclass(frozen=True)
class ArticleFilters:
    """What the article list can be narrowed by. Empty values mean "any"."""

    source: int | None = None
    language: str = ""
    state: str = ""
    q: str = ""
    batch: int | None = None


def article_list(*, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """Articles newest import first, with what a list row shows fetched in the same query."""
    filters = filters or ArticleFilters()
    qs = (
        Article.objects.select_related("source", "task")
        # A list never shows the text; an article can be megabytes.
        .defer("raw_text", "text", "metadata")
        .order_by("-id")
    )
    if filters.source is not None:
        qs = qs.filter(source_id=filters.source)
    if filters.language:
        if not _LANGUAGE_CODE.match(filters.language):
            return qs.none()
        # JSON `contains` is not available on SQLite; the stored list is text on both
        # backends, and a quoted code cannot match inside another code.
        qs = qs.filter(languages__icontains=f'"{filters.language}"')
    if filters.state:
        qs = qs.filter(task__state=filters.state)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.batch is not None:
        qs = qs.filter(import_batch_id=filters.batch)
    return qs


def article_get(*, article_id: int) -> Article | None:
    return (
        Article.objects.select_related("source", "task", "import_batch", "near_duplicate_of")
        .filter(pk=article_id)
        .first()
    )


def article_source_options() -> QuerySet[Source]:
    return Source.objects.order_by("name").only("id", "name")


def article_language_options() -> list[str]:
    """Every language code that occurs on some article, sorted."""
    combos = Article.objects.order_by().values_list("languages", flat=True).distinct()
    found: set[str] = set()
    for combo in combos:
        if isinstance(combo, list):
            found.update(code for code in combo if isinstance(code, str))
    return sorted(found)


def article_state_options() -> list[tuple[str, str]]:
    return list(Task.State.choices)


def article_safe_url(*, article: Article) -> str:
    """The URL if it is safe to link to (http or https), else ""."""
    return article.url if _is_web_url(article.url) else ""


@dataclass(frozen=True)
class TextBlock:
    """One line of `Article.text`, the code-point offset where it starts, and its language.

    `language` is set when the importer found exactly one language in the paragraph, so
    the page can mark it `lang` (fonts, screen readers); "" when mixed or unknown.
    """

    start: int
    text: str
    language: str = ""


def article_text_blocks(*, article: Article) -> list[TextBlock]:
    """The normalised text cut at line breaks; blank lines are dropped, offsets kept exact."""
    spans = _paragraph_spans(article.metadata)
    blocks: list[TextBlock] = []
    start = 0
    for line in article.text.split("\n"):
        if line.strip():
            blocks.append(TextBlock(start=start, text=line, language=_language_at(spans, start)))
        start += len(line) + 1
    return blocks


def _paragraph_spans(metadata: Any) -> list[tuple[int, int, list[str]]]:
    """(start, end, languages) of each paragraph from the importer's metadata, if present."""
    paragraphs = metadata.get("paragraphs") if isinstance(metadata, dict) else None
    spans: list[tuple[int, int, list[str]]] = []
    for p in paragraphs if isinstance(paragraphs, list) else []:
        if (
            isinstance(p, dict)
            and isinstance(p.get("start"), int)
            and isinstance(p.get("end"), int)
        ):
            langs = p.get("languages")
            spans.append((p["start"], p["end"], langs if isinstance(langs, list) else []))
    return spans


def _language_at(spans: list[tuple[int, int, list[str]]], offset: int) -> str:
    for start, end, languages in spans:
        if start <= offset < end:
            known = [code for code in languages if isinstance(code, str) and code != "other"]
            return known[0] if len(known) == 1 and _LANGUAGE_CODE.match(known[0]) else ""
    return ""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""


@dataclass
class MetadataTable:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def article_metadata_tables(*, metadata: dict[str, Any], text: str = "") -> list[MetadataTable]:
    """`Article.metadata` as tables a person can read, whatever keys the importer stored.

    A list of records becomes a table with a column per key, a list of values a numbered
    list, a mapping a key/value table; single values are gathered in one "Other" table.
    Records with `start` and `end` offsets into `text` get a column with that stretch.
    """
    tables: list[MetadataTable] = []
    other = MetadataTable(title="Other", columns=["Field", "Value"])
    # PostgreSQL's jsonb does not keep key order: order by a fixed preference, then name.
    for key, value in sorted(metadata.items(), key=lambda kv: _key_rank(kv[0])):
        title = _humanise(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(_records_table(title, value, text=text))
        elif isinstance(value, list) and value:
            rows = [[Cell(str(i)), _cell(v)] for i, v in enumerate(value, start=1)]
            tables.append(MetadataTable(title=title, columns=["#", "Value"], rows=rows))
        elif isinstance(value, dict) and value:
            rows = [[Cell(_humanise(str(k))), _cell(v)] for k, v in value.items()]
            tables.append(MetadataTable(title=title, columns=["Field", "Value"], rows=rows))
        else:
            other.rows.append([Cell(title), _cell(value)])
    if other.rows:
        tables.append(other)
    return tables


def _records_table(title: str, records: list[dict[str, Any]], *, text: str) -> MetadataTable:
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    columns.sort(key=_key_rank)
    rows = [[_cell(record.get(k)) for k in columns] for record in records]
    headers = [_humanise(c) for c in columns]
    if text and {"start", "end"} <= set(columns):
        headers.append("Text")
        for row, record in zip(rows, records, strict=True):
            row.append(Cell(_excerpt(text, record.get("start"), record.get("end"))))
    return MetadataTable(title=title, columns=headers, rows=rows)


# Keys shown first, in this order (offsets before what they hold); the rest by name.
_KEY_ORDER = ("line", "start", "end", "kind", "languages", "text", "paragraphs", "removed")


def _key_rank(key: str) -> tuple[int, str]:
    return (_KEY_ORDER.index(key) if key in _KEY_ORDER else len(_KEY_ORDER), key)


def _excerpt(text: str, start: Any, end: Any, limit: int = 80) -> str:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        return "—"
    stretch = text[start:end]
    return stretch if len(stretch) <= limit else stretch[: limit - 1] + "…"


def _cell(value: Any) -> Cell:
    if value is None or value in ("", [], {}):
        return Cell("—")
    if isinstance(value, bool):
        return Cell("yes" if value else "no")
    if isinstance(value, str):
        return Cell(value, href=value if _is_web_url(value) else "")
    if isinstance(value, int | float):
        return Cell(str(value))
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return Cell(", ".join(str(v) for v in value))
    return Cell(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _humanise(key: str) -> str:
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else key


def _is_web_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))
