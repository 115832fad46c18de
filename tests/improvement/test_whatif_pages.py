"""The what-if page: who may open it, what it computes, that it never writes, its queries.

00001 in the 2025 round (under appraisal): 85.42 %, class B (Good), rank 2 of 3; satisfaction
at 60 % of an 80 % threshold is the criterion with most points at stake (6.25).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from govindex.assessments.models import Entry, NodeResult, RoundComputation, UnitResult
from govindex.audit.models import AuditRecord
from govindex.improvement.views.whatif import input_text
from govindex.orgs.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(db: None, settings: Settings) -> Dashboards:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return build_dashboards()


@pytest.fixture
def people(world: Dashboards) -> dict[str, AbstractBaseUser | None]:
    leader = UserFactory(username="lanhdao.phuong")
    MembershipFactory(user=leader, unit=world.units["00001"], role=Role.LEADER)
    return {
        "anonymous": None,
        "staff of the unit": world.ward_staff,
        "leader of the unit": leader,
        "staff of another unit": world.other_staff,
        "appraiser": world.appraiser,
        "city leader": world.city_leader,
        "administrator": UserFactory(username="quantri", is_superuser=True),
    }


@pytest.fixture
def client_for() -> Callable[..., Client]:
    def make(user: AbstractBaseUser | None, language: str = "en") -> Client:
        client = Client(headers={"Accept-Language": language})
        if user is not None:
            client.force_login(user)
        return client

    return make


def url(world: Dashboards, code: str = "00001") -> str:
    return reverse("improvement:what_if", args=[world.provisional.pk, code])


ACCESS = {
    "anonymous": 302,
    "staff of the unit": 200,
    "leader of the unit": 200,
    "staff of another unit": 403,
    "appraiser": 200,
    "city leader": 200,
    "administrator": 200,
}


@pytest.mark.parametrize(("who", "status"), ACCESS.items())
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_use_the_what_if(world, people, client_for, who, status, method) -> None:
    client = client_for(people[who])

    response = getattr(client, method)(url(world), {"v-a1.plan": "4"})

    assert response.status_code == status


def text(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</span>\s*<span class="stat-note"', html, re.S)
    assert found is not None, testid
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_form_holds_the_current_values(world, people, client_for) -> None:
    html = client_for(people["staff of the unit"]).get(url(world)).content.decode()

    # every criterion of a ward (5, fewer than the 10 shown), most points at stake first
    inputs = re.findall(r'name="v-([^"]+)" type="number"[^>]*?value="([^"]*)"', html, re.S)
    assert inputs == [
        ("a2.satisfaction", "60"),
        ("a1.report", "5"),
        ("a2.online", "75"),
        ("a1.plan", "4"),
        ("a3.local", "4"),
    ]
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert (text(html, "whatif-score"), text(html, "whatif-class")) == ("85.42", "Good")


def test_the_form_shows_the_criteria_with_most_at_stake_unless_asked_for_all(
    world, people, client_for, monkeypatch
) -> None:
    monkeypatch.setattr("govindex.improvement.views.whatif.SHOWN_CRITERIA", 2)
    client = client_for(people["city leader"])

    first = client.get(url(world)).content.decode()
    every = client.get(url(world), {"all": "1"}).content.decode()
    # a changed criterion outside the two stays in the form
    changed = client.post(url(world), {"v-a1.plan": "3"}).content.decode()

    names = r'name="v-([^"]+)" type="number"'
    assert re.findall(names, first) == ["a2.satisfaction", "a1.report"]
    assert "The 2 criteria with most points at stake" in first
    assert "Show all 5 criteria" in first
    assert len(re.findall(names, every)) == 5
    assert "Show the criteria with most points at stake" in every
    assert re.findall(names, changed) == ["a2.satisfaction", "a1.report", "a1.plan"]


def test_a_changed_value_gives_the_new_score_class_and_rank(world, people, client_for) -> None:
    client = client_for(people["city leader"])

    response = client.post(url(world), {"v-a2.satisfaction": "80", "v-a1.plan": "4"}, headers=HTMX)

    # the result panel alone: 22 / 24 = 91.67 %, Excellent, still 2nd of 3 (00002 has 100 %)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="whatif-result"')
    assert text(html, "whatif-score") == "91.67"
    assert text(html, "whatif-class") == "Excellent"
    assert text(html, "whatif-rank") == "2"
    assert "currently 85.42; change +6.25" in html
    assert "1 criterion changed; nothing is saved." in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (89.932885, "89.93"),
        (5.0, "5"),
        (75.1, "75.1"),
        (0.004, "0"),
        (1_234_567.0, "1234567"),
        (None, ""),
    ],
)
def test_an_input_shows_two_decimals_at_most(value, shown) -> None:
    assert input_text(value) == shown


def test_an_untouched_input_is_no_change_though_it_shows_fewer_digits(
    world, people, client_for
) -> None:
    Entry.objects.filter(
        round=world.provisional, unit=world.units["00001"], leaf_id="a2.online"
    ).update(data_value=75.123456789)
    client = client_for(people["city leader"])
    shown = re.search(
        r'name="v-a2\.online" type="number"[^>]*?value="([^"]*)"',
        client.get(url(world)).content.decode(),
        re.S,
    ).group(1)

    html = client.post(
        url(world), {"v-a2.online": shown, "v-a1.report": "6"}, headers=HTMX
    ).content.decode()

    assert shown == "75.12"  # as the "Current value" column shows it
    assert "1 criterion changed; nothing is saved." in html


def test_the_path_to_class_a_fills_the_inputs(world, people, client_for) -> None:
    client = client_for(people["leader of the unit"])

    response = client.post(url(world), {"action": "top_band"}, headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<form id="whatif-form"')
    assert "Excellent: 1 criterion at its full points is enough." in html
    assert re.search(r'name="v-a2\.satisfaction" type="number"[^>]*?value="80"', html, re.S)
    assert text(html, "whatif-score") == "91.67"
    # before publication the unit's own people see no rank
    assert 'data-testid="whatif-rank"' not in html


def test_the_path_to_the_top_needs_three_criteria(world, people, client_for) -> None:
    client = client_for(people["appraiser"])

    response = client.post(url(world), {"action": "top", "top": "1"}, headers=HTMX)

    html = response.content.decode()
    assert "Top 1: these 3 criteria at their full points are enough." in html
    steps = re.findall(r'<li><a href="#input-([^"]+)">', html)
    assert steps == ["a2.satisfaction", "a1.report", "a2.online"]
    assert (text(html, "whatif-score"), text(html, "whatif-rank")) == ("100.00", "1")


def test_a_units_own_people_cannot_ask_for_a_rank_before_publication(world, people, client_for):
    client = client_for(people["staff of the unit"])

    response = client.post(url(world), {"action": "top", "top": "1"}, headers=HTMX)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"v-a1.plan": "abc"}, "Plan: “abc” is not a number."),
        ({"v-a1.plan": "7"}, "00001 / a1.plan: 7 is outside 0–4 (expected points between 0 and 4)"),
        ({"action": "top", "top": "9"}, "The number of top places must be between 1 and 3."),
        ({"action": "band", "band": "Z"}, "Choose one of the framework&#x27;s classes."),
    ],
)
def test_unusable_values_are_explained(world, people, client_for, posted, message) -> None:
    response = client_for(people["city leader"]).post(url(world), posted, headers=HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_without_javascript_the_form_posts_and_the_page_comes_back(world, people, client_for):
    response = client_for(people["city leader"]).post(url(world), {"v-a1.report": "6"})

    html = response.content.decode()
    assert "<!DOCTYPE html>" in html
    # report 6: 21.5 / 24 = 89.58 %
    assert text(html, "whatif-score") == "89.58"
    changed = r'<tr class="changed">\s*<th scope="row" class="criterion-cell">'
    assert re.search(changed + r'<label for="input-a1\.report">', html)


def snapshot(world: Dashboards) -> tuple[object, ...]:
    return (
        list(Entry.objects.order_by("pk").values_list()),
        list(UnitResult.objects.order_by("pk").values_list()),
        list(NodeResult.objects.order_by("pk").values_list()),
        RoundComputation.objects.count(),
        AuditRecord.objects.count(),
    )


def test_nothing_is_written(world, people, client_for) -> None:
    client = client_for(people["city leader"])
    before = snapshot(world)

    client.post(url(world), {"v-a2.satisfaction": "80", "v-a1.report": "6"}, headers=HTMX)
    client.post(url(world), {"action": "top_band"}, headers=HTMX)
    client.post(url(world), {"action": "top", "top": "1"})

    assert snapshot(world) == before


@pytest.mark.parametrize(("method", "bound"), [("get", 18), ("post", 18)])
def test_the_what_if_takes_a_fixed_number_of_queries(
    world, people, client_for, django_assert_max_num_queries, method, bound
) -> None:
    client = client_for(people["city leader"])
    client.get(url(world))  # the framework file is read once per process

    with django_assert_max_num_queries(bound):
        response = getattr(client, method)(url(world), {"action": "top", "top": "1"})
    assert response.status_code == 200
