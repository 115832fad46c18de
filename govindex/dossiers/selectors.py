"""Reads of the real-time index: periods, counter sums, each unit's indicators, groups, total,
class and rank, trends by month, the procedures most often late, and the dossiers behind a number.

A unit's numbers read its daily counters — O(days × procedures), never O(dossiers). Results are
cached in the process per period and data version (``data_version``: every write bumps the
counters' version; the feedback cases that 5.2 and 5.3 read have their own), so pages polling
every few seconds cost two small queries while nothing changes.
"""

from __future__ import annotations

import calendar as month_calendar
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from govindex.dossiers.indicators import (
    FOUR_NO,
    INDICATORS,
    IndicatorRates,
    framework,
    indicator_rates,
    score_rates,
)
from govindex.dossiers.models import (
    COUNTERS,
    Balance,
    CounterState,
    DailyCount,
    Dossier,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
)
from govindex.dossiers.rules import LOCAL_ZONE
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit, UnitKind

PERIOD_FORMS = "YYYY, YYYY-Qn or YYYY-MM (e.g. 2025, 2025-Q3, 2025-09)"
COMMUNE_KINDS = frozenset({UnitKind.WARD, UnitKind.COMMUNE})
PROVINCE_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.AGENCY})
PERIOD_COUNTERS = tuple(
    c for c in COUNTERS if c not in ("opened", "closed", "late_started", "late_closed")
)


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date

    def end_instant(self) -> datetime:
        """The instant the period ends (midnight after its last day, Hanoi time)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=LOCAL_ZONE)


def period_parse(text: str) -> Period:
    text = (text or "").strip().upper()
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        last = date(year, last_month, month_calendar.monthrange(year, last_month)[1])
        return Period(text, first, last)
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Period(
                text,
                date(year, month, 1),
                date(year, month, month_calendar.monthrange(year, month)[1]),
            )
    raise ApplicationError(
        f"Period {text!r} is not understood; use {PERIOD_FORMS}.", code="bad_period"
    )


def current_period() -> Period:
    today = timezone.localdate()
    return period_parse(f"{today.year}-{today.month:02d}")


def counters_version() -> int:
    return CounterState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


# -- sums held elsewhere ------------------------------------------------------------------------


@dataclass(frozen=True)
class SumsSource:
    """Sums per unit that some indicators read but the dossier counters do not hold (the feedback
    cases of 5.2 and 5.3), supplied by the app that holds them, which registers it
    (``sums_source_register``, from its ``AppConfig.ready``; this app never imports it).

    ``sums(period, units)``: each sum as one integer per unit, in ``units`` order.
    ``version()``: a value that changes whenever a sum could, time passing included; cached
    results and kept pages are keyed on it beside the counters' version."""

    name: str
    sums: Callable[[Period, Sequence[Unit]], Mapping[str, np.ndarray]]
    version: Callable[[], Hashable]


_sources: dict[str, SumsSource] = {}


def sums_source_register(source: SumsSource) -> None:
    _sources[source.name] = source


def data_version() -> tuple[Hashable, ...]:
    """The counters' version and each source's: equal while every result stays the same."""
    return (counters_version(), *(source.version() for source in _sources.values()))


def _with_sources(
    sums: dict[str, np.ndarray], period: Period, units: Sequence[Unit]
) -> dict[str, np.ndarray]:
    for source in _sources.values():
        sums.update(source.sums(period, units))
    return sums


# -- sums -----------------------------------------------------------------------------------


def _frame(rows: QuerySet[Any, Any], columns: Sequence[str]) -> pl.DataFrame:
    data = list(rows.values_list(*columns))
    return pl.DataFrame(data, schema={c: pl.Int64 for c in columns}, orient="row")


