"""The PostgreSQL bulk path of the dossier import (``bulk_load``): the foreign keys come back and
are validated after the commit, missing references refuse the batch, a failed batch leaves the
constraints as they were, and an import that cannot have the locks loads with the constraints in
place; without leave to lock (``exclusive``) a large batch loads row by row. The rejects, idempotency and counter tests of ``test_dossiers_import.py`` run on the bulk
path too (its ``load_path`` fixture)."""

from __future__ import annotations

import polars as pl
import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from govindex.dossiers import bulk_load, storage
from govindex.dossiers.models import DailyCount, Dossier
from govindex.dossiers.services import dossiers_import
from govindex.errors import ApplicationError
from tests.dossiers.test_dossiers_import import BAD, GOOD, write_csv

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's"
)
TABLES = (storage.DOSSIER_TABLE, storage.COUNT_TABLE)


def constraints() -> dict[str, bool]:
    """Foreign-key constraint name → validated, for the dossier and counter tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, convalidated FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'",
            [list(TABLES)],
        )
        return dict(cursor.fetchall())


@pytest.fixture
def bulk(monkeypatch, settings) -> None:
    settings.GOVINDEX_IMPORT_EXCLUSIVE = True
    monkeypatch.setattr(bulk_load, "BULK_ROWS", 1)


@postgresql_only
@pytest.mark.django_db
def test_the_constraints_come_back_and_are_validated_after_the_commit(
    tmp_path, catalogue, bulk, django_capture_on_commit_callbacks
) -> None:
    before = constraints()
    assert len(before) == 5 and all(before.values())
    path = write_csv(tmp_path / "d.csv", GOOD + BAD)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = dossiers_import(path=path, actor="system:test")
    assert constraints() == dict.fromkeys(before, False)  # back, NOT VALID until the commit
    for callback in callbacks:
        callback()

    assert constraints() == before
    assert (summary.created, summary.rejected) == (3, 5)
    assert Dossier.objects.count() == 3
    assert sum(DailyCount.objects.values_list("received", flat=True)) == 3


@postgresql_only
@pytest.mark.django_db
def test_the_progress_bar_moves_once_per_copied_chunk(tmp_path, catalogue, bulk, monkeypatch):
    monkeypatch.setattr(bulk_load, "CHUNK_ROWS", 2)
    seen: list[tuple[str, int, int]] = []

    dossiers_import(
        path=write_csv(tmp_path / "d.csv", GOOD),
        actor="system:test",
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )

    assert [step for step in seen if step[0] == "load"] == [("load", 2, 3), ("load", 3, 3)]


@postgresql_only
@pytest.mark.django_db
def test_a_reference_to_a_missing_row_refuses_the_batch(catalogue) -> None:
    keys = bulk_load.foreign_keys(storage.DOSSIER_TABLE)
    frame = pl.DataFrame({"unit_id": [2_000_000_001], "procedure_id": [None]})

    with pytest.raises(ApplicationError) as caught:
        bulk_load.References(keys).check(frame)

    assert caught.value.code == "missing_reference"
    assert "unit_id: no row 2000000001 in orgs_unit" in caught.value.message


@postgresql_only
@pytest.mark.django_db
def test_a_failed_batch_leaves_the_constraints_as_they_were() -> None:
    before = constraints()

    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        bulk_load.references_checked_per_batch(TABLES) as references,
    ):
        assert len(references.keys) == 5
        assert constraints() == {}
        raise RuntimeError("the batch fails half way")

    assert constraints() == before


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_without_the_locks_the_batch_loads_with_the_constraints_in_place(
    tmp_path, catalogue, bulk, monkeypatch
) -> None:
    monkeypatch.setattr(bulk_load, "LOCK_WAIT", "200ms")
    before = constraints()
    params = connection.get_connection_params()
    with psycopg.connect(**params) as reader:  # a long page read holding the units table
        reader.execute("LOCK TABLE orgs_unit IN ACCESS SHARE MODE")

        summary = dossiers_import(path=write_csv(tmp_path / "d.csv", GOOD), actor="x")

        reader.rollback()
    assert summary.created == 3
    assert Dossier.objects.count() == 3
    assert constraints() == before


@postgresql_only
@pytest.mark.django_db
def test_without_leave_to_lock_a_large_batch_loads_with_the_constraints_in_place(
    tmp_path, catalogue, monkeypatch, settings, django_capture_on_commit_callbacks
) -> None:
    """The bulk path locks tables the whole application reads, so it is taken only when asked
    for (``--exclusive`` or ``GOVINDEX_IMPORT_EXCLUSIVE``), however large the batch."""
    settings.GOVINDEX_IMPORT_EXCLUSIVE = False
    monkeypatch.setattr(bulk_load, "BULK_ROWS", 1)
    before = constraints()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = dossiers_import(path=write_csv(tmp_path / "d.csv", GOOD), actor="x")

    assert constraints() == before  # never dropped, so nothing to validate after the commit
    assert callbacks == []
    assert summary.created == 3


def index_columns(table: str) -> set[str]:
    """Each index of ``table`` as its definition's column part, e.g. ``(unit_id, received_at)``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return {definition.split(" USING btree ")[1] for (definition,) in cursor.fetchall()}


@postgresql_only
@pytest.mark.django_db
def test_every_index_a_bulk_load_maintains_is_one_the_pages_read_by() -> None:
    """Each index costs every loaded row (docs/benchmarks.md, "Import with the bulk path"): no
    ``varchar_pattern_ops`` twin of the code, no lone procedure or unit index."""
    assert index_columns(storage.DOSSIER_TABLE) == {
        "(id)",
        "(code)",
        "(unit_id, received_at)",
        "(late_from) WHERE (finished_at IS NULL)",
    }
    assert index_columns(storage.COUNT_TABLE) == {"(id)", "(unit_id, procedure_id, day)", "(day)"}


@pytest.mark.django_db
def test_a_dossier_code_is_unique_in_the_database(tmp_path, catalogue) -> None:
    dossiers_import(path=write_csv(tmp_path / "d.csv", GOOD), actor="system:test")
    first = Dossier.objects.first() or pytest.fail("nothing imported")
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()
