"""A unit leader, in Vietnamese in a real browser, records the cause of a criterion, adds a "5 rõ"
task to the unit's plan, approves it, records its progress and downloads the plan file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from govindex.improvement.models import Finding, Task, TaskStatus
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

# The ``world`` fixture puts back what the migrations seeded (tests/seeded.py).
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "plan-test-password"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _sign_in(browser: Browser, live_server: Any, username: str) -> Page:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    expect(page.locator(".user-name")).to_be_visible()
    return page


def test_a_leader_records_a_cause_and_a_plan(
    world: PlanWorld, browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    leader = world.people["leader_own"]
    leader.set_password(PASSWORD)
    leader.save()
    page = _sign_in(browser, live_server, "leader_own")
    base = f"{live_server.url}/improvement/{world.round.pk}/units/00001"

    # The cause of a criterion not achieved.
    page.goto(
        f"{base}/criteria/a1.plan/cause/?next=/improvement/{world.round.pk}/units/00001/plan/"
    )
    expect(page.locator("h1")).to_contain_text("a1.plan")
    page.select_option("#id_root_cause", label="Công tác lãnh đạo, chỉ đạo chưa sát sao")
    page.fill("#id_cause_text", "Kế hoạch CCHC ban hành chậm")
    page.fill("#id_person_name", "Nguyễn Văn Hải")
    page.click("text=Lưu nguyên nhân")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận nguyên nhân")
    finding = Finding.objects.get(leaf_id="a1.plan")
    assert (finding.root_cause.code, finding.responsible_person_name) == (
        "leadership",
        "Nguyễn Văn Hải",
    )
    expect(page.locator(".findings-table")).to_contain_text("Nguyễn Văn Hải")

    # A task with its "5 rõ", added from the form of the plan page.
    page.fill("#id_statement", "Ban hành kế hoạch khắc phục")
    page.select_option("#id_person", label="Trần Thị Lan")
    page.fill("#id_deadline", "2099-03-31")
    page.fill("#id_expected_output", "Kế hoạch được ký ban hành")
    page.fill("#id_measure", "Ban hành trước 31/3")
    page.select_option("#id_criteria", ["a1.plan"])
    page.click("text=Thêm nhiệm vụ (bản nháp)")
    row = page.locator("tr.task-row").first
    expect(row).to_contain_text("Đủ 5 rõ")
    expect(row).to_contain_text("dự thảo")

    # Approved by the leader, then progress recorded.
    row.locator("summary").click()
    row.locator("button", has_text="Phê duyệt").click()
    expect(page.locator("tr.task-row").first).to_contain_text("đã phê duyệt")
    row = page.locator("tr.task-row").first
    row.locator("summary").click()
    row.locator("input[name=progress]").fill("40")
    row.locator("button", has_text="Ghi nhận").click()
    row = page.locator("tr.task-row").first
    expect(row).to_contain_text("40 %")
    expect(row).to_contain_text("đang thực hiện")
    task = Task.objects.get()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40.0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "plan-leader.png"), full_page=True)

    # The plan file, as a clerk downloads it.
    with page.expect_download() as download:
        page.click("text=Xuất CSV")
    path = tmp_path / "plan.csv"
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("ref,parent_ref,statement,person,deadline")
    assert lines[1].startswith("T001,,Ban hành kế hoạch khắc phục,leader_own,2099-03-31,00001")
