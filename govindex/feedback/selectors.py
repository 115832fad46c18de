"""Reads of feedback cases: public lists, staff queues, duplicates, push-and-avoid statistics,
the share answered on time per unit."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from govindex.feedback.models import (
    OPEN_STATUSES,
    AreaLocation,
    CaseStatus,
    CaseTransfer,
    FeedbackCase,
    FeedbackCategory,
    RejectionReason,
    TransferReason,
)
from govindex.feedback.routing import distance_m
from govindex.orgs.models import Membership, Role, Unit

S = CaseStatus
#: 1 for a case answered by its handling deadline, else 0 (summed per unit in SQL).
ANSWERED_ON_TIME = Case(
    When(answered_at__lte=F("handle_due"), then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def categories_active() -> QuerySet[FeedbackCategory]:
    return FeedbackCategory.objects.filter(active=True).order_by("group", "code")


def public_cases() -> QuerySet[FeedbackCase]:
    """Cases anyone may see (personal data is never selected for the public pages)."""
    return FeedbackCase.objects.filter(hidden=False)


def answered_public_cases(
    *, category: str = "", unit: str = "", query: str = ""
) -> QuerySet[FeedbackCase]:
    # ``published_at`` is set exactly while the answer is public (published, then closed; a
    # reopening clears it), so its index serves both the filter and the newest-first order.
    cases = (
        public_cases()
        .filter(published_at__isnull=False)
        .select_related("category", "handling_unit", "area")
        .order_by("-published_at", "-pk")
    )
    if category:
        cases = cases.filter(category__code=category)
    if unit:
        cases = cases.filter(handling_unit__code=unit)
    if query:
        cases = cases.filter(Q(public_description__icontains=query) | Q(tracking_code=query))
    return cases


def public_case(code: str) -> FeedbackCase | None:
    return (
        public_cases()
        .select_related("category", "handling_unit", "area")
        .filter(tracking_code=code.strip().upper())
        .first()
    )


@dataclass(frozen=True)
class MapPoint:
    code: str
    lat: float
    lon: float
    category: str
    on_time: bool


def answered_map_points(*, limit: int = 5000) -> list[MapPoint]:
    """Located, answered public cases for the map (newest first)."""
    rows = (
        public_cases()
        .filter(published_at__isnull=False, lat__isnull=False)
        .order_by("-published_at")
        .values_list("tracking_code", "lat", "lon", "category__code", "answered_at", "handle_due")[
            :limit
        ]
    )
    return [
        MapPoint(code, lat, lon, category, answered is not None and answered <= due)
        for code, lat, lon, category, answered, due in rows
    ]


def area_points() -> list[tuple[float, float, str]]:
    """(lon, lat, name) of every commune/ward centre known, for the map's background."""
    return [
        (lon, lat, name)
        for lon, lat, name in AreaLocation.objects.order_by("area__code").values_list(
            "lon", "lat", "area__name_vi"
        )
    ]


def similar_cases(
    *,
    category: FeedbackCategory,
    lat: float,
    lon: float,
    radius_m: float = 200.0,
    days: int = 30,
    now: datetime | None = None,
    limit: int = 5,
) -> list[tuple[FeedbackCase, float]]:
    """Recent public cases of the same category within ``radius_m``: a possible duplicate,
    nearest first. A bounding box on the indexed coordinates, then the exact distance."""
    now = now or timezone.now()
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (
        public_cases()
        .filter(
            category=category,
            received_at__gte=now - timedelta(days=days),
            lat__range=(lat - dlat, lat + dlat),
            lon__range=(lon - dlon, lon + dlon),
        )
        .exclude(status=S.REJECTED)
        .select_related("category", "handling_unit")
    )
    found = [(case, distance_m(lat, lon, case.lat, case.lon)) for case in candidates[:200]]
    found = [(case, distance) for case, distance in found if distance <= radius_m]
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]


# Staff -----------------------------------------------------------------------------------------


def handling_units_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    """Units whose cases the user handles (staff or leader), by code."""
    if not user.is_authenticated:
        return Unit.objects.none()
    unit_ids = Membership.objects.filter(user=user, role__in=[Role.STAFF, Role.LEADER]).values(
        "unit_id"
    )
    return Unit.objects.filter(pk__in=unit_ids).order_by("code")


def sees_every_unit(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user=user, role__in=[Role.CITY_LEADER, Role.ADMIN]).exists()


def staff_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[FeedbackCase]:
    """The cases this user may see in full: their units' cases, or every case for the city."""
    cases = FeedbackCase.objects.select_related("category", "handling_unit", "area")
    if sees_every_unit(user):
        return cases
    return cases.filter(handling_unit__in=handling_units_of(user))


def staff_queue(
    user: AbstractBaseUser | AnonymousUser, *, status: str = "", escalated: bool = False
) -> QuerySet[FeedbackCase]:
    cases = staff_cases(user)
    cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN_STATUSES)
    if escalated:
        cases = cases.filter(escalation_level__gt=0)
    return cases.order_by("-escalation_level", "accept_due", "pk")


# Push-and-avoid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitTransferStats:
    unit: Unit
    transfers_out: int
    transfers_in: int
    bounces_out: int
    mean_held_hours: float | None


