"""The whole assessment cycle in a real Chromium: a ward clerk self-assesses with a file, the
leader submits, an appraiser adjusts one score with a reason and publishes, and the public
ranking shows it. Screenshots of each step go to test-output/screenshots/cycle-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import Browser, Page, expect

from govindex.assessments.models import Entry, Evidence, Round, RoundState, RoundUnit
from govindex.assessments.services import entry_set, roundunit_submit
from govindex.audit.models import AuditRecord
from govindex.orgs.models import Role
from tests.factories import (
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "cycle-test-password"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _person(username: str, unit, role: str):  # type: ignore[no-untyped-def]
    user = UserFactory(username=username, password=make_password(PASSWORD))
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def cycle(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    ward = UnitFactory(code="00070", name_vi="Phường Hoàn Kiếm", name_en="Hoan Kiem Ward")
    neighbour = UnitFactory(code="00073", name_vi="Phường Cửa Nam", name_en="Cua Nam Ward")
    home_affairs = UnitFactory(code="SNV", name_vi="Sở Nội vụ", kind="department")
    round = RoundFactory(name="Chỉ số CCHC thử nghiệm", state=RoundState.OPEN)
    for unit in (ward, neighbour):
        RoundUnitFactory(round=round, unit=unit)
        entry_set(round=round, unit=unit, leaf_id="a2.online", actor=None, data_value=75)
    for leaf_id, value in (("a1.plan", 3), ("a1.report", 6), ("a3.local", 4)):
        entry_set(round=round, unit=neighbour, leaf_id=leaf_id, actor=None, self_value=value)
    roundunit_submit(round=round, unit=neighbour, actor=None)
    _person("canbo", ward, Role.STAFF)
    _person("lanhdao", ward, Role.LEADER)
    _person("thamdinh", home_affairs, Role.APPRAISER)
    return round


def _sign_in(browser: Browser, live_server, username: str) -> Page:  # type: ignore[no-untyped-def]
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    expect(page.locator(".user-name")).to_be_visible()
    return page


def _shot(page: Page, name: str) -> Path:
    folder = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"cycle-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _criterion(leaf_id: str) -> str:
    return "#criterion-" + leaf_id.replace(".", "\\.")


def _save_criterion(page: Page, leaf_id: str, value: str) -> None:
    row = page.locator(_criterion(leaf_id))
    row.locator("input[name$='-self_value']").fill(value)
    row.locator("button[type=submit]").first.click()
    expect(page.locator(f"{_criterion(leaf_id)} .form-saved")).to_be_visible()


def test_the_whole_cycle_in_a_browser(
    browser: Browser, live_server, cycle: Round, screenshot: Callable[[str], Path], tmp_path
) -> None:
    round = cycle
    base = f"{live_server.url}/assessments/{round.pk}"

    # 1. The ward clerk self-assesses, saving as she goes, and attaches a file.
    clerk = _sign_in(browser, live_server, "canbo")
    clerk.goto(f"{base}/units/00070/")
    expect(clerk.locator("#self-assessment-progress progress")).to_have_attribute("value", "0")
    _save_criterion(clerk, "a1.plan", "4")
    _save_criterion(clerk, "a1.report", "5,5")
    _save_criterion(clerk, "a3.local", "3")
    expect(clerk.locator("#self-assessment-progress progress")).to_have_attribute("value", "3")
    evidence = tmp_path / "ke-hoach-cchc-2025.pdf"
    evidence.write_bytes(PDF)
    plan = clerk.locator("#criterion-a1\\.plan")
    plan.locator("input[type=file]").set_input_files(str(evidence))
    plan.locator("form.evidence-form button[type=submit]").click()
    expect(clerk.locator("#criterion-a1\\.plan .evidence-list a")).to_have_text(
        "ke-hoach-cchc-2025.pdf"
    )
    clerk.reload()  # nothing lost on a reload
    expect(clerk.locator("#criterion-a1\\.report input[name$='-self_value']")).to_have_value(
        "5,5"
    )  # Vietnamese decimal comma
    _shot(clerk, "1-self-assessment")
    assert Evidence.objects.get().entry.leaf_id == "a1.plan"

    # 2. The unit leader submits; the clerk can no longer change anything.
    leader = _sign_in(browser, live_server, "lanhdao")
    leader.goto(f"{base}/units/00070/")
    leader.locator("form[action$='/units/00070/submit/'] button").click()
    expect(leader.locator(".tag-ok").first).to_be_visible()
    _shot(leader, "2-submitted")
    assert RoundUnit.objects.get(round=round, unit__code="00070").submitted_at is not None
    clerk.reload()
    expect(clerk.locator("input[name$='-self_value']")).to_have_count(0)

    # 3. The appraiser closes submissions, starts the appraisal, adjusts one score with a
    #    reason, enters the survey points and accepts the rest.
    appraiser = _sign_in(browser, live_server, "thamdinh")
    appraiser.goto(f"{base}/")
    for target in ("submitted", "under_appraisal"):
        appraiser.locator(f"form.move-form:has(input[name=to][value={target}]) button").click()
        expect(appraiser.locator(f".state-{target}").first).to_be_visible()
    appraiser.goto(f"{base}/units/00070/appraisal/")
    report = appraiser.locator("#criterion-a1\\.report")
    report.locator("input[name$='-appraised_value']").fill("4")
    report.locator("button[type=submit]").click()
    expect(appraiser.locator("#criterion-a1\\.report .form-error")).to_contain_text("nêu lý do")
    report = appraiser.locator("#criterion-a1\\.report")
    report.locator("input[name$='-appraised_value']").fill("4")
    report.locator("input[name$='-reason']").fill("Báo cáo quý IV nộp chậm")
    report.locator("button[type=submit]").click()
    expect(appraiser.locator("#criterion-a1\\.report .tag-adjusted")).to_be_visible()
    for unit in ("00070", "00073"):
        appraiser.goto(f"{base}/units/{unit}/appraisal/")
        survey = appraiser.locator("#criterion-a2\\.satisfaction")
        survey.locator("input[name$='-survey_value']").fill("80")
        survey.locator("button[type=submit]").click()
        expect(appraiser.locator("#criterion-a2\\.satisfaction .form-saved")).to_be_visible()
        appraiser.locator(f"form[action$='/units/{unit}/appraisal/accept/'] button").click()
        expect(appraiser.locator(".message-success")).to_be_visible()
    _shot(appraiser, "3-appraisal")

    # 4. The appraiser moves the round on and publishes it.
    appraiser.goto(f"{base}/")
    appraiser.locator("form.move-form:has(input[name=to][value=appraised]) button").click()
    expect(appraiser.locator(".state-appraised").first).to_be_visible()
    appraiser.locator("form.move-form:has(input[name=to][value=published]) button").click()
    expect(appraiser.locator(".state-published").first).to_be_visible()
    _shot(appraiser, "4-published")

    # 5. Anyone sees the published ranking, without signing in.
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Chỉ số CCHC thử nghiệm").first).to_be_visible()
    expect(page.get_by_text(re.compile("Phường Hoàn Kiếm")).first).to_be_visible()
    _shot(page, "5-public-ranking")

    adjusted = Entry.objects.get(round=round, unit__code="00070", leaf_id="a1.report")
    assert (adjusted.self_value, adjusted.appraised_value, adjusted.appraisal_reason) == (
        5.5,
        4.0,
        "Báo cáo quý IV nộp chậm",
    )
    round.refresh_from_db()
    assert round.state == RoundState.PUBLISHED
    actions = list(
        AuditRecord.objects.filter(target_id=str(round.pk), action="round.transition")
        .order_by("pk")
        .values_list("after__state", flat=True)
    )
    assert actions == ["submitted", "under_appraisal", "appraised", "published"]
