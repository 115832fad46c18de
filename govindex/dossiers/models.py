"""Procedures, dossiers and their events, source systems, ingestion batches, daily counters.

Dossier fields carry the national public-service portal's names in the import format (``MaHoSo``,
``MaTTHC``, ``NgayTiepNhan`` …, see ``docs/realtime.md``); here they have English names. The
judgement field (``late_from``) and the daily counters are derived in the write path
(``services.py``), never edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govindex.orgs.models import Unit


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("province level")
    COMMUNE = "commune", _("commune level")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("not online")
    PARTIAL = "partial", _("partly online")
    FULL = "full", _("full-process online")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) of the catalogue."""

    code = models.CharField(_("procedure code (MaTTHC)"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=ProcedureLevel.choices)
    agency = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("The department competent for a province-level procedure."),
    )
    time_limit_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"))
    fee = models.PositiveIntegerField(_("fee (đồng)"), default=0)
    online_level = models.CharField(
        _("online service"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    paper_result_required = models.BooleanField(_("paper result required"), default=False)
    payment_integrated = models.BooleanField(
        _("integrated for online payment on the national portal"), default=False
    )

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def has_fee(self) -> bool:
        return self.fee > 0


class Channel(models.IntegerChoices):
    """``KenhThucHien`` as the national portal codes it."""

    DIRECT = 1, _("in person")
    ONLINE = 2, _("online")
    POSTAL = 3, _("by post")


class OnlinePayment(models.IntegerChoices):
    """``DuocThanhToanTrucTuyen``: 1 through the national portal, 2 through a local gateway."""

    NONE = 0, _("not paid online")
    NATIONAL_PORTAL = 1, _("paid online on the national portal")
    LOCAL_GATEWAY = 2, _("paid online through the local gateway")


class Status(models.IntegerChoices):
    """``TrangThaiHoSo``. The portal's own code list was not found; these codes are GovIndex's
    (see docs/realtime.md) and an importer maps a source's codes onto them."""

    RECEIVED = 1, _("received")
    IN_PROGRESS = 2, _("in progress")
    AWAITING_SUPPLEMENT = 3, _("awaiting the applicant's supplement")
    PROCESSED = 4, _("processed")
    RESULT_RETURNED = 5, _("result returned")
    REFUSED = 6, _("stopped or refused")
    WITHDRAWN = 7, _("withdrawn")


#: Statuses that end processing for the on-time rule (processed, result returned, refused).
FINISHED_STATUSES = frozenset({Status.PROCESSED, Status.RESULT_RETURNED, Status.REFUSED})
#: Statuses of a dossier no longer being processed.
CLOSED_STATUSES = FINISHED_STATUSES | {Status.WITHDRAWN}


class Rating(models.IntegerChoices):
    UNSATISFIED = 0, _("unsatisfied")
    SATISFIED = 1, _("satisfied")


class SourceSystem(models.Model):
    """A system allowed to send events (the one-stop system, a department's own software).

    Only a SHA-256 of its token is stored; the token is shown once, when it is issued.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class BatchKind(models.TextChoices):
    FILE = "file", _("file import")
    EVENTS = "events", _("events through the API")
    RECOMPUTE = "recompute", _("full recompute")


class IngestBatch(models.Model):
    """One file import or one API batch: all of it is applied, or none of it."""

    kind = models.CharField(max_length=10, choices=BatchKind.choices)
    idempotency_key = models.CharField(max_length=128, unique=True)
    source_system = models.ForeignKey(
        SourceSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    name = models.CharField(max_length=300, blank=True)
    received = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key[:16]}"


class Dossier(models.Model):
    # Unique by ``dossiers_code_unique`` below: ``unique=True`` would add a second,
    # ``varchar_pattern_ops`` index on PostgreSQL for prefix searches nothing makes.
    code = models.CharField(_("dossier code (MaHoSo)"), max_length=64)
    # No index of its own: dossiers are read per unit (below), never per procedure across units,
    # and each index costs every bulk load (docs/benchmarks.md, "Import with the bulk path").
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    # Indexed by ("unit", "received_at") below; a separate index would only slow bulk loads.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    received_at = models.DateTimeField(_("received (NgayTiepNhan)"))
    due_at = models.DateTimeField(_("appointment (NgayHenTra)"))
    finished_at = models.DateTimeField(_("end of processing (NgayKetThucXuLy)"), null=True)
    channel = models.PositiveSmallIntegerField(choices=Channel.choices)
    online_payment = models.PositiveSmallIntegerField(
        choices=OnlinePayment.choices, default=OnlinePayment.NONE
    )
    status = models.PositiveSmallIntegerField(choices=Status.choices)
    electronic_result = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    reused_data = models.BooleanField(default=False)
    from_data_store = models.BooleanField(default=False)
    population_data = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    complained = models.BooleanField(default=False)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_received_at = models.DateTimeField(null=True, blank=True)
    second_supplement_at = models.DateTimeField(null=True, blank=True)
    applicant_locality = models.CharField(max_length=32, blank=True)
    #: From this instant the dossier is late if not finished (NULL while a supplement pause is
    #: open); derived by ``rules.late_from``.
    late_from = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        IngestBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # provenance only; never queried by batch
    )

    class Meta:
        indexes = (
            models.Index(fields=("unit", "received_at"), name="dossiers_unit_received"),
            models.Index(
                fields=("late_from",),
                condition=Q(finished_at__isnull=True),
                name="dossiers_open_late_from",
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=("code",), name="dossiers_code_unique"),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("received_at")),
                name="dossiers_due_after_received",
                violation_error_code="due_before_received",
                violation_error_message=_("The appointment date is before the receipt date."),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("received_at")),
                name="dossiers_finished_after_received",
                violation_error_code="finished_before_received",
                violation_error_message=_("Processing ends before the dossier was received."),
            ),
        )

    def __str__(self) -> str:
        return self.code


class EventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    TRANSFERRED = "transferred", _("transferred to a unit")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("supplement received")
    PROCESSED = "processed", _("processed")
    RESULT_RETURNED = "result_returned", _("result returned")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class DossierEvent(models.Model):
    """A status event of a dossier, as a source system sent it (once per source and event id)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    official = models.CharField(max_length=200, blank=True)
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="events")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("source_system", "event_id"), name="dossiers_event_unique_per_source"
            ),
        )
        indexes = (models.Index(fields=("dossier", "occurred_at"), name="dossiers_event_order"),)

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


