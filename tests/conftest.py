"""Shared test harness: the database the run uses, and a real Chromium driven by Playwright.

Browser tests take the ``page`` fixture (or ``browser``) and ``live_server``; they are marked
``browser`` automatically, so ``pytest -m "not browser"`` leaves them out, and they are skipped
when Chromium is not at /usr/bin/chromium (``scripts/ensure-chromium`` installs it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_FIXTURES = {"browser", "page", "screenshot"}
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


def chromium_missing_reason() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return f"Chromium not found at {CHROMIUM}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    test_name = database.get("TEST", {}).get("NAME")
    if connection.vendor == "sqlite":
        where = f"test database {test_name or 'in memory'}"
    else:
        where = (
            f"server {database['HOST'] or 'local socket'}:{database['PORT']}, test database "
            f"{test_name or 'test_' + database['NAME']} (+ _gwN per xdist worker)"
        )
    missing = chromium_missing_reason()
    browser = f"skipped, {missing}" if missing else f"Chromium at {CHROMIUM}"
    return [f"database: {connection.vendor} ({where})", f"browser: {browser}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = chromium_missing_reason()
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if missing and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (per xdist worker)."""
    missing = chromium_missing_reason()
    if missing:
        pytest.skip(missing)
    # Playwright's sync API keeps an event loop running in this thread while it is started;
    # Django would then refuse ORM calls from the tests as "async unsafe". They are not: the
    # loop only drives the browser.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test: Vietnamese locale, a desktop-sized window."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """``screenshot("name")`` saves the whole page to test-output/screenshots/name.png."""

    def take(name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
