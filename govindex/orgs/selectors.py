"""Reads of units, their history and people's roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from govindex.orgs.models import Membership, Unit, UnitSuccession


def _walk(unit: Unit, *, backwards: bool) -> list[Unit]:
    """Breadth-first over successions, one query per generation; nearest first, then by code."""
    found: list[Unit] = []
    seen = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        if backwards:
            links = UnitSuccession.objects.filter(successor__in=frontier).select_related(
                "predecessor"
            )
            generation = {link.predecessor.pk: link.predecessor for link in links}
        else:
            links = UnitSuccession.objects.filter(predecessor__in=frontier).select_related(
                "successor"
            )
            generation = {link.successor.pk: link.successor for link in links}
        fresh = [found_unit for pk, found_unit in generation.items() if pk not in seen]
        fresh.sort(key=lambda found_unit: found_unit.code)
        found.extend(fresh)
        frontier = {found_unit.pk for found_unit in fresh}
        seen |= frontier
    return found


def unit_predecessors(unit: Unit) -> list[Unit]:
    """Every unit that became ``unit``, directly or through earlier reorganisations."""
    return _walk(unit, backwards=True)


def unit_successors(unit: Unit) -> list[Unit]:
    """Every unit ``unit`` became, directly or through later reorganisations."""
    return _walk(unit, backwards=False)


def units_active_on(day: date, kinds: Iterable[str] | None = None) -> QuerySet[Unit]:
    """Units in existence on ``day`` (an unknown start or end counts as open), by code."""
    units = Unit.objects.filter(
        Q(active_from__isnull=True) | Q(active_from__lte=day),
        Q(active_to__isnull=True) | Q(active_to__gte=day),
    )
    if kinds is not None:
        units = units.filter(kind__in=list(kinds))
    return units.order_by("code")


def memberships_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    """The user's roles with their units (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user).select_related("unit").order_by("unit__code", "role")
    )
