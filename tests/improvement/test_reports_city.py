"""The city's report: ranking with classes and changes across a merger, class distribution,
largest changes, the city-wide plan per lead department; its workbook cell by cell and its PDF
(text extracted page by page)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from govindex.improvement.reports import city_report, report_pdf, report_xlsx
from govindex.improvement.reports.city import CityReport
from tests.improvement.report_fixtures import kept_report_round

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup: None, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """The report built once, in Vietnamese and in English, with its PDF and workbook (a
    WeasyPrint render costs hundreds of milliseconds); the rows are rolled back afterwards."""
    with kept_report_round(django_db_blocker) as data:
        report = city_report(data.dashboards.provisional)
        english = city_report(data.dashboards.provisional, language="en")
        pdf = report_pdf(report)
        xlsx = report_xlsx(report)
        yield {"data": data, "report": report, "english": english, "pdf": pdf, "xlsx": xlsx}


def test_the_ranking_has_classes_and_changes_across_the_merger(city: dict[str, object]) -> None:
    report = city["report"]
    assert isinstance(report, CityReport)
    assert [
        (row.rank, row.unit_code, row.score and round(row.score, 2), row.band_name, row.basis)
        for row in report.rows
    ] == [
        (1, "00002", 100.0, "Xuất sắc", ""),
        (2, "00001", 85.42, "Tốt", "predecessors"),
        (3, "SXD", 70.0, "Khá", "own"),
        (None, "00004", None, "", ""),
    ]
    changes = {row.unit_code: row.change for row in report.rows}
    assert changes["00001"] == pytest.approx(85.4166667 - (91.6666667 + 66.6666667) / 2)
    assert changes["SXD"] == pytest.approx(-20.0)
    assert changes["00002"] is None and changes["00004"] is None
    assert report.previous is not None and report.previous.period == "2024"
    assert (report.scored, report.compared, report.improved, report.declined) == (3, 2, 1, 1)
    assert report.mean == pytest.approx((100 + 85.4166667 + 70) / 3)
    assert report.median == pytest.approx(85.4166667)
    assert [row.unit_code for row in report.risers] == ["00001"]
    assert [row.unit_code for row in report.fallers] == ["SXD"]
    assert not report.published


def test_the_classes_count_the_scored_units(city: dict[str, object]) -> None:
    report = city["report"]
    assert isinstance(report, CityReport)
    assert [
        (item.name, item.minimum, item.count, item.share and round(item.share, 2))
        for item in report.classes
    ] == [
        ("Xuất sắc", 90, 1, 33.33),
        ("Tốt", 80, 1, 33.33),
        ("Khá", 70, 1, 33.33),
        ("Trung bình", 0, 0, 0.0),
    ]


def test_the_city_plan_lists_each_lead_department(city: dict[str, object]) -> None:
    report = city["report"]
    assert isinstance(report, CityReport)
    (department,) = report.departments
    assert (department.code, department.name) == ("SNV", "Sở Nội vụ")
    # T1 and its sub-task T2 serve a2.satisfaction: T2 at 50 %, T1 rolled up from T2 (50 %).
    assert (department.tasks, department.overdue, department.non_compliant) == (2, 0, 0)
    assert department.progress == pytest.approx(50.0)
    (criterion,) = department.criteria
    assert (criterion.leaf_id, criterion.name, criterion.units, criterion.tasks) == (
        "a2.satisfaction",
        "Sự hài lòng",
        1,
        2,
    )


def test_the_official_indices_face_the_best_province(city: dict[str, object]) -> None:
    report = city["report"]
    assert isinstance(report, CityReport)
    (pci,) = report.indices
    assert (pci.framework_id, pci.year, pci.score, pci.rank, pci.rank_of) == (
        "pci-vcci",
        2023,
        67.15,
        28,
        63,
    )
    assert pci.change == pytest.approx(67.15 - 66.42)
    assert (pci.best_territory, pci.best_score, pci.territories) == ("Quảng Ninh", 72.95, 2)


def test_the_report_is_in_the_language_asked_for(city: dict[str, object]) -> None:
    english = city["english"]
    assert isinstance(english, CityReport)
    assert [row.band_name for row in english.rows[:3]] == ["Excellent", "Good", "Fair"]
    assert english.rows[1].unit_name == "An Khanh Ward"
    assert english.rows[1].kind_label == "Ward"
    assert english.departments[0].name == "Department of Home Affairs"


def test_the_charts_are_inline_svg_coloured_by_class(city: dict[str, object]) -> None:
    report = city["report"]
    assert isinstance(report, CityReport)
    chart = str(report.ranking_chart)
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    # One column per scored unit, best first, in the colours of classes 1, 2 and 3.
    columns = [part.split('"')[0] for part in chart.split('fill="')[1:] if "<title>" in part]
    assert columns == ["#1e6b3a", "#1f4f8a", "#8a5a00"]
    assert "<title>Phường An Khánh: 85,42</title>" in chart
    assert "Xuất sắc ≥ 90" in chart
    classes = str(report.classes_chart)
    assert "1 (33,3 %)" in classes and "0 (0,0 %)" in classes


def test_the_workbook_has_a_sheet_per_section(city: dict[str, object]) -> None:
    workbook = load_workbook(io.BytesIO(city["xlsx"]))  # type: ignore[arg-type]
    assert workbook.sheetnames == [
        "Tóm tắt",
        "Xếp hạng",
        "Xếp loại",
        "Thay đổi",
        "Kế hoạch thành phố",
        "Chỉ số chính thức",
    ]
    ranking = workbook["Xếp hạng"]
    assert ranking.freeze_panes == "A2"
    assert [cell.value for cell in ranking[1]] == [
        "Thứ hạng",
        "Mã đơn vị",
        "Đơn vị",
        "Loại đơn vị",
        "Điểm (%)",
        "Xếp loại",
        "Thay đổi so với kỳ trước",
    ]
    rows = [[cell.value for cell in row] for row in ranking.iter_rows(min_row=2)]
    assert rows[0] == [1, "00002", "Xã Bình Minh", "Xã", 100.0, "Xuất sắc", None]
    assert rows[1][:6] == [
        2,
        "00001",
        "Phường An Khánh",
        "Phường",
        pytest.approx(85.4166667),
        "Tốt",
    ]
    assert rows[1][6] == pytest.approx(6.25)
    assert rows[2][6] == pytest.approx(-20.0)
    assert rows[3] == [None, "00004", "Phường Chưa Nhập", "Phường", None, None, None]
    assert ranking["E2"].number_format == "0.00"
    assert ranking["G3"].number_format == "+0.00;-0.00;0.00"
    assert ranking.column_dimensions["C"].width == 40
    classes = workbook["Xếp loại"]
    assert [[cell.value for cell in row] for row in classes.iter_rows(min_row=2)] == [
        ["Xuất sắc", 90, 1, pytest.approx(33.333333)],
        ["Tốt", 80, 1, pytest.approx(33.333333)],
        ["Khá", 70, 1, pytest.approx(33.333333)],
        ["Trung bình", 0, 0, 0.0],
    ]
    plan = workbook["Kế hoạch thành phố"]
    assert [cell.value for cell in plan[2]] == [
        "Sở Nội vụ",
        "a2.satisfaction",
        "Sự hài lòng",
        1,
        2,
        0,
        50.0,
    ]
    indices = workbook["Chỉ số chính thức"]
    assert [cell.value for cell in indices[2]] == [
        "pci-vcci",
        None,
        2023,
        67.15,
        28,
        63,
        pytest.approx(0.73),
        "Quảng Ninh",
        72.95,
        pytest.approx(5.8),
        None,
    ]


def test_the_pdf_has_its_sections_in_order(city: dict[str, object]) -> None:
    reader = PdfReader(io.BytesIO(city["pdf"]))  # type: ignore[arg-type]
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 5
    # The heading's first line is printed in capitals (CSS text-transform).
    assert "BÁO CÁO CỦA THÀNH PHỐ TẠI HỘI NGHỊ TỔNG KẾT NĂM" in pages[0]
    assert "Chỉ số CCHC 2025" in pages[0]
    assert "Kết quả tạm tính" in pages[0]
    assert "Xếp hạng" in pages[1] and "Phường An Khánh" in pages[1] and "85,42" in pages[1]
    assert "+6,25" in pages[1] and "−20,00" in pages[1]
    assert "Xếp loại" in pages[2] and "Thay đổi so với kỳ trước" in pages[2]
    assert "Kế hoạch toàn thành phố theo sở chủ trì" in pages[3] and "Sở Nội vụ" in pages[3]
    assert "Các chỉ số chính thức so với tỉnh, thành phố dẫn đầu" in pages[4]
    assert "67,15" in pages[4] and "28/63" in pages[4] and "Quảng Ninh" in pages[4]
    assert "72,95" in pages[4] and "+0,73" in pages[4]
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number} / 5" in text
    # The running header names the round from the second page on.
    assert "Tất cả đơn vị · Chỉ số CCHC 2025" not in pages[0]
    assert all("Tất cả đơn vị · Chỉ số CCHC 2025" in text for text in pages[1:])
