"""Entity pages: search, create, aliases by script, merge suggestions, merge and split."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from verify.models import Entity, EntityChange, EntityDistinction
from verify.services.entities import entity_create, entity_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def qasra_twice(alice: AbstractUser) -> tuple[Entity, Entity]:
    arabic = entity_create(type="PER", preferred_name="مرهف أبو قصرة", language="ar", user=alice)
    russian = entity_create(
        type="PER", preferred_name="Мурхеф Абу Касра", language="ru", user=alice
    )
    return arabic, russian


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(reverse("verify:entity-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_reviewer_finds_the_arabic_entity_by_its_russian_spelling(
    alice: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    arabic, russian = qasra_twice

    response = client_for(alice).get(
        reverse("verify:entity-list"), {"q": "Абу Касрой", "type": "PER"}
    )

    assert response.status_code == 200
    candidates = response.context["candidates"]
    assert {c.entity for c in candidates} == {arabic, russian}
    assert "مرهف أبو قصرة" in response.content.decode()


def test_a_reviewer_creates_an_entity(alice: AbstractUser) -> None:
    response = client_for(alice).post(
        reverse("verify:entity-new"),
        {"type": "PER", "preferred_name": "Андрей Белоусов", "language": "ru", "wikidata_qid": ""},
    )

    entity = Entity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:entity-detail", args=[entity.pk])
    assert entity.created_by == alice
    assert entity.aliases.get().key == "ndr blsf"


def test_the_create_form_shows_a_bad_wikidata_id(alice: AbstractUser) -> None:
    response = client_for(alice).post(
        reverse("verify:entity-new"),
        {"type": "PER", "preferred_name": "Путин", "wikidata_qid": "7747"},
    )

    assert response.status_code == 200
    assert "Q7747" in response.content.decode()  # the validator's hint
    assert not Entity.objects.exists()


def test_the_entity_page_groups_aliases_by_script_and_shows_history(
    alice: AbstractUser, carol: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    arabic, russian = qasra_twice
    entity_merge(keep=arabic, merge=russian, user=carol, rationale="One minister")

    response = client_for(alice).get(reverse("verify:entity-detail", args=[arabic.pk]))

    assert response.status_code == 200
    groups = [script for script, _ in response.context["alias_groups"]]
    assert groups == ["Arabic", "Cyrillic"]
    page = response.content.decode()
    assert "One minister" in page
    assert "carol" in page
    assert response.context["split_form"] is None  # reviewers do not split


def test_a_merged_entity_page_points_to_the_one_it_went_into(
    alice: AbstractUser, carol: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    arabic, russian = qasra_twice
    entity_merge(keep=arabic, merge=russian, user=carol, rationale="One minister")

    response = client_for(alice).get(reverse("verify:entity-detail", args=[russian.pk]))

    assert response.status_code == 200
    assert reverse("verify:entity-detail", args=[arabic.pk]) in response.content.decode()


def test_a_reviewer_adds_an_alias(alice: AbstractUser, qasra_twice: tuple[Entity, Entity]) -> None:
    arabic, _ = qasra_twice

    response = client_for(alice).post(
        reverse("verify:entity-alias-add", args=[arabic.pk]), {"text": "أبو قصرة", "language": "ar"}
    )

    assert response.status_code == 302
    assert arabic.aliases.filter(text="أبو قصرة", key="bksr").exists()


def test_the_suggestions_page_lists_the_pair_for_admins_only(
    alice: AbstractUser, carol: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    url = reverse("verify:entity-suggestions")

    denied = client_for(alice).get(url)
    response = client_for(carol).get(url, {"type": "PER", "min_score": "0.9"})

    assert denied.status_code == 302
    assert response.status_code == 200
    (suggestion,) = response.context["suggestions"]
    assert {suggestion.first, suggestion.second} == set(qasra_twice)
    assert suggestion.score == 1.0


def test_an_admin_merges_from_the_suggestions_page(
    carol: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    arabic, russian = qasra_twice
    back = reverse("verify:entity-suggestions") + "?type=PER"

    response = client_for(carol).post(
        reverse("verify:entity-merge"),
        {"keep": arabic.pk, "merge": russian.pk, "rationale": "Same minister", "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    russian.refresh_from_db()
    assert russian.merged_into == arabic
    assert EntityChange.objects.get().user == carol


def test_merging_needs_a_csrf_token(
    carol: AbstractUser, qasra_twice: tuple[Entity, Entity]
) -> None:
    arabic, russian = qasra_twice
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)

    response = client.post(
        reverse("verify:entity-merge"), {"keep": arabic.pk, "merge": russian.pk, "rationale": "x"}
    )

    assert response.status_code == 403
    russian.refresh_from_db()
    assert russian.merged_into is None


def test_a_reviewer_cannot_merge(alice: AbstractUser, qasra_twice: tuple[Entity, Entity]) -> None:
    arabic, russian = qasra_twice

    response = client_for(alice).post(
        reverse("verify:entity-merge"), {"keep": arabic.pk, "merge": russian.pk, "rationale": "x"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("annotate:home")
    russian.refresh_from_db()
    assert russian.merged_into is None


def test_a_refused_merge_says_why(carol: AbstractUser, alice: AbstractUser) -> None:
    person = entity_create(type="PER", preferred_name="Лавров", user=alice)
    place = entity_create(type="LOC", preferred_name="Лавров", user=alice)

    response = client_for(carol).post(
        reverse("verify:entity-merge"),
        {"keep": person.pk, "merge": place.pk, "rationale": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert "one type only" in response.content.decode()
    place.refresh_from_db()
    assert place.merged_into is None


def test_an_admin_marks_a_pair_as_different(carol: AbstractUser, alice: AbstractUser) -> None:
    lavrov = entity_create(type="PER", preferred_name="Сергей Лавров", user=alice)
    namesake = entity_create(type="PER", preferred_name="Сергей Лавров", user=alice)

    response = client_for(carol).post(
        reverse("verify:entity-distinguish"),
        {"keep": lavrov.pk, "merge": namesake.pk, "rationale": "Namesakes"},
    )

    assert response.status_code == 302
    assert EntityDistinction.objects.get().rationale == "Namesakes"
    assert client_for(carol).get(reverse("verify:entity-suggestions")).context["suggestions"] == []


def test_an_admin_splits_aliases_off(carol: AbstractUser, alice: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Лавров", user=alice, aliases=[("Евкуров", "ru")]
    )
    wrong = entity.aliases.get(text="Евкуров")

    page = client_for(carol).get(reverse("verify:entity-detail", args=[entity.pk]))
    response = client_for(carol).post(
        reverse("verify:entity-split", args=[entity.pk]),
        {"aliases": [wrong.pk], "rationale": "Another deputy minister", "preferred_name": ""},
    )

    assert page.context["split_form"] is not None
    assert response.status_code == 302
    new = Entity.objects.exclude(pk=entity.pk).get()
    assert list(new.aliases.values_list("text", flat=True)) == ["Евкуров"]
    assert EntityChange.objects.get().kind == EntityChange.Kind.SPLIT
