"""The city's calendar table: days that differ from Vietnam's national calendar.

A row makes its day a day off or a working day whatever the national calendar (the ``holidays``
package) says: extra days off and make-up working days (Saturdays worked in exchange for a
swapped day off). Rows change only through ``govindex.calendars.services``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("day off")
    WORKING_DAY = "working_day", _("working day")


class CalendarDay(models.Model):
    day = models.DateField(unique=True)
    kind = models.CharField(max_length=12, choices=CalendarDayKind.choices)
    name = models.CharField(
        max_length=200, help_text=_("What the day is, e.g. the swap it is part of.")
    )
    note = models.TextField(
        blank=True, help_text=_("The source: the official document that decided it.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("day",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="calendars_calendarday_kind_valid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}: {self.name}"


class CalendarRevision(models.Model):
    """One row whose ``token`` every change to the table replaces, so each process can tell that
    the working calendar it cached is stale. A random token rather than a counter: a rolled-back
    change must never leave a value that a later change could produce again."""

    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar revision {self.token} ({self.changed_at:%Y-%m-%d %H:%M})"