#: The counters of ``DailyCount``: each is a number of dossiers, keyed by the day in
#: Asia/Ho_Chi_Minh named in ``rules.COUNTER_DAYS``. ``rules.contributions`` says which dossier adds
#: to which.
COUNTERS = (
    "received",
    "online",
    "online_channel",
    "fee_bearing",
    "paid_online",
    "digitised",
    "reused",
    "data_store",
    "population_data",
    "paperless",
    "contactless",
    "locality_known",
    "boundary_free",
    "finished",
    "finished_on_time",
    "result_required",
    "result_electronic",
    "rated_unsatisfied",
    "complained",
    "opened",
    "closed",
    "late_started",
    "late_closed",
)


class DailyCount(models.Model):
    """Counters of one unit, one procedure, one day: one row, one column per counter.

    A wide row instead of one row per (counter, unit, procedure, day): a batch upserts one row per
    key, and a year of the demo is ~0.6 M rows instead of ~10 M (docs/realtime.md).
    """

    # Both read through the unique key (unit, procedure, day); indexes of their own would only
    # slow the counters' upserts.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField()
    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    online_channel = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    data_store = models.IntegerField(default=0)
    population_data = models.IntegerField(default=0)
    paperless = models.IntegerField(default=0)
    contactless = models.IntegerField(default=0)
    locality_known = models.IntegerField(default=0)
    boundary_free = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    result_required = models.IntegerField(default=0)
    result_electronic = models.IntegerField(default=0)
    rated_unsatisfied = models.IntegerField(default=0)
    complained = models.IntegerField(default=0)
    opened = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    late_started = models.IntegerField(default=0)
    late_closed = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("unit", "procedure", "day"), name="dossiers_daily_count_key"
            ),
        )
        indexes = (models.Index(fields=("day",), name="dossiers_daily_count_day"),)

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.day}"


class Balance(models.Model):
    """Dossiers of one unit and procedure open, and open and late, now: ``opened − closed`` and
    ``late_started − late_closed`` summed over every day of ``DailyCount``, kept by the same
    writes (``storage``). The balance at the end of a period is this minus the days after it, so
    the current period reads a handful of rows instead of every day since the first dossier."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    open = models.IntegerField(default=0)
    late_open = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("unit", "procedure"), name="dossiers_balance_key"),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}: {self.open} open, {self.late_open} late"


class CounterState(models.Model):
    """The one row that says up to which instant open dossiers were judged late (the re-judge
    job's watermark), and the counters' version (bumped by every write; pages cache on it)."""

    judged_until = models.DateTimeField()
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"judged until {self.judged_until:%Y-%m-%d %H:%M}, v{self.version}"


class RecomputeRun(models.Model):
    """A full recompute, unit by unit (one transaction each). ``done_through`` is its watermark:
    the highest unit id already rebuilt, so a run resumed after a crash redoes one unit at most."""

    judged_until = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    done_through = models.BigIntegerField(default=0)
    units_done = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"recompute {self.started_at:%Y-%m-%d %H:%M} through unit {self.done_through}"
