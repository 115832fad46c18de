"""Loading a large batch of new dossiers into PostgreSQL (the import's path for millions of rows).

A plain ``COPY`` into the dossier table spends most of its time outside the copy itself
(docs/benchmarks.md, "Real-time index"): Django creates foreign keys ``DEFERRABLE INITIALLY
DEFERRED``, so every new dossier queues three trigger calls (unit, procedure, batch) and every new
counter row two (unit, procedure), each run one by one at commit. For a batch of at least
``BULK_ROWS`` new dossiers the write path (``services._load``), inside its transaction:

1. drops the foreign-key constraints of the dossier and counter tables
   (``references_checked_per_batch``; it waits at most ``LOCK_WAIT`` for the locks, and when they
   cannot be had the batch loads with the constraints in place, as a small one does);
2. checks the ids each written frame refers to once, set-wise (``References.check``: one query
   per key), and refuses the batch naming any missing id;
3. streams the dossiers with ``COPY`` in PostgreSQL's binary format (which it parses with less
   CPU than CSV; ``storage.binary_tuples``) from a background thread, chunk by chunk
   (``copy_in_background``), while it computes the batch's counters;
4. adds the same constraints back ``NOT VALID``: they check every later row as before;
5. after the commit, ``VALIDATE CONSTRAINT`` marks them valid again (a scan that blocks neither
   reads nor writes).

The price of steps 1–4: until the transaction ends, those tables and the tables they refer to
(units, procedures, batches) are locked exclusively, so pages reading them wait for the import.
A batch stays atomic: any failure rolls back the rows, the counters and the constraints.
Disabling the triggers instead would need a superuser, which production does not have.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from django.db import OperationalError, connection, transaction

from govindex.dossiers import storage
from govindex.errors import ApplicationError

#: A batch with at least this many new dossiers loads by this module (PostgreSQL only).
BULK_ROWS = 200_000
#: How long to wait for the exclusive locks before loading with the constraints in place.
LOCK_WAIT = "5s"
#: Rows per ``COPY`` chunk (and per step of the progress bar).
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class ForeignKey:
    table: str
    name: str
    column: str
    target: str  # the referenced table
    target_column: str
    definition: str  # as ``pg_get_constraintdef`` gives it

    def sql(self, action: str) -> str:
        quote = connection.ops.quote_name
        table, name = quote(self.table), quote(self.name)
        if action == "drop":
            return f"ALTER TABLE {table} DROP CONSTRAINT {name}"
        if action == "add":
            return f"ALTER TABLE {table} ADD CONSTRAINT {name} {self.definition} NOT VALID"
        if action == "validate":
            return f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}"
        raise ValueError(f"unknown action {action!r}")


def foreign_keys(table: str) -> list[ForeignKey]:
    """The single-column foreign-key constraints of ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT %s, c.conname, a.attname, c.confrelid::regclass::text, fa.attname,
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.conrelid = %s::regclass AND c.contype = 'f'
              AND cardinality(c.conkey) = 1
            ORDER BY c.conname
            """,
            [table, table],
        )
        return [ForeignKey(*row) for row in cursor.fetchall()]


def _drop(keys: list[ForeignKey]) -> bool:
    """Drop ``keys`` in a savepoint; False (nothing dropped) when the locks were not had in time."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            (usual,) = cursor.fetchone()
            # A table with checks still queued (the batch's own row) cannot be altered: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
            for key in keys:
                cursor.execute(key.sql("drop"))
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [usual])
    except OperationalError:  # lock_timeout: others are using the tables; load the slow way
        return False  # the savepoint's rollback restored the constraints and the setting
    return True


@dataclass(frozen=True)
class References:
    """The foreign keys dropped for the batch (none when they could not be dropped)."""

    keys: list[ForeignKey]

    def check(self, frame: pl.DataFrame) -> None:
        """Every id ``frame`` refers to through a dropped key exists (the referenced tables are
        locked exclusively: nobody can delete one before the commit). Refuses the batch
        (``ApplicationError``) naming the missing ids."""
        quote = connection.ops.quote_name
        problems = []
        for target, column, target_column in sorted(
            {(key.target, key.column, key.target_column) for key in self.keys}
        ):
            if column not in frame.columns:
                continue
            ids = frame[column].drop_nulls().unique().sort().to_list()
            if not ids:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(target_column)} FROM {quote(target)} "  # noqa: S608 (identifiers from the catalogue; values are parameters)
                    f"WHERE {quote(target_column)} = ANY(%s)",
                    [ids],
                )
                found = {row[0] for row in cursor.fetchall()}
            missing = [value for value in ids if value not in found]
            if missing:
                shown = ", ".join(str(value) for value in missing[:20])
                problems.append(f"{column}: no row {shown} in {target}")
        if problems:
            raise ApplicationError(
                "The batch refers to rows that do not exist: " + "; ".join(problems),
                code="missing_reference",
            )


@contextmanager
def references_checked_per_batch(tables: Sequence[str]) -> Iterator[References]:
    """Inside the block, ``tables`` have no foreign-key constraints (the caller checks each frame
    it writes with ``References.check``); on leaving it they are back, ``NOT VALID``, and their
    validation runs after the commit. When the locks cannot be had within ``LOCK_WAIT`` the
    constraints stay (``References.keys`` is empty) and check each row as usual."""
    keys = [key for table in tables for key in foreign_keys(table)]
    dropped = _drop(keys)
    yield References(keys if dropped else [])
    if dropped:
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute(key.sql("add"))
        transaction.on_commit(lambda: validate(keys), robust=True)


def validate(keys: Sequence[ForeignKey]) -> None:
    """Mark constraints added ``NOT VALID`` valid (a scan of their table; the lock it takes
    blocks neither reads nor writes)."""
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(key.sql("validate"))


class _Copy:
    """Binary ``COPY`` of a frame's chunks on a background thread, through the caller's
    connection (Django's connection object is per thread, so the driver's connection is handed
    over, and the column types are read before the thread starts)."""

    def __init__(
        self, table: str, frame: pl.DataFrame, progress: Callable[[str, int, int], None] | None
    ) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in frame.columns)
        self.sql = f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT binary)"
        self.types = storage.column_types(table, frame.columns)
        self.frame = frame
        self.progress = progress
        self.driver = storage.raw_connection()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="dossier-copy", daemon=True)

    def _run(self) -> None:
        total = self.frame.height
        try:
            with self.driver.cursor() as cursor, cursor.copy(self.sql) as copy:
                copy.write(storage.BINARY_HEADER)
                for offset in range(0, total, CHUNK_ROWS):
                    chunk = self.frame.slice(offset, CHUNK_ROWS)
                    copy.write(storage.binary_tuples(chunk, self.types))
                    if self.progress:
                        self.progress("load", min(offset + CHUNK_ROWS, total), total)
                copy.write(storage.BINARY_TRAILER)
        except BaseException as error:  # re-raised in the caller's thread by finish()
            self.error = error

    def finish(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


@contextmanager
def copy_in_background(
    table: str, frame: pl.DataFrame, *, progress: Callable[[str, int, int], None] | None = None
) -> Iterator[None]:
    """Append ``frame``'s rows to ``table`` with ``COPY`` while the ``with`` block runs; the block
    must not use the database connection. Leaving the block waits for the copy to finish."""
    copy = _Copy(table, frame, progress)
    copy.thread.start()
    try:
        yield
    finally:
        copy.finish()
