"""The queries each dashboard makes, pinned per kind of visitor. Anonymous visitors cost no role
checks; signed-in people cost a session, a user and the role checks of
``govindex.assessments.permissions`` (4 per ``sees_all_units``, asked by ``Viewer.of`` and again by
``visible_rounds``; up to 3 more per ``can_view_unit_entries``). The counts do not depend on the
number of units (see the ``..._does_not_grow_...`` tests of each page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.portal.dashboard_fixtures import Dashboards

pytestmark = pytest.mark.django_db

PUBLISHED_CARD = "/rounds/{published}/units/00091/"
PROVISIONAL_CARD = "/rounds/{provisional}/units/00001/"

BOUNDS = [
    # (who, path, queries at most, status)
    (None, "/", 4, 200),  # + the rank intervals of the latest uncertainty run
    (None, "/heatmap/", 3, 200),
    (None, PUBLISHED_CARD, 8, 200),
    (None, PUBLISHED_CARD + "criteria/a1.plan/", 4, 200),
    (None, "/trends/", 2, 200),
    (None, "/units/00001/trend/", 7, 200),
    (None, "/?format=xlsx", 4, 200),
    (None, PROVISIONAL_CARD, 2, 302),
    ("ward_staff", "/", 14, 200),
    ("ward_staff", "/heatmap/", 13, 200),
    ("ward_staff", PUBLISHED_CARD, 21, 200),
    ("ward_staff", PUBLISHED_CARD + "criteria/a1.plan/", 17, 200),
    ("ward_staff", "/trends/", 12, 200),
    ("ward_staff", "/units/00001/trend/", 17, 200),
    ("ward_staff", PROVISIONAL_CARD, 12, 403),
    ("appraiser", "/", 10, 200),
    ("appraiser", "/heatmap/", 9, 200),
    ("appraiser", PROVISIONAL_CARD, 19, 200),
    ("appraiser", PROVISIONAL_CARD + "criteria/a1.report/", 15, 200),
    ("appraiser", "/trends/", 8, 200),
    ("appraiser", "/units/00001/trend/", 13, 200),
    ("appraiser", PROVISIONAL_CARD + "?format=csv", 19, 200),
]


@pytest.mark.parametrize(("who", "path", "bound", "status"), BOUNDS)
def test_dashboard_query_bounds(
    dashboards: Dashboards,
    client_for: Callable[..., Client],
    django_assert_max_num_queries,
    who: str | None,
    path: str,
    bound: int,
    status: int,
) -> None:
    client = client_for(getattr(dashboards, who) if who else None)
    url = path.format(published=dashboards.published.pk, provisional=dashboards.provisional.pk)

    with django_assert_max_num_queries(bound):
        response = client.get(url)

    assert response.status_code == status
