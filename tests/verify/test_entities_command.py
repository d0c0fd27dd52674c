"""`manage.py suggest_entities`: prints merge proposals; merges the surest on request."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command

from verify.models import Entity, EntityChange
from verify.services.entities import entity_create

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("suggest_entities", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def duplicates(alice: AbstractUser) -> list[Entity]:
    return [
        entity_create(type="PER", preferred_name="مرهف أبو قصرة", user=alice),
        entity_create(type="PER", preferred_name="Мурхеф Абу Касра", user=alice),
        entity_create(type="PER", preferred_name="Белоусов", user=alice),
        entity_create(type="PER", preferred_name="بيلاؤوسوف", user=alice),
        entity_create(type="PER", preferred_name="Путин", user=alice),
        entity_create(type="PER", preferred_name="Шибани", user=alice),
        entity_create(type="LOC", preferred_name="Дамаск", user=alice),
        entity_create(type="LOC", preferred_name="دمشق", user=alice),
    ]


def test_it_prints_each_pair_with_score_and_the_aliases_that_matched(
    duplicates: list[Entity],
) -> None:
    out = run("--type", "PER")

    lines = out.splitlines()
    assert lines[-1] == "2 proposal(s)."
    assert any("مرهف أبو قصرة" in line and "Мурхеф Абу Касра" in line for line in lines)
    assert any(line.startswith("1.000  PER") and "Белоусов" in line for line in lines)
    assert "Шибани" not in out
    assert not EntityChange.objects.exists()


def test_it_lists_every_type_without_a_filter(duplicates: list[Entity]) -> None:
    out = run()

    assert out.splitlines()[-1] == "3 proposal(s)."
    assert "Дамаск" in out


def test_a_high_minimum_score_can_leave_nothing(alice: AbstractUser) -> None:
    entity_create(type="PER", preferred_name="Мурхеф Абу Касра", user=alice)
    entity_create(type="PER", preferred_name="Махраф Абу Касра", user=alice)

    assert "0.875" in run("--min-score", "0.8")
    assert run("--min-score", "0.9") == "No merge proposals.\n"


def test_merge_above_merges_and_records_the_admin(
    duplicates: list[Entity], carol: AbstractUser
) -> None:
    out = run("--type", "LOC", "--merge-above", "1.0", "--user", "carol")

    assert "1 merge(s)." in out
    place = Entity.objects.get(pk=duplicates[7].pk)
    assert place.merged_into_id == duplicates[6].pk
    change = EntityChange.objects.get()
    assert change.user == carol
    assert change.rationale.startswith("suggest_entities: score 1.000")


def test_dry_run_reports_the_merges_and_keeps_nothing(
    duplicates: list[Entity], carol: AbstractUser
) -> None:
    out = run("--merge-above", "0.9", "--user", "carol", "--dry-run")

    assert "[dry run] 3 merge(s)." in out
    assert not EntityChange.objects.exists()
    assert not Entity.objects.filter(merged_into__isnull=False).exists()


def test_merging_needs_an_admin(duplicates: list[Entity], alice: AbstractUser) -> None:
    with pytest.raises(CommandError, match="needs --user"):
        run("--merge-above", "1.0")
    with pytest.raises(CommandError, match="No admin called 'alice'"):
        run("--merge-above", "1.0", "--user", "alice")
    assert not EntityChange.objects.exists()
