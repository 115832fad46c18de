"""A year of citizen feedback for the Hanoi demo: categories like the city's (urban order,
environment, traffic, land, procedures …), a routing table, commune/ward centres for the map,
and tens of thousands of cases simulated through their lifecycle on the city's working calendar.

Some units are slow (they accept, answer and publish late, and their citizens are less often
satisfied) and a few pairs of units bounce cases between them, so the push-and-avoid screens
and the 766 indicators have something to show.

Speed: the rows are written with ``bulk_create`` (one audit record summarises the load), not
through ``feedback_transition`` one step at a time: the services write an audit record per
step, and a year of cases is some 200,000 steps. The simulated histories follow the same
transitions table (``govindex.feedback.transitions``) and deadline rules
(``govindex.feedback.deadlines``, same calendar); ``feedback_case_submit`` and
``feedback_transition`` remain the only write paths of the running application.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from govindex.audit.services import audit_record
from govindex.calendars.selectors import city_calendar
from govindex.calendars.working_days import WorkingCalendar
from govindex.demo.feedback_data import (
    BOUNCING_PAIRS,
    CATEGORIES,
    DISTRICT_CENTRES,
    SLOW_UNITS,
    STREETS,
    DemoCategory,
)
from govindex.feedback import deadlines
from govindex.feedback.escalation import level_due, running_deadline
from govindex.feedback.models import (
    AbuseReport,
    AreaLocation,
    CaseEvent,
    CasePhoto,
    CaseRating,
    CaseStatus,
    CaseTransfer,
    Channel,
    Escalation,
    FeedbackCase,
    FeedbackCategory,
    Rating,
    RejectionReason,
    RoutingRule,
    Severity,
    TransferReason,
)
from govindex.feedback.moderation import mask_personal_data
from govindex.feedback.services import TRACKING_ALPHABET
from govindex.feedback.transitions import is_allowed
from govindex.orgs.models import Unit, UnitKind
from govindex.orgs.reference import hanoi_units

DEMO_ACTOR = "system:demo"
S = CaseStatus
Progress = Callable[[str], None]

#: Children before parents: the order a flush deletes them in.
FEEDBACK_DEMO_TABLES = (
    AbuseReport,
    Escalation,
    CaseRating,
    CaseTransfer,
    CaseEvent,
    CasePhoto,
    FeedbackCase,
    RoutingRule,
    AreaLocation,
    FeedbackCategory,
)

#: The first day the new communes and wards exist (Resolution 1656, 1 July 2025).
FIRST_DAY = date(2025, 7, 1)
CASES_PER_YEAR = 30_000


@dataclass
class FeedbackDemoSummary:
    categories: int
    routing_rules: int
    cases: int
    by_status: dict[str, int]
    transfers: int
    bounces: int
    flagged: int
    ratings: int
    escalated: int
    start: date
    end: date
    seconds: float = field(default=0.0, compare=False)

    def describe(self) -> str:
        statuses = ", ".join(f"{count} {status}" for status, count in self.by_status.items())
        return (
            f"feedback: {self.cases} cases {self.start} – {self.end} in {self.categories} "
            f"categories ({statuses}); {self.transfers} transfers, {self.bounces} bounces, "
            f"{self.flagged} flagged push-and-avoid; {self.ratings} ratings; {self.escalated} "
            f"open cases escalated ({self.seconds:.1f} s)"
        )


def _area_centres(areas: dict[str, Unit]) -> dict[str, tuple[float, float]]:
    """Each commune/ward on a small circle around its (first) former district's centre."""
    by_district: dict[str, list[str]] = {}
    for reference in hanoi_units():
        if reference.code in areas:
            by_district.setdefault(reference.former_districts[0], []).append(reference.code)
    centres = {}
    for district, codes in by_district.items():
        lat0, lon0 = DISTRICT_CENTRES[district]
        radius = 0.012 + 0.004 * len(codes)
        for index, code in enumerate(codes):
            angle = 2 * math.pi * index / len(codes) + 0.7
            distance = radius if len(codes) > 1 else 0.0
            centres[code] = (
                round(lat0 + distance * math.sin(angle), 5),
                round(lon0 + distance * math.cos(angle) / math.cos(math.radians(lat0)), 5),
            )
    return centres


