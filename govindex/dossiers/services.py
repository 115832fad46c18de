"""Every write of the dossiers app: the catalogue, source systems, imports, events, the daily
counters (incremental, re-judged, recomputed).

The counters are only ever changed here, in the same transaction as the dossiers they count:
a write computes each touched dossier's counter contributions before and after and upserts the
difference. Every write first takes the lock on ``CounterState`` (one row), so counter writers
are serialised and the re-judge watermark cannot move under a batch.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from govindex.audit.services import Actor, audit_record
from govindex.calendars.working_days import WorkingCalendar
from govindex.dossiers import bulk_load, importing, storage
from govindex.dossiers.events import fold_events, parse_events
from govindex.dossiers.frames import (
    DOSSIER_SCHEMA,
    KEY,
    LOCAL,
    STORED_COLUMNS,
    counter_frame,
    procedure_frame,
    with_late_from,
)
from govindex.dossiers.models import (
    COUNTERS,
    Balance,
    BatchKind,
    CounterState,
    DailyCount,
    Dossier,
    DossierEvent,
    IngestBatch,
    Procedure,
    RecomputeRun,
    SourceSystem,
)
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit
from govindex.tabular import write_rows

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances (the CLI draws a bar)."""


def city_calendar() -> WorkingCalendar:
    from govindex.calendars.selectors import city_calendar as calendar

    return calendar()


# -- the catalogue and source systems --------------------------------------------------------


@transaction.atomic
def procedure_create(*, actor: Actor, **fields: Any) -> Procedure:
    procedure = Procedure(**fields)
    procedure.full_clean()
    procedure.save()
    audit_record(
        actor=actor,
        action="procedure.create",
        target=procedure,
        after={key: getattr(procedure, key) for key in ("code", "name", "level", "fee")},
    )
    return procedure


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def source_system_create(*, code: str, name: str, actor: Actor) -> tuple[SourceSystem, str]:
    """Register a source system; returns it and its token, which is not stored and not shown
    again (only its SHA-256 is kept)."""
    token = f"gvx_{secrets.token_urlsafe(32)}"
    system = SourceSystem(
        code=code, name=name, token_hash=_token_hash(token), token_prefix=token[:8]
    )
    system.full_clean()
    system.save()
    audit_record(actor=actor, action="source_system.create", target=system, after={"code": code})
    return system, token


def source_system_for_token(token: str) -> SourceSystem | None:
    """The active source system holding ``token`` (compared by hash), or ``None``."""
    if not token:
        return None
    system = SourceSystem.objects.filter(token_hash=_token_hash(token), is_active=True).first()
    if system is not None:
        SourceSystem.objects.filter(pk=system.pk).update(last_used_at=timezone.now())
    return system


# -- counters -----------------------------------------------------------------------------


def _locked_state() -> CounterState:
    CounterState.objects.get_or_create(pk=1, defaults={"judged_until": timezone.now()})
    return CounterState.objects.select_for_update().get(pk=1)


def _procedures() -> pl.DataFrame:
    rows = Procedure.objects.values_list("id", "fee", "paper_result_required", "online_level")
    return procedure_frame(list(rows))


def _bump(state: CounterState) -> None:
    CounterState.objects.filter(pk=state.pk).update(version=F("version") + 1)


def _rejudge(state: CounterState, now: datetime) -> int:
    """Count as late every open dossier whose ``late_from`` passed since the last judgement."""
    if now <= state.judged_until:
        return 0
    frame = storage.read_dossiers(
        "d.finished_at IS NULL AND d.late_from > %s AND d.late_from <= %s",
        [state.judged_until, now],
    )
    if frame.height:
        late = (
            frame.group_by(
                "unit_id",
                "procedure_id",
                pl.col("late_from").dt.convert_time_zone(LOCAL).dt.date().alias("day"),
            )
            .agg(pl.len().cast(pl.Int64).alias("late_started"))
            .with_columns(
                pl.lit(0, dtype=pl.Int64).alias(c) for c in COUNTERS if c != "late_started"
            )
        )
        storage.upsert_counts(late)
    state.judged_until = now
    CounterState.objects.filter(pk=state.pk).update(judged_until=now)
    return frame.height


