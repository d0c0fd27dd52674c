"""The seed gold set (fixtures/gold_seeds.json) still fits the seeds as the app imports them,
and says how it was made: two blind reviewers, every conflict adjudicated with a rationale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import tasks_import

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "fixtures" / "gold_seeds.json"
LABELS = {"PER", "ORG", "LOC", "DATE"}

pytestmark = pytest.mark.django_db


def gold() -> dict[str, Any]:
    return json.loads(GOLD.read_text())


def test_every_gold_span_is_the_imported_text_at_its_offsets() -> None:
    tasks = tasks_import(*sorted((ROOT / "seeds").glob("*.txt")))
    by_hash = {t.article.content_hash: t.article for t in tasks}

    articles = gold()["articles"]

    assert sorted(a["content_hash"] for a in articles) == sorted(by_hash)
    for entry in articles:
        text = by_hash[entry["content_hash"]].text
        assert entry["text_length"] == len(text), entry["seed"]
        for span in entry["spans"]:
            assert text[span["start"] : span["end"]] == span["text"], (entry["seed"], span)
            assert span["label"] in LABELS


def test_the_gold_set_was_adjudicated_from_two_blind_reviewers() -> None:
    document = gold()

    assert (document["annotators"], document["adjudicated"]) == (2, True)
    for entry in document["articles"]:
        assert entry["reviewers"] == ["alice", "bob"]
        adjudicated = [s for s in entry["spans"] if s["origin"] != "agreed"]
        if entry["automatic"]:
            assert adjudicated == []
            assert [d["action"] for d in entry["decisions"]] == ["system"]
            continue
        assert entry["adjudicator"] == "carol"
        assert entry["decisions"], entry["seed"]
        for decision in entry["decisions"]:
            assert decision["admin"] == "carol"
            assert decision["rationale"].strip(), decision


def test_gold_spans_do_not_overlap_and_dates_carry_iso_values() -> None:
    for entry in gold()["articles"]:
        spans = sorted(entry["spans"], key=lambda s: (s["start"], s["end"]))
        for left, right in zip(spans, spans[1:], strict=False):
            assert left["end"] <= right["start"], (entry["seed"], left, right)
        for span in spans:
            if span["label"] != "DATE":
                assert span["value"] == ""
            elif span["value"]:
                assert len(span["value"]) in (4, 7, 10)
                assert span["value"][:2] == "20"
