"""Creating entities, adding aliases, merging and splitting them, with history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotate.models import LabelType, Mention
from annotate.services.projects import project_ensure_default
from tests.factories import annotation_make, task_make
from verify.models import Alias, AliasToken, Entity, EntityChange, EntityDistinction
from verify.services.entities import (
    entity_add_alias,
    entity_create,
    entity_distinguish,
    entity_merge,
    entity_split,
)

pytestmark = pytest.mark.django_db


def test_it_creates_an_entity_with_its_name_as_the_first_alias(alice: AbstractUser) -> None:
    entity = entity_create(
        type="PER",
        preferred_name="Мурхеф  Абу\u00a0Касра",
        language="ru",
        user=alice,
        aliases=[("مرهف أبو قصرة", "ar")],
    )

    entity.refresh_from_db()
    assert entity.preferred_name == "Мурхеф Абу Касра"
    assert entity.created_by == alice
    aliases = {a.text: (a.language, a.script, a.key) for a in entity.aliases.all()}
    assert aliases == {
        "Мурхеф Абу Касра": ("ru", "Cyrl", "mrhf bksr"),
        "مرهف أبو قصرة": ("ar", "Arab", "mrhf bksr"),
    }


def test_it_indexes_each_alias_by_its_tokens_and_their_deletions(alice: AbstractUser) -> None:
    entity = entity_create(type="PER", preferred_name="Белоусов", user=alice)

    tokens = set(AliasToken.objects.filter(entity=entity).values_list("token", flat=True))
    assert tokens == {"blsf", "lsf", "bsf", "blf", "bls"}


def test_adding_an_alias_twice_returns_the_same_row(alice: AbstractUser, bob: AbstractUser) -> None:
    entity = entity_create(type="PER", preferred_name="Белоусов", user=alice)

    first = entity_add_alias(entity=entity, text="بيلاوسوف", language="ar", user=alice)
    again = entity_add_alias(entity=entity, text=" بيلاوسوف ", language="ar", user=bob)

    assert again.pk == first.pk
    assert entity.aliases.count() == 2


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"type": "person"}, "type"),
        ({"wikidata_qid": "7747"}, "wikidata_qid"),
        ({"preferred_name": "   "}, "preferred_name"),
    ],
)
def test_it_rejects_an_invalid_entity(
    alice: AbstractUser, fields: dict[str, str], error_field: str
) -> None:
    data = {"type": "PER", "preferred_name": "Путин", **fields}

    with pytest.raises(ValidationError) as error:
        entity_create(user=alice, **data)

    assert error_field in error.value.message_dict
    assert not Entity.objects.exists()


def test_two_active_entities_cannot_share_a_wikidata_id(alice: AbstractUser) -> None:
    entity_create(type="PER", preferred_name="Путин", wikidata_qid="Q7747", user=alice)

    with pytest.raises(ValidationError):
        entity_create(type="PER", preferred_name="بوتين", wikidata_qid="Q7747", user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(type="PER", preferred_name="Putin", wikidata_qid="Q7747")


def test_merge_moves_aliases_and_records_who_when_why(
    carol: AbstractUser, alice: AbstractUser
) -> None:
    keep = entity_create(type="PER", preferred_name="Мурхеф Абу Касра", user=alice)
    merge = entity_create(
        type="PER", preferred_name="مرهف أبو قصرة", wikidata_qid="Q123", user=alice,
        aliases=[("Мурхеф Абу Касра", "ru"), ("أبو قصرة", "ar")],
    )  # fmt: skip

    change = entity_merge(keep=keep, merge=merge, user=carol, rationale="Same minister")

    keep.refresh_from_db()
    merge.refresh_from_db()
    assert merge.merged_into == keep
    assert keep.wikidata_qid == "Q123"
    assert sorted(keep.aliases.values_list("text", flat=True)) == [
        "Мурхеф Абу Касра",
        "أبو قصرة",
        "مرهف أبو قصرة",
    ]
    assert not merge.aliases.exists()
    assert not AliasToken.objects.filter(entity=merge).exists()
    assert AliasToken.objects.filter(entity=keep, token="bksr").count() == 3
    assert (change.kind, change.entity, change.other, change.user) == (
        EntityChange.Kind.MERGE, keep, merge, carol,
    )  # fmt: skip
    assert change.rationale == "Same minister"
    assert [a["text"] for a in change.before["other"]["aliases"]] == [
        "مرهف أبو قصرة",
        "Мурхеф Абу Касра",
        "أبو قصرة",
    ]
    assert change.after["other"]["aliases"] == []
    assert change.after["entity"]["wikidata_qid"] == "Q123"


def test_merging_into_an_entity_that_is_merged_later_keeps_one_hop(carol: AbstractUser) -> None:
    a = entity_create(type="PER", preferred_name="Путин", user=carol)
    b = entity_create(type="PER", preferred_name="بوتين", user=carol)
    c = entity_create(type="PER", preferred_name="Putin", user=carol)

    entity_merge(keep=b, merge=c, user=carol, rationale="same")
    entity_merge(keep=a, merge=b, user=carol, rationale="same")

    c.refresh_from_db()
    assert c.merged_into_id == a.pk
    assert a.aliases.count() == 3


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"type": "LOC", "preferred_name": "Путин"}, "one type only"),
        (
            {"type": "PER", "preferred_name": "بوتين", "wikidata_qid": "Q1"},
            "different Wikidata ids",
        ),
    ],
)
def test_it_refuses_to_merge_entities_that_cannot_be_one(
    carol: AbstractUser, second: dict[str, str], message: str
) -> None:
    keep = entity_create(type="PER", preferred_name="Путин", wikidata_qid="Q7747", user=carol)
    merge = entity_create(user=carol, **second)

    with pytest.raises(ValidationError, match=message):
        entity_merge(keep=keep, merge=merge, user=carol, rationale="same")

    merge.refresh_from_db()
    assert merge.merged_into is None
    assert merge.aliases.count() == 1
    assert not EntityChange.objects.exists()


def test_it_refuses_a_merge_without_a_reason_or_with_itself(carol: AbstractUser) -> None:
    a = entity_create(type="PER", preferred_name="Путин", user=carol)
    b = entity_create(type="PER", preferred_name="بوتين", user=carol)

    with pytest.raises(ValidationError, match="Say why"):
        entity_merge(keep=a, merge=b, user=carol, rationale="  ")
    with pytest.raises(ValidationError, match="two different"):
        entity_merge(keep=a, merge=a, user=carol, rationale="same")


def test_a_merged_entity_takes_no_new_aliases_or_merges(carol: AbstractUser) -> None:
    a = entity_create(type="PER", preferred_name="Путин", user=carol)
    b = entity_create(type="PER", preferred_name="بوتين", user=carol)
    c = entity_create(type="PER", preferred_name="Putin", user=carol)
    entity_merge(keep=a, merge=b, user=carol, rationale="same")
    b.refresh_from_db()

    with pytest.raises(ValidationError, match="merged into"):
        entity_add_alias(entity=b, text="Путиным", user=carol)
    with pytest.raises(ValidationError, match="already merged"):
        entity_merge(keep=c, merge=b, user=carol, rationale="same")


def test_split_moves_the_chosen_aliases_to_a_new_entity(carol: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Лавров", user=carol,
        aliases=[("لافروف", "ar"), ("Евкуров", "ru"), ("يفكيروف", "ar")],
    )  # fmt: skip
    wrong = list(entity.aliases.filter(text__in=["Евкуров", "يفكيروف"]))

    change = entity_split(entity=entity, aliases=wrong, user=carol, rationale="Two deputies")

    new = change.other
    assert (change.kind, change.entity, change.user) == (EntityChange.Kind.SPLIT, entity, carol)
    assert new.type == "PER"
    assert new.preferred_name == "Евкуров"
    assert sorted(new.aliases.values_list("text", flat=True)) == ["Евкуров", "يفكيروف"]
    assert sorted(entity.aliases.values_list("text", flat=True)) == ["Лавров", "لافروف"]
    assert set(AliasToken.objects.filter(entity=new).values_list("token", flat=True)) >= {"yfkrf"}
    assert not AliasToken.objects.filter(entity=entity, token="yfkrf").exists()
    assert len(change.before["entity"]["aliases"]) == 4
    assert len(change.after["other"]["aliases"]) == 2


def test_split_renames_the_entity_when_its_preferred_name_moves(carol: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Евкуров", user=carol, aliases=[("Лавров", "ru")]
    )
    moving = list(entity.aliases.filter(text="Евкуров"))

    change = entity_split(
        entity=entity, aliases=moving, user=carol, rationale="x", preferred_name="Юнус-Бек Евкуров"
    )

    entity.refresh_from_db()
    assert entity.preferred_name == "Лавров"
    assert change.other.preferred_name == "Юнус-Бек Евкуров"


def test_split_refuses_to_take_every_alias_or_someone_elses(carol: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Лавров", user=carol, aliases=[("لافروف", "ar")]
    )
    other = entity_create(type="PER", preferred_name="Евкуров", user=carol)

    with pytest.raises(ValidationError, match="at least one"):
        entity_split(entity=entity, aliases=list(entity.aliases.all()), user=carol, rationale="x")
    with pytest.raises(ValidationError, match="do not belong"):
        entity_split(entity=entity, aliases=list(other.aliases.all()), user=carol, rationale="x")
    with pytest.raises(ValidationError, match="Choose"):
        entity_split(entity=entity, aliases=[], user=carol, rationale="x")

    assert Entity.objects.count() == 2
    assert Alias.objects.filter(entity=entity).count() == 2


def test_distinguishing_a_pair_is_stored_once_in_order(carol: AbstractUser) -> None:
    a = entity_create(type="PER", preferred_name="Лавров", user=carol)
    b = entity_create(type="PER", preferred_name="Евкуров", user=carol)

    entity_distinguish(first=b, second=a, user=carol, rationale="two people")
    entity_distinguish(first=a, second=b, user=carol)

    assert list(EntityDistinction.objects.values_list("first", "second")) == [(a.pk, b.pk)]


def _mention_linked_to(entity: Entity, *, text: str, reviewer: AbstractUser) -> Mention:
    project = project_ensure_default()
    body = f"Встреча: {text}."
    annotation = annotation_make(task=task_make(text=body), reviewer=reviewer)
    start = body.index(text)
    return Mention.objects.create(
        annotation=annotation,
        region_id=f"m-{entity.pk}-{start}",
        label=LabelType.objects.get(project=project, name="PER"),
        start=start,
        end=start + len(text),
        text=text,
        entity=entity,
    )


def test_merge_moves_reviewers_mention_links_to_the_kept_entity(
    alice: AbstractUser, carol: AbstractUser
) -> None:
    keep = entity_create(type="PER", preferred_name="مرهف أبو قصرة", user=carol)
    merge = entity_create(type="PER", preferred_name="Мурхаф Абу Касра", user=carol)
    mention = _mention_linked_to(merge, text="Мурхаф Абу Касра", reviewer=alice)

    entity_merge(keep=keep, merge=merge, user=carol, rationale="same person")

    mention.refresh_from_db()
    assert mention.entity_id == keep.pk


def test_split_moves_only_the_mentions_written_with_a_moved_alias(
    alice: AbstractUser, carol: AbstractUser
) -> None:
    entity = entity_create(type="PER", preferred_name="Асаад аш-Шибани", user=carol)
    moved = entity_add_alias(entity=entity, text="Башар Асад", user=carol)
    stays = _mention_linked_to(entity, text="Асаад аш-Шибани", reviewer=alice)
    goes = _mention_linked_to(entity, text="Башар Асад", reviewer=alice)

    change = entity_split(entity=entity, aliases=[moved], user=carol, rationale="two people")

    stays.refresh_from_db()
    goes.refresh_from_db()
    assert stays.entity_id == entity.pk
    assert goes.entity_id == change.other.pk
