"""Every dashboard table as CSV and XLSX (``?format=csv|xlsx``): exact rows, file names, and the
same visibility as the pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.portal.dashboard_fixtures import APPRAISAL_REASON, Dashboards

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the names as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_ranking_as_csv(dashboards: Dashboards, client_for: Callable[..., Client]) -> None:
    response = client_for(None).get("/?format=csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ranking_test-mini_2024.csv"'
    assert csv_rows(response) == [
        ["rank", "unit_code", "unit_name", "kind", "score", "band", "a1", "a2", "a3"],
        ["1", "00091", "Cu Mot Ward", "ward", "91.67", "A", "8.0", "10.0", "4.0"],
        ["2", "SXD", "Department of Construction", "department", "90.0", "A", "10.0", "8.0", ""],
        ["3", "00092", "Cu Hai Ward", "ward", "66.67", "D", "7.0", "7.0", "2.0"],
    ]


def test_ranking_as_xlsx_in_vietnamese(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    response = client_for(dashboards.appraiser, language="vi").get(
        f"/?round={dashboards.provisional.pk}&format=xlsx"
    )

    assert response["Content-Disposition"] == 'attachment; filename="ranking_test-mini_2025.xlsx"'
    assert xlsx_rows(response) == [
        ["rank", "unit_code", "unit_name", "kind", "score", "band", "a1", "a2", "a3"],
        [1, "00002", "Xã Bình Minh", "commune", 100, "A", 10, 10, 4],
        [2, "00001", "Phường An Khánh", "ward", 85.42, "B", 9, 7.5, 4],
        [3, "SXD", "Sở Xây dựng", "department", 70, "C", 9, 5, None],
        [None, "00004", "Phường Chưa Nhập", "ward", None, None, None, None, None],
    ]


def test_heat_map_as_csv_and_xlsx(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    client = client_for(None)
    expected = [
        ["rank", "unit_code", "unit_name", "score", "a1_percent", "a2_percent", "a3_percent"],
        ["1", "00091", "Cu Mot Ward", "91.67", "80.0", "100.0", "100.0"],
        ["2", "SXD", "Department of Construction", "90.0", "100.0", "80.0", ""],
        ["3", "00092", "Cu Hai Ward", "66.67", "70.0", "70.0", "50.0"],
    ]

    response = client.get("/heatmap/?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="heatmap_test-mini_2024.csv"'
    assert csv_rows(response) == expected
    workbook_rows = xlsx_rows(client.get("/heatmap/?format=xlsx"))
    assert workbook_rows[0] == expected[0]
    assert workbook_rows[3] == [3, "00092", "Cu Hai Ward", 66.67, 70, 70, 50]


def test_scorecard_with_the_entries_for_an_appraiser(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    response = client_for(dashboards.appraiser).get(
        f"/rounds/{dashboards.provisional.pk}/units/00001/?format=csv"
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="scorecard_00001_test-mini_2025.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "area", "node_id", "name", "level", "points", "max_points", "points_lost", "share_percent",
        "rank", "value", "self_value", "appraised_value", "appraisal_reason", "comment", "evidence",
    ]  # fmt: skip
    assert rows[1:4] == [
        ["1", "a1", "Direction", "area", "9.0", "10.0", "1.0", "90.0", "2", "", "", "", "", "", ""],
        ["1", "a1.plan", "Plan", "criterion", "4.0", "4.0", "0.0", "100.0", "1", "4.0", "4.0", "",
         "", "Kế hoạch số 5/KH-UBND ban hành đúng hạn", ""],
        ["1", "a1.report", "Reports", "criterion", "5.0", "6.0", "1.0", "83.33", "3", "5.0", "6.0",
         "5.0", APPRAISAL_REASON, "Đủ 4 báo cáo quý", "Báo cáo 12/BC-UBND; bao-cao-quy-3.pdf"],
    ]  # fmt: skip
    assert [row[1] for row in rows[4:]] == ["a2", "a2.satisfaction", "a2.online", "a3", "a3.local"]


def test_public_scorecard_download_has_no_entries(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    rows = xlsx_rows(
        client_for(None).get(f"/rounds/{dashboards.published.pk}/units/00091/?format=xlsx")
    )

    assert rows[0] == [
        "area", "node_id", "name", "level", "points", "max_points", "points_lost",
        "share_percent", "rank", "value",
    ]  # fmt: skip
    assert rows[1] == [1, "a1", "Direction", "area", 8, 10, 2, 80, 2, None]


def test_trends_as_csv(dashboards: Dashboards, client_for: Callable[..., Client]) -> None:
    client = client_for(dashboards.city_leader)

    unit = client.get("/units/00001/trend/?format=csv")
    city = client.get("/trends/?format=csv")

    assert unit["Content-Disposition"] == 'attachment; filename="trend_00001_test-mini.csv"'
    assert csv_rows(unit) == [
        ["period", "round", "unit_code", "unit_name", "predecessor", "score", "rank", "ranked",
         "band", "city_mean", "city_median"],
        ["2024", "Chỉ số CCHC 2024", "00091", "Cu Mot Ward", "yes", "91.67", "1", "3", "A",
         "82.78", "90.0"],
        ["2024", "Chỉ số CCHC 2024", "00092", "Cu Hai Ward", "yes", "66.67", "3", "3", "D",
         "82.78", "90.0"],
        ["2025", "Chỉ số CCHC 2025", "00001", "An Khanh Ward", "no", "85.42", "2", "3", "B",
         "85.14", "85.42"],
    ]  # fmt: skip
    assert city["Content-Disposition"] == 'attachment; filename="city-trend_test-mini.csv"'
    assert csv_rows(city) == [
        ["period", "round", "state", "units", "scored", "mean", "median", "lowest", "highest",
         "class_A", "class_B", "class_C", "class_D"],
        ["2024", "Chỉ số CCHC 2024", "published", "3", "3", "82.78", "90.0", "66.67", "91.67",
         "2", "0", "0", "1"],
        ["2025", "Chỉ số CCHC 2025", "under_appraisal", "4", "3", "85.14", "85.42", "70.0",
         "100.0", "1", "1", "1", "0"],
    ]  # fmt: skip


def test_downloads_follow_the_pages_visibility(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    round_id = dashboards.provisional.pk

    assert client_for(None).get(f"/?round={round_id}&format=csv").status_code == 302
    assert (
        client_for(dashboards.ward_staff).get(f"/heatmap/?round={round_id}&format=xlsx").status_code
        == 403
    )
    public = csv_rows(client_for(None).get("/trends/?format=csv"))
    assert [row[1] for row in public[1:]] == ["Chỉ số CCHC 2024"]


def test_an_unknown_format_is_a_bad_request(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    response = client_for(None).get("/?format=pdf")

    assert response.status_code == 400
    assert response.content.decode() == "Unknown download format pdf: use csv or xlsx."


def test_pages_link_their_downloads(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(f"/heatmap/?round={dashboards.published.pk}")
        .content.decode()
    )

    assert (
        f'<a href="/heatmap/?round={dashboards.published.pk}&amp;format=csv" download>CSV' in html
    )
    assert (
        f'<a href="/heatmap/?round={dashboards.published.pk}&amp;format=xlsx" download>XLSX' in html
    )
