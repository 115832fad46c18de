"""``build_demo``: the Hanoi demo database, the same every time for the same seed."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction

from govindex.assessments.models import (
    Entry,
    NodeResult,
    PublishedResult,
    RankInterval,
    Round,
    RoundComputation,
    RoundUnit,
    UncertaintyRun,
    UnitResult,
)
from govindex.assessments.services import published_result_set
from govindex.audit.services import audit_record
from govindex.demo.assessments import (
    ROUND_2024,
    ROUND_2025,
    ROUND_2026,
    ROUND_2026_H1_COMMUNES,
    ROUND_2026_H1_DEPARTMENTS,
    ROUND_2027,
    RoundSummary,
    compute_round,
    create_round,
)
from govindex.demo.dossiers import build_dossiers, dossiers_flush
from govindex.demo.feedback import FEEDBACK_DEMO_TABLES, create_feedback_demo
from govindex.demo.improvement import IMPROVEMENT_DEMO_TABLES, create_improvement_demo
from govindex.demo.people import DEMO_PEOPLE, create_people
from govindex.demo.published import published_figures
from govindex.demo.units import CITY_CODE, DemoUnits, create_units
from govindex.errors import ApplicationError
from govindex.orgs.models import Membership, Unit, UnitKind, UnitSuccession

DEMO_ACTOR = "system:demo"
Progress = Callable[[str], None]

#: The tables the demo fills, children before parents (the order a flush deletes them in).
DEMO_TABLES = (
    *FEEDBACK_DEMO_TABLES,
    *IMPROVEMENT_DEMO_TABLES,
    PublishedResult,
    RankInterval,
    UncertaintyRun,
    NodeResult,
    UnitResult,
    RoundComputation,
    Entry,
    RoundUnit,
    Round,
    Membership,
    UnitSuccession,
    Unit,
)


@dataclass(frozen=True)
class PersonSummary:
    username: str
    role: str
    role_label: str


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    units: dict[str, int]
    successions: int
    rounds: list[RoundSummary]
    published_results: int
    people: list[PersonSummary]
    results_checksum: str
    seconds: float = field(compare=False)

    def describe(self) -> str:
        units = ", ".join(f"{count} {kind}" for kind, count in self.units.items())
        lines = [
            f"Demo (seed {self.seed}) built in {self.seconds:.1f} s:",
            f"  units: {units}; {self.successions} succession links",
            *(f"  round {summary.describe()}" for summary in self.rounds),
            f"  published external results: {self.published_results}",
            "  people: " + ", ".join(f"{p.username} ({p.role})" for p in self.people),
            f"  results checksum: {self.results_checksum}",
        ]
        return "\n".join(lines)


def demo_exists() -> bool:
    """Whether the database already holds the demo (its city unit)."""
    return Unit.objects.filter(code=CITY_CODE).exists()


def _held_rows() -> dict[str, int]:
    counts = {model._meta.label: model.objects.count() for model in DEMO_TABLES}
    return {label: count for label, count in counts.items() if count}


def demo_flush() -> dict[str, int]:
    """Delete every row of the demo tables (units, rounds, results, published results …).

    Users are kept (audit records may point at them; the demo resets its own users), and so is
    the audit trail, which is append-only: the flush itself is recorded in it.
    """
    held = _held_rows()
    if not held:
        return held
    dossiers_flush()  # millions of rows: raw deletes, before the units they point at
    for model in DEMO_TABLES[:-1]:
        model.objects.all().delete()
    # Units refer to their parent (PROTECT): remove the leaves of the tree until none is left.
    while Unit.objects.exists():
        Unit.objects.filter(children__isnull=True).delete()
    audit_record(actor=DEMO_ACTOR, action="demo.flush", target=("demo", "hanoi"), before=held)
    return held


def results_checksum() -> str:
    """SHA-256 of every unit result and node result (round period, unit code, values)."""
    units = UnitResult.objects.order_by("round__period", "unit__code").values_list(
        "round__period", "unit__code", "score", "points", "max_points", "rank", "band"
    )
    nodes = NodeResult.objects.order_by(
        "unit_result__round__period", "unit_result__unit__code", "node_id"
    ).values_list(
        "unit_result__round__period", "unit_result__unit__code", "node_id", "points", "max_points"
    )

    def rounded(row: tuple[object, ...]) -> list[object]:
        return [round(value, 9) if isinstance(value, float) else value for value in row]

    digest = hashlib.sha256()
    for row in [*units, *nodes]:
        digest.update(json.dumps(rounded(row), ensure_ascii=False).encode())
    return digest.hexdigest()


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _unit_counts(units: DemoUnits) -> dict[str, int]:
    wards = sum(1 for unit in units.communes if unit.kind == UnitKind.WARD)
    return {
        "city": 1,
        "departments": len(units.departments),
        "wards": wards,
        "communes": len(units.communes) - wards,
        "former districts": len(units.districts),
        "former departments": len(units.former_departments),
    }


def build_demo(
    *, seed: int = 2025, rebuild: bool = False, progress: Progress | None = None
) -> DemoSummary:
    """Build the Hanoi demo on a migrated, empty database, deterministically from ``seed``.

    A database that already holds units, rounds or published results is refused with an
    ``ApplicationError`` unless ``rebuild`` is true; then those tables are emptied first. The
    whole build is one transaction: it is all there or not at all.
    """
    if getattr(settings, "PRODUCTION", False):
        raise ApplicationError(
            "The demo creates sign-ins with a shared, published password; it refuses to run "
            "with GOVINDEX_ENV=production.",
            code="demo_in_production",
            status=403,
        )
    started = time.monotonic()
    with transaction.atomic():
        held = _held_rows()
        if held and not rebuild:
            rows = ", ".join(f"{count} {label}" for label, count in held.items())
            raise ApplicationError(
                f"The database is not empty ({rows}); the demo is built on an empty "
                "database. Pass rebuild=True (govindex demo --rebuild) to delete those rows "
                "first.",
                code="demo_exists",
                status=409,
            )
        if held:
            demo_flush()
            _say(progress, "flushed: " + ", ".join(f"{n} {label}" for label, n in held.items()))
        summary = _build(seed, progress)
    summary = DemoSummary(**{**summary.__dict__, "seconds": time.monotonic() - started})
    _say(progress, f"done in {summary.seconds:.1f} s")
    return summary


def _build(seed: int, progress: Progress | None) -> DemoSummary:
    seeds = np.random.SeedSequence(seed).spawn(6)
    units = create_units()
    counts = _unit_counts(units)
    _say(
        progress,
        "units: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()),
    )
    _say(progress, f"history: {units.successions} succession links (2025-03-01, 2025-07-01)")

    people = create_people(units.by_code())
    _say(progress, f"people: {len(people)} demo sign-ins with their memberships")

    assessed_2025 = [unit for unit in units.departments if unit.kind == UnitKind.DEPARTMENT]
    plans = (
        (ROUND_2024, [*units.former_departments, *units.districts]),
        (ROUND_2025, [*assessed_2025, *units.communes]),
        (ROUND_2026_H1_DEPARTMENTS, assessed_2025),
        (ROUND_2026_H1_COMMUNES, units.communes),
        (ROUND_2026, [*assessed_2025, *units.communes]),
        (ROUND_2027, [*assessed_2025, *units.communes]),
    )
    created = []
    for (plan, round_units), round_seed in zip(plans, seeds, strict=True):
        round, summary = create_round(plan, round_units, rng=np.random.default_rng(round_seed))
        created.append((round, plan, summary))
        _say(progress, f"round {plan.name}: {summary.entries} entries, {summary.units} units")
    summaries = []
    for round, plan, summary in created:
        summary = compute_round(round, plan, summary)
        summaries.append(summary)
        _say(progress, f"summary {summary.describe()}")
    round_2025 = next(round for round, plan, _summary in created if plan is ROUND_2025)
    _say(progress, create_improvement_demo(round=round_2025).describe())

    figures = published_figures()
    for figure in figures:
        published_result_set(
            framework_id=figure.framework_id,
            year=figure.year,
            territory=figure.territory,
            score=figure.score,
            rank=figure.rank,
            rank_of=figure.rank_of,
            sub_scores=figure.sub_scores,
            source=figure.source,
            note=figure.note,
            actor=DEMO_ACTOR,
        )
    _say(progress, f"published results: {len(figures)} (PCI, PGI, PAR INDEX, SIPAS)")
    create_feedback_demo(rng=np.random.default_rng([seed, 5]), progress=progress)
    dossiers = build_dossiers(
        seed=seed, units=[*units.communes, *units.departments], departments=units.departments
    )
    _say(progress, dossiers.describe())
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.build",
        target=("demo", "hanoi"),
        after={"seed": seed, "units": counts, "rounds": [s.name for s in summaries]},
    )
    return DemoSummary(
        seed=seed,
        units=counts,
        successions=units.successions,
        rounds=summaries,
        published_results=len(figures),
        people=[PersonSummary(p.username, p.role, p.role_label) for p in DEMO_PEOPLE],
        results_checksum=results_checksum(),
        seconds=0.0,
    )
