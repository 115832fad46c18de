"""The ranking page in a real Chromium, on the Hanoi demo data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from govindex.assessments.models import UnitResult
from govindex.assessments.selectors import latest_scored_round
from govindex.demo import build_demo
from govindex.portal.rankings import KIND_LABELS


@pytest.mark.browser
def test_ranking_page_shows_the_demo_ranking(
    live_server: LiveServer, page: Page, screenshot: Callable[[str], Path]
) -> None:
    build_demo(seed=2025)
    round = latest_scored_round()
    assert round is not None
    best = (
        UnitResult.objects.filter(round=round, rank=1).select_related("unit").order_by("unit__code")
    ).first()
    assert best is not None

    response = page.goto(f"{live_server.url}/")

    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == round.name
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() == 141
    first = [cell.strip() for cell in rows.first.locator("td, th").all_inner_texts()]
    expected_score = f"{best.score:.2f}".replace(".", ",")
    kind = str(KIND_LABELS[best.unit.kind])
    assert first[:5] == ["1", best.unit.name_vi, kind, expected_score, f"Nhóm {best.band}"]
    assert len(first) == 5 + 9  # and the points of the 8 contents and the bonus/penalty area
    stylesheet = page.evaluate(
        "getComputedStyle(document.querySelector('table.ranking')).borderCollapse"
    )
    assert stylesheet == "collapse"  # the portal stylesheet is served and applied
    shot = screenshot("portal-ranking")
    assert shot.stat().st_size > 10_000
