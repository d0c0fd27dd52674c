"""Every URL the project defines, for anonymous, reviewer A (alice), reviewer B (bob) and the
admin (carol), against an explicit table of rules.

The URLs come from walking the resolver, not from the table, so a new endpoint without an
entry fails `test_every_url_has_a_rule`. Path parameters are filled with the ids of real
objects made in the fixture: a task alice and bob both reviewed (so an adjudication waits),
alice's annotation on it, its article, an import batch, an entity, a fact, a suggestion.

Each URL is fetched with GET; where GET is not allowed (405) it is sent an empty POST, so
write endpoints are checked too (an empty body is refused by validation after the
permission check, so nothing is changed). Django's admin site (`admin/`) is skipped: it has
its own rules (staff only, its own login page) and Django's own tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from annotate.models import Annotation, ImportBatch, Suggestion
from tests.verify.adjudication_helpers import disputed_task
from verify.models import Entity, Fact
from verify.services.releases import release_publish

# Outcomes
OK = "ok"  # allowed: any answer that is not one of the below (2xx, 3xx, a 400 for the empty body)
LOGIN = "login"  # anonymous: sent to the login page (pages) or 401/403 (API)
DENIED = "denied"  # 403 (API), or sent home with "admins only" (pages)
HIDDEN = "hidden"  # 404: another reviewer's object looks like a missing one

ROLES = ("anonymous", "alice", "bob", "carol")
PUBLIC = (OK, OK, OK, OK)
LOGGED_IN = (LOGIN, OK, OK, OK)
ADMIN = (LOGIN, DENIED, DENIED, OK)
ALICES = (LOGIN, OK, HIDDEN, HIDDEN)  # alice's own annotation: nobody else's business
REVIEWERS_OWN_WORK = (LOGIN, OK, OK, HIDDEN)  # both reviewed the task; carol did not

RULES: dict[str, tuple[str, str, str, str]] = {
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": LOGGED_IN,  # anonymous: the login middleware answers before the view
    "api-schema": LOGGED_IN,
    "api-docs": LOGGED_IN,
    # annotate: reviewers work, admins import and browse articles
    "annotate-api:imports": ADMIN,
    "annotate-api:import-detail": ADMIN,
    "annotate-api:articles": ADMIN,
    "annotate-api:article-detail": ADMIN,
    "annotate-api:queue": LOGGED_IN,
    "annotate-api:task-next": LOGGED_IN,
    "annotate-api:task-detail": LOGGED_IN,
    "annotate-api:task-start": LOGGED_IN,
    # Suggestions belong to a reviewer's own work on a task: an admin without an
    # annotation on the task gets 404 (the decisions list only validates its body).
    "annotate-api:task-suggestions": REVIEWERS_OWN_WORK,
    "annotate-api:suggestion-decisions": LOGGED_IN,
    "annotate-api:suggestion-decision": REVIEWERS_OWN_WORK,
    "annotate-api:annotation-detail": ALICES,
    "annotate-api:annotation-draft": ALICES,
    "annotate-api:annotation-submit": ALICES,
    "annotate-api:annotation-skip": ALICES,
    "annotate:home": LOGGED_IN,
    "annotate:task-next": LOGGED_IN,
    "annotate:workspace": LOGGED_IN,
    "annotate:annotation": ALICES,
    "annotate:article-list": ADMIN,
    "annotate:article-detail": ADMIN,
    "annotate:import-list": ADMIN,
    "annotate:import-new": ADMIN,
    "annotate:import-detail": ADMIN,
    "annotate:suggestion-rates": ADMIN,
    # the audit history of every change: admins only
    "annotate:audit": ADMIN,
    "annotate-api:audit": ADMIN,
    # verify: entities and facts are shared work; merging and splitting are for admins
    "verify-api:entities": LOGGED_IN,
    "verify-api:entity-suggestions": ADMIN,
    "verify-api:entity-merge": ADMIN,
    "verify-api:entity-detail": LOGGED_IN,
    "verify-api:entity-aliases": LOGGED_IN,
    "verify-api:entity-split": ADMIN,
    "verify-api:facts": LOGGED_IN,
    "verify-api:fact-candidates": LOGGED_IN,
    "verify-api:fact-detail": LOGGED_IN,
    "verify:entity-list": LOGGED_IN,
    "verify:entity-new": LOGGED_IN,
    "verify:entity-suggestions": ADMIN,
    "verify:entity-merge": ADMIN,
    "verify:entity-distinguish": ADMIN,
    "verify:entity-detail": LOGGED_IN,
    "verify:entity-alias-add": LOGGED_IN,
    "verify:entity-split": ADMIN,
    "verify:fact-list": LOGGED_IN,
    "verify:fact-detail": LOGGED_IN,
    # adjudication and agreement: the queue, other people's annotations, the dashboard
    "verify-api:adjudications": ADMIN,
    "verify-api:adjudication-detail": ADMIN,
    "verify-api:adjudication-save": ADMIN,
    "verify-api:fact-adjudication": ADMIN,
    "verify-api:agreement": ADMIN,
    "verify-api:agreement-tasks": ADMIN,
    "verify-api:agreement-task": ADMIN,
    "verify:adjudication-queue": ADMIN,
    "verify:adjudication": ADMIN,
    "verify:fact-adjudication-list": ADMIN,
    "verify:fact-adjudication": ADMIN,
    "verify:dashboard": ADMIN,
    "verify:dashboard-csv": ADMIN,
    # gold releases: publishing, downloading and comparing are for admins
    "verify-api:releases": ADMIN,
    "verify-api:release-compare": ADMIN,
    "verify-api:release-detail": ADMIN,
    "verify:release-list": ADMIN,
    "verify:release-compare": ADMIN,
    "verify:release-detail": ADMIN,
    "verify:release-download": ADMIN,
}


def url_patterns() -> Iterator[tuple[str, str]]:
    """(name with namespace, route) of every pattern but Django's admin site."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str, namespace: str
    ) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) == "admin/":
                    continue  # Django's admin site: its own rules, see the module docstring
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            else:
                yield f"{namespace}{p.name}", prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns, "", "")


