"""factory_boy factories for the feedback app (set-up rows; behaviour goes through services)."""

from __future__ import annotations

import factory

from govindex.feedback.models import (
    AreaLocation,
    CategoryGroup,
    FeedbackCategory,
    RoutingRule,
    Severity,
)
from govindex.orgs.models import UnitKind
from tests.factories import UnitFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name_vi = factory.Sequence(lambda n: f"Loại phản ánh {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    description = "Test category"
    group = CategoryGroup.URBAN_ORDER
    severity = Severity.NORMAL


class DepartmentFactory(UnitFactory):
    code = factory.Sequence(lambda n: f"SO{n}")
    name_vi = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test Department {n}")
    kind = UnitKind.DEPARTMENT


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    category = factory.SubFactory(CategoryFactory)
    area = None
    unit = factory.SubFactory(DepartmentFactory)


class AreaLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaLocation

    area = factory.SubFactory(UnitFactory)
    lat = 21.0285
    lon = 105.8542
    source = "test"
