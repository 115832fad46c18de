from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from govindex.audit.hashing import record_hash
from govindex.audit.models import GENESIS_HASH, AuditRecord, AuditRecordImmutableError
from govindex.audit.selectors import audit_trail, audit_verify
from govindex.audit.services import audit_record
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_records_form_a_hash_chain():
    user = UserFactory(username="lan")
    unit = UnitFactory(code="00070")

    first = audit_record(actor=user, action="unit.create", target=unit, after={"code": "00070"})
    second = audit_record(actor=None, action="round.compute", target=("assessments.round", 12))

    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert len(first.hash) == 64
    assert first.hash == record_hash(AuditRecord.objects.get(pk=first.pk))
    assert (first.actor, first.actor_label) == (user, "lan")
    assert (first.target_type, first.target_id) == ("orgs.unit", str(unit.pk))
    assert (second.actor, second.actor_label) == (None, "system")
    assert (second.target_type, second.target_id) == ("assessments.round", "12")


def test_a_job_name_is_kept_as_system_label():
    record = audit_record(actor="demo-builder", action="unit.create", target=("orgs.unit", 1))
    again = audit_record(actor="system:import", action="unit.create", target=("orgs.unit", 2))

    assert record.actor_label == "system:demo-builder"
    assert again.actor_label == "system:import"


def test_before_and_after_are_stored_as_json():
    record = audit_record(
        actor=None,
        action="unit.update",
        target=("orgs.unit", 1),
        before={"active_to": None, "share": Decimal("0.25")},
        after={"active_to": dt.date(2025, 6, 30), "names": ["Ba Đình"]},
        reason="Nghị quyết 1656",
    )

    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.before == {"active_to": None, "share": "0.25"}
    assert stored.after == {"active_to": "2025-06-30", "names": ["Ba Đình"]}
    assert stored.reason == "Nghị quyết 1656"
    assert audit_verify() is None


def test_a_saved_record_cannot_be_changed_or_deleted():
    record = audit_record(actor=None, action="unit.create", target=("orgs.unit", 1))

    record.reason = "rewritten"
    with pytest.raises(AuditRecordImmutableError, match="append-only"):
        record.save()
    with pytest.raises(AuditRecordImmutableError):
        record.delete()
    with pytest.raises(AuditRecordImmutableError):
        AuditRecord.objects.filter(pk=record.pk).update(reason="rewritten")
    with pytest.raises(AuditRecordImmutableError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AuditRecordImmutableError):
        AuditRecord.objects.bulk_update([record], ["reason"])

    assert AuditRecord.objects.get(pk=record.pk).reason == ""
    assert issubclass(AuditRecordImmutableError, IntegrityError)


def test_deleting_the_actor_keeps_the_record_and_its_label():
    user = UserFactory(username="minh")
    record = audit_record(actor=user, action="unit.create", target=("orgs.unit", 1))

    user.delete()

    stored = AuditRecord.objects.get(pk=record.pk)
    assert (stored.actor, stored.actor_label) == (None, "minh")
    assert audit_verify() is None


def test_an_unsaved_target_is_refused():
    with pytest.raises(ValueError, match="unsaved Unit"):
        audit_record(actor=None, action="unit.create", target=UnitFactory.build())


def test_audit_trail_lists_one_targets_records_oldest_first():
    unit, other = UnitFactory(), UnitFactory()
    first = audit_record(actor=None, action="unit.create", target=unit)
    audit_record(actor=None, action="unit.create", target=other)
    last = audit_record(actor=None, action="unit.update", target=unit)

    assert list(audit_trail(unit)) == [first, last]
    assert list(audit_trail(("orgs.unit", unit.pk))) == [first, last]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_raw_update_and_delete():
    record = audit_record(actor=None, action="unit.create", target=("orgs.unit", 1))
    table = AuditRecord._meta.db_table

    for statement in (
        f"UPDATE {table} SET reason = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [record.pk])

    assert AuditRecord.objects.get(pk=record.pk).reason == ""
    assert audit_verify() is None
