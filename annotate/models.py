"""Articles, their import, and the annotation work on them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Project(models.Model):
    """A piece of annotation work: its label types, overlap and settings."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    default_overlap = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # Tasks in full agreement are accepted without an admin when this is on.
    auto_accept_agreement = models.BooleanField(default=True)
    # A task held by a reviewer is released to others after this much idle time.
    lock_timeout_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_overlap__gte=1), name="project_overlap_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LabelType(models.Model):
    """One label of a project's schema (the kinds of span a reviewer can draw)."""

    class Kind(models.TextChoices):
        ENTITY = "entity", "Entity"
        CLAIM = "claim", "Claim"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="label_types")
    name = models.CharField(
        max_length=32,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9_]*$",
                "Use capital letters, digits and underscores, starting with a letter (e.g. PER).",
            )
        ],
    )
    description = models.CharField(max_length=200, blank=True)
    hotkey = models.CharField(
        max_length=1,
        blank=True,
        validators=[RegexValidator(r"^[a-z0-9]$", "A hotkey is one lower-case letter or digit.")],
    )
    color = models.CharField(
        max_length=7,
        default="#888888",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour is #rrggbb.")],
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ENTITY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="labeltype_unique_name"),
            models.UniqueConstraint(
                fields=["project", "hotkey"],
                condition=~Q(hotkey=""),
                name="labeltype_unique_hotkey",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}:{self.name}"


class Source(models.Model):
    """An outlet that publishes articles."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "News agency"
        NEWSPAPER = "newspaper", "Newspaper or site"
        BROADCASTER = "broadcaster", "Broadcaster"
        MINISTRY = "ministry", "Ministry or government"
        SOCIAL = "social", "Social media"
        UNKNOWN = "unknown", "Unknown"

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=253, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# A run commits a batch every few seconds; one that has not for this long was killed.
STALE_AFTER = dt.timedelta(minutes=30)


class ImportBatch(models.Model):
    """One run of the importer: what came in, what was created, skipped, rejected."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    format = models.CharField(max_length=20, default="auto")
    origin = models.CharField(max_length=20, default="cli")  # cli, upload, api
    dry_run = models.BooleanField(default=False)
    overlap = models.PositiveSmallIntegerField(default=2)
    source_override = models.CharField(max_length=200, blank=True)
    # The first few names given; a folder of 100,000 files is not listed in full.
    paths = models.JSONField(default=list, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    near_duplicate_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the run last committed a batch of files. A killed run cannot say it failed: one
    # "running" that has not moved for a while is marked failed by the next import.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.state})"

    @property
    def stalled(self) -> bool:
        """Running, but nothing committed for STALE_AFTER: most likely killed. Shown as such on
        its pages; the next import marks it failed (a page view writes nothing)."""
        last = self.progress_at or self.created_at
        return (
            self.state == self.State.RUNNING
            and last is not None
            and timezone.now() - last > STALE_AFTER
        )


class ImportRejection(models.Model):
    """One file, line or record that could not be imported, and why."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    file = models.CharField(max_length=1000)
    line = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=100, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class Article(models.Model):
    """An imported article. `text` is what every offset in the system points into."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="articles")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    external_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True)
    raw_text = models.TextField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    # 64-bit SimHash of word shingles, and its four 16-bit bands: two texts within
    # Hamming distance 3 share at least one band, so candidates come from an index.
    simhash = models.BigIntegerField(default=0)
    simhash_band0 = models.IntegerField(default=0, db_index=True)
    simhash_band1 = models.IntegerField(default=0, db_index=True)
    simhash_band2 = models.IntegerField(default=0, db_index=True)
    simhash_band3 = models.IntegerField(default=0, db_index=True)
    near_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="near_duplicates"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    source_file = models.CharField(max_length=1000, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # content_hash first: the import looks hashes up without a project term, so
            # SQLite (without statistics) cannot prefer the project index and read every row.
            models.UniqueConstraint(
                fields=["content_hash", "project"], name="article_unique_content"
            ),
        ]
        indexes = [models.Index(fields=["project", "published_on"], name="article_proj_date")]

    def __str__(self) -> str:
        return self.title or f"article #{self.pk}"


class Task(models.Model):
    """An article to annotate, with the number of reviewers it needs."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        ADJUDICATED = "adjudicated", "Adjudicated"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="task")
    required_overlap = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_overlap__gte=1), name="task_overlap_at_least_one"
            ),
        ]
        indexes = [models.Index(fields=["project", "state"], name="task_proj_state")]

    def __str__(self) -> str:
        return f"task #{self.pk}"


class Annotation(models.Model):
    """One reviewer's work on one task: their mentions and claims, blind to others.

    `version` is the optimistic lock: every save names the version it was based on and
    bumps it; a save based on an older version is refused, so two tabs never overwrite
    each other silently.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="annotations")
    # PROTECT: deleting a reviewer must not silently delete evidence behind gold data.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=0)
    skip_reason = models.CharField(max_length=500, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "reviewer"], name="annotation_unique_reviewer"),
            models.CheckConstraint(
                condition=~Q(state="skipped") | ~Q(skip_reason=""),
                name="annotation_skip_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state"], name="annotation_reviewer_state"),
            models.Index(fields=["task", "state"], name="annotation_task_state"),
        ]

    def __str__(self) -> str:
        return f"annotation #{self.pk} ({self.state})"


