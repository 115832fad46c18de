"""A unit's scorecard in a round, and the page of one of its criteria.

The scorecard: score, rank, class, the change on the previous round of the same framework (across
a reorganisation: the results of the unit's predecessors, labelled as theirs), each area and
criterion with points, maximum and points lost in the framework's order, the criteria that lost
the most, and — for those allowed to see a unit's entries — the self-assessed value next to the
appraised one. A criterion's page adds the entry behind the number: values, the appraisal's
reason, the comment, the evidence and the entry's audit trail.

Criteria that do not apply to the unit's kind (``applies_to``) are left out; a criterion the
unit declared not applicable is shown as such. A group with a single applicable criterion (the
framework's department/commune versions of one criterion) is shown as one line.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from govindex.assessments.formatting import kind_label
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, NodeResult, Round, UnitResult
from govindex.audit.models import AuditRecord
from govindex.audit.selectors import audit_trail
from govindex.orgs.models import Unit
from govindex.orgs.selectors import unit_predecessors, unit_successors
from govindex.portal.labels import SOURCE_LABELS
from govindex.portal.rankings import band_levels, rounded
from govindex.scoring import Framework
from govindex.scoring.framework import Node

#: How many criteria the "lost the most points" list shows.
LARGEST_LOSSES = 10


class NoResult(LookupError):
    """The unit has no result in the round (not in it, or not scored)."""


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    size: int
    content_type: str
    uploaded_at: datetime.datetime
    #: The download view's URL, or ``None`` when the application has none (the name is shown).
    url: str | None


@dataclass(frozen=True)
class EvidenceReference:
    """A document cited as evidence (title, number, year), kept in the entry itself."""

    title: str
    reference: str
    year: str


@dataclass(frozen=True)
class EntryView:
    """The values a unit entered for one leaf and what the appraisal did with them."""

    leaf_id: str
    self_value: float | None
    appraised_value: float | None
    survey_value: float | None
    data_value: float | None
    not_applicable: bool
    comment: str
    appraisal_reason: str
    survey_answers: list[int] | None
    references: list[EvidenceReference]
    files: list[EvidenceFile]
    updated_at: datetime.datetime

    @property
    def adjusted(self) -> bool:
        """The appraisal changed the self-assessed value."""
        return (
            self.appraised_value is not None
            and self.self_value is not None
            and abs(self.appraised_value - self.self_value) > 1e-9
        )

    @property
    def evidence_count(self) -> int:
        return len(self.references) + len(self.files)


@dataclass(frozen=True)
class NodeLine:
    """One area, criterion or group of criteria of the unit, with its result."""

    node_id: str
    name: str
    depth: int
    kind: str
    #: The leaf whose entry is behind the line (``None`` for a group of several criteria).
    leaf_id: str | None
    source: str
    source_label: str
    rule: str
    points: float | None
    max_points: float
    share: float | None  # % of the applicable maximum
    rank: int | None
    applicable: bool
    value: float | None
    entry: EntryView | None

    @property
    def lost(self) -> float | None:
        """Points short of the maximum (bonus and penalty lines lose nothing)."""
        if self.points is None or not self.applicable or self.kind != "regular":
            return None
        return max(0.0, self.max_points - self.points)


@dataclass(frozen=True)
class AreaSection:
    number: int
    line: NodeLine
    is_adjustment: bool
    criteria: list[NodeLine]


@dataclass(frozen=True)
class EarlierResult:
    """A result of the unit, or of one of its predecessors, in an earlier round."""

    round: Round
    unit_code: str
    unit_name: str
    is_predecessor: bool
    score: float | None
    rank: int | None
    band: str
    band_name: str
    band_level: int | None
    #: This round's score minus the earlier one.
    difference: float | None


@dataclass(frozen=True)
class Comparison:
    """The change on the previous round: against the unit's own result, or across a
    reorganisation against its predecessor's (or the mean of its predecessors')."""

    round: Round | None
    basis: str  # "own", "predecessor", "predecessors" or "" (nothing to compare with)
    change: float | None
    earlier: list[EarlierResult] = field(default_factory=list)


@dataclass(frozen=True)
class AreaBar:
    id: str
    label: str
    name: str
    share: float | None
    city_median: float | None


@dataclass(frozen=True)
class Scorecard:
    round: Round
    unit: Unit
    unit_name: str
    kind_label: str
    framework_id: str
    framework_name: str
    score: float | None
    points: float | None
    max_points: float
    rank: int | None
    ranked_count: int
    band: str
    band_name: str
    band_level: int | None
    areas: list[AreaSection]
    largest_losses: list[NodeLine]
    comparison: Comparison
    predecessors: list[Unit]
    successors: list[Unit]
    area_bars: list[AreaBar]
    entries_visible: bool


@dataclass(frozen=True)
class NodeDetail:
    round: Round
    unit: Unit
    unit_name: str
    framework_name: str
    line: NodeLine
    guidance: str
    note: str
    path: list[tuple[str, str]]  # (node id, name) from the area down to the node's parent
    area_id: str
    children: list[NodeLine]
    ranked_count: int
    unit_score: float | None
    entries_visible: bool
    history: list[AuditRecord]


class ResultTree:
    """The framework's nodes with one unit's results and (optionally) entries."""

    def __init__(
        self,
        framework: Framework,
        unit: Unit,
        results: Mapping[str, NodeResult],
        entries: Mapping[str, EntryView] | None,
        language: str,
    ) -> None:
        self.framework = framework
        self.unit = unit
        self.results = results
        self.entries = entries
        self.language = language

    def applies(self, node: Node) -> bool:
        """Whether the node is meant for the unit's kind (``applies_to`` up the tree)."""
        return all(
            self.framework.node(node_id).applies(self.unit.kind)
            for node_id in self.framework.path(node.id)
        )

    def children(self, node: Node) -> list[Node]:
        return [child for child in node.children if self.applies(child)]

    def backing_leaf(self, node: Node) -> Node | None:
        """The leaf behind a line: the node itself, or the only applicable criterion of a group."""
        while not node.is_leaf:
            children = self.children(node)
            if len(children) != 1:
                return None
            node = children[0]
        return node

    def line(self, node: Node, depth: int) -> NodeLine:
        result = self.results.get(node.id)
        leaf = self.backing_leaf(node)
        leaf_result = self.results.get(leaf.id) if leaf is not None else None
        entry = None
        if leaf is not None and self.entries is not None:
            entry = self.entries.get(leaf.id)
        source = leaf.source.value if leaf is not None and leaf.source is not None else ""
        share = result.share if result is not None else None
        return NodeLine(
            node_id=node.id,
            name=node.name(self.language),
            depth=depth,
            kind=node.kind.value,
            leaf_id=leaf.id if leaf is not None else None,
            source=source,
            source_label=str(SOURCE_LABELS.get(source, "")),
            rule=leaf.rule.value if leaf is not None and leaf.rule is not None else "",
            points=result.points if result is not None else None,
            max_points=result.max_points if result is not None else 0.0,
            share=None if share is None else share * 100,
            rank=result.rank if result is not None else None,
            applicable=result.applicable if result is not None else False,
            value=leaf_result.value if leaf_result is not None else None,
            entry=entry,
        )

    def lines_below(self, node: Node, depth: int = 0) -> list[NodeLine]:
        """The criteria under ``node`` in the framework's order, groups folded as described."""
        lines = []
        for child in self.children(node):
            lines.append(self.line(child, depth))
            if self.backing_leaf(child) is None:
                lines.extend(self.lines_below(child, depth + 1))
        return lines


