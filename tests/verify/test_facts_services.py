"""Facts: creating them, linking claims through the annotation, origins and verdict refresh."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError

from annotate.models import Annotation, Claim, Task
from annotate.results import result_from_rows
from annotate.services.annotations import annotation_save_draft
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import article_make, span, task_make
from tests.verify.facts_helpers import (
    AR_MEETING,
    RU_MEETING,
    claim_linked,
    fact_result,
)
from verify import embeddings
from verify.models import Entity, Fact, GoldSpan, Origin
from verify.services.facts import fact_create, fact_update, fact_verdict_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def fact(alice: AbstractUser) -> Fact:
    return fact_create(
        user=alice, statement="Belousov met Abu Qasra in Moscow", claim_text=AR_MEETING
    )


@pytest.fixture
def mod() -> Entity:
    return Entity.objects.create(type="ORG", preferred_name="Russian Ministry of Defence")


def test_it_creates_a_fact_with_a_stored_unit_vector(fact: Fact) -> None:
    fact.refresh_from_db()
    vector = embeddings.from_bytes(fact.vector)  # type: ignore[arg-type]
    assert vector.shape == (embeddings.DIM,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    assert fact.vector_model == embeddings.MODEL_NAME
    assert fact.verdict == Fact.Verdict.UNVERIFIED


def test_it_refuses_an_empty_statement(alice: AbstractUser) -> None:
    with pytest.raises(ValidationError) as error:
        fact_create(user=alice, statement="   ")
    assert "statement" in error.value.message_dict
    assert not Fact.objects.exists()


def test_it_refuses_a_time_range_that_ends_before_it_starts(alice: AbstractUser) -> None:
    with pytest.raises(ValidationError) as error:
        fact_create(
            user=alice, statement="Talks in Moscow", time_start=dt.date(2025, 10, 20),
            time_end=dt.date(2025, 10, 15),
        )  # fmt: skip
    assert "time_end" in error.value.message_dict


def test_a_range_keeps_its_words(alice: AbstractUser) -> None:
    fact = fact_create(
        user=alice, statement="Putin and al-Sharaa held talks in Moscow",
        time_start=dt.date(2025, 10, 11), time_end=dt.date(2025, 10, 20),
        time_text="в середине октября",
    )  # fmt: skip
    fact.refresh_from_db()
    assert (fact.time_start, fact.time_end, fact.time_text) == (
        dt.date(2025, 10, 11), dt.date(2025, 10, 20), "в середине октября",
    )  # fmt: skip


def test_it_links_parts_to_the_entity_a_merged_one_points_to(alice: AbstractUser) -> None:
    kept = Entity.objects.create(type="PER", preferred_name="Andrey Belousov")
    merged = Entity.objects.create(type="PER", preferred_name="Белоусов", merged_into=kept)
    fact = fact_create(user=alice, statement="Belousov met Abu Qasra", subject=merged)
    assert fact.subject == kept


def test_editing_the_statement_recomputes_the_vector(fact: Fact) -> None:
    before = bytes(fact.vector)  # type: ignore[arg-type]
    fact_update(fact=fact, statement="Abu Qasra visited Moscow in July")
    fact.refresh_from_db()
    assert fact.statement == "Abu Qasra visited Moscow in July"
    assert bytes(fact.vector) != before  # type: ignore[arg-type]


def test_a_claim_links_to_a_fact_through_its_annotation(alice: AbstractUser, fact: Fact) -> None:
    claim = claim_linked(reviewer=alice, fact=fact, submit=False)
    assert (claim.fact, claim.stance) == (fact, "supports")
    rows = result_from_rows(mentions=[], claims=[claim], label_names={claim.label_id: "CLAIM"})
    assert {"id": "c", "from_name": "fact", "to_name": "text", "type": "choices",
            "value": {"choices": ["supports"], "fact_id": fact.pk}} in rows  # fmt: skip


def test_it_refuses_a_link_to_a_fact_that_does_not_exist(alice: AbstractUser) -> None:
    article = article_make(text=RU_MEETING)
    annotation = task_start_for_reviewer(task=task_make(article=article), reviewer=alice)
    ghost = Fact(pk=999_999, statement="nothing")
    result = [span(article.text, RU_MEETING, "CLAIM", rid="c"), fact_result("c", ghost)]
    with pytest.raises(ValidationError, match="No fact has the id 999999"):
        annotation_save_draft(annotation=annotation, version=0, result=result)
    assert not Claim.objects.exists()


def test_it_refuses_a_stance_that_is_neither_supports_nor_refutes(
    alice: AbstractUser, fact: Fact
) -> None:
    article = article_make(text=RU_MEETING)
    annotation = task_start_for_reviewer(task=task_make(article=article), reviewer=alice)
    result = [span(article.text, RU_MEETING, "CLAIM", rid="c"), fact_result("c", fact, "maybe")]
    with pytest.raises(ValidationError) as error:
        annotation_save_draft(annotation=annotation, version=0, result=result)
    assert "result[1].value.choices" in error.value.message_dict


def test_a_mention_cannot_link_to_a_fact(alice: AbstractUser, fact: Fact) -> None:
    article = article_make(text=RU_MEETING)
    annotation = task_start_for_reviewer(task=task_make(article=article), reviewer=alice)
    result = [span(article.text, "Андрей Белоусов", "PER", rid="m"), fact_result("m", fact)]
    with pytest.raises(ValidationError) as error:
        annotation_save_draft(annotation=annotation, version=0, result=result)
    assert "result[1].id" in error.value.message_dict


def test_a_draft_is_not_evidence(alice: AbstractUser, fact: Fact) -> None:
    claim_linked(reviewer=alice, fact=fact, submit=False)
    fact_verdict_refresh(fact=fact)
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.UNVERIFIED
    assert fact.verdict_basis == Fact.Basis.NONE


def test_submitting_makes_the_fact_single_source(alice: AbstractUser, fact: Fact) -> None:
    claim = claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.SINGLE_SOURCE
    assert fact.verdict_basis == Fact.Basis.SUBMITTED
    assert (fact.supporting_origins, fact.refuting_origins) == (1, 0)
    assert fact.languages == ["ru"]
    assert fact.verdict_explanation["supporting"][0]["name"] == "TASS"
    assert fact.verdict_explanation["supporting"][0]["articles"] == [
        claim.annotation.task.article_id
    ]
    assert "before adjudication" in fact.verdict_explanation["summary"]
    assert (
        Origin.objects.get(key=f"source:{claim.annotation.task.article.source_id}").name == "TASS"
    )


def test_two_outlets_with_their_own_reports_corroborate(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.CORROBORATED
    assert fact.supporting_origins == 2
    assert fact.languages == ["ar", "ru"]


def test_five_outlets_relaying_the_ministry_count_as_one_origin(
    alice: AbstractUser, fact: Fact, mod: Entity
) -> None:
    for outlet in ["TASS", "RIA Novosti", "RT Arabic", "Sputnik", "Interfax"]:
        claim_linked(
            reviewer=alice, fact=fact, outlet=outlet, said_by="Минобороны", said_by_entity=mod
        )
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.SINGLE_SOURCE
    assert fact.supporting_origins == 1
    (origin,) = fact.verdict_explanation["supporting"]
    assert origin["name"] == "Russian Ministry of Defence"
    assert len(origin["articles"]) == 5
    assert Origin.objects.get(key=f"entity:{mod.pk}").entity == mod


def test_relays_of_an_unlinked_name_still_count_once(alice: AbstractUser, fact: Fact) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS", said_by="Минобороны")
    claim_linked(reviewer=alice, fact=fact, outlet="RIA Novosti", said_by="Минобороны")
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.SINGLE_SOURCE
    assert Origin.objects.filter(kind=Origin.Kind.NAME).count() == 1


def test_an_independent_origin_beside_the_relays_corroborates(
    alice: AbstractUser, bob: AbstractUser, fact: Fact, mod: Entity
) -> None:
    for outlet in ["TASS", "RIA Novosti", "Sputnik"]:
        claim_linked(
            reviewer=alice, fact=fact, outlet=outlet, said_by="Минобороны", said_by_entity=mod
        )
    claim_linked(reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar")
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.CORROBORATED
    assert fact.supporting_origins == 2


def test_a_refuting_origin_makes_it_disputed(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    claim_linked(
        reviewer=bob,
        fact=fact,
        outlet="SANA",
        stance="refutes",
        claim_text=AR_MEETING,
        language="ar",
    )
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.DISPUTED
    assert (fact.supporting_origins, fact.refuting_origins) == (1, 1)


def test_after_adjudication_only_the_gold_layer_counts(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    from verify.models import Adjudication

    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    refuting = claim_linked(
        reviewer=bob,
        fact=fact,
        outlet="SANA",
        stance="refutes",
        claim_text=AR_MEETING,
        language="ar",
    )
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.DISPUTED
    # An admin decides the Arabic article's claim supports the fact after all.
    task = refuting.annotation.task
    adjudication = Adjudication.objects.create(task=task, state=Adjudication.State.DONE)
    GoldSpan.objects.create(
        task=task, adjudication=adjudication, kind=GoldSpan.Kind.CLAIM, start=refuting.start,
        end=refuting.end, text=refuting.text, label="CLAIM", fact=fact, stance="supports",
        origin=GoldSpan.Origin.ADJUDICATED,
    )  # fmt: skip
    Task.objects.filter(pk=task.pk).update(state=Task.State.ADJUDICATED)
    fact_verdict_refresh(fact=fact)
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.CORROBORATED
    assert fact.verdict_basis == Fact.Basis.MIXED
    refs = {r for side in fact.verdict_explanation["supporting"] for r in side["refs"]}
    assert any(r.startswith("gold:") for r in refs)
    assert f"claim:{refuting.pk}" not in str(fact.verdict_explanation)


def test_skipped_annotations_are_not_evidence(alice: AbstractUser, fact: Fact) -> None:
    claim = claim_linked(reviewer=alice, fact=fact, submit=False)
    Annotation.objects.filter(pk=claim.annotation_id).update(state="skipped", skip_reason="x")
    fact_verdict_refresh(fact=fact)
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.UNVERIFIED


def test_adjudicating_a_task_that_drops_a_link_refreshes_that_fact(
    alice: AbstractUser, bob: AbstractUser, fact: Fact
) -> None:
    from verify.models import Adjudication
    from verify.services.facts import fact_verdicts_refresh_for_task

    claim_linked(reviewer=alice, fact=fact, outlet="TASS")
    dropped = claim_linked(
        reviewer=bob, fact=fact, outlet="SANA", claim_text=AR_MEETING, language="ar"
    )
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.CORROBORATED
    # The admin rejects the Arabic claim: the gold layer of that task has no link to the fact.
    task = dropped.annotation.task
    Adjudication.objects.create(task=task, state=Adjudication.State.DONE)
    Task.objects.filter(pk=task.pk).update(state=Task.State.ADJUDICATED)
    (refreshed,) = fact_verdicts_refresh_for_task(task=task)
    assert refreshed == fact
    fact.refresh_from_db()
    assert fact.verdict == Fact.Verdict.SINGLE_SOURCE
