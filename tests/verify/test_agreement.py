"""Agreement figures: hand-computed span F1, and kappa and alpha against the references."""

from __future__ import annotations

import itertools
import json
import math
import random
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from verify.agreement import (
    CLAIM,
    UNSET,
    SpanItem,
    TaskAnnotations,
    agreement_report,
    combine,
    kappa_from_labels,
    nominal_alpha,
    task_agreement,
    task_units,
)

LABELS = ("PER", "ORG", "LOC", "DATE", "EVENT")
REVIEWERS = ("alice", "bob", "dave", "erin")


def span(reviewer: str, start: int, end: int, label: str = "PER", **extra: str | None) -> SpanItem:
    return SpanItem(reviewer, start, end, label, **extra)  # type: ignore[arg-type]


def claim(reviewer: str, start: int, end: int, fact: str | None, stance: str | None) -> SpanItem:
    return SpanItem(reviewer, start, end, "CLAIM", fact=fact, stance=stance, kind=CLAIM)


def task(*spans: SpanItem, reviewers: tuple[str, ...] = ("alice", "bob")) -> TaskAnnotations:
    return TaskAnnotations(1, reviewers, spans)


def reference_kappa(a: list[str], b: list[str]) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns, then returns NaN, when undefined
        value = cohen_kappa_score(a, b)
    return None if math.isnan(value) else float(value)