@dataclass(slots=True)
class _Case:
    """One simulated case: the columns of its row (ids, not model instances) and its steps."""

    id: int
    tracking_code: str
    category_id: int
    severity: str
    channel: str
    description: str
    public_description: str
    lat: float | None
    lon: float | None
    address: str
    area_id: int
    citizen_key_hash: str
    open311_token: str
    status: str
    handling_unit_id: int
    unit_since: datetime
    received_at: datetime
    updated_at: datetime
    accept_due: datetime
    reject_due: datetime
    handle_due: datetime
    accepted_at: datetime | None = None
    answered_at: datetime | None = None
    published_at: datetime | None = None
    closed_at: datetime | None = None
    rejected_at: datetime | None = None
    publish_due: datetime | None = None
    escalation_level: int = 0
    answer: str = ""
    public_answer: str = ""
    rejection_reason: str = ""
    transfer_count: int = 0
    bounce_count: int = 0
    push_avoid_flag: bool = False
    reopen_count: int = 0
    rating: str = ""
    repeat_of_id: int | None = None
    # (at, from, to, unit id, reason)
    events: list[tuple[datetime, str, str, int, str]] = field(default_factory=list)
    # (at, from unit id, to unit id, reason, held hours, bounce)
    transfers: list[tuple[datetime, int, int, str, float, bool]] = field(default_factory=list)
    ratings: list[tuple[int, str, datetime]] = field(default_factory=list)

    def step(self, at: datetime, to: str, reason: str = "") -> None:
        assert is_allowed(self.status, to), (self.status, to)
        self.events.append((at, self.status, to, self.handling_unit_id, reason))
        self.status = to
        self.updated_at = at


#: Columns of a case row, in ``FeedbackCase`` attribute names (``_Case`` has the same names).
CASE_COLUMNS = (
    "id",
    "tracking_code",
    "category_id",
    "severity",
    "channel",
    "description",
    "public_description",
    "lat",
    "lon",
    "address",
    "area_id",
    "citizen_key_hash",
    "open311_token",
    "status",
    "handling_unit_id",
    "unit_since",
    "received_at",
    "updated_at",
    "accept_due",
    "reject_due",
    "handle_due",
    "accepted_at",
    "answered_at",
    "published_at",
    "closed_at",
    "rejected_at",
    "publish_due",
    "escalation_level",
    "answer",
    "public_answer",
    "rejection_reason",
    "transfer_count",
    "bounce_count",
    "push_avoid_flag",
    "reopen_count",
    "rating",
    "repeat_of_id",
)


#: Columns every demo case has the same value in (no contact data, nothing hidden).
FIXED_CASE_COLUMNS = (
    "media_url",
    "contact_name",
    "contact_email",
    "contact_phone",
    "device_id",
    "account_id",
    "submitted_by_id",
    "hidden",
)
FIXED_CASE_VALUES = ("", "", "", "", "", "", None, False)


def _nearest(centres: dict[str, tuple[float, float]]) -> dict[str, str]:
    """Each commune/ward's nearest other one (by centre)."""
    return {
        code: min(
            (other for other in centres if other != code),
            key=lambda other: (centres[other][0] - lat) ** 2 + (centres[other][1] - lon) ** 2,
        )
        for code, (lat, lon) in centres.items()
    }


