"""Reads on canonical entities: ranked candidates for a name, lists, pages, merge suggestions.

Candidates never scan all aliases: the name's key tokens (and their one-letter deletions) are
looked up by equality in the `AliasToken` index, the entities with most shared rows form a
small pool, and only the pool's aliases are scored with rapidfuzz (`verify.matching`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Prefetch, Q, QuerySet

from verify.matching import (
    best_variant_similarity,
    key_similarity,
    key_tokens_for_index,
    name_key_variants,
)
from verify.models import Alias, AliasToken, Entity, EntityChange, EntityDistinction

# Entities sharing the most index rows with the query that get scored. Large enough that a
# common given name (Ахмед) does not crowd out the surname's entities; see the benchmark.
CANDIDATE_POOL = 200
# A token shared by more entities than this says little about a pair (a common given name);
# merge suggestions skip it rather than pair every Ahmed with every other.
SUGGESTION_MAX_TOKEN_ENTITIES = 50


@dataclass(frozen=True)
class EntityCandidate:
    entity: Entity
    score: float
    alias: str  # the alias that matched best


@dataclass(frozen=True)
class MergeSuggestion:
    first: Entity
    second: Entity
    score: float
    first_alias: str
    second_alias: str


def entity_candidates(
    *, text: str, type: str | None = None, limit: int = 10, language: str | None = None
) -> list[EntityCandidate]:
    """Active entities (of `type`) ranked by how well one of their aliases matches `text`."""
    variants = [v for v in name_key_variants(text, lang=language) if v]
    if not variants or limit <= 0:
        return []
    tokens: set[str] = set()
    for variant in variants:
        tokens |= key_tokens_for_index(variant)
    rows = AliasToken.objects.filter(token__in=tokens, entity__merged_into__isnull=True)
    if type:
        rows = rows.filter(entity__type=type)
    pool = [
        row["entity_id"]
        for row in rows.values("entity_id")
        .annotate(hits=Count("id"))
        .order_by("-hits")[:CANDIDATE_POOL]
    ]
    best: dict[int, tuple[float, str]] = {}
    for entity_id, alias_text, key in Alias.objects.filter(entity_id__in=pool).values_list(
        "entity_id", "text", "key"
    ):
        score = best_variant_similarity(variants, [key])
        if score > best.get(entity_id, (0.0, ""))[0]:
            best[entity_id] = (score, alias_text)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    entities = Entity.objects.in_bulk([entity_id for entity_id, _ in ranked])
    return [
        EntityCandidate(entity=entities[entity_id], score=round(score, 3), alias=alias_text)
        for entity_id, (score, alias_text) in ranked
    ]


def entity_list(*, type: str | None = None) -> QuerySet[Entity]:
    """Active entities by name, with their alias count."""
    entities = Entity.objects.filter(merged_into__isnull=True)
    if type:
        entities = entities.filter(type=type)
    return entities.annotate(alias_count=Count("aliases")).order_by("preferred_name", "id")


def entity_get(*, entity_id: int) -> Entity | None:
    """One entity (active or merged) with its aliases, or None."""
    return (
        Entity.objects.select_related("merged_into", "created_by")
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("script", "language", "text"))
        )
        .filter(pk=entity_id)
        .first()
    )


def entity_aliases_by_script(*, entity: Entity) -> list[tuple[str, list[tuple[str, list[Alias]]]]]:
    """[(script label, [(language, aliases)])], Arabic, Cyrillic, Latin, other, in that order."""
    grouped: dict[str, dict[str, list[Alias]]] = defaultdict(lambda: defaultdict(list))
    for alias in entity.aliases.all():
        grouped[alias.script][alias.language].append(alias)
    labels = dict(Alias.Script.choices)
    return [
        (labels[script], sorted(grouped[script].items()))
        for script in Alias.Script.values
        if script in grouped
    ]


def entity_history(*, entity: Entity) -> QuerySet[EntityChange]:
    """Merges and splits this entity took part in, newest first."""
    return (
        EntityChange.objects.filter(Q(entity=entity) | Q(other=entity))
        .select_related("entity", "other", "user")
        .order_by("-created_at", "-id")
    )


def entity_merge_suggestions(
    *, type: str | None = None, min_score: float = 0.85, limit: int = 100
) -> list[MergeSuggestion]:
    """Pairs of active entities of one type whose aliases match, best first.

    Pairs come from shared index rows, one token at a time, so the work grows with the pairs
    that share something, not with all pairs. Only pairs with real evidence are scored: two or
    more shared rows (a long token, whole or within one edit, shares several), or one row that
    is the whole key of an alias (`Асад` against `Башар Асад`). A single shared short token, such
    as a given name, is not enough. Pairs an admin marked distinct are left out.
    """
    keys = _alias_keys(type=type)
    whole = {
        entity_id: {key for key in by_key if " " not in key} for entity_id, by_key in keys.items()
    }
    counts: dict[tuple[int, int], int] = defaultdict(int)
    first_row: dict[tuple[int, int], str] = {}
    for token, pair in _pairs_sharing_a_token(type=type):
        counts[pair] += 1
        first_row.setdefault(pair, token)
    distinct = set(EntityDistinction.objects.values_list("first_id", "second_id"))
    found: list[tuple[float, int, int, str, str]] = []
    for pair, count in counts.items():
        first, second = pair
        row = first_row[pair]
        if pair in distinct or (count < 2 and row not in whole[first] and row not in whole[second]):
            continue
        score, first_alias, second_alias = _best_alias_pair(keys[first], keys[second])
        if score >= min_score:
            found.append((score, first, second, first_alias, second_alias))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    found = found[:limit]
    entities = Entity.objects.in_bulk({i for f in found for i in (f[1], f[2])})
    return [
        MergeSuggestion(
            first=entities[first],
            second=entities[second],
            score=round(score, 3),
            first_alias=first_alias,
            second_alias=second_alias,
        )
        for score, first, second, first_alias, second_alias in found
    ]


def _alias_keys(*, type: str | None) -> dict[int, dict[str, str]]:
    """entity id -> {alias key: the first alias text with that key}, for active entities."""
    aliases = Alias.objects.filter(entity__merged_into__isnull=True)
    if type:
        aliases = aliases.filter(entity__type=type)
    keys: dict[int, dict[str, str]] = defaultdict(dict)
    for entity_id, text, key in (
        aliases.order_by("id").values_list("entity_id", "text", "key").iterator(chunk_size=5000)
    ):
        keys[entity_id].setdefault(key, text)
    return keys


def _pairs_sharing_a_token(*, type: str | None) -> Iterator[tuple[str, tuple[int, int]]]:
    """(index row, (lower entity id, higher)) for entities of one type sharing the row."""
    rows = AliasToken.objects.filter(entity__merged_into__isnull=True)
    if type:
        rows = rows.filter(entity__type=type)
    current: tuple[str, str] | None = None
    members: set[int] = set()
    stream = (
        rows.values_list("token", "entity__type", "entity_id")
        .order_by("token", "entity__type")
        .iterator(chunk_size=5000)
    )
    for token, entity_type, entity_id in stream:
        if (token, entity_type) != current:
            yield from _pairs(current, members)
            current, members = (token, entity_type), set()
        members.add(entity_id)
    yield from _pairs(current, members)


def _pairs(
    current: tuple[str, str] | None, members: set[int]
) -> Iterator[tuple[str, tuple[int, int]]]:
    if current is not None and 1 < len(members) <= SUGGESTION_MAX_TOKEN_ENTITIES:
        for pair in combinations(sorted(members), 2):
            yield current[0], pair


def _best_alias_pair(first: dict[str, str], second: dict[str, str]) -> tuple[float, str, str]:
    """How well two entities' fullest names match, given as {key: alias text}.

    Only the aliases with the most words on each side count: two people who share a surname
    both have the alias `Асад`, but `Башар Асад` and `Хафез Асад` tell them apart.
    """
    best = (0.0, "", "")
    for key_a, text_a in _fullest(first).items():
        for key_b, text_b in _fullest(second).items():
            score = key_similarity(key_a, key_b)
            if score > best[0]:
                best = (score, text_a, text_b)
    return best


def _fullest(keys: dict[str, str]) -> dict[str, str]:
    most = max(key.count(" ") for key in keys)
    return {key: text for key, text in keys.items() if key.count(" ") == most}
