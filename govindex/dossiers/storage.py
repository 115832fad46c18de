"""Bulk movement of dossier and counter frames in and out of the database.

PostgreSQL: ``COPY`` in CSV both ways (the fastest path psycopg offers). SQLite: ``executemany``
and plain ``SELECT``. Counters are upserted with ``INSERT … ON CONFLICT … DO UPDATE SET c = c +
excluded.c`` (both databases), so concurrent batches add up instead of overwriting.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

import polars as pl
from django.db import connection

from govindex.dossiers.frames import DOSSIER_SCHEMA, KEY, LOCAL, UTC_TIME
from govindex.dossiers.models import COUNTERS, Balance, DailyCount, Dossier

DOSSIER_TABLE = Dossier._meta.db_table
COUNT_TABLE = DailyCount._meta.db_table
BALANCE_TABLE = Balance._meta.db_table
BALANCE_KEY = ("unit_id", "procedure_id")
BALANCES = ("open", "late_open")
_DATETIME_COLUMNS = [name for name, dtype in DOSSIER_SCHEMA.items() if dtype == UTC_TIME] + [
    "late_from"
]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def raw_connection():  # type: ignore[no-untyped-def]
    """The driver's connection under Django's (for ``COPY``; same transaction)."""
    connection.ensure_connection()
    return connection.connection


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as ``COPY … WITH (FORMAT csv)`` reads it: no header, strings quoted (so an
    empty string is not NULL), datetimes with their offset."""
    buffer = io.BytesIO()
    frame.write_csv(
        buffer,
        include_header=False,
        quote_style="non_numeric",
        datetime_format="%Y-%m-%dT%H:%M:%S%.6f%z",
    )
    return buffer.getvalue()


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetimes as Django's SQLite backend writes them (naive UTC ``str()``), booleans 0/1."""
    expressions = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            naive = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            expressions.append(
                pl.when(naive.dt.microsecond() == 0)
                .then(naive.dt.strftime("%Y-%m-%d %H:%M:%S"))
                .otherwise(naive.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
                .alias(name)
            )
        elif dtype == pl.Date:
            expressions.append(column.dt.strftime("%Y-%m-%d").alias(name))
        elif dtype == pl.Boolean:
            expressions.append(column.cast(pl.Int8).alias(name))
        else:
            expressions.append(column)
    return frame.select(expressions)


def insert_frame(table: str, frame: pl.DataFrame, *, chunk_rows: int = 200_000) -> None:
    """Append the frame's rows to ``table`` (columns named as in the frame)."""
    if frame.is_empty():
        return
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    if is_postgresql():
        with raw_connection().cursor() as cursor:
            for offset in range(0, frame.height, chunk_rows):
                chunk = csv_bytes(frame.slice(offset, chunk_rows))
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(chunk)
        return
    values = _sqlite_values(frame)
    marks = ", ".join("?" for _ in frame.columns)
    cursor = raw_connection().cursor()  # the bare driver: no debug wrapper quoting each row
    if frame.height > 50_000:  # bulk loads: a page cache that holds the indexes being filled
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        for offset in range(0, values.height, chunk_rows):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (identifiers from the models; values are parameters)
                values.slice(offset, chunk_rows).iter_rows(),
            )
    finally:
        cursor.close()


