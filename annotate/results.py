"""Label Studio's result shape <-> our rows, and the validation of what a client sends.

An annotation travels as a list of Label Studio results. Everything here is a shape Label
Studio itself produces, so a project exported from here imports into Label Studio with a
matching labelling config (`<Labels name="label" toName="text">`, per-region
`<TextArea>` and `<Choices>`, `<Relations>`):

- a span: ``{"id", "from_name": "label", "to_name": "text", "type": "labels",
  "value": {"start", "end", "text", "labels": ["PER"]}}``. A label of kind ``claim``
  makes the span a claim; any other label makes it a mention. Offsets are code points.
- a mention's normalised value (an ISO date): a per-region textarea with the span's id,
  ``{"id": <span id>, "from_name": "normalised", "type": "textarea",
  "value": {"text": ["2025-11-04"]}}``.
- a claim's one-line statement: the same with ``"from_name": "statement"``.
- a mention's link to a canonical entity (verify.Entity): the same with
  ``"from_name": "entity"`` and the entity's id as the text, ``{"text": ["42"]}``. Only
  mentions link; `annotate.services.entity_links` checks that the entity exists, follows
  `merged_into`, and that its type is the mention's label.
- a claim's link to a canonical fact (verify.Fact) with its stance: a per-region choice
  with the claim's id, the stance as the choice and the fact's id beside it,
  ``{"id": <claim id>, "from_name": "fact", "type": "choices",
  "value": {"choices": ["supports"], "fact_id": 12}}``; the stance is ``supports`` or
  ``refutes``. Only claims link to facts; `verify.services.facts.fact_links_check` checks
  that the fact exists. Label Studio keeps it as a stance choice (and ignores ``fact_id``).
- a claim attributed to the outlet itself: a per-region choice with the claim's id,
  ``{"id": <claim id>, "from_name": "attribution", "type": "choices",
  "value": {"choices": ["outlet"]}}``.
- a claim's parts: relations from the claim to a mention, labelled with the role,
  ``{"type": "relation", "from_id": <claim id>, "to_id": <mention id>,
  "direction": "right", "labels": ["subject"]}``; roles are subject, object, time,
  place and attributed_to.

Validation never trusts the client: a span's text must equal ``text[start:end]``, offsets
must lie inside the text, labels must belong to the project, references must point at
spans of the right kind. Errors are keyed by the path of the offending field, e.g.
``result[3].value.start``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from annotate.models import Claim, LabelType, Mention

SPAN_FROM_NAME = "label"
TO_NAME = "text"
NORMALISED_FROM_NAME = "normalised"
STATEMENT_FROM_NAME = "statement"
ATTRIBUTION_FROM_NAME = "attribution"
ATTRIBUTION_OUTLET = "outlet"
ENTITY_FROM_NAME = "entity"
FACT_FROM_NAME = "fact"
STANCES = ("supports", "refutes")
ROLES = ("subject", "object", "time", "place", "attributed_to")

MAX_RESULTS = 10_000
MAX_REGION_ID = 64
MAX_STATEMENT = 500
MAX_NORMALISED = 200
MAX_ERRORS = 50


@dataclass
class SpanRow:
    """A mention or a claim as the client sent it, validated."""

    region_id: str
    label: LabelType
    start: int
    end: int
    text: str
    normalized_value: str = ""
    statement: str = ""
    attributed_to_outlet: bool = False
    entity_id: int | None = None  # checked against the database by the save service
    fact_id: int | None = None  # a claim's fact, checked by verify.services.facts
    stance: str = ""
    parts: dict[str, str] = field(default_factory=dict)  # role -> mention region id

    @property
    def is_claim(self) -> bool:
        return self.label.kind == LabelType.Kind.CLAIM


@dataclass
class ParsedResult:
    mentions: list[SpanRow]
    claims: list[SpanRow]


class _Errors:
    """Errors keyed by field path; stops collecting after MAX_ERRORS."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        if len(self.by_path) < MAX_ERRORS:
            self.by_path.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def _short(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _region_id(item: Mapping[str, Any], path: str, errors: _Errors, key: str = "id") -> str | None:
    rid = item.get(key)
    if not isinstance(rid, str) or not rid or len(rid) > MAX_REGION_ID:
        errors.add(
            f"{path}.{key}", f"Give a region id: a string of 1 to {MAX_REGION_ID} characters."
        )
        return None
    return rid


def _one_text(value: Mapping[str, Any], path: str, errors: _Errors, limit: int) -> str | None:
    """A per-region textarea's value: ``{"text": ["one line"]}`` (a bare string is accepted)."""
    raw = value.get("text")
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str):
        errors.add(f"{path}.value.text", "Give one line of text.")
        return None
    line = raw.strip()
    if "\n" in line or "\r" in line:
        errors.add(f"{path}.value.text", "Keep it to one line.")
        return None
    if len(line) > limit:
        errors.add(f"{path}.value.text", f"Keep it under {limit} characters.")
        return None
    return line


