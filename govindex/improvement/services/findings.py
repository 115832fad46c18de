"""Findings (the root cause of a criterion not achieved, and who answers for it) and the lead
department the city gives a criterion."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.assessments.models import Round
from govindex.audit.services import Actor, audit_record
from govindex.errors import ApplicationError
from govindex.improvement.models import CriterionLead, Finding, RootCause
from govindex.improvement.root_causes import DEFAULT_ROOT_CAUSES
from govindex.improvement.services.checks import (
    clean_or_refuse,
    require_leaves,
    require_plans_open,
    require_round_unit,
    user_label,
)
from govindex.orgs.models import Unit, UnitKind


@transaction.atomic
def root_causes_seed(*, actor: Actor) -> int:
    """Add the default root causes (``root_causes.DEFAULT_ROOT_CAUSES``) that are missing, each
    with an audit record; causes already there are left as the administrators made them.
    Returns how many were added."""
    added = 0
    for order, (code, name_vi, name_en, name_id) in enumerate(DEFAULT_ROOT_CAUSES, start=1):
        cause, created = RootCause.objects.get_or_create(
            code=code,
            defaults={"name_vi": name_vi, "name_en": name_en, "name_id": name_id, "order": order},
        )
        if created:
            audit_record(
                actor=actor,
                action="root_cause.create",
                target=cause,
                after={"code": code, "name_vi": name_vi, "order": order},
            )
            added += 1
    return added


def _finding_state(finding: Finding) -> dict[str, Any]:
    return {
        "leaf_id": finding.leaf_id,
        "root_cause": finding.root_cause.code,
        "cause_text": finding.cause_text,
        "responsible_unit": finding.responsible_unit.code,
        "responsible_person": user_label(finding.responsible_person),
        "responsible_person_name": finding.responsible_person_name,
    }


@transaction.atomic
def finding_record(
    *,
    round: Round,
    unit: Unit,
    leaf_id: str,
    root_cause: RootCause,
    cause_text: str,
    responsible_unit: Unit,
    responsible_person: AbstractBaseUser | None = None,
    responsible_person_name: str = "",
    actor: Actor,
) -> Finding:
    """Record (or correct) why ``unit`` did not achieve ``leaf_id`` in ``round`` and who answers
    for it: a root cause from the list, free text, the responsible unit and person (an account,
    or a name for someone without one)."""
    require_plans_open(round)
    require_round_unit(round, unit)
    require_leaves(round, [leaf_id])
    responsible_person_name = responsible_person_name.strip()
    if responsible_person is None and not responsible_person_name:
        raise ApplicationError(
            _("Name the person responsible (an account or a name)."),
            code="responsible_person_missing",
        )
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("root_cause", "responsible_unit", "responsible_person")
        .filter(round=round, unit=unit, leaf_id=leaf_id)
        .first()
    )
    created = finding is None
    if finding is None:
        finding = Finding(round=round, unit=unit, leaf_id=leaf_id)
    elif finding.root_cause_id != root_cause.pk and not root_cause.active:
        raise ApplicationError(
            _("Root cause %(cause)r is no longer in use; choose another.")
            % {"cause": root_cause.code},
            code="root_cause_retired",
        )
    if created and not root_cause.active:
        raise ApplicationError(
            _("Root cause %(cause)r is no longer in use; choose another.")
            % {"cause": root_cause.code},
            code="root_cause_retired",
        )
    before = None if created else _finding_state(finding)
    finding.root_cause = root_cause
    finding.cause_text = cause_text.strip()
    finding.responsible_unit = responsible_unit
    finding.responsible_person = responsible_person
    finding.responsible_person_name = "" if responsible_person else responsible_person_name
    after = _finding_state(finding)
    if after == before:
        return finding
    finding.recorded_by = actor if isinstance(actor, AbstractBaseUser) else None
    finding.recorded_at = timezone.now()
    clean_or_refuse(finding)
    finding.save()
    audit_record(
        actor=actor,
        action="finding.record",
        target=finding,
        before=before,
        after={"round": round.pk, "unit": unit.code, **after},
    )
    return finding


@transaction.atomic
def criterion_lead_assign(
    *, round: Round, leaf_id: str, lead_unit: Unit, actor: Actor, note: str = ""
) -> CriterionLead:
    """Make ``lead_unit`` (a department) lead for ``leaf_id`` in ``round``, replacing any earlier
    lead of that criterion."""
    require_plans_open(round)
    require_leaves(round, [leaf_id])
    if lead_unit.kind != UnitKind.DEPARTMENT:
        raise ApplicationError(
            _("%(unit)s is a %(kind)s; only a department can lead a criterion.")
            % {"unit": lead_unit.code, "kind": UnitKind(lead_unit.kind).label},
            code="lead_not_department",
        )
    if lead_unit.active_to is not None and lead_unit.active_to < timezone.localdate():
        raise ApplicationError(
            _("%(unit)s no longer exists (it ended on %(date)s); choose the department after it.")
            % {"unit": lead_unit.code, "date": lead_unit.active_to.isoformat()},
            code="lead_unit_ended",
        )
    lead = (
        CriterionLead.objects.select_for_update(of=("self",))
        .select_related("lead_unit")
        .filter(round=round, leaf_id=leaf_id)
        .first()
    )
    before = None if lead is None else {"lead_unit": lead.lead_unit.code, "note": lead.note}
    after = {"lead_unit": lead_unit.code, "note": note.strip()}
    if lead is not None and before == after:
        return lead
    if lead is None:
        lead = CriterionLead(round=round, leaf_id=leaf_id)
    lead.lead_unit = lead_unit
    lead.note = note.strip()
    lead.assigned_by = actor if isinstance(actor, AbstractBaseUser) else None
    lead.assigned_at = timezone.now()
    clean_or_refuse(lead)
    lead.save()
    audit_record(
        actor=actor,
        action="criterion_lead.assign",
        target=lead,
        before=before,
        after={"round": round.pk, "leaf_id": leaf_id, **after},
    )
    return lead
