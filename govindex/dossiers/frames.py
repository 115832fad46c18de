"""The rules of ``rules.py`` over whole polars frames: imports, the demo and the full recompute.

A *dossier frame* has the columns of ``DOSSIER_SCHEMA`` (model field names; ``unit_code`` beside
``unit_id``); datetimes are UTC. ``with_late_from`` adds the late instant, ``counter_frame`` turns
dossiers into daily counter rows (one per unit, procedure and day, one column per counter).
``tests/dossiers/test_frames.py`` checks both against the one-dossier rules.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from govindex.calendars.working_days import WorkingCalendar
from govindex.dossiers.models import COUNTERS
from govindex.dossiers.rules import (
    END_DAY_COUNTERS,
    FINISHED,
    LATE_DAY_COUNTERS,
    ONLINE,
    PAID_ONLINE,
    RECEIPT_DAY_COUNTERS,
    UNSATISFIED,
    WITH_RESULT,
)

LOCAL = "Asia/Ho_Chi_Minh"
#: Hanoi's offset from UTC in microseconds: UTC+7 all year (no daylight saving since 1975).
LOCAL_OFFSET = 7 * 3_600_000_000
DAY = 86_400_000_000  # microseconds
UTC_TIME = pl.Datetime("us", "UTC")
KEY = ("unit_id", "procedure_id", "day")

DOSSIER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "code": pl.String,
    "unit_id": pl.Int64,
    "unit_code": pl.String,
    "procedure_id": pl.Int64,
    "received_at": UTC_TIME,
    "due_at": UTC_TIME,
    "finished_at": UTC_TIME,
    "status": pl.Int16,
    "channel": pl.Int16,
    "online_payment": pl.Int16,
    "electronic_result": pl.Boolean,
    "digitised": pl.Boolean,
    "reused_data": pl.Boolean,
    "from_data_store": pl.Boolean,
    "population_data": pl.Boolean,
    "rating": pl.Int16,
    "complained": pl.Boolean,
    "supplement_count": pl.Int16,
    "supplement_requested_at": UTC_TIME,
    "supplement_received_at": UTC_TIME,
    "second_supplement_at": UTC_TIME,
    "applicant_locality": pl.String,
}
#: Columns stored on the dossier row (everything but ``unit_code``), plus ``late_from``.
STORED_COLUMNS = (*(name for name in DOSSIER_SCHEMA if name != "unit_code"), "late_from")
PROCEDURE_SCHEMA = {
    "procedure_id": pl.Int64,
    "has_fee": pl.Boolean,
    "paper_result_required": pl.Boolean,
    "full_online": pl.Boolean,
}


def empty_dossier_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={**DOSSIER_SCHEMA, "late_from": UTC_TIME})


def with_late_from(frame: pl.DataFrame, calendar: WorkingCalendar) -> pl.DataFrame:
    """Add ``late_from`` (``rules.late_from`` row by row): the appointment, moved by the office
    time of the first supplement wait when it began before the appointment; the second request
    when there was one and it came earlier; null while the first wait is open.

    Vectorised: the office time of every wait and the moved appointments come from the
    calendar's ``working_hours_between_many`` / ``add_working_hours_many`` (table look-ups on
    numpy arrays, equal to the scalar functions to the microsecond)."""
    pause_end = pl.coalesce("supplement_received_at", "second_supplement_at", "finished_at")
    paused = (
        (pl.col("supplement_count") >= 1)
        & pl.col("supplement_requested_at").is_not_null()
        & (pl.col("supplement_requested_at") < pl.col("due_at"))
    ).fill_null(False)
    flags = frame.select(_paused=paused, _shifted=paused & pause_end.is_not_null())
    shifted = flags["_shifted"].to_numpy()
    waits = frame.select("due_at", "supplement_requested_at", pause_end.alias("end")).filter(
        flags["_shifted"]
    )
    moved = np.zeros(frame.height, dtype=np.int64)
    if waits.height:
        hours = calendar.working_hours_between_many(
            waits["supplement_requested_at"].to_numpy(), waits["end"].to_numpy()
        )
        due = waits["due_at"].to_numpy()
        moved[shifted] = calendar.add_working_hours_many(due, np.maximum(hours, 0.0)).view(np.int64)
    late = (
        pl.when(~pl.col("_paused"))
        .then(pl.col("due_at"))
        .when(pl.col("_shifted"))
        .then(pl.col("_moved"))
        .otherwise(pl.lit(None, dtype=UTC_TIME))
    )
    second = pl.col("second_supplement_at")
    has_second = (pl.col("supplement_count") >= 2) & second.is_not_null()
    late = pl.when(has_second).then(pl.min_horizontal(late, second)).otherwise(late)
    return (
        frame.with_columns(flags, _moved=pl.Series(moved).cast(UTC_TIME))
        .with_columns(late_from=late.cast(UTC_TIME))
        .drop("_paused", "_shifted", "_moved")
    )


def local_day_number(column: str) -> pl.Expr:
    """The day in Hanoi of a UTC datetime column, as days since 1970-01-01 (``Int64``).

    A fixed UTC+7 offset, not ``convert_time_zone``: Vietnam has kept UTC+7 without daylight
    saving since 1975 (``tests/dossiers/test_frames.py`` checks the zone database agrees for
    every year to 2100), and the arithmetic is ~20× cheaper than a time-zone look-up per value.
    """
    return (pl.col(column).dt.epoch("us") + LOCAL_OFFSET) // DAY


def local_day(column: str) -> pl.Expr:
    """The day in Hanoi of a UTC datetime column, as a ``Date`` (see ``local_day_number``)."""
    return local_day_number(column).cast(pl.Int32).cast(pl.Date)


#: A daily counter row's key packed into one integer for grouping (one hash of one ``Int64``
#: instead of three columns): ``(unit · procedures + procedure) · 2²² + day + 2²¹``.
_DAY_BITS = 22
_DAY_SHIFT = 1 << (_DAY_BITS - 1)


def _packed_key(dossiers: pl.DataFrame) -> tuple[pl.Expr, list[pl.Expr]] | None:
    """The expression packing ``(unit_id, procedure_id)`` into a key prefix and the expressions
    decoding the key, or ``None`` when ids are null or too spread out to pack into 63 bits."""
    bounds = dossiers.select(
        low_unit=pl.col("unit_id").min(),
        high_unit=pl.col("unit_id").max(),
        low_procedure=pl.col("procedure_id").min(),
        high_procedure=pl.col("procedure_id").max(),
        nulls=pl.col("unit_id").null_count() + pl.col("procedure_id").null_count(),
    ).row(0, named=True)
    if bounds["nulls"] or bounds["low_unit"] is None or bounds["low_procedure"] is None:
        return None
    procedures = bounds["high_procedure"] - bounds["low_procedure"] + 1
    units = bounds["high_unit"] - bounds["low_unit"] + 1
    if units * procedures >= 1 << (62 - _DAY_BITS):
        return None
    prefix = (
        (pl.col("unit_id") - bounds["low_unit"]) * procedures
        + (pl.col("procedure_id") - bounds["low_procedure"])
    ) * (1 << _DAY_BITS) + _DAY_SHIFT
    pair = pl.col("key") // (1 << _DAY_BITS)
    decode = [
        (pair // procedures + bounds["low_unit"]).alias("unit_id"),
        (pair % procedures + bounds["low_procedure"]).alias("procedure_id"),
        (pl.col("key") % (1 << _DAY_BITS) - _DAY_SHIFT).cast(pl.Int32).cast(pl.Date).alias("day"),
    ]
    return prefix, decode


def counter_frame(
    dossiers: pl.DataFrame | pl.LazyFrame,
    procedures: pl.DataFrame,
    judged_until: datetime,
    *,
    sign: int = 1,
) -> pl.DataFrame:
    """Daily counter rows (``KEY`` + ``COUNTERS``, sorted by ``KEY``) that the dossiers add
    (``sign`` 1) or take away (``sign`` -1). The dossiers need ``late_from`` (``with_late_from``).

    Three group-bys (receipt day, end day, day of ``late_from``) on one packed integer key each,
    joined on the key; day keys from the fixed UTC+7 offset (``local_day_number``)."""
    if isinstance(dossiers, pl.LazyFrame):
        dossiers = dossiers.collect()
    lazy = dossiers.lazy().join(procedures.lazy(), on="procedure_id", how="left")
    every = pl.col("received_at").is_not_null()  # true on every row (a literal would sum to 1)
    online_channel = pl.col("channel") == ONLINE
    result_ok = ~pl.col("paper_result_required") | pl.col("electronic_result")
    locality_known = pl.col("applicant_locality").fill_null("") != ""
    receipt = {
        "received": every,
        "online": online_channel & result_ok,
        "online_channel": online_channel,
        "fee_bearing": pl.col("has_fee"),
        "paid_online": pl.col("has_fee") & pl.col("online_payment").is_in(sorted(PAID_ONLINE)),
        "digitised": pl.col("digitised") & result_ok,
        "reused": pl.col("reused_data"),
        "data_store": pl.col("from_data_store"),
        "population_data": pl.col("population_data"),
        "paperless": online_channel & pl.col("electronic_result"),
        "contactless": online_channel & pl.col("full_online"),
        "locality_known": locality_known,
        "boundary_free": locality_known & (pl.col("applicant_locality") != pl.col("unit_code")),
        "opened": every,
    }
    finished = pl.col("status").is_in(sorted(FINISHED))
    on_time = pl.col("late_from").is_not_null() & (pl.col("finished_at") <= pl.col("late_from"))
    with_result = pl.col("status").is_in(sorted(WITH_RESULT)) & pl.col("paper_result_required")
    late_after = pl.col("late_from").is_not_null() & (pl.col("finished_at") > pl.col("late_from"))
    end = {
        "finished": finished,
        "finished_on_time": finished & on_time,
        "result_required": finished & with_result,
        "result_electronic": finished & with_result & pl.col("electronic_result"),
        "rated_unsatisfied": finished & (pl.col("rating") == UNSATISFIED).fill_null(False),
        "complained": finished & pl.col("complained"),
        "closed": every,
        "late_closed": late_after,
    }
    assert tuple(receipt) == RECEIPT_DAY_COUNTERS and tuple(end) == END_DAY_COUNTERS
    late_started = (
        pl.when(pl.col("finished_at").is_not_null())
        .then(late_after)
        .otherwise(pl.col("late_from") <= pl.lit(judged_until).cast(UTC_TIME))
        .fill_null(False)
    )
    sources = [
        (lazy, "received_at", receipt),
        (lazy.filter(pl.col("finished_at").is_not_null()), "finished_at", end),
        (lazy.filter(late_started), "late_from", {LATE_DAY_COUNTERS[0]: every}),
    ]
    packed = _packed_key(dossiers)
    keys = ["key"] if packed else list(KEY)
    parts = []
    for frame, day_column, flags in sources:
        day = local_day_number(day_column)
        grouping = (
            [(packed[0] + day).alias("key")]
            if packed
            else [
                pl.col("unit_id"),
                pl.col("procedure_id"),
                day.cast(pl.Int32).cast(pl.Date).alias("day"),
            ]
        )
        parts.append(
            frame.group_by(grouping).agg(
                flag.fill_null(False).sum().cast(pl.Int64).alias(name)
                for name, flag in flags.items()
            )
        )
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.join(part, on=keys, how="full", coalesce=True)
    counts = combined.with_columns(pl.col(name).fill_null(0) * sign for name in COUNTERS)
    result = counts.sort(keys).collect()
    if packed:
        result = result.select(*packed[1], *COUNTERS)
    return result.select(*KEY, *COUNTERS)


def procedure_frame(procedures: list[tuple[int, int, bool, str]]) -> pl.DataFrame:
    """From ``(id, fee, paper_result_required, online_level)`` rows."""
    return pl.DataFrame(
        {
            "procedure_id": [row[0] for row in procedures],
            "has_fee": [row[1] > 0 for row in procedures],
            "paper_result_required": [bool(row[2]) for row in procedures],
            "full_online": [row[3] == "full" for row in procedures],
        },
        schema=PROCEDURE_SCHEMA,
    )
