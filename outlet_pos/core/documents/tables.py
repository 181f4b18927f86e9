"""One table spec, two renderings: every report page builds a ``Table`` of raw cells (int
rupiah or count, date, Decimal quantity, text) that the PDF and the workbook both read, so the
page, the PDF and the Excel file never disagree.

The PDF gets cells formatted ("1.234.567", "(5.000)", "21 Okt 2025", "2,5"); the workbook gets
ints and dates as numbers and dates, so a treasurer can sum them in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from outlet_pos.core.documents.excel import render_table_xlsx
from outlet_pos.core.documents.report import Column, ReportFrame, render_table_report
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"pdf": "application/pdf", "xlsx": XLSX}


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[object]]
    totals: list[object] | None = None
    notes: list[str] = field(default_factory=list)
    landscape: bool = False


def pdf_cell(value: object) -> str:
    """A raw cell as the PDF prints it: amounts grouped, negatives in parentheses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int):
        return f"({format_number(-value)})" if value < 0 else format_number(value)
    if isinstance(value, date):
        return tanggal(value)
    if isinstance(value, Decimal):
        return fmt_qty(value)
    return str(value)


def xlsx_cell(value: object) -> object:
    """Decimals (quantities) as Indonesian text; everything else as it is."""
    if isinstance(value, Decimal):
        return fmt_qty(value)
    return value


def render_table(fmt: str, frame: ReportFrame, table: Table) -> bytes:
    """The report as ``pdf`` or ``xlsx`` bytes."""
    totals = table.totals
    if fmt == "pdf":
        rows = [[pdf_cell(v) for v in row] for row in table.rows]
        return render_table_report(
            frame, table.columns, rows, [pdf_cell(v) for v in totals] if totals else None,
            table.notes,
        )  # fmt: skip
    if fmt == "xlsx":
        rows = [[xlsx_cell(v) for v in row] for row in table.rows]
        return render_table_xlsx(
            frame, table.columns, rows, [xlsx_cell(v) for v in totals] if totals else None
        )
    raise ValueError(fmt)
