"""Proves the browser harness end to end: live server, real Chromium, screenshot on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
def test_health_endpoint_in_chromium(
    live_server: LiveServer, page: Page, screenshot: Callable[[str], Path]
) -> None:
    response = page.goto(f"{live_server.url}/api/health")

    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert page.evaluate("navigator.language") == "vi-VN"
    assert page.viewport_size == {"width": 1280, "height": 900}
    shot = screenshot("api-health")
    assert shot.read_bytes().startswith(b"\x89PNG")
    # The test itself can still use the ORM while Playwright's event loop is running.
    get_user_model().objects.create(username="reviewer")
    assert get_user_model().objects.count() == 1
