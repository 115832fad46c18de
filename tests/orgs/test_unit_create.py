from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit, UnitKind
from govindex.orgs.services import unit_create, unit_update
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unit_create_saves_and_audits():
    city = UnitFactory(code="01", kind=UnitKind.CITY, name_vi="Thành phố Hà Nội")
    user = UserFactory(username="admin1")

    unit = unit_create(
        code=" 00004 ",
        name_vi="Phường Ba Đình",
        name_en="Ba Dinh Ward",
        kind=UnitKind.WARD,
        parent=city,
        active_from=dt.date(2025, 7, 1),
        actor=user,
    )

    stored = Unit.objects.get(code="00004")
    assert stored == unit
    assert (stored.name_in("en"), stored.name_in("id"), stored.parent) == (
        "Ba Dinh Ward",
        "Phường Ba Đình",
        city,
    )
    record = AuditRecord.objects.get(action="unit.create")
    assert record.actor_label == "admin1"
    assert record.after["code"] == "00004"
    assert record.after["parent"] == city.pk
    assert record.after["active_from"] == "2025-07-01"


@pytest.mark.parametrize(
    ("fields", "field", "code", "message"),
    [
        ({"kind": "village"}, "kind", "invalid_choice", "Value 'village' is not a valid choice."),
        ({"code": "00070"}, "code", "unique", "Unit with this Code already exists."),
        (
            {"active_from": dt.date(2025, 7, 1), "active_to": dt.date(2025, 6, 30)},
            "__all__",
            "ends_before_start",
            "A unit cannot end before it starts.",
        ),
    ],
)
def test_unit_create_validates(fields, field, code, message):
    UnitFactory(code="00070")
    arguments = {"code": "00099", "name_vi": "Xã Thử", "kind": UnitKind.COMMUNE, **fields}

    with pytest.raises(ValidationError) as raised, translation.override("en"):
        unit_create(actor=None, **arguments)

    (error,) = raised.value.error_dict[field]
    assert error.code == code
    with translation.override("en"):
        assert raised.value.message_dict[field] == [message]
    assert not AuditRecord.objects.exists()


def test_unit_update_records_only_what_changed():
    unit = UnitFactory(code="00070", name_en="", active_to=None)

    unit_update(unit=unit, actor=None, name_en="Hoan Kiem Ward", active_to=None, reason="typo")

    unit.refresh_from_db()
    assert unit.name_en == "Hoan Kiem Ward"
    record = AuditRecord.objects.get(action="unit.update")
    assert (record.before, record.after, record.reason) == (
        {"name_en": ""},
        {"name_en": "Hoan Kiem Ward"},
        "typo",
    )


def test_unit_update_without_a_change_writes_nothing():
    unit = UnitFactory(name_en="Same")
    unit_update(unit=unit, actor=None, name_en="Same")
    assert not AuditRecord.objects.exists()


def test_unit_update_refuses_to_change_the_code():
    unit = UnitFactory(code="00070")
    with pytest.raises(ApplicationError, match="cannot be changed here: code"):
        unit_update(unit=unit, actor=None, code="00071")
