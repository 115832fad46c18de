"""One year of dossiers for the demo (about 1.5 million), generated with numpy and loaded in bulk.

Realistic in shape, invented in detail: a catalogue of common commune- and province-level
procedures (names real, codes ``DEMO-…`` invented); receipts on working days with a peak in the
weeks before Tết and nothing during it; a few units often late; a few procedures mostly online;
supplement requests, online payment, electronic results, ratings. Deterministic for a seed.
Everything goes through ``dossiers_load_frame`` (the import's own write path: counters included).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone

from govindex.calendars.working_days import WorkingCalendar
from govindex.dossiers.frames import DOSSIER_SCHEMA, LOCAL, UTC_TIME
from govindex.dossiers.models import (
    Balance,
    CounterState,
    DailyCount,
    Dossier,
    DossierEvent,
    IngestBatch,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    RecomputeRun,
    SourceSystem,
    Status,
)
from govindex.dossiers.services import city_calendar, dossiers_load_frame, procedure_create
from govindex.orgs.models import Unit, UnitKind

DEMO_ACTOR = "system:demo"
DEMO_DOSSIERS = 1_500_000
#: The test suite builds the demo several times: a small year there (GOVINDEX_ENV=test), and
#: GOVINDEX_DEMO_DOSSIERS overrides both.
TEST_DOSSIERS = 20_000
COMMUNE_SHARE = 0.7


@dataclass(frozen=True)
class DemoProcedure:
    name: str
    field: str
    days: int
    fee: int
    online: str
    paper: bool
    weight: float


COMMUNE_PROCEDURES = (
    DemoProcedure(
        "Chứng thực bản sao từ bản chính", "Chứng thực", 1, 2_000, OnlineLevel.FULL, False, 30
    ),
    DemoProcedure(
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực",
        1,
        10_000,
        OnlineLevel.PARTIAL,
        False,
        8,
    ),
    DemoProcedure(
        "Chứng thực hợp đồng, giao dịch", "Chứng thực", 2, 50_000, OnlineLevel.PARTIAL, True, 5
    ),
    DemoProcedure("Đăng ký khai sinh", "Hộ tịch", 1, 0, OnlineLevel.FULL, True, 10),
    DemoProcedure("Đăng ký khai tử", "Hộ tịch", 1, 0, OnlineLevel.FULL, True, 3),
    DemoProcedure("Đăng ký kết hôn", "Hộ tịch", 1, 0, OnlineLevel.PARTIAL, True, 3),
    DemoProcedure(
        "Cấp giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, 0, OnlineLevel.FULL, True, 6
    ),
    DemoProcedure("Cấp bản sao trích lục hộ tịch", "Hộ tịch", 1, 8_000, OnlineLevel.FULL, True, 5),
    DemoProcedure(
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Hộ tịch",
        3,
        15_000,
        OnlineLevel.PARTIAL,
        True,
        2,
    ),
    DemoProcedure("Đăng ký giám hộ", "Hộ tịch", 3, 0, OnlineLevel.PARTIAL, True, 0.3),
    DemoProcedure("Đăng ký nhận cha, mẹ, con", "Hộ tịch", 3, 0, OnlineLevel.PARTIAL, True, 0.4),
    DemoProcedure(
        "Đăng ký hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        3,
        100_000,
        OnlineLevel.FULL,
        True,
        2.5,
    ),
    DemoProcedure(
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        3,
        50_000,
        OnlineLevel.FULL,
        True,
        1.5,
    ),
    DemoProcedure(
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Xây dựng",
        15,
        75_000,
        OnlineLevel.PARTIAL,
        True,
        2,
    ),
    DemoProcedure(
        "Đăng ký biến động quyền sử dụng đất", "Đất đai", 10, 30_000, OnlineLevel.PARTIAL, True, 3
    ),
    DemoProcedure("Xác nhận thông tin hộ tịch", "Hộ tịch", 3, 0, OnlineLevel.FULL, False, 2),
    DemoProcedure(
        "Giải quyết trợ cấp xã hội hằng tháng",
        "Bảo trợ xã hội",
        10,
        0,
        OnlineLevel.PARTIAL,
        True,
        1,
    ),
    DemoProcedure(
        "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội", 3, 0, OnlineLevel.PARTIAL, True, 0.6
    ),
    DemoProcedure(
        "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Bảo hiểm y tế",
        5,
        0,
        OnlineLevel.FULL,
        True,
        2,
    ),
    DemoProcedure(
        "Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình",
        "Bảo trợ xã hội",
        5,
        0,
        OnlineLevel.NONE,
        True,
        0.5,
    ),
    DemoProcedure("Đăng ký tổ chức lễ hội", "Văn hóa cơ sở", 5, 0, OnlineLevel.NONE, True, 0.1),
    DemoProcedure(
        "Công nhận hộ nghèo, hộ cận nghèo phát sinh",
        "Bảo trợ xã hội",
        7,
        0,
        OnlineLevel.NONE,
        True,
        0.4,
    ),
    DemoProcedure(
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đất đai",
        30,
        100_000,
        OnlineLevel.PARTIAL,
        True,
        1,
    ),
    DemoProcedure(
        "Thủ tục hòa giải tranh chấp đất đai", "Đất đai", 45, 0, OnlineLevel.NONE, True, 0.3
    ),
)
#: Three procedures per department or agency (by the unit's position in the demo's list).
PROVINCE_PROCEDURES = (
    DemoProcedure(
        "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", 10, 200_000, OnlineLevel.FULL, True, 20
    ),
    DemoProcedure("Cấp giấy phép lái xe (đổi)", "Đường bộ", 5, 135_000, OnlineLevel.FULL, True, 25),
    DemoProcedure(
        "Đăng ký thành lập doanh nghiệp",
        "Thành lập và phát triển doanh nghiệp",
        3,
        50_000,
        OnlineLevel.FULL,
        True,
        12,
    ),
    DemoProcedure(
        "Cấp giấy phép xây dựng công trình", "Xây dựng", 20, 150_000, OnlineLevel.PARTIAL, True, 3
    ),
    DemoProcedure(
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
        "Khám bệnh, chữa bệnh",
        20,
        360_000,
        OnlineLevel.PARTIAL,
        True,
        2,
    ),
    DemoProcedure(
        "Cấp giấy phép lao động cho người nước ngoài",
        "Việc làm",
        5,
        600_000,
        OnlineLevel.FULL,
        True,
        4,
    ),
    DemoProcedure(
        "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", 20, 0, OnlineLevel.PARTIAL, True, 8
    ),
    DemoProcedure(
        "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm",
        "An toàn thực phẩm",
        20,
        500_000,
        OnlineLevel.PARTIAL,
        True,
        3,
    ),
    DemoProcedure(
        "Công nhận văn bằng do cơ sở nước ngoài cấp", "Giáo dục", 20, 0, OnlineLevel.FULL, True, 1.5
    ),
    DemoProcedure(
        "Đăng ký biến động đất đai của tổ chức",
        "Đất đai",
        10,
        100_000,
        OnlineLevel.PARTIAL,
        True,
        4,
    ),
    DemoProcedure(
        "Cấp giấy phép kinh doanh karaoke", "Văn hóa", 5, 3_000_000, OnlineLevel.PARTIAL, True, 0.5
    ),
    DemoProcedure("Thẩm định thiết kế cơ sở", "Xây dựng", 25, 0, OnlineLevel.PARTIAL, True, 0.8),
    DemoProcedure(
        "Cấp giấy phép khai thác nước mặt",
        "Tài nguyên nước",
        30,
        600_000,
        OnlineLevel.NONE,
        True,
        0.2,
    ),
    DemoProcedure(
        "Cấp phép hoạt động ngoài giờ cho cơ sở giáo dục",
        "Giáo dục",
        15,
        0,
        OnlineLevel.NONE,
        True,
        0.3,
    ),
    DemoProcedure(
        "Cấp giấy chứng nhận đăng ký đầu tư", "Đầu tư", 15, 0, OnlineLevel.FULL, True, 1.5
    ),
    DemoProcedure("Cấp bản sao văn bằng, chứng chỉ", "Giáo dục", 5, 0, OnlineLevel.FULL, False, 2),
)

Progress = Callable[[str], None]


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def dossiers_flush() -> int:
    """Delete every row of the dossier tables (raw deletes: millions of rows, no per-row work)."""
    held = Dossier.objects.count()
    with connection.cursor() as cursor:
        for model in (
            DossierEvent,
            DailyCount,
            Balance,
            Dossier,
            IngestBatch,
            RecomputeRun,
            CounterState,
            SourceSystem,
            Procedure,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (identifiers from the models; values are parameters)
    return held


def create_procedures(departments: Sequence[Unit]) -> tuple[list[Procedure], list[Procedure]]:
    communes = [
        procedure_create(
            actor=DEMO_ACTOR,
            code=f"DEMO-X-{number:03d}",
            name=item.name,
            field=item.field,
            level=ProcedureLevel.COMMUNE,
            time_limit_days=item.days,
            fee=item.fee,
            online_level=item.online,
            paper_result_required=item.paper,
            payment_integrated=item.fee > 0 and number % 4 != 0,
        )
        for number, item in enumerate(COMMUNE_PROCEDURES, start=1)
    ]
    provinces = []
    agencies = [unit for unit in departments if unit.kind in (UnitKind.DEPARTMENT, UnitKind.AGENCY)]
    for position, agency in enumerate(agencies):
        for offset in range(3):
            item = PROVINCE_PROCEDURES[(position * 3 + offset) % len(PROVINCE_PROCEDURES)]
            provinces.append(
                procedure_create(
                    actor=DEMO_ACTOR,
                    code=f"DEMO-T-{position + 1:02d}{offset + 1}",
                    name=item.name,
                    field=item.field,
                    level=ProcedureLevel.PROVINCE,
                    agency=agency,
                    time_limit_days=item.days,
                    fee=item.fee,
                    online_level=item.online,
                    paper_result_required=item.paper,
                    payment_integrated=item.fee > 0 and offset != 2,
                )
            )
    return communes, provinces


def _day_weights(days: np.ndarray, calendar: WorkingCalendar, tet: date) -> np.ndarray:
    """Receipts per day: working days only (a few on Saturday mornings), more in the four weeks
    before Tết, a little more in the weeks after, a dip in summer."""
    working = calendar.is_working_day_many(days)
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    weights = np.where(working, 1.0, np.where(weekday == 5, 0.15, 0.0))
    offset = (days - np.datetime64(tet, "D")).astype(int)
    weights *= np.where((offset >= -28) & (offset < -3), 1.0 + 0.9 * (28 + offset) / 25, 1.0)
    weights *= np.where((offset >= 7) & (offset < 21), 1.25, 1.0)
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    weights *= np.where((month == 7) | (month == 8), 0.85, 1.0)
    return weights


def generate(
    *,
    seed: int,
    units: Sequence[Unit],
    communes: Sequence[Procedure],
    provinces: Sequence[Procedure],
    calendar: WorkingCalendar,
    total: int = DEMO_DOSSIERS,
    today: date | None = None,
) -> pl.DataFrame:
    """The dossier frame (``DOSSIER_SCHEMA``) of one year up to ``today``."""
    rng = np.random.default_rng(seed)
    today = today or timezone.localdate()
    first = today - timedelta(days=364)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(today, "D") + 1)
    tet = _tet_in(days)
    day_weights = _day_weights(days, calendar, tet)
    day_weights /= day_weights.sum()

    ward_units = [u for u in units if u.kind in (UnitKind.WARD, UnitKind.COMMUNE)]
    n_commune = int(total * COMMUNE_SHARE)
    n_province = total - n_commune

    # Which unit and procedure: wards by an invented population weight; a department's
    # dossiers among its own three procedures by their weights.
    unit_weight = rng.lognormal(0.0, 0.45, len(ward_units))
    unit_index = rng.choice(len(ward_units), n_commune, p=unit_weight / unit_weight.sum())
    commune_weight = np.array([item.weight for item in COMMUNE_PROCEDURES])
    commune_proc = rng.choice(len(communes), n_commune, p=commune_weight / commune_weight.sum())
    province_weight = np.array([_province_item(p).weight for p in provinces])
    province_proc = rng.choice(
        len(provinces), n_province, p=province_weight / province_weight.sum()
    )
    procedures = [*communes, *provinces]
    proc_index = np.concatenate([commune_proc, len(communes) + province_proc])
    ward_pks = np.array([u.pk for u in ward_units], dtype=np.int64)
    agency_pks = np.array([p.agency_id for p in provinces], dtype=np.int64)
    unit_ids = np.concatenate([ward_pks[unit_index], agency_pks[province_proc]])
    n = total
    order = rng.permutation(n)
    proc_index, unit_ids = proc_index[order], unit_ids[order]

    limit = np.array([p.time_limit_days for p in procedures])[proc_index]
    fee = np.array([p.fee for p in procedures])[proc_index]
    online_level = np.array([p.online_level for p in procedures])[proc_index]
    paper = np.array([p.paper_result_required for p in procedures])[proc_index]
    integrated = np.array([p.payment_integrated for p in procedures])[proc_index]

    # Units' habits: a handful often late, the others mostly on time.
    pk_order = np.array([u.pk for u in units], dtype=np.int64)
    sorter = np.argsort(pk_order)
    habit_late = rng.beta(1.2, 30.0, len(units))
    laggards = rng.choice(len(units), max(1, len(units) // 12), replace=False)
    habit_late[laggards] = rng.uniform(0.18, 0.4, len(laggards))
    habit_digital = rng.beta(6, 2.5, len(units))
    position = sorter[np.searchsorted(pk_order, unit_ids, sorter=sorter)]
    late_p = habit_late[position]
    digital = habit_digital[position]

    received_day = rng.choice(days, n, p=day_weights)
    minutes = np.where(rng.random(n) < 0.55, rng.integers(0, 240, n), 300 + rng.integers(0, 240, n))
    received_local = (
        received_day.astype("datetime64[m]")
        + np.timedelta64(8 * 60, "m")
        + minutes.astype("timedelta64[m]")
    )
    # Received on a non-working day (Saturday morning service): the clock starts next working day.
    due_day = calendar.add_working_days_many(received_day, limit)
    due_local = due_day.astype("datetime64[m]") + np.timedelta64(17 * 60, "m")

    online_share = np.select(
        [online_level == OnlineLevel.FULL, online_level == OnlineLevel.PARTIAL],
        [0.55 + 0.4 * digital, 0.15 + 0.3 * digital],
        0.0,
    )
    channel = np.where(rng.random(n) < online_share, 2, np.where(rng.random(n) < 0.03, 3, 1))
    paid = (fee > 0) & integrated & (channel == 2) & (rng.random(n) < 0.35 + 0.5 * digital)
    online_payment = np.where(paid, np.where(rng.random(n) < 0.7, 1, 2), 0)
    electronic = paper & (rng.random(n) < 0.25 + 0.7 * digital)
    digitised = rng.random(n) < 0.3 + 0.65 * digital
    reused = digitised & (rng.random(n) < 0.2 + 0.6 * digital)
    data_store = digitised & (rng.random(n) < 0.5 * digital)
    population = rng.random(n) < 0.2 + 0.6 * digital

    # Supplements: 6 % one request, 1 % two.
    draw = rng.random(n)
    supplements = np.where(draw < 0.01, 2, np.where(draw < 0.07, 1, 0))
    request_offset = rng.integers(0, np.maximum(limit, 1) * 1440 // 2 + 60, n)
    requested = received_local + request_offset.astype("timedelta64[m]")
    wait = rng.integers(60, 6 * 1440, n)
    supplied = requested + wait.astype("timedelta64[m]")
    second = supplied + rng.integers(60, 3 * 1440, n).astype("timedelta64[m]")

    # Processing: on time → before the deadline; late → 1–10 working days after it.
    is_late = rng.random(n) < late_p
    share = rng.beta(2.0, 1.6, n)
    end_day = calendar.add_working_days_many(
        received_day, np.floor(share * np.maximum(limit, 1)).astype(int)
    )
    end_day = np.where(
        is_late, calendar.add_working_days_many(due_day, rng.integers(1, 11, n)), end_day
    )
    end_minutes = rng.integers(8 * 60, 17 * 60, n)
    end_local = end_day.astype("datetime64[m]") + end_minutes.astype("timedelta64[m]")
    pause = np.where(supplements >= 1, (supplied - requested), np.timedelta64(0, "m"))
    end_local = end_local + np.where(is_late, np.timedelta64(0, "m"), pause)
    end_local = np.maximum(end_local, received_local + np.timedelta64(30, "m"))
    now_local = np.datetime64(timezone.localtime().replace(tzinfo=None), "m")
    finished = end_local <= now_local - np.timedelta64(rng.integers(0, 2), "D")
    stuck = rng.random(n) < 0.004  # a few dossiers forgotten, open long past their deadline
    finished &= ~stuck

    status_draw = rng.random(n)
    status = np.where(
        finished,
        np.select(
            [status_draw < 0.01, status_draw < 0.03, status_draw < 0.15],
            [int(Status.WITHDRAWN), int(Status.REFUSED), int(Status.PROCESSED)],
            int(Status.RESULT_RETURNED),
        ),
        np.where(
            (supplements >= 1) & (supplied > now_local),
            int(Status.AWAITING_SUPPLEMENT),
            int(Status.IN_PROGRESS),
        ),
    )
    rating_draw = rng.random(n)
    rating = np.where(
        finished & (rating_draw < 0.3),
        np.where(rng.random(n) < 0.02 + 0.25 * is_late, 0, 1),
        -1,
    )
    complained = finished & (rng.random(n) < 0.003 + 0.03 * is_late)
    own = rng.random(n) < 0.85
    ward_codes = np.array([u.code for u in ward_units])
    unit_codes = np.array([u.code for u in units])[position]
    locality = np.where(own, unit_codes, ward_codes[rng.integers(0, len(ward_codes), n)])

    requested_or_none = np.where(supplements >= 1, requested, np.datetime64("NaT"))
    supplied_ok = (supplements >= 2) | (
        (supplements == 1) & ((supplied <= end_local) | ~finished) & (supplied <= now_local)
    )
    supplied_or_none = np.where((supplements >= 1) & supplied_ok, supplied, np.datetime64("NaT"))
    second_or_none = np.where(supplements >= 2, second, np.datetime64("NaT"))
    # Events cannot lie in the future or after the end of processing.
    future = requested_or_none > now_local
    supplements = np.where(future, 0, supplements)
    requested_or_none = np.where(future, np.datetime64("NaT"), requested_or_none)
    supplied_or_none = np.where(future, np.datetime64("NaT"), supplied_or_none)
    second_or_none = np.where(future | (second > now_local), np.datetime64("NaT"), second_or_none)
    supplements = np.where((supplements == 2) & np.isnat(second_or_none), 1, supplements)
    end_local = np.where(
        finished,
        np.maximum(end_local, np.where(np.isnat(second_or_none), end_local, second_or_none)),
        np.datetime64("NaT"),
    )

    def utc(values: np.ndarray) -> pl.Series:
        return (
            pl.Series(values.astype("datetime64[us]"))
            .dt.replace_time_zone(LOCAL, ambiguous="earliest")
            .dt.convert_time_zone("UTC")
            .cast(UTC_TIME)
        )

    stamp = np.char.add(
        np.char.add("DEMO-", received_day.astype(str)),
        np.char.add("-", np.char.zfill(np.arange(n).astype(str), 7)),
    )
    procedure_ids = np.array([p.pk for p in procedures])[proc_index]
    frame = pl.DataFrame(
        {
            "code": stamp,
            "unit_id": unit_ids.astype(np.int64),
            "unit_code": unit_codes,
            "procedure_id": procedure_ids.astype(np.int64),
            "received_at": utc(received_local),
            "due_at": utc(due_local),
            "finished_at": utc(end_local),
            "status": status.astype(np.int16),
            "channel": channel.astype(np.int16),
            "online_payment": online_payment.astype(np.int16),
            "electronic_result": electronic & finished,
            "digitised": digitised,
            "reused_data": reused,
            "from_data_store": data_store,
            "population_data": population,
            "rating": pl.Series(rating.astype(np.int16)).replace(-1, None),
            "complained": complained,
            "supplement_count": supplements.astype(np.int16),
            "supplement_requested_at": utc(requested_or_none),
            "supplement_received_at": utc(supplied_or_none),
            "second_supplement_at": utc(second_or_none),
            "applicant_locality": locality,
        }
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in DOSSIER_SCHEMA.items())


def demo_dossier_count() -> int:
    configured = os.environ.get("GOVINDEX_DEMO_DOSSIERS", "").strip()
    if configured:
        return int(configured)
    return TEST_DOSSIERS if getattr(settings, "ENVIRONMENT", "") == "test" else DEMO_DOSSIERS


def _province_item(procedure: Procedure) -> DemoProcedure:
    return next(item for item in PROVINCE_PROCEDURES if item.name == procedure.name)


def _tet_in(days: np.ndarray) -> date:
    """The first day of the lunar new year inside ``days`` (from the ``holidays`` package)."""
    import holidays

    first, last = days[0].astype(date), days[-1].astype(date)
    years = range(first.year, last.year + 1)
    for day, name in sorted(holidays.country_holidays("VN", years=years, language="en_US").items()):
        if name == "Lunar New Year" and first <= day <= last:
            return day
    return date(first.year + 1, 2, 1)


@dataclass(frozen=True)
class DossierSummary:
    dossiers: int
    procedures: int
    seconds: float

    def describe(self) -> str:
        return (
            f"dossiers: {self.dossiers:,} over the last year for {self.procedures} procedures "
            f"({self.seconds:.1f} s)"
        )


def build_dossiers(
    *,
    seed: int,
    units: Sequence[Unit],
    departments: Sequence[Unit],
    total: int | None = None,
    progress: Progress | None = None,
) -> DossierSummary:
    started = time.monotonic()
    total = demo_dossier_count() if total is None else total
    communes, provinces = create_procedures(departments)
    calendar = city_calendar()
    frame = generate(
        seed=seed,
        units=units,
        communes=communes,
        provinces=provinces,
        calendar=calendar,
        total=total,
    )
    _say(progress, f"generated {frame.height:,} dossiers in {time.monotonic() - started:.1f} s")
    dossiers_load_frame(
        frame=frame,
        key=f"demo:{seed}:{datetime.now(tz=timezone.get_current_timezone()).isoformat()}",
        name="demo dossiers",
        actor=DEMO_ACTOR,
        calendar=calendar,
    )
    return DossierSummary(frame.height, len(communes) + len(provinces), time.monotonic() - started)
