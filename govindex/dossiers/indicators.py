"""The registry of Decision 766 indicators and the "4 không" shares, computed from counter sums.

Every indicator is a definition, not code scattered over pages: its number in the formula
document, the leaf of ``frameworks/dvc-766.yaml`` that scores it (points and threshold come from
that file, through the scoring core), how its numerator and denominator are read from the sums of
daily counters, and whether its formula is published and its data held here. Rates are computed
for all units at once (numpy arrays, one value per unit); a zero denominator is N/A (NaN here,
``None`` in results), never 0 and never 100.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _

from govindex.scoring import Framework, RoundScores, load_framework, score_values

FRAMEWORK_ID = "dvc-766"
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Sums = Mapping[str, IntArray]
"""Counter name → one sum per unit. Period counters are summed over the period's days; the keys
``open`` and ``late_open`` hold dossiers still open, and open and late, at the period's end;
``procedures_*`` keys hold counts of procedures (see ``selectors.period_sums``)."""


class Availability(StrEnum):
    COMPUTED = "computed"
    UNPUBLISHED = "unpublished"  # the formula or its points are not published: not invented
    NO_DATA = "no_data"  # the formula is known but the records it needs are not held here
    #: computed from the feedback cases, whose sums (``FEEDBACK_SUMS``) the feedback app supplies
    #: (``selectors.SumsSource``); "no data" where nothing supplies them
    FEEDBACK = "feedback"


#: The sums of feedback cases per unit that 5.2 and 5.3 read (``govindex.feedback.indicators``).
FEEDBACK_SUMS = ("feedback_cases", "feedback_on_time", "feedback_satisfied")


@dataclass(frozen=True)
class Indicator:
    number: str
    name: str
    group: str
    leaf: str | None
    availability: Availability
    formula: str
    numerator: Callable[[Sums], IntArray] | None = None
    denominator: Callable[[Sums], IntArray] | None = None
    note: str = ""

    def computed(self, sums: Sums) -> bool:
        """Whether the indicator is computed from ``sums``: always for a dossier indicator, when
        the feedback sums are there for a feedback one."""
        if self.availability is Availability.FEEDBACK:
            return all(name in sums for name in FEEDBACK_SUMS)
        return self.availability is Availability.COMPUTED


def _counter(name: str) -> Callable[[Sums], IntArray]:
    def read(sums: Sums) -> IntArray:
        return sums[name]

    read.__name__ = name
    return read


def _on_time_numerator(sums: Sums) -> IntArray:
    return sums["finished_on_time"] + sums["open"] - sums["late_open"]


def _on_time_denominator(sums: Sums) -> IntArray:
    return sums["finished"] + sums["open"]


def _satisfied_dossiers(sums: Sums) -> IntArray:
    overdue = sums["finished"] - sums["finished_on_time"]
    remaining = sums["finished"] - sums["rated_unsatisfied"] - sums["complained"] - overdue
    return np.maximum(remaining, 0)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "1.1",
        _("Procedures whose announcement decision was issued on time"),
        "publicity",
        "i1_1_published_on_time",
        Availability.NO_DATA,
        "announcement decisions on time / procedures announced",
        note=_("Needs the register of announcement decisions, not held by this app."),
    ),
    Indicator(
        "1.2",
        _("Procedures made public on the national database on time"),
        "publicity",
        "i1_2_made_public_on_time",
        Availability.NO_DATA,
        "procedures made public within 5 working days / procedures to make public",
        note=_("Needs the national procedure database's publication dates."),
    ),
    Indicator(
        "1.3",
        _("Published procedures with all mandatory components"),
        "publicity",
        "i1_3_public_content_complete",
        Availability.NO_DATA,
        "procedures listed with every component / procedures listed",
        note=_("Needs the published procedure texts."),
    ),
    Indicator(
        "1.4",
        _("Dossiers synchronised to the National Public Service Portal"),
        "publicity",
        "i1_4_dossiers_synchronised",
        Availability.NO_DATA,
        "synchronised dossiers / max(received locally, received on the portal)",
        note=_("Needs the national portal's count of received dossiers."),
    ),
    Indicator(
        "2.1",
        _("Dossiers processed early or on time"),
        "progress",
        "i2_1_on_time",
        Availability.COMPUTED,
        "(finished on time in the period + open at its end and not late) / "
        "(finished in the period + open at its end)",
        _on_time_numerator,
        _on_time_denominator,
        _(
            "End of processing ≤ appointment date, moved by the office time spent waiting for the "
            "applicant's supplement; a second supplement request makes a dossier late; an open "
            "dossier is judged at the period's end."
        ),
    ),
    Indicator(
        "3.0",
        _("Online public service provision (group score)"),
        "online_services",
        "i3_online_services",
        Availability.UNPUBLISHED,
        "split of the 12 points over 3.1, 3.2 and 3.3 not published",
        note=_("The national portal returns only a group score; its split is not published."),
    ),
    Indicator(
        "3.1",
        _("Procedures offered online (partly or fully)"),
        "online_services",
        None,
        Availability.COMPUTED,
        "procedures offered online / procedures under the unit's authority",
        _counter("procedures_online"),
        _counter("procedures"),
        _("Rate shown; full points at 80 %, but its points are not published."),
    ),
    Indicator(
        "3.2",
        _("Online services that received at least one online dossier"),
        "online_services",
        None,
        Availability.COMPUTED,
        "online procedures with ≥ 1 online dossier received in the period / online procedures",
        _counter("procedures_online_used"),
        _counter("procedures_online"),
        _("Rate shown; its points are not published."),
    ),
    Indicator(
        "3.3",
        _("Dossiers submitted online"),
        "online_services",
        None,
        Availability.COMPUTED,
        "dossiers received online (with an electronic result where a paper result is "
        "required) / dossiers received",
        _counter("online"),
        _counter("received"),
        _("Rate shown; full points at 50 %, but its points are not published."),
    ),
    Indicator(
        "3.5",
        _("Fee-bearing procedures integrated for online payment"),
        "online_payment",
        "i3_5_payment_integrated",
        Availability.COMPUTED,
        "fee-bearing procedures integrated for online payment / fee-bearing procedures",
        _counter("procedures_fee_integrated"),
        _counter("procedures_fee"),
    ),
    Indicator(
        "3.5b",
        _("Fee-bearing procedures with at least one online payment"),
        "online_payment",
        "i3_5b_payment_used",
        Availability.COMPUTED,
        "fee-bearing procedures with ≥ 1 dossier paid online in the period / fee-bearing "
        "procedures",
        _counter("procedures_fee_paid"),
        _counter("procedures_fee"),
    ),
    Indicator(
        "3.6",
        _("Fee-bearing dossiers paid online"),
        "online_payment",
        "i3_6_dossiers_paid_online",
        Availability.COMPUTED,
        "dossiers paid online (DuocThanhToanTrucTuyen 1 or 2) / dossiers of procedures with a "
        "non-zero fee",
        _counter("paid_online"),
        _counter("fee_bearing"),
    ),
    Indicator(
        "4.1",
        _("Dossiers with an electronic result"),
        "digitisation",
        "i4_1_electronic_result",
        Availability.COMPUTED,
        "dossiers with an electronic result / dossiers that ended with a result, of "
        "procedures that require a paper result",
        _counter("result_electronic"),
        _counter("result_required"),
    ),
    Indicator(
        "4.2",
        _("Dossiers digitised (inputs and results)"),
        "digitisation",
        "i4_2_digitised",
        Availability.COMPUTED,
        "dossiers with digitised components and an electronic result where a paper result is "
        "required / dossiers received",
        _counter("digitised"),
        _counter("received"),
    ),
    Indicator(
        "4.x",
        _("Electronic certified copies issued from originals"),
        "digitisation",
        "i4_x_certified_copies",
        Availability.UNPUBLISHED,
        "not described in the formula document",
        note=_("Added on the national portal later; no formula published."),
    ),
    Indicator(
        "4.3",
        _("Dossiers reusing previously digitised data"),
        "digitisation",
        "i4_3_reused_data",
        Availability.COMPUTED,
        "dossiers with ≥ 1 component reused from digitised data / dossiers received",
        _counter("reused"),
        _counter("received"),
    ),
    Indicator(
        "4.4",
        _("Digitised dossiers linked to the citizen data store"),
        "digitisation",
        "i4_4_linked_to_data_store",
        Availability.COMPUTED,
        "dossiers with ≥ 1 component taken from the personal data store / dossiers received",
        _counter("data_store"),
        _counter("received"),
    ),
    Indicator(
        "4.5a",
        _("Citizen-facing procedures connected to the population database"),
        "digitisation",
        "i4_5a_population_db_procedures",
        Availability.NO_DATA,
        "procedures with dossiers using population data / procedures for citizens",
        note=_("Needs the procedures' subject types, not held in the catalogue."),
    ),
    Indicator(
        "4.5b",
        _("Dossiers using data from the national population database"),
        "digitisation",
        "i4_5b_population_db_dossiers",
        Availability.COMPUTED,
        "dossiers using population-database data / dossiers received",
        _counter("population_data"),
        _counter("received"),
    ),
    Indicator(
        "5.2",
        _("Feedback items handled on time"),
        "satisfaction",
        "i5_2_feedback_on_time",
        Availability.FEEDBACK,
        "feedback handled on time / feedback",
        _counter("feedback_on_time"),
        _counter("feedback_cases"),
        _("From the feedback cases first received in the period, under the unit holding them."),
    ),
    Indicator(
        "5.3",
        _("Satisfaction with feedback handling"),
        "satisfaction",
        "i5_3_feedback_satisfaction",
        Availability.FEEDBACK,
        "(feedback − unsatisfied − repeated − overdue) / feedback",
        _counter("feedback_satisfied"),
        _counter("feedback_cases"),
        _("From the feedback cases first received in the period, under the unit holding them."),
    ),
    Indicator(
        "5.4",
        _("Satisfaction with receipt and handling of procedures"),
        "satisfaction",
        "i5_4_dossier_satisfaction",
        Availability.COMPUTED,
        "(dossiers − rated unsatisfied − complained − overdue) / dossiers, over dossiers "
        "finished in the period",
        _satisfied_dossiers,
        _counter("finished"),
        _(
            "A dossier both overdue and rated unsatisfied is subtracted twice, as the formula "
            "reads; the numerator is not allowed below 0."
        ),
    ),
)

INDICATOR_BY_NUMBER = {indicator.number: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class FourNoShare:
    """One of the "4 không" shares (DESIGN §4.7: inferred, configurable)."""

    id: str
    name: str
    numerator: str
    denominator: str
    definition: str


FOUR_NO: tuple[FourNoShare, ...] = (
    FourNoShare(
        "paperless",
        _("Paperless"),
        "paperless",
        "received",
        "received online with an electronic result / received",
    ),
    FourNoShare(
        "cashless",
        _("Cashless"),
        "paid_online",
        "fee_bearing",
        "paid online / dossiers of fee-bearing procedures",
    ),
    FourNoShare(
        "contactless",
        _("Contactless"),
        "contactless",
        "received",
        "received online for a full-process online procedure / received",
    ),
    FourNoShare(
        "boundary_free",
        _("Boundary-free"),
        "boundary_free",
        "locality_known",
        "received outside the applicant's home locality / received with a known locality",
    ),
)


def rate(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> FloatArray:
    """Percentages in [0, 100]; NaN where the denominator is 0 (N/A)."""
    top = np.asarray(numerator, dtype=float)
    bottom = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / bottom * 100.0, np.nan)


@dataclass(frozen=True)
class IndicatorRates:
    """Numerators, denominators and rates of every computed indicator, one value per unit."""

    numerators: Mapping[str, IntArray]
    denominators: Mapping[str, IntArray]
    rates: Mapping[str, FloatArray]
    four_no: Mapping[str, tuple[IntArray, IntArray, FloatArray]]


def indicator_rates(sums: Sums) -> IndicatorRates:
    numerators, denominators, rates = {}, {}, {}
    for indicator in INDICATORS:
        if not indicator.computed(sums):
            continue
        assert indicator.numerator is not None and indicator.denominator is not None
        top = np.asarray(indicator.numerator(sums), dtype=np.int64)
        bottom = np.asarray(indicator.denominator(sums), dtype=np.int64)
        numerators[indicator.number] = top
        denominators[indicator.number] = bottom
        rates[indicator.number] = rate(top, bottom)
    four_no = {}
    for share in FOUR_NO:
        top = np.asarray(sums[share.numerator], dtype=np.int64)
        bottom = np.asarray(sums[share.denominator], dtype=np.int64)
        four_no[share.id] = (top, bottom, rate(top, bottom))
    return IndicatorRates(numerators, denominators, rates, four_no)


def framework() -> Framework:
    return load_framework(FRAMEWORK_ID)


def score_rates(units: list[str], rates: IndicatorRates) -> RoundScores:
    """Points, group points, total and class through the scoring core: each scored indicator's
    rate fills its leaf; every other leaf is N/A, which the framework excludes from the maxima."""
    model = framework()
    column = {leaf: i for i, leaf in enumerate(model.leaf_ids)}
    matrix = np.full((len(units), len(model.leaf_ids)), np.nan)
    for indicator in INDICATORS:
        if indicator.leaf is not None and indicator.number in rates.rates:
            matrix[:, column[indicator.leaf]] = rates.rates[indicator.number]
    return score_values(model, units, matrix)
