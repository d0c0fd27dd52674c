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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
    for i, c in enumerate(values):
        for j, k in enumerate(values):
            if i != j:
                matrix[c, k] = matrix.get((c, k), 0.0) + weight


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

Candidate = tuple[float, bool, int, int]  # (-IoU, labels differ, span index, span index)
# Entities are compared on mentions, facts and stances on claims.
_COMPARED = {MENTION: ("label", "entity"), CLAIM: ("label", "fact", "stance")}


def task_units(task: TaskAnnotations) -> list[Unit]:
    """The task's spans clustered into units (see the module docstring), in text order."""
    spans = sorted(
        task.spans,
        key=lambda s: (
            s.kind != MENTION, s.start, s.end, s.label, s.reviewer,
            s.entity or "", s.fact or "", s.stance or "",
        ),
    )  # fmt: skip
    return _cluster(spans, _candidates(spans))


def task_agreement(task: TaskAnnotations, *, units: Sequence[Unit] | None = None) -> Agreement:
    """Every figure for one task. Pass `units` when `task_units` has run already."""
    if units is None:
        units = task_units(task)
    sizes: dict[str, dict[str, int]] = {reviewer: {} for reviewer in task.reviewers}
    for span in task.spans:
        per_label = sizes[span.reviewer]
        per_label[span.label] = per_label.get(span.label, 0) + 1
    tally = _Tally(task.reviewers)
    for unit in units:
        if len(unit.members) > 1:
            tally.add(unit)
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
    return Agreement(task.task_id, tuple(task.reviewers), len(units), tuple(pairs), tally.alpha)


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


def _candidates(spans: list[SpanItem]) -> list[Candidate]:
    """Every pair of overlapping spans of the same kind by two reviewers, as indexes into
    `spans` (sorted by kind, then start), in matching order."""
    candidates: list[Candidate] = []
    active: list[int] = []  # earlier spans of the same kind, some of which may have ended
    kind = ""
    for j, s in enumerate(spans):
        if s.kind != kind:
            kind, active = s.kind, []
        elif len(active) > 8:
            active = [i for i in active if spans[i].end > s.start]
        for i in active:
            t = spans[i]  # t.start <= s.start
            if t.end > s.start and t.reviewer != s.reviewer:
                inter = (s.end if s.end < t.end else t.end) - s.start
                union = (s.end if s.end > t.end else t.end) - t.start
                candidates.append((-inter / union, s.label != t.label, i, j))
        active.append(j)
    candidates.sort()
    return candidates


def _cluster(spans: list[SpanItem], candidates: list[Candidate]) -> list[Unit]:
    """Greedy: take candidate pairs in order, merge their clusters unless that would give a
    reviewer two spans or put two spans that do not overlap together."""
    owner = list(range(len(spans)))  # span -> its cluster's key
    members: dict[int, dict[str, int]] = {}  # clusters of two spans or more
    for _, _, i, j in candidates:
        ci, cj = owner[i], owner[j]
        if ci == cj:
            continue
        mi, mj = members.get(ci), members.get(cj)
        if mi is None and mj is None:  # two lone spans of different reviewers: the usual case
            members[ci] = {spans[i].reviewer: i, spans[j].reviewer: j}
            owner[j] = ci
            continue
        if mi is None or mj is None:  # one lone span joins a cluster
            if mi is None:
                lone, cluster, key = i, mj, cj
            else:
                lone, cluster, key = j, mi, ci
            assert cluster is not None
            s = spans[lone]
            if s.reviewer not in cluster and all(
                spans[x].start < s.end and s.start < spans[x].end for x in cluster.values()
            ):
                cluster[s.reviewer] = lone
                owner[lone] = key
            continue
        if not (
            mi.keys().isdisjoint(mj)
            and all(
                spans[x].start < spans[y].end and spans[y].start < spans[x].end
                for x in mi.values()
                for y in mj.values()
            )
        ):
            continue
        mi.update(mj)
        for index in mj.values():
            owner[index] = ci
        del members[cj]
    units = []
    seen: set[int] = set()
    for index, span in enumerate(spans):  # a cluster's first span comes first
        key = owner[index]
        if key not in seen:
            seen.add(key)
            cluster = members.get(key)
            if cluster is None:
                units.append(Unit(span.kind, {span.reviewer: span}))
            else:
                units.append(Unit(span.kind, {r: spans[i] for r, i in sorted(cluster.items())}))
    return units


class _Tally:
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

    def add(self, unit: Unit) -> None:
        spans = list(unit.members.values())  # in reviewer order
        first = spans[0]
        if all(
            s.start == first.start and s.end == first.end and s.label == first.label
            and s.entity == first.entity and s.fact == first.fact and s.stance == first.stance
            for s in spans
        ):  # fmt: skip
            self._add_agreed(unit.kind, spans)
        else:
            self._add_mixed(unit.kind, spans)

    def _add_agreed(self, kind: str, spans: list[SpanItem]) -> None:
        """The usual case, counted directly: everyone who has the unit drew the same span."""
        first, m = spans[0], len(spans)
        cells = [("label", first.label)]
        for attribute in _COMPARED[kind][1:]:
            value = getattr(first, attribute)
            if value is not None:
                cells.append((attribute, value))
        for attribute, value in cells:  # m (m - 1) ordered pairs, each adding 1 / (m - 1)
            matrix = self.alpha[attribute]
            matrix[value, value] = matrix.get((value, value), 0.0) + m
        for x, y in itertools.combinations(spans, 2):
            key = (x.reviewer, y.reviewer)
            counts = self.unlabelled[key]
            counts[0] += 1
            counts[1] += 1
            matched = self.matched[key]
            if first.label in matched:
                counts = matched[first.label]
                counts[0] += 1
                counts[1] += 1
            else:
                matched[first.label] = [1, 1]
            confusions = self.confusions[key]
            for attribute, value in cells:
                confusion = confusions[attribute]
                confusion[value, value] = confusion.get((value, value), 0) + 1

    def _add_mixed(self, kind: str, spans: list[SpanItem]) -> None:
        m = len(spans)
        same_fact = all(span.fact == spans[0].fact for span in spans)
        columns = []
        for attribute in _COMPARED[kind]:
            raw = [getattr(span, attribute) for span in spans]
            if attribute != "label" and raw.count(None) == m:
                continue  # nobody set it: neither the unit nor any pair compares it
            values = [UNSET if value is None else value for value in raw]
            columns.append((attribute, raw, values))
            if attribute != "stance" or same_fact:
                add_coincidences(self.alpha[attribute], values)
        for x, y in itertools.combinations(range(m), 2):
            sx, sy = spans[x], spans[y]
            key = (sx.reviewer, sy.reviewer)
            exact = sx.start == sy.start and sx.end == sy.end
            counts = self.unlabelled[key]
            counts[0] += exact
            counts[1] += 1
            if sx.label == sy.label:
                counts = self.matched[key].setdefault(sx.label, [0, 0])
                counts[0] += exact
                counts[1] += 1
            confusions = self.confusions[key]
            for attribute, raw, values in columns:
                # The rules above for two spans: both unset, or a stance on different facts.
                if (raw[x] is None and raw[y] is None) or (
                    attribute == "stance" and sx.fact != sy.fact
                ):
                    continue
                confusion = confusions[attribute]
                cell = (values[x], values[y])
                confusion[cell] = confusion.get(cell, 0) + 1
