"""Every dashboard in a real Chromium on the Hanoi demo data: the charts are drawn, clicks lead
down to the records, the round picker swaps the page with htmx, the entry opens inline.
Screenshots go to test-output/screenshots/dashboard-*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from govindex.assessments.models import Round, RoundState, UnitResult
from govindex.demo import build_demo
from govindex.orgs.models import Unit

CHARTS_DRAWN = "document.querySelectorAll('[data-chart][data-chart-drawn=yes] svg').length"


def wait_for_chart(page: Page) -> None:
    page.wait_for_function(f"{CHARTS_DRAWN} > 0")
    assert page.evaluate(CHARTS_DRAWN) == page.locator("[data-chart]").count()


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    """Give the browser a session of ``username`` (the sign-in form is the lead's; tested there)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
def test_every_dashboard_draws_its_chart_and_links_down(
    live_server: LiveServer, page: Page, screenshot: Callable[[str], Path]
) -> None:
    build_demo(seed=2025)
    published = Round.objects.get(state=RoundState.PUBLISHED)
    provisional = Round.objects.get(year=2025, state=RoundState.UNDER_APPRAISAL)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The public ranking: the latest published round, a bar per unit, coloured by class.
    page.goto(f"{live_server.url}/")
    wait_for_chart(page)
    assert page.locator("h1").inner_text() == published.name
    units = UnitResult.objects.filter(round=published).count()
    assert page.locator("table.ranking tbody tr").count() == units == 51
    assert page.locator(".notice").count() == 0  # not provisional
    legend = page.evaluate(
        "Array.from(document.querySelectorAll('[data-chart] svg text')).map(t => t.textContent)"
    )
    assert {"Nhóm A", "Nhóm B"} <= set(legend)  # the class legend inside the chart
    screenshot("dashboard-ranking")

    # The heat map: click the first cell (best unit, first area) → that unit's scorecard there.
    page.goto(f"{live_server.url}/heatmap/")
    wait_for_chart(page)
    best = UnitResult.objects.filter(round=published).order_by("rank", "unit__code").first()
    assert best is not None
    screenshot("dashboard-heatmap")
    x, y = page.evaluate(
        "(() => { const el = document.querySelector('[data-chart]');"
        " const point = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [0, 0]);"
        " const box = el.getBoundingClientRect(); return [box.left + point[0], box.top + point[1]]; })()"
    )
    page.mouse.click(x, y)
    page.wait_for_url(f"**/rounds/{published.pk}/units/{best.unit.code}/#node-a1_direction")
    wait_for_chart(page)
    assert page.locator("#node-a1_direction").is_visible()
    screenshot("dashboard-scorecard-public")

    # A ward formed from several districts: its trend shows each district as a predecessor.
    merged = (
        Unit.objects.filter(unit_results__round=provisional)
        .annotate(predecessors=Count("predecessor_links"))
        .filter(predecessors__gte=2, kind="ward")
        .order_by("code")
        .first()
    )
    assert merged is not None
    page.goto(f"{live_server.url}/units/{merged.code}/trend/")
    wait_for_chart(page)
    assert page.locator("table.ranking tbody tr .tag").first.inner_text() != ""
    screenshot("dashboard-unit-trend-public")
    page.goto(f"{live_server.url}/trends/")
    wait_for_chart(page)
    screenshot("dashboard-city-trend-public")

    # A city leader sees the provisional round and picks another round with htmx.
    sign_in(page, live_server, "lanhdao.tp")
    page.goto(f"{live_server.url}/heatmap/?round={provisional.pk}")
    wait_for_chart(page)
    assert page.locator(".notice").count() == 1
    page.select_option("#round-select", str(published.pk))
    page.wait_for_url(f"**/heatmap/?round={published.pk}")
    page.wait_for_function(
        f"document.querySelector('h1').innerText === {published.name!r} && {CHARTS_DRAWN} === 1"
    )
    assert page.locator(".notice").count() == 0

    # The scorecard of the merged ward: its predecessors' 2024 results, and an entry inline.
    page.goto(f"{live_server.url}/rounds/{provisional.pk}/units/{merged.code}/")
    wait_for_chart(page)
    assert page.locator(".earlier tbody tr .tag").count() >= 2  # each marked as a predecessor
    details = page.locator("button.details-button").first
    details.click()
    page.wait_for_selector("tr.entry-row dl.entry-values")
    assert page.locator("tr.entry-row [data-testid=self-value]").count() == 1
    screenshot("dashboard-scorecard-leader")
    page.goto(f"{live_server.url}/units/{merged.code}/trend/")
    wait_for_chart(page)
    screenshot("dashboard-unit-trend-leader")
    page.goto(f"{live_server.url}/?round={provisional.pk}")
    wait_for_chart(page)
    screenshot("dashboard-ranking-provisional")
    assert errors == []