class Mention(models.Model):
    """A labelled span (PER, ORG, ...) in an annotation. Offsets are code points."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="mentions")
    # The Label Studio result id; stable across saves, so rows keep their primary key
    # (and later links to entities) while a reviewer edits other spans.
    region_id = models.CharField(max_length=64)
    label = models.ForeignKey(LabelType, on_delete=models.PROTECT, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    # e.g. an ISO date for a DATE mention.
    normalized_value = models.CharField(max_length=200, blank=True)
    # The canonical entity this mention names. PROTECT: entities are never deleted
    # (a merged one keeps `merged_into`), so a link never dangles.
    entity = models.ForeignKey(
        "verify.Entity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentions",
    )

    class Meta:
        ordering = ["annotation", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="mention_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="mention_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["annotation", "region_id"], name="mention_unique_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label_id}[{self.start}:{self.end}]"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"


class Claim(models.Model):
    """A claim span with its structured parts, each a mention of the same annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="claims")
    region_id = models.CharField(max_length=64)
    label = models.ForeignKey(LabelType, on_delete=models.PROTECT, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    subject = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who says it: a mention (a person, a ministry) or the article's outlet itself.
    attributed_to_mention = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attributed_to_outlet = models.BooleanField(default=False)
    # The claim as one normalised line, e.g. "Belousov met Abu Qasra in Moscow".
    statement = models.CharField(max_length=500, blank=True)
    # The canonical fact this claim is evidence for, and how: it supports or refutes it.
    fact = models.ForeignKey(
        "verify.Fact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)

    class Meta:
        ordering = ["annotation", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="claim_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="claim_start_before_end"
            ),
            models.UniqueConstraint(fields=["annotation", "region_id"], name="claim_unique_region"),
            models.CheckConstraint(
                condition=Q(attributed_to_mention__isnull=True) | Q(attributed_to_outlet=False),
                name="claim_one_attribution",
            ),
            # A link to a fact always says how the claim bears on it, and only then.
            models.CheckConstraint(
                condition=(Q(fact__isnull=True) & Q(stance=""))
                | (Q(fact__isnull=False) & Q(stance__in=["supports", "refutes"])),
                name="claim_fact_has_stance",
            ),
        ]

    def __str__(self) -> str:
        return f"claim[{self.start}:{self.end}]"


class TaskLock(models.Model):
    """A reviewer holding a task. Counts towards its overlap until it expires.

    Expiry is stored (not computed from the project's timeout at read time) so the queue
    can filter active locks with an index; each save by the holder pushes it forward.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="locks")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_locks"
    )
    acquired_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["task", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "reviewer"], name="tasklock_unique_reviewer"),
        ]
        indexes = [models.Index(fields=["task", "expires_at"], name="tasklock_task_expiry")]

    def __str__(self) -> str:
        return f"lock task #{self.task_id} by {self.reviewer_id}"


class Suggestion(models.Model):
    """A span proposed by a machine for an article: a known entity's alias, natasha, a date.

    Suggestions belong to the article, not to a reviewer: every reviewer of the task sees
    the same ones, and each decides for themselves (`SuggestionDecision`). They are never
    part of an annotation: an accepted one is copied into the reviewer's own spans, so
    agreement and releases only ever see what a person chose.
    """

    class Source(models.TextChoices):
        ENTITY = "entity", "Known entity alias"
        NATASHA = "natasha", "natasha (Russian NER)"
        DATES = "dateparser+rules", "Dates (dateparser + rules)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # A label name (PER, DATE, ...), matched to the project's label types when accepted.
    label = models.CharField(max_length=32)
    text = models.TextField()
    # A DATE's ISO date or range; empty for entities.
    value = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    score = models.FloatField(null=True, blank=True)
    # The known entity whose alias matched (source "entity"); accepting links the mention.
    entity = models.ForeignKey(
        "verify.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="suggestion_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="suggestion_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end", "label", "source"],
                name="suggestion_unique_span",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}[{self.start}:{self.end}] ({self.source})"


class SuggestionDecision(models.Model):
    """One reviewer accepting or rejecting one suggestion; others still see it undecided."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["suggestion", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "reviewer"], name="suggestiondecision_unique_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} #{self.suggestion_id} by {self.reviewer_id}"


class AuditEvent(models.Model):
    """One change to an annotation, adjudication, entity or fact: who, when, before, after.

    Written by `annotate.services.audit.audit_record` inside the transaction of the change
    it records, so a change that is rolled back leaves no event. Never updated; deleted only
    by `manage.py audit_prune --before DATE`, which records itself (`audit.prune`).
    `before` and `after` hold only what the change touched (compact snapshots); the detailed
    history of merges and splits (`verify.EntityChange`) and of adjudication decisions
    (`verify.AdjudicationDecision`) stays where it is, and an event names those rows.
    A change to two objects (a merge, a split) names the second one as `other_*`.
    """

    # None: the system (automatic acceptance, a verdict recomputed, a command without a user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # "<object type>.<verb>": annotation.submit, entity.merge, fact.update, adjudication.save.
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200, blank=True)
    other_type = models.CharField(max_length=20, blank=True)
    other_id = models.CharField(max_length=40, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
            models.Index(fields=["other_type", "other_id"], name="auditevent_other"),
            models.Index(fields=["actor", "at"], name="auditevent_actor_at"),
            models.Index(fields=["at"], name="auditevent_at"),
            models.Index(fields=["action", "at"], name="auditevent_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"
