"""Rounds: creation, units, state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govindex.assessments.frameworks import framework_for
from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.assessments.selectors import unappraised_units
from govindex.assessments.services.states import EDITABLE_STATES, require_round_state
from govindex.audit.services import Actor, audit_record
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit

#: Allowed moves of a round's state; moving back (the second table) needs a reason. A published
#: round is final: nothing moves it back (a correction is a new round).
FORWARD = {
    RoundState.DRAFT: {RoundState.OPEN},
    RoundState.OPEN: {RoundState.SUBMITTED},
    RoundState.SUBMITTED: {RoundState.UNDER_APPRAISAL},
    RoundState.UNDER_APPRAISAL: {RoundState.APPRAISED},
    RoundState.APPRAISED: {RoundState.PUBLISHED},
    RoundState.PUBLISHED: set(),
}
BACKWARD = {
    RoundState.DRAFT: set(),
    RoundState.OPEN: {RoundState.DRAFT},
    RoundState.SUBMITTED: {RoundState.OPEN},
    RoundState.UNDER_APPRAISAL: {RoundState.SUBMITTED},
    RoundState.APPRAISED: {RoundState.UNDER_APPRAISAL},
    RoundState.PUBLISHED: set(),
}
ROUND_EDITABLE_FIELDS = frozenset({"name", "deadline"})
#: Units join or leave a round only until its submissions close.
UNIT_LIST_STATES = frozenset({RoundState.DRAFT, RoundState.OPEN})


@transaction.atomic
def round_create(
    *,
    name: str,
    framework_id: str,
    period: str,
    year: int,
    actor: Actor,
    framework_version: str | None = None,
    deadline: date | None = None,
    units: Iterable[Unit] = (),
) -> Round:
    """A new round in ``draft``; its framework file must exist (and hold ``framework_version``
    when one is given; by default the round takes the file's version)."""
    framework = framework_for(framework_id)
    if framework_version is not None and framework_version != framework.version:
        raise ApplicationError(
            f"Framework {framework_id!r} is at version {framework.version!r}, not "
            f"{framework_version!r}.",
            code="framework_version_mismatch",
            status=409,
        )
    round = Round(
        name=name.strip(),
        framework_id=framework_id,
        framework_version=framework.version,
        period=period,
        year=year,
        deadline=deadline,
    )
    round.full_clean()
    round.save()
    codes = _add_units(round, units)
    audit_record(
        actor=actor,
        action="round.create",
        target=round,
        after={
            "name": round.name,
            "framework_id": framework_id,
            "framework_version": round.framework_version,
            "period": period,
            "year": year,
            "units": codes,
        },
    )
    return round


@transaction.atomic
def round_update(*, round: Round, actor: Actor, reason: str = "", **changes: Any) -> Round:
    """Change the round's ``name`` or ``deadline`` (its framework and period are fixed)."""
    unknown = sorted(set(changes) - ROUND_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            f"These round fields cannot be changed here: {', '.join(unknown)}.",
            code="round_field_not_editable",
        )
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, EDITABLE_STATES, doing=_("change the round"))
    changed = [name for name, value in changes.items() if getattr(round, name) != value]
    if not changed:
        return round
    before = {name: getattr(round, name) for name in changed}
    for name in changed:
        setattr(round, name, changes[name])
    round.full_clean()
    round.save(update_fields=changed)
    after = {name: getattr(round, name) for name in changed}
    audit_record(
        actor=actor, action="round.update", target=round, before=before, after=after, reason=reason
    )
    return round


def _add_units(round: Round, units: Iterable[Unit]) -> list[str]:
    wanted = {unit.pk: unit for unit in units}
    present = set(
        RoundUnit.objects.filter(round=round, unit__in=list(wanted)).values_list("unit", flat=True)
    )
    new = [unit for pk, unit in wanted.items() if pk not in present]
    RoundUnit.objects.bulk_create(
        [RoundUnit(round=round, unit=unit) for unit in new], ignore_conflicts=True
    )
    return sorted(unit.code for unit in new)


@transaction.atomic
def round_add_units(*, round: Round, units: Iterable[Unit], actor: Actor) -> list[str]:
    """Add units to the round (before its submissions close); returns the codes of those that
    were not in it yet."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, UNIT_LIST_STATES, doing=_("add units"))
    codes = _add_units(round, units)
    if codes:
        audit_record(actor=actor, action="round.add_units", target=round, after={"units": codes})
    return codes


@transaction.atomic
def round_remove_units(*, round: Round, units: Iterable[Unit], actor: Actor) -> list[str]:
    """Take units out of the round (their entries stay, unscored) before its submissions close;
    returns the codes removed."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, UNIT_LIST_STATES, doing=_("remove units"))
    links = RoundUnit.objects.filter(round=round, unit__in=[unit.pk for unit in units])
    codes = sorted(links.values_list("unit__code", flat=True))
    if codes:
        links.delete()
        audit_record(
            actor=actor, action="round.remove_units", target=round, before={"units": codes}
        )
    return codes


@transaction.atomic
def round_transition(*, round: Round, to: str, actor: Actor, reason: str = "") -> Round:
    """Move the round to state ``to`` along ``FORWARD`` (or back along ``BACKWARD`` with a
    reason). Publishing needs computed results."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    current = RoundState(round.state)
    if to not in RoundState.values:
        raise ApplicationError(f"Unknown round state {to!r}.", code="unknown_round_state")
    target = RoundState(to)
    if target not in FORWARD[current] | BACKWARD[current]:
        allowed = ", ".join(sorted(FORWARD[current] | BACKWARD[current])) or _("none")
        raise ApplicationError(
            _("Round %(name)r cannot move from %(current)s to %(target)s (allowed: %(allowed)s).")
            % {
                "name": round.name,
                "current": current.value,
                "target": target.value,
                "allowed": allowed,
            },
            code="round_transition_not_allowed",
            status=409,
        )
    if target in BACKWARD[current] and not reason.strip():
        raise ApplicationError(
            _("Moving round %(name)r back to %(target)s needs a reason.")
            % {"name": round.name, "target": target.value},
            code="reason_required",
        )
    if target is RoundState.APPRAISED and current is RoundState.UNDER_APPRAISAL:
        pending = unappraised_units(round)
        if pending:
            listed = ", ".join(f"{code} ({count})" for code, count in list(pending.items())[:10])
            if len(pending) > 10:
                listed += " " + _("and %(count)d more") % {"count": len(pending) - 10}
            raise ApplicationError(
                _(
                    "Round %(name)r still has self-assessed scores without an appraisal in "
                    "%(count)d units: %(listed)s. Appraise them (or accept the matching ones) "
                    "first."
                )
                % {"name": round.name, "count": len(pending), "listed": listed},
                code="appraisal_incomplete",
                status=409,
            )
    if target is RoundState.PUBLISHED and not round.unit_results.exists():
        raise ApplicationError(
            _("Compute the scores of round %(name)r before publishing it.") % {"name": round.name},
            code="round_not_computed",
            status=409,
        )
    round.state = target
    round.full_clean()
    round.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="round.transition",
        target=round,
        before={"state": current.value},
        after={"state": target.value},
        reason=reason,
    )
    return round