def procedure_sums(period: Period, unit_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Per unit and procedure: the period's counter sums, and ``open``/``late_open`` at its end."""
    rows = DailyCount.objects.filter(day__gte=period.first, day__lte=period.last)
    after = DailyCount.objects.filter(day__gt=period.last)
    now = Balance.objects.all()
    if unit_ids is not None:
        rows, after, now = (query.filter(unit_id__in=unit_ids) for query in (rows, after, now))
    key = ("unit_id", "procedure_id")
    in_period = _frame(
        rows.values(*key).order_by().annotate(**{c: Sum(c) for c in PERIOD_COUNTERS}),
        [*key, *PERIOD_COUNTERS],
    )
    # The balances at the period's end: today's, less what the days after it changed (none for
    # the current period).
    since = _frame(
        after.values(*key)
        .order_by()
        .annotate(
            open=Sum(F("opened") - F("closed")), late_open=Sum(F("late_started") - F("late_closed"))
        ),
        [*key, "open", "late_open"],
    )
    at_end = (
        _frame(now, [*key, "open", "late_open"])
        .join(since, on=list(key), how="full", coalesce=True, suffix="_since")
        .fill_null(0)
        .select(
            *key,
            (pl.col("open") - pl.col("open_since")).alias("open"),
            (pl.col("late_open") - pl.col("late_open_since")).alias("late_open"),
        )
    )
    joined = in_period.join(at_end, on=list(key), how="full", coalesce=True)
    return joined.fill_null(0).filter(
        pl.any_horizontal(pl.col(c) != 0 for c in [*PERIOD_COUNTERS, "open"])
    )


@dataclass(frozen=True)
class Authority:
    """The catalogue procedures under a unit's authority (for 3.1, 3.2, 3.5, 3.5b)."""

    procedures: frozenset[int]
    online: frozenset[int]
    fee: frozenset[int]
    fee_integrated: frozenset[int]


def authorities(units: Sequence[Unit]) -> dict[int, Authority]:
    """A ward or commune: every commune-level procedure. A department or agency: the
    province-level procedures it is the competent agency for. Others: none."""
    catalogue = list(
        Procedure.objects.values_list(
            "id", "level", "agency_id", "online_level", "fee", "payment_integrated"
        )
    )
    result = {}
    for unit in units:
        if unit.kind in COMMUNE_KINDS:
            mine = [row for row in catalogue if row[1] == ProcedureLevel.COMMUNE]
        elif unit.kind in PROVINCE_KINDS:
            mine = [
                row for row in catalogue if row[1] == ProcedureLevel.PROVINCE and row[2] == unit.pk
            ]
        else:
            mine = []
        result[unit.pk] = Authority(
            procedures=frozenset(row[0] for row in mine),
            online=frozenset(row[0] for row in mine if row[3] != OnlineLevel.NONE),
            fee=frozenset(row[0] for row in mine if row[4] > 0),
            fee_integrated=frozenset(row[0] for row in mine if row[4] > 0 and row[5]),
        )
    return result


def unit_sums(
    per_procedure: pl.DataFrame, units: Sequence[Unit], authority: dict[int, Authority]
) -> dict[str, np.ndarray]:
    """Counter sums per unit (in ``units`` order), plus the procedure counts of the catalogue."""
    order = pl.DataFrame({"unit_id": [u.pk for u in units]}, schema={"unit_id": pl.Int64})
    columns = [*PERIOD_COUNTERS, "open", "late_open"]
    totals = order.join(
        per_procedure.group_by("unit_id").agg(pl.col(c).sum() for c in columns),
        on="unit_id",
        how="left",
    ).fill_null(0)
    sums: dict[str, np.ndarray] = {c: totals[c].to_numpy().astype(np.int64) for c in columns}
    used_online = (
        per_procedure.filter(pl.col("online_channel") > 0).group_by("unit_id").agg("procedure_id")
    )
    paid = per_procedure.filter(pl.col("paid_online") > 0).group_by("unit_id").agg("procedure_id")
    used_online_by = {row[0]: set(row[1]) for row in used_online.iter_rows()}
    paid_by = {row[0]: set(row[1]) for row in paid.iter_rows()}
    counts: dict[str, list[int]] = {
        "procedures": [],
        "procedures_online": [],
        "procedures_online_used": [],
        "procedures_fee": [],
        "procedures_fee_integrated": [],
        "procedures_fee_paid": [],
    }
    for unit in units:
        mine = authority[unit.pk]
        counts["procedures"].append(len(mine.procedures))
        counts["procedures_online"].append(len(mine.online))
        counts["procedures_online_used"].append(
            len(mine.online & used_online_by.get(unit.pk, set()))
        )
        counts["procedures_fee"].append(len(mine.fee))
        counts["procedures_fee_integrated"].append(len(mine.fee_integrated))
        counts["procedures_fee_paid"].append(len(mine.fee & paid_by.get(unit.pk, set())))
    sums.update({name: np.asarray(values, dtype=np.int64) for name, values in counts.items()})
    return sums


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    number: str
    name: str
    group: str
    availability: str
    numerator: int | None
    denominator: int | None
    rate: float | None
    points: float | None
    max_points: float | None
    threshold: float | None
    formula: str
    note: str


@dataclass(frozen=True)
class GroupResult:
    id: str
    name: str
    points: float | None
    max_points: float
    declared_max: float


@dataclass(frozen=True)
class UnitIndex:
    period: str
    unit_code: str
    unit_name: str
    unit_kind: str
    score: float | None
    points: float | None
    max_points: float
    band: str | None
    band_name: str | None
    rank: int | None
    groups: tuple[GroupResult, ...]
    indicators: tuple[IndicatorResult, ...]
    four_no: tuple[tuple[str, str, int, int, float | None], ...]
    dossiers: int


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _results(
    period: Period, units: Sequence[Unit], sums: dict[str, np.ndarray], language: str
) -> list[UnitIndex]:
    if not units:
        return []
    rates: IndicatorRates = indicator_rates(sums)
    labels = [unit.code for unit in units]
    scores = score_rates(labels, rates)
    model = framework()
    leaf_nodes = {node.id: node for node in model.leaves}
    results = []
    for position, unit in enumerate(units):
        scored = scores.unit(unit.code)
        indicators = []
        for indicator in INDICATORS:
            node = leaf_nodes.get(indicator.leaf) if indicator.leaf else None
            node_score = scored.nodes[indicator.leaf] if indicator.leaf else None
            computed = indicator.number in rates.rates
            rate = _optional(rates.rates[indicator.number][position]) if computed else None
            indicators.append(
                IndicatorResult(
                    number=indicator.number,
                    name=str(indicator.name),
                    group=indicator.group,
                    availability="computed" if computed else indicator.availability.value,
                    numerator=int(rates.numerators[indicator.number][position])
                    if computed
                    else None,
                    denominator=int(rates.denominators[indicator.number][position])
                    if computed
                    else None,
                    rate=rate,
                    points=node_score.points if node_score and node_score.applicable else None,
                    max_points=node.max_points if node else None,
                    threshold=node.threshold if node is not None else None,
                    formula=indicator.formula,
                    note=str(indicator.note),
                )
            )
        groups = tuple(
            GroupResult(
                id=area.id,
                name=area.name(language),
                points=scored.nodes[area.id].points,
                max_points=scored.nodes[area.id].max_points,
                declared_max=area.max_points,
            )
            for area in model.areas
        )
        four_no = tuple(
            (
                share.id,
                str(share.name),
                int(rates.four_no[share.id][0][position]),
                int(rates.four_no[share.id][1][position]),
                _optional(rates.four_no[share.id][2][position]),
            )
            for share in FOUR_NO
        )
        band = scored.band
        results.append(
            UnitIndex(
                period=period.label,
                unit_code=unit.code,
                unit_name=unit.name_in(language),
                unit_kind=unit.kind,
                score=scored.score,
                points=scored.points,
                max_points=scored.max_points,
                band=band.id if band else None,
                band_name=band.name(language) if band else None,
                rank=scored.rank,
                groups=groups,
                indicators=tuple(indicators),
                four_no=four_no,
                dossiers=int(sums["received"][position]),
            )
        )
    return results


_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


_computing: dict[tuple[Any, ...], threading.Lock] = {}


def _cached(key: tuple[Any, ...], compute: Any) -> Any:
    """``compute()`` once per key and data version; threads asking for a key being computed
    wait for that result instead of computing it again."""
    key = (data_version(), *key)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        computing = _computing.setdefault(key, threading.Lock())
    with computing:
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        try:
            value = compute()
            with _cache_lock:
                _cache[key] = value
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
        finally:
            with _cache_lock:
                _computing.pop(key, None)
    return value


_generation = 0


def clear_cache() -> None:
    """Forget every cached result (and, through ``cache_generation``, every kept page)."""
    global _generation
    with _cache_lock:
        _cache.clear()
        _generation += 1


def cache_generation() -> int:
    """A number ``clear_cache`` changes: caches built on these results keep it to compare."""
    return _generation


def realtime_index(
    period: Period, *, unit_code: str | None = None, language: str = "vi"
) -> list[UnitIndex]:
    """Every unit with dossiers in the period (or one unit), ranked best first."""

    def compute() -> list[UnitIndex]:
        per_procedure = procedure_sums(period)
        unit_ids = set(per_procedure["unit_id"].unique().to_list())
        units = list(Unit.objects.filter(pk__in=unit_ids).order_by("code"))
        sums = _with_sources(unit_sums(per_procedure, units, authorities(units)), period, units)
        results = _results(period, units, sums, language)
        return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))

    ranked: list[UnitIndex] = _cached(("index", period, language), compute)
    if unit_code is None:
        return ranked
    found = [result for result in ranked if result.unit_code == unit_code]
    if found:
        return found
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ApplicationError(f"Unit {unit_code!r} is unknown.", code="unknown_unit", status=404)
    sums = unit_sums(procedure_sums(period, [unit.pk]), [unit], authorities([unit]))
    return _results(period, [unit], _with_sources(sums, period, [unit]), language)


