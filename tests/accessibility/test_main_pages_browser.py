"""Accessibility smoke check of the main pages in Chromium: every form control has a label,
buttons and links have text, images have alt text, one h1 and no skipped heading level, a page
language, and text contrast of at least WCAG AA (4.5:1, 3:1 for large text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import Browser, Page

from govindex.assessments.models import RoundState
from govindex.assessments.services import (
    entries_accept_matching,
    entry_set,
    round_compute,
    round_transition,
    roundunit_submit,
)
from govindex.orgs.models import Role
from tests.factories import (
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")
FRAMEWORKS = Path(__file__).resolve().parents[1] / "fixtures" / "frameworks"
PASSWORD = "a11y-test-password"


@pytest.fixture
def pages(settings):  # type: ignore[no-untyped-def]
    """A published round (the public ranking) and an open one (the working screens)."""
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    ward = UnitFactory(code="00070", name_vi="Phường Hoàn Kiếm")
    other = UnitFactory(code="00073", name_vi="Phường Cửa Nam")
    published = RoundFactory(name="Chỉ số CCHC 2025", state=RoundState.OPEN)
    open_round = RoundFactory(name="Chỉ số CCHC 2026", state=RoundState.OPEN)
    for round in (published, open_round):
        for unit in (ward, other):
            RoundUnitFactory(round=round, unit=unit)
    for unit, points in ((ward, 3), (other, 4)):
        for leaf_id in ("a1.plan", "a3.local"):
            entry_set(round=published, unit=unit, leaf_id=leaf_id, actor=None, self_value=points)
        entry_set(round=published, unit=unit, leaf_id="a1.report", actor=None, self_value=5)
        roundunit_submit(round=published, unit=unit, actor=None)
    for state in ("submitted", "under_appraisal"):
        published = round_transition(round=published, to=state, actor=None)
    for unit in (ward, other):
        entries_accept_matching(round=published, unit=unit, actor=None)
    published = round_transition(round=published, to="appraised", actor=None)
    round_compute(round=published, actor=None)
    round_transition(round=published, to="published", actor=None)
    entry_set(round=open_round, unit=ward, leaf_id="a1.plan", actor=None, self_value=2)
    for username, unit, role in (
        ("canbo", ward, Role.STAFF),
        ("thamdinh", UnitFactory(code="SNV", kind="department"), Role.APPRAISER),
    ):
        user = UserFactory(username=username, password=make_password(PASSWORD))
        MembershipFactory(user=user, unit=unit, role=role)
    return {"published": published, "open": open_round}


def _page(browser: Browser, live_server, username: str | None, language: str) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form.stacked-form button[type=submit]")
        page.wait_for_selector(".user-name")
    return page


@pytest.mark.parametrize("language", ["vi-VN", "en-US"])
def test_main_pages_pass_the_accessibility_smoke_checks(
    browser: Browser, live_server, pages, language: str
) -> None:
    published, open_round = pages["published"], pages["open"]
    visits = {
        None: ["/", "/accounts/login/"],
        "canbo": ["/assessments/", f"/assessments/{open_round.pk}/units/00070/"],
        "thamdinh": [
            f"/assessments/{open_round.pk}/",
            f"/assessments/{published.pk}/units/00070/appraisal/",
            f"/assessments/{open_round.pk}/survey/",
        ],
    }
    problems = {}
    for username, paths in visits.items():
        page = _page(browser, live_server, username, language)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            found = page.evaluate(CHECKS)
            if found:
                problems[path] = found
        page.context.close()
    assert problems == {}
