"""A unit's conference pack: headline, scorecard by area with changes across a merger, the
weakest criteria, root causes, the "5 rõ" plan; its workbook cell by cell and its PDF (text
extracted page by page). Values by hand in ``report_fixtures``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from govindex.errors import ApplicationError
from govindex.improvement.diagnosis import STATUS_LABELS
from govindex.improvement.five_clear import five_clear_labels
from govindex.improvement.models import TaskStatus
from govindex.improvement.reports import (
    UnitReport,
    report_file_name,
    report_pdf,
    report_xlsx,
    unit_report,
)
from tests.improvement.report_fixtures import (
    CAUSE_TEXT,
    OVERDUE_STATEMENT,
    RESPONSIBLE_PERSON,
    SUBTASK_STATEMENT,
    TASK_STATEMENT,
    kept_report_round,
)

pytestmark = pytest.mark.django_db


def label(element: str) -> str:
    """A "5 rõ" element as the plan names it in Vietnamese."""
    with translation.override("vi"):
        return five_clear_labels([element])[0]


def status(key: str) -> str:
    with translation.override("vi"):
        return str(STATUS_LABELS[key])


def task_status(key: str) -> str:
    with translation.override("vi"):
        return str(TaskStatus(key).label)


@pytest.fixture(scope="module")
def pack(django_db_setup: None, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """Ward 00001's pack built once in Vietnamese (with its PDF and workbook) and in English;
    rolled back afterwards."""
    with kept_report_round(django_db_blocker) as data:
        ward = data.dashboards.units["00001"]
        report = unit_report(data.dashboards.provisional, ward)
        yield {
            "data": data,
            "report": report,
            "english": unit_report(data.dashboards.provisional, ward, language="en"),
            "department": unit_report(
                data.dashboards.provisional, data.dashboards.units["SXD"], language="en"
            ),
            "own people": unit_report(data.dashboards.provisional, ward, comparisons=False),
            "pdf": report_pdf(report),
            "xlsx": report_xlsx(report),
        }


def _report(pack: dict[str, object], key: str = "report") -> UnitReport:
    report = pack[key]
    assert isinstance(report, UnitReport)
    return report


def test_the_headline_compares_with_the_units_it_was_formed_from(pack: dict[str, object]) -> None:
    report = _report(pack)
    assert report.unit_name == "Phường An Khánh"
    assert report.score == pytest.approx(20.5 / 24 * 100)
    assert (report.points, report.max_points) == (pytest.approx(20.5), 24)
    assert (report.rank, report.ranked_count, report.band_name, report.band_level) == (
        2,
        3,
        "Tốt",
        2,
    )
    assert report.previous is not None and report.previous.period == "2024"
    assert report.comparison_basis == "predecessors"
    assert report.change == pytest.approx(20.5 / 24 * 100 - (22 / 24 + 16 / 24) / 2 * 100)
    assert not report.published


def test_the_scorecard_has_each_area_with_its_change_and_the_city_median(
    pack: dict[str, object],
) -> None:
    rows = [
        (area.number, area.name, area.points, area.max_points, area.share, area.city_median)
        for area in _report(pack).areas
    ]
    assert rows == [
        (1, "Chỉ đạo điều hành", 9, 10, pytest.approx(90), pytest.approx(90)),
        (2, "Kết quả", 7.5, 10, pytest.approx(75), pytest.approx(75)),
        (3, "Cơ sở", 4, 4, pytest.approx(100), pytest.approx(100)),
    ]
    changes = [area.change for area in _report(pack).areas]
    assert changes == [pytest.approx(15), pytest.approx(-10), pytest.approx(25)]


def test_a_department_has_no_area_that_is_not_meant_for_it(pack: dict[str, object]) -> None:
    report = _report(pack, "department")
    assert [area.name for area in report.areas] == ["Direction", "Results"]
    assert (report.comparison_basis, report.change) == ("own", pytest.approx(-20))


def test_the_weakest_criteria_come_by_points_at_stake(pack: dict[str, object]) -> None:
    weakest = _report(pack).weakest
    assert [row.leaf_id for row in weakest[:1]] == ["a2.satisfaction"]
    assert {row.leaf_id for row in weakest} == {"a2.satisfaction", "a2.online", "a1.report"}
    first = weakest[0]
    assert (first.name, first.status, first.points, first.max_points) == (
        "Sự hài lòng",
        "partly",
        pytest.approx(4.5),
        6,
    )
    # At 80 % the criterion earns its 6 points: the score would be 22/24 instead of 20.5/24.
    assert first.points_at_stake == pytest.approx(1.5 / 24 * 100)
    assert (first.best_peer_name, first.best_peer_points) == ("Xã Bình Minh", pytest.approx(6))
    others = {row.leaf_id: row.points_at_stake for row in weakest[1:]}
    assert others == {"a2.online": pytest.approx(100 / 24), "a1.report": pytest.approx(100 / 24)}


def test_the_root_causes_and_the_plan(pack: dict[str, object]) -> None:
    report = _report(pack)
    assert [
        (row.leaf_id, row.criterion, row.cause, row.detail, row.responsible_unit)
        for row in report.causes
    ] == [
        (
            "a2.satisfaction",
            "Sự hài lòng",
            "Phối hợp giữa các cơ quan chưa chặt chẽ",
            CAUSE_TEXT,
            "Phường An Khánh",
        )
    ]
    assert report.causes[0].responsible_person == RESPONSIBLE_PERSON
    assert [
        (task.ref, task.depth, task.statement, task.progress, task.overdue, task.missing)
        for task in report.tasks
    ] == [
        ("T001", 0, TASK_STATEMENT, 50.0, False, []),
        ("T002", 1, SUBTASK_STATEMENT, 50.0, False, []),
        ("T003", 0, OVERDUE_STATEMENT, 0.0, True, [label("measure")]),
    ]
    first = report.tasks[0]
    assert (first.person, first.deadline, first.accountable_unit, first.status) == (
        "Trần Thị Hoa",
        dt.date(2099, 3, 31),
        "Phường An Khánh",
        "approved",
    )
    assert first.criteria == ["Sự hài lòng"]
    plan = report.plan
    assert (plan.tasks, plan.approved, plan.overdue, plan.non_compliant) == (3, 1, 1, 1)
    assert plan.progress == pytest.approx(25.0)


def test_the_pack_is_in_the_language_asked_for(pack: dict[str, object]) -> None:
    english = _report(pack, "english")
    assert (english.unit_name, english.band_name, english.kind_label) == (
        "An Khanh Ward",
        "Good",
        "Ward",
    )
    assert english.weakest[0].name == "Satisfaction"
    assert english.weakest[0].status_label == "Partly achieved"
    assert english.causes[0].cause == "Weak coordination between agencies"
    assert english.tasks[2].missing == ["measure"]


def test_before_publication_the_units_own_people_get_no_comparison(
    pack: dict[str, object],
) -> None:
    report = _report(pack, "own people")
    assert (report.comparisons, report.rank, str(report.ranking_chart)) == (False, None, "")
    assert [area.city_median for area in report.areas] == [None, None, None]
    assert [(row.rank, row.best_peer_name, row.best_peer_points) for row in report.weakest] == [
        (None, "", None)
    ] * 3
    # What is the unit's own stays: its score, class, change, criteria and points at stake.
    assert (report.band_name, report.weakest[0].leaf_id) == ("Tốt", "a2.satisfaction")
    assert report.change == pytest.approx(_report(pack).change)
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    assert [cell.value for cell in workbook["Bảng điểm"][1]][-1] == "Thay đổi (điểm phần trăm)"
    weakest_header = [cell.value for cell in workbook["Tiêu chí yếu nhất"][1]]
    assert (
        weakest_header[-1] == "Thay đổi so với kỳ trước" and "Đơn vị tốt nhất" not in weakest_header
    )
    summary = [row[0].value for row in workbook["Tóm tắt"].iter_rows(min_row=2)]
    assert "Thứ hạng" not in summary


def test_a_unit_without_a_result_has_no_pack(pack: dict[str, object]) -> None:
    data = pack["data"]
    with pytest.raises(ApplicationError) as refused:
        unit_report(data.dashboards.published, data.dashboards.units["00001"])  # type: ignore[attr-defined]
    assert refused.value.status == 404


def test_the_file_names_are_ascii(pack: dict[str, object]) -> None:
    assert report_file_name(_report(pack), "pdf") == "govindex-2025-00001-vi.pdf"
    assert report_file_name(_report(pack, "english"), "xlsx") == "govindex-2025-00001-en.xlsx"


def test_the_charts_are_inline_svg(pack: dict[str, object]) -> None:
    report = _report(pack)
    areas = str(report.area_chart)
    assert areas.startswith("<svg") and "1. Chỉ đạo điều hành" in areas
    assert "90,0 %" in areas and "75,0 %" in areas and "100,0 %" in areas
    weakest = str(report.weakest_chart)
    assert "Sự hài lòng" in weakest and "+6,25" in weakest and "+4,17" in weakest
    ranking = str(report.ranking_chart)
    # The unit's own column is marked and named.
    assert ranking.count("<path") == 1 and "Phường An Khánh" in ranking


def test_the_workbook_has_a_sheet_per_section(pack: dict[str, object]) -> None:
    workbook = load_workbook(io.BytesIO(pack["xlsx"]))  # type: ignore[arg-type]
    assert workbook.sheetnames == [
        "Tóm tắt",
        "Bảng điểm",
        "Tiêu chí yếu nhất",
        "Nguyên nhân gốc rễ",
        "Kế hoạch",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
    summary = {row[0].value: row[1] for row in workbook["Tóm tắt"].iter_rows(min_row=2)}
    assert summary["Đơn vị"].value == "Phường An Khánh"
    assert summary["Điểm (%)"].value == pytest.approx(85.416667)
    assert summary["Điểm (%)"].number_format == "0.00"
    assert summary["Thứ hạng"].value == 2
    assert summary["Xếp loại"].value == "Tốt"
    scorecard = workbook["Bảng điểm"]
    assert [cell.value for cell in scorecard[1]] == [
        "STT",
        "Lĩnh vực",
        "Điểm",
        "Tối đa",
        "Tỷ lệ đạt (%)",
        "Thay đổi (điểm phần trăm)",
        "Trung vị thành phố (%)",
    ]
    assert [cell.value for cell in scorecard[2]] == [
        1,
        "Chỉ đạo điều hành",
        9,
        10,
        pytest.approx(90),
        pytest.approx(15),
        pytest.approx(90),
    ]
    assert scorecard["E2"].number_format == "0.0"
    assert scorecard["F3"].number_format == "+0.00;-0.00;0.00"
    assert scorecard.column_dimensions["B"].width == 48
    weakest = workbook["Tiêu chí yếu nhất"]
    first = [cell.value for cell in weakest[2]]
    assert first[:7] == [
        "a2.satisfaction",
        "Sự hài lòng",
        "Kết quả",
        status("partly"),
        pytest.approx(4.5),
        6,
        pytest.approx(6.25),
    ]
    assert first[9:] == ["Xã Bình Minh", pytest.approx(6)]
    causes = workbook["Nguyên nhân gốc rễ"]
    assert [cell.value for cell in causes[2]] == [
        "a2.satisfaction",
        "Sự hài lòng",
        "Phối hợp giữa các cơ quan chưa chặt chẽ",
        CAUSE_TEXT,
        "Phường An Khánh",
        RESPONSIBLE_PERSON,
    ]
    plan = workbook["Kế hoạch"]
    rows = [[cell.value for cell in row] for row in plan.iter_rows(min_row=2)]
    assert [row[:3] for row in rows] == [
        ["T001", 1, TASK_STATEMENT],
        ["T002", 2, SUBTASK_STATEMENT],
        ["T003", 1, OVERDUE_STATEMENT],
    ]
    assert rows[0][4].date() == dt.date(2099, 3, 31)  # openpyxl reads a date cell as a datetime
    assert plan["E2"].number_format == "dd/mm/yyyy"
    assert rows[2][9:] == [0.0, task_status("draft"), "có", label("measure")]
    assert rows[0][10:] == [task_status("approved"), "không", None]


def test_the_pdf_has_its_sections_in_order(pack: dict[str, object]) -> None:
    reader = PdfReader(io.BytesIO(pack["pdf"]))  # type: ignore[arg-type]
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 5
    cover, scorecard, weakest, causes, plan = pages
    # The heading's first line is printed in capitals (CSS text-transform).
    assert "BÁO CÁO CỦA ĐƠN VỊ TẠI HỘI NGHỊ TỔNG KẾT NĂM" in cover
    assert "Phường An Khánh" in cover and "Chỉ số CCHC 2025" in cover
    assert "85,42" in cover and "Tốt" in cover and "+6,25" in cover
    assert "Kết quả tạm tính" in cover
    assert "Bảng điểm theo lĩnh vực" in scorecard and "Chỉ đạo điều hành" in scorecard
    assert "+15,0" in scorecard and "−10,0" in scorecard
    assert "Các tiêu chí yếu nhất" in weakest and "Sự hài lòng" in weakest
    assert "6,25" in weakest and "Xã Bình Minh" in weakest
    assert "Nguyên nhân gốc rễ" in causes and CAUSE_TEXT in causes
    assert "Phối hợp giữa các cơ quan chưa chặt chẽ" in causes
    assert RESPONSIBLE_PERSON in causes
    assert "Kế hoạch khắc phục" in plan and TASK_STATEMENT in plan and "Quá hạn" in plan
    assert "3 nhiệm vụ · 1 đã phê duyệt · 1 quá hạn" in plan
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number} / 5" in text
    # The running header names the unit and the round from the second page on.
    assert "Phường An Khánh · Chỉ số CCHC 2025" not in cover
    assert all("Phường An Khánh · Chỉ số CCHC 2025" in text for text in pages[1:])
    # The weakest criteria and the plan are printed on landscape pages.
    widths = [round(float(page.mediabox.width)) for page in reader.pages]
    assert widths == [595, 595, 842, 595, 842]