@dataclass(frozen=True)
class MonthPoint:
    month: str
    score: float | None
    on_time: float | None
    online: float | None
    received: int


def unit_trend(unit: Unit, year: int, *, language: str = "vi") -> list[MonthPoint]:
    """The unit's score and two headline rates for every month of ``year`` up to now."""

    def compute() -> list[MonthPoint]:
        today = timezone.localdate()
        last_month = 12 if year < today.year else today.month
        authority = authorities([unit])
        points = []
        for month in range(1, last_month + 1):
            period = period_parse(f"{year}-{month:02d}")
            sums = unit_sums(procedure_sums(period, [unit.pk]), [unit], authority)
            result = _results(period, [unit], _with_sources(sums, period, [unit]), language)[0]
            by_number = {i.number: i for i in result.indicators}
            has_dossiers = bool(by_number["2.1"].denominator or result.dossiers)
            points.append(
                MonthPoint(
                    month=period.label,
                    # A month without dossiers would score on the catalogue alone: not shown.
                    score=result.score if has_dossiers else None,
                    on_time=by_number["2.1"].rate,
                    online=by_number["3.3"].rate,
                    received=result.dossiers,
                )
            )
        return points

    return _cached(("trend", unit.pk, year, language), compute)


@dataclass(frozen=True)
class ProcedureLateness:
    code: str
    name: str
    judged: int
    late: int
    late_share: float


