"""Assessment rounds: which units, the values entered for each leaf, and the computed results."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govindex.orgs.models import Unit

#: Likert answers are counted per level 1..5 (``survey_answers[0]`` counts level 1).
LIKERT_LEVELS = 5


class RoundState(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open for self-assessment")
    SUBMITTED = "submitted", _("submitted")
    UNDER_APPRAISAL = "under_appraisal", _("under appraisal")
    APPRAISED = "appraised", _("appraised")
    PUBLISHED = "published", _("published")


class Round(models.Model):
    name = models.CharField(max_length=200)
    framework_id = models.CharField(max_length=64)
    framework_version = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20, choices=RoundState.choices, default=RoundState.DRAFT)
    deadline = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["framework_id", "period"], name="assessments_round_unique_period"
            ),
        )

    def __str__(self) -> str:
        return self.name


class RoundUnit(models.Model):
    """A unit taking part in a round, and where its own submission stands: the unit leader submits
    the self-assessment (``submitted_at``); an appraiser may return it for correction while the
    round is open."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="round_units")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round_submissions",
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["round", "unit"], name="assessments_roundunit_unique"),
        )

    def __str__(self) -> str:
        return f"{self.round_id}: {self.unit_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_late(self) -> bool:
        """Submitted after the round's deadline (the deadline day counts in Hanoi time), or still
        not submitted once the deadline has passed."""
        deadline = self.round.deadline
        if deadline is None:
            return False
        moment = self.submitted_at or timezone.now()
        return timezone.localdate(moment) > deadline


class Entry(models.Model):
    """The values of one leaf for one unit in one round.

    Which value counts depends on the leaf's ``source``: ``self_assessed`` → ``appraised_value``
    if set, else ``self_value``; ``survey`` → ``survey_value``; ``data``/``external`` →
    ``data_value``. ``not_applicable`` takes the leaf out of the unit's denominator.
    """

    VALUE_FIELDS = ("self_value", "appraised_value", "survey_value", "data_value")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="entries")
    leaf_id = models.CharField(max_length=64)
    self_value = models.FloatField(null=True, blank=True)
    appraised_value = models.FloatField(null=True, blank=True)
    survey_value = models.FloatField(null=True, blank=True)
    data_value = models.FloatField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    survey_answers = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    appraisal_reason = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        constraints = (
            models.UniqueConstraint(
                fields=["round", "unit", "leaf_id"], name="assessments_entry_unique_leaf"
            ),
        )

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}/{self.leaf_id}"

    def clean(self) -> None:
        from govindex.assessments.frameworks import leaf_problems

        errors: dict[str, list[str]] = {}
        if self.round_id is not None and self.leaf_id:
            for field, message in leaf_problems(self):
                errors.setdefault(field, []).append(message)
        answers = _survey_answer_problem(self.survey_answers)
        if answers:
            errors.setdefault("survey_answers", []).append(answers)
        if not isinstance(self.evidence, list):
            errors.setdefault("evidence", []).append("Evidence must be a list of references.")
        if errors:
            raise ValidationError(errors)


def evidence_path(instance: Evidence, filename: str) -> str:
    """Where an evidence file is stored, below MEDIA_ROOT (never served directly): the name is
    chosen by the service, not by the person uploading."""
    return f"evidence/{instance.entry.round_id}/{instance.entry.unit_id}/{filename}"


class Evidence(models.Model):
    """A file a unit attaches to one criterion. Its type is checked from its content and its
    stored name is random, so an upload can neither masquerade nor escape its folder."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_uploads",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


def _survey_answer_problem(answers: Any) -> str | None:
    if answers is None:
        return None
    if (
        not isinstance(answers, list)
        or len(answers) != LIKERT_LEVELS
        or not all(isinstance(count, int) and not isinstance(count, bool) for count in answers)
        or any(count < 0 for count in answers)
    ):
        return (
            f"Survey answers must be {LIKERT_LEVELS} counts (levels 1 to {LIKERT_LEVELS}), "
            f"each a whole number of at least 0; got {answers!r}."
        )
    return None


class RoundComputation(models.Model):
    """One scoring of a round: the framework file and parameters its results came from."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="computations")
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    framework_version = models.CharField(max_length=64)
    framework_checksum = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round_computations",
    )
    units_scored = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.round} @ {self.computed_at:%Y-%m-%d %H:%M}"


