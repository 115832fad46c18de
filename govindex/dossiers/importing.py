"""Read a dossier file (CSV, XLSX, JSON Lines, Parquet), check every row, and turn the good rows
into a dossier frame (``frames.DOSSIER_SCHEMA``). Vectorised with polars: no Python loop per row.

Column names are the national public-service portal's (``MaHoSo``, ``MaTTHC`` …; the full list
and the value codes are in docs/realtime.md). A row that fails a check is kept aside with its
row number in the file and every reason; the good rows load (``services.dossiers_import``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from govindex.dossiers.frames import DOSSIER_SCHEMA, LOCAL, UTC_TIME
from govindex.dossiers.models import CLOSED_STATUSES, Channel, OnlinePayment, Status
from govindex.errors import ApplicationError


@dataclass(frozen=True)
class Column:
    field: str
    kind: str  # text, datetime, deadline, integer, boolean
    required: bool = False
    allowed: tuple[int, ...] = ()
    default: object = None


COLUMNS: dict[str, Column] = {
    "MaHoSo": Column("code", "text", required=True),
    "MaTTHC": Column("procedure_code", "text", required=True),
    "MaDonVi": Column("unit_code", "text", required=True),
    "NgayTiepNhan": Column("received_at", "datetime", required=True),
    "NgayHenTra": Column("due_at", "deadline", required=True),
    "NgayKetThucXuLy": Column("finished_at", "datetime"),
    "KenhThucHien": Column("channel", "integer", True, tuple(Channel.values)),
    "DuocThanhToanTrucTuyen": Column(
        "online_payment", "integer", False, tuple(OnlinePayment.values), 0
    ),
    "TrangThaiHoSo": Column("status", "integer", True, tuple(Status.values)),
    "CoKetQuaDienTu": Column("electronic_result", "boolean", default=False),
    "DuocSoHoa": Column("digitised", "boolean", default=False),
    "DuocTaiSuDung": Column("reused_data", "boolean", default=False),
    "DuocLayTuKhoDMQG": Column("from_data_store", "boolean", default=False),
    "SuDungDuLieuDanCu": Column("population_data", "boolean", default=False),
    "DanhGiaHaiLong": Column("rating", "integer", False, (0, 1)),
    "CoPhanAnhKienNghi": Column("complained", "boolean", default=False),
    "SoLanYeuCauBoSung": Column("supplement_count", "integer", default=0),
    "NgayYeuCauBoSung": Column("supplement_requested_at", "datetime"),
    "NgayNhanBoSung": Column("supplement_received_at", "datetime"),
    "NgayYeuCauBoSungLan2": Column("second_supplement_at", "datetime"),
    "NoiCuTruNguoiNop": Column("applicant_locality", "text", default=""),
}
SUPPORTED = (".csv", ".txt", ".xlsx", ".jsonl", ".ndjson", ".parquet")
_TRUE = ["1", "true", "t", "yes", "y", "x", "có", "co"]
_FALSE = ["0", "false", "f", "no", "n", "không", "khong"]
#: Text forms of a date and time, tried in order. Without an offset the time is local (Hanoi).
_AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")
_LOCAL_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y%m%d%H%M%S",
)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d")
#: A date without a time: the start of the day, except an appointment, due by the office's close.
DEADLINE_CLOSE_HOUR = 17


@dataclass(frozen=True)
class ParsedFile:
    dossiers: pl.DataFrame  # DOSSIER_SCHEMA, plus "row"
    rejects: pl.DataFrame  # row, reason, then the file's columns as text
    total: int
    identical_duplicates: int


def read_file(path: Path) -> pl.DataFrame:
    """The file as a frame with a 1-based ``row`` column: the file row (header = 1) for CSV and
    XLSX, the line for JSON Lines, the record for Parquet."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file", code="file_not_found", status=404)
    if suffix not in SUPPORTED:
        raise ApplicationError(
            f"{path.name}: unsupported file type {suffix!r} (expected {', '.join(SUPPORTED)})",
            code="unsupported_file",
        )
    try:
        if suffix in (".csv", ".txt"):
            with path.open("rb") as stream:
                first = stream.readline().decode("utf-8-sig", errors="replace")
            separator = ";" if first.count(";") > first.count(",") else ","
            frame = pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8")
            first_row = 2
        elif suffix == ".xlsx":
            frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
            first_row = 2
        elif suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path, infer_schema_length=None)
            first_row = 1
        else:
            frame = pl.read_parquet(path)
            first_row = 1
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise ApplicationError(
            f"{path.name}: cannot be read as {suffix[1:].upper()} ({error})", code="unreadable_file"
        ) from error
    if frame.columns and frame.columns[0].startswith("\ufeff"):
        frame = frame.rename({frame.columns[0]: frame.columns[0].removeprefix("\ufeff")})
    frame = frame.rename({name: name.strip() for name in frame.columns})
    missing = [name for name, column in COLUMNS.items() if column.required and name not in frame]
    if missing:
        raise ApplicationError(
            f"{path.name}: required column(s) missing: {', '.join(missing)}",
            code="missing_columns",
        )
    return frame.with_row_index("row", offset=first_row).with_columns(pl.col("row").cast(pl.Int64))


