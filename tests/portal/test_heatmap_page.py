"""The heat map at ``/heatmap/``: units × areas, share of each area's maximum achieved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from govindex.portal.charts import colour_scale_floor
from tests.portal.conftest import page_tables
from tests.portal.dashboard_fixtures import Dashboards
from tests.portal.ranking_fixtures import many_units_round
from tests.portal.test_ranking_page import chart_data

pytestmark = pytest.mark.django_db


def test_table_equivalent_with_exact_shares(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/heatmap/").content.decode()

    assert "<h1>Chỉ số CCHC 2024</h1>" in html
    table = page_tables(html)[0]
    assert table == [
        ["Rank", "Unit", "Score (%)", "A1", "A2", "A3"],
        ["1", "Cu Mot Ward", "91.67", "80.0", "100.0", "100.0"],
        ["2", "Department of Construction", "90.00", "100.0", "80.0", "–"],
        ["3", "Cu Hai Ward", "66.67", "70.0", "70.0", "50.0"],
    ]
    card = f"/rounds/{dashboards.published.pk}/units/00092/"
    assert f'<a href="{card}#node-a3">50.0</a>' in html  # a cell opens the scorecard at the area


def test_chart_cells_and_colour_scale(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/heatmap/").content.decode()

    chart = chart_data(html, "heatmap-chart-data")
    assert chart["kind"] == "heatmap"
    assert [area["label"] for area in chart["areas"]] == ["A1", "A2", "A3"]
    assert [area["id"] for area in chart["areas"]] == ["a1", "a2", "a3"]
    assert chart["units"] == ["Cu Mot Ward", "Department of Construction", "Cu Hai Ward"]
    assert [[x, y, round(share, 6)] for x, y, share in chart["cells"]] == [
        [0, 0, 80.0],
        [1, 0, 100.0],
        [2, 0, 100.0],
        [0, 1, 100.0],
        [1, 1, 80.0],
        [0, 2, 70.0],
        [1, 2, 70.0],
        [2, 2, 50.0],
    ]  # the department's a3 does not apply: no cell
    assert chart["minimum"] == 50.0
    assert chart["maximum"] == 100
    round_id = dashboards.published.pk
    assert chart["urls"] == [
        f"/rounds/{round_id}/units/00091/",
        f"/rounds/{round_id}/units/SXD/",
        f"/rounds/{round_id}/units/00092/",
    ]


@pytest.mark.parametrize(
    ("shares", "floor"),
    [
        ([], 0.0),
        ([None, 93.0], 90.0),
        ([100.0] * 30, 95.0),
        ([12.0, *([99.0] * 40)], 95.0),  # one outlier does not stretch the scale
        ([12.0, *([99.0] * 19)], 10.0),
    ],
)
def test_colour_scale_starts_at_the_fifth_percentile(shares: list, floor: float) -> None:
    assert colour_scale_floor(shares) == floor


def test_bonus_and_penalty_areas_are_left_out(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get("/heatmap/").content.decode()

    # test-mini has none; the note appears only for frameworks with an adjustment area
    assert "Bonus and penalty points are not a share" not in html


def test_the_provisional_round_for_a_city_leader(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(dashboards.city_leader).get("/heatmap/").content.decode()

    assert "Provisional results" in html
    assert page_tables(html)[0][1:] == [
        ["1", "Binh Minh Commune", "100.00", "100.0", "100.0", "100.0"],
        ["2", "An Khanh Ward", "85.42", "90.0", "75.0", "100.0"],
        ["3", "Department of Construction", "70.00", "90.0", "50.0", "–"],
        ["–", "Phường Chưa Nhập", "–", "–", "–", "–"],
    ]


def test_an_unpublished_heat_map_is_refused(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    url = f"/heatmap/?round={dashboards.provisional.pk}"

    assert client_for(None).get(url).status_code == 302
    assert client_for(dashboards.ward_staff).get(url).status_code == 403
    assert client_for(dashboards.appraiser).get(url).status_code == 200


@pytest.mark.parametrize("units", [3, 60])
def test_query_count_does_not_grow_with_the_rows(
    client_for: Callable[..., Client],
    test_frameworks: Path,
    django_assert_max_num_queries,
    units: int,
) -> None:
    many_units_round(units)
    client = client_for(None)

    with django_assert_max_num_queries(3):  # the rounds, the results, the areas' shares
        response = client.get("/heatmap/")

    assert len(page_tables(response.content.decode())[0]) == units + 1
