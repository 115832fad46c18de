"""``dossiers_import``: good rows load, bad rows go to the rejects file with their reasons, a
second import of the same file adds nothing; CSV, XLSX, JSON Lines and Parquet read alike.

Every test runs through both load paths: row by row with the foreign keys checked by their
triggers, and (PostgreSQL) the bulk path of ``bulk_load`` (keys dropped and checked once per
batch, rows streamed by a background ``COPY``), which large files take."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.db import connection

from govindex.dossiers import bulk_load
from govindex.dossiers.models import COUNTERS, DailyCount, Dossier, IngestBatch
from govindex.dossiers.services import counters_recompute, dossiers_import
from govindex.errors import ApplicationError
from govindex.tabular import write_rows
from tests.dossiers.balances import checked_balances
from tests.dossiers.factories import ProcedureFactory
from tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("load_path")]

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "KenhThucHien",
    "DuocThanhToanTrucTuyen",
    "TrangThaiHoSo",
    "CoKetQuaDienTu",
]
GOOD = [
    [
        "HS-1",
        "1.000001",
        "00004",
        "2025-09-01T08:30:00+07:00",
        "2025-09-04 17:00",
        "2025-09-03 10:00",
        "2",
        "1",
        "5",
        "1",
    ],
    ["HS-2", "1.000001", "00004", "02/09/2025 09:00:00", "05/09/2025", "", "1", "0", "2", "0"],
    [
        "HS-3",
        "1.000002",
        "00004",
        "20250903080000",
        "20250908170000",
        "20250909090000",
        "1",
        "",
        "4",
        "",
    ],
]
BAD = [
    ["HS-4", "1.000001", "00004", "31/02/2025 09:00", "2025-09-05 17:00", "", "1", "0", "2", "0"],
    ["HS-5", "9.999999", "00004", "2025-09-02 09:00", "2025-09-05 17:00", "", "1", "0", "2", "0"],
    ["HS-6", "1.000001", "00004", "2025-09-05 09:00", "2025-09-02 17:00", "", "1", "0", "2", "0"],
    [
        "HS-1",
        "1.000001",
        "00004",
        "2025-09-01T08:30:00+07:00",
        "2025-09-04 17:00",
        "2025-09-03 10:00",
        "2",
        "1",
        "4",
        "1",
    ],
    [
        "HS-7",
        "1.000001",
        "00004",
        "2025-09-02 09:00",
        "2025-09-05 17:00",
        "",
        "7",
        "0",
        "4",
        "maybe",
    ],
]


@pytest.fixture(params=["row_by_row", "bulk"])
def load_path(request, monkeypatch, settings) -> str:
    """Which write path the imports take: the bulk one (allowed, for a batch of any size)."""
    if request.param == "bulk":
        if connection.vendor != "postgresql":
            pytest.skip("the bulk path is PostgreSQL's; SQLite always loads row by row")
        settings.GOVINDEX_IMPORT_EXCLUSIVE = True
        monkeypatch.setattr(bulk_load, "BULK_ROWS", 1)
    return request.param


@pytest.fixture
def catalogue() -> None:
    UnitFactory(code="00004")
    ProcedureFactory(code="1.000001", fee=50_000)
    ProcedureFactory(code="1.000002")


def counter_rows() -> list[dict[str, object]]:
    """The daily counter rows by key, without ids and without rows whose counters are all 0
    (an update can take a row back to zeros; a recompute does not write such rows); the
    balances are checked against them."""
    checked_balances()
    rows = DailyCount.objects.order_by("unit", "procedure", "day").values()
    return [
        {key: value for key, value in row.items() if key != "id"}
        for row in rows
        if any(row[name] for name in COUNTERS)
    ]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_good_rows_load_and_bad_rows_are_rejected_with_row_and_reason(tmp_path, catalogue) -> None:
    path = write_csv(tmp_path / "dossiers.csv", GOOD + BAD)

    summary = dossiers_import(path=path, actor="system:test")

    assert (summary.rows, summary.created, summary.rejected) == (8, 3, 5)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["HS-1", "HS-2", "HS-3"]
    with summary.rejects_path.open(encoding="utf-8") as stream:
        rejects = {row["row"]: row for row in csv.DictReader(stream)}
    assert {row: rejects[row]["reason"] for row in rejects} == {
        "5": "NgayTiepNhan: not a date and time: '31/02/2025 09:00'",
        "6": "MaTTHC: unknown procedure '9.999999'",
        "7": "NgayHenTra is before NgayTiepNhan",
        "8": "MaHoSo: duplicate 'HS-1' with different content (first at row 2)",
        "9": "KenhThucHien: '7' is not one of 1, 2, 3; CoKetQuaDienTu: 'maybe' is not yes/no "
        "(1 or 0); TrangThaiHoSo says processing ended but NgayKetThucXuLy is empty",
    }
    assert rejects["5"]["MaHoSo"] == "HS-4"


def test_values_are_read_in_each_date_form_as_hanoi_time(tmp_path, catalogue) -> None:
    dossiers_import(path=write_csv(tmp_path / "d.csv", GOOD), actor="system:test")

    two = Dossier.objects.get(code="HS-2")
    assert two.received_at.isoformat() == "2025-09-02T02:00:00+00:00"
    assert two.due_at.isoformat() == "2025-09-05T10:00:00+00:00"  # date only: 17:00 local
    three = Dossier.objects.get(code="HS-3")
    assert three.finished_at.isoformat() == "2025-09-09T02:00:00+00:00"
    assert three.online_payment == 0


def test_a_second_import_of_the_same_file_adds_nothing(tmp_path, catalogue) -> None:
    path = write_csv(tmp_path / "dossiers.csv", GOOD + BAD)
    dossiers_import(path=path, actor="system:test")
    counters = list(DailyCount.objects.order_by("pk").values())

    again = dossiers_import(path=path, actor="system:test")

    assert again.already_imported
    assert Dossier.objects.count() == 3
    assert IngestBatch.objects.count() == 1
    assert list(DailyCount.objects.order_by("pk").values()) == counters


def test_a_new_file_with_the_same_rows_changes_nothing_and_an_updated_row_moves_counters(
    tmp_path, catalogue
) -> None:
    dossiers_import(path=write_csv(tmp_path / "a.csv", GOOD), actor="system:test")
    before = {(row["procedure_id"], row["day"]): row for row in DailyCount.objects.values()}
    same = dossiers_import(path=write_csv(tmp_path / "b.csv", list(reversed(GOOD))), actor="x")
    assert (same.created, same.updated, same.unchanged) == (0, 0, 3)

    finished = [*GOOD[1][:5], "2025-09-04 10:00", *GOOD[1][6:8], "4", GOOD[1][9]]
    updated = dossiers_import(path=write_csv(tmp_path / "c.csv", [finished]), actor="x")

    assert (updated.created, updated.updated) == (0, 1)
    after = {(row["procedure_id"], row["day"]): row for row in DailyCount.objects.values()}
    procedure = Dossier.objects.get(code="HS-2").procedure_id
    day = date(2025, 9, 4)
    assert (
        after[(procedure, day)]["finished"]
        == before.get((procedure, day), {}).get("finished", 0) + 1
    )
    assert after[(procedure, day)]["finished_on_time"] == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl", ".parquet"])
def test_other_formats_load_like_csv(tmp_path, catalogue, suffix) -> None:
    frame = pl.DataFrame([dict(zip(HEADER, row, strict=True)) for row in GOOD + BAD[:1]])
    path = tmp_path / f"dossiers{suffix}"
    if suffix == ".xlsx":
        write_rows(frame.to_dicts(), HEADER, path, "xlsx")
    elif suffix == ".jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_parquet(path)

    summary = dossiers_import(path=path, actor="system:test")

    assert (summary.created, summary.rejected) == (3, 1)
    first_row = 2 if suffix == ".xlsx" else 1
    rejects = pl.read_csv(summary.rejects_path, infer_schema=False)
    assert rejects["row"].to_list() == [str(first_row + 3)]


def test_a_file_without_a_required_column_is_refused(tmp_path, catalogue) -> None:
    path = tmp_path / "d.csv"
    path.write_text("MaHoSo,MaTTHC\nHS-1,1.000001\n", encoding="utf-8")

    with pytest.raises(ApplicationError) as caught:
        dossiers_import(path=path, actor="system:test")

    assert caught.value.code == "missing_columns"
    assert "MaDonVi" in caught.value.message
    assert Dossier.objects.count() == 0


def test_the_example_file_in_the_docs_loads_without_rejects(catalogue) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "dossiers.csv"
    ProcedureFactory(code="1.001612", fee=0)
    ProcedureFactory(code="1.004227", fee=30_000, paper_result_required=True)
    UnitFactory(code="00007")

    summary = dossiers_import(path=example, actor="system:test")

    assert summary.rejected == 0
    assert summary.created == 6


def test_counters_of_an_import_equal_a_full_recompute(tmp_path, catalogue) -> None:
    dossiers_import(path=write_csv(tmp_path / "d.csv", GOOD + BAD), actor="system:test")
    imported = counter_rows()

    counters_recompute(actor="system:test", resume=False)

    assert counter_rows() == imported
    assert sum(row["received"] for row in imported) == 3


def test_blanks_other_spellings_and_number_forms_are_read_like_the_plain_ones(
    tmp_path, catalogue
) -> None:
    spelled = [
        [
            " HS-8 ",
            "1.000001",
            "00004",
            " 2025-09-02 09:00 ",
            "05/09/2025",
            "",
            "2.0",
            " 1 ",
            "2",
            "Có",
        ],
        [
            "HS-9",
            "1.000001",
            "  ",
            "2025-09-02 09:00",
            "2025-09-05 17:00",
            "  ",
            "1",
            "",
            "2",
            "no",
        ],
    ]

    summary = dossiers_import(path=write_csv(tmp_path / "d.csv", spelled), actor="system:test")

    assert (summary.created, summary.rejected) == (1, 1)
    eight = Dossier.objects.get(code="HS-8")
    assert (eight.channel, eight.online_payment, eight.electronic_result) == (2, 1, True)
    assert eight.received_at.isoformat() == "2025-09-02T02:00:00+00:00"
    assert eight.finished_at is None
    rejects = pl.read_csv(summary.rejects_path, infer_schema=False)
    assert rejects.select("row", "reason").rows() == [("3", "MaDonVi is empty")]


def test_a_file_of_new_and_changed_rows_loads_both_and_counts_like_a_recompute(
    tmp_path, catalogue
) -> None:
    dossiers_import(path=write_csv(tmp_path / "a.csv", GOOD), actor="system:test")
    finished = [*GOOD[1][:5], "2025-09-04 10:00", *GOOD[1][6:8], "4", GOOD[1][9]]
    new = [
        "HS-10",
        "1.000002",
        "00004",
        "2025-09-03 08:00",
        "2025-09-08 17:00",
        "",
        "2",
        "0",
        "1",
        "",
    ]

    summary = dossiers_import(path=write_csv(tmp_path / "b.csv", [finished, new]), actor="x")

    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    assert Dossier.objects.get(code="HS-2").status == 4
    imported = counter_rows()
    counters_recompute(actor="system:test", resume=False)
    assert counter_rows() == imported
    assert sum(row["received"] for row in imported) == 4
    assert sum(row["finished"] for row in imported) == 3


def test_a_repeated_code_with_another_procedure_is_a_conflict_not_a_repeat(
    tmp_path, catalogue
) -> None:
    other_procedure = ["HS-1", "1.000002", *GOOD[0][2:]]

    summary = dossiers_import(
        path=write_csv(tmp_path / "d.csv", [GOOD[0], GOOD[0], other_procedure]), actor="x"
    )

    assert (summary.created, summary.unchanged, summary.rejected) == (1, 1, 1)
    rejects = pl.read_csv(summary.rejects_path, infer_schema=False)
    assert rejects.select("row", "reason").rows() == [
        ("4", "MaHoSo: duplicate 'HS-1' with different content (first at row 2)")
    ]
