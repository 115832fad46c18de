"""Citizen feedback: categories and routing, cases with their history, transfers, ratings,
moderation, Open311 API keys and rate-limit counters. Data and constraints only; every write goes
through ``services.py`` and every state change through ``feedback_transition``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govindex.feedback.open311_format import attribute_definition_problems
from govindex.orgs.models import Unit


class Severity(models.TextChoices):
    """Decision 1207/QĐ-UBND: urgent cases are handled within 4 working hours of acceptance."""

    URGENT = "urgent", _("urgent")
    COMPLEX = "complex", _("complex")
    NORMAL = "normal", _("normal")


class CategoryGroup(models.TextChoices):
    URBAN_ORDER = "urban_order", _("urban order")
    ENVIRONMENT = "environment", _("environment")
    TRAFFIC = "traffic", _("traffic")
    LAND = "land", _("land and construction")
    PROCEDURES = "procedures", _("administrative procedures")
    PUBLIC_SERVICES = "public_services", _("public services")
    SAFETY = "safety", _("safety and security")


class FeedbackCategory(models.Model):
    """A kind of report (an Open311 *service*): its code, names, group and default severity."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    name_id = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=20, choices=CategoryGroup.choices)
    keywords = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    #: Open311 service-definition attributes: a list of {code, datatype, required, description,
    #: order, values?}; validated by ``open311_format.validate_attribute_definitions``.
    attributes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("group", "code")
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"

    def name_in(self, language: str = "vi") -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_vi)

    def clean(self) -> None:
        problems = attribute_definition_problems(self.attributes)
        if problems:
            raise ValidationError({"attributes": problems})


class RoutingRule(models.Model):
    """Category × area → handling unit. ``area`` empty: the category's rule for every area."""

    category = models.ForeignKey(
        FeedbackCategory, on_delete=models.CASCADE, related_name="routing_rules"
    )
    area = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback_routes")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["category", "area"],
                name="feedback_routing_unique_area",
                condition=Q(area__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["category"],
                name="feedback_routing_unique_default",
                condition=Q(area__isnull=True),
            ),
        )

    def __str__(self) -> str:
        return f"{self.category_id} @ {self.area_id or '*'} → {self.unit_id}"


class AreaLocation(models.Model):
    """A point inside a commune/ward (its centre) for the map and for routing a report that has
    coordinates but no area: the nearest centre wins (no boundaries are kept offline)."""

    area = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="feedback_location")
    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    source = models.CharField(max_length=300, blank=True)


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    PUBLISHED = "published", _("answer published")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


#: Cases still waiting for the handling unit (Open311 ``open``).
OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.ACCEPTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ANSWERED,
)


class RejectionReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("not a matter for the city administration")
    OWN_LAW = "own_law", _("a complaint or denunciation handled under its own law")
    STATE_SECRET = "state_secret", _("concerns state secrets")
    INSUFFICIENT = "insufficient", _("not enough information to identify the problem")
    ALREADY_HANDLED = "already_handled", _("already handled in another case")
    OFFENSIVE = "offensive", _("offensive or abusive content")