def _as_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    dtype = frame.schema[name]
    column = pl.col(name)
    if dtype == pl.String:
        return column.str.strip_chars()
    if dtype == pl.Boolean:
        return column.cast(pl.Int8).cast(pl.String)
    if dtype.is_float():  # Excel stores 1 as 1.0
        return (
            pl.when(column == column.floor())
            .then(column.cast(pl.Int64).cast(pl.String))
            .otherwise(column.cast(pl.String))
        )
    return column.cast(pl.String)


def _local_to_utc(local: pl.Expr) -> pl.Expr:
    return local.dt.replace_time_zone(LOCAL, ambiguous="earliest").dt.convert_time_zone("UTC")


def _text_forms(text: pl.Expr, deadline: bool) -> list[pl.Expr]:
    """One UTC reading of ``text`` per accepted form (null where the form does not fit), in the
    order they are tried. The forms exclude one another: a text fits at most one of them."""
    hour = DEADLINE_CLOSE_HOUR if deadline else 0
    aware = [
        text.str.to_datetime(f, strict=False, time_zone="UTC", time_unit="us")
        for f in _AWARE_FORMATS
    ]
    local = [
        _local_to_utc(text.str.to_datetime(f, strict=False, time_unit="us")) for f in _LOCAL_FORMATS
    ]
    dates = [
        _local_to_utc(
            text.str.to_date(f, strict=False).cast(pl.Datetime("us")) + pl.duration(hours=hour)
        )
        for f in _DATE_FORMATS
    ]
    return [form.cast(UTC_TIME) for form in (*aware, *local, *dates)]


def _form_of(text: str, forms: list[pl.Expr]) -> int | None:
    """The index of the form that reads ``text`` (the forms exclude one another)."""
    fits = pl.DataFrame({"text": [text]}).select(
        form.is_not_null().alias(str(k)) for k, form in enumerate(forms)
    )
    return next((k for k, fit in enumerate(fits.row(0)) if fit), None)


def _datetime(frame: pl.DataFrame, name: str, deadline: bool) -> pl.Series:
    """The column as UTC datetimes (null when empty or unreadable).

    A text column is read in the form of its first value, in one pass over the column as it is;
    only the values that pass leaves unread are stripped and tried form by form. A file in one
    form costs one pass, not twelve."""
    dtype = frame.schema[name]
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            column = column.dt.replace_time_zone(LOCAL, ambiguous="earliest")
        return frame.select(column.dt.convert_time_zone("UTC").cast(UTC_TIME)).to_series()
    if dtype == pl.Date:
        hour = DEADLINE_CLOSE_HOUR if deadline else 0
        local = column.cast(pl.Datetime("us")) + pl.duration(hours=hour)
        return frame.select(_local_to_utc(local).cast(UTC_TIME)).to_series()
    result = pl.repeat(None, frame.height, dtype=UTC_TIME, eager=True).alias(name)
    forms = _text_forms(pl.col("text"), deadline)
    rest: pl.Series | None = None  # the rows left to read; None: all
    if dtype == pl.String:
        raw = frame.get_column(name)
        filled = raw.str.len_bytes().fill_null(0) > 0
        if not filled.any():
            return result
        first = _form_of(raw[int(filled.arg_true()[0])].strip(), forms)
        if first is not None:
            form = _text_forms(pl.col(name), deadline)[first]
            result = frame.select(form.alias(name)).to_series()
            rest = result.is_null() & filled
            if not rest.any():
                return result
    part = frame if rest is None else frame.filter(rest)
    index = pl.int_range(pl.len(), dtype=pl.UInt32) if rest is None else pl.lit(rest.arg_true())
    pending = part.select(_as_text(part, name).alias("text"), index.alias("index")).filter(
        pl.col("text").is_not_null() & (pl.col("text") != "")
    )
    for form in forms:
        if pending.is_empty():
            break
        read = pending.with_columns(value=form)
        found = read.filter(pl.col("value").is_not_null())
        if found.height:
            result.scatter(found["index"], found["value"])
        pending = read.filter(pl.col("value").is_null()).drop("value")
    return result


