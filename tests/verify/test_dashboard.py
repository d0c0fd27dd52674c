"""The agreement dashboard: progress, charts, lowest agreement first, CSV; admins only."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import AbstractUser

from tests.conftest import client_for
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import TEXT, disputed_task, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tasks(alice: AbstractUser, bob: AbstractUser) -> tuple[int, int]:
    agreed = task_make(text=TEXT, title="Agreed article")
    review(agreed, alice, [span(agreed.article.text, "Moscow", "LOC")])
    review(agreed, bob, [span(agreed.article.text, "Moscow", "LOC")])
    disputed = disputed_task(alice, bob, title="Disputed article")
    task_make(text=TEXT, title="Untouched")
    return agreed.pk, disputed.pk


def test_the_dashboard_shows_progress_charts_and_the_lowest_task_first(
    carol: AbstractUser, two_tasks: tuple[int, int]
) -> None:
    agreed, disputed = two_tasks

    response = client_for(carol).get("/verify/dashboard/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart" role="img"') == 3
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # charts need no script
    assert "cdn" not in html.lower()
    # one task per state: open, complete (waiting), adjudicated (accepted automatically)
    for label in ("Open", "Complete", "Adjudicated"):
        assert f'text-anchor="end">{label}</text>' in html
    lowest = html.split('id="lowest"')[1]
    assert lowest.index(f"#{disputed}") < lowest.index(f"#{agreed}")
    assert "alice / bob" in html


def test_the_csv_lists_every_compared_task_lowest_agreement_first(
    carol: AbstractUser, two_tasks: tuple[int, int]
) -> None:
    agreed, disputed = two_tasks

    response = client_for(carol).get("/verify/dashboard/agreement.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["task", "title", "state", "reviewers", "agreement_f1_overlap", "conflicts"]
    assert [(r[0], r[2], r[4], r[5]) for r in rows[1:]] == [
        (str(disputed), "complete", "0.5714", "3"),
        (str(agreed), "adjudicated", "1.0000", "0"),
    ]


def test_reviewers_are_sent_away_from_the_dashboard(alice: AbstractUser) -> None:
    response = client_for(alice).get("/verify/dashboard/")

    assert response.status_code == 302
