"""A small adjudicated corpus for the release tests, made through the real services.

Three articles, each reviewed by alice and bob in full agreement (so accepted
automatically): Russian and Arabic reports of one meeting (two outlets: the fact is
corroborated) and an English denial of a second fact that the Arabic article supports (the
second fact is disputed; carol decides one side is wrong). One Russian article is only
half reviewed and must stay out of every release.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotate.models import Task
from tests.factories import span, task_make
from tests.verify.adjudication_helpers import review
from tests.verify.facts_helpers import fact_result, outlet_result
from verify.models import Entity, Fact
from verify.services.adjudication import fact_adjudicate

RU = "Министр обороны Андрей Белоусов встретился с Мурхафом Абу Касрой в Москве, 28 октября."
AR = "التقى وزير الدفاع أندريه بيلوسوف بمرهف أبو قصرة في موسكو، يوم الثلاثاء. وأكد أن الاتفاق وقع."
EN = "The ministry denied that any agreement was signed in Moscow."
RU_MEETING = "Андрей Белоусов встретился с Мурхафом Абу Касрой в Москве"
AR_MEETING = "التقى وزير الدفاع أندريه بيلوسوف بمرهف أبو قصرة في موسكو"
AR_SIGNED = "وأكد أن الاتفاق وقع"
EN_DENIAL = "The ministry denied that any agreement was signed"


@dataclass
class Corpus:
    ru: Task
    ar: Task
    en: Task
    pending: Task
    meeting: Fact
    signed: Fact
    belousov: Entity
    moscow: Entity


def _both(task: Task, alice: AbstractBaseUser, bob: AbstractBaseUser, result: list[Any]) -> Task:
    review(task, alice, result)
    review(task, bob, result)
    task.refresh_from_db()
    assert task.state == Task.State.ADJUDICATED, task.state
    return task


def corpus_make(alice: AbstractBaseUser, bob: AbstractBaseUser, carol: AbstractBaseUser) -> Corpus:
    belousov = Entity.objects.create(type="PER", preferred_name="Andrey Belousov")
    belousov.aliases.create(text="Андрей Белоусов", language="ru", script="Cyrl")
    belousov.aliases.create(text="أندريه بيلوسوف", language="ar", script="Arab")
    moscow = Entity.objects.create(type="LOC", preferred_name="Moscow", wikidata_qid="Q649")
    moscow.aliases.create(text="Москва", language="ru", script="Cyrl")
    meeting = Fact.objects.create(statement="Belousov met Abu Qasra in Moscow")
    signed = Fact.objects.create(statement="An agreement was signed in Moscow")

    ru = task_make(text=RU, source="TASS", languages=["ru"], published_on=dt.date(2025, 10, 28))
    t = ru.article.text
    _both(ru, alice, bob, [
        span(t, "Андрей Белоусов", "PER", rid="m1"),
        {"id": "m1", "from_name": "entity", "to_name": "text", "type": "textarea",
         "value": {"text": [str(belousov.pk)]}},
        span(t, "Мурхафом Абу Касрой", "PER", rid="m2"),
        span(t, "Москве", "LOC", rid="m3"),
        {"id": "m3", "from_name": "entity", "to_name": "text", "type": "textarea",
         "value": {"text": [str(moscow.pk)]}},
        span(t, RU_MEETING, "CLAIM", rid="c1"), fact_result("c1", meeting), outlet_result("c1"),
    ])  # fmt: skip

    ar = task_make(text=AR, source="SANA", languages=["ar"], published_on=dt.date(2025, 10, 29))
    t = ar.article.text
    _both(ar, alice, bob, [
        span(t, "أندريه بيلوسوف", "PER", rid="m1"),
        {"id": "m1", "from_name": "entity", "to_name": "text", "type": "textarea",
         "value": {"text": [str(belousov.pk)]}},
        span(t, "موسكو", "LOC", rid="m2"),
        span(t, AR_MEETING, "CLAIM", rid="c1"), fact_result("c1", meeting), outlet_result("c1"),
        span(t, AR_SIGNED, "CLAIM", rid="c2"), fact_result("c2", signed), outlet_result("c2"),
    ])  # fmt: skip

    en = task_make(text=EN, source="Reuters", languages=["en"], published_on=dt.date(2025, 9, 1))
    t = en.article.text
    _both(en, alice, bob, [
        span(t, "Moscow", "LOC", rid="m1"),
        span(t, EN_DENIAL, "CLAIM", rid="c1"), fact_result("c1", signed, "refutes"),
        outlet_result("c1"),
    ])  # fmt: skip
    fact_adjudicate(
        fact=signed, admin=carol, outcome="one_wrong", upheld_stance="refutes",
        rationale="The ministry's statement is the primary source.",
    )  # fmt: skip

    pending = task_make(text="Белоусов в Москве.", languages=["ru"])
    review(pending, alice, [span(pending.article.text, "Москве", "LOC")])
    return Corpus(ru, ar, en, pending, meeting, signed, belousov, moscow)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
