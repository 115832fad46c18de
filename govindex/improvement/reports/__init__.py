"""The conference reports of a round: a unit's pack and the city's report, as data
(``unit_report``, ``city_report``), as the report's page and PDF (``report_html``,
``report_pdf``) and as a workbook (``report_xlsx``). See docs/improvement.md, "Reports"."""

from govindex.improvement.reports.city import CityReport, city_report
from govindex.improvement.reports.files import (
    CONTENT_TYPES,
    FORMATS,
    report_bytes,
    report_file_name,
)
from govindex.improvement.reports.pdf import report_html, report_pdf
from govindex.improvement.reports.spreadsheet import report_xlsx
from govindex.improvement.reports.unit import UnitReport, unit_report

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "CityReport",
    "UnitReport",
    "city_report",
    "report_bytes",
    "report_file_name",
    "report_html",
    "report_pdf",
    "report_xlsx",
    "unit_report",
]