class _Builder:
    """Simulates each case's history on the calendar (Python's ``random``, seeded from the
    numpy generator, for speed) and keeps the rows to insert."""

    def __init__(
        self,
        rng: np.random.Generator,
        calendar: WorkingCalendar,
        now: datetime,
        units: dict[str, Unit],
        first_id: int,
    ) -> None:
        self.np = rng
        self.random = random.Random(int(rng.integers(2**62)))
        self.cal = calendar
        self.now = now
        self.units = units
        self.unit_codes = {unit.pk: code for code, unit in units.items()}
        self.cases: list[_Case] = []
        self.codes: set[str] = set()
        self.next_id = first_id
        self.masked: dict[str, str] = {}
        self.neighbours: dict[str, str] = {}

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.random.gauss(0.0, 1.0))

    def code(self, at: datetime) -> str:
        year = f"{timezone.localtime(at):%y}"
        while True:
            code = f"PA{year}-" + "".join(self.random.choices(TRACKING_ALPHABET, k=7))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def later(self, start: datetime, hours: float) -> datetime:
        return self.cal.add_working_hours(start, max(hours, 0.05))

    def mask(self, text: str) -> str:
        if text not in self.masked:
            self.masked[text] = mask_personal_data(text)
        return self.masked[text]


def _route(demo: DemoCategory, area: Unit, units: dict[str, Unit]) -> Unit:
    if demo.code == "road" and area.kind == UnitKind.COMMUNE:
        return area
    return units[demo.department] if demo.department else area


def _received_moments(
    rng: np.random.Generator, start_day: date, end_day: date, count: int
) -> list[datetime]:
    days = (end_day - start_day).days + 1
    weights = np.array(
        [0.75 if (start_day + timedelta(days=i)).weekday() >= 5 else 1.0 for i in range(days)]
    )
    picks = rng.choice(days, size=count, p=weights / weights.sum())
    hours = np.clip(rng.normal(13.0, 3.8, size=count), 5.0, 23.5)
    zone = timezone.get_current_timezone()
    moments = [
        datetime.combine(start_day + timedelta(days=int(d)), datetime.min.time(), tzinfo=zone)
        + timedelta(hours=float(h))
        for d, h in zip(picks, hours, strict=True)
    ]
    moments.sort()
    return moments


def _simulate(
    b: _Builder,
    categories: dict[str, tuple[FeedbackCategory, DemoCategory]],
    areas: dict[str, Unit],
    centres: dict[str, tuple[float, float]],
    start_day: date,
    end_day: date,
    cases_per_year: int,
) -> None:
    rng = b.np
    count = int(cases_per_year * ((end_day - start_day).days + 1) / 365)
    moments = [m for m in _received_moments(rng, start_day, end_day, count) if m < b.now]
    codes = list(categories)
    weights = np.array([categories[code][1].weight for code in codes], dtype=float)
    area_codes = sorted(areas)
    area_weights = np.array(
        [3.0 if areas[code].kind == UnitKind.WARD else 1.0 for code in area_codes]
    )
    category_picks = rng.choice(len(codes), size=len(moments), p=weights / weights.sum())
    area_picks = rng.choice(len(area_codes), size=len(moments), p=area_weights / area_weights.sum())
    # (area, category) → the pair, for the pair's communes/wards (a department has no area).
    pairs: dict[tuple[str, str], tuple[str, str, float, str]] = {}
    for first, second, pair_categories, share, reason in BOUNCING_PAIRS:
        for member in (first, second):
            if member in areas:
                for category in pair_categories:
                    pairs[(member, category)] = (first, second, share, reason)
    recent: dict[tuple[str, str], _Case] = {}
    for index, received in enumerate(moments):
        category, demo = categories[codes[category_picks[index]]]
        area = areas[area_codes[area_picks[index]]]
        case = _one_case(
            b, category, demo, area, centres[area.code], received, pairs.get((area.code, demo.code))
        )
        key = (demo.code, area.code)
        earlier = recent.get(key)
        if (
            earlier is not None
            and b.random.random() < 0.05
            and received - earlier.received_at < timedelta(days=30)
        ):
            case.repeat_of_id = earlier.id
        recent[key] = case


