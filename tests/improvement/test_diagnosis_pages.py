"""The diagnosis page and the city's official-indices page: who may open them, what they show,
how many queries they take. The rounds are those of ``tests/portal/dashboard_fixtures`` (see
test_diagnosis_selectors for the numbers)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from govindex.assessments.services import round_compute
from govindex.orgs.models import Role
from govindex.scoring.loading import FRAMEWORKS_DIR
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    PublishedResultFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)
from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@dataclass(frozen=True)
class World:
    dashboards: Dashboards
    people: dict[str, AbstractBaseUser | None]


@pytest.fixture
def world(db: None, settings: Settings) -> World:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    dashboards = build_dashboards()
    leader = UserFactory(username="lanhdao.phuong")
    MembershipFactory(user=leader, unit=dashboards.units["00001"], role=Role.LEADER)
    sxd_staff = UserFactory(username="canbo.sxd")
    MembershipFactory(user=sxd_staff, unit=dashboards.units["SXD"], role=Role.STAFF)
    admin = UserFactory(username="quantri", is_superuser=True)
    people = {
        "anonymous": None,
        "staff of the unit": dashboards.ward_staff,
        "leader of the unit": leader,
        "staff of another unit": dashboards.other_staff,
        "staff of a department": sxd_staff,
        "appraiser": dashboards.appraiser,
        "city leader": dashboards.city_leader,
        "administrator": admin,
    }
    return World(dashboards=dashboards, people=people)


@pytest.fixture
def client_for() -> Callable[..., Client]:
    def make(user: AbstractBaseUser | None, language: str = "en") -> Client:
        client = Client(headers={"Accept-Language": language})
        if user is not None:
            client.force_login(user)
        return client

    return make


def diagnosis_url(world: World, code: str = "00001", round_name: str = "provisional") -> str:
    round = getattr(world.dashboards, round_name)
    return reverse("improvement:diagnosis", args=[round.pk, code])


# The 2025 round is under appraisal: its unit 00001 is open to its own people and to those who
# see every unit; everybody else is refused, the anonymous sent to sign in.
UNIT_ACCESS = {
    "anonymous": 302,
    "staff of the unit": 200,
    "leader of the unit": 200,
    "staff of another unit": 403,
    "staff of a department": 403,
    "appraiser": 200,
    "city leader": 200,
    "administrator": 200,
}


@pytest.mark.parametrize(("who", "status"), UNIT_ACCESS.items())
def test_who_may_open_a_units_diagnosis(world: World, client_for, who: str, status: int) -> None:
    response = client_for(world.people[who]).get(diagnosis_url(world))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_unit_not_in_the_round_or_a_round_not_scored_is_not_found(world: World, client_for):
    client = client_for(world.people["city leader"])

    assert client.get(diagnosis_url(world, code="SNV")).status_code == 404
    assert client.get(diagnosis_url(world, round_name="draft")).status_code == 404


def cell_texts(row: str) -> list[str]:
    """The text of each cell of a table row, tags dropped and spaces collapsed."""
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def rows_in_order(html: str) -> list[str]:
    return re.findall(r'<tr id="criterion-([^"]+)"', html)


def test_the_table_lists_the_criteria_most_points_at_stake_first(world: World, client_for):
    response = client_for(world.people["city leader"]).get(diagnosis_url(world))

    html = response.content.decode()
    assert rows_in_order(html) == [
        "a2.satisfaction",
        "a1.report",
        "a2.online",
        "a1.plan",
        "a3.local",
    ]
    # Each status in words, beside its colour.
    assert html.count('<span class="status status-partly">Partly achieved</span>') == 3
    assert html.count('<span class="status status-achieved">Achieved</span>') == 2
    # The headline: 85.42 %, class B (Good), 2nd of 3; 3 criteria of 5 to improve.
    assert '<span class="stat-value" data-testid="score">85.42</span>' in html
    assert '<span class="band band-2">Good</span>' in html
    assert '<span class="stat-value" data-testid="rank">2</span>' in html
    assert '<span class="stat-value" data-testid="lacking">3</span>' in html
    # Satisfaction: 4.50 of 6, gap 1.50, no change on the predecessors' mean, 6.00 at 00002
    # (Binh Minh Commune), rank 2 of 3, 6.25 points at stake.
    row = re.search(r'<tr id="criterion-a2\.satisfaction".*?</tr>', html, re.S).group(0)
    cells = cell_texts(row)
    assert cells[1:9] == [
        "Partly achieved",
        "4.50",
        "6",
        "1.50",
        "0.00",
        "6.00 Binh Minh Commune",
        "2 of 3",
        "6.25",
    ]
    assert reverse("improvement:what_if", args=[world.dashboards.provisional.pk, "00001"]) in html
    assert reverse("improvement:plan", args=[world.dashboards.provisional.pk, "00001"]) in html


def test_the_chart_has_the_criteria_with_points_at_stake(world: World, client_for) -> None:
    response = client_for(world.people["appraiser"]).get(diagnosis_url(world))

    chart = response.context["chart"]
    assert [(item["id"], round(item["stake"], 4)) for item in chart["items"]] == [
        ("a2.satisfaction", 6.25),
        ("a1.report", 4.1667),
        ("a2.online", 4.1667),
    ]
    assert 'data-diagnosis-chart="stake-chart-data"' in response.content.decode()


@pytest.mark.parametrize(
    ("shown", "rows"),
    [
        ("partly", ["a2.satisfaction", "a1.report", "a2.online"]),
        ("not_achieved", []),
        ("all", ["a2.satisfaction", "a1.report", "a2.online", "a1.plan", "a3.local"]),
        ("something-else", ["a2.satisfaction", "a1.report", "a2.online", "a1.plan", "a3.local"]),
    ],
)
def test_the_filters_keep_the_criteria_of_a_status(world: World, client_for, shown, rows) -> None:
    response = client_for(world.people["city leader"]).get(diagnosis_url(world), {"show": shown})

    html = response.content.decode()
    assert rows_in_order(html) == rows
    if not rows:
        assert "No criterion has this status." in html


def test_before_publication_the_units_own_people_see_no_other_units(world: World, client_for):
    html = client_for(world.people["staff of the unit"]).get(diagnosis_url(world)).content.decode()

    assert "Best other unit" not in html
    assert "Binh Minh Commune" not in html
    assert "shown once the round is published" in html
    assert 'data-testid="rank"' not in html
    # They may record causes: a button per criterion not fully achieved (the plans' include).
    assert html.count("Record the cause") == 3


def test_after_publication_the_units_own_people_see_the_comparisons(world: World, client_for):
    url = diagnosis_url(world, code="SXD", round_name="published")

    html = client_for(world.people["staff of a department"]).get(url).content.decode()

    # 2024: 00091 first with 91.67 %, SXD second with 90 %.
    assert "Best other unit" in html
    assert '<span class="stat-value" data-testid="rank">2</span>' in html


def test_those_who_cannot_edit_the_plan_see_where_no_cause_is_recorded(world: World, client_for):
    html = client_for(world.people["appraiser"]).get(diagnosis_url(world)).content.decode()

    assert "Record the cause" not in html
    assert html.count("No cause recorded") == 3


@pytest.mark.parametrize(("who", "bound"), [("staff of the unit", 27), ("city leader", 20)])
def test_the_diagnosis_page_takes_a_fixed_number_of_queries(
    world: World, client_for, django_assert_max_num_queries, who: str, bound: int
) -> None:
    client = client_for(world.people[who])
    client.get(diagnosis_url(world))  # the framework file is read once per process

    with django_assert_max_num_queries(bound):
        response = client.get(diagnosis_url(world))
    assert response.status_code == 200


def test_more_units_and_causes_cost_no_more_queries(world: World, client_for) -> None:
    client = client_for(world.people["city leader"])
    client.get(diagnosis_url(world))
    with CaptureQueriesContext(connection) as small:
        client.get(diagnosis_url(world))
    round = world.dashboards.provisional
    for number in range(15):
        unit = UnitFactory(code=f"0{7000 + number}")
        RoundUnitFactory(round=round, unit=unit)
        for leaf_id, value in (("a1.plan", 2), ("a1.report", 3), ("a3.local", 1)):
            EntryFactory(round=round, unit=unit, leaf_id=leaf_id, self_value=value)
        EntryFactory(round=round, unit=unit, leaf_id="a2.satisfaction", survey_value=50)
        EntryFactory(round=round, unit=unit, leaf_id="a2.online", data_value=50)
    round_compute(round=round, actor=None)

    with CaptureQueriesContext(connection) as large:
        response = client.get(diagnosis_url(world))

    assert len(re.findall(r'<tr id="criterion-', response.content.decode())) == 5
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the city on the official indices -------------------------------------------------------

CITY_ACCESS = {
    "anonymous": 302,
    "staff of the unit": 403,
    "leader of the unit": 403,
    "staff of a department": 403,
    "appraiser": 200,
    "city leader": 200,
    "administrator": 200,
}


@pytest.mark.parametrize(("who", "status"), CITY_ACCESS.items())
def test_who_may_open_the_official_indices(world: World, client_for, who: str, status: int):
    response = client_for(world.people[who]).get(reverse("improvement:city_diagnosis"))

    assert response.status_code == status


def test_the_official_indices_page_compares_with_the_best_province(
    world: World, client_for, settings: Settings
) -> None:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS_DIR  # the real index files (PCI's weights)
    leaves = (
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "equal_competition",
        "proactivity",
        "business_support",
        "labour_training",
        "legal_institutions",
    )
    PublishedResultFactory(year=2019, score=70.0, sub_scores=dict.fromkeys(leaves, 7.0))
    PublishedResultFactory()  # 2023: 67.15, 28th, no sub-indices
    PublishedResultFactory(
        year=2019,
        territory="Quảng Ninh",
        score=73.4,
        rank=1,
        sub_scores={**dict.fromkeys(leaves, 6.5), "transparency": 7.5},
    )
    PublishedResultFactory(framework_id="sipas-1001", year=2024, score=86.5, rank=11, sub_scores={})
    client = client_for(world.people["city leader"])

    html = client.get(reverse("improvement:city_diagnosis")).content.decode()

    # PCI: 2019 and 2023 (67.15, 28th, the factory's default) → −2.85 on 2019; transparency is
    # the one sub-index where Quảng Ninh leads: 7.5 − 7 = .5 × 20 % → 1.00 index point.
    assert "Provincial Competitiveness Index (PCI)" in html
    assert "−2.85" in html
    row = re.search(
        r"<tr>\s*<th scope=\"row\" class=\"criterion-cell\">Transparency.*?</tr>", html, re.S
    )
    cells = cell_texts(row.group(0))
    assert cells == [
        "Transparency and access to information",
        "7.00",
        "7.50",
        "Quảng Ninh",
        "0.50",
        "–",
        "1.00",
    ]
    # SIPAS: the city alone: nothing to compare with, and it says so.
    assert html.count("no other province recorded") == 2


def test_the_official_indices_page_takes_a_fixed_number_of_queries(
    world: World, client_for, django_assert_max_num_queries
) -> None:
    PublishedResultFactory(year=2023)
    PublishedResultFactory(framework_id="pgi-vcci", year=2023, score=21.95, sub_scores={})
    client = client_for(world.people["appraiser"])

    with django_assert_max_num_queries(6):
        response = client.get(reverse("improvement:city_diagnosis"))
    assert response.status_code == 200