def _parse_span(
    item: Mapping[str, Any],
    path: str,
    text: str,
    labels: Mapping[str, LabelType],
    errors: _Errors,
) -> SpanRow | None:
    rid = _region_id(item, path, errors)
    value = item.get("value")
    if not isinstance(value, dict):
        errors.add(f"{path}.value", "Give an object with start, end, text and labels.")
        return None
    start, end, span_text = value.get("start"), value.get("end"), value.get("text")
    ok = rid is not None
    if not _is_int(start) or start < 0:
        errors.add(f"{path}.value.start", "Give a whole number of at least 0.")
        ok = False
    if not _is_int(end) or end > len(text):
        errors.add(f"{path}.value.end", f"Give a whole number up to the text length ({len(text)}).")
        ok = False
    elif _is_int(start) and end <= start:
        errors.add(f"{path}.value.end", "The end must come after the start.")
        ok = False
    names = value.get("labels")
    label = None
    if not isinstance(names, list) or len(names) != 1 or not isinstance(names[0], str):
        errors.add(f"{path}.value.labels", 'Give exactly one label, e.g. ["PER"].')
        ok = False
    else:
        label = labels.get(names[0])
        if label is None:
            known = ", ".join(sorted(labels))
            errors.add(
                f"{path}.value.labels", f"Unknown label '{_short(names[0])}'. Known: {known}."
            )
            ok = False
    if not isinstance(span_text, str):
        errors.add(f"{path}.value.text", "Give the span's text.")
        ok = False
    if not ok or label is None or rid is None:
        return None
    expected = text[start:end]
    if span_text != expected:
        errors.add(
            f"{path}.value.text",
            f"'{_short(span_text)}' is not the article text at {start}:{end}, "
            f"which is '{_short(expected)}' (offsets count Unicode code points).",
        )
        return None
    return SpanRow(region_id=rid, label=label, start=start, end=end, text=span_text)


