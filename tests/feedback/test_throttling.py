"""Rate limits counted in the database per fixed window."""

from __future__ import annotations

import pytest

from govindex.errors import ApplicationError
from govindex.feedback.models import RateCounter
from govindex.feedback.throttling import Limit, ip_key, rate_counters_prune, rate_limit_hit
from tests.feedback.conftest import hanoi

pytestmark = pytest.mark.django_db
LIMIT = Limit("test", 3, 3600)


def test_the_fourth_request_in_an_hour_is_refused_and_the_next_hour_is_fresh() -> None:
    for n in range(1, 4):
        assert rate_limit_hit(limit=LIMIT, who="a", now=hanoi(2025, 3, 10, 9, n)) == n
    with pytest.raises(ApplicationError) as refused:
        rate_limit_hit(limit=LIMIT, who="a", now=hanoi(2025, 3, 10, 9, 40))
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert "20 minutes" in refused.value.message
    assert rate_limit_hit(limit=LIMIT, who="b", now=hanoi(2025, 3, 10, 9, 40)) == 1
    assert rate_limit_hit(limit=LIMIT, who="a", now=hanoi(2025, 3, 10, 10, 0)) == 1


def test_ip_key_is_a_stable_hash_not_the_address() -> None:
    assert ip_key("203.0.113.5") == ip_key("203.0.113.5")
    assert ip_key("203.0.113.5") != ip_key("203.0.113.6")
    assert len(ip_key("203.0.113.5")) == 32
    assert "203.0.113.5" not in ip_key("203.0.113.5")


def test_old_windows_are_pruned() -> None:
    rate_limit_hit(limit=LIMIT, who="a", now=hanoi(2025, 3, 1, 9))
    rate_limit_hit(limit=LIMIT, who="a", now=hanoi(2025, 3, 10, 9))
    assert rate_counters_prune(now=hanoi(2025, 3, 10, 10)) == 1
    assert RateCounter.objects.count() == 1
