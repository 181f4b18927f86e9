"""Excel (xlsx) export of the same table reports, with openpyxl. Pure: values in, bytes out.

Integers (rupiah) are written as numbers, never floats; dates as dates; everything else as text.
Text that Excel would read as a formula ("=", "+", "-", "@", ...) is stored as a plain string
with Excel's quote prefix, so it is shown literally and never evaluated (CSV/Excel injection).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .report import Column, ReportFrame

__all__ = ["AMOUNT_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT", "render_table_xlsx", "sheet_title"]

AMOUNT_FORMAT = "#,##0;(#,##0)"
DATE_FORMAT = "DD MMM YYYY"
DATETIME_FORMAT = "DD MMM YYYY HH:MM"

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_EXACT_INT_LIMIT = 10**15  # Excel keeps 15 significant digits; longer numbers go in as text
_MAX_TEXT = 32_767  # Excel's limit for one cell
_TOTAL_CHARS = {False: 110, True: 160}  # all column widths, in characters: portrait, landscape

_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E6E8EB")
_THIN = Side(style="thin", color="1F2328")
_HEAD_BORDER = Border(top=_THIN, bottom=_THIN)
_TOTAL_BORDER = Border(top=_THIN, bottom=_THIN)


def sheet_title(title: str) -> str:
    """A valid worksheet name: no []:*?/\\ or control characters, no edge quotes, <= 31 chars."""
    name = _INVALID_SHEET_CHARS.sub("", ILLEGAL_CHARACTERS_RE.sub("", title))
    name = " ".join(name.split()).strip("'")[:31].strip().strip("'")
    return name or "Laporan"


def _text(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_MAX_TEXT]


def _put(cell: Cell, value: object) -> None:
    """Write one value: int -> number, date -> date, anything else -> literal text."""
    if value is None:
        return
    if isinstance(value, bool):
        value = "Ya" if value else "Tidak"
    elif isinstance(value, int) and abs(value) < _EXACT_INT_LIMIT:
        cell.value = int(value)
        cell.number_format = AMOUNT_FORMAT
        return
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)  # already local time; Excel has no time zones
        cell.number_format = DATETIME_FORMAT
        return
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    text = _text(value)
    cell.value = text
    cell.data_type = "s"  # never a formula, never an error code such as "#N/A"
    if text.startswith(_FORMULA_PREFIXES):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _write_row(
    ws: Worksheet, row: int, values: Sequence[object], alignments: Sequence[Alignment | None]
) -> None:
    for index, (value, alignment) in enumerate(zip(values, alignments, strict=True), start=1):
        cell = ws.cell(row=row, column=index)
        _put(cell, value)
        if alignment is not None:
            cell.alignment = alignment


def render_table_xlsx(
    frame: ReportFrame,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    totals: Sequence[object] | None = None,
) -> bytes:
    """Render the report as a one-sheet xlsx workbook and return its bytes."""
    if not columns:
        raise ValueError("a report needs at least one column")
    for column in columns:
        if not column.width > 0:
            raise ValueError(f"column {column.title!r}: width must be positive")
    for number, row in enumerate([*rows, *([totals] if totals is not None else [])], start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(columns)}")

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(frame.title)
    wb.properties.title = _text(frame.title)
    wb.properties.creator = _text(frame.coop_name)

    # Header block: one fact per row, in column A (text runs over the empty cells to its right).
    printed = f"Dicetak {frame.printed_at}"
    if frame.printed_by:
        printed += f" oleh {frame.printed_by}"
    block: list[tuple[str, Font | None]] = [(frame.coop_name, Font(bold=True, size=13))]
    if frame.coop_address:
        block.append((frame.coop_address, None))
    block.append((frame.title, Font(bold=True, size=12)))
    block.append((frame.period_label, None))
    if frame.subtitle:
        block.append((frame.subtitle, _BOLD))
    block.append((printed, Font(italic=True, color="555B62")))
    for row, (text, font) in enumerate(block, start=1):
        cell = ws.cell(row=row, column=1)
        _put(cell, text)
        if font is not None:
            cell.font = font

    head_row = len(block) + 2  # one empty row between the block and the table
    alignments = [None if c.align == "left" else Alignment(horizontal=c.align) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=head_row, column=index)
        _put(cell, column.title)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.border = _HEAD_BORDER
        cell.alignment = Alignment(horizontal=column.align, vertical="bottom", wrap_text=True)

    row_number = head_row
    for row_number, values in enumerate(rows, start=head_row + 1):  # noqa: B007
        _write_row(ws, row_number, values, alignments)
    last_data_row = row_number

    if totals is not None:
        row_number += 1
        _write_row(ws, row_number, totals, alignments)
        for cell in ws[row_number]:
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
            cell.border = _TOTAL_BORDER

    # Layout: column widths from the relative widths, header frozen, printable on A4.
    scale = _TOTAL_CHARS[frame.landscape] / sum(column.width for column in columns)
    for index, column in enumerate(columns, start=1):
        width = max(6.0, round(column.width * scale, 1))
        ws.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(len(columns))
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    if last_data_row > head_row:
        ws.auto_filter.ref = f"A{head_row}:{last_column}{last_data_row}"
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if frame.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.right.text = "Halaman &P dari &N"
    ws.oddFooter.left.text = _text(printed)[:200].replace("&", "&&")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
