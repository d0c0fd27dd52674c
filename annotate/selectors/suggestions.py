"""Reading suggestions: what a reviewer still has to decide, and acceptance rates for admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from annotate.models import Article, Suggestion, SuggestionDecision


def suggestions_pending_for_reviewer(
    *, article: Article, reviewer: AbstractBaseUser
) -> QuerySet[Suggestion]:
    """The article's suggestions this reviewer has neither accepted nor rejected."""
    decided = SuggestionDecision.objects.filter(suggestion=OuterRef("pk"), reviewer_id=reviewer.pk)
    return (
        Suggestion.objects.filter(article=article)
        .exclude(Exists(decided))
        .select_related("entity")
        .order_by("start", "-end", "id")
    )


def suggestions_for_page(*, article: Article, reviewer: AbstractBaseUser) -> list[dict[str, Any]]:
    """Pending suggestions as the workspace reads them (offsets are code points)."""
    return [
        {
            "id": s.pk,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": s.text,
            "value": s.value,
            "source": s.source,
            "score": s.score,
            "entity": {"id": s.entity_id, "name": s.entity.preferred_name} if s.entity else None,
        }
        for s in suggestions_pending_for_reviewer(article=article, reviewer=reviewer)
    ]


def suggestion_get_for_reviewer(*, suggestion_id: int, reviewer: AbstractBaseUser) -> Suggestion:
    """A suggestion on an article of a task the reviewer has an annotation on; else 404."""
    return get_object_or_404(
        Suggestion.objects.filter(article__task__annotations__reviewer_id=reviewer.pk).distinct(),
        pk=suggestion_id,
    )


@dataclass(frozen=True)
class AcceptanceRow:
    source: str
    label: str
    suggested: int
    accepted: int
    rejected: int

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def rate(self) -> float | None:
        """Accepted share of the decisions made (None before any decision)."""
        return self.accepted / self.decided if self.decided else None


def suggestion_acceptance_rates() -> list[AcceptanceRow]:
    """Per source and label: suggestions stored, and reviewers' accepts and rejects."""
    stored = {
        (r["source"], r["label"]): r["n"]
        for r in Suggestion.objects.values("source", "label").annotate(n=Count("id"))
    }
    decisions = {
        (r["suggestion__source"], r["suggestion__label"]): r
        for r in SuggestionDecision.objects.values(
            "suggestion__source", "suggestion__label"
        ).annotate(
            accepted=Count("id", filter=Q(decision=SuggestionDecision.Decision.ACCEPTED)),
            rejected=Count("id", filter=Q(decision=SuggestionDecision.Decision.REJECTED)),
        )
    }
    return [
        AcceptanceRow(
            source=source,
            label=label,
            suggested=stored.get((source, label), 0),
            accepted=decisions.get((source, label), {}).get("accepted", 0),
            rejected=decisions.get((source, label), {}).get("rejected", 0),
        )
        for source, label in sorted(set(stored) | set(decisions))
    ]
