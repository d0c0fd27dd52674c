"""The API fuzzed against a live server, from its own OpenAPI schema.

Schemathesis reads `/api/schema/` from a real server (pytest-django's `live_server`, on
127.0.0.1), generates requests for every operation, valid ones and invalid ones, sends them
over HTTP with a DRF token, and checks each answer: never a server error, a status code the
schema documents, and a body and content type that match it. Path ids are generated and also taken
from real rows (the seeds imported through the import service, a disputed task, an
adjudicated corpus with facts and entities, a published release), so requests reach the
code behind the 404. Writes are fuzzed too: the database is the test one.

Runs as alice (reviewer), then carol (admin). Not checked: that every invalid request is
refused (`negative_data_rejection`): an empty query parameter counts as absent, on purpose.
The example counts are small and fixed
(`derandomize`) so the file stays within a few minutes on a small machine; every finding
it made has its own regression test in `test_api_fuzz_findings.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import AbstractUser
from hypothesis import HealthCheck, Phase, given, settings
from pytest_django.live_server_helper import LiveServer
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotate.models import ImportBatch, Suggestion
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import SEEDS, tasks_import
from tests.verify.adjudication_helpers import disputed_task
from tests.verify.release_helpers import corpus_make
from verify.models import GoldRelease
from verify.services.releases import release_publish

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 6}


@dataclass
class World:
    """Real rows for path parameters, by parameter name; per persona where it matters."""

    ids: dict[str, dict[str, int]]


@pytest.fixture
def world(alice: AbstractUser, bob: AbstractUser, carol: AbstractUser, releases_dir: Path) -> World:
    seeded = tasks_import(*sorted(SEEDS.glob("*.txt")))
    batch = ImportBatch.objects.latest("pk")
    disputed = disputed_task(alice, bob)
    corpus = corpus_make(alice, bob, carol)
    release = release_publish(user=carol, name="fuzz")
    assert release.state == GoldRelease.State.PUBLISHED, release.problems
    # A draft each on a seed task, so annotation and suggestion ids of one's own exist.
    drafts = {
        user.username: task_start_for_reviewer(task=seeded[0], reviewer=user)
        for user in (alice, carol)
    }
    suggestion = Suggestion.objects.filter(article=seeded[0].article).order_by("pk").first()
    assert suggestion is not None, "the seed import made no suggestions"
    shared = {
        "batch_id": batch.pk,
        "article_id": seeded[0].article_id,
        "suggestion_id": suggestion.pk,
        "entity_id": corpus.belousov.pk,
        "fact_id": corpus.signed.pk,
        "release_id": release.pk,
    }
    return World(
        ids={
            name: {
                **shared,
                # The disputed task has an adjudication and agreement figures; a seed task
                # has suggestions and one's own draft.
                "task_id": disputed.pk if name == "carol" else seeded[0].pk,
                "annotation_id": drafts[name].pk,
            }
            for name in ("alice", "carol")
        }
    )


def fuzz(live_server: LiveServer, user: AbstractUser, ids: dict[str, int]) -> list[str]:
    """Every operation as `user`; the failures, one entry each with schemathesis'
    reproduction (a curl command), empty when all is well.

    Valid data with generated path ids and with real ones; invalid data (negative mode)
    where there is a body or a query to make invalid, against real ids.
    """
    token = Token.objects.create(user=user).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers=headers
    )
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30, [op.label for op in operations]
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        assert set(names) <= ids.keys(), f"{operation.label}: give world() a real {names}"
        real = {n: ids[n] for n in names}
        runs = [(GenerationMode.POSITIVE, {})]
        if names:
            runs.append((GenerationMode.POSITIVE, real))
        if len(operation.body) or len(operation.query):
            runs.append((GenerationMode.NEGATIVE, real))
        for mode, fixed in runs:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES[mode],
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(
                    base_url=live_server.url, headers=headers, checks=CHECKS, timeout=60
                )

            # Schemathesis raises a FailureGroup (a BaseExceptionGroup); every failure is
            # collected so that one run shows them all.
            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                where = f"{operation.label} [{mode.value}, ids={fixed or 'generated'}]"
                failures.append(f"{where}: {_describe(exc)}")
    return failures


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, BaseExceptionGroup):
        text += "".join(f"\n  - {type(e).__name__}: {e}" for e in exc.exceptions)
    return text[:4000]


def test_no_operation_fails_or_breaks_its_schema_for_a_reviewer_or_an_admin(
    live_server: LiveServer, alice: AbstractUser, carol: AbstractUser, world: World
) -> None:
    # One test for both (the world is made once): the reviewer first, then the admin, whose
    # merges, splits and saves change the data most.
    failures = [f"as alice: {f}" for f in fuzz(live_server, alice, world.ids["alice"])]
    failures += [f"as carol: {f}" for f in fuzz(live_server, carol, world.ids["carol"])]

    assert not failures, "\n\n".join(failures)
