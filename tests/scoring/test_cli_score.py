"""`govindex score`: files in, ranked rows out; bad input stops with exit 2 and writes nothing.

Most cases call ``govindex.cli.main`` in-process (with capsys); one runs the installed console
script. The small cases use the PGI framework: four leaves, each 0–10 points, score = points.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from govindex.cli import main

PCI_FILE = Path(__file__).resolve().parent.parent / "data" / "pci_2019_published.csv"
PGI_HEADER = [
    "unit",
    "climate_risk",
    "environmental_standards",
    "environmental_leadership",
    "environmental_support",
]
PGI_COLUMNS = "unit,score,rank,class," + ",".join(PGI_HEADER[1:])


def run(capsys: pytest.CaptureFixture[str], *arguments: str | Path) -> tuple[int, str, str]:
    code = main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score_pgi(
    capsys: pytest.CaptureFixture[str], source: Path, *options: str | Path
) -> tuple[int, str, str]:
    return run(capsys, "score", "--framework", "pgi-vcci", "--input", source, *options)


def write_csv(tmp_path: Path, text: str, name: str = "pgi.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "pgi.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def assert_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, problems: list[str]
) -> None:
    """Exit 2, every problem listed under a one-line summary, and no output file."""
    output = tmp_path / "out" / "scores.csv"

    code, out, err = score_pgi(capsys, source, "--output", output)

    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"{source}: {len(problems)} problem(s); nothing was written.",
        *problems,
    ]
    assert not output.exists()
    assert not output.parent.exists()


# --- the PCI file ----------------------------------------------------------------------------


def test_the_pci_file_scores_with_warnings_for_the_published_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "score", "--framework", "pci-vcci", "--input", PCI_FILE)

    assert code == 0
    assert err.splitlines() == [
        "warning: column L 'pci_published' is not a leaf of pci-vcci: ignored",
        "warning: column M 'rank_published' is not a leaf of pci-vcci: ignored",
    ]
    rows = list(csv.DictReader(io.StringIO(out)))
    # Published 73.40, 72.10, 71.30, 70.79, 70.15, 68.80, 68.73, 66.75; recomputed to 2 decimals.
    assert [(row["unit"], row["score"], row["rank"]) for row in rows] == [
        ("Quảng Ninh", "73.4", "1"),
        ("Đồng Tháp", "72.11", "2"),
        ("Vĩnh Long", "71.31", "3"),
        ("Bắc Ninh", "70.79", "4"),
        ("Đà Nẵng", "70.17", "5"),
        ("Hà Nội", "68.8", "6"),
        ("Hải Phòng", "68.75", "7"),
        ("Vĩnh Phúc", "66.75", "8"),
    ]
    assert rows[0]["entry_costs"] == "7.16"
    assert rows[0]["class"] == ""  # PCI has no fixed classes


def test_the_installed_command_exits_0_and_2(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "govindex"
    bad = write_csv(tmp_path, "unit,climate_risk\nBa Đình,5\n")

    good = subprocess.run(
        [command, "score", "--framework", "pci-vcci", "--input", PCI_FILE, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    refused = subprocess.run(
        [command, "score", "--framework", "pgi-vcci", "--input", bad],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)[0]["unit"] == "Quảng Ninh"
    assert refused.returncode == 2
    assert "row 1: column 'environmental_standards' is missing (a leaf of pgi-vcci)" in (
        refused.stderr
    )


# --- accepted input --------------------------------------------------------------------------


def test_a_small_csv_is_scored_and_ranked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path,
        "unit,climate_risk,environmental_standards,environmental_leadership,environmental_support\n"
        "Ba Đình,5,6,7,8\n"
        "Hoàn Kiếm,10,10,10,10\n"
        "Tây Hồ,6,7,8,5\n"
        "Long Biên,1,2,3,\n",
    )

    code, out, err = score_pgi(capsys, source)

    # 5 + 6 + 7 + 8 = 26 ties with 6 + 7 + 8 + 5 = 26; 40 is first; an empty cell is missing,
    # so Long Biên is N/A: no score, no rank, listed last.
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        PGI_COLUMNS,
        "Hoàn Kiếm,40.0,1,,10.0,10.0,10.0,10.0",
        "Ba Đình,26.0,2,,5.0,6.0,7.0,8.0",
        "Tây Hồ,26.0,2,,6.0,7.0,8.0,5.0",
        "Long Biên,,,,1.0,2.0,3.0,",
    ]


def test_a_decimal_comma_is_accepted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + '\nBa Đình,"7,5",6,7,8\n')

    code, out, _ = score_pgi(capsys, source)

    # 7.5 + 6 + 7 + 8 = 28.5
    assert code == 0
    assert out.splitlines()[1] == "Ba Đình,28.5,1,,7.5,6.0,7.0,8.0"


def test_a_semicolon_delimited_csv_is_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(tmp_path, ";".join(PGI_HEADER) + "\nBa Đình;7,5;6;7;8\nTây Hồ;1;1;1;1\n")

    code, out, _ = score_pgi(capsys, source)

    assert code == 0
    assert out.splitlines()[1:] == [
        "Ba Đình,28.5,1,,7.5,6.0,7.0,8.0",
        "Tây Hồ,4.0,2,,1.0,1.0,1.0,1.0",
    ]


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Excel's "CSV UTF-8" starts the file with a BOM; the header must still read "unit".
    source = tmp_path / "excel.csv"
    source.write_bytes(("\ufeff" + ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\n").encode())

    code, out, err = score_pgi(capsys, source)

    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "Ba Đình,10.0,1,,1.0,2.0,3.0,4.0"


def test_kad_means_not_applicable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(
        tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,5,6,7,KAD\nTây Hồ,5,6,7,không áp dụng\n"
    )

    code, out, _ = score_pgi(capsys, source)

    # environmental_support does not apply: 5 + 6 + 7 = 18 points of an applicable max of 30,
    # not N/A and not counted as 0 of 10; its area column is empty.
    assert code == 0
    assert out.splitlines()[1:] == ["Ba Đình,18.0,1,,5.0,6.0,7.0,", "Tây Hồ,18.0,1,,5.0,6.0,7.0,"]


def test_an_extra_column_is_ignored_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(tmp_path, ",".join([*PGI_HEADER, "comment"]) + "\nBa Đình,1,2,3,4,ok\n")

    code, _, err = score_pgi(capsys, source)

    assert code == 0
    assert err == "warning: column F 'comment' is not a leaf of pgi-vcci: ignored\n"


# --- refused input ---------------------------------------------------------------------------


def test_a_missing_leaf_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER[:4]) + "\nBa Đình,1,2,3\n")

    assert_refused(
        capsys,
        tmp_path,
        source,
        ["row 1: column 'environmental_support' is missing (a leaf of pgi-vcci)"],
    )


def test_text_in_a_number_cell(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\nTây Hồ,1,abc,3,4\n")

    assert_refused(
        capsys,
        tmp_path,
        source,
        [
            "row 3, column C 'environmental_standards': 'abc' is not a number "
            "(expected a number such as 7.5)"
        ],
    )


def test_a_value_out_of_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,11,2,3,-1\n")

    assert_refused(
        capsys,
        tmp_path,
        source,
        [
            "row 2, column B 'climate_risk': 11 is outside 0–10 (expected points between 0 and 10)",
            "row 2, column E 'environmental_support': -1 is outside 0–10 "
            "(expected points between 0 and 10)",
        ],
    )


def test_an_empty_unit_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\n  ,1,2,3,4\n")

    assert_refused(capsys, tmp_path, source, ["row 3, column A 'unit': the unit name is empty"])


def test_a_duplicate_unit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(
        tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\nTây Hồ,1,2,3,4\nBa Đình,4,3,2,1\n"
    )

    assert_refused(
        capsys,
        tmp_path,
        source,
        ["row 4, column A 'unit': unit 'Ba Đình' appears twice (first on row 2)"],
    )


def test_n_a_is_refused_with_advice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,N/A\n")

    assert_refused(
        capsys,
        tmp_path,
        source,
        [
            "row 2, column E 'environmental_support': 'N/A' is ambiguous: leave the cell empty "
            "when the value is missing, or write KAD (không áp dụng) when the criterion does not "
            "apply"
        ],
    )


def test_every_problem_is_listed_in_reading_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path,
        ",".join(PGI_HEADER) + "\nBa Đình,1,2,x,4\n,1,2,3,4\nBa Đình,12,2,3,4\n",
    )

    assert_refused(
        capsys,
        tmp_path,
        source,
        [
            "row 2, column D 'environmental_leadership': 'x' is not a number "
            "(expected a number such as 7.5)",
            "row 3, column A 'unit': the unit name is empty",
            "row 4, column A 'unit': unit 'Ba Đình' appears twice (first on row 2)",
            "row 4, column B 'climate_risk': 12 is outside 0–10 (expected points between 0 and 10)",
        ],
    )


def test_an_xlsx_with_the_same_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path,
        [
            PGI_HEADER,
            ["Ba Đình", 1, 2, "abc", 4],
            [None, 1, 2, 3, 4],
            ["Ba Đình", 11, 2, 3, 4],
            ["Tây Hồ", 1, 2, 3, "N/A"],
        ],
    )

    assert_refused(
        capsys,
        tmp_path,
        source,
        [
            "row 2, column D 'environmental_leadership': 'abc' is not a number "
            "(expected a number such as 7.5)",
            "row 3, column A 'unit': the unit name is empty",
            "row 4, column A 'unit': unit 'Ba Đình' appears twice (first on row 2)",
            "row 4, column B 'climate_risk': 11 is outside 0–10 (expected points between 0 and 10)",
            "row 5, column E 'environmental_support': 'N/A' is ambiguous: leave the cell empty "
            "when the value is missing, or write KAD (không áp dụng) when the criterion does not "
            "apply",
        ],
    )


def test_an_xlsx_missing_a_leaf_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_xlsx(tmp_path, [PGI_HEADER[:-1], ["Ba Đình", 1, 2, 3]])

    assert_refused(
        capsys,
        tmp_path,
        source,
        ["row 1: column 'environmental_support' is missing (a leaf of pgi-vcci)"],
    )


def test_a_good_xlsx_with_numbers_and_text_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_xlsx(tmp_path, [PGI_HEADER, ["Ba Đình", 7.5, "6,5", 7, "KAD"], [], []])

    code, out, _ = score_pgi(capsys, source)

    # 7.5 + 6.5 + 7 = 21 (environmental_support does not apply); trailing empty rows are skipped.
    assert code == 0
    assert out.splitlines() == [PGI_COLUMNS, "Ba Đình,21.0,1,,7.5,6.5,7.0,"]


def test_a_csv_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    header = ",".join(PGI_HEADER) + "\n"
    source = tmp_path / "legacy.csv"
    # Saved as Windows-1258 (Vietnamese ANSI): 'ê' is the single byte 0xEA.
    source.write_bytes((header + "Mê Linh,1,2,3,4\n").encode("cp1258"))
    output = tmp_path / "scores.csv"

    code, out, err = score_pgi(capsys, source, "--output", output)

    # The first byte that is not UTF-8 is 'ê', 1 byte into row 2.
    assert (code, out) == (2, "")
    assert err == (
        f"legacy.csv: not UTF-8 text (byte {len(header) + 1}); save the file as CSV UTF-8\n"
    )
    assert not output.exists()


def test_an_unsupported_extension(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\n", name="pgi.ods")
    output = tmp_path / "scores.csv"

    code, out, err = score_pgi(capsys, source, "--output", output)

    assert (code, out) == (2, "")
    assert err == "pgi.ods: unsupported file type '.ods' (expected .csv or .xlsx)\n"
    assert not output.exists()


def test_a_header_only_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\n\n")

    assert_refused(capsys, tmp_path, source, ["the file has a header but no data rows"])


def test_an_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, "")
    output = tmp_path / "scores.csv"

    code, _, err = score_pgi(capsys, source, "--output", output)

    assert code == 2
    assert err == "pgi.csv: the first row must be a header row; the file has none\n"
    assert not output.exists()


def test_a_missing_input_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = score_pgi(capsys, tmp_path / "nowhere.csv")

    assert code == 2
    assert err == f"{tmp_path / 'nowhere.csv'}: no such file\n"


def test_an_unknown_framework(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1,2,3,4\n")

    code, _, err = run(capsys, "score", "--framework", "pgi-1999", "--input", source)

    assert code == 2
    assert err.startswith("framework pgi-1999 is invalid:\n  - no framework file pgi-1999.yaml")


# --- output formats --------------------------------------------------------------------------


def small_pgi(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path,
        ",".join(PGI_HEADER) + "\nBa Đình,5,6,7,8\nHoàn Kiếm,10,10,10,10\nTây Hồ,1,2,3,\n",
    )


EXPECTED_ROWS = [
    {
        "unit": "Hoàn Kiếm",
        "score": 40.0,
        "rank": 1,
        "class": None,
        "climate_risk": 10.0,
        "environmental_standards": 10.0,
        "environmental_leadership": 10.0,
        "environmental_support": 10.0,
    },
    {
        "unit": "Ba Đình",
        "score": 26.0,
        "rank": 2,
        "class": None,
        "climate_risk": 5.0,
        "environmental_standards": 6.0,
        "environmental_leadership": 7.0,
        "environmental_support": 8.0,
    },
    {
        "unit": "Tây Hồ",
        "score": None,
        "rank": None,
        "class": None,
        "climate_risk": 1.0,
        "environmental_standards": 2.0,
        "environmental_leadership": 3.0,
        "environmental_support": None,
    },
]


def test_json_output_round_trips(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "scores.json"

    code, out, err = score_pgi(capsys, small_pgi(tmp_path), "--format", "json", "--output", output)

    assert (code, out) == (0, "")
    assert err == f"wrote 3 unit(s) to {output}\n"
    assert json.loads(output.read_text(encoding="utf-8")) == EXPECTED_ROWS
    assert "Hoàn Kiếm" in output.read_text(encoding="utf-8")  # not \u-escaped


def test_json_to_standard_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = score_pgi(capsys, small_pgi(tmp_path), "--format", "json")

    assert code == 0
    assert json.loads(out) == EXPECTED_ROWS


def test_xlsx_output_round_trips(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "scores.xlsx"

    code, _, _ = score_pgi(capsys, small_pgi(tmp_path), "--format", "xlsx", "--output", output)

    assert code == 0
    workbook = load_workbook(output, read_only=True)
    columns = list(EXPECTED_ROWS[0])
    # Read-only openpyxl leaves out trailing empty cells: pad each row to the header's width.
    rows = [
        [*row, *[None] * (len(columns) - len(row))]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    workbook.close()
    assert rows == [columns, *([row[column] for column in columns] for row in EXPECTED_ROWS)]


def test_xlsx_output_can_be_scored_again_as_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The written workbook's area columns are the PGI leaves, so it is valid input itself
    # (score, rank and class are ignored with warnings) and scores the same.
    first = tmp_path / "first.xlsx"
    score_pgi(capsys, small_pgi(tmp_path), "--format", "xlsx", "--output", first)

    code, out, err = score_pgi(capsys, first, "--format", "json")

    assert code == 0
    assert err.splitlines() == [
        "warning: column B 'score' is not a leaf of pgi-vcci: ignored",
        "warning: column C 'rank' is not a leaf of pgi-vcci: ignored",
        "warning: column D 'class' is not a leaf of pgi-vcci: ignored",
    ]
    assert json.loads(out) == EXPECTED_ROWS


def test_xlsx_without_an_output_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = score_pgi(capsys, small_pgi(tmp_path), "--format", "xlsx")

    assert (code, out) == (2, "")
    assert err == "XLSX output needs --output FILE\n"


def test_decimals_round_the_printed_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_csv(tmp_path, ",".join(PGI_HEADER) + "\nBa Đình,1.234,2,3,4\n")

    code, out, _ = score_pgi(capsys, source, "--decimals", "1")

    # 1.234 + 2 + 3 + 4 = 10.234 → 10.2; 1.234 → 1.2.
    assert code == 0
    assert out.splitlines()[1] == "Ba Đình,10.2,1,,1.2,2.0,3.0,4.0"
