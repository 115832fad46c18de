"""The public real-time pages' rendered HTML, kept in the process for visitors without a session.

A public page is the same for every anonymous visitor except its CSRF token (the language form
and htmx's header carry one). So it is rendered once with ``CSRF_SLOT`` in place of the token,
kept, and served with each visitor's own token put in the slot: a request then costs a string
replacement instead of the index and a template, and no query at all (the counters' version is
read at most every ``VERSION_SECONDS`` per process).

The kept HTML is used while the counters are unchanged, and for at most ``REFRESH_SECONDS``
after they change; then the next visitor still gets it, and the page is rendered again once that
response has been sent. Under a steady stream of events (every batch bumps the version) each page
is rendered at most once per ``REFRESH_SECONDS`` per process, no visitor waits for it, and new
numbers show within ``REFRESH_SECONDS`` + ``VERSION_SECONDS`` + the time to render plus the
page's polling interval. Signed-in people, and anyone carrying a session or pending messages,
get the page rendered for them as before (their pages differ).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.translation import get_language

from govindex.dossiers.selectors import cache_generation, data_version

#: How long a page may show the numbers of an earlier counter version (seconds).
REFRESH_SECONDS = 2.0
#: How often a process reads the counters' version from the database (seconds): between two
#: reads a kept page is served without touching the database at all.
VERSION_SECONDS = 0.25
#: Stands for the visitor's CSRF token in the kept HTML (letters only: nothing escapes it).
CSRF_SLOT = "govindexcsrftokenslot"
_SIZE = 256
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Page:
    html: str
    version: tuple[Hashable, ...]
    generation: int
    rendered_at: float


_pages: OrderedDict[tuple[str, ...], _Page] = OrderedDict()
_refreshing: set[tuple[str, ...]] = set()
_lock = threading.Lock()
_version_read: tuple[float, tuple[Hashable, ...], int] | None = None  # (when, version, generation)


def _version(generation: int, now: float) -> tuple[Hashable, ...]:
    """The data's version (``selectors.data_version``), read at most every ``VERSION_SECONDS``
    (and after a clear)."""
    global _version_read
    with _lock:
        read = _version_read
    if read is not None and read[2] == generation and now - read[0] < VERSION_SECONDS:
        return read[1]
    version = data_version()
    with _lock:
        _version_read = (now, version, generation)
    return version


def _cacheable(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def cached_page(
    request: HttpRequest, render: Callable[[dict[str, Any]], HttpResponse]
) -> HttpResponse:
    """The page ``render(extra_context)`` would give, from the process's cache when the visitor
    has no session. ``render`` must pass ``extra_context`` on to the template's context.

    A kept page that is out of date is still served, and rendered again once the response has
    been sent (the WSGI server's ``close()``), by one request only: no visitor waits for the
    index to be computed again, except the very first one."""
    if not _cacheable(request):
        return render({})
    key = (request.get_full_path(), get_language() or "", timezone.localdate().isoformat())
    generation, now = cache_generation(), time.monotonic()
    version = _version(generation, now)
    with _lock:
        page = _pages.get(key)
        if page is not None and page.generation != generation:  # results cleared: forget it
            page = None
        refresh = (
            page is not None
            and page.version != version
            and now - page.rendered_at >= REFRESH_SECONDS
            and key not in _refreshing
        )
        if refresh:
            _refreshing.add(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        response, page = _render(key, render, version, generation, now)
        if page is None:
            return response
    served = _KeptPage(page.html.replace(CSRF_SLOT, get_token(request)))
    if refresh:
        served.after_sent = functools.partial(_refresh, key, render, version, generation, now)
    return served


class _KeptPage(HttpResponse):
    """A kept page; ``after_sent`` starts when the server closes the response (its body sent),
    in a thread of its own so that the connection's next request does not wait for it — unless
    this request's database connection is inside a transaction (a test's), whose rows another
    thread's connection could not see."""

    after_sent: Callable[[], None] | None = None

    def close(self) -> None:
        try:
            if self.after_sent is not None:
                if connection.in_atomic_block:
                    self.after_sent()
                else:
                    threading.Thread(target=_in_thread, args=(self.after_sent,)).start()
        finally:
            super().close()


def _in_thread(work: Callable[[], None]) -> None:
    try:
        work()
    finally:
        connections.close_all()  # this thread's own connections


def _render(
    key: tuple[str, ...],
    render: Callable[[dict[str, Any]], HttpResponse],
    version: tuple[Hashable, ...],
    generation: int,
    now: float,
) -> tuple[HttpResponse, _Page | None]:
    response = render({"csrf_token": CSRF_SLOT})
    if response.status_code != 200 or response.streaming:
        return response, None
    page = _Page(response.content.decode(response.charset), version, generation, now)
    with _lock:
        _pages[key] = page
        while len(_pages) > _SIZE:
            _pages.popitem(last=False)
    return response, page


def _refresh(
    key: tuple[str, ...],
    render: Callable[[dict[str, Any]], HttpResponse],
    version: int,
    generation: int,
    now: float,
) -> None:
    """Render a kept page again after its stale copy was sent."""
    try:
        with translation.override(key[1] or None):
            _render(key, render, version, generation, now)
    except Exception:  # nobody waits for this render: say what went wrong
        logger.exception("re-rendering the kept page %s failed", key[0])
    finally:
        with _lock:
            _refreshing.discard(key)


def clear() -> None:
    global _version_read
    with _lock:
        _pages.clear()
        _version_read = None
