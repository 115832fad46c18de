"""Rate limits per IP address, per account and per API key, counted in the database so every
server process sees the same counts. IP addresses are kept only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.errors import ApplicationError
from govindex.feedback.models import RateCounter

HOUR = 3600


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_seconds: int


#: Reports from one IP address without signing in, per hour.
SUBMIT_ANONYMOUS_IP = Limit("submit-ip", 5, HOUR)
#: Reports from one signed-in account, per hour, and from one IP whoever is signed in (offices
#: and mobile networks share addresses).
SUBMIT_ACCOUNT = Limit("submit-account", 20, HOUR)
SUBMIT_ANY_IP = Limit("submit-any-ip", 60, HOUR)
#: Ratings and abuse reports from one IP address, per hour.
REACT_IP = Limit("react-ip", 30, HOUR)


def ip_key(ip: str) -> str:
    """A keyed hash of an IP address: counts and one-report-per-person without keeping the IP."""
    digest = hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def rate_limit_hit(*, limit: Limit, who: str, now: datetime | None = None) -> int:
    """Count one request of ``who`` against ``limit``; refuse it (HTTP 429) over the limit.

    Race-safe: the window's row is created with ``ignore_conflicts`` and incremented with ``F()``.
    """
    now = now or timezone.now()
    key = f"{limit.name}:{who}"[:100]
    window = _window(now, limit.window_seconds)
    with transaction.atomic():
        RateCounter.objects.bulk_create(
            [RateCounter(key=key, window_start=window, count=0)], ignore_conflicts=True
        )
        RateCounter.objects.filter(key=key, window_start=window).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window_start=window).values_list(
            "count", flat=True
        )[0]
    if count > limit.limit:
        retry = int((window + timedelta(seconds=limit.window_seconds) - now).total_seconds())
        raise ApplicationError(
            _("Too many requests; please try again in %(minutes)d minutes.")
            % {"minutes": max(1, retry // 60)},
            code="rate_limited",
            status=429,
        )
    return count


def rate_counters_prune(*, now: datetime | None = None, keep_seconds: int = 2 * 86400) -> int:
    """Delete windows older than ``keep_seconds`` (the periodic job calls it)."""
    now = now or timezone.now()
    deleted, _rows = RateCounter.objects.filter(
        window_start__lt=now - timedelta(seconds=keep_seconds)
    ).delete()
    return deleted
