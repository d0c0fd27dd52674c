"""Mentions linked to canonical entities: saved with the draft, checked, and adding aliases."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from annotate.models import Annotation, Mention, Project, Task
from annotate.selectors.annotations import annotation_result
from annotate.services.annotations import annotation_save_draft
from annotate.services.tasks import task_start_for_reviewer
from tests.conftest import client_for
from tests.factories import span, task_make
from verify.models import Alias, Entity
from verify.services.entities import entity_create, entity_merge

AR = "عقد وزير الدفاع الروسي لقاءً مع نظيره السوري مرهف أبو قصرة في موسكو."
RU = "Андрей Белоусов провел встречу с Мурхафом Абу Касрой."
TEXT = f"{AR}\n{RU}"
PARAGRAPHS = [
    {"start": 0, "end": len(AR), "languages": ["ar"]},
    {"start": len(AR) + 1, "end": len(TEXT), "languages": ["ru"]},
]


def entity_item(region_id: str, entity_id: int | str) -> dict[str, Any]:
    return {
        "id": region_id,
        "from_name": "entity",
        "to_name": "text",
        "type": "textarea",
        "value": {"text": [str(entity_id)]},
    }


@pytest.fixture
def task(project: Project) -> Task:
    return task_make(
        text=TEXT, languages=["ar", "ru"], metadata={"paragraphs": PARAGRAPHS}, required_overlap=1
    )


@pytest.fixture
def draft(task: Task, alice: AbstractUser) -> Annotation:
    return task_start_for_reviewer(task=task, reviewer=alice)


@pytest.fixture
def abu_qasra(alice: AbstractUser) -> Entity:
    return entity_create(type="PER", preferred_name="Мурхаф Абу Касра", language="ru", user=alice)


def test_a_linked_mention_is_stored_and_read_back_in_the_result(
    draft: Annotation, abu_qasra: Entity
) -> None:
    result = [span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", abu_qasra.pk)]

    annotation_save_draft(annotation=draft, version=0, result=result)

    mention = Mention.objects.get(annotation=draft)
    assert mention.entity == abu_qasra
    read = annotation_result(annotation=draft)
    assert entity_item("m1", abu_qasra.pk) in read


def test_linking_adds_the_surface_form_as_an_alias_in_the_paragraph_language(
    draft: Annotation, abu_qasra: Entity
) -> None:
    result = [
        span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"),
        entity_item("m1", abu_qasra.pk),
        span(TEXT, "Мурхафом Абу Касрой", "PER", rid="m2"),
        entity_item("m2", abu_qasra.pk),
    ]

    annotation_save_draft(annotation=draft, version=0, result=result)

    aliases = dict(Alias.objects.filter(entity=abu_qasra).values_list("text", "language"))
    assert aliases == {
        "Мурхаф Абу Касра": "ru",
        "مرهف أبو قصرة": "ar",
        "Мурхафом Абу Касрой": "ru",
    }


def test_a_save_that_does_not_change_the_links_adds_no_alias(
    draft: Annotation, abu_qasra: Entity
) -> None:
    result = [span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", abu_qasra.pk)]
    annotation_save_draft(annotation=draft, version=0, result=result)
    Alias.objects.filter(entity=abu_qasra, text="مرهف أبو قصرة").delete()

    annotation_save_draft(annotation=draft, version=1, result=result)

    assert not Alias.objects.filter(entity=abu_qasra, text="مرهف أبو قصرة").exists()


def test_a_link_to_a_merged_entity_is_stored_against_the_entity_it_went_into(
    draft: Annotation, abu_qasra: Entity, carol: AbstractUser
) -> None:
    duplicate = entity_create(type="PER", preferred_name="Abu Qasra", user=carol)
    entity_merge(keep=abu_qasra, merge=duplicate, user=carol, rationale="same man")

    annotation_save_draft(
        annotation=draft,
        version=0,
        result=[span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", duplicate.pk)],
    )

    assert Mention.objects.get(annotation=draft).entity_id == abu_qasra.pk


def test_a_link_to_an_entity_of_another_type_is_refused(
    draft: Annotation, alice: AbstractUser
) -> None:
    moscow = entity_create(type="LOC", preferred_name="Москва", user=alice)

    with pytest.raises(ValidationError) as e:
        annotation_save_draft(
            annotation=draft,
            version=0,
            result=[span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", moscow.pk)],
        )

    assert "is a LOC" in str(e.value)
    draft.refresh_from_db()
    assert draft.version == 0
    assert not Mention.objects.filter(annotation=draft).exists()


def test_a_link_to_a_missing_entity_answers_400_naming_the_span(
    draft: Annotation, alice: AbstractUser
) -> None:
    url = reverse("annotate-api:annotation-draft", args=[draft.pk])
    body = {
        "version": 0,
        "result": [span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", 999_999)],
    }

    resp = client_for(alice).put(url, body, content_type="application/json")

    assert resp.status_code == 400
    assert "m1" in resp.json()["result"][0]
    assert "does not exist" in resp.json()["result"][0]


def test_a_claim_cannot_link_to_an_entity(draft: Annotation, abu_qasra: Entity) -> None:
    with pytest.raises(ValidationError) as e:
        annotation_save_draft(
            annotation=draft,
            version=0,
            result=[span(TEXT, RU, "CLAIM", rid="c1"), entity_item("c1", abu_qasra.pk)],
        )

    assert "Only a mention links to an entity" in str(e.value)


def test_an_entity_id_that_is_not_a_number_is_refused(draft: Annotation) -> None:
    with pytest.raises(ValidationError) as e:
        annotation_save_draft(
            annotation=draft,
            version=0,
            result=[span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", "abc")],
        )

    assert "result[1].value.text" in e.value.message_dict


def test_the_workspace_page_names_the_linked_entities(
    draft: Annotation, abu_qasra: Entity, alice: AbstractUser, task: Task
) -> None:
    annotation_save_draft(
        annotation=draft,
        version=0,
        result=[span(TEXT, "مرهف أبو قصرة", "PER", rid="m1"), entity_item("m1", abu_qasra.pk)],
    )

    resp = client_for(alice).get(reverse("annotate:workspace", args=[task.pk]))

    assert resp.status_code == 200
    data = resp.context["data"]
    assert data["entities"] == {
        str(abu_qasra.pk): {"id": abu_qasra.pk, "name": "Мурхаф Абу Касра", "type": "PER"}
    }
    assert b"workspace_entities.js" in resp.content