def evidence_download_url(evidence_id: int) -> str | None:
    """The lead's evidence download view, when the application has it."""
    try:
        return reverse("assessments:evidence_download", args=[evidence_id])
    except NoReverseMatch:
        return None


def entry_view(entry: Entry) -> EntryView:
    references = [
        EvidenceReference(
            title=str(item.get("title", "")),
            reference=str(item.get("reference", "")),
            year=str(item.get("year", "")),
        )
        for item in entry.evidence
        if isinstance(item, dict)
    ]
    files = [
        EvidenceFile(
            name=upload.original_name,
            size=upload.size,
            content_type=upload.content_type,
            uploaded_at=upload.uploaded_at,
            url=evidence_download_url(upload.pk),
        )
        for upload in entry.files.all()
    ]
    return EntryView(
        leaf_id=entry.leaf_id,
        self_value=entry.self_value,
        appraised_value=entry.appraised_value,
        survey_value=entry.survey_value,
        data_value=entry.data_value,
        not_applicable=entry.not_applicable,
        comment=entry.comment,
        appraisal_reason=entry.appraisal_reason,
        survey_answers=entry.survey_answers,
        references=references,
        files=files,
        updated_at=entry.updated_at,
    )


def unit_entries(round: Round, unit: Unit, leaf_ids: Iterable[str] | None = None) -> list[Entry]:
    """The unit's entries in the round with their evidence files (two queries)."""
    entries = Entry.objects.filter(round=round, unit=unit).prefetch_related("files")
    if leaf_ids is not None:
        entries = entries.filter(leaf_id__in=list(leaf_ids))
    return list(entries.order_by("leaf_id"))


