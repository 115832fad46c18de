"""``govindex import dossiers`` and ``govindex realtime`` (the CLI around the services)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from govindex.cli import main
from tests.dossiers.test_dossiers_import import BAD, GOOD, write_csv

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary_and_a_second_run_adds_nothing(tmp_path, catalogue, capsys) -> None:
    path = write_csv(tmp_path / "d.csv", GOOD + BAD)

    assert main(["import", "dossiers", str(path)]) == 0
    first = capsys.readouterr()
    assert main(["import", "dossiers", str(path)]) == 0
    second = capsys.readouterr()

    assert first.out.startswith("8 rows: 3 new, 0 updated, 0 unchanged, 5 rejected")
    assert str(path) + ".rejects.csv" in first.out
    assert "check" in first.err  # the progress bar
    assert second.out.startswith("This file was already imported")


def test_import_of_a_file_without_its_columns_exits_2(tmp_path, catalogue, capsys) -> None:
    path = tmp_path / "d.csv"
    path.write_text("MaHoSo\nX\n", encoding="utf-8")

    assert main(["import", "dossiers", str(path), "--quiet"]) == 2
    assert "required column(s) missing" in capsys.readouterr().err


def test_realtime_prints_each_units_numbers_as_csv_and_json(september, capsys) -> None:
    assert main(["realtime", "--period", "2025-09", "--unit", "00004"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["unit"], row["score"], row["class"], row["points"], row["max_points"]) == (
        "00004",
        "56.17",
        "average",
        "30.33",
        "54.0",
    )
    assert (row["i2.1_numerator"], row["i2.1_denominator"], row["i2.1_rate"]) == ("4", "6", "66.67")
    assert row["i1.1_rate"] == "no_data"
    # 5.2 from the feedback cases: none in this world, so N/A (empty), not 0
    assert (row["i5.2_numerator"], row["i5.2_denominator"], row["i5.2_rate"]) == ("0", "0", "")
    assert row["i3.0_rate"] == "unpublished"
    assert row["progress_points"] == "13.33"

    assert main(["realtime", "--period", "2025-Q3", "--format", "json", "--language", "en"]) == 0
    [unit] = json.loads(capsys.readouterr().out)
    assert unit["score"] == 56.17
    assert unit["four_no"][1] == {
        "id": "cashless",
        "name": "Cashless",
        "numerator": 1,
        "denominator": 3,
        "rate": 33.33,
    }


def test_realtime_refuses_a_bad_period(capsys) -> None:
    assert main(["realtime", "--period", "2025-W3"]) == 2
    assert "not understood" in capsys.readouterr().err


def test_recompute_and_rejudge_commands(september, capsys) -> None:
    assert main(["realtime", "recompute"]) == 0
    assert "Recomputed: 1 unit(s), 6 dossiers" in capsys.readouterr().out
    assert main(["realtime", "rejudge"]) == 0
    assert "turned late" in capsys.readouterr().out
