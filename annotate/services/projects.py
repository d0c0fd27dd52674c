"""The default project and its label schema."""

from __future__ import annotations

from django.db import transaction

from annotate.models import LabelType, Project

DEFAULT_PROJECT_SLUG = "default"
DEFAULT_PROJECT_NAME = "Russia–Syria defence meetings"

# name, hotkey, colour, kind, description
DEFAULT_LABELS: list[tuple[str, str, str, str, str]] = [
    ("PER", "p", "#e6194b", LabelType.Kind.ENTITY, "Person"),
    ("ORG", "o", "#3cb44b", LabelType.Kind.ENTITY, "Organisation"),
    ("LOC", "l", "#4363d8", LabelType.Kind.ENTITY, "Place"),
    ("DATE", "d", "#f58231", LabelType.Kind.ENTITY, "Date or period"),
    ("EVENT", "e", "#911eb4", LabelType.Kind.ENTITY, "Event"),
    ("ROLE", "r", "#008080", LabelType.Kind.ENTITY, "Role, title or rank"),
    ("CLAIM", "c", "#808000", LabelType.Kind.CLAIM, "Claim: who did or said what"),
]


@transaction.atomic
def project_ensure_default() -> Project:
    """Create the default project and its labels if missing; never overwrite edits."""
    project, created = Project.objects.get_or_create(
        slug=DEFAULT_PROJECT_SLUG, defaults={"name": DEFAULT_PROJECT_NAME}
    )
    if created:
        LabelType.objects.bulk_create(
            LabelType(
                project=project,
                name=name,
                hotkey=hotkey,
                color=color,
                kind=kind,
                description=description,
                position=position,
            )
            for position, (name, hotkey, color, kind, description) in enumerate(DEFAULT_LABELS)
        )
    return project
