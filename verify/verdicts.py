"""The verdict rules: pure functions from evidence to a verdict and its explanation.

No database here: `verify.selectors.facts.fact_evidence` gathers `Evidence` rows and
`verify.services.facts.fact_verdict_refresh` stores the result. The rules count
*independent origins*, not articles: five outlets relaying one ministry statement are one
origin, so they make a fact single-source, never corroborated.

- unverified: no evidence.
- disputed: some origin supports it and some origin refutes it (the same origin on both
  sides counts too: its relays disagree, or reviewers read it differently), or at least
  two origins refute it and none supports it.
- corroborated: at least two independent origins support it and none refutes it.
- single-source: all the evidence comes from one origin (supporting or refuting).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CORROBORATED = "corroborated"
DISPUTED = "disputed"
SINGLE_SOURCE = "single_source"
UNVERIFIED = "unverified"

SUPPORTS = "supports"
REFUTES = "refutes"

BASIS_NONE = "none"
BASIS_SUBMITTED = "submitted"
BASIS_MIXED = "mixed"
BASIS_ADJUDICATED = "adjudicated"

_BASIS_WORDS = {
    BASIS_NONE: "",
    BASIS_SUBMITTED: " Based on submitted evidence, before adjudication.",
    BASIS_MIXED: " Based on adjudicated evidence where a task was adjudicated, "
    "submitted evidence elsewhere.",
    BASIS_ADJUDICATED: " Based on adjudicated evidence.",
}


@dataclass(frozen=True)
class Evidence:
    """One claim linked to the fact, with where it ultimately comes from."""

    ref: str  # "claim:<id>" (a reviewer's submitted claim) or "gold:<id>" (adjudicated)
    article_id: int
    origin_key: str
    origin_name: str
    stance: str
    outlet: str = ""
    language: str = ""
    adjudicated: bool = False


@dataclass
class OriginSide:
    key: str
    name: str
    articles: list[int] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "articles": self.articles,
            "outlets": self.outlets,
            "refs": self.refs,
        }


@dataclass
class VerdictResult:
    verdict: str
    basis: str
    supporting: list[OriginSide]
    refuting: list[OriginSide]
    languages: list[str]
    summary: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "basis": self.basis,
            "summary": self.summary,
            "supporting": [o.as_dict() for o in self.supporting],
            "refuting": [o.as_dict() for o in self.refuting],
            "languages": self.languages,
        }


def _sides(evidence: Iterable[Evidence], stance: str) -> list[OriginSide]:
    by_key: dict[str, OriginSide] = {}
    for e in sorted(evidence, key=lambda e: (e.origin_key, e.article_id, e.ref)):
        if e.stance != stance:
            continue
        side = by_key.setdefault(e.origin_key, OriginSide(key=e.origin_key, name=e.origin_name))
        if e.article_id not in side.articles:
            side.articles.append(e.article_id)
        if e.outlet and e.outlet not in side.outlets:
            side.outlets.append(e.outlet)
        side.refs.append(e.ref)
    return sorted(by_key.values(), key=lambda s: (s.name, s.key))


def _names(sides: list[OriginSide]) -> str:
    parts = []
    for s in sides:
        n = len(s.articles)
        parts.append(f"{s.name} ({n} article{'s' if n != 1 else ''})")
    return ", ".join(parts)


def verdict_decide(*, evidence: Iterable[Evidence], basis: str) -> VerdictResult:
    """The verdict for a fact from all its evidence (already filtered to the basis)."""
    evidence = list(evidence)
    unknown = {e.stance for e in evidence} - {SUPPORTS, REFUTES}
    if unknown:
        raise ValueError(f"Unknown stance: {sorted(unknown)}")
    supporting = _sides(evidence, SUPPORTS)
    refuting = _sides(evidence, REFUTES)
    languages = sorted({e.language for e in evidence if e.language})
    origins = {e.origin_key for e in evidence}
    if not evidence:
        verdict, summary = UNVERIFIED, "No evidence yet."
        basis = BASIS_NONE
    elif supporting and refuting:
        verdict = DISPUTED
        summary = f"Supported by {_names(supporting)}; refuted by {_names(refuting)}."
    elif len(refuting) >= 2:
        verdict = DISPUTED
        summary = f"Refuted by {len(refuting)} independent origins: {_names(refuting)}."
    elif len(supporting) >= 2:
        verdict = CORROBORATED
        summary = f"Supported by {len(supporting)} independent origins: {_names(supporting)}."
    else:
        assert len(origins) == 1
        verdict = SINGLE_SOURCE
        (side,) = supporting or refuting
        word = "Supported" if supporting else "Refuted"
        n = len(side.articles)
        relays = f" ({n} articles relay it: they count once)" if n > 1 else ""
        summary = f"{word} by one origin only: {side.name}{relays}."
    return VerdictResult(
        verdict=verdict,
        basis=basis,
        supporting=supporting,
        refuting=refuting,
        languages=languages,
        summary=summary + _BASIS_WORDS.get(basis, ""),
    )
