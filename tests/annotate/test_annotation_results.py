"""Validation of Label Studio results against the article text and the project's labels."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotate.models import LabelType, Project
from annotate.results import result_parse
from tests.factories import relation, span

TEXT = "🙂 Андрей Белоусов met مرهف أبو قصرة in Moscow on 28 October."


@pytest.fixture
def labels(project: Project) -> dict[str, LabelType]:
    return {lt.name: lt for lt in project.label_types.all()}


def errors_of(result: object, labels: dict[str, LabelType]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        result_parse(result=result, text=TEXT, labels=labels)
    return info.value.message_dict


def test_it_accepts_spans_after_an_emoji_in_code_points(labels: dict[str, LabelType]) -> None:
    per = span(TEXT, "Андрей Белоусов", "PER")
    arabic = span(TEXT, "مرهف أبو قصرة", "PER")

    parsed = result_parse(result=[arabic, per], text=TEXT, labels=labels)

    assert [m.text for m in parsed.mentions] == ["Андрей Белоусов", "مرهف أبو قصرة"]
    assert parsed.mentions[0].start == 2  # the emoji is one code point, not two UTF-16 units


def test_it_rejects_a_span_whose_text_is_not_the_article_text(labels: dict[str, LabelType]) -> None:
    bad = span(TEXT, "Андрей Белоусов", "PER")
    # What a client counting UTF-16 units would send: the emoji counts twice.
    bad["value"]["start"] += 1
    bad["value"]["end"] += 1

    errors = errors_of([span(TEXT, "Moscow", "LOC"), bad], labels)

    assert list(errors) == ["result[1].value.text"]
    assert "ндрей Белоусов " in errors["result[1].value.text"][0]


def test_it_rejects_offsets_outside_the_text(labels: dict[str, LabelType]) -> None:
    past_end = span(TEXT, "Moscow", "LOC")
    past_end["value"]["end"] = len(TEXT) + 1
    negative = span(TEXT, "Moscow", "LOC", rid="neg")
    negative["value"]["start"] = -1
    backwards = span(TEXT, "Moscow", "LOC", rid="back")
    backwards["value"]["end"] = backwards["value"]["start"]

    errors = errors_of([past_end, negative, backwards], labels)

    assert set(errors) == {"result[0].value.end", "result[1].value.start", "result[2].value.end"}


def test_it_rejects_an_unknown_label_naming_the_known_ones(labels: dict[str, LabelType]) -> None:
    errors = errors_of([span(TEXT, "Moscow", "GPE")], labels)

    assert "Unknown label 'GPE'" in errors["result[0].value.labels"][0]
    assert "LOC" in errors["result[0].value.labels"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"result": []}, "result"),
        ([42], "result[0]"),
        ([{"type": "rectanglelabels", "id": "x"}], "result[0].type"),
        ([{"type": "labels", "id": "x", "value": "PER"}], "result[0].value"),
        ([{"type": "labels", "id": "", "value": {}}], "result[0].id"),
        (
            [
                {
                    "type": "labels",
                    "id": "x",
                    "value": {"start": "2", "end": 5, "text": "x", "labels": ["PER"]},
                }
            ],
            "result[0].value.start",
        ),
        (
            [
                {
                    "type": "labels",
                    "id": "x",
                    "value": {"start": 2, "end": 5, "text": "x", "labels": ["PER", "ORG"]},
                }
            ],
            "result[0].value.labels",
        ),
        (
            [
                {
                    "type": "labels",
                    "id": "x",
                    "value": {"start": True, "end": 5, "text": "x", "labels": ["PER"]},
                }
            ],
            "result[0].value.start",
        ),
    ],
)
def test_it_names_the_field_of_a_malformed_payload(
    payload: object, field: str, labels: dict[str, LabelType]
) -> None:
    assert field in errors_of(payload, labels)


def test_it_rejects_a_region_id_used_twice(labels: dict[str, LabelType]) -> None:
    errors = errors_of(
        [span(TEXT, "Moscow", "LOC", rid="a"), span(TEXT, "Андрей Белоусов", "PER", rid="a")],
        labels,
    )

    assert list(errors) == ["result[1].id"]


def test_it_reads_a_claims_parts_statement_and_attribution(labels: dict[str, LabelType]) -> None:
    claim = span(TEXT, "Андрей Белоусов met مرهف أبو قصرة in Moscow", "CLAIM", rid="c")
    result = [
        claim,
        span(TEXT, "Андрей Белоусов", "PER", rid="s"),
        span(TEXT, "مرهف أبو قصرة", "PER", rid="o"),
        span(TEXT, "Moscow", "LOC", rid="p"),
        relation("c", "s", "subject"),
        relation("c", "o", "object"),
        relation("c", "p", "place"),
        {
            "id": "c",
            "from_name": "statement",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["Belousov met Abu Qasra"]},
        },
        {
            "id": "c",
            "from_name": "attribution",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": ["outlet"]},
        },
    ]

    parsed = result_parse(result=result, text=TEXT, labels=labels)

    (c,) = parsed.claims
    assert c.parts == {"subject": "s", "object": "o", "place": "p"}
    assert c.statement == "Belousov met Abu Qasra"
    assert c.attributed_to_outlet is True
    assert len(parsed.mentions) == 3


def test_it_rejects_relations_to_missing_or_wrong_regions(labels: dict[str, LabelType]) -> None:
    result = [
        span(TEXT, "Андрей Белоусов met", "CLAIM", rid="c"),
        span(TEXT, "Андрей Белоусов", "PER", rid="s"),
        relation("c", "nope", "subject"),
        relation("s", "c", "subject"),
        relation("c", "s", "predicate"),
        {
            "id": "s",
            "from_name": "statement",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["x"]},
        },
        {
            "id": "zz",
            "from_name": "normalised",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["x"]},
        },
    ]

    errors = errors_of(result, labels)

    assert set(errors) == {
        "result[2].to_id",
        "result[3].from_id",
        "result[4].labels",
        "result[5].id",
        "result[6].id",
    }


def test_it_keeps_a_statement_to_one_line(labels: dict[str, LabelType]) -> None:
    result = [
        span(TEXT, "Андрей Белоусов met", "CLAIM", rid="c"),
        {
            "id": "c",
            "from_name": "statement",
            "to_name": "text",
            "type": "textarea",
            "value": {"text": ["one\ntwo"]},
        },
    ]

    assert "one line" in errors_of(result, labels)["result[1].value.text"][0]


def test_it_refuses_a_claim_attributed_to_both_outlet_and_mention(
    labels: dict[str, LabelType],
) -> None:
    result = [
        span(TEXT, "Андрей Белоусов met", "CLAIM", rid="c"),
        span(TEXT, "Андрей Белоусов", "PER", rid="s"),
        relation("c", "s", "attributed_to"),
        {
            "id": "c",
            "from_name": "attribution",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": ["outlet"]},
        },
    ]

    assert "both" in errors_of(result, labels)["result"][0]
