"""Suggestion API and the admin acceptance page: per-reviewer decisions, blind to others."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from annotate.models import Project, Suggestion, SuggestionDecision, Task
from annotate.services.tasks import task_start_for_reviewer
from tests.conftest import client_for
from tests.factories import task_make

TEXT = "Андрей Белоусов встретился с Абу Касрой 28 октября."


@pytest.fixture
def task(project: Project) -> Task:
    task = task_make(text=TEXT, languages=["ru"])
    article = task.article
    for needle, label, source, value in [
        ("Андрей Белоусов", "PER", "natasha", ""),
        ("Абу Касрой", "PER", "natasha", ""),
        ("28 октября", "DATE", "dateparser+rules", "2025-10-28"),
    ]:
        start = TEXT.index(needle)
        Suggestion.objects.create(
            article=article,
            start=start,
            end=start + len(needle),
            label=label,
            text=needle,
            source=source,
            value=value,
        )
    return task


def pending_texts(user: AbstractUser, task: Task) -> list[str]:
    resp = client_for(user).get(reverse("annotate-api:task-suggestions", args=[task.pk]))
    assert resp.status_code == 200
    return [s["text"] for s in resp.json()]


def decide_url(suggestion: Suggestion) -> str:
    return reverse("annotate-api:suggestion-decision", args=[suggestion.pk])


def test_a_rejection_hides_the_suggestion_from_that_reviewer_only(
    task: Task, alice: AbstractUser, bob: AbstractUser
) -> None:
    task_start_for_reviewer(task=task, reviewer=alice)
    task_start_for_reviewer(task=task, reviewer=bob)
    belousov = Suggestion.objects.get(text="Андрей Белоусов")

    resp = client_for(alice).post(
        decide_url(belousov), {"decision": "rejected"}, content_type="application/json"
    )

    assert resp.status_code == 200
    assert pending_texts(alice, task) == ["Абу Касрой", "28 октября"]
    assert pending_texts(bob, task) == ["Андрей Белоусов", "Абу Касрой", "28 октября"]


def test_a_later_decision_replaces_the_earlier_one(task: Task, alice: AbstractUser) -> None:
    task_start_for_reviewer(task=task, reviewer=alice)
    date = Suggestion.objects.get(label="DATE")
    client = client_for(alice)

    client.post(decide_url(date), {"decision": "rejected"}, content_type="application/json")
    client.post(decide_url(date), {"decision": "accepted"}, content_type="application/json")

    assert list(SuggestionDecision.objects.values_list("decision", flat=True)) == ["accepted"]


def test_accept_all_of_a_kind_records_every_one(task: Task, alice: AbstractUser) -> None:
    task_start_for_reviewer(task=task, reviewer=alice)
    ids = list(Suggestion.objects.filter(source="natasha").values_list("pk", flat=True))

    resp = client_for(alice).post(
        reverse("annotate-api:suggestion-decisions"),
        {"ids": ids, "decision": "accepted"},
        content_type="application/json",
    )

    assert resp.status_code == 200
    assert resp.json() == {"decided": 2}
    assert pending_texts(alice, task) == ["28 октября"]


def test_a_reviewer_who_has_not_started_the_task_gets_404(task: Task, bob: AbstractUser) -> None:
    date = Suggestion.objects.get(label="DATE")
    client = client_for(bob)

    listing = client.get(reverse("annotate-api:task-suggestions", args=[task.pk]))
    decision = client.post(
        decide_url(date), {"decision": "accepted"}, content_type="application/json"
    )

    assert (listing.status_code, decision.status_code) == (404, 404)
    assert not SuggestionDecision.objects.exists()


def test_an_unknown_decision_is_refused(task: Task, alice: AbstractUser) -> None:
    task_start_for_reviewer(task=task, reviewer=alice)
    date = Suggestion.objects.get(label="DATE")

    resp = client_for(alice).post(
        decide_url(date), {"decision": "maybe"}, content_type="application/json"
    )

    assert resp.status_code == 400
    assert not SuggestionDecision.objects.exists()


def test_the_acceptance_page_shows_rates_per_source_and_label_to_admins(
    task: Task, alice: AbstractUser, bob: AbstractUser, carol: AbstractUser
) -> None:
    for user, decision in [(alice, "accepted"), (bob, "rejected")]:
        task_start_for_reviewer(task=task, reviewer=user)
        for s in Suggestion.objects.filter(source="natasha"):
            client_for(user).post(
                decide_url(s), {"decision": decision}, content_type="application/json"
            )

    resp = client_for(carol).get(reverse("annotate:suggestion-rates"))

    assert resp.status_code == 200
    rows = {(r.source, r.label): r for r in resp.context["rows"]}
    natasha = rows[("natasha", "PER")]
    assert (natasha.suggested, natasha.accepted, natasha.rejected) == (2, 2, 2)
    assert natasha.rate == 0.5
    assert rows[("dateparser+rules", "DATE")].rate is None
    assert b"50%" in resp.content


def test_a_reviewer_cannot_open_the_acceptance_page(task: Task, alice: AbstractUser) -> None:
    resp = client_for(alice).get(reverse("annotate:suggestion-rates"))

    assert resp.status_code == 302


def test_a_reviewer_can_withdraw_a_decision_and_see_the_suggestion_again(
    task: Task, alice: AbstractUser
) -> None:
    task_start_for_reviewer(task=task, reviewer=alice)
    date = Suggestion.objects.get(label="DATE")
    client = client_for(alice)
    client.post(decide_url(date), {"decision": "accepted"}, content_type="application/json")

    resp = client.delete(decide_url(date))

    assert resp.status_code == 204
    assert not SuggestionDecision.objects.exists()
    assert "28 октября" in pending_texts(alice, task)
