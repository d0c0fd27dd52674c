"""What a gold release holds, loaded the way its users load it: json, pandas, datasets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from django.contrib.auth.models import AbstractUser

from annotate.label_studio import task_data
from annotate.models import LabelType
from annotate.results import result_from_rows, result_parse
from tests.verify.release_helpers import (
    AR_SIGNED,
    EN_DENIAL,
    RU_MEETING,
    Corpus,
    corpus_make,
    read_jsonl,
)
from verify.exports.conll import tokenise
from verify.exports.jsonl import json_line
from verify.exports.label_studio import gold_result
from verify.selectors.releases import SpanRow
from verify.services.releases import release_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(alice: AbstractUser, bob: AbstractUser, carol: AbstractUser) -> Corpus:
    return corpus_make(alice, bob, carol)


FILES = [
    "README.md", "checksums.sha256", "conll/ar.conll", "conll/en.conll", "conll/ru.conll",
    "entities.jsonl", "facts.jsonl", "fever.jsonl", "label_studio.json", "mentions.jsonl",
    "parquet/entities.parquet", "parquet/evidence.parquet", "parquet/facts.parquet",
    "parquet/mentions.parquet",
]  # fmt: skip


def _publish(carol: AbstractUser, **filters: object) -> Path:
    return Path(release_publish(name="v1", user=carol, **filters).path)  # type: ignore[arg-type]


def test_a_release_holds_every_file_and_only_adjudicated_data(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol)

    assert folder.parent == releases_dir
    assert (
        sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == FILES
    )
    mentions = read_jsonl(folder / "mentions.jsonl")
    assert {m["article_id"] for m in mentions} == {
        corpus.ru.article_id, corpus.ar.article_id, corpus.en.article_id,
    }  # fmt: skip
    assert corpus.pending.article_id not in {m["article_id"] for m in mentions}
    for m in mentions:  # offsets point into the article text
        article = {corpus.ru.article_id: corpus.ru, corpus.ar.article_id: corpus.ar,
                   corpus.en.article_id: corpus.en}[m["article_id"]].article  # fmt: skip
        assert article.text[m["start"] : m["end"]] == m["text"]
    belousov = [m for m in mentions if m["entity_id"] == corpus.belousov.pk]
    assert [(m["language"], m["text"]) for m in belousov] == [
        ("ru", "Андрей Белоусов"), ("ar", "أندريه بيلوسوف"),
    ]  # fmt: skip
    assert all(m["reviewers"] == ["alice", "bob"] and m["origin"] == "agreed" for m in mentions)


def test_every_file_loads_with_the_library_a_user_would_use(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    from datasets import load_dataset

    folder = _publish(carol)

    for name in ("entities", "mentions", "facts", "fever"):
        assert read_jsonl(folder / f"{name}.jsonl")
    assert len(json.loads((folder / "label_studio.json").read_text(encoding="utf-8"))) == 3
    facts = pd.read_parquet(folder / "parquet" / "facts.parquet")
    assert list(facts["statement"]) == [corpus.meeting.statement, corpus.signed.statement]
    assert list(facts["verdict"]) == ["corroborated", "disputed"]
    evidence = pd.read_parquet(folder / "parquet" / "evidence.parquet")
    assert sorted(evidence["language"]) == ["ar", "ar", "en", "ru"]
    mentions = load_dataset(
        "parquet", data_files=str(folder / "parquet" / "mentions.parquet"),
        cache_dir=str(folder.parent / "hf-cache"),
    )["train"]  # fmt: skip
    assert mentions.num_rows == len(read_jsonl(folder / "mentions.jsonl"))
    assert mentions[0]["text"] == "Андрей Белоусов"
    entities = pd.read_parquet(folder / "parquet" / "entities.parquet")
    assert list(entities["preferred_name"]) == ["Andrey Belousov", "Moscow"]
    for line in (folder / "checksums.sha256").read_text().splitlines():
        digest, path = line.split("  ")
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest


def test_facts_carry_evidence_origins_and_the_admin_outcome_beside_the_verdict(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol)

    meeting, signed = read_jsonl(folder / "facts.jsonl")
    assert (meeting["verdict"], meeting["independent_origins"]) == ("corroborated", 2)
    assert meeting["gold_outcome"] is None
    first = meeting["evidence"][0]
    assert (first["outlet"], first["language"], first["text"], first["stance"]) == (
        "TASS", "ru", RU_MEETING, "supports",
    )  # fmt: skip
    assert first["url"].startswith("https://")
    assert first["published_on"] == "2025-10-28"
    assert (first["agreement_f1"], first["conflicts"]) == (1.0, 0)
    assert meeting["reviewers"] == ["alice", "bob"]
    assert signed["verdict"] == "disputed"
    assert signed["gold_outcome"]["outcome"] == "one_wrong"
    assert signed["gold_outcome"]["upheld_stance"] == "refutes"
    assert signed["gold_outcome"]["adjudicator"] == "carol"
    assert {e["text"] for e in signed["evidence"]} == {AR_SIGNED, EN_DENIAL}


def test_fever_rows_have_the_fever_shape_and_an_admin_decides_a_disputed_label(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol)

    meeting, signed = read_jsonl(folder / "fever.jsonl")
    for row in (meeting, signed):
        assert set(row) >= {"id", "verifiable", "label", "claim", "evidence"}
        assert row["label"] in ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO")
        for evidence_set in row["evidence"]:
            for annotation_id, evidence_id, page, line in evidence_set:
                assert isinstance(annotation_id, int)
                assert page.startswith("article:")
                assert evidence_id.startswith("e")
                assert isinstance(line, int)
    assert (meeting["claim"], meeting["label"], len(meeting["evidence"])) == (
        corpus.meeting.statement, "SUPPORTS", 2,
    )  # fmt: skip
    # Disputed, but carol upheld the denial: REFUTES on the refuting evidence only.
    assert (signed["label"], signed["evidence_text"]) == ("REFUTES", [[EN_DENIAL]])


def test_label_studio_tasks_carry_the_gold_annotation_our_import_accepts(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol)

    tasks = json.loads((folder / "label_studio.json").read_text(encoding="utf-8"))
    labels = {lt.name: lt for lt in LabelType.objects.filter(project=corpus.ru.project)}
    ru = next(t for t in tasks if t["data"]["crosscheck_article_id"] == corpus.ru.article_id)
    assert ru["data"] == task_data(corpus.ru.article)  # what the Label Studio export writes
    (annotation,) = ru["annotations"]
    parsed = result_parse(result=annotation["result"], text=ru["data"]["text"], labels=labels)
    assert [(m.text, m.label.name, m.entity_id) for m in parsed.mentions] == [
        ("Андрей Белоусов", "PER", corpus.belousov.pk),
        ("Мурхафом Абу Касрой", "PER", None),
        ("Москве", "LOC", corpus.moscow.pk),
    ]
    assert [(c.text, c.fact_id, c.stance) for c in parsed.claims] == [
        (RU_MEETING, corpus.meeting.pk, "supports"),
    ]


def test_json_lines_are_exactly_what_json_dumps_gives_with_sorted_keys() -> None:
    row = {"text": 'موسكو، «Москве» "q"\n\t\u2028\x00', "id": "m1", "f1": 0.9, "big": 1e16,
           "none": None, "ok": True, "nested": {"b": [1, {"z": [], "a": 2.5}], "a": "x"}}  # fmt: skip

    assert json_line(row) == json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
    with pytest.raises(TypeError):
        json_line({"when": dt.date(2025, 10, 28)})


def test_label_studio_regions_are_the_ones_the_project_export_maps_from_rows() -> None:
    # The release builds the result list itself (a million regions); it must stay what
    # annotate.results.result_from_rows gives, ties of offsets and every extra included.
    def gold(span_id: int, kind: str, start: int, end: int, **extra: object) -> SpanRow:
        fields = {"entity_id": None, "fact_id": None, "stance": "", "normalized_value": "",
                  "statement": "", **extra}  # fmt: skip
        return SpanRow(
            id=span_id,
            task_id=1,
            kind=kind,
            start=start,
            end=end,
            text="x",
            label="CLAIM" if kind == "claim" else "PER",
            origin="agreed",
            adjudicator_id=None,
            reviewers=["alice"],
            **fields,
        )  # type: ignore[arg-type]

    mentions = [
        (gold(9, "mention", 0, 5, normalized_value="2025-10-28"), 4),
        (gold(10, "mention", 0, 5), None),  # same offsets: "g10" sorts before "g9"
        (gold(3, "mention", 7, 9, entity_id=5), 5),  # linked to entity 5
    ]
    claims = [
        gold(11, "claim", 0, 20, fact_id=8, stance="refutes", statement="S"),
        gold(12, "claim", 7, 9),
    ]

    def row(span: SpanRow, entity_id: int | None) -> SimpleNamespace:
        return SimpleNamespace(
            pk=span.id, region_id=f"g{span.id}", label_id=span.label, start=span.start,
            end=span.end, text=span.text, normalized_value=span.normalized_value,
            entity_id=entity_id, statement=span.statement, fact_id=span.fact_id,
            stance=span.stance, attributed_to_outlet=False, subject_id=None, object_id=None,
            time_id=None, place_id=None, attributed_to_mention_id=None,
        )  # fmt: skip

    expected = result_from_rows(
        mentions=[row(s, e) for s, e in mentions], claims=[row(c, None) for c in claims],
        label_names={"PER": "PER", "CLAIM": "CLAIM"},
    )  # fmt: skip
    result = gold_result(mentions=mentions, claims=claims)

    assert result == expected
    assert [r["id"] for r in result][:5] == ["g11", "g10", "g9", "g12", "g3"]


def test_conll_splits_arabic_and_russian_punctuation_and_marks_each_document(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol)

    assert [t.text for t in tokenise("في موسكو، يوم")] == ["في", "موسكو", "،", "يوم"]
    assert [t.text for t in tokenise("«Москве», Абу-Касра.")] == [
        "«", "Москве", "»", ",", "Абу-Касра", ".",
    ]  # fmt: skip
    ar = (folder / "conll" / "ar.conll").read_text(encoding="utf-8").splitlines()
    assert ar[0] == "-DOCSTART- O"
    assert "موسكو B-LOC" in ar
    assert "، O" in ar
    assert ar[ar.index("أندريه B-PER") + 1] == "بيلوسوف I-PER"
    ru = (folder / "conll" / "ru.conll").read_text(encoding="utf-8").splitlines()
    assert ru.count("-DOCSTART- O") == 1
    assert ru[ru.index("Москве B-LOC") : ru.index("Москве B-LOC") + 2] == ["Москве B-LOC", ", O"]


def test_language_and_date_filters_choose_the_articles(
    corpus: Corpus, releases_dir: Path, carol: AbstractUser
) -> None:
    folder = _publish(carol, languages=["ru", "ar"], since=dt.date(2025, 10, 1))

    languages = {m["language"] for m in read_jsonl(folder / "mentions.jsonl")}
    assert languages == {"ru", "ar"}
    assert sorted(p.name for p in (folder / "conll").iterdir()) == ["ar.conll", "ru.conll"]
    signed = read_jsonl(folder / "facts.jsonl")[1]
    # Without the English denial, the fact rests on the Arabic report alone.
    assert (signed["verdict"], [e["language"] for e in signed["evidence"]]) == (
        "single_source", ["ar"],
    )  # fmt: skip
