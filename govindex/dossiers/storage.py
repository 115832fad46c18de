"""Bulk movement of dossier and counter frames in and out of the database.

PostgreSQL: ``COPY`` in CSV both ways, and in PostgreSQL's binary format for the bulk load of new
dossiers (``binary_tuples``: PostgreSQL parses it with less CPU). SQLite: ``executemany`` and
plain ``SELECT``. Counters are upserted with ``INSERT … ON CONFLICT … DO UPDATE SET c = c +
excluded.c`` (both databases), so concurrent batches add up instead of overwriting.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
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


# Binary ``COPY`` (``WITH (FORMAT binary)``): a stream is ``BINARY_HEADER``, the tuples,
# ``BINARY_TRAILER``. A tuple is its number of fields (int16), then per field an int32 length (-1
# for NULL) and the value in the binary form of its column's type; every number is big-endian.
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # signature, flags, no extension
BINARY_TRAILER = struct.pack("!h", -1)
#: The column types ``binary_tuples`` writes, each with its value's numpy format (``None``: the
#: UTF-8 bytes of the text, any length).
BINARY_FORMATS: dict[str, str | None] = {
    "smallint": ">i2",
    "integer": ">i4",
    "bigint": ">i8",
    "boolean": "u1",
    "date": ">i4",  # days since 2000-01-01
    "timestamp with time zone": ">i8",  # microseconds since 2000-01-01 00:00 UTC
    "text": None,
    "character varying": None,
}
_INTEGERS = {"smallint": pl.Int16, "integer": pl.Int32, "bigint": pl.Int64}
#: PostgreSQL counts dates and instants from 2000-01-01 (UTC), polars from 1970-01-01.
_EPOCH_DAYS = 10_957
_EPOCH_MICROSECONDS = _EPOCH_DAYS * 86_400_000_000
#: Rows are laid out at their widest before being packed; at most this many bytes at a time.
_LAYOUT_BYTES = 32 << 20


def column_types(table: str, columns: Sequence[str]) -> dict[str, str]:
    """The PostgreSQL type of each of ``columns`` of ``table``, from the catalogue and without
    modifiers (``character varying``, ``timestamp with time zone``). Refuses (``TypeError``) a
    column ``binary_tuples`` cannot write, naming it and its type."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::regtype::text FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        stored = dict(cursor.fetchall())
    missing = [name for name in columns if name not in stored]
    if missing:
        raise TypeError(f"binary COPY: {table} has no column {', '.join(missing)}")
    types = {name: stored[name] for name in columns}
    for name, pg_type in types.items():
        _check_type(f"{table}.{name}", pg_type)
    return types


def _check_type(column: str, pg_type: str) -> None:
    if pg_type not in BINARY_FORMATS:
        known = ", ".join(BINARY_FORMATS)
        raise TypeError(
            f"binary COPY cannot write column {column} of type {pg_type} (it writes {known})"
        )


