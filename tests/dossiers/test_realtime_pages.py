"""The public real-time pages and the staff drill-down (server-side)."""

from __future__ import annotations

import pytest

from govindex.orgs.models import Role
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_ranking_is_public_and_shows_the_unit(client, september) -> None:
    response = client.get("/realtime/", {"period": "2025-09"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Phường Thử Nghiệm" in html
    assert "56,17" in html or "56.17" in html
    assert 'hx-trigger="every 5s"' in html


def test_the_unit_page_lists_every_indicator_with_its_numbers(client, september) -> None:
    response = client.get("/realtime/units/00004/", {"period": "2025-09"})

    assert response.status_code == 200
    indicators = response.context["indicators"]
    on_time = next(i for i in indicators if i.number == "2.1")
    assert (on_time.numerator, on_time.denominator) == (4, 6)
    html = response.content.decode()
    assert "rt-trend-data" in html
    assert not response.context["can_drill"]
    # 5.2 and 5.3 come from the feedback cases (none here: N/A, not "no data")
    feedback = [i for i in indicators if i.number in ("5.2", "5.3")]
    assert [(i.availability, i.denominator, i.rate) for i in feedback] == [
        ("computed", 0, None)
    ] * 2


def test_the_live_part_answers_alone(client, september, django_assert_max_num_queries) -> None:
    client.get("/realtime/units/00004/live/", {"period": "2025-09"})
    with django_assert_max_num_queries(8):
        response = client.get("/realtime/units/00004/live/", {"period": "2025-09"})
    assert response.status_code == 200


def test_a_cached_ranking_costs_few_queries(
    client, september, django_assert_max_num_queries
) -> None:
    client.get("/realtime/table/", {"period": "2025-09"})
    with django_assert_max_num_queries(3):
        assert client.get("/realtime/table/", {"period": "2025-09"}).status_code == 200


def test_an_unknown_period_is_not_found(client, september) -> None:
    assert client.get("/realtime/", {"period": "2025-13"}).status_code == 404


def test_drill_down_needs_a_sign_in(client, september) -> None:
    response = client.get("/realtime/units/00004/dossiers/", {"period": "2025-09"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_drill_down_is_refused_to_staff_of_another_unit(client, september) -> None:
    other = MembershipFactory(unit=UnitFactory(code="00007"), role=Role.STAFF)
    client.force_login(other.user)

    assert client.get("/realtime/units/00004/dossiers/").status_code == 403


def test_the_units_staff_see_the_late_dossiers_behind_the_number(client, september) -> None:
    member = MembershipFactory(unit=UnitFactory(code="00004"), role=Role.STAFF)
    client.force_login(member.user)

    response = client.get("/realtime/units/00004/dossiers/", {"period": "2025-09", "list": "late"})

    assert response.status_code == 200
    assert [d.code for d in response.context["page"]] == ["C", "B"]


def test_an_appraiser_sees_the_open_dossiers(client, september) -> None:
    appraiser = UserFactory()
    MembershipFactory(user=appraiser, unit=UnitFactory(code="HN"), role=Role.APPRAISER)
    client.force_login(appraiser)

    response = client.get("/realtime/units/00004/dossiers/", {"period": "2025-09", "list": "open"})

    assert [d.code for d in response.context["page"]] == ["D", "C"]