def create_stage(name: str, like: str, columns: Sequence[str]) -> str:
    """A temporary table ``name`` with ``columns`` of ``like``, empty (dropped first if left over)."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT {names} FROM {like} WHERE 1 = 0")  # noqa: S608 (identifiers from the models; values are parameters)
    return name


def drop_stage(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def add_counts(counts: pl.DataFrame) -> int:
    """``upsert_counts`` for a large batch on PostgreSQL: the rows whose key is not in
    ``DailyCount`` yet are copied straight in (no staging table, no conflict check per row), the
    others upserted. Only under the counter lock (``services._locked_state``), which keeps other
    writers from adding a key between the read of the keys and the copy."""
    counts = _nonzero(counts)
    if counts.is_empty():
        return 0
    days = counts["day"]
    units = counts["unit_id"].unique().sort().to_list()
    buffer = io.BytesIO()
    sql = (
        f"COPY (SELECT unit_id, procedure_id, day FROM {COUNT_TABLE} "  # noqa: S608 (identifiers from the models; values are parameters)
        "WHERE day BETWEEN %s AND %s AND unit_id = ANY(%s)) TO STDOUT WITH (FORMAT csv)"
    )
    with (
        raw_connection().cursor() as cursor,
        cursor.copy(sql, [days.min(), days.max(), units]) as copy,
    ):
        for block in copy:
            buffer.write(block)
    key_schema = {"unit_id": pl.Int64, "procedure_id": pl.Int64, "day": pl.Date}
    stored = (
        pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(KEY), schema=key_schema)
        if buffer.tell()
        else pl.DataFrame(schema=key_schema)
    )
    fresh = counts.join(stored, on=list(KEY), how="anti")
    if fresh.height:
        insert_frame(COUNT_TABLE, fresh)
    if fresh.height < counts.height:
        _upsert_adding(COUNT_TABLE, KEY, COUNTERS, counts.join(stored, on=list(KEY), how="semi"))
    _add_to_balances(counts)
    return counts.height


def upsert_counts(counts: pl.DataFrame) -> int:
    """Add counter rows (``KEY`` + ``COUNTERS``) to ``DailyCount``, and their open and late
    changes to ``Balance``; rows of zeros are skipped."""
    counts = _nonzero(counts)
    if counts.is_empty():
        return 0
    _upsert_adding(COUNT_TABLE, KEY, COUNTERS, counts)
    _add_to_balances(counts)
    return counts.height


def _nonzero(counts: pl.DataFrame) -> pl.DataFrame:
    return counts.select(*KEY, *COUNTERS).filter(
        pl.any_horizontal(pl.col(name) != 0 for name in COUNTERS)
    )


def _add_to_balances(counts: pl.DataFrame) -> None:
    """``Balance`` += each unit and procedure's ``opened − closed`` and ``late_started −
    late_closed`` in ``counts``."""
    changes = (
        counts.group_by(BALANCE_KEY)
        .agg(
            open=(pl.col("opened") - pl.col("closed")).sum(),
            late_open=(pl.col("late_started") - pl.col("late_closed")).sum(),
        )
        .filter((pl.col("open") != 0) | (pl.col("late_open") != 0))
    )
    if not changes.is_empty():
        _upsert_adding(BALANCE_TABLE, BALANCE_KEY, BALANCES, changes)


def _upsert_adding(
    table: str, key: Sequence[str], columns: Sequence[str], frame: pl.DataFrame
) -> None:
    """Insert ``frame``'s rows into ``table``, or add their ``columns`` to the row of the same
    ``key`` (``INSERT … ON CONFLICT … DO UPDATE SET c = c + excluded.c``)."""
    frame = frame.select(*key, *columns)
    names = ", ".join(frame.columns)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in columns)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    if is_postgresql() and frame.height <= 2_000:
        marks = ", ".join(["%s"] * len(frame.columns))
        rows = frame.rows()
        with connection.cursor() as cursor:
            for offset in range(0, len(rows), 1_000):
                chunk = rows[offset : offset + 1_000]
                value_rows = ", ".join(f"({marks})" for _ in chunk)
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {value_rows} {conflict}",  # noqa: S608 (identifiers from the models; values are parameters)
                    [value for row in chunk for value in row],
                )
        return
    # Many rows (or SQLite): into a bare temporary table (no index to maintain), then one
    # statement merges them, instead of one upsert per row. (SQLite needs the ``WHERE true`` to
    # read ``ON CONFLICT`` after a ``SELECT``.)
    stage = create_stage(f"{table}_stage", table, frame.columns)
    insert_frame(stage, frame)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} WHERE true {conflict}"  # noqa: S608 (identifiers from the models; values are parameters)
        )
    drop_stage(stage)


def _select_sql(where: str) -> str:
    columns = ", ".join(
        "u.code AS unit_code" if name == "unit_code" else f"d.{name}"
        for name in (*DOSSIER_SCHEMA, "late_from")
    )
    return (
        f"SELECT {columns} FROM {DOSSIER_TABLE} d JOIN orgs_unit u ON u.id = d.unit_id "  # noqa: S608 (identifiers from the models; values are parameters)
        f"WHERE {where}"
    )


def read_dossiers(where: str = "1 = 1", params: Sequence[object] = ()) -> pl.DataFrame:
    """Dossier rows as a frame with ``DOSSIER_SCHEMA`` + ``late_from`` (``where`` uses alias ``d``
    and ``%s`` parameter markers)."""
    schema = {**DOSSIER_SCHEMA, "late_from": UTC_TIME}
    sql = _select_sql(where)
    params = [
        connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
        for value in params
    ]
    if is_postgresql():
        buffer = io.BytesIO()
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with raw_connection().cursor() as cursor, cursor.copy(copy_sql, params) as copy:
            for block in copy:
                buffer.write(block)
        if buffer.tell() == 0:
            return pl.DataFrame(schema=schema)
        buffer.seek(0)
        text_schema = {
            name: (pl.String if dtype == UTC_TIME or dtype == pl.Boolean else dtype)
            for name, dtype in schema.items()
        }
        raw = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=text_schema)
        return raw.with_columns(
            *(
                pl.col(name).str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_zone="UTC")
                for name, dtype in schema.items()
                if dtype == UTC_TIME
            ),
            *(pl.col(name) == "t" for name, dtype in schema.items() if dtype == pl.Boolean),
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    # Django's SQLite backend converts datetime columns to naive UTC datetimes; booleans are 0/1.
    row_schema = {
        name: (
            pl.Datetime("us") if dtype == UTC_TIME else pl.Int64 if dtype == pl.Boolean else dtype
        )
        for name, dtype in schema.items()
    }
    raw = pl.DataFrame(rows, schema=row_schema, orient="row")
    return raw.with_columns(
        *(
            pl.col(name).dt.replace_time_zone("UTC")
            for name, dtype in schema.items()
            if dtype == UTC_TIME
        ),
        *(pl.col(name) == 1 for name, dtype in schema.items() if dtype == pl.Boolean),
    )


__all__ = ["LOCAL", "insert_frame", "read_dossiers", "upsert_counts"]