def binary_tuples(frame: pl.DataFrame, types: Mapping[str, str]) -> bytes:
    """The frame's rows as the tuples of a binary ``COPY`` (without ``BINARY_HEADER`` and
    ``BINARY_TRAILER``), each column in the binary form of its PostgreSQL type in ``types``
    (``column_types``). Vectorised, a block of rows at a time (``_tuples``)."""
    for name in frame.columns:
        _check_type(name, types[name])
    widest_row = 2 + sum(4 + _widest(frame[name], types[name]) for name in frame.columns)
    step = max(1, _LAYOUT_BYTES // widest_row)
    return b"".join(
        _tuples(frame.slice(offset, step), types) for offset in range(0, frame.height, step)
    )


def _widest(series: pl.Series, pg_type: str) -> int:
    """The most bytes a value of ``series`` takes in the binary form of ``pg_type``."""
    fmt = BINARY_FORMATS[pg_type]
    return np.dtype(fmt).itemsize if fmt else int(series.cast(pl.String).str.len_bytes().max() or 0)


def _tuples(frame: pl.DataFrame, types: Mapping[str, str]) -> bytes:
    """Each row laid out at its widest in one array (a numpy record type: every field at a fixed
    place, text padded to the longest value), then packed by dropping the bytes no field uses
    (the values of NULLs, the padding)."""
    rows = frame.height
    names, formats, offsets = ["count"], [">i2"], [0]
    fields = []  # per column: its lengths (-1 for NULL), its numbers or padded bytes
    end = 2
    for index, name in enumerate(frame.columns):
        series, fmt = frame[name], BINARY_FORMATS[types[name]]
        if fmt is None:
            lengths, values = _padded_text(series, types[name])
            value_format: str | tuple[type, tuple[int]] = (np.uint8, (values.shape[1],))
        else:
            lengths = np.where(series.is_null().to_numpy(), -1, np.dtype(fmt).itemsize)
            values, value_format = _numbers(series, types[name]), fmt
        names += [f"length{index}", f"value{index}"]
        formats += [">i4", value_format]
        offsets += [end, end + 4]
        end += 4 + np.dtype(value_format).itemsize
        fields.append((lengths, values))
    layout = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": end})
    records = np.empty(rows, dtype=layout)
    records["count"] = frame.width
    used = np.ones((rows, end), dtype=bool)
    for index, (lengths, values) in enumerate(fields):
        records[f"length{index}"] = lengths
        value_type, start = layout.fields[f"value{index}"][:2]
        width = value_type.itemsize
        if width == 0:  # text that is empty or NULL in every row: no value bytes
            continue
        records[f"value{index}"] = values
        if values.ndim == 2:  # text: the bytes of each value, not the padding after them
            used[:, start : start + width] = np.arange(width) < lengths[:, None]
        elif (lengths < 0).any():  # a NULL has no value bytes
            used[:, start : start + width] = (lengths >= 0)[:, None]
    return records.view(np.uint8).reshape(rows, end)[used].tobytes()


def _padded_text(series: pl.Series, pg_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Each value's length in UTF-8 bytes (-1 for NULL) and the values as a (rows, longest)
    array of bytes, each padded with zero bytes."""
    if series.dtype not in (pl.String, pl.Categorical, pl.Enum):
        raise TypeError(f"binary COPY cannot write {series.name} ({series.dtype}) as {pg_type}")
    text = series.cast(pl.String)
    lengths = text.str.len_bytes()
    widest = int(lengths.max() or 0)
    zeros = "\0" * widest  # one byte per character, so slicing it by bytes is slicing by characters
    padding = pl.lit(zeros).str.slice(0, widest - pl.col("length"))
    padded = pl.DataFrame({"text": text, "length": lengths}).select(
        pl.concat_str("text", padding).fill_null(zeros)
    )
    blob = padded.to_series().str.join("").item().encode("utf-8")
    values = np.frombuffer(blob, dtype=np.uint8).reshape(len(series), widest)
    return lengths.cast(pl.Int32).fill_null(-1).to_numpy(), values


def _numbers(series: pl.Series, pg_type: str) -> np.ndarray:
    """The values of ``series`` as the numbers PostgreSQL stores for ``pg_type`` (0 for NULL)."""
    dtype = series.dtype
    if pg_type in _INTEGERS and dtype.is_integer():
        values = series.cast(_INTEGERS[pg_type], strict=True)  # out of the type's range: refused
    elif pg_type == "boolean" and dtype == pl.Boolean:
        values = series.cast(pl.UInt8)
    elif pg_type == "date" and dtype == pl.Date:
        values = series.cast(pl.Int32) - _EPOCH_DAYS
    elif pg_type == "timestamp with time zone" and isinstance(dtype, pl.Datetime):
        # A datetime's number is UTC when it has a zone; one without is read as UTC, as
        # PostgreSQL reads it from CSV in Django's UTC session.
        values = series.dt.cast_time_unit("us").to_physical() - _EPOCH_MICROSECONDS
    else:
        raise TypeError(f"binary COPY cannot write {series.name} ({dtype}) as {pg_type}")
    return values.fill_null(0).to_numpy()


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