def _description(b: _Builder, demo: DemoCategory, area: Unit) -> tuple[str, str, str]:
    """The report as sent, as published (masked) and its address."""
    r = b.random
    street = STREETS[r.randrange(len(STREETS))]
    address = f"Ngõ {r.randrange(1, 300)} {street}, {area.name_vi}"
    text = f"{demo.reports[r.randrange(len(demo.reports))]} tại {address}."
    roll = r.random()
    extra = ""
    if roll < 0.08:
        extra = f" Liên hệ tôi qua số 09{r.randrange(10_000_000, 99_999_999)}."
    elif roll < 0.10:
        extra = f" Tôi là chủ nhà, CCCD 001{r.randrange(100_000_000, 999_999_999)}."
    elif roll < 0.105:
        extra = " Bọn họ đéo quan tâm gì cả."
    masked = text + (mask_personal_data(extra) if extra else "")
    return text + extra, masked, address


def _one_case(
    b: _Builder,
    category: FeedbackCategory,
    demo: DemoCategory,
    area: Unit,
    centre: tuple[float, float],
    received: datetime,
    pair: tuple[str, str, float, str] | None,
) -> _Case:
    r, cal = b.random, b.cal
    unit = _route(demo, area, b.units)
    description, public, address = _description(b, demo, area)
    located = r.random() < 0.85
    due = deadlines.receipt_deadlines(received_at=received, severity=demo.severity, calendar=cal)
    case = _Case(
        id=b.next_id,
        tracking_code=b.code(received),
        category_id=category.pk,
        severity=demo.severity,
        channel=Channel.OPEN311 if r.random() < 0.7 else Channel.WEB,
        description=description,
        public_description=public,
        lat=round(centre[0] + r.gauss(0, 0.006), 6) if located else None,
        lon=round(centre[1] + r.gauss(0, 0.006), 6) if located else None,
        address=address,
        area_id=area.pk,
        citizen_key_hash=f"{r.getrandbits(256):064x}",
        open311_token=f"{r.getrandbits(128):032x}",
        status=S.RECEIVED,
        handling_unit_id=unit.pk,
        unit_since=received,
        received_at=received,
        updated_at=received,
        accept_due=due.accept_due,
        reject_due=due.reject_due,
        handle_due=due.handle_due,
    )
    b.next_id += 1
    b.cases.append(case)
    case.events.append((received, "", S.RECEIVED, unit.pk, ""))
    _run(b, case, demo, area, pair)
    return case


def _speed(b: _Builder, case: _Case) -> float:
    return SLOW_UNITS.get(b.unit_codes[case.handling_unit_id], 1.0)


def _transfer(b: _Builder, case: _Case, at: datetime, to_unit: Unit, reason: str) -> bool:
    if at > b.now:
        return False
    held = {move[1] for move in case.transfers}
    bounce = to_unit.pk in held
    case.transfers.append(
        (
            at,
            case.handling_unit_id,
            to_unit.pk,
            reason,
            round(b.cal.working_hours_between(case.unit_since, at), 2),
            bounce,
        )
    )
    case.events.append((at, case.status, S.RECEIVED, to_unit.pk, str(TransferReason(reason).label)))
    case.status = S.RECEIVED
    case.handling_unit_id = to_unit.pk
    case.unit_since = case.updated_at = at
    case.accepted_at = None
    case.transfer_count += 1
    case.bounce_count += int(bounce)
    case.push_avoid_flag = case.bounce_count > 0 or case.transfer_count > 2
    moved = deadlines.transfer_deadlines(
        at=at, severity=case.severity, handle_due=case.handle_due, calendar=b.cal
    )
    case.accept_due, case.reject_due, case.handle_due = (
        moved.accept_due,
        moved.reject_due,
        moved.handle_due,
    )
    return True


