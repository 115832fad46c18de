"""factory_boy factory for the city's calendar table (test set-up; behaviour goes through the
services)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import factory

from govindex.calendars.models import CalendarDay, CalendarDayKind, CalendarRevision


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ("day",)

    day = factory.Sequence(lambda n: dt.date(2027, 3, 1) + dt.timedelta(days=n))
    kind = CalendarDayKind.DAY_OFF
    name = factory.Sequence(lambda n: f"Test day {n}")
    note = "test factory"

    @classmethod
    def _create(cls, model_class: type[CalendarDay], *args: Any, **kwargs: Any) -> CalendarDay:
        row = super()._create(model_class, *args, **kwargs)
        # As the services do: a new revision, so no cached calendar misses this row.
        CalendarRevision.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})
        return row
