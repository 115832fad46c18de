"""Headline results published by others (PCI, PGI, PAR INDEX, SIPAS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import CheckConstraint

from govindex.assessments.models import PublishedResult
from govindex.audit.services import Actor, audit_record


@transaction.atomic
def published_result_set(
    *,
    framework_id: str,
    year: int,
    territory: str,
    source: str,
    actor: Actor,
    score: float | None = None,
    rank: int | None = None,
    rank_of: int | None = None,
    sub_scores: Mapping[str, Any] | None = None,
    note: str = "",
) -> PublishedResult:
    """Record (or correct) a headline result someone else published, e.g. Hanoi's PCI 2023."""
    values = {
        "score": score,
        "rank": rank,
        "rank_of": rank_of,
        "sub_scores": dict(sub_scores or {}),
        "source": source,
        "note": note,
    }
    candidate = PublishedResult(framework_id=framework_id, year=year, territory=territory, **values)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    try:  # the check constraints; uniqueness is what update_or_create settles
        for constraint in PublishedResult._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                constraint.validate(PublishedResult, candidate)
    except ValidationError as error:
        raise ValidationError({NON_FIELD_ERRORS: error.error_list}) from error
    existing = (
        PublishedResult.objects.select_for_update()
        .filter(framework_id=framework_id, year=year, territory=territory)
        .first()
    )
    before = None
    if existing is not None:
        before = {name: getattr(existing, name) for name in values}
    result, _ = PublishedResult.objects.update_or_create(
        framework_id=framework_id, year=year, territory=territory, defaults=values
    )
    audit_record(
        actor=actor, action="published_result.set", target=result, before=before, after=values
    )
    return result
