from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from govindex.feedback.models import FeedbackCategory
from govindex.orgs.models import Unit
from tests.factories import UnitFactory
from tests.feedback.factories import CategoryFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args: int) -> datetime:
    """A moment in Hanoi time: ``hanoi(2025, 1, 24, 10)`` is Friday 24 Jan 2025 10:00."""
    return datetime(*args, tzinfo=HANOI)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def english(settings) -> object:
    """Messages in English (the msgids) whatever the translations say: requests without an
    Accept-Language header get ``LANGUAGE_CODE``; a test that wants Vietnamese asks for it."""
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # the public map is cached for a minute
    with translation.override("en"):
        yield


@pytest.fixture
def ward(db: None) -> Unit:
    return UnitFactory(code="00070", name_vi="Phường Hoàn Kiếm", name_en="Hoan Kiem Ward")


@pytest.fixture
def other_ward(db: None) -> Unit:
    return UnitFactory(code="00082", name_vi="Phường Cửa Nam", name_en="Cua Nam Ward")


@pytest.fixture
def category(db: None) -> FeedbackCategory:
    return CategoryFactory(code="sidewalk", name_vi="Lấn chiếm vỉa hè", name_en="Sidewalk")
