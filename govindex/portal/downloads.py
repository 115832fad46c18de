"""Every dashboard table as a file: ``?format=csv`` or ``?format=xlsx`` on the page's URL.

Built in memory (``govindex.tabular.write_rows`` writes files to disk and XLSX only to a path).
CSV is UTF-8 with a byte-order mark, so Excel shows Vietnamese names as they are; XLSX has a bold,
frozen header row. Column names are stable identifiers (``unit_code``, ``score``, area ids), the
same in every language; numbers are plain numbers (a dot for the decimals in CSV).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence

from django.http import HttpRequest, HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnknownFormat(ValueError):
    pass


def requested_format(query: Mapping[str, str]) -> str | None:
    """The download format asked for in the query string (``None``: the page itself)."""
    fmt = query.get("format")
    if fmt is None or fmt == "":
        return None
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    return fmt


def download_links(request: HttpRequest) -> list[tuple[str, str]]:
    """``(label, URL)`` of the page's table as each format, keeping the page's other parameters."""
    links = []
    for fmt in FORMATS:
        query = request.GET.copy()
        query["format"] = fmt
        query.pop("fragment", None)
        links.append((fmt.upper(), f"{request.path}?{query.urlencode()}"))
    return links


def file_stem(*parts: object) -> str:
    """An ASCII file name from its parts: ``ranking``, ``hanoi-par-units-5666``, ``2025`` →
    ``ranking_hanoi-par-units-5666_2025``."""
    cleaned = []
    for part in parts:
        text = unicodedata.normalize("NFKD", str(part).replace("đ", "d").replace("Đ", "D"))
        text = text.encode("ascii", "ignore").decode()
        text = re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.")
        if text:
            cleaned.append(text)
    return "_".join(cleaned) or "table"


def csv_bytes(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(column) is None else row[column] for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    columns: Sequence[str], rows: Sequence[Mapping[str, object]], *, sheet_title: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", sheet_title)[:31] or "table"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        longest = max(
            [len(column), *(len(str(row.get(column) or "")) for row in rows[:500])], default=8
        )
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            60, longest + 2
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_download(
    fmt: str, stem: str, columns: Sequence[str], rows: Sequence[Mapping[str, object]]
) -> HttpResponse:
    """The table as an attachment named ``<stem>.<fmt>``."""
    if fmt == "csv":
        content = csv_bytes(columns, rows)
    elif fmt == "xlsx":
        content = xlsx_bytes(columns, rows, sheet_title=stem.split("_")[0])
    else:
        raise UnknownFormat(fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
