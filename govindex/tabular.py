"""Read and write the tables officials exchange: CSV (UTF-8, comma or semicolon) and XLSX.

Cells come back as text or numbers exactly as stored, with the file's own row numbers, so that
every message about bad input can name the row and column a clerk sees in Excel.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Cell = str | float | int | None


class TableError(ValueError):
    """The file cannot be read as a table at all (wrong type, broken file, no header)."""


@dataclass(frozen=True)
class Table:
    """A header and its data rows; ``row_numbers[i]`` is the file row of ``rows[i]`` (header = 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_numbers: tuple[int, ...]


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise TableError(f"{path.name}: unsupported file type {suffix!r} (expected .csv or .xlsx)")


def _read_csv(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            f"{path.name}: not UTF-8 text (byte {error.start}); save the file as CSV UTF-8"
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _table(path, records)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise TableError(f"{path.name}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        records = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(path, records)


def _table(path: Path, records: list[list[Any]]) -> Table:
    if not records or not any(_present(cell) for cell in records[0]):
        raise TableError(f"{path.name}: the first row must be a header row; the file has none")
    header = tuple("" if cell is None else str(cell).strip() for cell in records[0])
    while header and not header[-1]:
        header = header[:-1]
    rows, numbers = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(_present(cell) for cell in record):
            continue  # blank lines and Excel's trailing empty rows
        cells = tuple(_clean(cell) for cell in record[: len(header)])
        rows.append(cells + (None,) * (len(header) - len(cells)))
        numbers.append(number)
    return Table(header=header, rows=tuple(rows), row_numbers=tuple(numbers))


def _present(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _clean(cell: Any) -> Cell:
    if cell is None or isinstance(cell, bool):
        return None if cell is None else str(cell)
    if isinstance(cell, int | float):
        return cell
    text = str(cell).strip()
    return text or None


def write_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path | None, fmt: str
) -> str | None:
    """Write rows as CSV, JSON or XLSX to ``path`` atomically (a crash leaves no half file);
    without a path, return the CSV/JSON text instead."""
    if fmt == "xlsx":
        if path is None:
            raise TableError("XLSX output needs --output FILE")
        _atomic_write(path, _xlsx_bytes(rows, columns))
        return None
    text = _json_text(rows) if fmt == "json" else _csv_text(rows, columns)
    if path is None:
        return text
    _atomic_write(path, text.encode("utf-8"))
    return None


def _csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return buffer.getvalue()


def _json_text(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n"


def _xlsx_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
