"""The city ranking at ``/``: which round, rows with exact values, chart data, the round picker,
who may open an unpublished round, query counts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from govindex.assessments.services import round_uncertainty_compute
from tests.portal.conftest import page_tables
from tests.portal.dashboard_fixtures import Dashboards
from tests.portal.ranking_fixtures import many_units_round

pytestmark = pytest.mark.django_db

HEADER = ["Rank", "Unit", "Kind", "Score (%)", "Class", "A1/10", "A2/10", "A3/4"]
PUBLISHED_ROWS = [
    ["1", "Cu Mot Ward", "Ward", "91.67", "Excellent", "8.00", "10.00", "4.00"],
    ["2", "Department of Construction", "Department", "90.00", "Excellent", "10.00", "8.00", "–"],
    ["3", "Cu Hai Ward", "Ward", "66.67", "Average", "7.00", "7.00", "2.00"],
]
PROVISIONAL_ROWS = [
    ["1", "Binh Minh Commune", "Commune", "100.00", "Excellent", "10.00", "10.00", "4.00"],
    ["2", "An Khanh Ward", "Ward", "85.42", "Good", "9.00", "7.50", "4.00"],
    ["3", "Department of Construction", "Department", "70.00", "Fair", "9.00", "5.00", "–"],
    ["–", "Phường Chưa Nhập", "Ward", "–", "–", "–", "–", "–"],
]


def chart_data(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no chart data {element_id}"
    return json.loads(match.group(1))


def test_empty_state_when_nothing_is_published(
    client_for: Callable[..., Client], test_frameworks: Path
) -> None:
    response = client_for(None).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "No assessment round has been published yet." in html
    assert "<table" not in html


def test_the_public_sees_the_latest_published_round_not_the_provisional_one(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/").content.decode()

    assert "<h1>Chỉ số CCHC 2024</h1>" in html
    assert "Chỉ số CCHC 2025" not in html  # neither shown nor offered in the picker
    assert "Provisional results" not in html
    tables = page_tables(html)
    assert tables[0][0] == HEADER
    assert tables[0][1:] == PUBLISHED_ROWS


@pytest.mark.parametrize("who", ["appraiser", "city_leader"])
def test_appraisers_and_city_leaders_see_the_latest_scored_round_flagged_provisional(
    dashboards: Dashboards, client_for: Callable[..., Client], who: str
) -> None:
    html = client_for(getattr(dashboards, who)).get("/").content.decode()

    assert "<h1>Chỉ số CCHC 2025</h1>" in html
    assert "Provisional results: this round has not been published yet." in html
    assert '<p class="framework">Test index</p>' in html  # the framework's name in English
    assert page_tables(html)[0][1:] == PROVISIONAL_ROWS
    picker = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', html)
    assert picker == [
        (str(dashboards.provisional.pk), " selected", "Chỉ số CCHC 2025 (provisional)"),
        (str(dashboards.published.pk), "", "Chỉ số CCHC 2024"),
    ]


def test_ward_staff_see_only_published_results(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(dashboards.ward_staff).get("/").content.decode()

    assert "<h1>Chỉ số CCHC 2024</h1>" in html
    assert page_tables(html)[0][1:] == PUBLISHED_ROWS


def test_the_round_picker_opens_an_earlier_round(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    client = client_for(dashboards.city_leader)

    html = client.get(f"/?round={dashboards.published.pk}").content.decode()

    assert "<h1>Chỉ số CCHC 2024</h1>" in html
    assert page_tables(html)[0][1:] == PUBLISHED_ROWS


def test_rows_link_down_to_the_scorecard_and_its_areas(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/").content.decode()
    card = f"/rounds/{dashboards.published.pk}/units/00091/"

    assert f'<a href="{card}">Cu Mot Ward</a>' in html
    assert f'<a href="{card}">91.67</a>' in html
    assert f'<a href="{card}#node-a1">8.00</a>' in html
    assert f'<a href="{card}#node-a3">4.00</a>' in html


def test_chart_data_has_one_bar_per_scored_unit_coloured_by_class(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(dashboards.appraiser).get("/").content.decode()

    chart = chart_data(html, "ranking-chart-data")
    assert chart["kind"] == "ranking"
    assert [band["id"] for band in chart["bands"]] == ["A", "B", "C", "D"]
    assert [band["name"] for band in chart["bands"]] == ["Excellent", "Good", "Fair", "Average"]
    assert [band["colour"] for band in chart["bands"]] == [
        "#1e6b3a",
        "#1f4f8a",
        "#8a5a00",
        "#a4161a",
    ]
    round_id = dashboards.provisional.pk
    assert [
        (i["name"], i["rank"], round(i["score"], 4), i["band"], i["url"]) for i in chart["items"]
    ] == [
        ("Binh Minh Commune", 1, 100.0, "A", f"/rounds/{round_id}/units/00002/"),
        ("An Khanh Ward", 2, 85.4167, "B", f"/rounds/{round_id}/units/00001/"),
        ("Department of Construction", 3, 70.0, "C", f"/rounds/{round_id}/units/SXD/"),
    ]  # the unit without a score has no bar
    assert "vendor/echarts-5.6.0.min.js" in html
    assert "portal/dashboards.js" in html
    assert '<li><span class="band band-2">Good</span>' in html  # the class legend
    assert "80 to under 90" in html


def test_numbers_and_names_follow_the_language(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(dashboards.city_leader, language="vi").get("/").content.decode()

    assert '<html lang="vi">' in html
    rows = page_tables(html)[0][1:]
    assert [(row[0], row[1], row[3], row[4], row[6]) for row in rows] == [
        ("1", "Xã Bình Minh", "100,00", "Xuất sắc", "10,00"),
        ("2", "Phường An Khánh", "85,42", "Tốt", "7,50"),
        ("3", "Sở Xây dựng", "70,00", "Khá", "5,00"),
        ("–", "Phường Chưa Nhập", "–", "–", "–"),
    ]
    assert '<p class="framework">Bộ chỉ số thử nghiệm</p>' in html


def test_an_unpublished_round_sends_the_public_to_sign_in(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    response = client_for(None).get(f"/?round={dashboards.provisional.pk}")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/%3Fround%3D{dashboards.provisional.pk}"


@pytest.mark.parametrize("who", ["ward_staff", "other_staff"])
def test_an_unpublished_round_is_refused_to_ward_staff(
    dashboards: Dashboards, client_for: Callable[..., Client], who: str
) -> None:
    response = client_for(getattr(dashboards, who)).get(f"/?round={dashboards.provisional.pk}")

    assert response.status_code == 403


@pytest.mark.parametrize("query", ["?round=999999", "?round=abc", "?round=DRAFT"])
def test_unknown_or_unscored_rounds_are_not_found(
    dashboards: Dashboards, client_for: Callable[..., Client], query: str
) -> None:
    query = query.replace("DRAFT", str(dashboards.draft.pk))

    assert client_for(dashboards.city_leader).get(f"/{query}").status_code == 404


@pytest.mark.parametrize("units", [3, 60])
def test_query_count_does_not_grow_with_the_rows(
    client_for: Callable[..., Client],
    test_frameworks: Path,
    django_assert_max_num_queries,
    units: int,
) -> None:
    many_units_round(units)
    client = client_for(None)

    with django_assert_max_num_queries(4):  # rounds, results, areas' points, rank intervals
        response = client.get("/")

    assert len(page_tables(response.content.decode())[0]) == units + 1


def test_static_files_are_local(dashboards: Dashboards, client_for: Callable[..., Client]) -> None:
    client = client_for(None)
    html = client.get("/").content.decode()

    assert '<link rel="stylesheet" href="/static/portal/portal.css">' in html
    assert "https://" not in html.split("<body")[0]  # no external CDN
    script = client.get("/static/portal/dashboards.js")
    assert script.status_code == 200
    assert b"Intl.NumberFormat" in b"".join(script.streaming_content)


# -- ranking uncertainty --------------------------------------------------------------------

HELD = {"weights": "none", "normalisations": ("official",), "imputations": ("official",)}


def test_without_an_uncertainty_run_the_page_shows_no_interval(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/").content.decode()

    assert "Rank interval" not in html
    assert "How certain is each rank" not in html
    assert "rank-interval-chart-data" not in html


def test_rank_intervals_show_in_the_table_the_chart_and_the_sensitivity_table(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    round_uncertainty_compute(round=dashboards.published, actor=None, draws=200, **HELD)

    html = client_for(None).get("/").content.decode()

    tables = page_tables(html)
    assert tables[0][0] == ["Rank", "Rank interval", *HEADER[1:]]
    assert [row[:3] for row in tables[0][1:]] == [
        ["1", "1", "Cu Mot Ward"],
        ["2", "2", "Department of Construction"],
        ["3", "3", "Cu Hai Ward"],
    ]
    assert (
        'title="90 % of 200 plausible scorings put this unit between rank 2 and rank 2; the '
        'official rank stands."' in html
    )
    assert "Each bar spans the ranks that 90 % of 200 plausible scorings give the unit" in html
    assert "This only explains the ranking: the official rank stands." in html
    assert tables[1] == [
        ["Choice", "Alone (first-order index)", "With its interactions (total index)"],
        ["Weights (not varied)", "–", "–"],
        ["Normalisation (not varied)", "–", "–"],
        ["Missing values (not varied)", "–", "–"],
    ]
    chart = chart_data(html, "rank-interval-chart-data")
    round_id = dashboards.published.pk
    assert chart["kind"] == "rank_interval"
    assert chart["ranked"] == 3
    assert chart["items"] == [
        {
            "name": "Cu Mot Ward",
            "rank": 1,
            "median": 1,
            "low": 1,
            "high": 1,
            "url": f"/rounds/{round_id}/units/00091/",
        },
        {
            "name": "Department of Construction",
            "rank": 2,
            "median": 2,
            "low": 2,
            "high": 2,
            "url": f"/rounds/{round_id}/units/SXD/",
        },
        {
            "name": "Cu Hai Ward",
            "rank": 3,
            "median": 3,
            "low": 3,
            "high": 3,
            "url": f"/rounds/{round_id}/units/00092/",
        },
    ]


def test_drawn_intervals_and_indices_in_vietnamese(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    run = round_uncertainty_compute(round=dashboards.published, actor=None, draws=1000)
    factors = {index["factor"]: index for index in run.sensitivity}

    html = client_for(None, language="vi").get("/").content.decode()

    tables = page_tables(html)
    # 00091 (91.67 %) and SXD (90.00 %) swap in some draws; 00092 (66.67 %) stays last.
    assert [row[:2] for row in tables[0][1:]] == [["1", "1–2"], ["2", "1–2"], ["3", "3"]]
    assert tables[0][0][:2] == ["Thứ hạng", "Khoảng thứ hạng"]
    assert "Mỗi thanh trải trên các thứ hạng mà 90 % trong 1.000 cách chấm hợp lý" in html
    assert tables[1][0] == [
        "Lựa chọn",
        "Riêng lựa chọn này (chỉ số bậc một)",
        "Kể cả tương tác (chỉ số tổng)",
    ]
    assert [row[0] for row in tables[1][1:]] == [
        "Trọng số",
        "Cách quy đổi điểm",
        "Xử lý giá trị còn thiếu",
    ]
    weights = factors["weights"]
    assert tables[1][1][1:] == [
        f"{weights['first_order']:.2f}".replace(".", ","),
        f"{weights['total']:.2f}".replace(".", ","),
    ]
    assert tables[1][3][1:] == ["0,00", "0,00"]  # no ranked unit misses a value


def test_the_download_carries_the_interval_columns(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    round_uncertainty_compute(round=dashboards.published, actor=None, draws=100, **HELD)

    response = client_for(None).get("/?format=csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "rank,rank_median,rank_low,rank_high,unit_code,unit_name,kind,score,band,a1,a2,a3"
    )
    assert lines[1].startswith("1,1,1,1,00091,Cu Mot Ward,ward,91.67,A,")


def test_the_api_carries_the_intervals_and_the_run(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    run = round_uncertainty_compute(round=dashboards.published, actor=None, draws=100, **HELD)

    body = client_for(None).get("/api/rankings/latest").json()

    assert [(row["unit_code"], row["rank_interval"]) for row in body["rows"]] == [
        ("00091", {"median": 1, "low": 1, "high": 1}),
        ("SXD", {"median": 2, "low": 2, "high": 2}),
        ("00092", {"median": 3, "low": 3, "high": 3}),
    ]
    uncertainty = body["uncertainty"]
    assert (uncertainty["draws"], uncertainty["seed"], uncertainty["weights"]) == (
        100,
        2026,
        "none",
    )
    assert uncertainty["sensitivity"][0] == {
        "factor": "weights",
        "varied": False,
        "first_order": None,
        "total": None,
    }
    assert uncertainty["computed_at"].startswith(run.computed_at.date().isoformat())