@transaction.atomic
def dossiers_rejudge(*, now: datetime | None = None) -> int:
    """The periodic job: open dossiers whose deadline has passed become late in the counters.
    Returns how many were judged late now."""
    state = _locked_state()
    judged = _rejudge(state, now or timezone.now())
    if judged:
        _bump(state)
    return judged


# -- loading dossier frames -------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _same(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Row-wise equality of two aligned frames over the stored columns (null equals null)."""
    equal = pl.Series([True] * left.height)
    for name in STORED_COLUMNS:
        a, b = left[name], right[name]
        equal &= (a == b).fill_null(False) | (a.is_null() & b.is_null())
    return equal


def _load(
    frame: pl.DataFrame,
    *,
    batch: IngestBatch,
    state: CounterState,
    calendar: WorkingCalendar,
    progress: Progress | None = None,
    existing: pl.DataFrame | None = None,
    exclusive: bool = False,
) -> LoadResult:
    """Insert new dossiers, update changed ones, leave identical ones, and add the counter
    difference. ``frame`` has ``DOSSIER_SCHEMA`` columns (codes unique). ``exclusive`` allows
    the bulk path of ``bulk_load`` for a large batch on PostgreSQL (it locks the tables)."""
    result = LoadResult()
    if frame.is_empty():
        return result
    frame = with_late_from(frame, calendar)
    if existing is None:  # an empty table (a first load) has nothing to compare against
        empty = not Dossier.objects.exists()
        existing = storage.read_dossiers("1 = 0") if empty else _read_codes(frame.select("code"))

    fresh = frame.join(existing.select("code"), on="code", how="anti")
    old = existing.sort("code")
    new_of_old = frame.join(existing.select("code"), on="code", how="semi").sort("code")
    same = _same(new_of_old, old) if old.height else pl.Series([], dtype=pl.Boolean)
    changed_new = new_of_old.filter(~same)
    changed_old = old.filter(~same)
    result.unchanged = int(same.sum()) if old.height else 0
    result.created = fresh.height
    result.updated = changed_new.height

    columns = [*STORED_COLUMNS, "batch_id"]
    if not fresh["code"].is_sorted():  # in index order: appends to the code index, no seeking
        fresh = fresh.sort("code")
    rows = fresh.with_columns(batch_id=pl.lit(batch.pk, dtype=pl.Int64)).select(columns)
    procedures = _procedures()

    def counter_delta() -> pl.DataFrame:
        parts = [counter_frame(pl.concat([fresh, changed_new]), procedures, state.judged_until)]
        if changed_old.height:
            parts.append(counter_frame(changed_old, procedures, state.judged_until, sign=-1))
        return pl.concat(parts).group_by(KEY).agg(pl.col(c).sum() for c in COUNTERS)

    changed = changed_new.with_columns(batch_id=pl.lit(batch.pk, dtype=pl.Int64)).select(columns)
    if exclusive and storage.is_postgresql() and fresh.height >= bulk_load.BULK_ROWS:
        # Foreign keys checked once for the batch, rows streamed while the counters are computed
        # (bulk_load.py says why and what it costs).
        tables = (storage.DOSSIER_TABLE, storage.COUNT_TABLE)
        with bulk_load.references_checked_per_batch(tables) as references:
            references.check(rows)
            with bulk_load.copy_in_background(storage.DOSSIER_TABLE, rows, progress=progress):
                delta = counter_delta()
            references.check(changed)
            _update_rows(changed)
            storage.add_counts(delta)
        return result
    chunk = 500_000
    for offset in range(0, rows.height, chunk):
        storage.insert_frame(storage.DOSSIER_TABLE, rows.slice(offset, chunk))
        if progress:
            progress("load", min(offset + chunk, rows.height), rows.height)
    _update_rows(changed)
    storage.upsert_counts(counter_delta())
    return result


def _update_rows(frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    stage = storage.create_stage("dossiers_update_stage", storage.DOSSIER_TABLE, frame.columns)
    storage.insert_frame(stage, frame)
    assignments = ", ".join(f"{name} = s.{name}" for name in frame.columns if name != "code")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {storage.DOSSIER_TABLE} SET {assignments} FROM {stage} s "  # noqa: S608 (identifiers from the models; values are parameters)
            f"WHERE {storage.DOSSIER_TABLE}.code = s.code"
        )
    storage.drop_stage(stage)


