"""Inter-annotator agreement on plain data: span F1, Cohen's kappa, Krippendorff's alpha.

Pure functions over frozen dataclasses, no database: the model layer turns submitted
annotations into `TaskAnnotations`, and renders or stores what comes back (`as_dict()` is
JSON-safe: an undefined figure is `None`, never NaN). `docs/decisions.md` ("Agreement") has
the definitions in prose; in short:

- Units. Spans are matched across all of a task's reviewers at once, into units: a unit is
  one span position, holding at most one span per reviewer, all of them overlapping each
  other (`task_units`). Matching is greedy and deterministic: every pair of overlapping
  spans of the same kind (a claim never matches a mention) by two reviewers is a candidate;
  candidates are taken by intersection over union, highest first, then same label first,
  then by positions and contents, and a candidate joins its two spans' units unless that
  breaks the rule above. A reviewer without a span in a unit is a missing value there.
- Pairs are taken in reviewer-name order; the first reviewer is the reference: recall =
  matched / the reference's spans, precision = matched / the other's spans. Two spans are
  matched when they share a unit (overlap); exactly matched when their boundaries are also
  equal; "labelled" when their labels are also equal. With two reviewers this is the
  one-to-one greedy matching by IoU, and since exact pairs (IoU 1) come first it holds the
  largest exact matching.
- Labels, entity links, facts and stances are compared on units: Cohen's kappa per pair
  over the units both reviewers have, Krippendorff's alpha (nominal) over all units, with
  the reviewers who lack a unit as missing values. An entity or fact counts where someone
  set one (an unset side is the value `UNSET`); a stance only between claims that link the
  same fact (for alpha: a unit whose claims all link the same fact).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MENTION = "mention"
CLAIM = "claim"
KINDS = (MENTION, CLAIM)
ATTRIBUTES = ("label", "entity", "fact", "stance")
# The value of a reviewer who has the span but left its entity, fact or stance empty.
UNSET = "∅"

Confusion = Mapping[tuple[str, str], int]  # (a's value, b's value) -> count
Coincidences = Mapping[tuple[str, str], float]


@dataclass(frozen=True, slots=True)
class SpanItem:
    """One reviewer's span on a task. Offsets are code points, `end` exclusive; an empty
    entity, fact or stance is stored as None."""

    reviewer: str
    start: int
    end: int
    label: str
    entity: str | None = None
    fact: str | None = None
    stance: str | None = None
    kind: str = MENTION

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span [{self.start}, {self.end}) needs 0 <= start < end")
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {KINDS}")
        for name in ("entity", "fact", "stance"):
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)  # frozen: the only way to normalise


@dataclass(frozen=True)
class TaskAnnotations:
    """Every required reviewer's submitted spans on one task. A reviewer without spans still
    annotated the task. Reviewers are kept sorted by name."""

    task_id: int | str
    reviewers: Sequence[str]
    spans: Sequence[SpanItem] = ()

    def __post_init__(self) -> None:
        reviewers = tuple(sorted(self.reviewers))
        if len(set(reviewers)) != len(reviewers):
            raise ValueError(f"task {self.task_id}: a reviewer is listed twice")
        unknown = {span.reviewer for span in self.spans} - set(reviewers)
        if unknown:
            raise ValueError(f"task {self.task_id}: spans by unlisted reviewers {sorted(unknown)}")
        object.__setattr__(self, "reviewers", reviewers)
        object.__setattr__(self, "spans", tuple(self.spans))


@dataclass(frozen=True, slots=True)
class Unit:
    """One span position across reviewers: each reviewer who has it -> the span."""

    kind: str
    members: Mapping[str, SpanItem]

    @property
    def start(self) -> int:
        return min(span.start for span in self.members.values())

    @property
    def end(self) -> int:
        return max(span.end for span in self.members.values())


# --- formulas -------------------------------------------------------------------------------


def cohen_kappa(confusion: Confusion) -> float | None:
    """Cohen's kappa; None when undefined: no items, or chance agreement 1 (both reviewers
    used one and the same value)."""
    return _confusion_figures(confusion)[2]


def _confusion_figures(confusion: Confusion) -> tuple[int, int, float | None]:
    """Items, items agreed on, and Cohen's kappa, in one pass."""
    rows: dict[str, int] = {}
    cols: dict[str, int] = {}
    n = agreed = 0
    for (a, b), count in confusion.items():
        n += count
        rows[a] = rows.get(a, 0) + count
        cols[b] = cols.get(b, 0) + count
        if a == b:
            agreed += count
    chance = 0
    for value, count in rows.items():
        if value in cols:
            chance += count * cols[value]
    # (p_o - p_e) / (1 - p_e) multiplied through by n * n: integers until the division.
    denominator = n * n - chance
    return n, agreed, None if denominator == 0 else (n * agreed - chance) / denominator