def _unit_result(round: Round, unit_code: str) -> UnitResult:
    result = (
        UnitResult.objects.filter(round=round, unit__code=unit_code)
        .select_related("unit", "unit__parent")
        .first()
    )
    if result is None:
        raise NoResult(unit_code)
    return result


def _comparison(
    round: Round,
    unit: Unit,
    score: float | None,
    earlier_rounds: list[Round],
    predecessors: list[Unit],
    framework: Framework,
    language: str,
) -> Comparison:
    """Against the latest earlier round in which the unit or a predecessor has a result."""
    candidates = [
        earlier
        for earlier in earlier_rounds
        if earlier.framework_id == round.framework_id and earlier.year < round.year
    ]
    if not candidates:
        return Comparison(round=None, basis="", change=None)
    results = list(
        UnitResult.objects.filter(
            round__in=candidates, unit__in=[unit, *predecessors]
        ).select_related("unit")
    )
    if not results:
        return Comparison(round=None, basis="", change=None)
    by_round = {candidate.pk: candidate for candidate in candidates}
    latest = max((by_round[result.round_id] for result in results), key=lambda r: (r.year, r.pk))
    chosen = [result for result in results if result.round_id == latest.pk]
    own = [result for result in chosen if result.unit_id == unit.pk]
    order = {predecessor.pk: position for position, predecessor in enumerate(predecessors)}
    band_names = {band.id: band.name(language) for band in framework.bands}
    levels = band_levels(framework)
    shown = own or sorted(chosen, key=lambda result: order.get(result.unit_id, 0))
    earlier = [
        EarlierResult(
            round=latest,
            unit_code=result.unit.code,
            unit_name=result.unit.name_in(language),
            is_predecessor=result.unit_id != unit.pk,
            score=result.score,
            rank=result.rank,
            band=result.band,
            band_name=band_names.get(result.band, result.band),
            band_level=levels.get(result.band),
            difference=(None if score is None or result.score is None else score - result.score),
        )
        for result in shown
    ]
    scores = [item.score for item in earlier if item.score is not None]
    if own:
        basis = "own"
    elif len(earlier) == 1:
        basis = "predecessor"
    else:
        basis = "predecessors"
    change = None
    if score is not None and scores:
        change = score - statistics.fmean(scores)
    return Comparison(round=latest, basis=basis, change=change, earlier=earlier)


def _area_bars(
    round: Round, framework: Framework, areas: list[AreaSection], language: str
) -> list[AreaBar]:
    """The unit's share of each (non-adjustment) area against the city median (one query)."""
    regular = [section for section in areas if not section.is_adjustment]
    ids = [section.line.node_id for section in regular]
    shares: dict[str, list[float]] = {node_id: [] for node_id in ids}
    for node_id, share in NodeResult.objects.filter(
        unit_result__round=round, node_id__in=ids, applicable=True, share__isnull=False
    ).values_list("node_id", "share"):
        shares[node_id].append(share * 100)
    return [
        AreaBar(
            id=section.line.node_id,
            label=str(section.number),
            name=section.line.name,
            share=section.line.share,
            city_median=statistics.median(shares[section.line.node_id])
            if shares[section.line.node_id]
            else None,
        )
        for section in regular
    ]


def scorecard(
    round: Round,
    unit_code: str,
    *,
    language: str,
    can_view_entries: Callable[[Unit], bool],
    earlier_rounds: list[Round],
) -> Scorecard:
    """The unit's scorecard. ``can_view_entries(unit)`` decides whether the entries are shown;
    ``earlier_rounds`` are the rounds the viewer may see (for the change on last year)."""
    framework = round_framework(round, check_version=False)
    result = _unit_result(round, unit_code)
    unit = result.unit
    visible = can_view_entries(unit)
    node_results = {node.node_id: node for node in result.node_results.all()}
    entries = None
    if visible:
        entries = {entry.leaf_id: entry_view(entry) for entry in unit_entries(round, unit)}
    tree = ResultTree(framework, unit, node_results, entries, language)
    areas = []
    for number, area in enumerate(framework.areas, start=1):
        if not tree.applies(area):
            continue
        areas.append(
            AreaSection(
                number=number,
                line=tree.line(area, 0),
                is_adjustment=area.is_adjustment,
                criteria=tree.lines_below(area),
            )
        )
    criteria = [
        line
        for section in areas
        for line in section.criteria
        if line.leaf_id is not None and line.lost
    ]
    largest = sorted(criteria, key=lambda line: -(line.lost or 0.0))[:LARGEST_LOSSES]
    predecessors = unit_predecessors(unit)
    successors = unit_successors(unit)
    ranked = UnitResult.objects.filter(round=round, rank__isnull=False).count()
    band_names = {band.id: band.name(language) for band in framework.bands}
    return Scorecard(
        round=round,
        unit=unit,
        unit_name=unit.name_in(language),
        kind_label=kind_label(unit.kind),
        framework_id=framework.id,
        framework_name=framework.name(language),
        score=result.score,
        points=result.points,
        max_points=result.max_points,
        rank=result.rank,
        ranked_count=ranked,
        band=result.band,
        band_name=band_names.get(result.band, result.band),
        band_level=band_levels(framework).get(result.band),
        areas=areas,
        largest_losses=largest,
        comparison=_comparison(
            round, unit, result.score, earlier_rounds, predecessors, framework, language
        ),
        predecessors=predecessors,
        successors=successors,
        area_bars=_area_bars(round, framework, areas, language),
        entries_visible=visible,
    )


