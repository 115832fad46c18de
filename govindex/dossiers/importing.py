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


def _datetime(frame: pl.DataFrame, name: str, deadline: bool) -> pl.Expr:
    """UTC datetime (null when absent or unreadable)."""
    dtype = frame.schema[name]
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            column = column.dt.replace_time_zone(LOCAL, ambiguous="earliest")
        return column.dt.convert_time_zone("UTC").cast(UTC_TIME)
    hour = DEADLINE_CLOSE_HOUR if deadline else 0
    if dtype == pl.Date:
        local = column.cast(pl.Datetime("us")) + pl.duration(hours=hour)
        return local.dt.replace_time_zone(LOCAL).dt.convert_time_zone("UTC").cast(UTC_TIME)
    text = _as_text(frame, name)
    aware = [
        text.str.to_datetime(f, strict=False, time_zone="UTC", time_unit="us")
        for f in _AWARE_FORMATS
    ]
    local = [text.str.to_datetime(f, strict=False, time_unit="us") for f in _LOCAL_FORMATS]
    dates = [
        text.str.to_date(f, strict=False).cast(pl.Datetime("us")) + pl.duration(hours=hour)
        for f in _DATE_FORMATS
    ]
    local_time = (
        pl.coalesce(*local, *dates)
        .dt.replace_time_zone(LOCAL, ambiguous="earliest")
        .dt.convert_time_zone("UTC")
    )
    return pl.coalesce(*aware, local_time).cast(UTC_TIME)


def _integer(frame: pl.DataFrame, name: str) -> pl.Expr:
    text = _as_text(frame, name)
    number = text.cast(pl.Float64, strict=False)
    return pl.when(number == number.floor()).then(number.cast(pl.Int64)).otherwise(None)


def _boolean_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return _as_text(frame, name).str.to_lowercase()


def parse(
    frame: pl.DataFrame,
    procedures: Mapping[str, int],
    units: Mapping[str, int],
) -> ParsedFile:
    """Check every row of a file frame (``read_file``); ``procedures``/``units`` map codes to ids."""
    raw_columns = [name for name in frame.columns if name != "row"]
    present = {name: column for name, column in COLUMNS.items() if name in frame.columns}
    values: list[pl.Expr] = [pl.col("row")]
    reasons: list[pl.Expr] = []

    def reason(condition: pl.Expr, message: str | pl.Expr) -> None:
        text = pl.lit(message) if isinstance(message, str) else message
        reasons.append(pl.when(condition.fill_null(False)).then(text).otherwise(None))

    for name, column in COLUMNS.items():
        field = column.field
        if name not in present:
            values.append(pl.lit(column.default).alias(field))
            continue
        text = _as_text(frame, name)
        empty = text.is_null() | (text == "")
        if column.required:
            reason(empty, f"{name} is empty")
        if column.kind == "text":
            values.append(pl.when(empty).then(pl.lit(column.default)).otherwise(text).alias(field))
        elif column.kind in ("datetime", "deadline"):
            parsed = _datetime(frame, name, column.kind == "deadline")
            values.append(parsed.alias(field))
            reason(
                ~empty & parsed.is_null(),
                pl.format("{}: not a date and time: '{}'", pl.lit(name), text),
            )
        elif column.kind == "integer":
            number = _integer(frame, name)
            values.append(
                pl.when(empty).then(pl.lit(column.default)).otherwise(number).alias(field)
            )
            if column.allowed:
                allowed = ", ".join(str(value) for value in column.allowed)
                reason(
                    ~empty & ~number.is_in(list(column.allowed)).fill_null(False),
                    pl.format("{}: '{}' is not one of {}", pl.lit(name), text, pl.lit(allowed)),
                )
            else:
                reason(
                    ~empty & (number.is_null() | (number < 0)),
                    pl.format("{}: '{}' is not a whole number ≥ 0", pl.lit(name), text),
                )
        else:
            lowered = _boolean_text(frame, name)
            values.append(
                pl.when(empty)
                .then(pl.lit(column.default))
                .otherwise(lowered.is_in(_TRUE))
                .alias(field)
            )
            reason(
                ~empty & ~lowered.is_in(_TRUE + _FALSE),
                pl.format("{}: '{}' is not yes/no (1 or 0)", pl.lit(name), text),
            )

    checked = frame.with_columns(
        pl.concat_list([r for r in reasons]).list.drop_nulls().alias("_reasons")
        if reasons
        else pl.lit([]).alias("_reasons")
    ).select(*values, "_reasons", *(pl.col(c).alias(f"_raw_{c}") for c in raw_columns))

    procedure_map = pl.DataFrame(
        {"procedure_code": list(procedures), "procedure_id": list(procedures.values())},
        schema={"procedure_code": pl.String, "procedure_id": pl.Int64},
    )
    unit_map = pl.DataFrame(
        {"unit_code": list(units), "unit_id": list(units.values())},
        schema={"unit_code": pl.String, "unit_id": pl.Int64},
    )
    checked = checked.join(procedure_map, on="procedure_code", how="left").join(
        unit_map, on="unit_code", how="left"
    )
    closed = pl.col("status").is_in([int(status) for status in CLOSED_STATUSES])
    cross = [
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
    checked = checked.with_columns(
        pl.concat_list(
            "_reasons",
            pl.concat_list(
                pl.when(condition.fill_null(False))
                .then(pl.lit(message) if isinstance(message, str) else message)
                .otherwise(None)
                for condition, message in cross
            ).list.drop_nulls(),
        ).alias("_reasons")
    )
    checked = checked.with_columns(
        pl.col("supplement_count").fill_null(0),
        pl.col("online_payment").fill_null(0),
        pl.col("applicant_locality").fill_null(""),
    )

    # A dossier code twice in the file: the same content is one dossier; different content is
    # refused (after the first good row), since the file does not say which one is right.
    content = [field for field in DOSSIER_SCHEMA if field not in ("unit_id", "procedure_id")]
    good = checked.filter(pl.col("_reasons").list.len() == 0)
    first = good.group_by("code", maintain_order=True).agg(
        pl.col("row").first().alias("_first_row"),
        pl.struct(content).first().alias("_first_content"),
    )
    good = good.join(first, on="code", how="left").with_columns(
        _same=pl.struct(content) == pl.col("_first_content")
    )
    conflicting = good.filter(~pl.col("_same")).select(
        "row",
        pl.format(
            "MaHoSo: duplicate '{}' with different content (first at row {})",
            pl.col("code"),
            pl.col("_first_row"),
        ).alias("_dup"),
    )
    identical = good.filter(pl.col("_same") & (pl.col("row") != pl.col("_first_row"))).height
    checked = checked.join(conflicting, on="row", how="left").with_columns(
        pl.concat_list("_reasons", pl.col("_dup")).list.drop_nulls()
    )
    rejected = checked.filter(pl.col("_reasons").list.len() > 0)
    rejects = rejected.select(
        "row",
        pl.col("_reasons").list.join("; ").alias("reason"),
        *(pl.col(f"_raw_{c}").cast(pl.String).alias(c) for c in raw_columns),
    )
    accepted = good.filter(pl.col("_same") & (pl.col("row") == pl.col("_first_row"))).select(
        "row", *(pl.col(name).cast(dtype) for name, dtype in DOSSIER_SCHEMA.items())
    )
    return ParsedFile(
        dossiers=accepted, rejects=rejects, total=frame.height, identical_duplicates=identical
    )
