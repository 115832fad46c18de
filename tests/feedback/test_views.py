"""Citizen pages and staff screens through the Django test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govindex.feedback.models import CasePhoto, CaseStatus, FeedbackCase, RateCounter, Rating
from govindex.feedback.services import feedback_transition
from govindex.orgs.models import Role
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.feedback.test_feedback_transition import drive, submit

pytestmark = pytest.mark.django_db
S = CaseStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def report(client: Client, category, ward, **extra):
    data = {
        "category": category.pk,
        "description": "Rác thải đổ trộm ở đầu ngõ 5. Gọi tôi: 0912 345 678",
        "area": ward.pk,
        "address": "Ngõ 5 Hàng Bông",
        "lat": "21.0301",
        "lon": "105.8470",
        "contact_name": "Trần Thị Bình",
        "contact_email": "binh@example.vn",
        "contact_phone": "0912345678",
        **extra,
    }
    return client.post(reverse("feedback:new"), data)


def test_anonymous_report_with_a_photo_and_its_public_page(client, category, ward, media):
    photo = SimpleUploadedFile("rac.png", PNG, content_type="image/png")
    response = report(client, category, ward, photos=[photo])
    assert response.status_code == 302
    case = FeedbackCase.objects.get()
    assert response["Location"].startswith(f"/feedback/c/{case.tracking_code}/?k=")
    assert (case.contact_name, case.handling_unit, case.area) == ("Trần Thị Bình", ward, ward)
    stored = CasePhoto.objects.get(case=case)
    assert (stored.content_type, stored.size) == ("image/png", len(PNG))
    assert str(media) in stored.file.path
    page = client.get(response["Location"]).content.decode()
    assert "Trần Thị Bình" not in page and "binh@example.vn" not in page
    assert "0912" not in page and "•••• ••• •••" in page
    # The photo is not public before the answer is published.
    assert client.get(reverse("feedback:photo", args=[stored.pk])).status_code == 404
    assert Client().get(reverse("feedback:photo", args=[stored.pk])).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(client, category, ward):
    fake = SimpleUploadedFile("rac.jpg", b"<?php system($_GET['x']); ?>", content_type="image/jpeg")
    response = report(client, category, ward, photos=[fake])
    assert response.status_code == 400
    assert "is not a JPEG, PNG or WebP image" in response.content.decode()
    assert FeedbackCase.objects.count() == 0


def test_anonymous_submissions_are_throttled_per_ip(category, ward):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert report(client, category, ward).status_code == 302
    response = report(client, category, ward)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert FeedbackCase.objects.count() == 5
    # Another address is not affected.
    assert report(Client(REMOTE_ADDR="198.51.100.8"), category, ward).status_code == 302


def test_signed_in_accounts_have_their_own_limit(category, ward):
    user = UserFactory()
    client = Client(REMOTE_ADDR="198.51.100.9")
    client.force_login(user)
    for _ in range(20):
        assert report(client, category, ward).status_code == 302
    assert report(client, category, ward).status_code == 429
    assert RateCounter.objects.get(key=f"submit-account:{user.pk}").count == 21
    assert FeedbackCase.objects.filter(submitted_by=user).count() == 20


def test_rating_once_by_the_sender_only(client, category, ward):
    location = report(client, category, ward)["Location"]
    case = drive(FeedbackCase.objects.get(), S.PUBLISHED, ward)
    key = location.split("k=")[1]
    stranger = Client()
    url = reverse("feedback:rate", args=[case.tracking_code])
    stranger.post(url, {"value": Rating.UNSATISFIED})
    assert FeedbackCase.objects.get(pk=case.pk).rating == ""
    # The sender, from another browser, with the key of the receipt link.
    other_browser = Client()
    page = other_browser.get(f"{reverse('feedback:case', args=[case.tracking_code])}?k={key}")
    assert "Send my rating" in page.content.decode()
    other_browser.post(url, {"value": Rating.SATISFIED, "k": key})
    case.refresh_from_db()
    assert (case.rating, case.status) == (Rating.SATISFIED, S.CLOSED)
    response = client.post(url, {"value": Rating.UNSATISFIED}, follow=True)
    assert "already been rated" in response.content.decode()
    assert FeedbackCase.objects.get(pk=case.pk).status == S.CLOSED


def test_public_list_shows_only_answered_visible_cases(client, category, ward):
    answered = drive(submit(category, ward), S.PUBLISHED, ward)
    waiting = submit(category, ward)
    hidden = drive(submit(category, ward), S.PUBLISHED, ward)
    FeedbackCase.objects.filter(pk=hidden.pk).update(hidden=True)
    page = client.get(reverse("feedback:home")).content.decode()
    assert answered.tracking_code in page
    assert waiting.tracking_code not in page and hidden.tracking_code not in page
    assert client.get(reverse("feedback:case", args=[hidden.tracking_code])).status_code == 404
    assert '"feedback-map-data"' in page


def test_similar_cases_are_suggested(client, category, ward):
    now = timezone.now()
    near = submit(category, ward, lat=21.03, lon=105.847, now=now)
    submit(category, ward, lat=21.05, lon=105.847, now=now)  # 2.2 km away
    submit(category, ward, lat=21.03, lon=105.847, now=now - timedelta(days=31))  # too old
    response = client.get(
        reverse("feedback:similar"), {"category": category.pk, "lat": "21.0305", "lon": "105.8470"}
    )
    text = response.content.decode()
    # The link, its text and the "same problem" button of the one near, recent case.
    assert re.findall(r"PA\d\d-\w{7}", text) == [near.tracking_code] * 3
    assert "56 m away" in text


def test_units_page_shows_the_indicators(client, category, ward):
    drive(submit(category, ward), S.PUBLISHED, ward)
    response = client.get(reverse("feedback:units"), {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Hoan Kiem Ward" in text and 'id="indicators-table"' in text
    assert "100.00" in text


def test_staff_queue_is_scoped_to_the_users_units(category, ward, other_ward):
    mine = submit(category, ward)
    theirs = submit(category, other_ward)
    staff = MembershipFactory(unit=ward, role=Role.STAFF).user
    client = Client()
    client.force_login(staff)
    text = client.get(reverse("feedback:staff-queue")).content.decode()
    assert mine.tracking_code in text and theirs.tracking_code not in text
    assert (
        client.get(reverse("feedback:staff-case", args=[theirs.tracking_code])).status_code == 404
    )
    response = client.post(
        reverse("feedback:staff-act", args=[theirs.tracking_code]), {"action": "accept"}
    )
    assert response.status_code == 404
    assert FeedbackCase.objects.get(pk=theirs.pk).status == S.RECEIVED
    assert client.get(reverse("feedback:staff-push-avoid")).status_code == 403
    city = MembershipFactory(unit=UnitFactory(code="HN", kind="city"), role=Role.CITY_LEADER).user
    client.force_login(city)
    text = client.get(reverse("feedback:staff-queue")).content.decode()
    assert mine.tracking_code in text and theirs.tracking_code in text
    assert client.get(reverse("feedback:staff-push-avoid")).status_code == 200
    # The city sees but does not handle.
    client.post(reverse("feedback:staff-act", args=[theirs.tracking_code]), {"action": "accept"})
    assert FeedbackCase.objects.get(pk=theirs.pk).status == S.RECEIVED
    assert Client().get(reverse("feedback:staff-queue")).status_code == 302


def test_staff_handle_a_case_through_the_screens(category, ward, other_ward):
    case = submit(category, ward)
    staff = MembershipFactory(unit=ward, role=Role.STAFF).user
    client = Client()
    client.force_login(staff)
    act = reverse("feedback:staff-act", args=[case.tracking_code])
    client.post(act, {"action": "accept"})
    client.post(act, {"action": "answer", "answer": "Đã thu gom rác."})
    client.post(act, {"action": "publish"})
    case.refresh_from_db()
    assert (case.status, case.public_answer) == (S.PUBLISHED, "Đã thu gom rác.")
    assert [e.actor_label for e in case.events.all()][1:] == [staff.username] * 3
    second = submit(category, ward)
    client.post(
        reverse("feedback:staff-act", args=[second.tracking_code]),
        {"action": "transfer", "to_unit": other_ward.pk, "transfer_reason": "wrong_area"},
    )
    second.refresh_from_db()
    assert (second.handling_unit, second.transfer_count) == (other_ward, 1)


def test_staff_case_page_renders_every_action(category, ward):
    case = submit(category, ward)
    staff = MembershipFactory(unit=ward, role=Role.LEADER).user
    client = Client()
    client.force_login(staff)
    text = client.get(reverse("feedback:staff-case", args=[case.tracking_code])).content.decode()
    for label in (">Accept<", ">Reject<", ">Transfer<", "Report as sent"):
        assert label in text
    feedback_transition(case=case, to=S.ACCEPTED, actor=None)
    text = client.get(reverse("feedback:staff-case", args=[case.tracking_code])).content.decode()
    assert "Save the answer" in text and "Start work" in text and ">Accept<" not in text


def test_moderation_page(category, ward):
    from govindex.feedback.services import abuse_report_create

    case = drive(submit(category, ward), S.PUBLISHED, ward)
    for n in range(3):
        abuse_report_create(case=case, reason="spam", reporter_key=f"k{n}", actor=None)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert case.tracking_code in client.get(reverse("feedback:staff-moderation")).content.decode()
    client.post(
        reverse("feedback:staff-moderation"), {"code": case.tracking_code, "decision": "dismiss"}
    )
    assert FeedbackCase.objects.get(pk=case.pk).hidden is False


def test_abuse_report_from_the_public_page(client, category, ward):
    case = drive(submit(category, ward), S.PUBLISHED, ward)
    url = reverse("feedback:abuse", args=[case.tracking_code])
    client.post(url, {"reason": "offensive"})
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert "already reported" in response.content.decode()
    assert case.abuse_reports.count() == 1


def test_public_list_pages_without_counting(client, category, ward, django_assert_max_num_queries):
    codes = [drive(submit(category, ward), S.PUBLISHED, ward).tracking_code for _ in range(21)]
    client.get(reverse("feedback:home"))  # fill the map cache
    with django_assert_max_num_queries(4):
        first = client.get(reverse("feedback:home")).content.decode()
    second = client.get(reverse("feedback:home"), {"page": "2"}).content.decode()
    on_first = [code for code in codes if code in first]
    on_second = [code for code in codes if code in second]
    assert (len(on_first), len(on_second)) == (20, 1)
    assert 'href="?page=2' in first and 'href="?page=3' not in second
    assert client.get(reverse("feedback:home"), {"page": "x"}).status_code == 200