def _run(
    b: _Builder,
    case: _Case,
    demo: DemoCategory,
    area: Unit,
    pair: tuple[str, str, float, str] | None,
) -> None:
    r, now = b.random, b.now
    code = b.unit_codes[case.handling_unit_id]
    # Transfers: a bouncing pair passes the case back and forth; a few others go astray once.
    if pair is not None and code in pair[:2] and r.random() < pair[2]:
        home, other = b.units[code], b.units[pair[1] if code == pair[0] else pair[0]]
        for hop in [other, home, other][: 2 + (r.random() < 0.5)]:
            at = b.later(case.unit_since, b.lognormal(3.0, 0.7) * _speed(b, case))
            if not _transfer(b, case, at, hop, pair[3]):
                return
    elif r.random() < 0.05:
        # Gone astray once: a department sends a local matter to the commune/ward; a
        # commune/ward sends a report about a place just over its boundary to its neighbour.
        if b.units[code].kind == UnitKind.DEPARTMENT:
            target, reason = area, TransferReason.WRONG_UNIT
        else:
            target, reason = b.units[b.neighbours[code]], TransferReason.WRONG_AREA
        at = b.later(case.received_at, b.lognormal(4.0, 0.6))
        if not _transfer(b, case, at, target, reason):
            return
    speed = _speed(b, case)
    if r.random() < 0.063:  # rejected: 6.3 % in the city's figures
        at = b.later(case.unit_since, b.lognormal(5.0, 0.8) * speed)
        if at <= now:
            reason = r.choices(REJECTIONS, weights=REJECTION_WEIGHTS)[0]
            case.step(at, S.REJECTED, str(reason.label))
            case.rejection_reason, case.rejected_at = reason, at
        return
    accepted = b.later(case.unit_since, b.lognormal(2.5, 0.9) * speed)
    if accepted > now:
        return
    case.step(accepted, S.ACCEPTED)
    case.accepted_at = accepted
    case.handle_due = deadlines.handle_due_on_accept(
        accepted_at=accepted, severity=case.severity, current=case.handle_due, calendar=b.cal
    )
    started = b.later(accepted, b.lognormal(2.0, 0.8))
    if started > now:
        return
    case.step(started, S.IN_PROGRESS)
    _answer_and_rate(b, case, demo, speed, first=True)


REJECTIONS = list(RejectionReason)
REJECTION_WEIGHTS = [0.35, 0.2, 0.02, 0.25, 0.15, 0.03]


def _answer_and_rate(
    b: _Builder, case: _Case, demo: DemoCategory, speed: float, *, first: bool
) -> None:
    r, cal, now = b.random, b.cal, b.now
    urgent = case.severity == Severity.URGENT
    hours = b.lognormal(2.0, 0.7) if urgent else b.lognormal(32.0, 0.8)
    answered = b.later(case.updated_at, hours * speed)
    if answered > now:
        return
    case.step(answered, S.ANSWERED)
    case.answer = demo.answers[r.randrange(len(demo.answers))]
    case.public_answer = b.mask(case.answer)
    case.answered_at = answered
    case.publish_due = deadlines.publish_due(answered_at=answered, calendar=cal)
    published = b.later(answered, b.lognormal(5.0, 0.8) * speed)
    if published > now:
        return
    case.step(published, S.PUBLISHED)
    case.published_at = published
    on_time = answered <= case.handle_due
    if r.random() < 0.55:
        rated = published + timedelta(hours=r.uniform(2, 120))
        if rated > now:
            return
        p_satisfied = (0.88 if on_time else 0.55) / (1.0 + 0.15 * (speed - 1.0))
        value = Rating.SATISFIED if r.random() < p_satisfied else Rating.UNSATISFIED
        case.ratings.append((case.reopen_count, value, rated))
        case.rating = value
        if value == Rating.SATISFIED:
            case.step(rated, S.CLOSED, "rated satisfied")
            case.closed_at = rated
        elif first and r.random() < 0.8:
            case.step(rated, S.IN_PROGRESS, "the citizen is not satisfied with the answer")
            case.reopen_count += 1
            case.answered_at = case.published_at = case.publish_due = None
            case.handle_due = deadlines.handle_due_on_reopen(
                at=rated, severity=case.severity, calendar=cal
            )
            _answer_and_rate(b, case, demo, speed, first=False)
        return
    closing = cal.add_working_days(published, 10)
    if closing <= now:
        case.step(closing, S.CLOSED, "not rated within 10 working days")
        case.closed_at = closing


