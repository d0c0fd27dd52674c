"""Helpers for the fact tests: seed sentences, and a reviewer's claim linked to a fact."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotate.models import Annotation, Article, Claim, Mention
from annotate.services.annotations import annotation_save_draft, annotation_submit
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import article_make, relation, span, task_make
from verify.models import Entity, Fact

# Seed 000 (Russian) and its counterparts in seeds 002 and 003 (Arabic): one meeting.
RU_MEETING = (
    "Министр обороны России Андрей Белоусов провел встречу с министром обороны переходного "
    "правительства Сирии дивизионным генералом Махрафом Абу Касрой"
)
AR_MEETING = "عقد وزير الدفاع الروسي أندريه بيلاوسوف لقاءً مع نظيره السوري مرهف أبو قصرة في موسكو"
AR_MEETING_003 = (
    "أعلنت وزارة الدفاع الروسية، اليوم الثلاثاء، أن وزير الدفاع الروسي، أندريه بيلاؤوسوف، "
    "التقى بوزير الدفاع السوري في الحكومة الانتقالية، مرهف أبو قصرة في موسكو"
)
# Other claims from the seeds: the distractors.
AR_DELEGATION = (
    "استقبل الوزير مرهف أبو قصرة في دمشق وفداً روسياً رفيع المستوى برئاسة نائب وزير الدفاع "
    "الروسي السيد يونس بك يفكيروف"
)
AR_JULY = "اللقاء يأتي بعد زيارة أبو قصرة السابقة لموسكو في يوليو"
AR_KREMLIN = "زيارة الرئيس السوري أحمد الشرع، ومحادثاته مع الرئيس الروسي فلاديمير بوتين في الكرملين"
RU_PUTIN = (
    "Глава МИД Сирии Асаад аш-Шибани и министр обороны САР Мурхеф Абу Касра встретились в "
    "Москве с президентом России Владимиром Путиным"
)
RU_JULY = "Аш-Шибани посещал Россию с визитом в конце июля"
RU_SUMMIT = "переговоры на высшем уровне, прошедшие в середине октября в Москве"


def fact_result(claim_id: str, fact: Fact, stance: str = "supports") -> dict[str, Any]:
    return {
        "id": claim_id,
        "from_name": "fact",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": [stance], "fact_id": fact.pk},
    }


def outlet_result(claim_id: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "from_name": "attribution",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["outlet"]},
    }


def claim_linked(
    *,
    reviewer: AbstractBaseUser,
    fact: Fact,
    stance: str = "supports",
    article: Article | None = None,
    outlet: str = "Example News",
    said_by: str | None = None,
    said_by_entity: Entity | None = None,
    claim_text: str = RU_MEETING,
    language: str = "ru",
    submit: bool = True,
) -> Claim:
    """A reviewer's claim on an article, linked to `fact`, attributed to the outlet or to a
    mention `said_by` (linked to `said_by_entity` when given); submitted unless told not."""
    if article is None:
        prefix = f"{said_by}: " if said_by else ""
        article = article_make(text=prefix + claim_text, source=outlet, languages=[language])
    task = getattr(article, "task", None) or task_make(article=article, required_overlap=2)
    annotation = task_start_for_reviewer(task=task, reviewer=reviewer)
    text = article.text
    result = [span(text, claim_text, "CLAIM", rid="c"), fact_result("c", fact, stance)]
    if said_by:
        result += [span(text, said_by, "ORG", rid="who"), relation("c", "who", "attributed_to")]
    else:
        result.append(outlet_result("c"))
    annotation_save_draft(annotation=annotation, version=annotation.version, result=result)
    if said_by_entity is not None:
        Mention.objects.filter(annotation=annotation, region_id="who").update(entity=said_by_entity)
    if submit:
        annotation.refresh_from_db()
        annotation_submit(annotation=annotation, version=annotation.version)
    return Claim.objects.get(annotation=annotation, region_id="c")


def submitted(annotation: Annotation) -> bool:
    annotation.refresh_from_db()
    return annotation.state == Annotation.State.SUBMITTED
