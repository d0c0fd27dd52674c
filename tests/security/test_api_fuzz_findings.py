"""What the API fuzzing (test_api_fuzz.py) found, one regression test each.

- Ids past 64 bits in a URL, a body or a query string reached the database: 500
  (SQLite: OverflowError). Now: 404 for a URL (the `<id:...>` converter), 400 naming the
  field for a body or a query (config/ids.py).
- Answers that broke their own schema: an article's empty `url` declared as a URI; a CLI
  import's null `created_by`; a fact's null subject/object/place; the entity list (no `q`)
  answering entities where the schema promised ranked candidates.
- Undocumented error answers: 400/401/403/404 on every operation (config/schema_hooks.py),
  so the fuzzing now also checks status codes (status_code_conformance).
- The schema itself: drf-spectacular warned about components with one name and two shapes
  (`Input`, `QueueItem`, ...): clients would have got a wrong schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotate.models import Annotation, ImportBatch, Project
from annotate.services.imports import import_inputs_from_paths, import_run
from annotate.services.tasks import task_start_for_reviewer
from config.ids import COUNTER_MAX, ID_MAX
from tests.conftest import client_for
from tests.factories import SEEDS, article_make, task_make
from verify.models import Entity, Fact

pytestmark = pytest.mark.django_db

TOO_BIG = 10**25  # past 2**63: SQLite cannot bind it


def api_for(user: AbstractUser) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def components(user: AbstractUser) -> dict[str, Any]:
    response = api_for(user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", f"/api/adjudications/{TOO_BIG}/save/"),
        ("get", f"/api/tasks/{TOO_BIG}/"),
        ("get", f"/api/facts/{TOO_BIG}/"),
        ("post", f"/api/entities/{TOO_BIG}/split/"),
        ("get", f"/api/articles/{TOO_BIG}/"),
    ],
)
def test_an_id_too_big_for_the_database_in_an_api_url_is_404_not_500(
    carol: AbstractUser, method: str, url: str
) -> None:
    response = getattr(api_for(carol), method)(url, {}, format="json")

    assert response.status_code == 404


def test_an_id_too_big_for_the_database_in_a_page_url_is_404_not_500(
    carol: AbstractUser,
) -> None:
    client = client_for(carol)

    assert client.get(f"/tasks/{TOO_BIG}/annotate/").status_code == 404
    assert client.get(f"/verify/facts/{TOO_BIG}/").status_code == 404


def test_the_largest_id_the_converter_takes_still_reaches_the_view(carol: AbstractUser) -> None:
    response = api_for(carol).get(f"/api/facts/{ID_MAX}/")

    assert response.status_code == 404  # the view's "no such fact", not a crash
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/entities/{entity}/split/", {"aliases": [TOO_BIG], "rationale": "x"}, "aliases"),
        ("post", "/api/entities/merge/", {"keep": TOO_BIG, "merge": 1, "rationale": "x"}, "keep"),
        ("post", "/api/facts/", {"statement": "A met B.", "subject": TOO_BIG}, "subject"),
        ("post", "/api/facts/candidates/", {"text": "A met B.", "entity_ids": [TOO_BIG]}, "entity_ids"),
        ("post", "/api/suggestions/decisions/", {"ids": [TOO_BIG], "decision": "accepted"}, "ids"),
        ("get", "/api/facts/", {"entity": TOO_BIG}, "entity"),
        ("get", "/api/articles/", {"source": TOO_BIG}, "source"),
        ("get", "/api/releases/compare/", {"old": TOO_BIG, "new": 1}, "old"),
    ],
)  # fmt: skip
def test_an_id_too_big_for_the_database_in_a_body_or_query_is_400_naming_the_field(
    carol: AbstractUser, method: str, url: str, body: dict[str, Any], field: str
) -> None:
    entity = Entity.objects.create(type="PER", preferred_name="Andrey Belousov")
    client = api_for(carol)

    if method == "get":
        response = client.get(url, body)
    else:
        response = client.post(url.format(entity=entity.pk), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_version_too_big_for_the_database_is_400_not_500(alice: AbstractUser) -> None:
    task = task_make()
    annotation = task_start_for_reviewer(task=task, reviewer=alice)

    response = api_for(alice).put(
        f"/api/annotations/{annotation.pk}/draft/",
        {"version": COUNTER_MAX + 1, "result": []},
        format="json",
    )

    assert response.status_code == 400
    assert "version" in response.json()
    annotation.refresh_from_db()
    assert annotation.version == 0
    assert Annotation.objects.filter(task=task).count() == 1


def test_an_article_without_a_url_answers_an_empty_url_that_its_schema_allows(
    carol: AbstractUser,
) -> None:
    article = article_make(url="", text="Andrey Belousov met Murhaf Abu Qasra.")
    # article_make fills a URL when given none; an imported text without one has "".
    type(article).objects.filter(pk=article.pk).update(url="")

    body = api_for(carol).get(f"/api/articles/{article.pk}/").json()

    assert body["url"] == ""
    schemas = components(carol)
    for name in ("ArticleDetail", "ArticleListItem"):
        assert "format" not in schemas[name]["properties"]["url"], name


def test_an_import_from_the_command_line_has_a_null_creator_that_its_schema_allows(
    carol: AbstractUser, project: Project
) -> None:
    import_run(project=project, inputs=import_inputs_from_paths([next(SEEDS.glob("000_*.txt"))]))
    assert ImportBatch.objects.get().created_by is None

    body = api_for(carol).get("/api/imports/").json()

    assert body["results"][0]["created_by"] is None
    schemas = components(carol)
    for name in ("ImportBatch", "ImportBatchDetail"):
        assert schemas[name]["properties"]["created_by"]["nullable"] is True, name


def test_a_fact_without_subject_object_or_place_matches_its_schema(alice: AbstractUser) -> None:
    fact = Fact.objects.create(statement="An agreement was signed")

    body = api_for(alice).get(f"/api/facts/{fact.pk}/").json()

    assert (body["subject"], body["object"], body["place"]) == (None, None, None)
    properties = components(alice)["FactDetail"]["properties"]
    for name in ("subject", "object", "place"):
        assert properties[name]["nullable"] is True, name


def test_the_entity_list_without_a_query_matches_the_schema_of_its_results(
    alice: AbstractUser,
) -> None:
    Entity.objects.create(type="PER", preferred_name="Andrey Belousov")

    body = api_for(alice).get("/api/entities/").json()

    (result,) = body["results"]
    assert "alias_count" in result  # an entity, not a ranked candidate
    schemas = components(alice)
    page = schemas["EntitySearchPage"]["properties"]["results"]["items"]["$ref"]
    one_of = {s["$ref"] for s in schemas[page.rsplit("/", 1)[1]]["oneOf"]}
    assert one_of == {"#/components/schemas/Candidate", "#/components/schemas/EntityListItem"}


def test_the_schema_generates_without_a_single_warning(tmp_path: Path) -> None:
    # --fail-on-warn: duplicate component names, unresolvable fields, unknown path
    # converters and the like fail here, not in a client generated from a wrong schema.
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    assert "openapi: 3.0.3" in text
    for name in ("AdjudicationSaveInput", "TaskQueueItem", "AdjudicationQueueItem"):
        assert f"    {name}:" in text


def test_every_id_in_an_api_path_is_bounded_in_the_schema(carol: AbstractUser) -> None:
    paths = api_for(carol).get("/api/schema/", {"format": "json"}).json()["paths"]

    bounded = [
        p["schema"]
        for operations in paths.values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    ]

    assert len(bounded) > 15
    assert all(s == {"type": "integer", "minimum": 0, "maximum": ID_MAX} for s in bounded)


def test_every_operation_documents_its_error_answers_and_they_have_those_bodies(
    alice: AbstractUser,
) -> None:
    # Undocumented 400/401/403/404 made every client guess (status_code_conformance).
    schema = api_for(alice).get("/api/schema/", {"format": "json"}).json()
    operations = [op for item in schema["paths"].values() for op in item.values()]

    assert len(operations) > 30
    for operation in operations:
        assert {"401", "403", "404"} <= operation["responses"].keys(), operation["operationId"]
    facts = schema["paths"]["/api/facts/"]
    assert "400" in facts["get"]["responses"]
    assert "400" in facts["post"]["responses"]
    error = schema["components"]["schemas"]["Error"]
    # The bodies DRF gives match: a reviewer on an admin operation, a missing object.
    forbidden = api_for(alice).get("/api/releases/")
    missing = api_for(alice).get("/api/facts/123456/")
    assert (forbidden.status_code, missing.status_code) == (403, 404)
    for body in (forbidden.json(), missing.json()):
        assert set(body) == set(error["required"]) == {"detail"}
