"""A unit's submission of its self-assessment, the appraiser's acceptance, and publication."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, Round, RoundState, RoundUnit
from govindex.assessments.selectors import self_assessment_progress
from govindex.assessments.services.rounds import round_transition
from govindex.assessments.services.scores import round_compute
from govindex.assessments.services.states import require_round_state
from govindex.audit.services import Actor, actor_fields, audit_record
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring.framework import Source


def _link(round: Round, unit: Unit) -> RoundUnit:
    try:
        return (
            RoundUnit.objects.select_for_update()
            .select_related("round", "unit")
            .get(round=round, unit=unit)
        )
    except RoundUnit.DoesNotExist:
        raise ApplicationError(
            f"{unit.code} does not take part in round {round.name!r}.",
            code="unit_not_in_round",
            status=404,
        ) from None


@transaction.atomic
def roundunit_submit(
    *, round: Round, unit: Unit, actor: Actor, submitted_at: datetime | None = None
) -> RoundUnit:
    """The unit leader submits the unit's self-assessment: every criterion the unit scores itself
    must have a value or be marked not applicable. A submission after the deadline is accepted
    and flagged late. Submitting twice changes nothing. ``submitted_at`` records a submission
    made earlier in another system (an import, the demo); by default it is now."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    link = _link(round, unit)
    if link.submitted_at is not None:
        return link
    require_round_state(round, {RoundState.OPEN}, doing=_("submit a self-assessment"))
    progress = self_assessment_progress(round, unit)
    if progress.missing:
        framework = round_framework(round, check_version=False)
        language = active_language()
        names = [f"“{framework.node(leaf_id).name(language)}”" for leaf_id in progress.missing]
        shown = "; ".join(names[:8]) + (
            _("; and %(count)d more") % {"count": len(names) - 8} if len(names) > 8 else ""
        )
        raise ApplicationError(
            _(
                "%(unit)s has %(missing)d of %(total)d criteria without a score: %(names)s. "
                "Score each one or mark it not applicable before submitting."
            )
            % {
                "unit": unit.name_in(language),
                "missing": len(progress.missing),
                "total": progress.total,
                "names": shown,
            },
            code="self_assessment_incomplete",
        )
    user, _label = actor_fields(actor)
    link.submitted_at = submitted_at or timezone.now()
    link.submitted_by = user
    link.save(update_fields=["submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="round_unit.submit",
        target=link,
        before={"submitted": False},
        after={"submitted": True, "unit": unit.code, "late": link.is_late},
    )
    return link


@transaction.atomic
def roundunit_return(*, round: Round, unit: Unit, actor: Actor, reason: str) -> RoundUnit:
    """Send a submitted self-assessment back to the unit for correction (round still open)."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    link = _link(round, unit)
    require_round_state(round, {RoundState.OPEN}, doing=_("return a self-assessment"))
    if link.submitted_at is None:
        raise ApplicationError(
            f"{unit.code} has not submitted its self-assessment; there is nothing to return.",
            code="not_submitted",
            status=409,
        )
    if not reason.strip():
        raise ApplicationError(
            "Say why the self-assessment goes back to the unit.", code="reason_required"
        )
    before = {"submitted_at": link.submitted_at}
    link.submitted_at = None
    link.submitted_by = None
    link.save(update_fields=["submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="round_unit.return",
        target=link,
        before=before,
        after={"submitted": False, "unit": unit.code},
        reason=reason,
    )
    return link


@transaction.atomic
def entries_accept_matching(*, round: Round, unit: Unit, actor: Actor) -> int:
    """Accept the unit's self-score as the appraised score on every self-assessed criterion not
    appraised yet (the appraiser's "accept all that match the evidence"). Returns how many."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, {RoundState.UNDER_APPRAISAL}, doing=_("appraise a score"))
    framework = round_framework(round, check_version=False)
    self_assessed = [leaf.id for leaf in framework.leaves if leaf.source is Source.SELF_ASSESSED]
    pending = Entry.objects.select_for_update().filter(
        round=round,
        unit=unit,
        leaf_id__in=self_assessed,
        appraised_value__isnull=True,
        self_value__isnull=False,
        not_applicable=False,
    )
    leaves = sorted(pending.values_list("leaf_id", flat=True))
    if not leaves:
        return 0
    pending.update(appraised_value=F("self_value"), appraisal_reason="", updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="entry.accept_matching",
        target=_link(round, unit),
        after={"unit": unit.code, "accepted": leaves},
    )
    return len(leaves)


@transaction.atomic
def round_publish(*, round: Round, actor: Actor) -> Round:
    """Score the appraised round once more from its final entries and publish it."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, {RoundState.APPRAISED}, doing=_("publish the round"))
    round_compute(round=round, actor=actor)
    return round_transition(round=round, to=RoundState.PUBLISHED, actor=actor)
