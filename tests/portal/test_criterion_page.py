"""A criterion of a unit: its points, and the entry behind them (values, the appraisal's reason,
comment, evidence, history) for those allowed to see the unit's entries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govindex.assessments.models import Evidence
from tests.portal.conftest import page_tables
from tests.portal.dashboard_fixtures import APPRAISAL_REASON, Dashboards
from tests.portal.test_scorecard_page import stat

pytestmark = pytest.mark.django_db


def criterion_url(
    dashboards: Dashboards, code: str, node_id: str, *, published: bool = False
) -> str:
    round = dashboards.published if published else dashboards.provisional
    return f"/rounds/{round.pk}/units/{code}/criteria/{node_id}/"


def test_the_entry_behind_a_number_for_an_appraiser(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(criterion_url(dashboards, "00001", "a1.report"))
        .content.decode()
    )

    assert "<h1>Reports</h1>" in html
    assert stat(html, "points") == "5.00"
    assert stat(html, "lost") == "1.00"
    assert "of 3 units" in html
    assert stat(html, "self-value") == "6"
    assert '5 <span class="tag tag-adjusted">adjusted</span>' in html
    assert stat(html, "appraisal-reason") == APPRAISAL_REASON
    assert stat(html, "comment") == "Đủ 4 báo cáo quý"
    upload = Evidence.objects.get(original_name="bao-cao-quy-3.pdf")
    assert "<li>Báo cáo 12/BC-UBND (2025)</li>" in html
    assert f'<a href="/assessments/evidence/{upload.pk}/">bao-cao-quy-3.pdf</a>' in html
    history = page_tables(html)[0]
    assert history[0] == ["When", "Who", "Action", "Before", "After", "Reason"]
    assert [row[1:3] + row[5:] for row in history[1:]] == [
        ["thamdinh", "entry.appraise", APPRAISAL_REASON]
    ]


def test_breadcrumb_links_back_up_to_the_area_scorecard_and_ranking(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.appraiser)
        .get(criterion_url(dashboards, "00001", "a1.report"))
        .content.decode()
    )

    round_id = dashboards.provisional.pk
    assert f'<li><a href="/?round={round_id}">Chỉ số CCHC 2025</a></li>' in html
    assert f'<li><a href="/rounds/{round_id}/units/00001/">An Khanh Ward</a></li>' in html
    assert f'<li><a href="/rounds/{round_id}/units/00001/#node-a1">Direction</a></li>' in html


def test_a_survey_criterion_shows_the_answers(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(dashboards.city_leader)
        .get(criterion_url(dashboards, "00001", "a2.satisfaction"))
        .content.decode()
    )

    assert stat(html, "points") == "4.50"
    assert "Survey result (%)</dt><dd>60.00</dd>" in html
    assert "1: 1 · 2: 2 · 3: 3 · 4: 10 · 5: 4" in html
    assert "Measured rate (%)" in html


def test_an_area_lists_its_criteria(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    html = (
        client_for(None)
        .get(criterion_url(dashboards, "00092", "a1", published=True))
        .content.decode()
    )

    assert "<h1>Direction</h1>" in html
    assert stat(html, "points") == "7.00"
    assert page_tables(html)[0] == [
        ["Criterion", "Points", "Max", "Points lost", "Rank"],
        ["Plan", "4.00", "4", "0.00", "1"],
        ["Reports", "3.00", "6", "3.00", "3"],
    ]
    assert "What the unit entered" not in html  # a group has no entry of its own


def test_the_public_sees_the_points_and_is_invited_to_sign_in(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    url = criterion_url(dashboards, "00091", "a1.plan", published=True)
    html = client_for(None).get(url).content.decode()

    assert stat(html, "points") == "2.00"
    assert "self-value" not in html
    assert f'<a href="/accounts/login/?next={url}">Sign in</a> to see the values' in html


def test_the_htmx_fragment_is_one_table_row(
    dashboards: Dashboards, client_for: Callable[..., Client]
) -> None:
    url = criterion_url(dashboards, "SXD", "a1.plan") + "?fragment=entry"
    response = client_for(dashboards.appraiser).get(url, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.startswith('<tr class="entry-row"><td colspan="99">')
    assert html.rstrip().endswith("</td></tr>")
    assert stat(html, "self-value") == "4"
    assert stat(html, "appraisal-reason") == "Thiếu minh chứng"
    assert "<html" not in html


@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("ward_staff", 403), ("other_staff", 403), ("appraiser", 200)]
)
def test_an_unpublished_criterion_is_refused(
    dashboards: Dashboards, client_for: Callable[..., Client], who: str | None, status: int
) -> None:
    user = getattr(dashboards, who) if who else None
    url = criterion_url(dashboards, "00001", "a1.report")

    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(
    ("code", "node_id"),
    [("00001", "nope"), ("SXD", "a3"), ("SXD", "a3.local"), ("00001", "test-mini")],
)
def test_unknown_or_not_applicable_criteria_are_not_found(
    dashboards: Dashboards, client_for: Callable[..., Client], code: str, node_id: str
) -> None:
    response = client_for(dashboards.appraiser).get(criterion_url(dashboards, code, node_id))

    assert response.status_code == 404
