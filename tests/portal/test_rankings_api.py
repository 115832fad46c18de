"""``GET /api/rankings/latest``: the JSON twin of the ranking page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.portal.ranking_fixtures import FRAMEWORKS, many_units_round, scored_mini_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_frameworks(settings: Settings) -> Path:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return FRAMEWORKS


def test_no_scored_round_answers_404_in_the_error_shape(client: Client) -> None:
    response = client.get("/api/rankings/latest")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "no_scored_round", "message": "No assessment round has been scored yet."}
    }


def test_latest_ranking_as_json(client: Client) -> None:
    round = scored_mini_round(name="Kỳ thử nghiệm 2025")

    response = client.get("/api/rankings/latest")

    assert response.status_code == 200
    body = response.json()
    assert {key: body["round"][key] for key in ("id", "name", "period", "state")} == {
        "id": round.pk,
        "name": "Kỳ thử nghiệm 2025",
        "period": round.period,
        "state": "under_appraisal",
    }
    assert body["round"]["framework_id"] == "test-mini"
    assert body["round"]["framework_name"] == "Bộ chỉ số thử nghiệm"
    assert body["round"]["computed_at"] is not None
    assert [(a["id"], a["max_points"]) for a in body["areas"]] == [
        ("a1", 10.0),
        ("a2", 10.0),
        ("a3", 4.0),
    ]
    rows = [
        (r["rank"], r["unit_code"], r["kind"], r["score"], r["band"], r["areas"])
        for r in body["rows"]
    ]
    assert rows == [
        (1, "00002", "commune", 100.0, "A", {"a1": 10.0, "a2": 10.0, "a3": 4.0}),
        (
            2,
            "00001",
            "ward",
            pytest.approx(20.5 / 24 * 100),
            "B",
            {"a1": 9.0, "a2": 7.5, "a3": 4.0},
        ),
        (3, "SXD", "department", 70.0, "C", {"a1": 9.0, "a2": 5.0, "a3": None}),
        (None, "00004", "ward", None, "", {"a1": None, "a2": None, "a3": None}),
    ]


def test_api_query_count_does_not_grow_with_the_rows(
    client: Client, django_assert_max_num_queries
) -> None:
    many_units_round(40)

    with django_assert_max_num_queries(3):
        response = client.get("/api/rankings/latest")

    assert len(response.json()["rows"]) == 40