def _insert_rows(model: type, columns: Sequence[str], rows: list[tuple[object, ...]]) -> None:
    """``executemany`` straight into the table: tens of thousands of rows in a second."""
    quote = connection.ops.quote_name
    fields = {f.attname: f.column for f in model._meta.concrete_fields}  # type: ignore[attr-defined]
    table = quote(model._meta.db_table)  # type: ignore[attr-defined]
    names = ", ".join(quote(fields[column]) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _moment_adapter() -> Callable[[datetime], object]:
    """What the database driver takes for an aware datetime: on SQLite Django's own text form
    (naive UTC, ``str(value)``, as ``adapt_datetimefield_value`` makes it), elsewhere the value."""
    if connection.vendor != "sqlite":
        return lambda value: value
    return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))


def _insert(
    b: _Builder,
    categories: dict[str, tuple[FeedbackCategory, DemoCategory]],
    start_day: date,
    end_day: date,
    rules: int,
) -> FeedbackDemoSummary:
    moment = _moment_adapter()
    empty_json = connection.ops.adapt_json_value({}, None)
    escalations = []
    for case in b.cases:
        running = running_deadline(case)  # type: ignore[arg-type]
        if running is None:
            continue
        kind, due = running
        hours_left = 0.0 if b.now >= due else b.cal.working_hours_between(b.now, due)
        case.escalation_level = level_due(kind, case.severity, hours_left)
        if case.escalation_level:
            escalations.append(
                (
                    case.id,
                    kind,
                    case.escalation_level,
                    moment(due),
                    case.handling_unit_id,
                    moment(b.now),
                )
            )
    case_rows = []
    for case in b.cases:
        values = []
        for column in CASE_COLUMNS:
            value = getattr(case, column)
            values.append(moment(value) if isinstance(value, datetime) else value)
        case_rows.append((*values, *FIXED_CASE_VALUES, empty_json))
    _insert_rows(FeedbackCase, (*CASE_COLUMNS, *FIXED_CASE_COLUMNS, "attributes"), case_rows)
    for sql in connection.ops.sequence_reset_sql(no_style(), [FeedbackCase]):
        with connection.cursor() as cursor:
            cursor.execute(sql)
    events, transfers, ratings = [], [], []
    for case in b.cases:
        events += [
            (case.id, moment(at), before, to, unit, DEMO_ACTOR, reason)
            for at, before, to, unit, reason in case.events
        ]
        transfers += [
            (case.id, moment(at), source, target, reason, "", held, bounce)
            for at, source, target, reason, held, bounce in case.transfers
        ]
        ratings += [(case.id, round_, value, "", moment(at)) for round_, value, at in case.ratings]
    _insert_rows(
        CaseEvent,
        ("case_id", "at", "from_status", "to_status", "unit_id", "actor_label", "reason"),
        events,
    )
    _insert_rows(
        CaseTransfer,
        (
            "case_id",
            "at",
            "from_unit_id",
            "to_unit_id",
            "reason",
            "note",
            "held_hours",
            "is_bounce",
        ),
        transfers,
    )
    _insert_rows(CaseRating, ("case_id", "round", "value", "comment", "at"), ratings)
    _insert_rows(Escalation, ("case_id", "kind", "level", "due", "unit_id", "at"), escalations)
    by_status: dict[str, int] = {}
    for case in b.cases:
        by_status[case.status] = by_status.get(case.status, 0) + 1
    return FeedbackDemoSummary(
        categories=len(categories),
        routing_rules=rules,
        cases=len(b.cases),
        by_status=dict(sorted(by_status.items(), key=lambda item: -item[1])),
        transfers=len(transfers),
        bounces=sum(1 for row in transfers if row[-1]),
        flagged=sum(1 for case in b.cases if case.push_avoid_flag),
        ratings=len(ratings),
        escalated=len(escalations),
        start=start_day,
        end=end_day,
    )


