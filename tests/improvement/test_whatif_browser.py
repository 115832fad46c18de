"""The diagnosis and the what-if in a real Chromium: the chart is drawn, typing a value updates the
result through htmx without a page load, the "class A" button fills the inputs. Screenshots go
to test-output/screenshots/diagnosis-*.png and whatif-*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from govindex.assessments.models import Entry, UnitResult
from tests.portal.dashboard_fixtures import build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
def test_a_city_leader_diagnoses_a_unit_and_asks_what_it_takes(
    live_server: LiveServer, page: Page, settings: Settings, screenshot: Callable[[str], Path]
) -> None:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    world = build_dashboards()
    entries = list(Entry.objects.order_by("pk").values_list())
    results = list(UnitResult.objects.order_by("pk").values_list())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "lanhdao")
    round_id = world.provisional.pk

    page.goto(live_server.url + reverse("improvement:diagnosis", args=[round_id, "00001"]))
    page.wait_for_function("document.querySelectorAll('#stake-chart svg rect').length > 0")
    assert page.locator("table.diagnosis-table tbody tr").count() == 5
    assert page.locator("[data-testid=score]").inner_text() == "85,42"
    screenshot("diagnosis-unit")

    page.get_by_role("link", name="Phân tích giả định").first.click()
    page.wait_for_url("**/what-if/")
    loads = []
    page.on("load", lambda _: loads.append(1))
    page.locator("#input-a2\\.satisfaction").fill("80")
    # 22 / 24 = 91,67 %, class A ("Xuất sắc"), still 2nd behind 00002 — no page load.
    page.wait_for_function(
        "document.querySelector('[data-testid=whatif-score]').textContent.trim() === '91,67'"
    )
    assert page.locator("[data-testid=whatif-class]").inner_text() == "Xuất sắc"
    assert page.locator("[data-testid=whatif-rank]").inner_text() == "2"
    assert loads == []
    screenshot("whatif-typed")

    page.locator("button[value=top]").click()  # the top 3 (the default N): already there
    page.wait_for_selector("#whatif-path")
    assert "Đơn vị đã đạt Tốp 3." in page.locator("#whatif-path").inner_text()
    page.locator("#whatif-top").fill("1")
    page.locator("button[value=top]").click()
    page.wait_for_function(
        "document.querySelector('#whatif-path') &&"
        " document.querySelector('#whatif-path').textContent.includes('Tốp 1')"
    )
    assert page.locator("#whatif-path li").count() == 3
    assert page.locator("#input-a1\\.report").input_value() == "6"
    assert page.locator("[data-testid=whatif-rank]").inner_text() == "1"
    screenshot("whatif-top-1")

    assert errors == []
    # nothing was saved
    assert list(Entry.objects.order_by("pk").values_list()) == entries
    assert list(UnitResult.objects.order_by("pk").values_list()) == results
