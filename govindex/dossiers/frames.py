"""The rules of ``rules.py`` over whole polars frames: imports, the demo and the full recompute.

A *dossier frame* has the columns of ``DOSSIER_SCHEMA`` (model field names; ``unit_code`` beside
``unit_id``); datetimes are UTC. ``with_late_from`` adds the late instant, ``counter_frame`` turns
dossiers into daily counter rows (one per unit, procedure and day, one column per counter).
``tests/dossiers/test_frames.py`` checks both against the one-dossier rules.
"""

from __future__ import annotations

from datetime import datetime

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
    when there was one and it came earlier; null while the first wait is open."""
    pause_end = pl.coalesce("supplement_received_at", "second_supplement_at", "finished_at")
    paused = (
        (pl.col("supplement_count") >= 1)
        & pl.col("supplement_requested_at").is_not_null()
        & (pl.col("supplement_requested_at") < pl.col("due_at"))
    )
    frame = frame.with_columns(
        _paused=paused, _pause_end=pause_end, _row=pl.int_range(pl.len(), dtype=pl.UInt32)
    )
    shifted = frame.filter(pl.col("_paused") & pl.col("_pause_end").is_not_null())
    moved: list[datetime] = []
    for due, start, end in zip(
        shifted["due_at"].to_list(),
        shifted["supplement_requested_at"].to_list(),
        shifted["_pause_end"].to_list(),
        strict=True,
    ):
        hours = max(0.0, calendar.working_hours_between(start, end))
        moved.append(calendar.add_working_hours(due, hours))
    moved_frame = pl.DataFrame(
        {"_row": shifted["_row"], "_moved": pl.Series(moved, dtype=UTC_TIME)}
    )
    frame = frame.join(moved_frame, on="_row", how="left")
    late = (
        pl.when(~pl.col("_paused"))
        .then(pl.col("due_at"))
        .when(pl.col("_pause_end").is_null())
        .then(pl.lit(None, dtype=UTC_TIME))
        .otherwise(pl.col("_moved"))
    )
    second = pl.col("second_supplement_at")
    has_second = (pl.col("supplement_count") >= 2) & second.is_not_null()
    late = pl.when(has_second).then(pl.min_horizontal(late, second)).otherwise(late)
    return frame.with_columns(late_from=late).drop("_paused", "_pause_end", "_row", "_moved")


def _local_day(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(LOCAL).dt.date()


def counter_frame(
    dossiers: pl.DataFrame | pl.LazyFrame,
    procedures: pl.DataFrame,
    judged_until: datetime,
    *,
    sign: int = 1,
) -> pl.DataFrame:
    """Daily counter rows (``KEY`` + ``COUNTERS``) that the dossiers add (``sign`` 1) or take
    away (``sign`` -1). The dossiers need ``late_from`` (``with_late_from``)."""
    lazy = dossiers.lazy().join(procedures.lazy(), on="procedure_id", how="left")
    every = pl.col("received_at").is_not_null()  # true on every row (a literal would sum to 1)
    online_channel = pl.col("channel") == ONLINE
    result_ok = ~pl.col("paper_result_required") | pl.col("electronic_result")
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
        "locality_known": pl.col("applicant_locality").fill_null("") != "",
        "boundary_free": (pl.col("applicant_locality").fill_null("") != "")
        & (pl.col("applicant_locality") != pl.col("unit_code")),
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

    def grouped(frame: pl.LazyFrame, day: pl.Expr, flags: dict[str, pl.Expr]) -> pl.LazyFrame:
        return (
            frame.with_columns(day=day)
            .group_by(KEY)
            .agg(
                flag.fill_null(False).cast(pl.Int64).sum().alias(name)
                for name, flag in flags.items()
            )
        )

    parts = [
        grouped(lazy, _local_day("received_at"), receipt),
        grouped(lazy.filter(pl.col("finished_at").is_not_null()), _local_day("finished_at"), end),
        grouped(
            lazy.filter(
                pl.when(pl.col("finished_at").is_not_null())
                .then(late_after)
                .otherwise(pl.col("late_from") <= pl.lit(judged_until).cast(UTC_TIME))
                .fill_null(False)
            ),
            _local_day("late_from"),
            {LATE_DAY_COUNTERS[0]: every},
        ),
    ]
    combined = (
        pl.concat(parts, how="diagonal")
        .group_by(KEY)
        .agg(pl.col(name).fill_null(0).sum() * sign for name in COUNTERS)
    )
    return combined.collect().select(*KEY, *COUNTERS).sort(KEY)


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