def _attach_extra(
    item: Mapping[str, Any], path: str, spans: dict[str, SpanRow], errors: _Errors
) -> None:
    """A per-region textarea or choice: the normalised value, statement or attribution."""
    rid = _region_id(item, path, errors)
    if rid is None:
        return
    span = spans.get(rid)
    if span is None:
        errors.add(f"{path}.id", f"No span has the id '{_short(rid)}'.")
        return
    value = item.get("value")
    if not isinstance(value, dict):
        errors.add(f"{path}.value", "Give an object.")
        return
    from_name = item.get("from_name")
    if from_name == NORMALISED_FROM_NAME:
        line = _one_text(value, path, errors, MAX_NORMALISED)
        if line is not None:
            span.normalized_value = line
    elif from_name == ENTITY_FROM_NAME:
        if span.is_claim:
            errors.add(f"{path}.id", "Only a mention links to an entity; claims link to facts.")
            return
        line = _one_text(value, path, errors, 20)
        if line is not None and not line.isdigit():
            errors.add(f"{path}.value.text", 'Give the entity\'s id, e.g. ["42"].')
        elif line is not None:
            span.entity_id = int(line)
    elif from_name == FACT_FROM_NAME:
        if not span.is_claim:
            errors.add(f"{path}.id", "Only a claim links to a fact; mentions link to entities.")
            return
        choices, fact_id = value.get("choices"), value.get("fact_id")
        if not isinstance(choices, list) or len(choices) != 1 or choices[0] not in STANCES:
            errors.add(f"{path}.value.choices", 'Give the stance: ["supports"] or ["refutes"].')
        elif not _is_int(fact_id) or fact_id < 1:
            errors.add(f"{path}.value.fact_id", "Give the fact's id, a whole number.")
        else:
            span.fact_id, span.stance = fact_id, choices[0]
    elif from_name == STATEMENT_FROM_NAME:
        if not span.is_claim:
            errors.add(f"{path}.id", "Only a claim has a statement.")
            return
        line = _one_text(value, path, errors, MAX_STATEMENT)
        if line is not None:
            span.statement = line
    else:  # ATTRIBUTION_FROM_NAME
        if not span.is_claim:
            errors.add(f"{path}.id", "Only a claim is attributed.")
            return
        if value.get("choices") != [ATTRIBUTION_OUTLET]:
            errors.add(f"{path}.value.choices", f'Give ["{ATTRIBUTION_OUTLET}"].')
            return
        span.attributed_to_outlet = True


def _attach_relation(
    item: Mapping[str, Any], path: str, spans: dict[str, SpanRow], errors: _Errors
) -> None:
    from_id = _region_id(item, path, errors, "from_id")
    to_id = _region_id(item, path, errors, "to_id")
    if from_id is None or to_id is None:
        return
    claim, mention = spans.get(from_id), spans.get(to_id)
    if claim is None or not claim.is_claim:
        errors.add(f"{path}.from_id", f"'{_short(from_id)}' is not a claim in this annotation.")
        return
    if mention is None or mention.is_claim:
        errors.add(f"{path}.to_id", f"'{_short(to_id)}' is not a mention in this annotation.")
        return
    roles = item.get("labels")
    if not isinstance(roles, list) or len(roles) != 1 or roles[0] not in ROLES:
        errors.add(f"{path}.labels", f"Give exactly one role: {', '.join(ROLES)}.")
        return
    role = roles[0]
    if role in claim.parts and claim.parts[role] != to_id:
        errors.add(f"{path}.labels", f"The claim '{_short(from_id)}' already has a {role}.")
        return
    claim.parts[role] = to_id


