from __future__ import annotations

import importlib
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from govindex.audit.models import AuditRecord
from govindex.audit.selectors import audit_verify
from govindex.audit.services import audit_record

TABLE = AuditRecord._meta.db_table
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)


def write_records(count: int) -> list[AuditRecord]:
    return [
        audit_record(
            actor=None,
            action="entry.set",
            target=("assessments.entry", n),
            after={"self_value": n / 2},
            reason=f"record {n}",
        )
        for n in range(count)
    ]


def raw(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_an_intact_chain_verifies():
    assert audit_verify() is None
    write_records(5)
    assert audit_verify() is None


@pytest.mark.django_db
def test_a_row_changed_by_raw_sql_is_found():
    records = write_records(4)
    statement = f"UPDATE {TABLE} SET reason = %s WHERE id = %s"

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            raw(statement, ["quietly rewritten", records[2].pk])
        assert audit_verify() is None
    else:
        raw(statement, ["quietly rewritten", records[2].pk])
        assert audit_verify() == records[2]


@pytest.mark.django_db
def test_a_row_deleted_by_raw_sql_is_found():
    records = write_records(4)
    statement = f"DELETE FROM {TABLE} WHERE id = %s"

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            raw(statement, [records[1].pk])
        assert audit_verify() is None
    else:
        raw(statement, [records[1].pk])
        assert audit_verify() == records[2]  # its link points at the missing row


@pytest.mark.django_db
def test_a_rehashed_row_still_breaks_the_link_to_the_next():
    records = write_records(3)
    if connection.vendor == "postgresql":
        pytest.skip("the trigger refuses the edit on PostgreSQL (tested above)")
    raw(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["f" * 64, records[0].pk])

    assert audit_verify() == records[0]


@postgresql_only
@pytest.mark.django_db
def test_the_trigger_migration_installs_and_drops_the_trigger():
    migration = importlib.import_module("govindex.audit.migrations.0002_append_only_trigger")
    exists = "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_auditrecord_append_only'"
    record = write_records(1)[0]

    with transaction.atomic():
        with connection.schema_editor() as editor:
            migration.drop_trigger(None, editor)
        with connection.cursor() as cursor:
            cursor.execute(exists)
            assert cursor.fetchone() == (0,)
        raw(f"UPDATE {TABLE} SET reason = 'now possible' WHERE id = %s", [record.pk])
        assert audit_verify() == record
        with connection.schema_editor() as editor:
            migration.install_trigger(None, editor)
        with connection.cursor() as cursor:
            cursor.execute(exists)
            assert cursor.fetchone() == (1,)
        transaction.set_rollback(True)

    assert audit_verify() is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(15):
                audit_record(actor=name, action="entry.set", target=("assessments.entry", n))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(f"job{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditRecord.objects.count() == 45
    assert audit_verify() is None