class TransferReason(models.TextChoices):
    WRONG_UNIT = "wrong_unit", _("not within this unit's competence")
    WRONG_AREA = "wrong_area", _("the place belongs to another commune or ward")
    SPECIALIST = "specialist", _("needs a specialised department")
    LEAD_AGENCY = "lead_agency", _("several agencies; the lead agency is another")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    OPEN311 = "open311", _("Open311 API")
    DEMO = "demo", _("demo data")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class FeedbackCase(models.Model):
    """One report from a citizen or business, from receipt to closure."""

    tracking_code = models.CharField(max_length=20, unique=True)
    category = models.ForeignKey(FeedbackCategory, on_delete=models.PROTECT, related_name="cases")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)

    # What was reported. ``description`` is kept as sent (staff only); the public sees
    # ``public_description``, masked before publication.
    description = models.TextField(max_length=4000)
    public_description = models.TextField(max_length=4000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    lat = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    address = models.CharField(max_length=300, blank=True)
    area = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback_in_area"
    )
    media_url = models.URLField(max_length=500, blank=True)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )

    # Who sent it: optional, never shown to the public.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_cases",
    )
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    citizen_key_hash = models.CharField(max_length=64, blank=True)
    open311_token = models.CharField(max_length=40, unique=True)

    # Where it stands.
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED, db_index=True
    )
    handling_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback_cases")
    unit_since = models.DateTimeField()
    received_at = models.DateTimeField(db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # Deadlines (working hours/days from the city calendar) and whether each was met.
    accept_due = models.DateTimeField()
    reject_due = models.DateTimeField()
    handle_due = models.DateTimeField()
    publish_due = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    answer = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)

    # Push-and-avoid.
    transfer_count = models.PositiveSmallIntegerField(default=0)
    bounce_count = models.PositiveSmallIntegerField(default=0)
    push_avoid_flag = models.BooleanField(default=False, db_index=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True)

    # Moderation.
    hidden = models.BooleanField(default=False)

    class Meta:
        indexes = (
            models.Index(fields=["handling_unit", "status"], name="feedback_case_unit_status"),
            models.Index(fields=["category", "received_at"], name="feedback_case_cat_received"),
            models.Index(fields=["status", "published_at"], name="feedback_case_published"),
            models.Index(fields=["lat", "lon"], name="feedback_case_point"),
            # The three look-ups of ``indicators.feedback_version`` (the real-time index's caches).
            models.Index(fields=["updated_at"], name="feedback_case_changed"),
            models.Index(
                fields=["handle_due"],
                condition=Q(answered_at__isnull=True),
                name="feedback_case_unanswered_due",
            ),
            models.Index(fields=["publish_due"], name="feedback_case_publish_due"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="feedback_case_lat_lon_together",
                violation_error_code="half_location",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        )

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CasePhoto(models.Model):
    """A photo sent with a case. Stored under MEDIA_ROOT (no public URL); served by a view."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="feedback/photos/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.case_id}"


class CaseEvent(models.Model):
    """One step of a case's history (every transition, including transfers and reopenings)."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status or '-'} → {self.to_status}"


class CaseTransfer(models.Model):
    """A case passed from one unit to another, with how long the first one held it."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="transfers")
    at = models.DateTimeField(db_index=True)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=TransferReason.choices)
    note = models.TextField(blank=True)
    held_hours = models.FloatField(help_text=_("working hours the sending unit held the case"))
    is_bounce = models.BooleanField(
        default=False, help_text=_("the receiving unit already had this case before")
    )

    class Meta:
        indexes = (models.Index(fields=["from_unit", "at"], name="feedback_transfer_from"),)
        constraints = (
            models.CheckConstraint(
                condition=~Q(from_unit=models.F("to_unit")),
                name="feedback_transfer_not_to_itself",
                violation_error_code="transfer_to_itself",
                violation_error_message=_("A case cannot be transferred to the unit holding it."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_unit_id} → {self.to_unit_id}"


class CaseRating(models.Model):
    """The citizen's rating of one answer (``round`` counts reopenings: one rating per answer)."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField()
    value = models.CharField(max_length=12, choices=Rating.choices)
    comment = models.TextField(max_length=1000, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["case", "round"], name="feedback_rating_once"),
        )

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round}: {self.value}"


class DeadlineKind(models.TextChoices):
    ACCEPT = "accept", _("accept")
    HANDLE = "handle", _("handle")
    PUBLISH = "publish", _("publish the answer")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("none")
    LEADER = 1, _("unit leader")
    CITY = 2, _("city")


class Escalation(models.Model):
    """A deadline neared (level 1, to the unit leader) or passed (level 2, to the city)."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    due = models.DateTimeField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["case", "kind", "due", "level"], name="feedback_escalation_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} level {self.level}"


class AbuseReason(models.TextChoices):
    OFFENSIVE = "offensive", _("offensive language")
    PERSONAL_DATA = "personal_data", _("reveals personal data")
    SPAM = "spam", _("spam or advertising")
    FALSE = "false", _("false or misleading")


class AbuseReport(models.Model):
    """Someone flagged a public case. Enough open reports hide it until a moderator decides."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="abuse_reports")
    reason = models.CharField(max_length=20, choices=AbuseReason.choices)
    note = models.TextField(max_length=1000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_key = models.CharField(max_length=64)
    at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    upheld = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["case", "reporter_key"], name="feedback_abuse_once_per_reporter"
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_id}: {self.reason}"


class ApiKey(models.Model):
    """An Open311 client allowed to POST requests. Only the SHA-256 of the key is kept."""

    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    per_hour = models.PositiveIntegerField(default=600)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateCounter(models.Model):
    """Requests counted per key (a hashed IP, an account, an API key) and fixed window."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["key", "window_start"], name="feedback_rate_unique"),
        )
