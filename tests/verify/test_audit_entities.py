"""The audit history of entities: create, alias, merge, split, distinguish; one event each."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError

from annotate.models import AuditEvent
from tests.conftest import client_for
from verify.models import Entity, EntityChange
from verify.services.entities import (
    entity_add_alias,
    entity_create,
    entity_distinguish,
    entity_merge,
    entity_split,
)

pytestmark = pytest.mark.django_db


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


def _last() -> int:
    event = AuditEvent.objects.order_by("-id").first()
    return event.pk if event else 0


@pytest.fixture
def belousov(carol: AbstractUser) -> Entity:
    return entity_create(
        type="PER", preferred_name="Andrey Belousov", language="en", user=carol,
        aliases=[("Андрей Белоусов", "ru")],
    )  # fmt: skip


def test_creating_an_entity_records_one_event_with_its_aliases(belousov: Entity) -> None:
    (event,) = AuditEvent.objects.all()

    assert (event.action, event.actor.username, event.before) == ("entity.create", "carol", None)
    assert (event.object_type, event.object_id) == ("entity", str(belousov.pk))
    assert event.after == {
        "type": "PER",
        "preferred_name": "Andrey Belousov",
        "wikidata_qid": "",
        "merged_into": None,
        "aliases": {
            "Andrey Belousov": {"language": "en", "script": "Latn"},
            "Андрей Белоусов": {"language": "ru", "script": "Cyrl"},
        },
    }


def test_adding_an_alias_records_it_and_adding_it_again_records_nothing(
    belousov: Entity, alice: AbstractUser
) -> None:
    start = _last()

    entity_add_alias(entity=belousov, text="أندريه بيلاوسوف", language="ar", user=alice)
    entity_add_alias(entity=belousov, text="أندريه بيلاوسوف", language="ar", user=alice)

    (event,) = _new_events(start)
    assert (event.action, event.actor) == ("entity.alias_add", alice)
    assert event.before == {"aliases": {}}
    assert event.after == {"aliases": {"أندريه بيلاوسوف": {"language": "ar", "script": "Arab"}}}


def test_a_merge_records_both_entities_and_points_at_its_entity_change(
    belousov: Entity, carol: AbstractUser
) -> None:
    duplicate = entity_create(type="PER", preferred_name="A. Belousov", user=carol)
    start = _last()

    change = entity_merge(keep=belousov, merge=duplicate, user=carol, rationale="Same minister.")

    (event,) = _new_events(start)
    assert (event.action, event.actor) == ("entity.merge", carol)
    assert (event.object_id, event.other_type, event.other_id) == (
        str(belousov.pk), "entity", str(duplicate.pk),
    )  # fmt: skip
    assert event.after["entity_change"] == change.pk
    assert event.after["rationale"] == "Same minister."
    assert event.before["other"]["merged_into"] is None
    assert event.after["other"]["merged_into"] == belousov.pk
    assert "A. Belousov" in event.after["entity"]["aliases"]
    assert "A. Belousov" not in event.before["entity"].get("aliases", {})


def test_the_merged_entity_keeps_the_merge_in_its_history(
    belousov: Entity, carol: AbstractUser
) -> None:
    duplicate = entity_create(type="PER", preferred_name="A. Belousov", user=carol)
    entity_merge(keep=belousov, merge=duplicate, user=carol, rationale="Same minister.")

    response = client_for(carol).get(f"/api/audit/?object_type=entity&object_id={duplicate.pk}")

    assert [e["action"] for e in response.json()["results"]] == ["entity.merge", "entity.create"]


def test_a_refused_merge_records_nothing(belousov: Entity, carol: AbstractUser) -> None:
    place = entity_create(type="LOC", preferred_name="Moscow", user=carol)
    start = _last()

    with pytest.raises(ValidationError):
        entity_merge(keep=belousov, merge=place, user=carol, rationale="no")

    assert _new_events(start) == []


def test_a_split_records_the_aliases_that_moved(belousov: Entity, carol: AbstractUser) -> None:
    moving = belousov.aliases.filter(text="Андрей Белоусов")
    start = _last()

    change = entity_split(entity=belousov, aliases=list(moving), user=carol, rationale="Two men.")

    (event,) = _new_events(start)
    assert (event.action, event.object_id, event.other_id) == (
        "entity.split", str(belousov.pk), str(change.other_id),
    )  # fmt: skip
    assert "Андрей Белоусов" in event.before["entity"]["aliases"]
    assert "Андрей Белоусов" not in event.after["entity"].get("aliases", {})
    assert list(event.after["other"]["aliases"]) == ["Андрей Белоусов"]
    assert event.after["entity_change"] == EntityChange.objects.get().pk


def test_marking_two_entities_distinct_is_recorded_once(
    belousov: Entity, carol: AbstractUser
) -> None:
    other = entity_create(type="PER", preferred_name="Andrei Belousov (footballer)", user=carol)
    start = _last()

    entity_distinguish(first=other, second=belousov, user=carol, rationale="A footballer.")
    entity_distinguish(first=belousov, second=other, user=carol)

    (event,) = _new_events(start)
    assert (event.action, event.object_id, event.other_id) == (
        "entity.distinguish", str(belousov.pk), str(other.pk),
    )  # fmt: skip
    assert event.after == {"distinct_from": other.pk, "rationale": "A footballer."}


def test_the_entity_page_links_admins_to_its_history(
    belousov: Entity, carol: AbstractUser, alice: AbstractUser
) -> None:
    link = f'href="/audit/?object_type=entity&amp;object_id={belousov.pk}"'

    assert link in client_for(carol).get(f"/verify/entities/{belousov.pk}/").content.decode()
    assert link not in client_for(alice).get(f"/verify/entities/{belousov.pk}/").content.decode()