def _integer(frame: pl.DataFrame, name: str) -> pl.Expr:
    text = _as_text(frame, name)
    number = text.cast(pl.Float64, strict=False)
    return pl.when(number == number.floor()).then(number.cast(pl.Int64)).otherwise(None)


def _boolean_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return _as_text(frame, name).str.to_lowercase()


@dataclass(frozen=True)
class _Check:
    """A rule every row must pass: ``failed`` is true on the rows that break it, ``message`` says
    why. Only the failed flags are computed for every row; messages only for rejected rows."""

    failed: pl.Expr
    message: pl.Expr


def _message(text: str | pl.Expr) -> pl.Expr:
    return pl.lit(text) if isinstance(text, str) else text


@dataclass(frozen=True)
class _ColumnRead:
    """One column read: the field's values, and per check of the column alone the rows failing
    it (a Series) with the reason (an expression over the file frame, for those rows only)."""

    value: pl.Series
    failed: list[tuple[pl.Series, pl.Expr]]


def _quick_empty(raw: pl.Series) -> pl.Series:
    """Null or "" (a value of blanks is found empty by the slow path, which strips)."""
    empty = raw.is_null()
    return empty | (raw == "") if raw.dtype == pl.String else empty


def _read_slowly(
    frame: pl.DataFrame, name: str, rows: pl.Series, read: pl.Expr
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """For the rows flagged in ``rows`` only: their indexes, their emptiness once stripped, and
    ``read`` (an expression over the file frame) on them."""
    index = rows.arg_true()
    part = frame.select(name).filter(rows)
    text = _as_text(part, name)
    out = part.select((text.is_null() | (text == "")).alias("empty"), read.alias("value"))
    return index, out["empty"], out["value"]


def _read_column(frame: pl.DataFrame, name: str, column: Column) -> _ColumnRead:
    """Read and check one column. The common case is one cheap vectorised step (a cast, a
    comparison); stripping, other spellings and number forms are tried only on the values the
    cheap step could not read."""
    raw = frame.get_column(name)
    text = _as_text(frame, name)  # for the messages
    failed: list[tuple[pl.Series, pl.Expr]] = []
    if column.kind == "text":
        value = frame.select(text.alias(column.field)).to_series()
        empty = value.is_null() | (value == "")
        value = value.set(empty, column.default)
    elif column.kind in ("datetime", "deadline"):
        value = _datetime(frame, name, column.kind == "deadline")
        empty = _quick_empty(raw)
        unread = value.is_null() & ~empty
        if unread.any():  # blanks are empty, anything else unreadable
            index, blank, _ = _read_slowly(frame, name, unread, pl.lit(None))
            empty = empty.scatter(index, blank)
        failed_read = value.is_null() & ~empty
    elif column.kind == "integer":
        if raw.dtype == pl.String or raw.dtype.is_integer():
            value = raw.cast(pl.Int64, strict=False)
        else:  # floats (Excel), booleans: all by the slow path
            value = pl.repeat(None, frame.height, dtype=pl.Int64, eager=True)
        empty = _quick_empty(raw)
        miss = value.is_null() & ~empty
        if miss.any():
            index, blank, number = _read_slowly(frame, name, miss, _integer(frame, name))
            empty = empty.scatter(index, blank)
            value = value.scatter(index, number)
        if column.allowed:
            wrong = ~value.is_in(list(column.allowed)).fill_null(False)
            allowed = ", ".join(str(code) for code in column.allowed)
            message = pl.format("{}: '{}' is not one of {}", pl.lit(name), text, pl.lit(allowed))
        else:
            wrong = (value.is_null() | (value < 0)).fill_null(True)
            message = pl.format("{}: '{}' is not a whole number ≥ 0", pl.lit(name), text)
        failed_read = ~empty & wrong
        if column.default is not None:
            value = value.set(empty, column.default)
    else:
        if raw.dtype == pl.Boolean:
            value, known = raw, raw.is_not_null()
        elif raw.dtype == pl.String:
            value = raw == "1"
            known = value | (raw == "0")
        else:  # numbers (JSON, Excel): all by the slow path
            value = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
            known = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
        empty = _quick_empty(raw)
        miss = ~known.fill_null(False) & ~empty
        if miss.any():
            lowered = _boolean_text(frame, name)
            index, blank, spelled = _read_slowly(
                frame,
                name,
                miss,
                pl.when(lowered.is_in(_TRUE))
                .then(True)
                .when(lowered.is_in(_FALSE))
                .then(False)
                .otherwise(None),
            )
            empty = empty.scatter(index, blank)
            value = value.scatter(index, spelled)
            known = known.scatter(index, spelled.is_not_null())
        failed_read = ~empty & ~known.fill_null(False)
        message = pl.format("{}: '{}' is not yes/no (1 or 0)", pl.lit(name), text)
        value = value.fill_null(False).set(empty, column.default)
    if column.required:
        failed.append((empty, _message(f"{name} is empty")))
    if column.kind in ("datetime", "deadline"):
        message = pl.format("{}: not a date and time: '{}'", pl.lit(name), text)
    if column.kind != "text":
        failed.append((failed_read, message))
    return _ColumnRead(value.alias(column.field), failed)


def _row_checks() -> list[_Check]:
    """Checks across the fields of a row (over the values, with the catalogue's ids)."""
    closed = pl.col("status").is_in([int(status) for status in CLOSED_STATUSES])
    rules: list[tuple[pl.Expr, str | pl.Expr]] = [
        (
            pl.col("procedure_code").is_not_null() & pl.col("procedure_id").is_null(),
            pl.format("MaTTHC: unknown procedure '{}'", pl.col("procedure_code")),
        ),
        (
            pl.col("unit_code").is_not_null() & pl.col("unit_id").is_null(),
            pl.format("MaDonVi: unknown unit '{}'", pl.col("unit_code")),
        ),
        (pl.col("due_at") < pl.col("received_at"), "NgayHenTra is before NgayTiepNhan"),
        (pl.col("finished_at") < pl.col("received_at"), "NgayKetThucXuLy is before NgayTiepNhan"),
        (
            closed & pl.col("finished_at").is_null(),
            "TrangThaiHoSo says processing ended but NgayKetThucXuLy is empty",
        ),
        (
            pl.col("status").is_not_null() & ~closed & pl.col("finished_at").is_not_null(),
            "NgayKetThucXuLy is given but TrangThaiHoSo says the dossier is still open",
        ),
        (
            (pl.col("supplement_count") >= 1) & pl.col("supplement_requested_at").is_null(),
            "SoLanYeuCauBoSung ≥ 1 needs NgayYeuCauBoSung",
        ),
        (
            (pl.col("supplement_count") >= 2) & pl.col("second_supplement_at").is_null(),
            "SoLanYeuCauBoSung ≥ 2 needs NgayYeuCauBoSungLan2",
        ),
        (
            pl.col("supplement_received_at") < pl.col("supplement_requested_at"),
            "NgayNhanBoSung is before NgayYeuCauBoSung",
        ),
    ]
    return [_Check(failed, _message(message)) for failed, message in rules]


def _reasons(frame: pl.DataFrame, messages: list[pl.Expr], flags: list[str]) -> pl.Series:
    """Per row of ``frame`` (rejected rows only), the list of messages of the checks it failed."""
    return frame.select(
        pl.concat_list(
            pl.when(pl.col(flag)).then(message).otherwise(None)
            for flag, message in zip(flags, messages, strict=True)
        )
        .list.drop_nulls()
        .alias("reasons")
    ).to_series()


def parse(
    frame: pl.DataFrame,
    procedures: Mapping[str, int],
    units: Mapping[str, int],
) -> ParsedFile:
    """Check every row of a file frame (``read_file``); ``procedures``/``units`` map codes to ids.

    Every check is a vectorised flag over the whole frame; the reasons (text) are built only for
    the rows that fail, so a clean file of millions of rows costs a few passes over its columns.
    """
    raw_columns = [name for name in frame.columns if name != "row"]
    reads = {
        name: _read_column(frame, name, column)
        for name, column in COLUMNS.items()
        if name in frame.columns
    }
    column_checks = [
        (flag.fill_null(False), message) for read in reads.values() for flag, message in read.failed
    ]
    column_flags = [f"_column_check_{n}" for n in range(len(column_checks))]
    checked = (
        pl.DataFrame(
            [
                frame.get_column("row"),
                *(read.value for read in reads.values()),
                *(
                    flag.alias(name)
                    for (flag, _), name in zip(column_checks, column_flags, strict=True)
                ),
            ]
        )
        .with_columns(
            pl.lit(column.default).alias(column.field)
            for name, column in COLUMNS.items()
            if name not in reads
        )
        .with_columns(
            pl.col("procedure_code")
            .replace_strict(dict(procedures), default=None, return_dtype=pl.Int64)
            .alias("procedure_id"),
            pl.col("unit_code")
            .replace_strict(dict(units), default=None, return_dtype=pl.Int64)
            .alias("unit_id"),
        )
    )
    row_checks = _row_checks()
    row_flags = [f"_row_check_{n}" for n in range(len(row_checks))]
    checked = checked.with_columns(
        c.failed.fill_null(False).alias(f) for c, f in zip(row_checks, row_flags, strict=True)
    ).with_columns(
        pl.col("supplement_count").fill_null(0),
        pl.col("online_payment").fill_null(0),
        pl.col("applicant_locality").fill_null(""),
    )
    bad = checked.select(pl.any_horizontal(*column_flags, *row_flags, False)).to_series()
    raw_text = [pl.col(c).cast(pl.String).alias(c) for c in raw_columns]
    rejects = []
    if bad.any():
        failed_source = frame.filter(bad).with_columns(checked.filter(bad).select(column_flags))
        failed = checked.filter(bad)
        reasons = pl.DataFrame(
            {
                "column": _reasons(
                    failed_source, [message for _, message in column_checks], column_flags
                ),
                "row": _reasons(failed, [check.message for check in row_checks], row_flags),
            }
        ).select(pl.concat_list("column", "row").list.join("; ").alias("reason"))
        rejects.append(
            failed_source.select("row")
            .with_columns(reasons)
            .with_columns(failed_source.select(raw_text))
        )
    fields = list(DOSSIER_SCHEMA)
    good = checked.filter(~bad).select("row", *fields)

    # A dossier code twice in the file: the same content is one dossier; different content is
    # refused (after the first good row), since the file does not say which one is right.
    identical = 0
    repeated = good["code"].is_duplicated()
    if repeated.any():
        content = pl.struct([field for field in fields if field != "unit_id"])
        twice = good.filter(repeated).with_columns(
            _first_row=pl.col("row").first().over("code"),
            _same=content.eq_missing(content.first().over("code")),
        )
        conflicting = twice.filter(~pl.col("_same")).select(
            "row",
            pl.format(
                "MaHoSo: duplicate '{}' with different content (first at row {})",
                pl.col("code"),
                pl.col("_first_row"),
            ).alias("reason"),
        )
        identical = twice.filter(pl.col("_same") & (pl.col("row") != pl.col("_first_row"))).height
        dropped = twice.filter(pl.col("row") != pl.col("_first_row"))["row"]
        good = good.filter(~pl.col("row").is_in(dropped.implode()))
        if conflicting.height:
            rows = frame.filter(pl.col("row").is_in(conflicting["row"].implode()))
            rejects.append(
                rows.select("row")
                .join(conflicting, on="row", how="left", maintain_order="left")
                .with_columns(rows.select(raw_text))
            )
    reject_frame = (
        pl.concat(rejects).sort("row")
        if rejects
        else pl.DataFrame(
            schema={"row": pl.Int64, "reason": pl.String, **dict.fromkeys(raw_columns, pl.String)}
        )
    )
    accepted = good.select(
        "row", *(pl.col(name).cast(dtype) for name, dtype in DOSSIER_SCHEMA.items())
    )
    return ParsedFile(
        dossiers=accepted, rejects=reject_frame, total=frame.height, identical_duplicates=identical
    )