def create_feedback_demo(
    *,
    rng: np.random.Generator,
    now: datetime | None = None,
    cases_per_year: int = CASES_PER_YEAR,
    progress: Progress | None = None,
) -> FeedbackDemoSummary:
    """Categories, routing, area centres and a year of cases up to ``now`` (never before
    1 July 2025, when the communes and wards began). Needs the demo's units."""
    started = time.monotonic()
    now = now or timezone.now()
    calendar = city_calendar()
    units = {unit.code: unit for unit in Unit.objects.filter(active_to__isnull=True)}
    areas = {
        code: unit for code, unit in units.items() if unit.kind in (UnitKind.WARD, UnitKind.COMMUNE)
    }
    categories = _create_categories()
    rules = _create_routing(categories, areas, units)
    centres = _area_centres(areas)
    AreaLocation.objects.bulk_create(
        [
            AreaLocation(
                area=areas[code],
                lat=lat,
                lon=lon,
                source="Demo: placed around its former district's approximate centre; not surveyed",
            )
            for code, (lat, lon) in centres.items()
        ]
    )
    start_day = max(FIRST_DAY, timezone.localdate(now) - timedelta(days=365))
    end_day = timezone.localdate(now)
    first_id = (FeedbackCase.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    builder = _Builder(rng, calendar, now, units, first_id)
    builder.neighbours = _nearest(centres)
    _simulate(builder, categories, areas, centres, start_day, end_day, cases_per_year)
    summary = _insert(builder, categories, start_day, end_day, len(rules))
    summary.seconds = time.monotonic() - started
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.feedback",
        target=("demo", "feedback"),
        after={
            "cases": summary.cases,
            "transfers": summary.transfers,
            "bounces": summary.bounces,
            "period": [start_day, end_day],
        },
    )
    if progress is not None:
        progress(summary.describe())
    return summary


def _create_categories() -> dict[str, tuple[FeedbackCategory, DemoCategory]]:
    rows = []
    for demo in CATEGORIES:
        category = FeedbackCategory(
            code=demo.code,
            name_vi=demo.name_vi,
            name_en=demo.name_en,
            description=f"{demo.name_vi}. {demo.name_en}.",
            group=demo.group,
            keywords=", ".join(demo.name_vi.lower().replace(":", ",").split(", ")[:4]),
            severity=demo.severity,
        )
        category.full_clean(exclude=["updated_at"])
        rows.append(category)
    created = FeedbackCategory.objects.bulk_create(rows)
    return {
        category.code: (category, demo) for category, demo in zip(created, CATEGORIES, strict=True)
    }


def _create_routing(
    categories: dict[str, tuple[FeedbackCategory, DemoCategory]],
    areas: dict[str, Unit],
    units: dict[str, Unit],
) -> list[RoutingRule]:
    """Department categories go to the department; roads in communes (not wards) stay with the
    commune: the routing table then has both kinds of rows."""
    rules = [
        RoutingRule(category=category, area=None, unit=units[demo.department])
        for category, demo in categories.values()
        if demo.department
    ]
    road = categories["road"][0]
    rules += [
        RoutingRule(category=road, area=area, unit=area)
        for area in areas.values()
        if area.kind == UnitKind.COMMUNE
    ]
    return RoutingRule.objects.bulk_create(rules)
