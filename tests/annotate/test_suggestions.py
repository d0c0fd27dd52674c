"""Suggestions: computed per article from known entities, natasha and dates; idempotent."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.test import override_settings

from annotate.models import Article, Mention, Project, Suggestion, SuggestionDecision
from annotate.services.suggestions import (
    known_entities_load,
    suggestion_decide,
    suggestions_compute,
    suggestions_refresh,
)
from annotate.services.tasks import task_start_for_reviewer
from tests.factories import SEEDS, article_make, task_make, tasks_import
from verify.models import Alias
from verify.services.entities import entity_create

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

AR = "التقى وزير الدفاع أندريه بيلاوسوف مع مرهف أبو قصرة في 15 أكتوبر/تشرين الأول وموسكو."
RU = "Министр обороны Андрей Белоусов встретился с Мурхафом Абу Касрой в Москве вчера."
TEXT = f"{AR}\n{RU}"
PARAGRAPHS = [
    {"start": 0, "end": len(AR), "languages": ["ar"]},
    {"start": len(AR) + 1, "end": len(TEXT), "languages": ["ru"]},
]


@pytest.fixture
def article(project: Project) -> Article:
    return article_make(
        text=TEXT,
        languages=["ar", "ru"],
        metadata={"paragraphs": PARAGRAPHS},
        published_on=dt.date(2025, 11, 4),
    )


@pytest.fixture
def abu_qasra(carol: AbstractUser) -> int:
    entity = entity_create(type="PER", preferred_name="Мурхаф Абу Касра", language="ru", user=carol)
    return entity.pk


def found(article: Article, source: str) -> list[tuple[str, str, str]]:
    return [
        (s.label, s.text, s.value or "")
        for s in suggestions_compute(article=article, known=known_entities_load(), sources=[source])
    ]


def test_a_known_entity_is_suggested_in_arabic_and_russian_across_scripts(
    article: Article, abu_qasra: int
) -> None:
    assert found(article, "entity") == [
        ("PER", "مرهف أبو قصرة", str(abu_qasra)),
        ("PER", "Мурхафом Абу Касрой", str(abu_qasra)),
    ]


def test_an_arabic_proclitic_is_left_out_of_a_known_entity_span(
    article: Article, carol: AbstractUser
) -> None:
    moscow = entity_create(type="LOC", preferred_name="Москва", user=carol)

    assert ("LOC", "موسكو", str(moscow.pk)) in found(article, "entity")


def test_natasha_only_reads_the_russian_paragraphs(article: Article) -> None:
    rows = found(article, "natasha")

    assert ("PER", "Андрей Белоусов", "") in rows
    assert all(text in RU for _, text, _ in rows)


def test_dates_are_found_in_both_languages_with_values_against_the_article_date(
    article: Article,
) -> None:
    rows = found(article, "dateparser+rules")

    assert ("DATE", "15 أكتوبر/تشرين الأول", "2025-10-15") in rows
    assert ("DATE", "вчера", "2025-11-03") in rows


def test_refreshing_twice_changes_nothing_the_second_time(article: Article, abu_qasra: int) -> None:
    first = suggestions_refresh(article=article, known=known_entities_load())
    before = sorted(Suggestion.objects.values_list("pk", "start", "end", "label", "source"))

    second = suggestions_refresh(article=article, known=known_entities_load())

    assert first.created == len(before) > 0
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert sorted(Suggestion.objects.values_list("pk", "start", "end", "label", "source")) == before


def test_a_suggestion_a_reviewer_decided_on_survives_when_no_source_proposes_it_any_more(
    article: Article, abu_qasra: int, alice: AbstractUser
) -> None:
    suggestions_refresh(article=article, known=known_entities_load())
    decided = Suggestion.objects.get(source="entity", text="مرهف أبو قصرة")
    undecided = Suggestion.objects.get(source="entity", text="Мурхафом Абу Касрой")
    suggestion_decide(suggestion=decided, reviewer=alice, decision="rejected")
    Alias.objects.filter(entity_id=abu_qasra).delete()  # the source stops proposing both

    counts = suggestions_refresh(article=article, known=known_entities_load())

    assert Suggestion.objects.filter(pk=decided.pk).exists()
    assert not Suggestion.objects.filter(pk=undecided.pk).exists()
    assert counts.kept_decided == 1
    assert counts.deleted == 1


def test_an_entity_confirmed_later_is_suggested_on_the_next_run(
    article: Article, carol: AbstractUser
) -> None:
    suggestions_refresh(article=article, known=known_entities_load())
    assert not Suggestion.objects.filter(source="entity").exists()

    belousov = entity_create(type="PER", preferred_name="Андрей Белоусов", user=carol)
    counts = suggestions_refresh(article=article, known=known_entities_load())

    assert counts.created == 2
    assert sorted(Suggestion.objects.filter(entity=belousov).values_list("text", flat=True)) == [
        "Андрей Белоусов",
        "أندريه بيلاوسوف",
    ]
    # natasha found the Russian name too; the entity suggestion replaces it.
    assert not Suggestion.objects.filter(source="natasha", text="Андрей Белоусов").exists()


def test_a_decision_alone_adds_nothing_to_the_reviewers_annotation(
    article: Article, abu_qasra: int, alice: AbstractUser
) -> None:
    task = task_make(article=article)
    annotation = task_start_for_reviewer(task=task, reviewer=alice)
    suggestions_refresh(article=article, known=known_entities_load())

    for s in Suggestion.objects.all():
        suggestion_decide(suggestion=s, reviewer=alice, decision="accepted")

    assert not Mention.objects.filter(annotation=annotation).exists()
    assert SuggestionDecision.objects.filter(reviewer=alice).count() == Suggestion.objects.count()


def test_an_import_computes_suggestions_for_the_new_articles(project: Project) -> None:
    (task,) = tasks_import(next(SEEDS.glob("001_*.txt")))

    sources = set(task.article.suggestions.values_list("source", flat=True))

    assert sources == {"natasha", "dateparser+rules"}  # no entities known yet


@override_settings(CROSSCHECK_SUGGEST_ON_IMPORT=False)
def test_an_import_can_leave_suggestions_to_the_command(project: Project) -> None:
    (task,) = tasks_import(next(SEEDS.glob("001_*.txt")))

    assert not task.article.suggestions.exists()


def test_the_command_dry_run_counts_and_stores_nothing(article: Article, abu_qasra: int) -> None:
    out = StringIO()

    call_command("suggest", "--all", "--dry-run", stdout=out, stderr=StringIO())

    assert "1 articles:" in out.getvalue()
    assert "would be created" in out.getvalue()
    assert not Suggestion.objects.exists()


def test_the_command_stores_suggestions_for_articles_since_a_date(
    article: Article, abu_qasra: int
) -> None:
    out = StringIO()

    call_command("suggest", "--since", "2000-01-01", stdout=out, stderr=StringIO())
    call_command("suggest", "--since", "2999-01-01", stdout=out, stderr=StringIO())

    assert Suggestion.objects.filter(article=article, source="entity").count() == 2
    assert "0 articles:" in out.getvalue().splitlines()[-1]
