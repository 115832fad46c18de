from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govindex.assessments.models import PublishedResult
from govindex.assessments.selectors import published_results
from govindex.assessments.services import published_result_set
from govindex.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_published_results_are_recorded_then_corrected():
    published_result_set(
        framework_id="pci-vcci",
        year=2023,
        territory="Hà Nội",
        score=67.1,
        rank=28,
        rank_of=63,
        source="VCCI",
        actor=None,
    )
    corrected = published_result_set(
        framework_id="pci-vcci",
        year=2023,
        territory="Hà Nội",
        score=67.15,
        rank=28,
        rank_of=63,
        sub_scores={"transparency": 6.5},
        source="VCCI PCI 2023",
        actor=None,
    )

    assert PublishedResult.objects.count() == 1
    assert (corrected.score, corrected.sub_scores) == (67.15, {"transparency": 6.5})
    first, second = AuditRecord.objects.order_by("pk")
    assert first.before is None
    assert second.before["score"] == 67.1
    assert second.after["score"] == 67.15
    assert list(published_results("pci-vcci", territory="Hà Nội")) == [corrected]


def test_a_rank_beyond_the_number_ranked_is_refused():
    with pytest.raises(ValidationError) as raised:
        published_result_set(
            framework_id="pgi-vcci",
            year=2023,
            territory="Hà Nội",
            rank=64,
            rank_of=63,
            source="VCCI",
            actor=None,
        )
    assert [e.code for e in raised.value.error_dict["__all__"]] == ["rank_beyond_count"]
    assert not PublishedResult.objects.exists()