# -- file import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    batch_id: int
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejects_path: Path | None
    already_imported: bool = False

    def describe(self) -> str:
        if self.already_imported:
            return (
                f"This file was already imported (batch {self.batch_id}): nothing was added. "
                f"{self.rows} rows: {self.created} new, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.rejected} rejected then."
            )
        text = (
            f"{self.rows} rows: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected (batch {self.batch_id})."
        )
        if self.rejects_path:
            text += f" Rejected rows and reasons: {self.rejects_path}"
        return text


def _file_key(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return f"file:{digest.hexdigest()}"


def rejects_path_for(path: Path) -> Path:
    return path.with_name(f"{path.name}.rejects.csv")


def _codes() -> tuple[dict[str, int], dict[str, int]]:
    procedures = dict(Procedure.objects.values_list("code", "id"))
    units = dict(Unit.objects.values_list("code", "id"))
    return procedures, units


def dossiers_import(
    *,
    path: Path,
    actor: Actor,
    progress: Progress | None = None,
    calendar: WorkingCalendar | None = None,
    exclusive: bool | None = None,
) -> ImportSummary:
    """Import a dossier file: check every row, write the rejected ones with their reasons beside
    the file (``<file>.rejects.csv``), and load the good ones with their counters in one
    transaction. The same file imported again adds nothing (its SHA-256 is the batch's key).

    ``exclusive`` (default: the ``GOVINDEX_IMPORT_EXCLUSIVE`` setting, off) lets a batch of at
    least ``bulk_load.BULK_ROWS`` new dossiers on PostgreSQL take the bulk path: about 2.5×
    faster, but the dossier, counter, unit and procedure tables are locked until it commits, so
    every page that reads them waits. For a first load or an off-hours batch, not office hours."""
    if exclusive is None:
        exclusive = settings.GOVINDEX_IMPORT_EXCLUSIVE
    key = _file_key(path)
    earlier = IngestBatch.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return ImportSummary(
            batch_id=earlier.pk,
            rows=earlier.received,
            created=earlier.created,
            updated=earlier.updated,
            unchanged=earlier.unchanged,
            rejected=earlier.rejected,
            rejects_path=None,
            already_imported=True,
        )
    if progress:
        progress("read", 0, 1)
    frame = importing.read_file(path)
    if progress:
        progress("read", 1, 1)
        progress("check", 0, frame.height)
    procedures, units = _codes()
    parsed = importing.parse(frame, procedures, units)
    if progress:
        progress("check", frame.height, frame.height)
    del frame  # the file's text: gigabytes for millions of rows, not needed any more
    rejects_path = None
    if parsed.rejects.height:
        rejects_path = rejects_path_for(path)
        rows = parsed.rejects.to_dicts()
        write_rows(rows, parsed.rejects.columns, rejects_path, "csv")
    with transaction.atomic():
        state = _locked_state()
        _rejudge(state, timezone.now())
        batch = IngestBatch.objects.create(
            kind=BatchKind.FILE, idempotency_key=key, name=path.name, received=parsed.total
        )
        loaded = _load(
            parsed.dossiers.drop("row"),
            batch=batch,
            state=state,
            calendar=calendar or city_calendar(),
            progress=progress,
            exclusive=exclusive,
        )
        batch.created = loaded.created
        batch.updated = loaded.updated
        batch.unchanged = loaded.unchanged + parsed.identical_duplicates
        batch.rejected = parsed.rejects.height
        batch.finished_at = timezone.now()
        batch.save()
        _bump(state)
        audit_record(
            actor=actor,
            action="dossiers.import",
            target=batch,
            after={
                "file": path.name,
                "rows": parsed.total,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
            },
        )
    return ImportSummary(
        batch_id=batch.pk,
        rows=parsed.total,
        created=batch.created,
        updated=batch.updated,
        unchanged=batch.unchanged,
        rejected=batch.rejected,
        rejects_path=rejects_path,
    )


@transaction.atomic
def dossiers_load_frame(
    *,
    frame: pl.DataFrame,
    key: str,
    name: str,
    actor: Actor,
    calendar: WorkingCalendar | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load an already checked dossier frame (the demo's generator) as one batch."""
    state = _locked_state()
    batch = IngestBatch.objects.create(
        kind=BatchKind.FILE, idempotency_key=key, name=name, received=frame.height
    )
    loaded = _load(
        frame, batch=batch, state=state, calendar=calendar or city_calendar(), progress=progress
    )
    IngestBatch.objects.filter(pk=batch.pk).update(
        created=loaded.created,
        updated=loaded.updated,
        unchanged=loaded.unchanged,
        finished_at=timezone.now(),
    )
    _bump(state)
    audit_record(
        actor=actor,
        action="dossiers.load",
        target=batch,
        after={"name": name, "created": loaded.created, "updated": loaded.updated},
    )
    return loaded


# -- full recompute ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeSummary:
    run_id: int
    units: int
    dossiers: int
    counter_rows: int
    resumed: bool


def counters_recompute(
    *,
    actor: Actor,
    resume: bool = True,
    progress: Progress | None = None,
    calendar: WorkingCalendar | None = None,
) -> RecomputeSummary:
    """Rebuild every daily counter from the dossiers, unit by unit, one transaction each.

    A run interrupted (a crash, Ctrl+C) is resumed by the next call: units already rebuilt are
    skipped (the run's ``done_through`` watermark). Rebuilding gives the numbers the incremental
    path gave; rebuilding twice gives them again (idempotent). ``late_from`` is derived again
    from the facts, so a changed calendar takes effect too.
    """
    calendar = calendar or city_calendar()
    run = RecomputeRun.objects.filter(finished_at__isnull=True).order_by("-pk").first()
    resumed = run is not None and resume
    if run is None or not resume:
        with transaction.atomic():
            state = _locked_state()
            run = RecomputeRun.objects.create(judged_until=state.judged_until)
    unit_ids = list(
        Dossier.objects.values_list("unit_id", flat=True).distinct().order_by("unit_id")
    )
    counted = set(DailyCount.objects.values_list("unit_id", flat=True).distinct())
    unit_ids = sorted(set(unit_ids) | counted)
    pending_units = [unit_id for unit_id in unit_ids if unit_id > run.done_through]
    dossiers = rows = 0
    procedures = _procedures()
    for position, unit_id in enumerate(pending_units, start=1):
        with transaction.atomic():
            state = _locked_state()
            frame = storage.read_dossiers("d.unit_id = %s", [unit_id])
            frame = with_late_from(frame.drop("late_from"), calendar)
            _store_late_from(frame)
            DailyCount.objects.filter(unit_id=unit_id).delete()
            Balance.objects.filter(unit_id=unit_id).delete()
            counts = counter_frame(frame, procedures, state.judged_until)
            rows += storage.upsert_counts(counts)
            dossiers += frame.height
            RecomputeRun.objects.filter(pk=run.pk).update(
                done_through=unit_id, units_done=F("units_done") + 1
            )
            _bump(state)
        if progress:
            progress("recompute", position, len(pending_units))
    RecomputeRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    audit_record(
        actor=actor,
        action="counters.recompute",
        target=run,
        after={"units": len(pending_units), "dossiers": dossiers, "resumed": resumed},
    )
    return RecomputeSummary(run.pk, len(pending_units), dossiers, rows, resumed)


def _store_late_from(frame: pl.DataFrame) -> None:
    """Write back ``late_from`` where the rules now give another instant."""
    if frame.is_empty():
        return
    current = storage.read_dossiers("d.unit_id = %s", [int(frame["unit_id"][0])]).select(
        "code", pl.col("late_from").alias("_stored")
    )
    changed = frame.join(current, on="code").filter(
        ~(
            (pl.col("late_from") == pl.col("_stored")).fill_null(False)
            | (pl.col("late_from").is_null() & pl.col("_stored").is_null())
        )
    )
    if changed.height:
        _update_rows(changed.select("code", "late_from"))


# -- events --------------------------------------------------------------------------------


@dataclass
class EventBatchResult:
    batch_id: int
    accepted: int = 0
    duplicates: int = 0
    dossiers_created: int = 0
    dossiers_updated: int = 0
    replayed: bool = False


def _events_key(source_system: SourceSystem, events: Sequence[Mapping[str, Any]]) -> str:
    body = json.dumps(list(events), sort_keys=True, ensure_ascii=False, default=str)
    return f"events:{source_system.pk}:{hashlib.sha256(body.encode()).hexdigest()}"


def events_ingest(
    *,
    source_system: SourceSystem,
    events: Sequence[Mapping[str, Any]],
    idempotency_key: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> EventBatchResult:
    """Apply a batch of status events from one source system, all or nothing.

    Events are checked first (``events.parse_events``); any problem refuses the whole batch
    with every problem listed (``ApplicationError``, status 422) and nothing is written. An event
    already received from this source (same ``event_id``, same content) is skipped; the same id
    with other content is a problem. A batch sent again with the same idempotency key (or, without
    one, the same body) changes nothing and answers as the first time.
    """
    key = (
        f"events:{source_system.pk}:key:{idempotency_key}"
        if idempotency_key
        else _events_key(source_system, events)
    )
    earlier = IngestBatch.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return EventBatchResult(
            batch_id=earlier.pk,
            accepted=earlier.created,
            duplicates=earlier.unchanged,
            dossiers_created=0,
            dossiers_updated=earlier.updated,
            replayed=True,
        )
    procedures, units = _codes()
    parsed = parse_events(events, procedure_ids=procedures, unit_ids=units)
    calendar = calendar or city_calendar()
    with transaction.atomic():
        state = _locked_state()
        _rejudge(state, timezone.now())
        known = {
            event_id: (dossier, kind, occurred_at)
            for event_id, dossier, kind, occurred_at in DossierEvent.objects.filter(
                source_system=source_system, event_id__in=[e.event_id for e in parsed]
            ).values_list("event_id", "dossier__code", "kind", "occurred_at")
        }
        problems, fresh = [], []
        for event in parsed:
            seen = known.get(event.event_id)
            if seen is None:
                fresh.append(event)
            elif seen != (event.dossier, event.kind, event.occurred_at):
                problems.append(
                    f"event {event.index}: event_id {event.event_id!r} was already received "
                    "with other content"
                )
        codes = sorted({event.dossier for event in fresh})
        existing = _read_codes(pl.DataFrame({"code": codes}, schema={"code": pl.String}))
        states = {row["code"]: row for row in existing.to_dicts()}
        unit_codes = {unit_id: code for code, unit_id in units.items()}
        problems += fold_events(fresh, states, unit_codes)
        if problems:
            raise ApplicationError(
                f"{len(problems)} problem(s); nothing was applied: " + "; ".join(problems[:50]),
                code="invalid_events",
                status=422,
            )
        batch = IngestBatch.objects.create(
            kind=BatchKind.EVENTS,
            idempotency_key=key,
            source_system=source_system,
            name=f"{len(events)} events",
            received=len(events),
        )
        touched = [states[code] for code in codes]
        frame = pl.DataFrame(touched, schema=DOSSIER_SCHEMA) if touched else None
        loaded = LoadResult()
        if frame is not None:
            loaded = _load(
                frame.select(list(DOSSIER_SCHEMA)),
                batch=batch,
                state=state,
                calendar=calendar,
                existing=existing,
            )
        dossier_ids = dict(Dossier.objects.filter(code__in=codes).values_list("code", "id"))
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier_id=dossier_ids[event.dossier],
                source_system=source_system,
                event_id=event.event_id,
                kind=event.kind,
                occurred_at=event.occurred_at,
                unit_id=event.unit_id,
                official=event.official,
                batch=batch,
            )
            for event in fresh
        )
        batch.created = len(fresh)
        batch.updated = loaded.updated + loaded.created
        batch.unchanged = len(parsed) - len(fresh)
        batch.finished_at = timezone.now()
        batch.save()
        _bump(state)
    return EventBatchResult(
        batch_id=batch.pk,
        accepted=len(fresh),
        duplicates=len(parsed) - len(fresh),
        dossiers_created=loaded.created,
        dossiers_updated=loaded.updated,
    )


def _read_codes(codes: pl.DataFrame) -> pl.DataFrame:
    """The stored dossiers whose codes are in the one-column frame ``codes``."""
    if codes.is_empty():
        return storage.read_dossiers("1 = 0")
    stage = storage.create_stage("dossiers_code_stage", storage.DOSSIER_TABLE, ["code"])
    storage.insert_frame(stage, codes)
    frame = storage.read_dossiers(f"d.code IN (SELECT code FROM {stage})")  # noqa: S608 (identifiers from the models; values are parameters)
    storage.drop_stage(stage)
    return frame
