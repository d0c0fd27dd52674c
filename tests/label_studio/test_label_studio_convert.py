"""Label Studio results into our shape: controls, relations, links. Pure: no server."""

from __future__ import annotations

from typing import Any

from annotate.label_studio.incoming import result_convert
from annotate.models import LabelType
from tests.factories import relation, span

TEXT = "😀 Andrey Belousov met Murhaf Abu Qasra in Moscow."
KINDS = {"PER": LabelType.Kind.ENTITY, "LOC": LabelType.Kind.ENTITY, "CLAIM": LabelType.Kind.CLAIM}


def convert(result: list[dict[str, Any]], labels_name: str | None = "label") -> Any:
    return result_convert(
        result, labels_name=labels_name, source_text=TEXT, article_text=TEXT, kinds=KINDS
    )


def test_spans_of_another_control_name_are_renamed_to_ours() -> None:
    foreign = span(TEXT, "Moscow", "LOC", rid="m")
    foreign.update(from_name="ner", to_name="body")

    converted = convert([foreign], labels_name="ner")

    (item,) = converted.result
    assert (item["from_name"], item["to_name"], item["value"]["text"]) == (
        "label",
        "text",
        "Moscow",
    )


def test_results_of_controls_we_do_not_have_are_left_out_and_counted() -> None:
    rating = {"id": "x", "from_name": "quality", "to_name": "text", "type": "rating", "value": {}}
    sentiment = {"from_name": "sentiment", "type": "choices", "value": {"choices": ["neg"]}}

    converted = convert([span(TEXT, "Moscow", "LOC"), rating, sentiment])

    assert (len(converted.result), converted.ignored, converted.problems) == (1, 2, [])


def test_a_relation_from_a_mention_to_a_claim_is_turned_around() -> None:
    result = [
        span(TEXT, "Andrey Belousov met Murhaf Abu Qasra", "CLAIM", rid="c"),
        span(TEXT, "Andrey Belousov", "PER", rid="s"),
        relation("s", "c", "subject"),
    ]

    converted = convert(result)

    assert converted.result[2]["from_id"] == "c"
    assert converted.result[2]["to_id"] == "s"


def test_a_relation_drawn_leftwards_is_read_from_its_arrow() -> None:
    result = [
        span(TEXT, "Andrey Belousov met Murhaf Abu Qasra", "CLAIM", rid="c"),
        span(TEXT, "Moscow", "LOC", rid="p"),
        {**relation("p", "c", "place"), "direction": "left"},
    ]

    converted = convert(result)

    assert (converted.result[2]["from_id"], converted.result[2]["direction"]) == ("c", "right")


def test_entity_and_fact_links_pass_through() -> None:
    entity = {"id": "m", "from_name": "entity", "type": "textarea", "value": {"text": ["42"]}}
    fact = {
        "id": "c",
        "from_name": "fact",
        "type": "choices",
        "value": {"choices": ["supports"], "fact_id": 7},
    }

    converted = convert([span(TEXT, "Moscow", "LOC", rid="m"), entity, fact])

    assert [r["from_name"] for r in converted.result] == ["label", "entity", "fact"]
    assert converted.result[2]["value"] == {"choices": ["supports"], "fact_id": 7}


def test_a_span_of_a_foreign_control_counts_as_left_out_not_as_ours() -> None:
    other = span(TEXT, "Moscow", "LOC")
    other["from_name"] = "second_labels"

    converted = convert([other])

    assert (converted.result, converted.ignored) == ([], 1)


def test_every_bad_span_is_reported_with_its_position() -> None:
    wrong = span(TEXT, "Moscow", "LOC")
    wrong["value"]["text"] = "Moskva"

    converted = convert([span(TEXT, "Moscow", "LOC"), wrong, "not an object"])  # type: ignore[list-item]

    assert converted.problems[0].startswith("result[1].value: 'Moskva' is not the article text")
    assert converted.problems[1] == "result[2]: not an object"
