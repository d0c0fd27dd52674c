"""Writes about facts: create and edit a fact (with its stored sentence vector), origins,
and the verdict refresh that every change of evidence calls.

Claims are linked to facts through the annotation itself (the ``fact`` result of a claim
region, see annotate/results.py), so a link is saved, versioned and undone like any other
part of a reviewer's work. Evidence changes when an annotation is submitted
(`fact_verdicts_refresh_for_annotation`, called by annotation_submit) and when a task is
adjudicated (verify.services.adjudication calls `fact_verdict_refresh`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotate.models import Annotation, Claim, Source, Task
from annotate.results import ParsedResult
from annotate.services.audit import audit_record
from verify import embeddings
from verify.models import Entity, Fact, GoldSpan, Origin
from verify.selectors.facts import OriginRef, fact_evidence, facts_of_annotation
from verify.services.audit import VERDICT_FIELDS, fact_audit_state
from verify.verdicts import verdict_decide

MAX_STATEMENT = 500
_PARTS = ("subject", "object", "place")
_EDITABLE = (
    "statement",
    "predicate",
    "subject",
    "object",
    "place",
    "time_start",
    "time_end",
    "time_text",
)


def _active(entity: Entity | None) -> Entity | None:
    while entity is not None and entity.merged_into_id is not None:
        entity = entity.merged_into
    return entity


def _vector(fact: Fact, extra_text: str = "") -> None:
    texts = [fact.statement, *([extra_text] if extra_text.strip() else [])]
    fact.vector = embeddings.to_bytes(embeddings.combine(embeddings.embed(texts)))
    fact.vector_model = embeddings.MODEL_NAME


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    statement = " ".join(str(values.get("statement", "")).split())
    if not statement:
        raise ValidationError({"statement": "Write the fact as one short English sentence."})
    if len(statement) > MAX_STATEMENT:
        raise ValidationError({"statement": f"Keep it under {MAX_STATEMENT} characters."})
    values["statement"] = statement
    values["predicate"] = " ".join(str(values.get("predicate") or "").split())
    values["time_text"] = " ".join(str(values.get("time_text") or "").split())
    start, end = values.get("time_start"), values.get("time_end")
    if end is not None and start is None:
        raise ValidationError({"time_start": "A range needs its first day too."})
    if start is not None and end is not None and end < start:
        raise ValidationError({"time_end": "The range ends before it starts."})
    for part in _PARTS:
        values[part] = _active(values.get(part))
    return values


def fact_create(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    statement: str,
    predicate: str = "",
    subject: Entity | None = None,
    object: Entity | None = None,
    place: Entity | None = None,
    time_start: dt.date | None = None,
    time_end: dt.date | None = None,
    time_text: str = "",
    claim_text: str = "",
) -> Fact:
    """A new canonical fact; `claim_text` (the claim it was made from, in any language) is
    embedded with the statement so claims in that language find it more easily."""
    values = _clean(
        {
            "statement": statement,
            "predicate": predicate,
            "subject": subject,
            "object": object,
            "place": place,
            "time_start": time_start,
            "time_end": time_end,
            "time_text": time_text,
        }
    )
    fact = Fact(created_by=user if user is not None and user.is_authenticated else None, **values)
    _vector(fact, claim_text)
    fact.full_clean()
    # The vector is computed before: no write lock is held while the model runs.
    with transaction.atomic():
        fact.save()
        audit_record(actor=user, action="fact.create", obj=fact, after=fact_audit_state(fact=fact))
    return fact


def fact_update(
    *, fact: Fact, user: AbstractBaseUser | AnonymousUser | None = None, **changes: Any
) -> Fact:
    """Edit a fact's statement, parts or time; the vector follows the statement."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValidationError({k: "This cannot be changed here." for k in sorted(unknown)})
    before = fact_audit_state(fact=fact)
    current = {k: getattr(fact, k) for k in _EDITABLE}
    values = _clean({**current, **changes})
    statement_changed = values["statement"] != fact.statement
    for k, v in values.items():
        setattr(fact, k, v)
    if statement_changed or fact.vector is None:
        _vector(fact)
    fact.full_clean()
    with transaction.atomic():
        fact.save()
        audit_record(
            actor=user,
            action="fact.update",
            obj=fact,
            before=before,
            after=fact_audit_state(fact=fact),
        )
    return fact


