"""factory_boy factories for the models of audit, orgs and assessments.

Factories write rows directly (test set-up); the behaviour under test goes through services.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from govindex.assessments.models import Entry, PublishedResult, Round, RoundUnit
from govindex.orgs.models import Membership, Role, Unit, UnitKind, UnitSuccession


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    # Unusable: no hashing per user (tests that log in use ``admin_client`` or set a password).
    password = factory.LazyFunction(lambda: make_password(None))
    is_active = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name_vi = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Thu Nghiem {n} Ward")
    kind = UnitKind.WARD
    active_from = dt.date(2025, 7, 1)
    source = "test factory"


class UnitSuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitSuccession

    predecessor = factory.SubFactory(UnitFactory)
    successor = factory.SubFactory(UnitFactory)
    date = dt.date(2025, 7, 1)
    kind = "merge"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF


class RoundFactory(factory.django.DjangoModelFactory):
    """A round of the test framework ``tests/fixtures/frameworks/test-mini.yaml``."""

    class Meta:
        model = Round

    name = factory.Sequence(lambda n: f"Test round {n}")
    framework_id = "test-mini"
    framework_version = "2025"
    period = factory.Sequence(lambda n: f"2025-{n}")
    year = 2025


class RoundUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundUnit

    round = factory.SubFactory(RoundFactory)
    unit = factory.SubFactory(UnitFactory)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    round = factory.SubFactory(RoundFactory)
    unit = factory.SubFactory(UnitFactory)
    leaf_id = "a1.plan"


class PublishedResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedResult

    framework_id = "pci-vcci"
    year = 2023
    territory = "Hà Nội"
    score = 67.15
    rank = 28
    rank_of = 63
    source = "VCCI PCI 2023 report"
