"""Reading mention -> entity links for the workspace."""

from __future__ import annotations

from typing import Any

from annotate.models import Annotation
from verify.models import Entity


def linked_entities_for_page(*, annotation: Annotation) -> dict[str, dict[str, Any]]:
    """{entity id: {id, name, type}} for the entities the annotation's mentions link to."""
    ids = annotation.mentions.filter(entity__isnull=False).values("entity_id")
    return {
        str(e.pk): {"id": e.pk, "name": e.preferred_name, "type": e.type}
        for e in Entity.objects.filter(pk__in=ids)
    }