def fact_vectors_refresh(*, all_facts: bool = False) -> int:
    """Compute missing vectors (or every vector, after the model changed); returns how many."""
    qs = Fact.objects.all() if all_facts else Fact.objects.filter(vector__isnull=True)
    qs = qs.exclude(vector_model=embeddings.MODEL_NAME) if not all_facts else qs
    done = 0
    for fact in qs.iterator(chunk_size=256):
        _vector(fact)
        fact.save(update_fields=["vector", "vector_model", "updated_at"])
        done += 1
    return done


def origin_ensure(*, ref: OriginRef) -> Origin:
    """The Origin row for a resolved origin, created the first time it is seen."""
    origin, created = Origin.objects.get_or_create(
        key=ref.key,
        defaults={
            "kind": ref.kind,
            "name": ref.name[:300],
            "entity": Entity.objects.filter(pk=ref.entity_id).first() if ref.entity_id else None,
            "source": Source.objects.filter(pk=ref.source_id).first() if ref.source_id else None,
        },
    )
    if not created and origin.name != ref.name[:300]:
        origin.name = ref.name[:300]
        origin.save(update_fields=["name"])  # an entity renamed, an outlet renamed
    return origin


@transaction.atomic
def fact_verdict_refresh(*, fact: Fact) -> Fact:
    """Recompute and store the fact's verdict, counts, languages and explanation from its
    current evidence. Safe to call any time; the adjudication service calls it too."""
    # Lock the fact first: of two submits refreshing it at once, the second waits and then
    # reads the first one's evidence (PostgreSQL; SQLite serialises writers anyway). Facts
    # are refreshed in id order, so two such transactions never wait on each other.
    stored = Fact.objects.select_for_update().filter(pk=fact.pk).values(*VERDICT_FIELDS).first()
    found = fact_evidence(fact=fact)
    for ref in {item.origin.key: item.origin for item in found.items}.values():
        origin_ensure(ref=ref)
    result = verdict_decide(evidence=found.evidence, basis=found.basis)
    fact.verdict = result.verdict
    fact.verdict_basis = result.basis
    fact.supporting_origins = len(result.supporting)
    fact.refuting_origins = len(result.refuting)
    fact.languages = result.languages
    fact.verdict_explanation = result.as_dict()
    fact.verdict_updated_at = timezone.now()
    # Only the verdict's fields: a concurrent edit of the statement must not be undone, and
    # updated_at stays (it stamps the vector index in the selectors).
    Fact.objects.filter(pk=fact.pk).update(
        verdict=fact.verdict,
        verdict_basis=fact.verdict_basis,
        supporting_origins=fact.supporting_origins,
        refuting_origins=fact.refuting_origins,
        languages=fact.languages,
        verdict_explanation=fact.verdict_explanation,
        verdict_updated_at=fact.verdict_updated_at,
    )
    after = {name: getattr(fact, name) for name in VERDICT_FIELDS}
    if stored is not None and stored != after:
        # Computed from the evidence, by nobody in particular: the system's change.
        audit_record(actor=None, action="fact.verdict", obj=fact, before=stored, after=after)
    return fact


def fact_verdicts_refresh_for_annotation(*, annotation: Annotation) -> list[Fact]:
    """After a submit: refresh every fact the annotation's claims are linked to."""
    return [fact_verdict_refresh(fact=f) for f in facts_of_annotation(annotation=annotation)]


def fact_links_check(*, parsed: ParsedResult) -> None:
    """A saved annotation may only link its claims to facts that exist (one query)."""
    wanted = {c.fact_id for c in parsed.claims if c.fact_id is not None}
    if not wanted:
        return
    missing = wanted - set(Fact.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if missing:
        raise ValidationError({"result": [f"No fact has the id {pk}." for pk in sorted(missing)]})


def fact_verdicts_refresh_for_task(*, task: Task) -> list[Fact]:
    """After a task's adjudication (or its redo): refresh every fact its reviewers' claims
    or its gold spans link to. A fact only the reviewers linked (the admin rejected the
    span) must lose that evidence too, so the gold layer alone is not enough."""
    ids = set(
        Claim.objects.filter(annotation__task=task, fact__isnull=False).values_list(
            "fact_id", flat=True
        )
    ) | set(
        GoldSpan.objects.filter(task=task, fact__isnull=False).values_list("fact_id", flat=True)
    )
    return [fact_verdict_refresh(fact=f) for f in Fact.objects.filter(pk__in=ids)]