def unit_transfer_stats(*, start: datetime, end: datetime) -> list[UnitTransferStats]:
    """Per unit, transfers in ``[start, end)``: out, in, bounces it sent back, mean working
    hours it held a case before passing it on. Most transfers out first."""
    transfers = CaseTransfer.objects.filter(at__gte=start, at__lt=end)
    out = {
        row["from_unit"]: row
        for row in transfers.values("from_unit").annotate(
            n=Count("pk"), bounces=Count("pk", filter=Q(is_bounce=True)), held=Avg("held_hours")
        )
    }
    incoming = dict(transfers.values("to_unit").annotate(n=Count("pk")).values_list("to_unit", "n"))
    units = Unit.objects.in_bulk(set(out) | set(incoming))
    stats = [
        UnitTransferStats(
            unit=unit,
            transfers_out=out.get(pk, {}).get("n", 0),
            transfers_in=incoming.get(pk, 0),
            bounces_out=out.get(pk, {}).get("bounces", 0),
            mean_held_hours=(
                round(out[pk]["held"], 2) if pk in out and out[pk]["held"] is not None else None
            ),
        )
        for pk, unit in units.items()
    ]
    stats.sort(key=lambda s: (-s.transfers_out, -s.bounces_out, s.unit.code))
    return stats


@dataclass(frozen=True)
class BouncingPair:
    first: Unit
    second: Unit
    transfers: int
    bounces: int
    cases: int


def bouncing_pairs(*, start: datetime, end: datetime, limit: int = 10) -> list[BouncingPair]:
    """Pairs of units (either direction) that pass cases back and forth, most bounces first.

    Only pairs with at least one bounce (a case returned to a unit that already had it)."""
    rows = CaseTransfer.objects.filter(at__gte=start, at__lt=end).values_list(
        "from_unit_id", "to_unit_id", "is_bounce", "case_id"
    )
    transfers: Counter[tuple[int, int]] = Counter()
    bounces: Counter[tuple[int, int]] = Counter()
    cases: dict[tuple[int, int], set[int]] = defaultdict(set)
    for from_unit, to_unit, is_bounce, case_id in rows.iterator(chunk_size=5000):
        pair = (min(from_unit, to_unit), max(from_unit, to_unit))
        transfers[pair] += 1
        bounces[pair] += int(is_bounce)
        cases[pair].add(case_id)
    ranked = sorted(
        (pair for pair in bounces if bounces[pair] > 0),
        key=lambda pair: (-bounces[pair], -transfers[pair], pair),
    )[:limit]
    units = Unit.objects.in_bulk({pk for pair in ranked for pk in pair})
    return [
        BouncingPair(units[a], units[b], transfers[(a, b)], bounces[(a, b)], len(cases[(a, b)]))
        for a, b in ranked
    ]


def flagged_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[FeedbackCase]:
    return (
        staff_cases(user)
        .filter(push_avoid_flag=True)
        .order_by("-bounce_count", "-transfer_count", "-pk")
    )


@dataclass(frozen=True)
class ReasonCount:
    unit: Unit
    reason: str
    label: str
    count: int


def transfer_reason_counts(*, start: datetime, end: datetime) -> list[ReasonCount]:
    """Transfers out per unit and reason in ``[start, end)``, most frequent first."""
    rows = (
        CaseTransfer.objects.filter(at__gte=start, at__lt=end)
        .values_list("from_unit", "reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "from_unit", "reason")
    )
    units = Unit.objects.in_bulk({unit for unit, _reason, _n in rows})
    return [
        ReasonCount(units[unit], reason, str(TransferReason(reason).label), n)
        for unit, reason, n in rows
    ]


def rejection_reason_counts(*, start: datetime, end: datetime) -> list[ReasonCount]:
    """Rejections per unit and reason for cases rejected in ``[start, end)``."""
    rows = (
        FeedbackCase.objects.filter(status=S.REJECTED, rejected_at__gte=start, rejected_at__lt=end)
        .values_list("handling_unit", "rejection_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "handling_unit", "rejection_reason")
    )
    units = Unit.objects.in_bulk({unit for unit, _reason, _n in rows})
    return [
        ReasonCount(units[unit], reason, str(RejectionReason(reason).label), n)
        for unit, reason, n in rows
    ]


# Transparency ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitOnTime:
    unit: Unit
    answered: int
    on_time: int
    open_overdue: int

    @property
    def share(self) -> float | None:
        """Answered on time among answered and overdue-unanswered cases (None: nothing to
        judge)."""
        judged = self.answered + self.open_overdue
        return round(100.0 * self.on_time / judged, 2) if judged else None


def unit_on_time_shares(
    *, start: datetime, end: datetime, now: datetime | None = None
) -> list[UnitOnTime]:
    """Per handling unit, cases received in ``[start, end)``: answered, answered by their
    deadline, and still unanswered past it. Best share first (units with nothing to judge last).
    """
    now = now or timezone.now()
    rows = (
        FeedbackCase.objects.filter(received_at__gte=start, received_at__lt=end)
        .exclude(status=S.REJECTED)
        .values("handling_unit")
        .annotate(
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            on_time=Sum(ANSWERED_ON_TIME),
            open_overdue=Count("pk", filter=Q(answered_at__isnull=True, handle_due__lt=now)),
        )
    )
    units = Unit.objects.in_bulk([row["handling_unit"] for row in rows])
    shares = [
        UnitOnTime(
            units[row["handling_unit"]],
            row["answered"],
            row["on_time"] or 0,
            row["open_overdue"],
        )
        for row in rows
    ]
    shares.sort(key=lambda s: (s.share is None, -(s.share or 0), s.unit.code))
    return shares
