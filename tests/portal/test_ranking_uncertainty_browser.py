"""The rank intervals on the ranking page in a real Chromium: the second chart is drawn (a bar
per ranked unit, a dot at its official rank), its tooltip names the interval, a click opens the
unit's scorecard. Screenshot: test-output/screenshots/ranking-uncertainty.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from govindex.assessments.services import round_uncertainty_compute
from tests.portal.dashboard_fixtures import build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
INTERVAL_CHART = "[data-chart='rank-interval-chart-data']"


@pytest.mark.browser
def test_the_interval_chart_is_drawn_and_leads_to_the_scorecard(
    live_server: LiveServer,
    page: Page,
    screenshot: Callable[[str], Path],
    settings: Settings,
    transactional_db: None,
) -> None:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    dashboards = build_dashboards()
    round_uncertainty_compute(round=dashboards.published, actor=None, draws=1000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/")
    page.wait_for_selector(f"{INTERVAL_CHART}[data-chart-drawn=yes] svg")

    chart = page.locator(INTERVAL_CHART)
    texts = page.evaluate(
        f'Array.from(document.querySelectorAll("{INTERVAL_CHART} svg text"))'
        ".map(t => t.textContent)"
    )
    assert {"Phường Cũ Một", "Sở Xây dựng", "Phường Cũ Hai"} <= set(texts)  # the units
    assert {"Thứ hạng chính thức", "Thứ hạng trong 90 % số lần mô phỏng"} <= set(texts)
    assert chart.locator("svg path[d]").count() >= 3  # three interval bars, three dots and more
    assert page.locator("table.sensitivity tbody tr").count() == 3
    assert page.locator("table.ranking td.rank-span").all_inner_texts() == ["1–2", "1–2", "3"]
    screenshot("ranking-uncertainty")

    # The last unit's dot (rank 3, third row): hover shows its interval, a click opens its card.
    chart.scroll_into_view_if_needed()
    x, y = page.evaluate(
        f'(() => {{ const el = document.querySelector("{INTERVAL_CHART}");'
        " const point = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 1}, [3, 2]);"
        " const box = el.getBoundingClientRect(); return [box.left + point[0], box.top + point[1]]; })()"
    )
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    tooltip = page.locator(f"{INTERVAL_CHART} div").filter(has_text="Thứ hạng trung vị").last
    tooltip.wait_for()
    assert tooltip.inner_text().splitlines() == [
        "3. Phường Cũ Hai",
        "Thứ hạng trong 90 % số lần mô phỏng: 3–3",
        "Thứ hạng trung vị: 3",
    ]
    page.mouse.click(x, y)
    page.wait_for_url(f"**/rounds/{dashboards.published.pk}/units/00092/")
    # End with nothing in flight: a request the live server is still answering when the test's
    # database is torn down fails in its thread (a warning under a later test).
    page.wait_for_load_state("networkidle")
    assert errors == []
