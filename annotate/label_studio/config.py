"""The project's label set as a Label Studio labelling config, and reading foreign configs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from annotate.label_studio.errors import LabelStudioError
from annotate.models import LabelType, Project
from annotate.results import (
    ATTRIBUTION_FROM_NAME,
    ATTRIBUTION_OUTLET,
    NORMALISED_FROM_NAME,
    ROLES,
    SPAN_FROM_NAME,
    STATEMENT_FROM_NAME,
    TO_NAME,
)


def project_labels(project: Project) -> list[LabelType]:
    return list(LabelType.objects.filter(project=project).order_by("position", "name"))


def label_config_xml(*, project: Project) -> str:
    """The project's label set as a Label Studio labelling config, same hotkeys and colours.

    Spans of every label are drawn with one `<Labels>` tag (a claim is a span too); a
    claim's parts are relations from the claim to a mention; the normalised value, the
    statement and attribution to the outlet are per-region controls, as `annotate.results`
    reads them.
    """
    view = ET.Element("View")
    labels = ET.SubElement(view, "Labels", name=SPAN_FROM_NAME, toName=TO_NAME)
    for label in project_labels(project):
        attrs = {"value": label.name, "background": label.color}
        if label.hotkey:
            attrs["hotkey"] = label.hotkey
        ET.SubElement(labels, "Label", attrs)
    relations = ET.SubElement(view, "Relations")
    for role in ROLES:
        ET.SubElement(relations, "Relation", value=role)
    ET.SubElement(view, "Text", name=TO_NAME, value=f"${TO_NAME}")
    region = ET.SubElement(view, "View", visibleWhen="region-selected")
    for name, hint in (
        (NORMALISED_FROM_NAME, "Normalised value, e.g. an ISO date"),
        (STATEMENT_FROM_NAME, "The claim in one line"),
    ):
        ET.SubElement(
            region,
            "TextArea",
            name=name,
            toName=TO_NAME,
            perRegion="true",
            maxSubmissions="1",
            editable="true",
            placeholder=hint,
        )
    choices = ET.SubElement(
        region, "Choices", name=ATTRIBUTION_FROM_NAME, toName=TO_NAME, perRegion="true"
    )
    ET.SubElement(choices, "Choice", value=ATTRIBUTION_OUTLET)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


@dataclass(frozen=True)
class ConfigNames:
    """What a Label Studio config calls its span control and text, and the labels it has."""

    labels_name: str
    text_name: str
    text_field: str
    label_values: frozenset[str]


def label_config_read(label_config: str) -> ConfigNames:
    """Find the `<Labels>` tag that draws spans on a `<Text>` tag in a Label Studio config."""
    try:
        root = ET.fromstring(label_config)
    except ET.ParseError as exc:
        raise LabelStudioError(
            f"The Label Studio labelling config is not valid XML: {exc}."
        ) from None
    texts = {t.get("name"): t for t in root.iter("Text") if t.get("name")}
    for tag in root.iter("Labels"):
        text = texts.get(tag.get("toName", ""))
        if text is not None and (text.get("value") or "").startswith("$"):
            return ConfigNames(
                labels_name=tag.get("name", ""),
                text_name=text.get("name", ""),
                text_field=(text.get("value") or "$")[1:],
                label_values=frozenset(lab.get("value", "") for lab in tag.iter("Label")),
            )
    raise LabelStudioError(
        "The Label Studio project's labelling config has no <Labels> tag drawing spans on a "
        "<Text> tag, so it cannot hold this project's annotations. Push the project's config "
        "first (`manage.py label_studio push`) or see `manage.py label_studio config`."
    )


def label_config_check(*, project: Project, label_config: str) -> ConfigNames:
    """The config's names; LabelStudioError naming the project's labels it lacks."""
    names = label_config_read(label_config)
    missing = [lt.name for lt in project_labels(project) if lt.name not in names.label_values]
    if missing:
        raise LabelStudioError(
            f"The Label Studio project's config lacks the labels {', '.join(missing)} of "
            f"project '{project.name}'. Update it with `manage.py label_studio push` (which "
            "sends the config) or add those labels in Label Studio's settings."
        )
    return names


def label_config_same(a: str, b: str) -> bool:
    """Whether two configs are the same XML, whatever their indentation."""
    return _normalised(a) == _normalised(b)


def _normalised(xml: str) -> str:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return xml
    for element in root.iter():
        element.tail = None
        if element.text is not None and not element.text.strip():
            element.text = None
    return ET.tostring(root, encoding="unicode")
