"""The adjudication API: queue, detail, atomic saves with 409 on a stale version, facts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotate.models import Task
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, disputed_task, review
from verify.models import AdjudicationDecision, Fact, GoldSpan

pytestmark = pytest.mark.django_db


def api_for(user: AbstractUser) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_queue_lists_the_most_conflicted_tasks_first(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    one = task_make(text=TEXT)
    review(one, alice, [span(one.article.text, "Moscow", "LOC")])
    review(one, bob, [span(one.article.text, "Moscow", "ORG")])
    three = disputed_task(alice, bob)

    response = api_for(carol).get("/api/adjudications/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["task"], r["conflict_count"]) for r in rows] == [(three.pk, 3), (one.pk, 1)]


def test_an_admin_saves_decisions_and_completes_the_task(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)
    detail = api_for(carol).get(f"/api/adjudications/{task.pk}/").json()
    assert [r["name"] for r in detail["reviewers"]] == ["alice", "bob"]
    items = {i["kind"]: i["id"] for u in detail["units"] for i in u["items"]}

    response = api_for(carol).post(
        f"/api/adjudications/{task.pk}/save/",
        {
            "version": 0,
            "complete": True,
            "decisions": [
                {"item": items["missing"], "action": "accept", "reviewer": "alice"},
                {"item": items["boundaries"], "action": "accept", "reviewer": "bob"},
                {
                    "item": items["label"],
                    "action": "accept",
                    "reviewer": "alice",
                    "rationale": "A city.",
                },
            ],  # fmt: skip
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["version"]) == ("done", 1)
    task.refresh_from_db()
    assert task.state == Task.State.ADJUDICATED
    assert GoldSpan.objects.filter(task=task).count() == 4
    assert body["decisions"][items["label"]]["rationale"] == "A city."


def test_a_stale_save_answers_409_and_writes_nothing(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, django_user_model: type
) -> None:
    erin = django_user_model.objects.create_user(username="erin", is_staff=True)
    task = disputed_task(alice, bob)
    items = {
        i["kind"]: i["id"]
        for u in api_for(carol).get(f"/api/adjudications/{task.pk}/").json()["units"]
        for i in u["items"]
    }
    decision = {"item": items["label"], "action": "accept", "reviewer": "alice"}
    assert (
        api_for(carol)
        .post(
            f"/api/adjudications/{task.pk}/save/",
            {"version": 0, "decisions": [decision]},
            format="json",
        )
        .status_code
        == 200
    )

    response = api_for(erin).post(
        f"/api/adjudications/{task.pk}/save/",
        {"version": 0, "decisions": [{**decision, "reviewer": "bob"}]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["version"] == 1
    assert "carol saved" in response.json()["detail"]
    assert AdjudicationDecision.objects.count() == 1


def test_a_bad_decision_answers_400(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    task = disputed_task(alice, bob)

    response = api_for(carol).post(
        f"/api/adjudications/{task.pk}/save/",
        {"version": 0, "decisions": [{"item": "gone", "action": "accept", "reviewer": "alice"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "no longer exists" in str(response.json())


def test_an_admin_records_a_fact_outcome_over_the_api(carol: AbstractUser) -> None:
    fact = Fact.objects.create(statement="Abu Qasra is a major general", verdict="disputed")

    response = api_for(carol).post(
        f"/api/adjudications/facts/{fact.pk}/",
        {"outcome": "disputed", "rationale": "Outlets still disagree."},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["computed_verdict"] == "disputed"
    assert [(a["outcome"], a["admin"]) for a in body["adjudications"]] == [("disputed", "carol")]


def test_the_agreement_api_gives_the_dashboard_and_tasks_lowest_first(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    agreed = task_make(text=TEXT)
    review(agreed, alice, [span(agreed.article.text, "Moscow", "LOC")])
    review(agreed, bob, [span(agreed.article.text, "Moscow", "LOC")])
    disputed = disputed_task(alice, bob)

    dashboard = api_for(carol).get("/api/agreement/").json()
    tasks = api_for(carol).get("/api/agreement/tasks/").json()["results"]
    one = api_for(carol).get(f"/api/agreement/tasks/{disputed.pk}/").json()

    assert dashboard["overall"]["tasks"] == 2
    assert [p["pair"] for p in dashboard["by_pair"]] == ["alice / bob"]
    assert [t["task"] for t in tasks] == [disputed.pk, agreed.pk]
    assert one["figures"]["summary"] == pytest.approx(4 / 7)
    assert sorted(c["kind"] for c in one["conflicts"]) == ["boundaries", "label", "missing"]
