"""Mentions linked to canonical entities: checking the links a reviewer saves, and aliases.

A link travels with the reviewer's annotation (`annotate.results`, ``from_name: "entity"``),
so it is as blind as every other part of it. On save:

- the entity must exist; an entity merged away is replaced by the one it went into
  (`merged_into`, followed to the end), so a link never points at an inactive entity;
- its type must be the mention's label (a PER mention names a PER entity);
- the mention's surface form becomes an alias of the entity (`entity_add_alias`, which
  is idempotent), in the language of the paragraph the mention is in. Only links that are
  new or whose text changed since the last save do this, so autosaves stay cheap.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from annotate.models import Annotation, Article, Mention
from annotate.results import ParsedResult
from verify.models import Entity
from verify.services.entities import entity_add_alias

MAX_MERGE_HOPS = 10


def _active(entity: Entity, entities: dict[int, Entity]) -> Entity:
    """The entity a merged one ended up in (merges keep one hop, but older data may not)."""
    for _ in range(MAX_MERGE_HOPS):
        if entity.merged_into_id is None:
            return entity
        target = entities.get(entity.merged_into_id)
        if target is None:
            target = Entity.objects.get(pk=entity.merged_into_id)
            entities[target.pk] = target
        entity = target
    return entity


def mention_links_check(*, parsed: ParsedResult) -> None:
    """Check every mention's entity link and point merged entities at their survivor.

    Raises ValidationError keyed ``result`` naming each bad region, like `result_parse`.
    """
    ids = {span.entity_id for span in parsed.mentions if span.entity_id is not None}
    if not ids:
        return
    entities = Entity.objects.in_bulk(ids)
    errors: list[str] = []
    for span in parsed.mentions:
        if span.entity_id is None:
            continue
        entity = entities.get(span.entity_id)
        if entity is None:
            errors.append(
                f"The span '{span.region_id}' links to entity #{span.entity_id}, which does not exist."
            )
            continue
        entity = _active(entity, entities)
        if entity.type != span.label.name:
            errors.append(
                f"The span '{span.region_id}' is a {span.label.name} but “{entity.preferred_name}” "
                f"is a {entity.type}: link it to a {span.label.name} entity, or relabel it."
            )
            continue
        span.entity_id = entity.pk
    if errors:
        raise ValidationError({"result": errors})


def mention_links_before(*, annotation: Annotation) -> set[tuple[str, int, str]]:
    """(region id, entity id, text) of the annotation's linked mentions as stored now."""
    return set(
        Mention.objects.filter(annotation=annotation, entity__isnull=False).values_list(
            "region_id", "entity_id", "text"
        )
    )


def mention_links_add_aliases(
    *, annotation: Annotation, parsed: ParsedResult, before: set[tuple[str, int, str]]
) -> int:
    """Add the surface form of each newly linked mention as an alias; returns how many links."""
    new = [
        span
        for span in parsed.mentions
        if span.entity_id is not None and (span.region_id, span.entity_id, span.text) not in before
    ]
    if not new:
        return 0
    article = annotation.task.article
    entities = Entity.objects.in_bulk({span.entity_id for span in new})
    for span in new:
        entity = entities[span.entity_id]  # type: ignore[index]
        entity_add_alias(
            entity=entity,
            text=span.text,
            language=language_at(article=article, offset=span.start),
            user=annotation.reviewer,
        )
    return len(new)


def language_at(*, article: Article, offset: int) -> str:
    """The language of the paragraph holding `offset` when it has exactly one, else ''."""
    for paragraph in (article.metadata or {}).get("paragraphs") or []:
        if paragraph.get("start", 0) <= offset < paragraph.get("end", 0):
            langs = paragraph.get("languages") or []
            return langs[0] if len(langs) == 1 else ""
    return article.languages[0] if len(article.languages or []) == 1 else ""
