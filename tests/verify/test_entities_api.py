"""The entity API: ranked search across scripts, list, detail, create, aliases, merge, split."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from verify.models import Entity, EntityChange
from verify.services.entities import entity_create

pytestmark = pytest.mark.django_db


def api_for(user: AbstractUser) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def seed_people(alice: AbstractUser) -> dict[str, Entity]:
    return {
        "qasra": entity_create(
            type="PER", preferred_name="مرهف أبو قصرة", language="ar", user=alice
        ),
        "belousov": entity_create(
            type="PER", preferred_name="Андрей Белоусов", language="ru", user=alice
        ),
        "moscow": entity_create(type="LOC", preferred_name="موسكو", language="ar", user=alice),
    }


def test_search_ranks_the_arabic_entity_for_a_russian_query(
    bob: AbstractUser, seed_people: dict[str, Entity]
) -> None:
    response = api_for(bob).get(reverse("verify-api:entities"), {"q": "Абу Касра", "type": "PER"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (hit,) = body["results"]
    assert hit["entity"]["id"] == seed_people["qasra"].pk
    assert hit["alias"] == "مرهف أبو قصرة"
    assert 0.8 <= hit["score"] < 1


def test_without_a_query_it_lists_entities_with_alias_counts(
    bob: AbstractUser, seed_people: dict[str, Entity]
) -> None:
    response = api_for(bob).get(reverse("verify-api:entities"), {"type": "PER"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["preferred_name"], r["alias_count"]) for r in results] == [
        ("Андрей Белоусов", 1),
        ("مرهف أبو قصرة", 1),
    ]


def test_a_reviewer_creates_an_entity_with_aliases(bob: AbstractUser) -> None:
    response = api_for(bob).post(
        reverse("verify-api:entities"),
        {
            "type": "PER",
            "preferred_name": "Ахмед аш-Шараа",
            "language": "ru",
            "aliases": [{"text": "أحمد الشرع", "language": "ar"}, {"text": "Ahmed al-Sharaa"}],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    entity = Entity.objects.get(pk=body["id"])
    assert entity.created_by == bob
    assert sorted((a["text"], a["script"], a["key"]) for a in body["aliases"]) == [
        ("Ahmed al-Sharaa", "Latn", "hmd xr"),
        ("Ахмед аш-Шараа", "Cyrl", "hmd xr"),
        ("أحمد الشرع", "Arab", "hmd xr"),
    ]


def test_creating_with_a_bad_wikidata_id_is_a_400_naming_the_field(bob: AbstractUser) -> None:
    response = api_for(bob).post(
        reverse("verify-api:entities"),
        {"type": "PER", "preferred_name": "Путин", "wikidata_qid": "Putin"},
        format="json",
    )

    assert response.status_code == 400
    assert "wikidata_qid" in response.json()
    assert not Entity.objects.exists()


def test_detail_and_alias_add(bob: AbstractUser, seed_people: dict[str, Entity]) -> None:
    entity = seed_people["belousov"]
    client = api_for(bob)

    added = client.post(
        reverse("verify-api:entity-aliases", args=[entity.pk]),
        {"text": "بيلاؤوسوف", "language": "ar"},
        format="json",
    )
    detail = client.get(reverse("verify-api:entity-detail", args=[entity.pk]))

    assert added.status_code == 201
    assert added.json()["key"] == "blsf"
    assert detail.status_code == 200
    assert [a["text"] for a in detail.json()["aliases"]] == ["بيلاؤوسوف", "Андрей Белоусов"]


def test_missing_entity_is_404(bob: AbstractUser) -> None:
    assert api_for(bob).get(reverse("verify-api:entity-detail", args=[999])).status_code == 404


def test_anonymous_callers_get_401() -> None:
    assert APIClient().get(reverse("verify-api:entities")).status_code == 401


def test_reviewers_cannot_merge_split_or_see_suggestions(
    bob: AbstractUser, seed_people: dict[str, Entity]
) -> None:
    client = api_for(bob)
    entity = seed_people["qasra"]

    merge = client.post(
        reverse("verify-api:entity-merge"),
        {"keep": entity.pk, "merge": seed_people["belousov"].pk, "rationale": "x"},
        format="json",
    )
    split = client.post(
        reverse("verify-api:entity-split", args=[entity.pk]), {"aliases": [1], "rationale": "x"}
    )
    suggestions = client.get(reverse("verify-api:entity-suggestions"))

    assert (merge.status_code, split.status_code, suggestions.status_code) == (403, 403, 403)
    assert not EntityChange.objects.exists()


def test_an_admin_merges_over_the_api(
    carol: AbstractUser, alice: AbstractUser, seed_people: dict[str, Entity]
) -> None:
    russian = entity_create(type="PER", preferred_name="Мурхеф Абу Касра", user=alice)
    client = api_for(carol)

    suggestions = client.get(reverse("verify-api:entity-suggestions"), {"type": "PER"})
    response = client.post(
        reverse("verify-api:entity-merge"),
        {"keep": seed_people["qasra"].pk, "merge": russian.pk, "rationale": "Same minister"},
        format="json",
    )

    assert suggestions.status_code == 200
    assert [(s["first"]["id"], s["second"]["id"]) for s in suggestions.json()] == [
        (seed_people["qasra"].pk, russian.pk)
    ]
    assert response.status_code == 200
    assert response.json()["kind"] == "merge"
    assert response.json()["user"] == "carol"
    russian.refresh_from_db()
    assert russian.merged_into == seed_people["qasra"]


def test_a_refused_merge_is_a_400_with_the_reason(
    carol: AbstractUser, seed_people: dict[str, Entity]
) -> None:
    response = api_for(carol).post(
        reverse("verify-api:entity-merge"),
        {"keep": seed_people["qasra"].pk, "merge": seed_people["moscow"].pk, "rationale": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert "one type only" in str(response.json())


def test_an_admin_splits_over_the_api(carol: AbstractUser, alice: AbstractUser) -> None:
    entity = entity_create(
        type="PER", preferred_name="Лавров", user=alice, aliases=[("Евкуров", "ru")]
    )
    wrong = entity.aliases.get(text="Евкуров")

    response = api_for(carol).post(
        reverse("verify-api:entity-split", args=[entity.pk]),
        {"aliases": [wrong.pk], "rationale": "Another person"},
        format="json",
    )

    assert response.status_code == 201
    new = Entity.objects.get(pk=response.json()["other"])
    assert new.preferred_name == "Евкуров"
    assert list(entity.aliases.values_list("text", flat=True)) == ["Лавров"]


def test_the_openapi_schema_describes_the_entity_endpoints(carol: AbstractUser) -> None:
    response = api_for(carol).get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/entities/", "/api/entities/{entity_id}/", "/api/entities/merge/"} <= set(paths)
