"""Canonical entities and facts, cross-source verdicts, adjudication and gold releases.

Entity side for now: entities, their aliases, the per-token key rows that find candidates
without scanning every alias, and the history of merges and splits. Facts and origins come
next, in this module.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

ENTITY_TYPE_VALIDATOR = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$",
    "Use a label name: capital letters, digits and underscores (e.g. PER).",
)
WIKIDATA_QID_VALIDATOR = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q7747.")


class Entity(models.Model):
    """A canonical person, organisation, place, ... that mentions in any language resolve to."""

    class Type(models.TextChoices):
        # The default project's entity labels; `type` holds a LabelType.name, so a project
        # with its own labels (WEAPON) can still link its mentions.
        PER = "PER", "Person"
        ORG = "ORG", "Organisation"
        LOC = "LOC", "Place"
        DATE = "DATE", "Date or period"
        EVENT = "EVENT", "Event"
        ROLE = "ROLE", "Role, title or rank"

    type = models.CharField(max_length=32, validators=[ENTITY_TYPE_VALIDATOR])
    preferred_name = models.CharField(max_length=300)
    wikidata_qid = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[WIKIDATA_QID_VALIDATOR]
    )
    # Set when an admin merged this entity into another; its aliases moved there. Kept, not
    # deleted, so old links and the history still resolve.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["preferred_name", "id"]
        verbose_name_plural = "entities"
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="entity_not_merged_into_self"
            ),
            models.CheckConstraint(condition=~Q(preferred_name=""), name="entity_has_a_name"),
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=~Q(wikidata_qid="") & Q(merged_into__isnull=True),
                name="entity_unique_active_qid",
            ),
        ]
        indexes = [models.Index(fields=["type", "merged_into"], name="entity_type_active")]

    def __str__(self) -> str:
        return f"{self.preferred_name} ({self.type})"

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None


class Alias(models.Model):
    """One way of writing an entity's name, in a language and script, with its matching key."""

    class Script(models.TextChoices):
        ARABIC = "Arab", "Arabic"
        CYRILLIC = "Cyrl", "Cyrillic"
        LATIN = "Latn", "Latin"
        OTHER = "other", "Other"

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=300)
    language = models.CharField(
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[a-z]{2,3}$", "A language is an ISO code: ar, ru, en.")],
    )
    script = models.CharField(max_length=5, choices=Script.choices)
    # verify.matching.name_key(text): the same for Мурхаф Абу Касра and مرهف أبو قصرة.
    key = models.CharField(max_length=300, db_index=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entity", "script", "language", "text"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["entity", "text"], name="alias_unique_text"),
            models.CheckConstraint(condition=~Q(text=""), name="alias_has_text"),
        ]

    def __str__(self) -> str:
        return self.text


class AliasToken(models.Model):
    """One row of the candidate index: a token of an alias key, or a one-letter deletion of it.

    `entity` repeats `alias.entity` so a lookup groups by entity without a join; the services
    that move aliases (merge, split) move these rows with them.
    """

    alias = models.ForeignKey(Alias, on_delete=models.CASCADE, related_name="tokens")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alias", "token"], name="aliastoken_unique"),
        ]
        indexes = [models.Index(fields=["token", "entity"], name="aliastoken_token")]

    def __str__(self) -> str:
        return self.token


class EntityChange(models.Model):
    """A merge or split, with who, when, why, and the aliases on each side before and after."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Merge: the entity kept. Split: the entity split.
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="changes")
    # Merge: the entity merged away. Split: the new entity.
    other = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="changes_as_other")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rationale = models.TextField(blank=True)
    # {"entity": {...snapshot...}, "other": {...}}: names, QIDs and aliases at the time.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(entity=F("other")), name="entitychange_two_entities"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.entity_id} / #{self.other_id}"


class EntityDistinction(models.Model):
    """An admin's word that two entities are not the same, so suggestions stop proposing them.

    Stored once per pair, the lower id first.
    """

    first = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rationale = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="entitydistinction_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="entitydistinction_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} is not #{self.second_id}"


class Fact(models.Model):
    """A canonical, language-neutral statement that claims in articles support or refute.

    The verdict is computed from the evidence (claims linked with a stance) and stored
    with its explanation, so boards and releases read it without recomputing.
    """

    class Verdict(models.TextChoices):
        CORROBORATED = "corroborated", "Corroborated"
        DISPUTED = "disputed", "Disputed"
        SINGLE_SOURCE = "single_source", "Single source"
        UNVERIFIED = "unverified", "Unverified"

    statement = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.UNVERIFIED)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement
