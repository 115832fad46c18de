"""Trends across rounds: a unit's score with its predecessors' across a merger, and the city's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.portal.conftest import page_tables
from tests.portal.dashboard_fixtures import Dashboards
from tests.portal.test_ranking_page import chart_data

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["Round", "Unit", "Score (%)", "Rank", "Class", "City mean", "City median"]
ROWS_2024 = [
    [
        "Chỉ số CCHC 2024",
        "Cu Mot Ward predecessor",
        "91.67",
        "1 of 3",
        "Excellent",
        "82.78",
        "90.00",
    ],
    ["Chỉ số CCHC 2024", "Cu Hai Ward predecessor", "66.67", "3 of 3", "Average", "82.78", "90.00"],
]


def test_a_merged_units_trend_shows_its_predecessors(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(dashboards.appraiser).get("/units/00001/trend/").content.decode()

    assert "<h1>An Khanh Ward</h1>" in html
    assert "Formed from" in html and ">Cu Mot Ward</a>" in html and ">Cu Hai Ward</a>" in html
    assert page_tables(html)[0] == [
        UNIT_HEADER,
        *ROWS_2024,
        [
            "Chỉ số CCHC 2025 provisional",
            "An Khanh Ward",
            "85.42",
            "2 of 3",
            "Good",
            "85.14",
            "85.42",
        ],
    ]
    chart = chart_data(html, "trend-chart-data")
    assert chart["periods"] == ["2024", "2025"]
    assert [series["name"] for series in chart["series"]] == [
        "An Khanh Ward",
        "Cu Mot Ward (predecessor, until 06/30/2025)",
        "Cu Hai Ward (predecessor, until 06/30/2025)",
    ]
    scores = [
        [None if point is None else round(point["score"], 2) for point in series["points"]]
        for series in chart["series"]
    ]
    assert scores == [[None, 85.42], [91.67, None], [66.67, None]]
    assert (
        chart["series"][1]["points"][0]["url"] == f"/rounds/{dashboards.published.pk}/units/00091/"
    )
    assert [round(mean, 2) for mean in chart["mean"]] == [82.78, 85.14]
    assert [round(median, 2) for median in chart["median"]] == [90.0, 85.42]


def test_the_public_trend_leaves_out_unpublished_rounds(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/units/00001/trend/").content.decode()

    assert page_tables(html)[0] == [UNIT_HEADER, *ROWS_2024]
    assert "Chỉ số CCHC 2025" not in html


def test_a_former_units_trend_names_its_successor(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/units/00092/trend/").content.decode()

    assert "Became" in html and '<a href="/units/00001/trend/">An Khanh Ward</a>' in html
    assert page_tables(html)[0][1:] == [
        ["Chỉ số CCHC 2024", "Cu Hai Ward", "66.67", "3 of 3", "Average", "82.78", "90.00"]
    ]


def test_a_unit_without_results_has_an_empty_trend(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/units/00002/trend/").content.decode()

    assert "No result of this unit can be shown yet." in html
    assert "<table" not in html
    assert client_for(None).get("/units/NOPE/trend/").status_code == 404


def test_city_trend_per_round(dashboards: Dashboards, client_for: Callable[..., Client]) -> None:
    html = client_for(dashboards.city_leader).get("/trends/").content.decode()

    assert "<h1>Test index</h1>" in html
    assert page_tables(html)[0] == [
        [
            "Round",
            "Units",
            "Mean",
            "Median",
            "Lowest",
            "Highest",
            "Excellent",
            "Good",
            "Fair",
            "Average",
        ],
        ["Chỉ số CCHC 2024", "3", "82.78", "90.00", "66.67", "91.67", "2", "0", "0", "1"],
        [
            "Chỉ số CCHC 2025 provisional",
            "4",
            "85.14",
            "85.42",
            "70.00",
            "100.00",
            "1",
            "1",
            "1",
            "0",
        ],
    ]
    chart = chart_data(html, "city-trend-data")
    assert chart["periods"] == ["2024", "2025"]
    assert [round(value, 2) for value in chart["lowest"]] == [66.67, 70.0]
    assert [round(value, 2) for value in chart["highest"]] == [91.67, 100.0]
    assert chart["urls"] == [
        f"/?round={dashboards.published.pk}",
        f"/?round={dashboards.provisional.pk}",
    ]


def test_the_public_city_trend_has_published_rounds_only(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/trends/").content.decode()

    assert [row[0] for row in page_tables(html)[0][1:]] == ["Chỉ số CCHC 2024"]


def test_city_trend_of_an_unknown_framework_is_not_found(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    assert client_for(None).get("/trends/?framework=pci-vcci").status_code == 404


def test_city_trend_without_rounds(db: None, client_for: Callable[..., Client]) -> None:
    html = client_for(None).get("/trends/").content.decode()

    assert "No assessment round has been published yet." in html
