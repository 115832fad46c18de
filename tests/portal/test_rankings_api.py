"""``GET /api/rankings/latest``: the JSON twin of the ranking page, with the same visibility."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.portal.dashboard_fixtures import Dashboards
from tests.portal.ranking_fixtures import many_units_round

pytestmark = pytest.mark.django_db


def test_nothing_published_answers_404_in_the_error_shape(
    client_for: Callable[..., Client], test_frameworks: Path
) -> None:
    response = client_for(None).get("/api/rankings/latest")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "no_scored_round",
            "message": "No assessment round has been published yet.",
        }
    }


def test_the_public_gets_the_latest_published_round(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    response = client_for(None).get("/api/rankings/latest")

    assert response.status_code == 200
    body = response.json()
    assert {key: body["round"][key] for key in ("id", "name", "period", "state")} == {
        "id": dashboards.published.pk,
        "name": "Chỉ số CCHC 2024",
        "period": "2024",
        "state": "published",
    }
    assert body["round"]["framework_name"] == "Test index"
    rows = [
        (r["rank"], r["unit_code"], r["unit_name"], r["band"], r["areas"]) for r in body["rows"]
    ]
    assert rows == [
        (1, "00091", "Cu Mot Ward", "A", {"a1": 8.0, "a2": 10.0, "a3": 4.0}),
        (2, "SXD", "Department of Construction", "A", {"a1": 10.0, "a2": 8.0, "a3": None}),
        (3, "00092", "Cu Hai Ward", "D", {"a1": 7.0, "a2": 7.0, "a3": 2.0}),
    ]
    assert [r["score"] for r in body["rows"]] == [
        pytest.approx(22 / 24 * 100),
        pytest.approx(90.0),
        pytest.approx(16 / 24 * 100),
    ]


def test_an_appraiser_gets_the_provisional_round(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    body = client_for(dashboards.appraiser).get("/api/rankings/latest").json()

    assert body["round"]["state"] == "under_appraisal"
    assert [(r["rank"], r["unit_code"], r["score"]) for r in body["rows"]] == [
        (1, "00002", 100.0),
        (2, "00001", pytest.approx(20.5 / 24 * 100)),
        (3, "SXD", 70.0),
        (None, "00004", None),
    ]


def test_api_query_count_does_not_grow_with_the_rows(
    client_for: Callable[..., Client], test_frameworks: Path, django_assert_max_num_queries
) -> None:
    many_units_round(40)
    client = client_for(None)

    with django_assert_max_num_queries(4):  # rounds, results, areas' points, rank intervals
        response = client.get("/api/rankings/latest")

    assert len(response.json()["rows"]) == 40
