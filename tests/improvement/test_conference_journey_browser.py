"""Issue 6, done when: in the demo, the ward leader signs in, opens the ward's diagnosis, records
the cause of a criterion not achieved, adds a "5 rõ" task for it and approves it, asks the
what-if what it takes to reach group A, and downloads the conference pack as a PDF, whose text
holds what was just recorded. Vietnamese, as the ward uses it; screenshots in
test-output/screenshots/journey-*.png."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from govindex.assessments.models import Round
from govindex.demo import build_demo
from govindex.demo.people import DEMO_PASSWORD
from govindex.improvement.models import Finding, Task, TaskStatus
from tests.seeded import migration_rows_restored

pytestmark = pytest.mark.django_db(transaction=True)

WARD = "00070"
CAUSE = "Chưa phân công cán bộ theo dõi tiến độ kế hoạch cải cách hành chính"
STATEMENT = "Phân công cán bộ đầu mối và lập bảng theo dõi tiến độ hằng tháng"


def test_a_ward_leader_goes_from_diagnosis_to_plan_to_report(
    live_server: LiveServer, page: Page, screenshot: Callable[[str], Path]
) -> None:
    migration_rows_restored()  # a flush may have removed them (tests/seeded.py)
    build_demo(seed=2025)
    round = Round.objects.get(year=2025, period="2025")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Sign in as the ward's leader, through the sign-in form.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lanhdao.phuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    expect(page.locator(".user-name")).to_be_visible()

    # The diagnosis: criteria that cost most first; record the cause of one not yet explained.
    base = f"{live_server.url}/improvement/{round.pk}/units/{WARD}"
    page.goto(f"{base}/diagnosis/")
    expect(page.locator("h1")).to_contain_text("Phường Hoàn Kiếm")
    screenshot("journey-diagnosis")
    record = page.locator(".criterion-actions a.button[href*='/cause/']").first
    expect(record).to_have_text("Ghi nguyên nhân")
    leaf_id = record.evaluate("a => a.closest('.criterion-actions').id").removeprefix(
        "criterion-actions-"
    )
    assert not Finding.objects.filter(round=round, unit__code=WARD, leaf_id=leaf_id).exists()
    record.click()
    form = page.locator(f"#finding-form-{leaf_id}")
    expect(form).to_be_visible()
    # The form fits its row: neither the page nor the table needs a sideways scroll.
    assert page.evaluate(
        "(() => { const box = document.querySelector('table.diagnosis-table').parentElement;"
        " return box.scrollWidth <= box.clientWidth"
        " && document.documentElement.scrollWidth <= window.innerWidth; })()"
    )
    screenshot("journey-cause-form")
    form.locator("select[name=root_cause]").select_option(index=1)
    form.locator("[name=cause_text]").fill(CAUSE)
    form.locator("select[name=person]").select_option(label="Trần Văn Minh")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#criterion-actions-{leaf_id}")).to_contain_text(CAUSE)
    finding = Finding.objects.get(round=round, unit__code=WARD, leaf_id=leaf_id)
    assert (finding.cause_text, finding.responsible_person.username) == (CAUSE, "lanhdao.phuong")

    # A task with its "5 rõ" for that criterion, added to the plan and approved.
    page.locator(f"#criterion-actions-{leaf_id} a", has_text="Thêm nhiệm vụ").click()
    page.fill("#id_statement", STATEMENT)
    page.select_option("#id_person", index=1)
    page.fill("#id_deadline", "2027-03-31")
    page.select_option("#id_accountable_unit", index=1)
    page.fill("#id_expected_output", "Bảng theo dõi tiến độ được cập nhật hằng tháng")
    page.fill("#id_measure", "12/12 tháng có báo cáo tiến độ")
    assert page.locator("#id_criteria").evaluate(
        "s => Array.from(s.selectedOptions, o => o.value)"
    ) == [leaf_id]
    page.click("text=Thêm nhiệm vụ (bản nháp)")
    expect(page.locator("tr.task-row", has_text=STATEMENT)).to_contain_text("Đủ 5 rõ")
    task = Task.objects.get(round=round, unit__code=WARD, statement=STATEMENT)
    row = page.locator(f"#task-{task.pk}")
    row.locator("summary").click()
    row.locator("button", has_text="Phê duyệt").click()
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("đã phê duyệt")
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert list(task.criteria.values_list("leaf_id", flat=True)) == [leaf_id]
    screenshot("journey-plan")

    # What it takes to reach group A, without saving anything.
    tasks_before = Task.objects.count()
    page.goto(f"{base}/what-if/")
    page.locator("button[name=action][value=top_band]").click()
    expect(page.locator("[data-testid=whatif-class]")).to_have_text("Nhóm A")
    assert Task.objects.count() == tasks_before
    screenshot("journey-what-if")

    # The conference pack, as a PDF: the ward, the cause and the task are in it.
    page.goto(f"{base}/diagnosis/")
    with page.expect_download() as download:
        page.locator("[data-testid=download-report-pdf]").click()
    assert download.value.suggested_filename == f"govindex-2025-{WARD}-vi.pdf"
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert len(pdf.pages) >= 3
    for expected in ("Phường Hoàn Kiếm", CAUSE, STATEMENT):
        assert expected in text, expected
    assert errors == []
