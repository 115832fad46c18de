"""Binary ``COPY`` (``storage.binary_tuples``, used by the bulk path's ``bulk_load._Copy``): the
rows it loads are the rows the CSV path (``storage.insert_frame``) loads from the same frame, and a
column type it cannot write is refused by name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from django.db import connection

from govindex.dossiers import bulk_load, storage
from govindex.dossiers.frames import STORED_COLUMNS, UTC_TIME
from govindex.dossiers.models import COUNTERS, IngestBatch
from tests.dossiers.factories import ProcedureFactory
from tests.factories import UnitFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def stored_rows(table: str, columns: list[str], order: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        return cursor.fetchall()


def empty(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def copy_binary(table: str, frame: pl.DataFrame) -> None:
    types = storage.column_types(table, frame.columns)
    sql = f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT binary)"
    with storage.raw_connection().cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(storage.BINARY_HEADER)
        copy.write(storage.binary_tuples(frame, types))
        copy.write(storage.BINARY_TRAILER)


def loaded_both_ways(
    table: str, frame: pl.DataFrame, order: str, load_binary=copy_binary
) -> list[tuple[object, ...]]:
    """The rows of ``table`` after a binary load of ``frame``, checked equal to those after a
    CSV load of it."""
    columns = list(frame.columns)
    load_binary(table, frame)
    binary = stored_rows(table, columns, order)
    empty(table)
    storage.insert_frame(table, frame)
    assert stored_rows(table, columns, order) == binary
    assert len(binary) == frame.height
    return binary


def instant(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_dossiers_copied_in_binary_are_the_rows_csv_gives() -> None:
    unit, other = UnitFactory(), UnitFactory()
    procedure = ProcedureFactory()
    batch = IngestBatch.objects.create(kind="file", idempotency_key="k")
    codes = ["HS-1", "Hồ-sơ-Đà-Nẵng-002", "X" * 64, ""]  # lengths 4, 17 characters, 64, empty
    frame = pl.DataFrame(
        {
            "code": codes,
            "unit_id": [unit.pk, other.pk, unit.pk, other.pk],
            "procedure_id": [procedure.pk] * 4,
            "received_at": [
                instant(1999, 12, 31, 23, 59, 59, 999_999),
                instant(2000, 1, 1),
                instant(1969, 7, 20, 20, 17, 40, 1),
                instant(2025, 9, 1, 1, 30, 0, 123_456),
            ],
            "due_at": [instant(2000, 1, 3, 10)] * 3 + [instant(2100, 12, 31, 16, 59, 59)],
            "finished_at": [None, instant(2000, 1, 2, 0, 0, 0, 500_000), None, None],
            "status": [1, 5, 7, 32_767],
            "channel": [1, 2, 3, 0],
            "online_payment": [0, 1, 2, 0],
            "electronic_result": [True, False, True, False],
            "digitised": [False, True, False, True],
            "reused_data": [True, True, False, False],
            "from_data_store": [False, False, True, True],
            "population_data": [True, False, False, True],
            "rating": [None, 1, 0, None],
            "complained": [False, True, True, False],
            "supplement_count": [0, 2, 1, 0],
            "supplement_requested_at": [None, instant(1999, 1, 1, 0, 0, 0, 1), None, None],
            "supplement_received_at": [None, None, None, None],
            "second_supplement_at": [None, instant(2000, 2, 29, 12), None, None],
            "applicant_locality": ["", "Phường Bến Nghé", "00004", ""],
            "late_from": [None, None, instant(1900, 1, 1), instant(2025, 9, 5, 10)],
            "batch_id": [batch.pk, None, batch.pk, None],
        },
        schema_overrides={
            **{name: pl.Int16 for name in ("status", "channel", "online_payment", "rating")},
            "supplement_count": pl.Int16,
            **{name: UTC_TIME for name in STORED_COLUMNS if name.endswith(("_at", "_from"))},
        },
    )

    def load_binary(table: str, rows: pl.DataFrame) -> None:
        with bulk_load.copy_in_background(table, rows):
            pass

    rows = loaded_both_ways(storage.DOSSIER_TABLE, frame, "received_at", load_binary)

    # In order of receipt: "X"*64 (1969), "HS-1" (1999), "Hồ-sơ…" (2000), "" (2025).
    assert [row[0] for row in rows] == [codes[2], codes[0], codes[1], ""]
    assert rows[1][3:6] == (
        instant(1999, 12, 31, 23, 59, 59, 999_999),
        instant(2000, 1, 3, 10),
        None,
    )
    assert rows[2][5] == instant(2000, 1, 2, 0, 0, 0, 500_000)
    assert rows[2][17:21] == (
        instant(1999, 1, 1, 0, 0, 0, 1),
        None,
        instant(2000, 2, 29, 12),
        "Phường Bến Nghé",
    )
    assert rows[0][21] == instant(1900, 1, 1)
    assert [row[20] for row in rows] == ["00004", "", "Phường Bến Nghé", ""]  # "" is not NULL
    assert [(row[6], row[14]) for row in rows] == [(7, 0), (1, None), (5, 1), (32_767, None)]
    assert [row[9:14] for row in rows] == [
        (True, False, False, True, False),
        (True, False, True, False, True),
        (False, True, True, False, False),
        (False, True, False, True, True),
    ]
    assert [row[22] for row in rows] == [batch.pk, batch.pk, None, None]


def test_counter_rows_copied_in_binary_are_the_rows_csv_gives() -> None:
    """The counter table: a date column and integer columns at both ends of their range."""
    unit, procedure = UnitFactory(), ProcedureFactory()
    days = [date(1969, 12, 31), date(1999, 12, 31), date(2000, 1, 1), date(2000, 3, 1)]
    others = [name for name in COUNTERS if name not in ("received", "opened")]
    frame = pl.DataFrame(
        {
            "unit_id": [unit.pk] * 4,
            "procedure_id": [procedure.pk] * 4,
            "day": days,
            "received": [1, -1, 2_147_483_647, -2_147_483_648],
            "opened": [0, 7, 0, 3],
            **{name: [0, 0, 0, 0] for name in others},
        }
    )

    rows = loaded_both_ways(storage.COUNT_TABLE, frame, "day")

    zeros = (0,) * len(others)
    assert rows == [
        (unit.pk, procedure.pk, days[0], 1, 0, *zeros),
        (unit.pk, procedure.pk, days[1], -1, 7, *zeros),
        (unit.pk, procedure.pk, days[2], 2_147_483_647, 0, *zeros),
        (unit.pk, procedure.pk, days[3], -2_147_483_648, 3, *zeros),
    ]


@pytest.fixture
def scratch() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE copy_scratch (n integer, note text, label varchar(8), "
            "small smallint, big bigint, flag boolean, day date, at timestamptz, amount numeric)"
        )
    return "copy_scratch"


def test_every_type_may_be_null_and_text_may_be_empty(scratch) -> None:
    frame = pl.DataFrame(
        {
            "n": [1, 2, 3],
            "note": [None, "", "Quận Hoàn Kiếm – “ký tự” đặc biệt"],
            "label": ["", None, "ĐĐĐĐĐĐĐĐ"],  # 8 characters, 16 bytes: varchar(8) counts characters
            "small": [None, -32_768, 32_767],
            "big": [None, -(2**63), 2**63 - 1],
            "flag": [None, True, False],
            "day": [None, date(1, 1, 1), date(9999, 12, 31)],
            "at": [None, instant(1, 1, 1), instant(9999, 12, 31, 23, 59, 59, 999_999)],
        },
        schema_overrides={"small": pl.Int16, "at": UTC_TIME},
    )

    rows = loaded_both_ways(scratch, frame, "n")

    assert rows == [
        (1, None, "", None, None, None, None, None),
        (2, "", None, -32_768, -(2**63), True, date(1, 1, 1), instant(1, 1, 1)),
        (
            3,
            "Quận Hoàn Kiếm – “ký tự” đặc biệt",
            "ĐĐĐĐĐĐĐĐ",
            32_767,
            2**63 - 1,
            False,
            date(9999, 12, 31),
            instant(9999, 12, 31, 23, 59, 59, 999_999),
        ),
    ]


def test_all_text_empty_or_null_and_a_chunk_laid_out_in_several_blocks(
    scratch, monkeypatch
) -> None:
    monkeypatch.setattr(storage, "_LAYOUT_BYTES", 40)  # a few rows per block
    frame = pl.DataFrame({"n": range(10), "note": ["", None] * 5})

    rows = loaded_both_ways(scratch, frame, "n")

    assert rows == [(n, None if n % 2 else "") for n in range(10)]


def test_a_column_type_it_cannot_write_is_refused_by_name(scratch) -> None:
    with pytest.raises(TypeError) as caught:
        storage.column_types(scratch, ["n", "amount"])
    assert str(caught.value) == (
        "binary COPY cannot write column copy_scratch.amount of type numeric (it writes "
        "smallint, integer, bigint, boolean, date, timestamp with time zone, text, "
        "character varying)"
    )

    with (
        pytest.raises(TypeError, match=r"copy_scratch\.amount of type numeric"),
        bulk_load.copy_in_background(scratch, pl.DataFrame({"amount": [1]})),
    ):
        pass


def test_a_value_of_the_wrong_kind_or_out_of_range_is_refused(scratch) -> None:
    types = storage.column_types(scratch, ["n", "small"])

    with pytest.raises(TypeError, match=r"cannot write n \(String\) as integer"):
        storage.binary_tuples(pl.DataFrame({"n": ["1"]}), types)
    with pytest.raises(pl.exceptions.InvalidOperationError, match="40000"):
        storage.binary_tuples(pl.DataFrame({"small": [40_000]}), types)
