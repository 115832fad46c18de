"""The public real-time pages kept as rendered HTML for visitors without a session: no query per
request, each visitor's own CSRF token, new numbers once the counters change (rendered again after
a response once the refresh window has passed), and signed-in people served their own page."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.test import Client

from govindex.dossiers import page_cache
from govindex.dossiers.models import CounterState, DailyCount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RANKING = "/realtime/?period=2025-09"


@pytest.fixture(autouse=True)
def _no_kept_pages():
    page_cache.clear()
    yield
    page_cache.clear()


def token_in(html: str) -> str:
    [token] = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert f'"X-CSRFToken": "{token}"' in html
    return token


def test_a_kept_page_costs_no_query_and_carries_the_visitors_own_token(
    september, django_assert_num_queries, monkeypatch
) -> None:
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 3600.0)
    first, second = Client(), Client()
    rendered = first.get(RANKING).content.decode()
    with django_assert_num_queries(0):  # the version was read by the first request
        response = second.get(RANKING)
    kept = response.content.decode()
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0.0)
    with django_assert_num_queries(2):  # the data's version (counters, feedback), read again
        second.get(RANKING)

    assert page_cache.CSRF_SLOT not in rendered + kept
    assert token_in(kept) != token_in(rendered)
    assert "csrftoken" in response.cookies
    # Apart from the token the two visitors see the same page.
    assert kept.replace(token_in(kept), "") == rendered.replace(token_in(rendered), "")


def test_the_language_form_of_a_kept_page_is_accepted(september) -> None:
    Client().get(RANKING)  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    token = token_in(visitor.get(RANKING).content.decode())
    response = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": RANKING, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def bump_received(unit_code: str, by: int, *, new_version: bool = True) -> None:
    """A write as the services make them: counters change and the version moves."""
    row = DailyCount.objects.filter(unit__code=unit_code).order_by("day").first()
    DailyCount.objects.filter(pk=row.pk).update(received=row.received + by)
    if new_version:
        state = CounterState.objects.get()
        CounterState.objects.filter(pk=state.pk).update(version=state.version + 1)


def dossiers_shown(html: str) -> str:
    return re.findall(r'<td class="num">(\d+)</td>\s*</tr>', html)[0]


def test_new_numbers_show_once_the_refresh_window_has_passed(september, monkeypatch) -> None:
    from govindex.dossiers import selectors

    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0.0)
    visitor = Client()
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"
    bump_received("00004", 4)
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 3600.0)
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"  # within the window
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 0.0)
    # Past the window: the kept page is served once more and rendered again after the response.
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "10"
    # The counters change without a new version (another test's database): the page is kept
    # until the results are cleared, which drops the kept pages too.
    bump_received("00004", 1, new_version=False)
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 3600.0)
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "10"
    selectors.clear_cache()
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "11"


def test_signed_in_people_get_their_own_page(september, client) -> None:
    Client().get(RANKING)
    person = UserFactory(first_name="An", last_name="Nguyễn")
    client.force_login(person)
    html = client.get(RANKING).content.decode()
    assert "Sign out" in html or "Đăng xuất" in html
    assert page_cache.CSRF_SLOT not in html


def test_a_failed_render_after_the_response_is_logged_and_retried(
    september, monkeypatch, caplog
) -> None:
    from govindex.dossiers import views

    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0.0)
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 0.0)
    visitor = Client()
    visitor.get(RANKING)
    bump_received("00004", 4)
    failing = {"left": 1}
    real = views._ranking_context

    def broken(request):
        if failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("database gone")
        return real(request)

    monkeypatch.setattr(views, "_ranking_context", broken)
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"  # sent, then failed
    assert "re-rendering the kept page /realtime/?period=2025-09 failed" in caplog.text
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"  # tried again after it
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "10"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_page_is_rendered_again_in_a_thread(september, monkeypatch):
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0.0)
    monkeypatch.setattr(page_cache, "REFRESH_SECONDS", 0.0)
    visitor = Client()
    visitor.get(RANKING)
    bump_received("00004", 4)
    threads = threading.active_count()
    assert dossiers_shown(visitor.get(RANKING).content.decode()) == "6"
    shown, deadline = "6", time.monotonic() + 20
    while shown == "6" and time.monotonic() < deadline:
        time.sleep(0.05)
        shown = dossiers_shown(visitor.get(RANKING).content.decode())
    assert shown == "10"
    while threading.active_count() > threads and time.monotonic() < deadline:
        time.sleep(0.05)  # the render's thread ends (and closes its connection)
    assert threading.active_count() == threads