def test_every_url_has_a_rule() -> None:
    names = [name for name, _ in url_patterns()]

    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert sorted(set(names) - RULES.keys()) == [], "new URLs need a rule in RULES"
    assert sorted(RULES.keys() - set(names)) == [], "rules for URLs that no longer exist"


@pytest.fixture
def ids(
    alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, settings: Any, tmp_path: Path
) -> dict[str, int]:
    settings.CROSSCHECK_RELEASES_DIR = tmp_path  # a real, published (empty) release
    release = release_publish(name="v1", user=carol)
    task = disputed_task(alice, bob)
    suggestion = Suggestion.objects.create(
        article=task.article, start=0, end=6, label="PER", text=task.article.text[:6],
        source="natasha",
    )  # fmt: skip
    return {
        "task_id": task.pk,
        "annotation_id": Annotation.objects.get(task=task, reviewer=alice).pk,
        "article_id": task.article_id,
        "batch_id": ImportBatch.objects.create(project=task.project, created_by=carol).pk,
        "entity_id": Entity.objects.create(type="PER", preferred_name="Andrey Belousov").pk,
        "fact_id": Fact.objects.create(statement="Belousov met Abu Qasra", verdict="disputed").pk,
        "suggestion_id": suggestion.pk,
        "release_id": release.pk,
    }


def _url(route: str, ids: dict[str, int]) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(ids[match.group(1)])

    path = re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
    assert "<" not in path, f"cannot fill {route}"
    return "/" + path


def outcome(response: HttpResponse) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 401 or (status == 302 and location.startswith("/accounts/login/?next=")):
        return LOGIN
    if status == 403:
        return DENIED
    # Only the messages added by this request: earlier ones wait in the session to be shown.
    added = getattr(response.wsgi_request, "_messages", None)
    if status == 302 and any(
        "admins only" in str(m) for m in getattr(added, "_queued_messages", [])
    ):
        return DENIED
    if status == 404:
        return HIDDEN
    assert status < 500, f"server error {status}"
    return OK


def _fetch(client: Client, url: str) -> HttpResponse:
    response = client.get(url)
    if response.status_code == 405:
        content_type = "application/json" if url.startswith("/api/") else None
        if content_type:
            response = client.post(url, "{}", content_type=content_type)
            if response.status_code == 405:
                response = client.put(url, "{}", content_type=content_type)
        else:
            response = client.post(url, {})
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db
def test_each_role_gets_exactly_what_the_table_says(
    role: str, ids: dict[str, int], request: pytest.FixtureRequest
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    column = ROLES.index(role)
    wrong = []
    # Logging out ends the session: last, so every other URL is fetched logged in.
    for name, route in sorted(url_patterns(), key=lambda p: p[0] == "logout"):
        url = _url(route, ids)
        response = _fetch(client, url)
        got = outcome(response)
        if (expected := RULES[name][column]) != got:
            wrong.append(f"{name} {url}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
