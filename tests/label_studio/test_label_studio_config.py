"""The project's label set as a Label Studio labelling config."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from annotate.label_studio import (
    LabelStudioError,
    label_config_check,
    label_config_read,
    label_config_xml,
)
from annotate.models import LabelType, Project
from tests.label_studio.conftest import LabelStudioServer


def test_the_config_has_every_label_with_its_hotkey_and_colour(project: Project) -> None:
    root = ET.fromstring(label_config_xml(project=project))

    labels = {lab.get("value"): lab.attrib for lab in root.iter("Label")}
    assert list(labels) == list(
        LabelType.objects.filter(project=project).values_list("name", flat=True)
    )
    assert labels["PER"] == {"value": "PER", "hotkey": "p", "background": "#e6194b"}
    assert labels["CLAIM"]["hotkey"] == "c"
    assert {r.get("value") for r in root.iter("Relation")} == {
        "subject",
        "object",
        "time",
        "place",
        "attributed_to",
    }
    assert root.find("Text").attrib == {"name": "text", "value": "$text"}  # type: ignore[union-attr]


def test_a_label_without_hotkey_has_no_hotkey_attribute(project: Project) -> None:
    LabelType.objects.create(project=project, name="WEAPON", color="#123456", position=9)

    root = ET.fromstring(label_config_xml(project=project))

    weapon = next(lab for lab in root.iter("Label") if lab.get("value") == "WEAPON")
    assert "hotkey" not in weapon.attrib


def test_a_config_lacking_our_labels_is_refused_naming_them(project: Project) -> None:
    foreign = """<View><Labels name="ner" toName="t"><Label value="PER"/><Label value="LOC"/>
      </Labels><Text name="t" value="$body"/></View>"""

    with pytest.raises(LabelStudioError, match="lacks the labels ORG, DATE, EVENT, ROLE, CLAIM"):
        label_config_check(project=project, label_config=foreign)


def test_a_config_with_other_names_is_read_for_its_names() -> None:
    names = label_config_read(
        '<View><Text name="t" value="$body"/><Labels name="ner" toName="t">'
        '<Label value="PER"/></Labels></View>'
    )

    assert (names.labels_name, names.text_name, names.text_field) == ("ner", "t", "body")
    assert names.label_values == {"PER"}


@pytest.mark.parametrize(
    "config",
    [
        "<View><Image name='i' value='$image'/></View>",
        "<View><Labels name='x' toName='nothing'><Label value='PER'/></Labels></View>",
        "not xml at all <",
    ],
)
def test_a_config_without_spans_on_text_is_refused(config: str) -> None:
    with pytest.raises(LabelStudioError, match="(no <Labels> tag|not valid XML)"):
        label_config_read(config)


@pytest.mark.label_studio
def test_label_studio_accepts_the_config_and_gives_it_back(
    project: Project, label_studio_server: LabelStudioServer, ls_title: str
) -> None:
    config = label_config_xml(project=project)
    sdk = label_studio_server.sdk()

    created = sdk.projects.create(title=ls_title, label_config=config)

    stored = sdk.projects.get(created.id)
    assert stored.label_config == config
    stored_labels = stored.parsed_label_config["label"]["labels"]
    assert stored_labels == ["PER", "ORG", "LOC", "DATE", "EVENT", "ROLE", "CLAIM"]
    assert label_config_check(project=project, label_config=stored.label_config).labels_name == (
        "label"
    )
