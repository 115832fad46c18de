"""``govindex report``: writes a unit's pack or the city's report, named by default after the
round, the unit and the language; refuses bad arguments with exit status 2, writing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govindex.cli import main
from govindex.improvement.report_commands import atomic_write
from tests.improvement.report_fixtures import ReportRound, kept_report_round

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: object) -> Iterator[ReportRound]:
    with kept_report_round(django_db_blocker) as data:
        yield data


def test_a_unit_pack_as_pdf_is_named_after_round_unit_and_language(
    world: ReportRound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    round_id = str(world.dashboards.provisional.pk)
    assert main(["report", "--round", round_id, "--unit", "00001", "--format", "pdf"]) == 0
    assert [path.name for path in tmp_path.iterdir()] == ["govindex-2025-00001-vi.pdf"]
    assert (tmp_path / "govindex-2025-00001-vi.pdf").read_bytes().startswith(b"%PDF-")


def test_the_city_report_as_xlsx_in_english_with_progress(
    world: ReportRound, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "reports" / "city.xlsx"
    round_id = str(world.dashboards.provisional.pk)
    arguments = ["report", "--round", round_id, "--format", "xlsx", "--language", "en"]
    assert main([*arguments, "--output", str(output)]) == 0
    workbook = load_workbook(output)
    assert workbook.sheetnames[1] == "Ranking"
    assert workbook["Ranking"]["C2"].value == "Binh Minh Commune"
    progress = capsys.readouterr().err
    assert "gathering the city report of Chỉ số CCHC 2025" in progress
    assert "rendering 4 unit(s) as XLSX" in progress
    assert f"wrote {output}" in progress
    assert [path.name for path in output.parent.iterdir()] == ["city.xlsx"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--round", "999999", "--format", "pdf"], "there is no round with id 999999"),
        (["--round", "{draft}", "--format", "pdf"], "has no results yet"),
        (["--round", "{round}", "--unit", "NO-SUCH", "--format", "xlsx"], "no unit with code"),
        (
            ["--round", "{round}", "--unit", "00091", "--format", "xlsx", "--language", "en"],
            "Cu Mot Ward has no result in Chỉ số CCHC 2025.",
        ),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    world: ReportRound,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    ids = {"round": world.dashboards.provisional.pk, "draft": world.dashboards.draft.pk}
    filled = [argument.format(**ids) for argument in arguments]
    assert main(["report", *filled]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_or_language_is_a_usage_error(
    world: ReportRound, capsys: pytest.CaptureFixture[str]
) -> None:
    round_id = str(world.dashboards.provisional.pk)
    for arguments in (["--format", "docx"], ["--format", "pdf", "--language", "fr"]):
        with pytest.raises(SystemExit) as stopped:
            main(["report", "--round", round_id, *arguments])
        assert stopped.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("govindex.improvement.report_commands.os.replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(tmp_path / "report.pdf", b"%PDF-")
    assert list(tmp_path.iterdir()) == []
