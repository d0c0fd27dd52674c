"""Reads about facts: evidence and its origins, candidate facts for a claim, the board and a
fact's page, each with what the viewer may see.

Visibility (blind annotation): a reviewer must not see another reviewer's claims before
their task is adjudicated. So reviewers see every fact (statement, parts, verdict and origin
counts: aggregates that name no span, article or reviewer), but on a fact's page only their
own evidence and evidence from adjudicated tasks; admins see all evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from annotate.models import Annotation, Article, Claim, Mention, Task
from annotate.permissions import user_is_admin
from verify.matching import name_key
from verify.models import Entity, Fact, GoldSpan, Origin
from verify.verdicts import (
    BASIS_ADJUDICATED,
    BASIS_MIXED,
    BASIS_NONE,
    BASIS_SUBMITTED,
    Evidence,
)

User = AbstractBaseUser | AnonymousUser

# ------------------------------------------------------------------ origins


@dataclass(frozen=True)
class OriginRef:
    """Where one claim ultimately comes from; `key` is `Origin.key`."""

    key: str
    kind: str
    name: str
    entity_id: int | None = None
    source_id: int | None = None


def _active(entity: Entity) -> Entity:
    seen = set()
    while entity.merged_into_id is not None and entity.pk not in seen:
        seen.add(entity.pk)
        entity = entity.merged_into  # type: ignore[assignment]
    return entity


def _origin(*, article: Article, mention: Mention | None) -> OriginRef:
    if mention is not None and mention.entity_id is not None:
        entity = _active(mention.entity)  # type: ignore[arg-type]
        return OriginRef(
            key=f"entity:{entity.pk}",
            kind=Origin.Kind.ENTITY,
            name=entity.preferred_name,
            entity_id=entity.pk,
        )
    if mention is not None:
        key = name_key(mention.text) or mention.text.strip().lower()
        return OriginRef(key=f"name:{key}"[:100], kind=Origin.Kind.NAME, name=mention.text)
    if article.source_id is not None:
        return OriginRef(
            key=f"source:{article.source_id}",
            kind=Origin.Kind.SOURCE,
            name=article.source.name,  # type: ignore[union-attr]
            source_id=article.source_id,
        )
    return OriginRef(
        key=f"article:{article.pk}",
        kind=Origin.Kind.ARTICLE,
        name=f"Unknown outlet (article #{article.pk})",
    )


def claim_origin(*, claim: Claim) -> OriginRef:
    """The origin of a claim: its attributed mention's entity, else the article's outlet.

    A claim attributed to a mention that is not linked to an entity yet is keyed by the
    mention's name key (`Минобороны` in two articles is one origin even before anyone
    links it), which never counts relays of one source twice; an article without an outlet
    is its own origin.
    """
    return _origin(article=claim.annotation.task.article, mention=claim.attributed_to_mention)


# ------------------------------------------------------------------ evidence

_CLAIM_RELATED = (
    "annotation__task__article__source",
    "attributed_to_mention__entity__merged_into",
)


@dataclass
class EvidenceItem:
    """One piece of evidence for a fact: a reviewer's submitted claim, or an adjudicated
    (gold) claim span once its task is adjudicated."""

    ref: str
    article: Article
    start: int
    end: int
    text: str
    stance: str
    origin: OriginRef
    reviewer_id: int | None  # None: adjudicated, no longer one reviewer's
    adjudicated: bool

    def as_evidence(self) -> Evidence:
        return Evidence(
            ref=self.ref,
            article_id=self.article.pk,
            origin_key=self.origin.key,
            origin_name=self.origin.name,
            stance=self.stance,
            outlet=self.article.source.name if self.article.source else "",
            language=(self.article.languages or [""])[0],
            adjudicated=self.adjudicated,
        )


def _submitted_items(fact: Fact) -> list[EvidenceItem]:
    claims = (
        Claim.objects.filter(fact=fact, annotation__state=Annotation.State.SUBMITTED)
        .exclude(annotation__task__state=Task.State.ADJUDICATED)
        .select_related(*_CLAIM_RELATED)
        .order_by("id")
    )
    return [
        EvidenceItem(
            ref=f"claim:{c.pk}",
            article=c.annotation.task.article,
            start=c.start,
            end=c.end,
            text=c.text,
            stance=c.stance,
            origin=claim_origin(claim=c),
            reviewer_id=c.annotation.reviewer_id,
            adjudicated=False,
        )
        for c in claims
    ]


def _adjudicated_items(fact: Fact) -> list[EvidenceItem]:
    """The adjudicated layer (`GoldSpan`, built by verify.services.adjudication) of tasks in
    state ADJUDICATED. A gold span carries no attribution, so its origin comes from the
    reviewers' claims on the same span (the first attributed one), else the outlet."""
    spans = list(
        GoldSpan.objects.filter(
            fact=fact, kind=GoldSpan.Kind.CLAIM, task__state=Task.State.ADJUDICATED
        )
        .select_related("task__article__source")
        .order_by("id")
    )
    if not spans:
        return []
    attributed: dict[tuple[int, int, int], Mention] = {}
    for c in (
        Claim.objects.filter(
            annotation__task__in={s.task_id for s in spans},
            attributed_to_mention__isnull=False,
        )
        .select_related("attributed_to_mention__entity__merged_into", "annotation")
        .order_by("id")
    ):
        key = (c.annotation.task_id, c.start, c.end)
        attributed.setdefault(key, c.attributed_to_mention)  # type: ignore[arg-type]
    return [
        EvidenceItem(
            ref=f"gold:{s.pk}",
            article=s.task.article,
            start=s.start,
            end=s.end,
            text=s.text,
            stance=s.stance,
            origin=_origin(
                article=s.task.article, mention=attributed.get((s.task_id, s.start, s.end))
            ),
            reviewer_id=None,
            adjudicated=True,
        )
        for s in spans
    ]


