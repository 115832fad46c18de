"""A report as a file: its bytes in a format, its content type, and its ASCII file name."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from govindex.improvement.reports.pdf import report_pdf
from govindex.improvement.reports.spreadsheet import report_xlsx

if TYPE_CHECKING:
    from govindex.improvement.reports.city import CityReport
    from govindex.improvement.reports.unit import UnitReport

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def ascii_slug(text: str) -> str:
    """``text`` in ASCII letters, digits, dots and hyphens (Vietnamese letters lose their marks,
    đ becomes d): ``Kỳ 2025/1`` → ``Ky-2025-1``."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.")


def report_file_name(report: UnitReport | CityReport, fmt: str) -> str:
    """``govindex-<period>-<unit code>-<language>.<fmt>`` (``city`` for the city's report), e.g.
    ``govindex-2025-00070-vi.pdf``."""
    subject = report.unit.code if report.kind == "unit" else "city"  # type: ignore[union-attr]
    parts = ["govindex", ascii_slug(report.round.period), ascii_slug(subject), report.language]
    return "-".join(part for part in parts if part) + f".{fmt}"


def report_bytes(report: UnitReport | CityReport, fmt: str) -> bytes:
    """The report in ``fmt`` (``pdf`` or ``xlsx``)."""
    if fmt == "pdf":
        return report_pdf(report)
    if fmt == "xlsx":
        return report_xlsx(report)
    raise ValueError(f"Unknown report format {fmt!r}: use pdf or xlsx.")
