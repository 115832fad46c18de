"""Organisational units (city, departments, communes/wards …), their reorganisations, and roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("city")
    PROVINCE = "province", _("province")
    DEPARTMENT = "department", _("department")
    AGENCY = "agency", _("agency")
    DISTRICT = "district", _("district")
    WARD = "ward", _("ward")
    COMMUNE = "commune", _("commune")
    SERVICE_CENTRE = "service_centre", _("service centre")


class Unit(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    name_id = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="orgs_unit_active_to_after_from",
                violation_error_code="ends_before_start",
                violation_error_message=_("A unit cannot end before it starts."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"

    def name_in(self, language: str = "vi") -> str:
        """The name in ``language`` (vi, en, id), falling back to Vietnamese."""
        return str(getattr(self, f"name_{language}", "") or self.name_vi)


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("merge")
    SPLIT = "split", _("split")
    RENAME = "rename", _("rename")


class UnitSuccession(models.Model):
    """``predecessor`` (wholly or partly) became ``successor`` on ``date``."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=SuccessionKind.choices)
    note = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="orgs_succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="orgs_succession_not_itself",
                violation_error_code="succeeds_itself",
                violation_error_message=_("A unit cannot succeed itself."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind}, {self.date})"


class Role(models.TextChoices):
    STAFF = "staff", _("unit staff")
    LEADER = "leader", _("unit leader")
    APPRAISER = "appraiser", _("appraiser")
    CITY_LEADER = "city_leader", _("city leader")
    ADMIN = "admin", _("administrator")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="orgs_membership_unique_role"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.unit_id}"