@dataclass
class FactEvidence:
    items: list[EvidenceItem]
    basis: str

    @property
    def evidence(self) -> list[Evidence]:
        return [i.as_evidence() for i in self.items]


def fact_evidence(*, fact: Fact) -> FactEvidence:
    """Every piece of evidence for the fact, with its origin, and the basis of the verdict.

    Tasks not yet adjudicated give their reviewers' submitted claims; adjudicated tasks give
    their gold claim spans only. Basis: submitted (no adjudicated task among them),
    adjudicated (all adjudicated), mixed, or none.
    """
    adjudicated = _adjudicated_items(fact)
    submitted = _submitted_items(fact)
    if not adjudicated and not submitted:
        basis = BASIS_NONE
    elif not adjudicated:
        basis = BASIS_SUBMITTED
    elif not submitted:
        basis = BASIS_ADJUDICATED
    else:
        basis = BASIS_MIXED
    return FactEvidence(items=adjudicated + submitted, basis=basis)


def facts_of_annotation(*, annotation: Annotation) -> list[Fact]:
    ids = Claim.objects.filter(annotation=annotation, fact__isnull=False).values("fact_id")
    return list(Fact.objects.filter(pk__in=ids))


# ------------------------------------------------------------------ board and page


def fact_list(
    *,
    entity: Entity | None = None,
    verdict: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Fact]:
    """Facts for the board, newest first, filtered by an entity they involve, verdict and
    time (facts whose time overlaps [date_from, date_to])."""
    qs = Fact.objects.select_related("subject", "object", "place").defer("vector")
    if entity is not None:
        qs = qs.filter(Q(subject=entity) | Q(object=entity) | Q(place=entity))
    if verdict:
        qs = qs.filter(verdict=verdict)
    if date_from is not None:
        qs = qs.filter(
            Q(time_end__gte=date_from) | Q(time_end__isnull=True, time_start__gte=date_from)
        )
    if date_to is not None:
        qs = qs.filter(time_start__lte=date_to)
    return qs.order_by("-id")


def fact_get(*, fact_id: int) -> Fact | None:
    return (
        Fact.objects.select_related("subject", "object", "place", "created_by")
        .filter(pk=fact_id)
        .first()
    )


def facts_of_entity(*, entity: Entity) -> QuerySet[Fact]:
    return fact_list(entity=entity)


@dataclass
class EvidenceRow:
    """One source on a fact's page: the evidence and the sentence around it."""

    item: EvidenceItem
    before: str
    after: str


CONTEXT_CHARS = 160


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text around a span up to the line or sentence edges, at most CONTEXT_CHARS."""
    left = text[max(0, start - CONTEXT_CHARS) : start]
    cuts = [left.rfind("\n"), *(left.rfind(p) + 1 for p in (". ", "! ", "? ") if p in left)]
    cut = max(cuts)
    if cut >= 0:
        left = left[cut + 1 :].lstrip()
    right = text[end : end + CONTEXT_CHARS]
    stops = [i for i in (right.find("\n"), *(right.find(p) for p in (". ", "! ", "? "))) if i >= 0]
    if stops:
        right = right[: min(stops) + 1].rstrip()
    return left, right


def fact_evidence_for_user(*, fact: Fact, user: User) -> tuple[list[EvidenceRow], int]:
    """The fact's evidence the user may see, and how many pieces are hidden from them.

    Admins see everything; a reviewer sees their own claims and adjudicated evidence.
    """
    found = fact_evidence(fact=fact)
    admin = user_is_admin(user)
    rows, hidden = [], 0
    for item in found.items:
        if not (admin or item.adjudicated or item.reviewer_id == user.pk):
            hidden += 1
            continue
        before, after = _sentence_around(item.article.text, item.start, item.end)
        rows.append(EvidenceRow(item=item, before=before, after=after))
    rows.sort(key=lambda r: (r.item.stance != "supports", r.item.origin.name, r.item.ref))
    return rows, hidden
