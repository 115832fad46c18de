"""The per-dossier rules of Decision 766: when a dossier turns late, and which daily counters it
adds to. One dossier at a time here (the write path of events and single records); the same rules
over a whole frame are in ``frames.py`` (imports and the full recompute). A test checks the two
agree on random dossiers.

Days are calendar days in Asia/Ho_Chi_Minh. Counters keyed by the **receipt day**: ``received``,
``online`` … ``boundary_free``, ``opened``. Keyed by the **end day** (``finished_at``):
``finished``, ``finished_on_time``, ``result_required``, ``result_electronic``,
``rated_unsatisfied``, ``complained``, ``closed``, ``late_closed``. Keyed by the day of
``late_from``: ``late_started``. See docs/realtime.md for why each is keyed where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from govindex.calendars.working_days import WorkingCalendar
from govindex.dossiers.models import (
    FINISHED_STATUSES,
    Channel,
    OnlineLevel,
    OnlinePayment,
    Rating,
    Status,
)

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ONLINE = int(Channel.ONLINE)
PAID_ONLINE = frozenset({int(OnlinePayment.NATIONAL_PORTAL), int(OnlinePayment.LOCAL_GATEWAY)})
FINISHED = frozenset(int(status) for status in FINISHED_STATUSES)
WITH_RESULT = frozenset({int(Status.PROCESSED), int(Status.RESULT_RETURNED)})
WITHDRAWN = int(Status.WITHDRAWN)
UNSATISFIED = int(Rating.UNSATISFIED)

RECEIPT_DAY_COUNTERS = (
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
    "opened",
)
END_DAY_COUNTERS = (
    "finished",
    "finished_on_time",
    "result_required",
    "result_electronic",
    "rated_unsatisfied",
    "complained",
    "closed",
    "late_closed",
)
LATE_DAY_COUNTERS = ("late_started",)


@dataclass(frozen=True, slots=True)
class ProcedureFacts:
    """What the rules read of a procedure."""

    has_fee: bool
    paper_result_required: bool
    full_online: bool

    @classmethod
    def of(cls, procedure: object) -> ProcedureFacts:
        return cls(
            has_fee=getattr(procedure, "fee", 0) > 0,
            paper_result_required=bool(getattr(procedure, "paper_result_required", False)),
            full_online=getattr(procedure, "online_level", "") == OnlineLevel.FULL,
        )


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the rules read of a dossier (the model's fields, plus its unit's code)."""

    unit_id: int
    unit_code: str
    procedure_id: int
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    status: int
    channel: int
    online_payment: int = 0
    electronic_result: bool = False
    digitised: bool = False
    reused_data: bool = False
    from_data_store: bool = False
    population_data: bool = False
    rating: int | None = None
    complained: bool = False
    supplement_count: int = 0
    supplement_requested_at: datetime | None = None
    supplement_received_at: datetime | None = None
    second_supplement_at: datetime | None = None
    applicant_locality: str = ""

    @property
    def closed(self) -> bool:
        return self.finished_at is not None


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_ZONE).date()


def late_from(facts: DossierFacts, calendar: WorkingCalendar) -> datetime | None:
    """The instant from which the dossier is late unless processing has ended (766, indicator 2.1).

    The deadline is the appointment (``NgayHenTra``), moved later by the office time the dossier
    waited for the applicant's supplement, when that wait began before the deadline. A second
    supplement request makes the dossier late from that request. ``None`` while the first wait
    is still open and no second request was made: the clock is stopped.
    """
    deadline: datetime | None = facts.due_at
    start = facts.supplement_requested_at
    if facts.supplement_count >= 1 and start is not None and start < facts.due_at:
        end = facts.supplement_received_at or facts.second_supplement_at or facts.finished_at
        if end is None:
            deadline = None
        else:
            paused = max(0.0, calendar.working_hours_between(start, end))
            deadline = calendar.add_working_hours(facts.due_at, paused)
    if facts.supplement_count >= 2 and facts.second_supplement_at is not None:
        second = facts.second_supplement_at
        deadline = second if deadline is None else min(deadline, second)
    return deadline


def on_time(facts: DossierFacts, late: datetime | None) -> bool | None:
    """Whether a dossier whose processing ended did so on time (``None`` while it is open)."""
    if facts.finished_at is None or facts.status not in FINISHED:
        return None
    return late is not None and facts.finished_at <= late


def contributions(
    facts: DossierFacts,
    procedure: ProcedureFacts,
    late: datetime | None,
    judged_until: datetime,
) -> Iterator[tuple[date, str]]:
    """Every (day, counter) the dossier adds one to. ``judged_until`` is the instant up to which
    open dossiers have been judged late (the re-judge job's watermark)."""
    received = local_day(facts.received_at)
    yield received, "received"
    yield received, "opened"
    online_channel = facts.channel == ONLINE
    result_ok = not procedure.paper_result_required or facts.electronic_result
    if online_channel:
        yield received, "online_channel"
        if result_ok:
            yield received, "online"
        if facts.electronic_result:
            yield received, "paperless"
        if procedure.full_online:
            yield received, "contactless"
    if procedure.has_fee:
        yield received, "fee_bearing"
        if facts.online_payment in PAID_ONLINE:
            yield received, "paid_online"
    if facts.digitised and result_ok:
        yield received, "digitised"
    if facts.reused_data:
        yield received, "reused"
    if facts.from_data_store:
        yield received, "data_store"
    if facts.population_data:
        yield received, "population_data"
    if facts.applicant_locality:
        yield received, "locality_known"
        if facts.applicant_locality != facts.unit_code:
            yield received, "boundary_free"

    finished_at = facts.finished_at
    if finished_at is not None:
        ended = local_day(finished_at)
        yield ended, "closed"
        if facts.status in FINISHED:
            yield ended, "finished"
            if late is not None and finished_at <= late:
                yield ended, "finished_on_time"
            if facts.status in WITH_RESULT and procedure.paper_result_required:
                yield ended, "result_required"
                if facts.electronic_result:
                    yield ended, "result_electronic"
            if facts.rating == UNSATISFIED:
                yield ended, "rated_unsatisfied"
            if facts.complained:
                yield ended, "complained"
        if late is not None and finished_at > late:
            yield local_day(late), "late_started"
            yield ended, "late_closed"
    elif late is not None and late <= judged_until:
        yield local_day(late), "late_started"