def result_parse(*, result: Any, text: str, labels: Mapping[str, LabelType]) -> ParsedResult:
    """Validate a Label Studio result list against the article text and the project's labels.

    Raises ValidationError keyed by field path (``result[3].value.start``) listing every
    problem found (up to MAX_ERRORS), so a client fixes them in one round.
    """
    errors = _Errors()
    if not isinstance(result, list):
        errors.add("result", "Give a list of Label Studio results.")
        errors.raise_if_any()
    if len(result) > MAX_RESULTS:
        errors.add("result", f"At most {MAX_RESULTS} results per annotation.")
        errors.raise_if_any()
    spans: dict[str, SpanRow] = {}
    later: list[tuple[int, Mapping[str, Any]]] = []
    for i, item in enumerate(result):
        path = f"result[{i}]"
        if not isinstance(item, dict):
            errors.add(path, "Give an object.")
            continue
        kind = item.get("type")
        if kind == "labels":
            span = _parse_span(item, path, text, labels, errors)
            if span is None:
                continue
            if span.region_id in spans:
                errors.add(f"{path}.id", f"The id '{_short(span.region_id)}' is used twice.")
                continue
            spans[span.region_id] = span
        elif (
            kind == "relation"
            or (
                kind in ("textarea", "choices")
                and item.get("from_name")
                in (NORMALISED_FROM_NAME, STATEMENT_FROM_NAME, ATTRIBUTION_FROM_NAME)
            )
            or (kind == "textarea" and item.get("from_name") == ENTITY_FROM_NAME)
            or (kind == "choices" and item.get("from_name") == FACT_FROM_NAME)
        ):
            later.append((i, item))  # they refer to spans that may come later in the list
        elif kind in ("textarea", "choices"):
            errors.add(
                f"{path}.from_name",
                f"Use '{NORMALISED_FROM_NAME}', '{STATEMENT_FROM_NAME}', '{ENTITY_FROM_NAME}', "
                f"'{FACT_FROM_NAME}' or '{ATTRIBUTION_FROM_NAME}'.",
            )
        else:
            errors.add(f"{path}.type", "Use 'labels', 'relation', 'textarea' or 'choices'.")
    for i, item in later:
        if item["type"] == "relation":
            _attach_relation(item, f"result[{i}]", spans, errors)
        else:
            _attach_extra(item, f"result[{i}]", spans, errors)
    for span in spans.values():
        attributed = span.parts.get("attributed_to")
        if span.attributed_to_outlet and attributed:
            errors.add(
                "result",
                f"The claim '{_short(span.region_id)}' is attributed both to the outlet and to a mention.",
            )
    errors.raise_if_any()
    ordered = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.region_id))
    return ParsedResult(
        mentions=[s for s in ordered if not s.is_claim],
        claims=[s for s in ordered if s.is_claim],
    )


def _span_result(rid: str, label: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": SPAN_FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def _per_region(rid: str, from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": from_name, "to_name": TO_NAME, "type": kind, "value": value}


def result_from_rows(
    *,
    mentions: Iterable[Mention | Any],
    claims: Iterable[Claim | Any],
    label_names: Mapping[int, str],
) -> list[dict[str, Any]]:
    """Rows back to a Label Studio result list, spans in reading order.

    Rows are model instances or anything with the same attributes (`values_list(...,
    named=True)`); `label_names` maps label type ids to names so no label is fetched.
    """
    mentions = list(mentions)
    claims = list(claims)
    region_of = {m.pk: m.region_id for m in mentions}
    spans: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for m in mentions:
        spans.append(_span_result(m.region_id, label_names[m.label_id], m.start, m.end, m.text))
        if m.normalized_value:
            extras.append(
                _per_region(
                    m.region_id, NORMALISED_FROM_NAME, "textarea", {"text": [m.normalized_value]}
                )
            )
        entity_id = getattr(m, "entity_id", None)
        if entity_id is not None:
            extras.append(
                _per_region(m.region_id, ENTITY_FROM_NAME, "textarea", {"text": [str(entity_id)]})
            )
    for c in claims:
        spans.append(_span_result(c.region_id, label_names[c.label_id], c.start, c.end, c.text))
        if c.statement:
            extras.append(
                _per_region(c.region_id, STATEMENT_FROM_NAME, "textarea", {"text": [c.statement]})
            )
        fact_id = getattr(c, "fact_id", None)
        if fact_id is not None:
            extras.append(
                _per_region(
                    c.region_id,
                    FACT_FROM_NAME,
                    "choices",
                    {"choices": [c.stance], "fact_id": fact_id},
                )
            )
        if c.attributed_to_outlet:
            extras.append(
                _per_region(
                    c.region_id, ATTRIBUTION_FROM_NAME, "choices", {"choices": [ATTRIBUTION_OUTLET]}
                )
            )
        for role in ROLES:
            mention_id = getattr(
                c, "attributed_to_mention_id" if role == "attributed_to" else f"{role}_id"
            )
            if mention_id is not None and mention_id in region_of:
                relations.append(
                    {
                        "type": "relation",
                        "from_id": c.region_id,
                        "to_id": region_of[mention_id],
                        "direction": "right",
                        "labels": [role],
                    }
                )
    spans.sort(key=lambda r: (r["value"]["start"], -r["value"]["end"], r["id"]))
    return spans + extras + relations
