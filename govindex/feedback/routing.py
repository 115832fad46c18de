"""Which unit handles a report: the routing table (category × area → unit), and the area of a
point when the citizen gave coordinates but no commune/ward."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from govindex.errors import ApplicationError
from govindex.feedback.models import AreaLocation, FeedbackCategory, RoutingRule
from govindex.orgs.models import Unit, UnitKind

EARTH_RADIUS_M = 6_371_000.0
#: A point farther than this from every known area centre is outside the city.
MAX_AREA_DISTANCE_M = 25_000.0
AREA_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def area_for_point(lat: float, lon: float) -> Unit | None:
    """The commune/ward whose centre is nearest to the point (``None`` outside the city)."""
    best: tuple[float, int] | None = None
    for area_id, area_lat, area_lon in AreaLocation.objects.values_list("area_id", "lat", "lon"):
        distance = distance_m(lat, lon, area_lat, area_lon)
        if best is None or distance < best[0]:
            best = (distance, area_id)
    if best is None or best[0] > MAX_AREA_DISTANCE_M:
        return None
    return Unit.objects.get(pk=best[1])


def route_case(category: FeedbackCategory, area: Unit | None) -> Unit:
    """The handling unit: the rule for this category and area, else the category's rule for
    every area, else the commune/ward itself (local matters are the commune's first)."""
    rules = RoutingRule.objects.filter(category=category).select_related("unit")
    if area is not None:
        rule = rules.filter(area=area).first()
        if rule is not None:
            return rule.unit
    rule = rules.filter(area__isnull=True).first()
    if rule is not None:
        return rule.unit
    if area is not None and area.kind in AREA_KINDS:
        return area
    raise ApplicationError(
        _("No unit handles this category here yet; choose the commune or ward of the problem."),
        code="no_handling_unit",
        status=400,
    )
