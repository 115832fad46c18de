"""The report in a real Chromium: from the scorecard's button to a downloaded PDF, and the
report's page with its server-drawn charts. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from playwright.sync_api import Page
from pypdf import PdfReader
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.improvement.report_fixtures import FRAMEWORKS, TASK_STATEMENT, build_report_round


def sign_in(page: Page, live_server: LiveServer, user: AbstractBaseUser) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
def test_the_scorecard_button_downloads_the_pdf_and_the_page_shows_the_pack(
    live_server: LiveServer,
    page: Page,
    screenshot: Callable[[str], Path],
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    data = build_report_round()
    round_id = data.dashboards.provisional.pk
    sign_in(page, live_server, data.dashboards.appraiser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/rounds/{round_id}/units/00001/")
    button = page.get_by_test_id("download-report-pdf")
    assert button.inner_text() == "Tải báo cáo (PDF)"
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "govindex-2025-00001-vi.pdf"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    reader = PdfReader(saved)
    assert len(reader.pages) == 5
    assert "Phường An Khánh" in reader.pages[0].extract_text()
    assert TASK_STATEMENT in reader.pages[4].extract_text()

    page.get_by_role("link", name="Xem báo cáo").click()
    page.wait_for_url(f"**/improvement/{round_id}/units/00001/report/")
    assert page.locator("h1#report-title").inner_text() == "Phường An Khánh"
    assert page.get_by_test_id("report-score").inner_text() == "85,42"
    # The charts are inline SVG drawn by the server: three, each with its bars.
    assert page.locator("svg.report-chart").count() == 3
    assert page.locator("#weakest svg.report-chart rect").count() == 6  # 3 tracks, 3 bars
    assert page.locator("#plan tbody tr").count() == 3
    screenshot("report-unit")

    page.get_by_role("link", name="English").click()
    assert page.locator("h1#report-title").inner_text() == "An Khanh Ward"
    assert page.get_by_test_id("report-score").inner_text() == "85.42"

    page.goto(f"{live_server.url}/improvement/{round_id}/report/")
    assert page.get_by_test_id("report-scored").inner_text() == "3"
    assert page.locator("#ranking tbody tr").count() == 4
    screenshot("report-city")
    assert errors == []