def node_detail(
    round: Round,
    unit_code: str,
    node_id: str,
    *,
    language: str,
    can_view_entries: Callable[[Unit], bool],
) -> NodeDetail:
    """One area, group or criterion of the unit, with the entry behind it for those allowed."""
    framework = round_framework(round, check_version=False)
    if node_id not in framework.node_index or node_id == framework.root.id:
        raise NoResult(node_id)
    result = _unit_result(round, unit_code)
    unit = result.unit
    node = framework.node(node_id)
    visible = can_view_entries(unit)
    node_results = {item.node_id: item for item in result.node_results.all()}
    tree = ResultTree(framework, unit, node_results, None, language)
    if not tree.applies(node):
        raise NoResult(node_id)
    leaf = tree.backing_leaf(node)
    history: list[AuditRecord] = []
    if visible and leaf is not None:
        found = unit_entries(round, unit, [leaf.id])
        tree.entries = {entry.leaf_id: entry_view(entry) for entry in found}
        if found:
            history = list(audit_trail(found[0]).select_related("actor"))
    elif visible:
        tree.entries = {}
    line = tree.line(node, 0)
    ranked = NodeResult.objects.filter(
        Q(unit_result__round=round) & Q(node_id=node_id) & Q(rank__isnull=False)
    ).aggregate(count=Count("pk"))["count"]
    path_ids = framework.path(node_id)[1:-1]
    return NodeDetail(
        round=round,
        unit=unit,
        unit_name=unit.name_in(language),
        framework_name=framework.name(language),
        line=line,
        guidance=(leaf or node).guidance.get(language, "") or (leaf or node).guidance.get("en", ""),
        note=(leaf or node).note,
        path=[(path_id, framework.node(path_id).name(language)) for path_id in path_ids],
        area_id=framework.path(node_id)[1],
        children=[] if leaf is not None else tree.lines_below(node),
        ranked_count=ranked,
        unit_score=result.score,
        entries_visible=visible,
        history=history,
    )


def scorecard_download_rows(card: Scorecard) -> tuple[list[str], list[dict[str, object]]]:
    """One row per area and criterion; the entries' values only when the viewer may see them."""
    columns = [
        "area",
        "node_id",
        "name",
        "level",
        "points",
        "max_points",
        "points_lost",
        "share_percent",
        "rank",
        "value",
    ]
    if card.entries_visible:
        columns += ["self_value", "appraised_value", "appraisal_reason", "comment", "evidence"]
    rows = []
    for section in card.areas:
        for level, line in [("area", section.line), *(("criterion", c) for c in section.criteria)]:
            record: dict[str, object] = {
                "area": section.number,
                "node_id": line.node_id,
                "name": line.name,
                "level": level
                if line.depth == 0 or level == "area"
                else f"criterion-{line.depth + 1}",
                "points": rounded(line.points, 4),
                "max_points": rounded(line.max_points, 4),
                "points_lost": rounded(line.lost, 4),
                "share_percent": rounded(line.share),
                "rank": line.rank,
                "value": rounded(line.value, 4) if level != "area" else None,
            }
            if card.entries_visible and line.entry is not None:
                entry = line.entry
                record.update(
                    {
                        "self_value": entry.self_value,
                        "appraised_value": entry.appraised_value,
                        "appraisal_reason": entry.appraisal_reason,
                        "comment": entry.comment,
                        "evidence": "; ".join(
                            [
                                *(
                                    " ".join(p for p in (ref.title, ref.reference) if p)
                                    for ref in entry.references
                                ),
                                *(upload.name for upload in entry.files),
                            ]
                        ),
                    }
                )
            rows.append(record)
    return columns, rows
