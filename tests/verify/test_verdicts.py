"""The pure verdict rules: independent origins, not articles, decide."""

from __future__ import annotations

import itertools

import pytest

from verify.verdicts import (
    BASIS_ADJUDICATED,
    BASIS_NONE,
    BASIS_SUBMITTED,
    CORROBORATED,
    DISPUTED,
    REFUTES,
    SINGLE_SOURCE,
    SUPPORTS,
    UNVERIFIED,
    Evidence,
    verdict_decide,
)

_refs = itertools.count(1)


def ev(
    origin: str,
    stance: str = SUPPORTS,
    *,
    article: int | None = None,
    outlet: str = "",
    language: str = "ru",
) -> Evidence:
    n = next(_refs)
    return Evidence(
        ref=f"claim:{n}",
        article_id=article if article is not None else n,
        origin_key=f"entity:{origin}",
        origin_name=origin,
        stance=stance,
        outlet=outlet,
        language=language,
    )


def test_no_evidence_is_unverified() -> None:
    result = verdict_decide(evidence=[], basis=BASIS_SUBMITTED)
    assert result.verdict == UNVERIFIED
    assert result.basis == BASIS_NONE
    assert result.summary == "No evidence yet."


def test_one_article_is_single_source() -> None:
    result = verdict_decide(evidence=[ev("SANA")], basis=BASIS_SUBMITTED)
    assert result.verdict == SINGLE_SOURCE
    assert [o.name for o in result.supporting] == ["SANA"]


def test_five_outlets_relaying_one_ministry_statement_are_one_origin() -> None:
    relays = [
        ev("Russian MoD", article=i, outlet=o)
        for i, o in enumerate(["TASS", "RIA", "RT", "SANA", "Interfax"])
    ]
    result = verdict_decide(evidence=relays, basis=BASIS_SUBMITTED)
    assert result.verdict == SINGLE_SOURCE
    assert len(result.supporting) == 1
    assert result.supporting[0].articles == [0, 1, 2, 3, 4]
    assert result.supporting[0].outlets == ["TASS", "RIA", "RT", "SANA", "Interfax"]
    assert "5 articles relay it: they count once" in result.summary


def test_relays_plus_one_independent_origin_corroborate() -> None:
    relays = [ev("Russian MoD", article=i) for i in range(5)]
    result = verdict_decide(
        evidence=[*relays, ev("Reuters sources", language="en")], basis=BASIS_SUBMITTED
    )
    assert result.verdict == CORROBORATED
    assert [o.name for o in result.supporting] == ["Reuters sources", "Russian MoD"]
    assert result.languages == ["en", "ru"]
    assert "2 independent origins" in result.summary


def test_two_origins_supporting_corroborate() -> None:
    result = verdict_decide(evidence=[ev("SANA", language="ar"), ev("TASS")], basis=BASIS_SUBMITTED)
    assert result.verdict == CORROBORATED


def test_support_and_refutation_are_disputed() -> None:
    result = verdict_decide(
        evidence=[ev("SANA"), ev("TASS"), ev("Reuters", REFUTES)], basis=BASIS_SUBMITTED
    )
    assert result.verdict == DISPUTED
    assert [o.name for o in result.refuting] == ["Reuters"]
    assert "refuted by Reuters" in result.summary


def test_one_origin_on_both_sides_is_disputed() -> None:
    result = verdict_decide(evidence=[ev("TASS"), ev("TASS", REFUTES)], basis=BASIS_SUBMITTED)
    assert result.verdict == DISPUTED


def test_one_refuting_origin_alone_is_single_source() -> None:
    result = verdict_decide(
        evidence=[ev("TASS", REFUTES), ev("TASS", REFUTES)], basis=BASIS_SUBMITTED
    )
    assert result.verdict == SINGLE_SOURCE
    assert result.summary.startswith("Refuted by one origin only: TASS")


def test_two_refuting_origins_without_support_are_disputed() -> None:
    result = verdict_decide(
        evidence=[ev("TASS", REFUTES), ev("SANA", REFUTES)], basis=BASIS_SUBMITTED
    )
    assert result.verdict == DISPUTED
    assert not result.supporting


def test_the_summary_says_it_is_before_adjudication() -> None:
    result = verdict_decide(evidence=[ev("SANA"), ev("TASS")], basis=BASIS_SUBMITTED)
    assert result.summary.endswith("Based on submitted evidence, before adjudication.")


def test_the_summary_says_it_is_adjudicated() -> None:
    result = verdict_decide(evidence=[ev("SANA"), ev("TASS")], basis=BASIS_ADJUDICATED)
    assert result.basis == BASIS_ADJUDICATED
    assert result.summary.endswith("Based on adjudicated evidence.")


def test_the_explanation_names_origins_and_articles() -> None:
    result = verdict_decide(
        evidence=[ev("SANA", article=7, outlet="SANA"), ev("TASS", article=9, outlet="TASS")],
        basis=BASIS_SUBMITTED,
    )
    data = result.as_dict()
    assert data["verdict"] == CORROBORATED
    assert [(o["name"], o["articles"], o["outlets"]) for o in data["supporting"]] == [
        ("SANA", [7], ["SANA"]),
        ("TASS", [9], ["TASS"]),
    ]


def test_it_rejects_an_unknown_stance() -> None:
    with pytest.raises(ValueError, match="Unknown stance"):
        verdict_decide(evidence=[ev("SANA", "maybe")], basis=BASIS_SUBMITTED)


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        ([], UNVERIFIED),
        ([("A", SUPPORTS)], SINGLE_SOURCE),
        ([("A", REFUTES)], SINGLE_SOURCE),
        ([("A", SUPPORTS), ("A", SUPPORTS)], SINGLE_SOURCE),
        ([("A", SUPPORTS), ("B", SUPPORTS)], CORROBORATED),
        ([("A", SUPPORTS), ("B", SUPPORTS), ("C", SUPPORTS)], CORROBORATED),
        ([("A", SUPPORTS), ("B", REFUTES)], DISPUTED),
        ([("A", SUPPORTS), ("B", SUPPORTS), ("C", REFUTES)], DISPUTED),
        ([("A", SUPPORTS), ("A", REFUTES)], DISPUTED),
        ([("A", REFUTES), ("B", REFUTES)], DISPUTED),
    ],
)
def test_every_combination_of_origins_and_stances(
    sides: list[tuple[str, str]], expected: str
) -> None:
    assert (
        verdict_decide(evidence=[ev(o, s) for o, s in sides], basis=BASIS_SUBMITTED).verdict
        == expected
    )
