"""Writes on canonical entities: create, add an alias, merge, split, mark as distinct.

Every alias gets its matching key (`verify.matching.name_key`) and its rows in the candidate
index (`AliasToken`) here, and nowhere else, so the index cannot drift from the aliases.

When mentions and facts link to entities, `entity_merge` and `entity_split` are where those
links move too (see the note in `entity_merge`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from annotate.services.audit import audit_record
from verify.matching import detect_script, key_tokens_for_index, name_key
from verify.models import Alias, AliasToken, Entity, EntityChange, EntityDistinction
from verify.services.audit import alias_audit, entity_audit_from_change, entity_audit_state

TOKEN_MAX = AliasToken._meta.get_field("token").max_length or 64
_SPACES = re.compile(r"\s+")


def clean_name(text: str) -> str:
    """A name as written, with runs of spaces (NBSP included) made one space."""
    return _SPACES.sub(" ", text).strip()


@transaction.atomic
def entity_create(
    *,
    type: str,
    preferred_name: str,
    user: AbstractBaseUser | None,
    language: str = "",
    wikidata_qid: str = "",
    aliases: Iterable[tuple[str, str]] = (),
) -> Entity:
    """A new entity with its preferred name as the first alias, then `aliases` (text, language)."""
    entity = Entity(
        type=type.strip(),
        preferred_name=clean_name(preferred_name),
        wikidata_qid=wikidata_qid.strip(),
        created_by=user,
    )
    entity.full_clean()
    entity.save()
    _alias_add(entity=entity, text=entity.preferred_name, language=language, user=user)
    for text, alias_language in aliases:
        _alias_add(entity=entity, text=text, language=alias_language, user=user)
    audit_record(
        actor=user, action="entity.create", obj=entity, after=entity_audit_state(entity=entity)
    )
    return entity


@transaction.atomic
def entity_add_alias(
    *, entity: Entity, text: str, language: str = "", user: AbstractBaseUser | None
) -> Alias:
    """The alias `text` of `entity`, created with its key and index rows if it is new."""
    alias, created = _alias_add(entity=entity, text=text, language=language, user=user)
    if created:
        audit_record(
            actor=user,
            action="entity.alias_add",
            obj=entity,
            before={"aliases": {}},
            after={"aliases": alias_audit(alias.text, alias.language, alias.script)},
        )
    return alias


def _alias_add(
    *, entity: Entity, text: str, language: str = "", user: AbstractBaseUser | None
) -> tuple[Alias, bool]:
    if not entity.is_active:
        raise ValidationError(
            f"“{entity.preferred_name}” was merged into entity #{entity.merged_into_id}; "
            "add the alias there."
        )
    text = clean_name(text)
    existing = Alias.objects.filter(entity=entity, text=text).first()
    if existing is not None:
        return existing, False
    alias = Alias(
        entity=entity,
        text=text,
        language=language.strip().lower(),
        script=detect_script(text),
        key=name_key(text, lang=language or None)[: Alias._meta.get_field("key").max_length],
        created_by=user,
    )
    alias.full_clean()
    alias.save()
    AliasToken.objects.bulk_create(alias_index_rows(alias))
    return alias, True


def alias_index_rows(alias: Alias) -> list[AliasToken]:
    """The candidate-index rows of a saved alias (bulk loaders use this too)."""
    tokens = sorted({token[:TOKEN_MAX] for token in key_tokens_for_index(alias.key)})
    return [AliasToken(alias_id=alias.pk, entity_id=alias.entity_id, token=t) for t in tokens]


@transaction.atomic
def entity_merge(
    *, keep: Entity, merge: Entity, user: AbstractBaseUser | None, rationale: str
) -> EntityChange:
    """Merge `merge` into `keep`: its aliases move to `keep` and it points there from now on."""
    keep, merge = _lock(keep), _lock(merge)
    _check_merge(keep=keep, merge=merge, rationale=rationale)
    before = {"entity": _snapshot(keep), "other": _snapshot(merge)}

    duplicate_texts = set(keep.aliases.values_list("text", flat=True))
    Alias.objects.filter(entity=merge, text__in=duplicate_texts).delete()
    Alias.objects.filter(entity=merge).update(entity=keep)
    AliasToken.objects.filter(entity=merge).update(entity=keep)
    # Entities merged into `merge` earlier now point straight at `keep`: one hop, always.
    Entity.objects.filter(merged_into=merge).update(merged_into=keep)
    _links_repoint(old=merge, new=keep)

    qid = merge.wikidata_qid
    merge.merged_into = keep
    merge.save(update_fields=["merged_into", "updated_at"])
    if qid and not keep.wikidata_qid:
        # After `merge` is inactive: the QID is unique among active entities only.
        keep.wikidata_qid = qid
        keep.save(update_fields=["wikidata_qid", "updated_at"])

    change = EntityChange.objects.create(
        kind=EntityChange.Kind.MERGE,
        entity=keep,
        other=merge,
        user=user,
        rationale=rationale.strip(),
        before=before,
        after={"entity": _snapshot(keep), "other": _snapshot(merge)},
    )
    _audit_change(change)
    return change


def _audit_change(change: EntityChange) -> None:
    """One event for a merge or split: both entities, and the EntityChange row it made."""
    side = {k: entity_audit_from_change(change.before.get(k)) for k in ("entity", "other")}
    after = {k: entity_audit_from_change(change.after.get(k)) for k in ("entity", "other")}
    audit_record(
        actor=change.user,
        action=f"entity.{change.kind}",
        obj=change.entity,
        other=change.other,
        before={**side, "rationale": ""},
        after={**after, "rationale": change.rationale, "entity_change": change.pk},
    )


def _links_repoint(*, old: Entity, new: Entity, texts: Sequence[str] | None = None) -> None:
    """Everything that names `old` names `new`: reviewers' mentions, gold spans, suggestions
    and fact parts. With `texts` (a split) only mentions and spans with those surface forms
    move. Verdicts whose origins went through these mentions are recomputed."""
    from annotate.models import Claim, Mention, Suggestion
    from verify.models import Fact, GoldSpan

    def moving(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if texts is None else queryset.filter(text__in=texts)

    mention_ids = list(moving(Mention.objects.filter(entity=old)).values_list("pk", flat=True))
    Mention.objects.filter(pk__in=mention_ids).update(entity=new)
    moving(GoldSpan.objects.filter(entity=old)).update(entity=new)
    moving(Suggestion.objects.filter(entity=old)).update(entity=new)
    if texts is None:
        for part in ("subject", "object", "place"):
            Fact.objects.filter(**{part: old}).update(**{part: new})
    facts = set(
        Claim.objects.filter(attributed_to_mention__in=mention_ids, fact__isnull=False).values_list(
            "fact_id", flat=True
        )
    )
    if facts:
        from verify.services.facts import fact_verdict_refresh

        for fact in Fact.objects.filter(pk__in=facts):
            fact_verdict_refresh(fact=fact)


@transaction.atomic
def entity_split(
    *,
    entity: Entity,
    aliases: Sequence[Alias],
    user: AbstractBaseUser | None,
    rationale: str,
    preferred_name: str = "",
) -> EntityChange:
    """Move `aliases` out of `entity` into a new entity of the same type (`change.other`)."""
    entity = _lock(entity)
    alias_ids = {alias.pk for alias in aliases}
    _check_split(entity=entity, alias_ids=alias_ids, rationale=rationale)
    before = {"entity": _snapshot(entity)}

    moving = list(Alias.objects.filter(pk__in=alias_ids).order_by("id"))
    new = Entity(
        type=entity.type,
        preferred_name=clean_name(preferred_name) or moving[0].text,
        created_by=user,
    )
    new.full_clean()
    new.save()
    Alias.objects.filter(pk__in=alias_ids).update(entity=new)
    AliasToken.objects.filter(alias_id__in=alias_ids).update(entity=new)
    moved_texts = [alias.text for alias in moving]
    _links_repoint(old=entity, new=new, texts=moved_texts)

    remaining = list(entity.aliases.order_by("id").values_list("text", flat=True))
    if entity.preferred_name not in remaining:
        entity.preferred_name = remaining[0]
        entity.save(update_fields=["preferred_name", "updated_at"])

    change = EntityChange.objects.create(
        kind=EntityChange.Kind.SPLIT,
        entity=entity,
        other=new,
        user=user,
        rationale=rationale.strip(),
        before=before,
        after={"entity": _snapshot(entity), "other": _snapshot(new)},
    )
    _audit_change(change)
    return change


@transaction.atomic
def entity_distinguish(
    *, first: Entity, second: Entity, user: AbstractBaseUser | None, rationale: str = ""
) -> EntityDistinction:
    """Record that two entities are different, so merge suggestions leave the pair out."""
    if first.pk == second.pk:
        raise ValidationError("An entity cannot be distinct from itself.")
    low, high = sorted((first, second), key=lambda e: e.pk)
    distinction, created = EntityDistinction.objects.get_or_create(
        first=low, second=high, defaults={"user": user, "rationale": rationale.strip()}
    )
    if created:
        audit_record(
            actor=user,
            action="entity.distinguish",
            obj=low,
            other=high,
            after={"distinct_from": high.pk, "rationale": distinction.rationale},
        )
    return distinction


def _lock(entity: Entity) -> Entity:
    """The entity re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE transactions queue)."""
    return Entity.objects.select_for_update().get(pk=entity.pk)


def _check_merge(*, keep: Entity, merge: Entity, rationale: str) -> None:
    if keep.pk == merge.pk:
        raise ValidationError("Choose two different entities to merge.")
    for entity in (keep, merge):
        if not entity.is_active:
            raise ValidationError(
                f"“{entity.preferred_name}” was already merged into entity #{entity.merged_into_id}."
            )
    if keep.type != merge.type:
        raise ValidationError(
            f"Cannot merge a {merge.type} into a {keep.type}: entities of one type only."
        )
    if keep.wikidata_qid and merge.wikidata_qid and keep.wikidata_qid != merge.wikidata_qid:
        raise ValidationError(
            f"The two entities have different Wikidata ids ({keep.wikidata_qid}, "
            f"{merge.wikidata_qid}); they are not the same."
        )
    if not rationale.strip():
        raise ValidationError("Say why these are the same (the rationale is kept in the history).")


def _check_split(*, entity: Entity, alias_ids: set[int], rationale: str) -> None:
    if not entity.is_active:
        raise ValidationError(
            f"“{entity.preferred_name}” was merged; split the entity it went into."
        )
    if not alias_ids:
        raise ValidationError("Choose the aliases that belong to another entity.")
    own = set(entity.aliases.values_list("id", flat=True))
    if not alias_ids <= own:
        raise ValidationError("Some chosen aliases do not belong to this entity.")
    if alias_ids == own:
        raise ValidationError("Leave at least one alias with the entity; rename it instead.")
    if not rationale.strip():
        raise ValidationError("Say why these aliases are another entity (kept in the history).")


def _snapshot(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.pk,
        "type": entity.type,
        "preferred_name": entity.preferred_name,
        "wikidata_qid": entity.wikidata_qid,
        "merged_into": entity.merged_into_id,
        "aliases": [
            {"id": a.pk, "text": a.text, "language": a.language, "script": a.script}
            for a in entity.aliases.order_by("id")
        ],
    }
