"""In a real Chromium: a citizen sends a report with a photo, the ward answers and publishes,
the citizen rates the answer."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import Browser, Page, expect

from govindex.feedback.models import CasePhoto, CaseStatus, FeedbackCase, Rating
from govindex.orgs.models import Role
from tests.conftest import SCREENSHOT_DIR
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "ward-staff-password-1"


def png(width: int = 48, height: int = 32) -> bytes:
    """A small, valid, orange PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xf0\x8c\x28" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.django_db(transaction=True)
def test_citizen_reports_with_a_photo_the_ward_answers_the_citizen_rates(
    live_server, page: Page, browser: Browser, screenshot, category, ward, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = UserFactory(username="canbo.test")
    staff.set_password(PASSWORD)
    staff.save()
    MembershipFactory(user=staff, unit=ward, role=Role.STAFF)
    photo = tmp_path / "rac.png"
    photo.write_bytes(png())

    # 1. The citizen, not signed in, sends the report with a photo.
    page.goto(f"{live_server.url}/feedback/new/")
    page.select_option("select[name=category]", str(category.pk))
    page.fill(
        "textarea[name=description]",
        "Xe máy đỗ kín vỉa hè trước số 12 Hàng Bông. Gọi tôi: 0912 345 678",
    )
    page.select_option("select[name=area]", str(ward.pk))
    page.fill("input[name=address]", "12 Hàng Bông")
    page.fill("input[name=lat]", "21.0301")
    page.fill("input[name=lon]", "105.8470")
    page.set_input_files("input[name=photos]", str(photo))
    page.fill("input[name=contact_name]", "Lê Văn Công")
    screenshot("feedback-1-report-form")
    page.click("form.report-form button[type=submit]")
    page.wait_for_url("**/feedback/c/*/?k=*")
    case = FeedbackCase.objects.get()
    receipt = page.url
    expect(page.locator("h1")).to_contain_text(case.tracking_code)
    body = page.locator("main").inner_text()
    assert "0912" not in body and "Lê Văn Công" not in body
    assert CasePhoto.objects.filter(case=case, content_type="image/png").count() == 1
    screenshot("feedback-2-receipt")

    # 2. The ward's staff accepts, answers and publishes.
    staff_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    try:
        staff_page.goto(f"{live_server.url}/accounts/login/?next=/feedback/staff/")
        staff_page.fill("input[name=username]", "canbo.test")
        staff_page.fill("input[name=password]", PASSWORD)
        staff_page.locator("form button[type=submit], form input[type=submit]").last.click()
        staff_page.wait_for_url("**/feedback/staff/")
        staff_page.click(f"text={case.tracking_code}")
        staff_page.locator("form:has(input[name=action][value=accept]) button").click()
        staff_page.fill(
            "#answer-form textarea[name=answer]",
            "Phường đã giải tỏa, lập biên bản hộ vi phạm. Hotline phường: 024 3825 1234.",
        )
        staff_page.locator("#answer-form button").click()
        staff_page.locator("form:has(input[name=action][value=publish]) button").click()
        # The case page after publishing has no action left but the history shows the steps.
        expect(staff_page.locator("form:has(input[name=action][value=publish])")).to_have_count(0)
        expect(staff_page.locator(".answer-box")).to_contain_text("Hotline phường: 024 3825 1234")
        case.refresh_from_db()
        assert case.status == CaseStatus.PUBLISHED
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        staff_page.screenshot(path=str(SCREENSHOT_DIR / "feedback-3-staff.png"), full_page=True)
    finally:
        staff_context.close()

    # 3. The citizen comes back to the receipt link, sees the answer and the photo, rates it.
    page.goto(receipt)
    expect(page.locator("#case-answer")).to_contain_text("Phường đã giải tỏa")
    expect(page.locator("#case-answer")).not_to_contain_text("3825")
    expect(page.locator(".photos img")).to_have_count(1)
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 48
    page.check("input[name=value][value=satisfied]")
    page.click("form.rating-form button[type=submit]")
    expect(page.locator("#case-rating")).to_be_visible()
    expect(page.locator("form.rating-form")).to_have_count(0)
    screenshot("feedback-4-rated")
    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.SATISFIED)