def worst_procedures(
    unit: Unit, period: Period, *, limit: int = 10, minimum: int = 5
) -> list[ProcedureLateness]:
    """The unit's procedures with the highest share of late dossiers (at least ``minimum``
    dossiers judged in the period), worst first."""

    def compute() -> list[ProcedureLateness]:
        frame = (
            procedure_sums(period, [unit.pk])
            .with_columns(
                judged=pl.col("finished") + pl.col("open"),
                late=pl.col("finished") - pl.col("finished_on_time") + pl.col("late_open"),
            )
            .filter(pl.col("judged") >= minimum)
        )
        frame = (
            frame.with_columns(share=pl.col("late") / pl.col("judged") * 100)
            .sort(["share", "judged"], descending=True)
            .head(limit)
        )
        names = dict(
            Procedure.objects.filter(pk__in=frame["procedure_id"].to_list()).values_list(
                "id", "code"
            )
        )
        titles = dict(
            Procedure.objects.filter(pk__in=frame["procedure_id"].to_list()).values_list(
                "id", "name"
            )
        )
        return [
            ProcedureLateness(names[pid], titles[pid], judged, late, share)
            for pid, judged, late, share in frame.select(
                "procedure_id", "judged", "late", "share"
            ).iter_rows()
        ]

    return _cached(("worst", unit.pk, period, limit, minimum), compute)


# -- drill-down -------------------------------------------------------------------------------

DRILL_DOWN = {
    "received": "dossiers received in the period",
    "late": "dossiers finished late in the period or open and late at its end",
    "open": "dossiers open at the period's end",
    "online": "dossiers received online in the period",
}


def dossiers_behind(
    unit: Unit, period: Period, which: str, *, procedure: Procedure | None = None
) -> QuerySet[Dossier]:
    """The dossiers behind one of the unit's numbers (``DRILL_DOWN``), newest first."""
    start = datetime.combine(period.first, time(0), tzinfo=LOCAL_ZONE)
    end = period.end_instant()
    dossiers = Dossier.objects.filter(unit=unit).select_related("procedure")
    if procedure is not None:
        dossiers = dossiers.filter(procedure=procedure)
    if which == "received":
        dossiers = dossiers.filter(received_at__gte=start, received_at__lt=end)
    elif which == "online":
        dossiers = dossiers.filter(received_at__gte=start, received_at__lt=end, channel=2)
    elif which == "open":
        dossiers = dossiers.filter(received_at__lt=end).exclude(finished_at__lt=end)
    elif which == "late":
        from django.db.models import Q

        finished_late = Q(finished_at__gte=start, finished_at__lt=end, status__in=[4, 5, 6]) & (
            Q(late_from__isnull=True) | Q(finished_at__gt=F("late_from"))
        )
        judged_until = (
            CounterState.objects.filter(pk=1).values_list("judged_until", flat=True).first()
        )
        cutoff = min(end, judged_until) if judged_until else end
        open_late = (
            Q(received_at__lt=end)
            & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
            & Q(late_from__lt=cutoff)
        )
        dossiers = dossiers.filter(finished_late | open_late)
    else:
        raise ApplicationError(
            f"Unknown list {which!r}; one of {', '.join(DRILL_DOWN)}.", code="bad_list"
        )
    return dossiers.order_by("-received_at")
