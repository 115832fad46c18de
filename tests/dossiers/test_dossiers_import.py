"""``dossiers_import``: good rows load, bad rows go to the rejects file with their reasons, a
second import of the same file adds nothing; CSV, XLSX, JSON Lines and Parquet read alike."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from govindex.dossiers.models import DailyCount, Dossier, IngestBatch
from govindex.dossiers.services import dossiers_import
from govindex.errors import ApplicationError
from govindex.tabular import write_rows
from tests.dossiers.factories import ProcedureFactory
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def catalogue() -> None:
    UnitFactory(code="00004")
    ProcedureFactory(code="1.000001", fee=50_000)
    ProcedureFactory(code="1.000002")


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
