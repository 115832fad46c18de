"""Which rounds the dashboards show to whom (``govindex.portal.visibility``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from govindex.assessments.models import Round, RoundState
from govindex.assessments.permissions import can_view_round_results
from govindex.portal.visibility import (
    ResultsNotVisible,
    RoundNotScored,
    SignInRequired,
    Viewer,
    dashboard_round,
    dashboard_rounds,
    default_round,
)
from tests.portal.dashboard_fixtures import Dashboards

PEOPLE = ["anonymous", "appraiser", "city_leader", "ward_staff", "other_staff"]


def person(dashboards: Dashboards, who: str):  # type: ignore[no-untyped-def]
    return AnonymousUser() if who == "anonymous" else getattr(dashboards, who)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("state", list(RoundState))
def test_viewer_agrees_with_can_view_round_results(
    dashboards: Dashboards, who: str, state: RoundState
) -> None:
    user = person(dashboards, who)
    round = Round(name="x", state=state)

    assert Viewer.of(user).can_view_results(round) is can_view_round_results(user, round)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", ["Chỉ số CCHC 2024"]),
        ("ward_staff", ["Chỉ số CCHC 2024"]),
        ("other_staff", ["Chỉ số CCHC 2024"]),
        ("appraiser", ["Chỉ số CCHC 2025", "Chỉ số CCHC 2024"]),
        ("city_leader", ["Chỉ số CCHC 2025", "Chỉ số CCHC 2024"]),
    ],
)
def test_dashboard_rounds_are_the_scored_rounds_a_person_may_see(
    dashboards: Dashboards, who: str, expected: list[str]
) -> None:
    rounds = dashboard_rounds(Viewer.of(person(dashboards, who)))

    assert [round.name for round in rounds] == expected  # newest first; the draft never


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "Chỉ số CCHC 2024"), ("city_leader", "Chỉ số CCHC 2025")],
)
def test_default_round_is_the_latest_published_for_the_public(
    dashboards: Dashboards, who: str, expected: str
) -> None:
    round = default_round(dashboard_rounds(Viewer.of(person(dashboards, who))))

    assert round is not None and round.name == expected


def test_no_default_round_without_results(db: None) -> None:
    assert default_round(dashboard_rounds(Viewer.of(AnonymousUser()))) is None


def test_dashboard_round_names_the_reason_it_refuses(dashboards: Dashboards) -> None:
    anonymous = Viewer.of(AnonymousUser())
    staff = Viewer.of(dashboards.ward_staff)
    leader = Viewer.of(dashboards.city_leader)

    with pytest.raises(SignInRequired):
        dashboard_round(anonymous, dashboard_rounds(anonymous), dashboards.provisional.pk)
    with pytest.raises(ResultsNotVisible):
        dashboard_round(staff, dashboard_rounds(staff), dashboards.provisional.pk)
    with pytest.raises(RoundNotScored):
        dashboard_round(leader, dashboard_rounds(leader), dashboards.draft.pk)
    with pytest.raises(RoundNotScored):
        dashboard_round(leader, dashboard_rounds(leader), 999_999)
    found = dashboard_round(leader, dashboard_rounds(leader), dashboards.provisional.pk)
    assert found.pk == dashboards.provisional.pk
    assert found.last_computed is not None