def reference_alpha(rows: list[list[str | None]]) -> float | None:
    """krippendorff.alpha on coders x units, values as category numbers, NaN when missing."""
    categories = sorted({value for row in rows for value in row if value is not None})
    data = np.array(
        [[np.nan if v is None else categories.index(v) for v in row] for row in rows], dtype=float
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0 / 0 when the pairable values are all one
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value in the domain, or no unit with two values
        return None
    return None if math.isnan(value) else float(value)


def assert_same(ours: float | None, reference: float | None) -> None:
    if reference is None:
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


# --- the formulas against the references ------------------------------------------------------


def test_kappa_matches_scikit_learn_on_random_label_pairs() -> None:
    rng = random.Random(11)
    undefined = 0
    for _ in range(600):
        labels = LABELS[: rng.randint(1, 5)]
        n = rng.randint(1, 60)
        a = [rng.choice(labels) for _ in range(n)]
        # Mostly agreeing, like reviewers, so kappa covers its whole range.
        b = [x if rng.random() < rng.random() else rng.choice(labels) for x in a]
        expected = reference_kappa(a, b)
        undefined += expected is None
        assert_same(kappa_from_labels(a, b), expected)
    assert 0 < undefined < 600  # the undefined case was exercised, and not only it


def test_alpha_matches_krippendorff_on_random_data_with_missing_values() -> None:
    rng = random.Random(12)
    undefined = 0
    for _ in range(600):
        labels = LABELS[: rng.randint(1, 5)]
        coders, units = rng.randint(2, 5), rng.randint(1, 40)
        missing = rng.choice((0.0, 0.2, 0.5, 0.8))
        truth = [rng.choice(labels) for _ in range(units)]
        rows = [
            [
                None
                if rng.random() < missing
                else (t if rng.random() < 0.7 else rng.choice(labels))
                for t in truth
            ]
            for _ in range(coders)
        ]
        expected = reference_alpha(rows)
        undefined += expected is None
        assert_same(nominal_alpha(list(zip(*rows, strict=True))), expected)
    assert 0 < undefined < 600


def test_alpha_of_the_krippendorff_package_example_is_0_691() -> None:
    n = None
    rows = [
        [n, n, n, n, n, "3", "4", "1", "2", "1", "1", "3", "3", n, "3"],
        ["1", n, "2", "1", "3", "3", "4", "3", n, n, n, n, n, n, n],
        [n, n, "2", "1", "3", "4", "4", n, "2", "1", "1", "3", "3", n, "4"],
    ]

    assert nominal_alpha(list(zip(*rows, strict=True))) == pytest.approx(0.691358, abs=1e-6)


# --- end to end: tasks whose units are known without the matcher ------------------------------


def slotted_tasks(seed: int, count: int, *, jitter: bool) -> tuple[list[TaskAnnotations], list]:
    """Tasks whose spans sit in far-apart slots, so each slot is one unit; returns the tasks
    and, per task, the coders x slots label table built straight from the input."""
    rng = random.Random(seed)
    tasks, tables = [], []
    for task_id in range(count):
        reviewers = REVIEWERS[: rng.randint(2, 4)]
        slots = rng.randint(1, 12)
        truth = [rng.choice(LABELS[:3]) for _ in range(slots)]
        table: list[list[str | None]] = []
        spans = []
        for reviewer in reviewers:
            row: list[str | None] = []
            for slot, gold in enumerate(truth):
                if rng.random() < 0.25:
                    row.append(None)
                    continue
                label = gold if rng.random() < 0.75 else rng.choice(LABELS[:3])
                start, end = slot * 100, slot * 100 + 10
                if jitter:  # still overlapping the slot's other spans
                    start, end = start + rng.randint(0, 3), end + rng.randint(-3, 3)
                spans.append(SpanItem(reviewer, start, end, label))
                row.append(label)
            table.append(row)
        rng.shuffle(spans)
        tasks.append(TaskAnnotations(task_id, reviewers, spans))
        tables.append(table)
    return tasks, tables


def pair_kappa(a: list[str | None], b: list[str | None]) -> float | None:
    """The reference kappa over the units both reviewers have."""
    both = [(x, y) for x, y in zip(a, b, strict=True) if x and y]
    if not both:
        return None
    return reference_kappa([x for x, _ in both], [y for _, y in both])  # type: ignore[misc]


@pytest.mark.parametrize("jitter", [False, True], ids=["exact", "overlapping"])
def test_task_alpha_and_pair_kappas_match_the_references(jitter: bool) -> None:
    tasks, tables = slotted_tasks(13, 150, jitter=jitter)
    for annotated, table in zip(tasks, tables, strict=True):
        agreement = task_agreement(annotated)

        assert agreement.units == sum(any(row[s] for row in table) for s in range(len(table[0])))
        assert_same(agreement.alpha_of("label"), reference_alpha(table))
        for pair in agreement.pairs:
            a = table[annotated.reviewers.index(pair.reviewer_a)]
            b = table[annotated.reviewers.index(pair.reviewer_b)]
            assert pair.spans.overlap == sum(bool(x and y) for x, y in zip(a, b, strict=True))
            assert_same(pair.values("label").kappa, pair_kappa(a, b))


def test_pooled_alpha_and_kappa_match_the_references_over_all_units() -> None:
    tasks, tables = slotted_tasks(14, 200, jitter=True)
    # The same four reviewers on every task (those past the first few marked nothing), so
    # the units of all tasks make one table.
    tasks = [TaskAnnotations(t.task_id, REVIEWERS, t.spans) for t in tasks]
    rows: list[list[str | None]] = [[] for _ in REVIEWERS]
    for table in tables:
        for index, row in enumerate(rows):
            row += table[index] if index < len(table) else [None] * len(table[0])

    overall = agreement_report(tasks).overall

    assert_same(overall.alpha_of("label"), reference_alpha(rows))
    pair = overall.pair("bob", "alice")
    assert pair is not None
    assert_same(pair.values("label").kappa, pair_kappa(rows[0], rows[1]))


# --- spans: hand-computed ------------------------------------------------------------------


def test_it_computes_exact_and_overlap_f1_by_hand() -> None:
    agreement = task_agreement(
        task(
            span("alice", 0, 5, "PER"), span("alice", 10, 20, "ORG"), span("alice", 30, 40, "LOC"),
            span("bob", 0, 5, "PER"), span("bob", 10, 18, "ORG"), span("bob", 50, 60, "DATE"),
        )
    )  # fmt: skip
    pair = agreement.pairs[0]

    assert (pair.reviewer_a, pair.reviewer_b) == ("alice", "bob")
    exact, overlap = pair.spans.score("exact"), pair.spans.score("overlap")
    assert (exact.matched, exact.precision, exact.recall, exact.f1) == (1, 1 / 3, 1 / 3, 1 / 3)
    assert (overlap.matched, overlap.precision, overlap.recall, overlap.f1) == (
        2,
        2 / 3,
        2 / 3,
        2 / 3,
    )
    assert pair.by_label["ORG"].score("exact").f1 == 0.0
    assert pair.by_label["ORG"].score("overlap").f1 == 1.0
    loc, date = pair.by_label["LOC"].score("overlap"), pair.by_label["DATE"].score("overlap")
    assert (loc.precision, loc.recall, loc.f1) == (None, 0.0, 0.0)
    assert (date.precision, date.recall, date.f1) == (0.0, None, 0.0)


def test_the_first_reviewer_by_name_is_the_reference_for_precision_and_recall() -> None:
    spans = [span("bob", start, start + 5) for start in (0, 10, 20, 30)]
    spans += [span("alice", 0, 5), span("alice", 10, 15)]

    score = task_agreement(task(*spans)).pairs[0].spans.score("exact")

    assert (score.precision, score.recall, score.f1) == (0.5, 1.0, pytest.approx(2 / 3))


def test_labelled_matching_also_needs_the_same_label() -> None:
    pair = task_agreement(
        task(span("alice", 0, 5, "PER"), span("alice", 10, 20, "ORG"),
             span("bob", 0, 5, "PER"), span("bob", 10, 20, "LOC"))
    ).pairs[0]  # fmt: skip

    assert (pair.spans.exact, pair.labelled.exact, pair.labelled.overlap) == (2, 1, 1)
    assert pair.labelled.score("exact").f1 == 0.5


def test_overlap_matching_is_one_to_one_and_takes_the_best_fit_first() -> None:
    units = task_units(task(span("alice", 0, 10), span("bob", 0, 4), span("bob", 2, 10)))

    # IoU 0.8 with bob's [2, 10) beats 0.4 with [0, 4); each span is used once.
    assert [{r: (s.start, s.end) for r, s in u.members.items()} for u in units] == [
        {"bob": (0, 4)},
        {"alice": (0, 10), "bob": (2, 10)},
    ]


def test_equal_fits_prefer_the_span_with_the_same_label() -> None:
    agreement = task_agreement(
        task(span("alice", 0, 10, "PER"), span("bob", 0, 10, "ORG"), span("bob", 0, 10, "PER"))
    )

    assert agreement.pairs[0].labelled.exact == 1
    assert agreement.values("label").share == 1.0


def test_a_claim_never_matches_a_mention_at_the_same_place() -> None:
    pair = task_agreement(task(span("alice", 0, 40), claim("bob", 0, 40, "f1", "supports"))).pairs[
        0
    ]

    assert pair.spans.overlap == 0
    assert pair.spans.score("overlap").f1 == 0.0


def test_three_reviewers_give_one_unit_per_position_with_missing_members() -> None:
    annotations = task(
        span("alice", 0, 5, "PER"), span("bob", 0, 6, "PER"), span("dave", 1, 5, "ORG"),
        span("alice", 20, 30, "LOC"), span("dave", 20, 30, "LOC"),
        span("bob", 50, 55, "DATE"),
        reviewers=("alice", "bob", "dave"),
    )  # fmt: skip

    units = task_units(annotations)
    agreement = task_agreement(annotations)

    assert [sorted(u.members) for u in units] == [
        ["alice", "bob", "dave"], ["alice", "dave"], ["bob"]
    ]  # fmt: skip
    table = [["PER", "LOC", None], ["PER", None, "DATE"], ["ORG", "LOC", None]]
    assert_same(agreement.alpha_of("label"), reference_alpha(table))
    assert agreement.pair("alice", "bob").spans.overlap == 1  # type: ignore[union-attr]
    assert agreement.pair("alice", "dave").spans.exact == 1  # type: ignore[union-attr]
    assert agreement.pair("alice", "dave").labelled.overlap == 1  # type: ignore[union-attr]


def test_a_unit_never_holds_spans_that_do_not_overlap() -> None:
    # bob's span overlaps both others, alice's and dave's do not overlap each other.
    units = task_units(
        task(span("alice", 0, 10), span("bob", 8, 22), span("dave", 20, 30),
             reviewers=("alice", "bob", "dave"))
    )  # fmt: skip

    assert sorted(len(u.members) for u in units) == [1, 2]


# --- entity links and claims ----------------------------------------------------------------


def test_entity_agreement_counts_mentions_someone_linked() -> None:
    pair = task_agreement(
        task(
            span("alice", 0, 5, entity="Q1"), span("bob", 0, 5, entity="Q1"),
            span("alice", 10, 15, entity="Q2"), span("bob", 10, 15, entity="Q3"),
            span("alice", 20, 25, entity="Q4"), span("bob", 20, 25),
            span("alice", 30, 35), span("bob", 30, 35),  # nobody linked: not counted
        )
    ).pairs[0]  # fmt: skip

    entity = pair.values("entity")
    assert (entity.n, entity.agreed, entity.share) == (3, 1, pytest.approx(1 / 3))
    a, b = ["Q1", "Q2", "Q4"], ["Q1", "Q3", UNSET]
    assert_same(entity.kappa, reference_kappa(a, b))


def test_stance_is_compared_only_between_claims_linking_the_same_fact() -> None:
    agreement = task_agreement(
        task(
            claim("alice", 0, 50, "f1", "supports"), claim("bob", 0, 50, "f1", "refutes"),
            claim("alice", 60, 90, "f2", "supports"), claim("bob", 60, 90, "f3", "supports"),
            claim("alice", 100, 120, "f4", "supports"), claim("bob", 100, 120, "f4", "supports"),
        )
    )  # fmt: skip
    pair = agreement.pairs[0]

    fact, stance = pair.values("fact"), pair.values("stance")
    assert (fact.n, fact.agreed) == (3, 2)
    assert (stance.n, stance.agreed) == (2, 1)
    assert_same(
        agreement.alpha_of("stance"),
        reference_alpha([["supports", "supports"], ["refutes", "supports"]]),
    )
    assert pair.values("entity").n == 0


# --- edge cases -----------------------------------------------------------------------------


def test_no_spans_at_all_gives_no_figures_and_valid_json() -> None:
    agreement = task_agreement(task())

    assert agreement.summary is None
    assert agreement.pairs[0].spans.score("overlap").f1 is None
    assert agreement.pairs[0].values("label").kappa is None
    assert agreement.alpha_of("label") is None
    json.dumps(agreement.as_dict(), allow_nan=False)


def test_a_reviewer_without_spans_still_counts() -> None:
    score = task_agreement(task(span("alice", 0, 5))).pairs[0].spans.score("overlap")

    assert (score.precision, score.recall, score.f1) == (None, 0.0, 0.0)


def test_a_single_reviewer_has_no_pairs_and_no_alpha() -> None:
    agreement = task_agreement(task(span("alice", 0, 5), reviewers=("alice",)))

    assert agreement.pairs == ()
    assert agreement.alpha_of("label") is None
    assert agreement.as_dict()["summary"] is None


def test_kappa_and_alpha_are_none_when_everyone_used_one_label() -> None:
    agreement = task_agreement(
        task(span("alice", 0, 5), span("bob", 0, 5), span("alice", 9, 12), span("bob", 9, 12))
    )

    labels = agreement.pairs[0].values("label")
    assert (labels.share, labels.kappa) == (1.0, None)
    assert agreement.alpha_of("label") is None
    assert '"kappa": null' in json.dumps(agreement.as_dict(), allow_nan=False)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SpanItem("alice", 5, 5, "PER"),
        lambda: SpanItem("alice", -1, 5, "PER"),
        lambda: SpanItem("alice", 0, 5, "PER", kind="relation"),
        lambda: TaskAnnotations(1, ["alice", "alice"], []),
        lambda: TaskAnnotations(1, ["alice"], [SpanItem("bob", 0, 5, "PER")]),
    ],
    ids=["empty", "negative", "kind", "reviewer twice", "unlisted reviewer"],
)
def test_it_rejects_malformed_input(make: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        make()  # type: ignore[operator]


# --- pooling and properties -----------------------------------------------------------------


def test_pooling_adds_counts_instead_of_averaging_figures() -> None:
    small = task(span("alice", 0, 5), span("bob", 0, 5))  # F1 1 on one span each
    big = TaskAnnotations(2, ["alice", "bob"], [span("alice", s, s + 5) for s in range(0, 90, 10)])

    pooled = combine([task_agreement(small), task_agreement(big)])

    assert pooled.task_id is None
    assert pooled.spans.score("exact").f1 == pytest.approx(2 / 11)  # not (1 + 0) / 2


def test_lowest_first_ranks_by_labelled_overlap_f1_with_empty_tasks_last() -> None:
    good = TaskAnnotations("good", ["alice", "bob"], [span("alice", 0, 5), span("bob", 0, 5)])
    bad = TaskAnnotations("bad", ["alice", "bob"], [span("alice", 0, 5), span("bob", 9, 12)])
    empty = TaskAnnotations("empty", ["alice", "bob"], [])

    report = agreement_report([good, empty, bad])

    assert [a.task_id for a in report.lowest_first()] == ["bad", "good", "empty"]


spans_strategy = st.lists(
    st.tuples(
        st.sampled_from(REVIEWERS[:3]),
        st.integers(0, 60),
        st.integers(1, 20),  # the length
        st.sampled_from(LABELS[:3]),
        st.sampled_from([None, "Q1", "Q2"]),
        st.sampled_from([None, "f1", "f2"]),
        st.sampled_from([None, "supports", "refutes"]),
        st.sampled_from(["mention", "mention", CLAIM]),
    ).map(lambda t: SpanItem(t[0], t[1], t[1] + t[2], *t[3:])),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(spans=spans_strategy, seed=st.integers(0, 1000))
def test_figures_do_not_depend_on_input_order_and_are_valid_json(
    spans: list[SpanItem], seed: int
) -> None:
    shuffled = list(spans)
    random.Random(seed).shuffle(shuffled)
    reviewers = list(REVIEWERS[:3])

    first = task_agreement(TaskAnnotations(1, reviewers, spans)).as_dict()
    second = task_agreement(TaskAnnotations(1, reviewers[::-1], shuffled)).as_dict()

    assert first == second
    json.dumps(first, allow_nan=False)
    for pair in first["pairs"]:  # type: ignore[attr-defined]
        assert pair["spans"]["exact"] <= pair["spans"]["overlap"]
        assert pair["labelled"]["overlap"] <= pair["spans"]["overlap"]


def documented_values(attribute: str, unit_spans: list[SpanItem]) -> list[str | None] | None:
    """The rules of docs/decisions.md, written plainly: which values a unit (or two spans of
    it) compares on `attribute`, or None when it does not compare it."""
    kind = unit_spans[0].kind
    if attribute == "label":
        return [s.label for s in unit_spans]
    if (attribute == "entity") != (kind == "mention"):
        return None
    raw = [getattr(s, attribute) for s in unit_spans]
    if all(value is None for value in raw):
        return None
    if attribute == "stance" and len({s.fact for s in unit_spans}) > 1:
        return None
    return [UNSET if value is None else value for value in raw]


@settings(max_examples=150, deadline=None)
@given(spans=spans_strategy)
def test_every_attribute_matches_the_references_on_the_units(spans: list[SpanItem]) -> None:
    reviewers = REVIEWERS[:3]
    annotated = TaskAnnotations(1, reviewers, spans)
    units = task_units(annotated)
    agreement = task_agreement(annotated, units=units)

    for attribute in ("label", "entity", "fact", "stance"):
        table: list[list[str | None]] = [[] for _ in reviewers]
        pairs: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        for unit in units:
            present = [unit.members[r] for r in reviewers if r in unit.members]
            values = documented_values(attribute, present) if len(present) > 1 else None
            for row, reviewer in zip(table, reviewers, strict=True):
                member = unit.members.get(reviewer)
                row.append(
                    None if values is None or member is None else values[present.index(member)]
                )
            for x, y in itertools.combinations(present, 2):
                two = documented_values(attribute, [x, y])
                if two is not None:
                    a, b = pairs.setdefault((x.reviewer, y.reviewer), ([], []))
                    a.append(two[0])  # type: ignore[arg-type]
                    b.append(two[1])  # type: ignore[arg-type]
        assert_same(
            agreement.alpha_of(attribute),
            reference_alpha(table) if any(any(r) for r in table) else None,
        )
        for pair in agreement.pairs:
            a, b = pairs.get((pair.reviewer_a, pair.reviewer_b), ([], []))
            assert pair.values(attribute).n == len(a)
            assert_same(pair.values(attribute).kappa, reference_kappa(a, b) if a else None)


@settings(max_examples=100, deadline=None)
@given(spans=spans_strategy)
def test_units_hold_one_span_per_reviewer_all_overlapping_and_every_span_once(
    spans: list[SpanItem],
) -> None:
    units = task_units(TaskAnnotations(1, REVIEWERS[:3], spans))

    assert sorted(id(s) for u in units for s in u.members.values()) == sorted(id(s) for s in spans)
    for unit in units:
        members = list(unit.members.values())
        assert all(s.reviewer == r for r, s in unit.members.items())
        assert all(s.kind == unit.kind for s in members)
        assert all(a.start < b.end and b.start < a.end for a in members for b in members)
