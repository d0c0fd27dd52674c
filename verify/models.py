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

    Subject, object and place are canonical entities; time is a date or a range
    (`time_start` .. `time_end`, equal for one day) with the words it came from
    (`time_text`: "в середине октября" is a range, not the article's day). `statement` is
    the short English sentence people read.

    The verdict is computed from the evidence (claims linked with a stance) by
    `verify.verdicts` and stored with its explanation, so boards and releases read it
    without recomputing; `verify.services.facts.fact_verdict_refresh` keeps it current.
    `vector` is the sentence embedding of the statement (and the claim it was made from),
    float32 bytes from `verify.embeddings`, for candidate ranking.
    """

    class Verdict(models.TextChoices):
        CORROBORATED = "corroborated", "Corroborated"
        DISPUTED = "disputed", "Disputed"
        SINGLE_SOURCE = "single_source", "Single source"
        UNVERIFIED = "unverified", "Unverified"

    class Basis(models.TextChoices):
        NONE = "none", "No evidence yet"
        SUBMITTED = "submitted", "Submitted evidence, before adjudication"
        MIXED = "mixed", "Adjudicated and submitted evidence"
        ADJUDICATED = "adjudicated", "Adjudicated evidence"

    statement = models.CharField(max_length=500)
    subject = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="facts_as_subject"
    )
    predicate = models.CharField(max_length=100, blank=True)
    object = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="facts_as_object"
    )
    place = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="facts_as_place"
    )
    time_start = models.DateField(null=True, blank=True)
    time_end = models.DateField(null=True, blank=True)
    time_text = models.CharField(max_length=200, blank=True)
    vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_model = models.CharField(max_length=100, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.UNVERIFIED)
    verdict_basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.NONE)
    # Distinct origins on each side, and the languages of the evidence: the board lists and
    # filters on these without reading the evidence.
    supporting_origins = models.PositiveIntegerField(default=0)
    refuting_origins = models.PositiveIntegerField(default=0)
    languages = models.JSONField(default=list, blank=True)
    # verify.verdicts.VerdictResult.as_dict(): the sentence, the origins on each side and
    # the articles behind each origin.
    verdict_explanation = models.JSONField(default=dict, blank=True)
    verdict_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(statement=""), name="fact_has_statement"),
            models.CheckConstraint(
                condition=Q(time_start__isnull=True)
                | Q(time_end__isnull=True)
                | Q(time_start__lte=F("time_end")),
                name="fact_time_ordered",
            ),
            models.CheckConstraint(
                condition=Q(time_end__isnull=True) | Q(time_start__isnull=False),
                name="fact_time_end_needs_start",
            ),
        ]
        indexes = [
            models.Index(fields=["verdict", "id"], name="fact_verdict"),
            models.Index(fields=["time_start", "time_end"], name="fact_time"),
            # The candidate ranking's cache stamp reads the newest change.
            models.Index(fields=["updated_at"], name="fact_updated"),
        ]

    def __str__(self) -> str:
        return self.statement


class Origin(models.Model):
    """Where a report ultimately comes from: a ministry statement, an agency wire, an outlet.

    Keyed so that every relay of one origin resolves to the same row: ``entity:<id>`` for a
    claim attributed to a mention linked to an entity (the Russian defence ministry, TASS),
    ``source:<id>`` for a claim the outlet makes itself, ``article:<id>`` when neither is
    known. Five outlets relaying one ministry statement count as one origin.
    """

    class Kind(models.TextChoices):
        ENTITY = "entity", "Attributed entity"
        NAME = "name", "Attributed name, not linked to an entity yet"
        SOURCE = "source", "Outlet"
        ARTICLE = "article", "Unknown outlet (the article itself)"

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=300)
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="origins"
    )
    source = models.ForeignKey(
        "annotate.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="origins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


# --- agreement, adjudication and the gold layer (issue 5) ---------------------------------


class TaskAgreement(models.Model):
    """A task's agreement figures and conflict items, computed once its reviewers all submitted.

    Cached so the queue and the dashboard never recompute: `figures` is
    `verify.services.agreement.agreement_dump` of the task's `Agreement` (counts and
    confusions, so figures pool over tasks); `conflicts` each conflict item as
    [id, kind, start, end] (the adjudication page recomputes the versions).
    """

    task = models.OneToOneField("annotate.Task", on_delete=models.CASCADE, related_name="agreement")
    reviewers = models.JSONField(default=list)  # usernames, sorted: A, B, C... on the page
    # Labelled overlap F1 pooled over the reviewer pairs; None when nobody drew a span.
    summary = models.FloatField(null=True, blank=True)
    conflict_count = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)
    conflicts = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["task"]
        indexes = [models.Index(fields=["summary"], name="taskagreement_summary")]

    def __str__(self) -> str:
        return f"agreement of task #{self.task_id}"


class Adjudication(models.Model):
    """An admin's (or the system's) decision on a task whose reviewers all submitted.

    One per task. `version` is the optimistic lock: a save names the version it was based on
    and a save based on an older one is refused. Decisions are appended, never changed;
    the latest decision per conflict item is the one in force. `round` counts completions: a
    redo after completion appends decisions of the next round and rebuilds the gold layer.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an admin"
        DONE = "done", "Adjudicated"

    task = models.OneToOneField(
        "annotate.Task", on_delete=models.CASCADE, related_name="adjudication"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Accepted without an admin: every reviewer agreed and the project allows it.
    automatic = models.BooleanField(default=False)
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    round = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-conflict_count", "task"]
        indexes = [
            models.Index(fields=["state", "-conflict_count", "task"], name="adjudication_queue"),
        ]

    def __str__(self) -> str:
        return f"adjudication of task #{self.task_id} ({self.state})"


class AdjudicationDecision(models.Model):
    """One decision on one conflict item (or one added span), with who, when and why."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accept one reviewer's version"
        MERGE = "merge", "Merge the versions"
        EDIT = "edit", "Edit"
        REJECT = "reject", "Reject the span"
        ADD = "add", "Add a span nobody drew"
        SYSTEM = "system", "Accepted automatically"

    adjudication = models.ForeignKey(
        Adjudication, on_delete=models.CASCADE, related_name="decisions"
    )
    round = models.PositiveIntegerField(default=0)
    # `verify.conflicts.ConflictItem.id`; an added span has its own "add-..." id.
    item_id = models.CharField(max_length=64, blank=True)
    item_kind = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    reviewer = models.CharField(max_length=150, blank=True)  # whose version was accepted
    # The span as decided for edit and add: start, end, label, entity, fact, stance.
    value = models.JSONField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # None: the system (automatic acceptance).
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["adjudication", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="accept") | ~Q(reviewer=""),
                name="decision_accept_names_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["edit", "add"]) | Q(value__isnull=False),
                name="decision_edit_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.item_id}"


class GoldSpan(models.Model):
    """The adjudicated layer: one mention or claim of a task as decided, with provenance.

    What verdicts and releases read. Rebuilt by each adjudication save; the history lives in
    `AdjudicationDecision`.
    """

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"
        CLAIM = "claim", "Claim"

    class Origin(models.TextChoices):
        AGREED = "agreed", "All reviewers agreed"
        ADJUDICATED = "adjudicated", "Decided by an admin"
        ADDED = "added", "Added by an admin"

    task = models.ForeignKey("annotate.Task", on_delete=models.CASCADE, related_name="gold_spans")
    adjudication = models.ForeignKey(
        Adjudication, on_delete=models.CASCADE, related_name="gold_spans"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    label = models.CharField(max_length=32)
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="gold_spans"
    )
    fact = models.ForeignKey(
        Fact, null=True, blank=True, on_delete=models.PROTECT, related_name="gold_spans"
    )
    stance = models.CharField(max_length=10, blank=True)
    normalized_value = models.CharField(max_length=200, blank=True)
    statement = models.CharField(max_length=500, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices)
    # Provenance: the reviewers whose version equals this span, the admin who decided it
    # (None when the reviewers agreed and it was accepted automatically), the items decided.
    reviewers = models.JSONField(default=list)
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="goldspan_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="goldspan_start_before_end"
            ),
            models.CheckConstraint(
                condition=(Q(fact__isnull=True) & Q(stance=""))
                | (Q(fact__isnull=False) & Q(stance__in=["supports", "refutes"])),
                name="goldspan_fact_has_stance",
            ),
        ]
        indexes = [models.Index(fields=["fact"], name="goldspan_fact")]

    def __str__(self) -> str:
        return f"gold {self.label}[{self.start}:{self.end}]"


class FactAdjudication(models.Model):
    """An admin's gold outcome for a fact the sources dispute; the latest row is in force.

    The computed verdict at the time is kept beside it: releases carry both.
    """

    class Outcome(models.TextChoices):
        DISPUTED = "disputed", "Disputed: it stays disputed"
        ONE_WRONG = "one_wrong", "One side is wrong"
        BOTH_RIGHT = "both_right", "Both right, at different times"

    fact = models.ForeignKey(Fact, on_delete=models.PROTECT, related_name="adjudications")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # one_wrong: the stance of the evidence that stands ("supports" or "refutes").
    upheld_stance = models.CharField(max_length=10, blank=True)
    # both_right: when the fact as stated held; and the fact split off for the other time.
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    split_fact = models.ForeignKey(
        Fact, null=True, blank=True, on_delete=models.PROTECT, related_name="split_from"
    )
    computed_verdict = models.CharField(max_length=20, blank=True)
    rationale = models.TextField()
    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fact", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="one_wrong") | Q(upheld_stance__in=["supports", "refutes"]),
                name="factadjudication_one_wrong_names_side",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="factadjudication_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on fact #{self.fact_id}"


# --- gold dataset releases (issue 6) ------------------------------------------------------

RELEASE_NAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$",
    "A release name is letters, digits, dots, dashes and underscores (e.g. v1 or 2026-11).",
)


class GoldRelease(models.Model):
    """One versioned release of the gold layer: who, when, the filters, counts and checksums.

    The files live in `settings.CROSSCHECK_RELEASES_DIR / path`; they hold no timestamp or
    name, so two releases of unchanged data are byte-identical and the time lives here.
    A release that failed (validation or writing) is kept as a record with its problems,
    and has no folder.
    """

    class State(models.TextChoices):
        BUILDING = "building", "Building"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=80, unique=True, validators=[RELEASE_NAME_VALIDATOR])
    version = models.PositiveIntegerField(unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"languages": ["ar", "ru"], "since": "2025-10-01"}: empty lists / None when not used.
    filters = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # file path inside the release -> sha256 hex, as in checksums.sha256.
    checksums = models.JSONField(default=dict, blank=True)
    # The release folder (absolute; under CROSSCHECK_RELEASES_DIR unless --out); empty until
    # published.
    path = models.CharField(max_length=1000, blank=True)
    # Validation problems (one sentence each) and the error that stopped a failed release.
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"release {self.name} (v{self.version}, {self.state})"