class UnitResult(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="unit_results")
    computation = models.ForeignKey(
        RoundComputation, on_delete=models.CASCADE, related_name="unit_results"
    )
    score = models.FloatField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(default=0.0)
    percent = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["round", "unit"], name="assessments_unitresult_unique"),
        )
        indexes = (models.Index(fields=["round", "rank"], name="assessments_result_rank"),)

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}: {self.score}"


class NodeResult(models.Model):
    """One node of the framework for one unit; ``points``/``share``/``gap``/``rank`` are ``None``
    (and ``max_points`` 0) where the node does not apply. ``value`` is the leaf's input value."""

    unit_result = models.ForeignKey(
        UnitResult, on_delete=models.CASCADE, related_name="node_results"
    )
    node_id = models.CharField(max_length=64)
    value = models.FloatField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(default=0.0)
    share = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    applicable = models.BooleanField(default=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["unit_result", "node_id"], name="assessments_noderesult_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit_result_id}/{self.node_id}: {self.points}"


class PublishedResult(models.Model):
    """A headline result published by someone else (PCI, PGI, PAR INDEX, SIPAS …)."""

    framework_id = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    territory = models.CharField(max_length=100)
    score = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    rank_of = models.PositiveIntegerField(null=True, blank=True)
    sub_scores = models.JSONField(default=dict, blank=True)
    source = models.TextField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["framework_id", "year", "territory"],
                name="assessments_published_unique",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True)
                | Q(rank_of__isnull=True)
                | Q(rank__lte=F("rank_of")),
                name="assessments_published_rank_within",
                violation_error_code="rank_beyond_count",
                violation_error_message=_("A rank cannot exceed the number ranked."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.framework_id} {self.year} {self.territory}: {self.score}"


class UncertaintyRun(models.Model):
    """How firmly the ranks of one computation follow from the method: a Monte Carlo over
    weights, normalisation and imputation (``govindex.scoring.uncertainty``). An explanation
    stored beside the results; it never changes them."""

    computation = models.ForeignKey(
        RoundComputation, on_delete=models.CASCADE, related_name="uncertainty_runs"
    )
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    draws = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField()
    #: ``UncertaintySettings.as_dict()``: weights scheme, spread, alternatives drawn …
    parameters = models.JSONField(default=dict)
    #: One ``{"factor", "varied", "first_order", "total"}`` per factor (indices may be null).
    sensitivity = models.JSONField(default=list, blank=True)
    evaluations = models.PositiveIntegerField(default=0)
    #: Seconds the draws took.
    elapsed = models.FloatField(default=0.0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uncertainty_runs",
    )

    def __str__(self) -> str:
        return f"{self.computation} ± {self.draws} draws"


class RankInterval(models.Model):
    """Where the draws of a run put one ranked unit: the median rank and the 5th–95th
    percentile ranks, beside its official rank (units without an official rank have none)."""

    run = models.ForeignKey(UncertaintyRun, on_delete=models.CASCADE, related_name="intervals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rank_intervals")
    official_rank = models.PositiveIntegerField()
    median_rank = models.PositiveIntegerField()
    low_rank = models.PositiveIntegerField()
    high_rank = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["run", "unit"], name="assessments_rankinterval_unique"),
            models.CheckConstraint(
                condition=Q(low_rank__gte=1)
                & Q(low_rank__lte=F("median_rank"))
                & Q(median_rank__lte=F("high_rank")),
                name="assessments_rankinterval_ordered",
                violation_error_code="interval_not_ordered",
                violation_error_message=_(
                    "A rank interval runs from its lowest rank through the median to the highest."
                ),
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.low_rank}–{self.high_rank} (official {self.official_rank})"