def kappa_from_labels(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long sequences of values."""
    return cohen_kappa(Counter(zip(a, b, strict=True)))


def add_coincidences(matrix: dict[tuple[str, str], float], values: Sequence[str]) -> None:
    """Add one unit's values (missing ones left out) to a coincidence matrix: each ordered
    pair of values from different coders adds 1 / (m - 1), m the number of values."""
    m = len(values)
    if m < 2:
        return  # a value nobody else gave is not pairable
    weight = 1.0 / (m - 1)
    pairs = _ORDERED_PAIRS.get(m)
    if pairs is None:
        pairs = _ORDERED_PAIRS[m] = [(i, j) for i in range(m) for j in range(m) if i != j]
    for i, j in pairs:
        cell = (values[i], values[j])
        matrix[cell] = matrix.get(cell, 0.0) + weight


# m -> every ordered pair of two of m coders, first by the first coder (the order of addition).
_ORDERED_PAIRS: dict[int, list[tuple[int, int]]] = {}


def alpha_from_coincidences(matrix: Coincidences) -> float | None:
    """Krippendorff's alpha, nominal; None when undefined: no pairable values, or one value."""
    totals: dict[str, float] = {}
    observed = 0.0
    for (c, k), o in matrix.items():
        totals[c] = totals.get(c, 0.0) + o
        if c != k:
            observed += o
    n = sum(totals.values())
    expected = n * n - sum(n_c * n_c for n_c in totals.values())
    if n <= 1 or expected <= 1e-9 * n:
        return None
    return 1.0 - (n - 1.0) * observed / expected


def nominal_alpha(units: Iterable[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) of units given as one value per coder, None if missing."""
    matrix: dict[tuple[str, str], float] = {}
    for unit in units:
        add_coincidences(matrix, [value for value in unit if value is not None])
    return alpha_from_coincidences(matrix)


# --- results --------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class SpanScore:
    """Precision, recall and F1 of `other` against `reference`."""

    matched: int
    reference: int
    other: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.other)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.reference)

    @property
    def f1(self) -> float | None:
        """None when neither reviewer has a span: there was nothing to compare."""
        return _ratio(2 * self.matched, self.reference + self.other)


@dataclass(frozen=True, slots=True)
class SpanCounts:
    """A reviewer pair's spans (all, or of one label): how many each has, how many matched."""

    reference: int = 0
    other: int = 0
    exact: int = 0
    overlap: int = 0

    def score(self, mode: str) -> SpanScore:
        matched = self.exact if mode == "exact" else self.overlap
        return SpanScore(matched, self.reference, self.other)

    def __add__(self, more: SpanCounts) -> SpanCounts:
        return SpanCounts(
            self.reference + more.reference, self.other + more.other,
            self.exact + more.exact, self.overlap + more.overlap,
        )  # fmt: skip

    def as_dict(self) -> dict[str, int | float | None]:
        """Counts, and precision, recall and F1 for each mode (`f1_exact`, `f1_overlap`...)."""
        r, o, e, v = self.reference, self.other, self.exact, self.overlap
        return {
            "reference": r, "other": o, "exact": e, "overlap": v,
            "precision_exact": e / o if o else None, "recall_exact": e / r if r else None,
            "f1_exact": 2 * e / (r + o) if r + o else None,
            "precision_overlap": v / o if o else None, "recall_overlap": v / r if r else None,
            "f1_overlap": 2 * v / (r + o) if r + o else None,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ValueScore:
    """Agreement on one attribute over the units two reviewers both have."""

    confusion: Confusion

    @property
    def n(self) -> int:
        return sum(self.confusion.values())

    @property
    def agreed(self) -> int:
        return sum(count for (a, b), count in self.confusion.items() if a == b)

    @property
    def share(self) -> float | None:
        return _ratio(self.agreed, self.n)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.confusion)

    def specific_agreement(self) -> dict[str, float]:
        """Per value: 2 * both gave it / (times a gave it + times b gave it)."""
        both: dict[str, int] = {}
        used: dict[str, int] = {}
        for (a, b), count in self.confusion.items():
            used[a] = used.get(a, 0) + count
            used[b] = used.get(b, 0) + count
            if a == b:
                both[a] = both.get(a, 0) + 2 * count
        return {value: both.get(value, 0) / total for value, total in used.items()}

    def as_dict(self) -> dict[str, int | float | None]:
        n, agreed, kappa = _confusion_figures(self.confusion)
        return {"n": n, "agreed": agreed, "share": _ratio(agreed, n), "kappa": kappa}


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two reviewers; `reviewer_a` (first by name) is the reference for precision and recall."""

    reviewer_a: str
    reviewer_b: str
    spans: SpanCounts  # boundaries only
    labelled: SpanCounts  # boundaries and label: the sum of `by_label`
    by_label: Mapping[str, SpanCounts]
    confusions: Mapping[str, Confusion]  # attribute -> values on the units both have

    def values(self, attribute: str) -> ValueScore:
        return ValueScore(self.confusions.get(attribute, {}))

    def as_dict(self) -> dict[str, object]:
        return {
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            "spans": self.spans.as_dict(),
            "labelled": self.labelled.as_dict(),
            "by_label": {label: counts.as_dict() for label, counts in self.by_label.items()},
            "values": {attribute: self.values(attribute).as_dict() for attribute in ATTRIBUTES},
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement on one task, or pooled over tasks (`task_id` None). Pooling adds counts and
    computes figures from the sums (micro-averaging); figures are never averaged."""

    task_id: int | str | None
    reviewers: tuple[str, ...]
    units: int
    pairs: tuple[PairAgreement, ...]
    alpha: Mapping[str, Coincidences]  # attribute -> coincidence matrix over all units

    def pair(self, a: str, b: str) -> PairAgreement | None:
        a, b = sorted((a, b))
        return next((p for p in self.pairs if (p.reviewer_a, p.reviewer_b) == (a, b)), None)

    @property
    def spans(self) -> SpanCounts:
        return sum((pair.spans for pair in self.pairs), SpanCounts())

    @property
    def labelled(self) -> SpanCounts:
        return sum((pair.labelled for pair in self.pairs), SpanCounts())

    def by_label(self) -> dict[str, SpanCounts]:
        pooled: dict[str, SpanCounts] = {}
        for pair in self.pairs:
            for label, counts in pair.by_label.items():
                pooled[label] = pooled[label] + counts if label in pooled else counts
        return dict(sorted(pooled.items()))

    def values(self, attribute: str) -> ValueScore:
        pooled: dict[tuple[str, str], int] = {}
        for pair in self.pairs:
            for cell, count in pair.confusions.get(attribute, {}).items():
                pooled[cell] = pooled.get(cell, 0) + count
        return ValueScore(pooled)

    def alpha_of(self, attribute: str) -> float | None:
        return alpha_from_coincidences(self.alpha.get(attribute, {}))

    @property
    def summary(self) -> float | None:
        """The figure tasks are ranked by: labelled overlap F1, pooled over pairs."""
        return self.labelled.score("overlap").f1

    def as_dict(self) -> dict[str, object]:
        """Everything, JSON-safe. Kappa is per pair; alpha is the all-reviewer figure."""
        label_agreement = self.values("label").specific_agreement()
        by_label = {
            label: counts.as_dict() | {"agreement": label_agreement.get(label)}
            for label, counts in self.by_label().items()
        }
        values = {}
        for attribute in ATTRIBUTES:
            n = agreed = 0
            for pair in self.pairs:
                for (a, b), count in pair.confusions.get(attribute, {}).items():
                    n += count
                    agreed += count if a == b else 0
            values[attribute] = {
                "n": n, "agreed": agreed, "share": _ratio(agreed, n),
                "alpha": self.alpha_of(attribute),
            }  # fmt: skip
        labelled = self.labelled
        return {
            "task_id": self.task_id, "reviewers": list(self.reviewers), "units": self.units,
            "summary": labelled.score("overlap").f1, "spans": self.spans.as_dict(),
            "labelled": labelled.as_dict(), "by_label": by_label, "values": values,
            "pairs": [pair.as_dict() for pair in self.pairs],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class AgreementReport:
    tasks: tuple[Agreement, ...]
    overall: Agreement

    def lowest_first(self) -> list[Agreement]:
        """Tasks by `summary`, lowest first; tasks with nothing to compare last."""
        return sorted(self.tasks, key=lambda task: (task.summary is None, task.summary or 0.0))


# --- computation ----------------------------------------------------------------------------

# A span as the matcher sees it: a plain tuple whose order is the matching order, an unset
# entity, fact or stance as "". Building and comparing these is what keeps a large project's
# comparison fast (`verify.services.agreement` loads rows straight from the database).
Row = tuple[bool, int, int, str, str, str, str, str]  # (is a claim, start, end, label,
#                                                        reviewer, entity, fact, stance)
Candidate = tuple[float, bool, int, int]  # (-IoU, labels differ, row index, row index)
# Entities are compared on mentions, facts and stances on claims: (attribute, row index).
_COMPARED: dict[bool, tuple[tuple[str, int], ...]] = {
    False: (("label", 3), ("entity", 5)),
    True: (("label", 3), ("fact", 6), ("stance", 7)),
}
UNIT_KINDS = {False: MENTION, True: CLAIM}  # a row's first field -> the unit's kind


def span_row(span: SpanItem) -> Row:
    """The span as a `Row`; rows sort in matching order: kind, start, end, label, reviewer..."""
    return (
        span.kind != MENTION, span.start, span.end, span.label, span.reviewer,
        span.entity or "", span.fact or "", span.stance or "",
    )  # fmt: skip


def unit_clusters(rows: Sequence[Row]) -> list[list[int]]:
    """Rows (sorted) clustered into units: each unit as its rows' indexes in reviewer order,
    the units in text order (by their first row)."""
    owner = list(range(len(rows)))  # row -> its cluster's key
    members: dict[int, dict[str, int]] = {}  # clusters of two rows or more
    same, candidates = _candidates(rows)
    _cluster(rows, same, owner, members)
    _cluster(rows, map(_INDEXES, candidates), owner, members)
    # In text order: each unit where its first row is.
    units: list[list[int] | None] = [[index] for index in range(len(rows))]
    for cluster in members.values():
        indexes = [index for _, index in sorted(cluster.items())]
        for index in indexes:
            units[index] = None
        units[min(indexes)] = indexes
    return [unit for unit in units if unit is not None]


def task_units(task: TaskAnnotations) -> list[Unit]:
    """The task's spans clustered into units (see the module docstring), in text order."""
    decorated = sorted((span_row(span), index) for index, span in enumerate(task.spans))
    rows = [row for row, _ in decorated]
    spans = [task.spans[index] for _, index in decorated]
    return [
        Unit(UNIT_KINDS[rows[cluster[0]][0]], {spans[i].reviewer: spans[i] for i in cluster})
        for cluster in unit_clusters(rows)
    ]


def label_sizes(reviewers: Iterable[str], rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    """Each reviewer's spans per label."""
    sizes: dict[str, dict[str, int]] = {reviewer: {} for reviewer in reviewers}
    for row in rows:
        per_label = sizes[row[4]]
        per_label[row[3]] = per_label.get(row[3], 0) + 1
    return sizes


def task_agreement(task: TaskAnnotations, *, units: Sequence[Unit] | None = None) -> Agreement:
    """Every figure for one task. Pass `units` when `task_units` has run already."""
    if units is None:
        rows = sorted(span_row(span) for span in task.spans)
        members = [[rows[i] for i in cluster] for cluster in unit_clusters(rows)]
    else:
        members = [[span_row(span) for span in unit.members.values()] for unit in units]
    sizes = label_sizes(task.reviewers, (span_row(span) for span in task.spans))
    tally = Tally(task.reviewers)
    for unit_rows in members:
        if len(unit_rows) > 1:
            tally.add(unit_rows)
    pairs = []
    for a, b in itertools.combinations(task.reviewers, 2):
        mine, theirs, matched = sizes[a], sizes[b], tally.matched[a, b]
        by_label = {
            label: SpanCounts(mine.get(label, 0), theirs.get(label, 0), *matched.get(label, (0, 0)))
            for label in sorted(mine.keys() | theirs.keys())
        }
        total = (sum(mine.values()), sum(theirs.values()))
        exact = sum(counts[0] for counts in matched.values())
        overlap = sum(counts[1] for counts in matched.values())
        spans = SpanCounts(*total, *tally.unlabelled[a, b])
        labelled = SpanCounts(*total, exact, overlap)
        pairs.append(PairAgreement(a, b, spans, labelled, by_label, tally.confusions[a, b]))
    return Agreement(task.task_id, tuple(task.reviewers), len(members), tuple(pairs), tally.alpha)


def agreement_report(tasks: Iterable[TaskAnnotations]) -> AgreementReport:
    per_task = tuple(task_agreement(task) for task in tasks)
    return AgreementReport(per_task, combine(per_task))


def combine(agreements: Iterable[Agreement]) -> Agreement:
    """Pool agreements (of tasks, usually) by adding their counts."""
    reviewers: set[str] = set()
    units = 0
    counts: dict[tuple[str, str], dict[str, list[int]]] = {}  # pair -> label ("" all) -> counts
    confusions: dict[tuple[str, str], dict[str, dict[tuple[str, str], int]]] = {}
    alpha: dict[str, dict[tuple[str, str], float]] = {attribute: {} for attribute in ATTRIBUTES}
    for agreement in agreements:
        reviewers.update(agreement.reviewers)
        units += agreement.units
        for pair in agreement.pairs:
            key = (pair.reviewer_a, pair.reviewer_b)
            into = counts.setdefault(key, {})
            for label, span_counts in itertools.chain([("", pair.spans)], pair.by_label.items()):
                total = into.setdefault(label, [0, 0, 0, 0])
                total[0] += span_counts.reference
                total[1] += span_counts.other
                total[2] += span_counts.exact
                total[3] += span_counts.overlap
            values = confusions.setdefault(key, {attribute: {} for attribute in ATTRIBUTES})
            for attribute, confusion in pair.confusions.items():
                pooled = values[attribute]
                for cell, count in confusion.items():
                    pooled[cell] = pooled.get(cell, 0) + count
        for attribute, matrix in agreement.alpha.items():
            cells = alpha[attribute]
            for cell, o in matrix.items():
                cells[cell] = cells.get(cell, 0.0) + o
    pairs = []
    for key in sorted(counts):
        by_label = {label: SpanCounts(*c) for label, c in sorted(counts[key].items()) if label}
        labelled = sum(by_label.values(), SpanCounts())
        pairs.append(
            PairAgreement(*key, SpanCounts(*counts[key][""]), labelled, by_label, confusions[key])
        )
    return Agreement(None, tuple(sorted(reviewers)), units, tuple(pairs), alpha)


def _candidates(rows: Sequence[Row]) -> tuple[list[tuple[int, int]], list[Candidate]]:
    """Every pair of overlapping rows of the same kind by two reviewers, as indexes into
    `rows` (sorted by kind, then start), in matching order, in two lists: first the pairs
    with the same boundaries and label (IoU 1: the first in matching order, most pairs),
    then the others."""
    same: list[tuple[int, int]] = []
    candidates: list[Candidate] = []
    # Earlier rows of the same kind that may still overlap: (end, reviewer, label, start, index).
    active: list[tuple[int, str, str, int, int]] = []
    kind = None
    for j, row in enumerate(rows):
        claim, start, end, label, reviewer = row[:5]
        if claim is not kind:
            kind, active = claim, []
        elif active:
            active = [t for t in active if t[0] > start]
            for t_end, t_reviewer, t_label, t_start, i in active:  # t_start <= start < t_end
                if t_reviewer != reviewer:
                    if t_end == end and t_start == start and t_label == label:
                        same.append((i, j))
                    else:
                        inter = (end if end < t_end else t_end) - start
                        union = (end if end > t_end else t_end) - t_start
                        candidates.append((-inter / union, label != t_label, i, j))
        active.append((end, reviewer, label, start, j))
    same.sort()
    candidates.sort()
    return same, candidates


_INDEXES = operator.itemgetter(2, 3)  # a candidate's two rows


def _cluster(
    rows: Sequence[Row],
    pairs: Iterable[tuple[int, int]],
    owner: list[int],
    members: dict[int, dict[str, int]],
) -> None:
    """Greedy: take candidate pairs in order, merge their clusters unless that would give a
    reviewer two spans or put two spans that do not overlap together."""
    for i, j in pairs:
        ci, cj = owner[i], owner[j]
        if ci == cj:
            continue
        mi, mj = members.get(ci), members.get(cj)
        if mi is None and mj is None:  # two lone rows of different reviewers
            members[ci] = {rows[i][4]: i, rows[j][4]: j}
            owner[j] = ci
            continue
        if mi is None or mj is None:  # one lone row joins a cluster: the usual case
            if mi is None:
                lone, cluster, key = i, mj, cj
            else:
                lone, cluster, key = j, mi, ci
            assert cluster is not None
            s = rows[lone]
            start, end = s[1], s[2]
            if s[4] not in cluster and all(
                rows[x][1] < end and start < rows[x][2] for x in cluster.values()
            ):
                cluster[s[4]] = lone
                owner[lone] = key
            continue
        if not (
            mi.keys().isdisjoint(mj)
            and all(
                rows[x][1] < rows[y][2] and rows[y][1] < rows[x][2]
                for x in mi.values()
                for y in mj.values()
            )
        ):
            continue
        mi.update(mj)
        for index in mj.values():
            owner[index] = ci
        del members[cj]


def unit_agreed(rows: Sequence[Row]) -> bool:
    """Whether everyone who has the unit drew the same span (boundaries, label, links)."""
    first = rows[0]
    start, end, label, entity, fact, stance = (
        first[1], first[2], first[3], first[5], first[6], first[7],
    )  # fmt: skip
    for row in rows:
        if (
            row[1] != start or row[2] != end or row[3] != label
            or row[5] != entity or row[6] != fact or row[7] != stance
        ):  # fmt: skip
            return False
    return True


class Tally:
    """Counts over units, per reviewer pair: spans matched (in the same unit), matched with
    equal boundaries, and per label; the confusion of each attribute; and per attribute the
    coincidences for alpha. An entity, fact or stance counts only where someone set it; a
    stance only between spans that link the same fact (for alpha: all the unit's spans)."""

    def __init__(self, reviewers: Sequence[str]) -> None:
        pairs = list(itertools.combinations(reviewers, 2))
        self.unlabelled = {pair: [0, 0] for pair in pairs}  # [exact, overlap]
        self.matched: dict[tuple[str, str], dict[str, list[int]]] = {pair: {} for pair in pairs}
        self.confusions: dict[tuple[str, str], dict[str, dict[tuple[str, str], int]]] = {
            pair: {attribute: {} for attribute in ATTRIBUTES} for pair in pairs
        }
        self.alpha: dict[str, dict[tuple[str, str], float]] = {a: {} for a in ATTRIBUTES}
        # What a pair's units add to; and for a unit everyone has (the usual case), the
        # pairs of row indexes with theirs, in pair order.
        self._targets = {
            pair: (self.unlabelled[pair], self.matched[pair], self.confusions[pair])
            for pair in pairs
        }
        self._everyone = len(reviewers)
        self._all_pairs = list(
            zip(
                itertools.combinations(range(len(reviewers)), 2),
                self._targets.values(),
                strict=True,
            )
        )

    def add(self, rows: Sequence[Row], agreed: bool | None = None) -> None:
        """One unit of two rows or more, in reviewer order (`agreed`: `unit_agreed(rows)`)."""
        if agreed is None:
            agreed = unit_agreed(rows)
        pairs = (
            self._all_pairs
            if len(rows) == self._everyone
            else [
                ((x, y), self._targets[rows[x][4], rows[y][4]])
                for x, y in itertools.combinations(range(len(rows)), 2)
            ]
        )
        if agreed:
            self._add_agreed(rows, pairs)
        else:
            self._add_mixed(rows, pairs)

    def _add_agreed(self, rows: Sequence[Row], pairs: list[Any]) -> None:
        """The usual case, counted directly: everyone who has the unit drew the same span."""
        first, m = rows[0], len(rows)
        label = first[3]
        cells = [("label", (label, label))]
        if first[0]:
            if first[6]:
                cells.append(("fact", (first[6], first[6])))
            if first[7]:
                cells.append(("stance", (first[7], first[7])))
        elif first[5]:
            cells.append(("entity", (first[5], first[5])))
        alpha = self.alpha
        for attribute, cell in cells:  # m (m - 1) ordered pairs, each adding 1 / (m - 1)
            matrix = alpha[attribute]
            matrix[cell] = matrix.get(cell, 0.0) + m
        for _, (unlabelled, matched, confusions) in pairs:
            unlabelled[0] += 1
            unlabelled[1] += 1
            counts = matched.get(label)
            if counts is None:
                matched[label] = [1, 1]
            else:
                counts[0] += 1
                counts[1] += 1
            for attribute, cell in cells:
                confusion = confusions[attribute]
                confusion[cell] = confusion.get(cell, 0) + 1

    def _add_mixed(self, rows: Sequence[Row], pairs: list[Any]) -> None:
        m = len(rows)
        claim = rows[0][0]
        if claim:
            fact = rows[0][6]
            same_fact = all(row[6] == fact for row in rows)
        else:
            same_fact = True  # mentions link no fact (and have no stance)
        columns = []
        for attribute, index in _COMPARED[claim]:
            raw = [row[index] for row in rows]
            if attribute == "label":
                values = raw
                optional = False
            else:
                if raw.count("") == m:
                    continue  # nobody set it: neither the unit nor any pair compares it
                values = [value or UNSET for value in raw]
                optional = True
            columns.append((attribute, optional, raw, values))
            if attribute != "stance" or same_fact:
                add_coincidences(self.alpha[attribute], values)
        for (x, y), (unlabelled, matched, confusions) in pairs:
            sx, sy = rows[x], rows[y]
            exact = sx[1] == sy[1] and sx[2] == sy[2]
            unlabelled[0] += exact
            unlabelled[1] += 1
            if sx[3] == sy[3]:
                counts = matched.get(sx[3])
                if counts is None:
                    matched[sx[3]] = [int(exact), 1]
                else:
                    counts[0] += exact
                    counts[1] += 1
            for attribute, optional, raw, values in columns:
                # The rules above for two spans: both unset, or a stance on different facts.
                if optional and (
                    (not raw[x] and not raw[y]) or (attribute == "stance" and sx[6] != sy[6])
                ):
                    continue
                confusion = confusions[attribute]
                cell = (values[x], values[y])
                confusion[cell] = confusion.get(cell, 0) + 1
