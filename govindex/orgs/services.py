"""Every write to units, their reorganisations and memberships."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from govindex.audit.services import Actor, audit_record
from govindex.errors import ApplicationError
from govindex.orgs.models import Membership, SuccessionKind, Unit, UnitSuccession
from govindex.orgs.selectors import unit_successors

#: Fields ``unit_update`` may change (``code`` is the official identity and never changes).
UNIT_EDITABLE_FIELDS = frozenset(
    {"name_vi", "name_en", "name_id", "kind", "parent", "active_from", "active_to", "source"}
)


def _unit_state(unit: Unit, fields: Sequence[str]) -> dict[str, Any]:
    return {field: getattr(unit, f"{field}_id" if field == "parent" else field) for field in fields}


@transaction.atomic
def unit_create(
    *,
    code: str,
    name_vi: str,
    kind: str,
    actor: Actor,
    name_en: str = "",
    name_id: str = "",
    parent: Unit | None = None,
    active_from: date | None = None,
    active_to: date | None = None,
    source: str = "",
) -> Unit:
    unit = Unit(
        code=code.strip(),
        name_vi=name_vi.strip(),
        name_en=name_en.strip(),
        name_id=name_id.strip(),
        kind=kind,
        parent=parent,
        active_from=active_from,
        active_to=active_to,
        source=source,
    )
    unit.full_clean()
    unit.save()
    after = _unit_state(unit, ["code", *sorted(UNIT_EDITABLE_FIELDS - {"source"})])
    audit_record(actor=actor, action="unit.create", target=unit, after=after)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: Actor, reason: str = "", **changes: Any) -> Unit:
    """Change some of ``UNIT_EDITABLE_FIELDS``; nothing changed means no write and no record."""
    unknown = sorted(set(changes) - UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            f"These unit fields cannot be changed here: {', '.join(unknown)}.",
            code="unit_field_not_editable",
        )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    changed = [field for field, value in changes.items() if getattr(unit, field) != value]
    if not changed:
        return unit
    before = _unit_state(unit, changed)
    for field in changed:
        setattr(unit, field, changes[field])
    unit.full_clean()
    unit.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="unit.update",
        target=unit,
        before=before,
        after=_unit_state(unit, changed),
        reason=reason,
    )
    return unit


def _check_reorganisation(
    predecessors: Sequence[Unit], successor: Unit, day: date, kind: str
) -> None:
    if not predecessors:
        raise ApplicationError("Name at least one predecessor unit.", code="no_predecessors")
    if kind not in SuccessionKind.values:
        raise ApplicationError(
            f"Unknown reorganisation kind {kind!r} (expected one of: "
            f"{', '.join(SuccessionKind.values)}).",
            code="unknown_reorganisation_kind",
        )
    if kind != SuccessionKind.MERGE and len(predecessors) != 1:
        raise ApplicationError(
            f"A {kind} has exactly one predecessor; use 'merge' for several.",
            code="reorganisation_predecessors",
        )
    codes = [unit.code for unit in predecessors]
    if successor.code in codes:
        raise ApplicationError(
            f"{successor.code} cannot be its own predecessor.", code="reorganisation_cycle"
        )
    after_successor = {unit.pk for unit in unit_successors(successor)}
    for predecessor in predecessors:
        if predecessor.active_from and predecessor.active_from >= day:
            raise ApplicationError(
                f"{predecessor} starts on {predecessor.active_from}, not before {day}.",
                code="reorganisation_date",
            )
        if predecessor.pk in after_successor:
            raise ApplicationError(
                f"{predecessor} already follows {successor}; the history would loop.",
                code="reorganisation_cycle",
            )
    recorded = UnitSuccession.objects.filter(successor=successor, predecessor__in=predecessors)
    if recorded.exists():
        names = ", ".join(
            sorted(link.predecessor.code for link in recorded.select_related("predecessor"))
        )
        raise ApplicationError(
            f"Already recorded as predecessors of {successor}: {names}.",
            code="reorganisation_duplicate",
        )
    if successor.active_to and successor.active_to < day:
        raise ApplicationError(
            f"{successor} ended on {successor.active_to}, before {day}.",
            code="reorganisation_date",
        )


@transaction.atomic
def unit_reorganise(
    *,
    predecessors: Sequence[Unit],
    successor: Unit,
    date: date,
    kind: str,
    actor: Actor,
    note: str = "",
) -> list[UnitSuccession]:
    """Record that ``predecessors`` became ``successor`` on ``date`` (its first day).

    The successor starts on ``date`` unless it already had a start; a merged or renamed
    predecessor ends the day before (a split one too: call once per successor with the same
    date). Comparisons across years then follow ``unit_predecessors``.
    """
    day = date
    predecessors = list(
        Unit.objects.select_for_update().filter(pk__in=[unit.pk for unit in predecessors])
    )
    successor = Unit.objects.select_for_update().get(pk=successor.pk)
    _check_reorganisation(predecessors, successor, day, kind)
    links = []
    for predecessor in sorted(predecessors, key=lambda unit: unit.code):
        link = UnitSuccession(
            predecessor=predecessor, successor=successor, date=day, kind=kind, note=note
        )
        link.full_clean()
        links.append(link)
    UnitSuccession.objects.bulk_create(links)
    last_day = day - timedelta(days=1)
    ended = {}
    for predecessor in predecessors:
        if predecessor.active_to is None or predecessor.active_to > last_day:
            ended[predecessor.code] = predecessor.active_to
            predecessor.active_to = last_day
            predecessor.full_clean()
            predecessor.save(update_fields=["active_to"])
    if successor.active_from is None:
        successor.active_from = day
        successor.full_clean()
        successor.save(update_fields=["active_from"])
    audit_record(
        actor=actor,
        action=f"unit.{kind}",
        target=successor,
        before={"active_to": ended},
        after={
            "predecessors": sorted(unit.code for unit in predecessors),
            "successor": successor.code,
            "date": day,
            "active_to": last_day if ended else None,
        },
        reason=note,
    )
    return links


@transaction.atomic
def membership_grant(*, user: AbstractBaseUser, unit: Unit, role: str, actor: Actor) -> Membership:
    """Give ``user`` a role in ``unit``; granting a role the user already has changes nothing."""
    membership = Membership(user=user, unit=unit, role=role)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            target=membership,
            after={"user": user.get_username(), "unit": unit.code, "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Actor, reason: str = "") -> None:
    before = {"user": membership.user.get_username(), "unit": membership.unit.code}
    before["role"] = membership.role
    deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="membership.revoke",
            target=("orgs.membership", membership.pk),
            before=before,
            reason=reason,
        )
