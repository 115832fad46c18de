"""A unit's scorecard: headline, change on last year across a merger, areas and criteria with
points lost, self-assessed vs appraised values for those allowed, chart data, query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from govindex.assessments.models import Round, RoundState
from tests.portal.conftest import page_tables
from tests.portal.dashboard_fixtures import Dashboards
from tests.portal.ranking_fixtures import many_units_round
from tests.portal.test_ranking_page import chart_data

pytestmark = pytest.mark.django_db

CRITERIA_HEADER = ["Criterion", "Points", "Max", "Points lost", "Rank", "Measured rate (%)"]
ENTRY_HEADER = ["Self-assessed", "Appraised", "Evidence"]


def stat(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert match, testid
    return match.group(1)


def card_url(round: Round, code: str) -> str:
    return f"/rounds/{round.pk}/units/{code}/"


def test_a_merged_unit_is_compared_with_its_predecessors(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(card_url(dashboards.provisional, "00001"))
        .content.decode()
    )

    assert "<h1>An Khanh Ward</h1>" in html
    assert stat(html, "score") == "85.42"
    assert "20.50 of 24 points" in html
    assert stat(html, "rank") == "2"
    assert "of 3 units ranked" in html
    assert '<span class="band band-2">Good</span>' in html
    assert "Change on 2024" in html
    assert stat(html, "change") == "+6.25"  # 85.42 − mean(91.67, 66.67)
    assert "against the mean of its predecessors' scores" in html
    assert "formed in a reorganisation from several units" in html
    earlier = page_tables(html)[0]
    assert earlier == [
        ["Unit", "Score (%)", "Rank", "Class", "Difference"],
        ["Cu Mot Ward predecessor", "91.67", "1", "Excellent", "\N{MINUS SIGN}6.25"],
        ["Cu Hai Ward predecessor", "66.67", "3", "Average", "+18.75"],
    ]
    assert f'href="{card_url(dashboards.published, "00091")}"' in html


def test_a_unit_that_took_part_before_is_compared_with_itself(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(card_url(dashboards.provisional, "SXD"))
        .content.decode()
    )

    assert stat(html, "change") == "\N{MINUS SIGN}20.00"
    assert "against its own score" in html
    assert page_tables(html)[0][1] == [
        "Department of Construction",
        "90.00",
        "2",
        "Excellent",
        "\N{MINUS SIGN}20.00",
    ]


def test_areas_and_criteria_with_points_lost_and_the_entries_for_an_appraiser(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(card_url(dashboards.provisional, "00001"))
        .content.decode()
    )

    assert re.search(r'id="node-a1".*?9\.00 / 10 · 90\.0 % · rank 2', html, re.S)
    assert re.search(r'id="node-a2".*?7\.50 / 10 · 75\.0 % · rank 2', html, re.S)
    tables = page_tables(html)[1:]  # the first is the earlier result
    assert tables[0] == [
        CRITERIA_HEADER + ENTRY_HEADER,
        [
            "Plan Self-assessed, then appraised",
            "4.00",
            "4",
            "0.00",
            "1",
            "–",
            "4.00",
            "–",
            "Details",
        ],
        [
            "Reports Self-assessed, then appraised",
            "5.00",
            "6",
            "1.00",
            "3",
            "–",
            "6.00",
            "5.00 adjusted",
            "Details 2 documents",
        ],
    ]
    assert tables[1] == [
        CRITERIA_HEADER + ENTRY_HEADER,
        ["Satisfaction Sociological survey", "4.50", "6", "1.50", "2", "60.0", "–", "–", "Details"],
        [
            "Online dossiers Computed from records",
            "3.00",
            "4",
            "1.00",
            "2",
            "75.0",
            "–",
            "–",
            "Details",
        ],
    ]
    assert tables[2][1] == [
        "Local work Self-assessed, then appraised",
        "4.00",
        "4",
        "0.00",
        "1",
        "–",
        "4.00",
        "–",
        "Details",
    ]
    assert 'title="Báo cáo quý III nộp muộn"' in html  # the appraisal's reason on the mark
    criterion = f"{card_url(dashboards.provisional, '00001')}criteria/a1.report/"
    assert f'hx-get="{criterion}?fragment=entry"' in html


def test_the_criteria_that_lost_most_come_first_in_the_summary(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(card_url(dashboards.provisional, "00001"))
        .content.decode()
    )

    losses = re.search(r'<ol class="losses">(.*?)</ol>', html, re.S)
    assert losses
    items = [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", losses.group(1), re.S)
    ]
    assert items == ["Satisfaction 1.50 of 6", "Reports 1.00 of 6", "Online dossiers 1.00 of 4"]


def test_chart_compares_each_area_with_the_city_median(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(card_url(dashboards.provisional, "00001"))
        .content.decode()
    )

    chart = chart_data(html, "scorecard-chart-data")
    assert chart["kind"] == "scorecard"
    assert [
        (area["label"], round(area["share"], 4), round(area["median"], 4), area["url"])
        for area in chart["areas"]
    ] == [
        ("A1", 90.0, 90.0, f"{card_url(dashboards.provisional, '00001')}#node-a1"),
        ("A2", 75.0, 75.0, f"{card_url(dashboards.provisional, '00001')}#node-a2"),
        ("A3", 100.0, 100.0, f"{card_url(dashboards.provisional, '00001')}#node-a3"),
    ]


def test_the_public_sees_points_but_not_the_entries(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = client_for(None).get(card_url(dashboards.published, "00091")).content.decode()

    assert stat(html, "score") == "91.67"
    assert stat(html, "change") == "–"
    assert "no earlier result" in html
    assert "Became" in html and ">An Khanh Ward</a>" in html  # the merger, forward
    tables = page_tables(html)
    assert tables[0] == [
        CRITERIA_HEADER,
        ["Plan Self-assessed, then appraised", "2.00", "4", "2.00", "3", "–"],
        ["Reports Self-assessed, then appraised", "6.00", "6", "0.00", "1", "–"],
    ]
    assert "Self-assessed</th>" not in html
    assert "fragment=entry" not in html
    assert "Sign in to see the values the unit entered" in html


def test_the_units_own_staff_see_its_entries_once_published_and_others_do_not(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    Round.objects.filter(pk=dashboards.provisional.pk).update(state=RoundState.PUBLISHED)
    url = card_url(dashboards.provisional, "00001")

    own = client_for(dashboards.ward_staff).get(url).content.decode()
    other = client_for(dashboards.other_staff).get(url).content.decode()

    assert page_tables(own)[1][0] == CRITERIA_HEADER + ENTRY_HEADER
    assert page_tables(other)[1][0] == CRITERIA_HEADER
    assert "shown to the unit's own people, appraisers and city leaders" in other


def test_an_unpublished_scorecard_is_refused(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    url = card_url(dashboards.provisional, "00001")

    assert client_for(None).get(url).status_code == 302
    assert client_for(dashboards.ward_staff).get(url).status_code == 403  # its own unit too
    assert client_for(dashboards.other_staff).get(url).status_code == 403
    assert client_for(dashboards.city_leader).get(url).status_code == 200


def test_a_unit_outside_the_round_is_not_found(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    client = client_for(dashboards.city_leader)

    assert client.get(card_url(dashboards.published, "00001")).status_code == 404
    assert client.get(card_url(dashboards.provisional, "NOPE")).status_code == 404


@pytest.mark.parametrize("units", [3, 60])
def test_public_scorecard_queries_do_not_grow_with_the_units(
    client_for: Callable[..., Client],
    test_frameworks: Path,
    django_assert_max_num_queries,
    units: int,
) -> None:
    round = many_units_round(units)
    client = client_for(None)

    with django_assert_max_num_queries(7):
        response = client.get(card_url(round, "10001"))

    assert response.status_code == 200


def test_a_unit_without_a_score_and_areas_not_meant_for_its_kind(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    client = client_for(dashboards.appraiser)

    empty = client.get(card_url(dashboards.provisional, "00004")).content.decode()
    department = client.get(card_url(dashboards.provisional, "SXD")).content.decode()

    assert stat(empty, "score") == "–"
    assert stat(empty, "rank") == "–"
    assert stat(empty, "change") == "–"
    assert 'id="node-a1"' in empty and 'id="node-a3"' in empty  # a ward: all three areas
    assert 'id="node-a3"' not in department  # a3 applies to wards and communes only
    assert [row[0] for row in page_tables(department)[2][1:]] == [
        "Satisfaction Sociological survey",
        "Online dossiers Computed from records",
    ]
