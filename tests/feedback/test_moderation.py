"""Masking of personal data and profanity, photo checks, abuse reports."""

from __future__ import annotations

import pytest

from govindex.errors import ApplicationError
from govindex.feedback.models import AbuseReason, FeedbackCase
from govindex.feedback.moderation import moderate_text, photo_check, photo_type
from govindex.feedback.services import abuse_report_create, abuse_reports_resolve

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi 0912345678 nhé", "Gọi •••••••••• nhé"),
        ("SĐT: 0912 345 678.", "SĐT: •••• ••• •••."),
        ("số 091.234.5678", "số •••.•••.••••"),
        ("+84 912 345 678 gọi", "+•• ••• ••• ••• gọi"),
        ("máy bàn 024 3825 1234", "máy bàn ••• •••• ••••"),
        ("CCCD 001085012345 của tôi", "CCCD •••••••••••• của tôi"),
        ("CMND 012345678", "CMND •••••••••"),
        ("email an.nguyen@gmail.com", "email •••@•••"),
        ("Năm 2025, số nhà 125, ngõ 34", "Năm 2025, số nhà 125, ngõ 34"),
        ("Bọn đéo làm gì cả, địt", "Bọn *** làm gì cả, ***"),
        ("Bọn đéo làm", "Bọn *** làm"),  # decomposed é
        ("What the FUCK", "What the ****"),
        ("Đường Đê La Thành", "Đường Đê La Thành"),
    ],
)
def test_moderate_text(text: str, masked: str) -> None:
    assert moderate_text(text).text == masked


def test_moderate_text_counts_what_it_masked() -> None:
    result = moderate_text("0912345678, 001085012345, a@b.vn, đm")
    assert (result.phones, result.id_numbers, result.emails, result.profanities) == (1, 1, 1, 1)
    assert result.changed
    assert not moderate_text("Đèn đường hỏng").changed


def test_photo_type_by_content_not_name() -> None:
    assert photo_type(PNG[:16]) == "image/png"
    assert photo_type(JPEG[:16]) == "image/jpeg"
    assert photo_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert photo_type(b"GIF89a") is None
    assert photo_type(b"%PDF-1.7") is None


def test_photo_check_refuses_wrong_type_empty_and_large() -> None:
    assert photo_check(JPEG, name="a.jpg") == "image/jpeg"
    for data, code in [
        (b"<html>evil</html>", "photo_type"),
        (b"", "photo_empty"),
        (JPEG + b"\x00" * (5 * 1024 * 1024), "photo_too_large"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            photo_check(data, name="x.jpg")
        assert refused.value.code == code


@pytest.mark.django_db
def test_three_abuse_reports_hide_the_case_until_a_moderator_decides(category, ward) -> None:
    from tests.feedback.test_feedback_transition import submit

    case = submit(category, ward)
    for n in range(3):
        abuse_report_create(
            case=case, reason=AbuseReason.OFFENSIVE, reporter_key=f"ip{n}", actor=None
        )
        assert FeedbackCase.objects.get(pk=case.pk).hidden is (n == 2)
    with pytest.raises(ApplicationError) as refused:
        abuse_report_create(case=case, reason=AbuseReason.SPAM, reporter_key="ip0", actor=None)
    assert refused.value.code == "already_reported"
    assert abuse_reports_resolve(case=case, upheld=False, actor="system:test") == 3
    assert FeedbackCase.objects.get(pk=case.pk).hidden is False
