"""Conflict items: one per kind of disagreement, with every involved reviewer's version."""

from __future__ import annotations

import json
import random

from verify.agreement import CLAIM, SpanItem, TaskAnnotations, task_units
from verify.conflicts import ConflictItem, task_conflicts

TWO = ("alice", "bob")
THREE = ("alice", "bob", "dave")


def span(reviewer: str, start: int, end: int, label: str = "PER", **extra: str | None) -> SpanItem:
    return SpanItem(reviewer, start, end, label, **extra)  # type: ignore[arg-type]


def claim(reviewer: str, fact: str | None, stance: str | None, start: int = 0) -> SpanItem:
    return SpanItem(reviewer, start, start + 40, "CLAIM", fact=fact, stance=stance, kind=CLAIM)


def conflicts(*spans: SpanItem, reviewers: tuple[str, ...] = TWO) -> list[ConflictItem]:
    return task_conflicts(TaskAnnotations(7, reviewers, spans))


def test_full_agreement_has_no_items() -> None:
    spans = [span(r, 0, 5, "PER", entity="Q1") for r in THREE] + [
        claim(r, "f1", "supports", start=10) for r in THREE
    ]

    assert conflicts(*spans, reviewers=THREE) == []


def test_a_span_one_reviewer_lacks_is_a_missing_item() -> None:
    mine = span("alice", 0, 5)

    [item] = conflicts(mine, span("alice", 10, 15), span("bob", 10, 15))

    assert (item.kind, item.span_kind, item.start, item.end) == ("missing", "mention", 0, 5)
    assert item.reviewers == ("alice", "bob")
    assert item.versions == {"alice": mine, "bob": None}


def test_different_labels_on_the_same_span_is_a_label_item() -> None:
    [item] = conflicts(span("alice", 0, 5, "PER"), span("bob", 0, 5, "ORG"))

    assert item.kind == "label"
    assert {r: s.label for r, s in item.versions.items()} == {"alice": "PER", "bob": "ORG"}  # type: ignore[union-attr]


def test_overlapping_but_unequal_boundaries_is_a_boundaries_item() -> None:
    [item] = conflicts(span("alice", 0, 5), span("bob", 0, 7))

    assert (item.kind, item.start, item.end) == ("boundaries", 0, 7)
    assert {r: (s.start, s.end) for r, s in item.versions.items()} == {  # type: ignore[union-attr]
        "alice": (0, 5),
        "bob": (0, 7),
    }


def test_wider_and_relabelled_gives_one_item_per_difference() -> None:
    items = conflicts(span("alice", 0, 5, "PER"), span("bob", 0, 7, "ORG"))

    assert [item.kind for item in items] == ["boundaries", "label"]
    assert len({item.id for item in items}) == 2


def test_different_entity_links_are_an_entity_item() -> None:
    [item] = conflicts(span("alice", 0, 5, entity="Q1"), span("bob", 0, 5, entity="Q2"))
    [unlinked] = conflicts(span("alice", 0, 5, entity="Q1"), span("bob", 0, 5))

    assert item.kind == unlinked.kind == "entity"
    assert unlinked.versions["bob"].entity is None  # type: ignore[union-attr]


def test_different_facts_on_a_matched_claim_are_a_fact_item() -> None:
    [item] = conflicts(claim("alice", "f1", "supports"), claim("bob", "f2", "supports"))

    assert (item.kind, item.span_kind) == ("fact", "claim")


def test_same_fact_different_stance_is_a_stance_item() -> None:
    [item] = conflicts(claim("alice", "f1", "supports"), claim("bob", "f1", "refutes"))

    assert item.kind == "stance"
    assert {r: s.stance for r, s in item.versions.items()} == {  # type: ignore[union-attr]
        "alice": "supports",
        "bob": "refutes",
    }


def test_a_stance_is_only_compared_between_reviewers_on_the_same_fact() -> None:
    items = conflicts(
        claim("alice", "f1", "supports"),
        claim("bob", "f1", "refutes"),
        claim("dave", "f2", "supports"),
        reviewers=THREE,
    )

    assert [(item.kind, item.reviewers) for item in items] == [
        ("fact", THREE),
        ("stance", ("alice", "bob")),
    ]


def test_three_reviewers_name_who_lacks_a_span_and_who_disagrees() -> None:
    items = conflicts(
        span("alice", 0, 5, "PER"),
        span("bob", 0, 5, "ORG"),
        span("alice", 20, 25),
        span("bob", 20, 25),
        span("dave", 20, 25),
        reviewers=THREE,
    )

    missing, label = items
    assert (missing.kind, missing.reviewers) == ("missing", THREE)
    assert missing.versions["dave"] is None
    assert (label.kind, label.reviewers) == ("label", ("alice", "bob"))


def test_a_single_reviewer_has_no_conflicts() -> None:
    assert conflicts(span("alice", 0, 5), reviewers=("alice",)) == []


def test_ids_are_stable_across_runs_and_input_order() -> None:
    spans = [
        span("alice", 0, 5, "PER"),
        span("bob", 0, 6, "ORG"),
        span("dave", 30, 35),
        claim("alice", "f1", "supports", start=50),
        claim("bob", "f1", "refutes", start=50),
    ]
    shuffled = list(spans)
    random.Random(3).shuffle(shuffled)

    items = conflicts(*spans, reviewers=THREE)
    again = conflicts(*shuffled, reviewers=THREE[::-1])

    assert [item.kind for item in items] == [
        "missing", "boundaries", "label", "missing", "missing", "stance"
    ]  # fmt: skip
    assert [item.id for item in items] == [item.id for item in again]
    assert len({item.id for item in items}) == 6


def test_an_id_changes_when_a_version_changes() -> None:
    [before] = conflicts(span("alice", 0, 5, "PER"), span("bob", 0, 5, "ORG"))
    [after] = conflicts(span("alice", 0, 5, "PER"), span("bob", 0, 5, "LOC"))
    [other_task] = task_conflicts(
        TaskAnnotations(8, TWO, [span("alice", 0, 5, "PER"), span("bob", 0, 5, "ORG")])
    )

    assert before.id != after.id
    assert before.id != other_task.id


def test_identical_disagreements_in_one_task_still_get_distinct_ids() -> None:
    items = conflicts(
        span("alice", 0, 5, "PER"),
        span("alice", 0, 5, "PER"),
        span("bob", 0, 5, "ORG"),
        span("bob", 0, 5, "ORG"),
    )

    assert [item.kind for item in items] == ["label", "label"]
    assert items[0].id != items[1].id


def test_precomputed_units_give_the_same_items_and_json_serialises() -> None:
    annotations = TaskAnnotations(
        7, THREE, [span("alice", 0, 5, entity="Q1"), span("bob", 1, 5), claim("dave", "f1", None)]
    )

    items = task_conflicts(annotations, units=task_units(annotations))

    assert items == task_conflicts(annotations)
    payload = json.loads(json.dumps([item.as_dict() for item in items], allow_nan=False))
    assert payload[0]["versions"]["dave"] is None
    assert payload[0]["versions"]["alice"] == {
        "start": 0, "end": 5, "label": "PER", "entity": "Q1", "fact": None, "stance": None,
    }  # fmt: skip
