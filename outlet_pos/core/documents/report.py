"""A4 table reports: letterhead, title, a paged table, totals, notes, "Halaman X dari Y".

Pure: strings in, PDF bytes out. Cells arrive already formatted by the caller ("1.234.567",
"(5.000)", "111100 Kas"). Long reports are laid out one page-sized ``Table`` at a time (each with
its header row), never as one big ``LongTable``, so the time grows linearly with the rows.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate

# An escaping helper for reportlab's paragraph markup: no XML is parsed here.
from xml.sax.saxutils import escape  # nosec B406

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

__all__ = ["Column", "ReportFrame", "render_table_report"]

ALIGNMENTS = ("left", "right", "center")


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative width (fractions of the usable page width, normalised)
    align: str = "left"  # "left" | "right" | "center"; amounts are right-aligned


@dataclass(frozen=True)
class ReportFrame:
    coop_name: str
    coop_address: str  # one line
    title: str  # e.g. "Neraca Saldo"
    period_label: str  # e.g. "1 Jan 2025 – 31 Mar 2025"
    printed_by: str
    printed_at: str  # already formatted local time, e.g. "30 Nov 2026 09:15 WITA"
    subtitle: str = ""  # optional second line, e.g. account "111100 Kas"
    landscape: bool = False


# --- look ----------------------------------------------------------------------------------------

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
CELL_SIZE = 8.5
CELL_LEADING = 10.5
PAD_X = 4.0
PAD_Y = 2.75
MARGIN_X = 15 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 12 * mm
FOOTER_ROOM = 9 * mm  # between the bottom margin and the frame: rule + footer line
HEADER_GAP = 5 * mm  # between the title block and the frame

ACCENT = colors.HexColor("#B3261E")  # the cooperative's red
INK = colors.HexColor("#1F2328")
MUTED = colors.HexColor("#555B62")
RULE = colors.HexColor("#8C939B")
HEAD_BG = colors.HexColor("#E6E8EB")
ZEBRA_BG = colors.HexColor("#F5F6F7")

_EPS = 0.01
_MAX_HEADER_TEXT = 300  # characters of a letterhead/title line; a frame must still fit a page
_ELLIPSIS = "…"
_TA = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEADING_SPACES = re.compile(r"^ +", re.MULTILINE)


def _style(
    name: str,
    font: str,
    size: float,
    leading: float,
    align: str = "left",
    color: colors.Color = INK,
) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading, alignment=_TA[align], textColor=color
    )


_CELL_STYLES = {
    (bold, align): _style(
        f"cell-{bold}-{align}", FONT_BOLD if bold else FONT, CELL_SIZE, CELL_LEADING, align
    )
    for bold in (False, True)
    for align in ALIGNMENTS
}
_NAME_STYLE = _style("coop-name", FONT_BOLD, 13, 16, "center")
_ADDRESS_STYLE = _style("coop-address", FONT, 8.5, 10.5, "center", MUTED)
_TITLE_STYLE = _style("title", FONT_BOLD, 13, 16, "center")
_PERIOD_STYLE = _style("period", FONT, 9, 11.5, "center")
_SUBTITLE_STYLE = _style("subtitle", FONT_BOLD, 9, 11.5, "center")
_NOTE_STYLE = ParagraphStyle("note", parent=_style("note-base", FONT, 8.5, 11), spaceBefore=2)


# --- text ----------------------------------------------------------------------------------------


def _clean(value: object) -> str:
    """Any cell value as one clean string (``None`` is empty)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL_CHARS.sub("", text)


def _markup(text: str) -> str:
    """Plain text as Paragraph markup: escaped, newlines kept, leading indentation kept."""
    text = escape(text)
    text = _LEADING_SPACES.sub(lambda m: "&nbsp;" * len(m.group(0)), text)
    return text.replace("\n", "<br/>")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


# --- cells and rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    widths: tuple[float, ...]  # column widths in points
    aligns: tuple[str, ...]
    max_row_height: float  # a row never grows past this (the frame minus the header row)


def _cell(
    text: str, inner_width: float, align: str, bold: bool, max_height: float
) -> tuple[object, float]:
    """A table cell and the height of its content: a plain string when it fits on one line
    (fast), a wrapping Paragraph otherwise; text too tall for a page is cut with an ellipsis."""
    font = FONT_BOLD if bold else FONT
    if "\n" not in text and stringWidth(text, font, CELL_SIZE) <= inner_width:
        return text, CELL_LEADING
    style = _CELL_STYLES[bold, align]
    para = _para(text, style)
    height = para.wrap(inner_width, max_height)[1]
    while height > max_height and len(text) > 1:
        keep = max(1, min(len(text) - 1, int(len(text) * max_height / height * 0.95)))
        text = text[:keep].rstrip() + _ELLIPSIS
        para = _para(text, style)
        height = para.wrap(inner_width, max_height)[1]
    return para, height


def _row(values: Sequence[object], layout: _Layout, bold: bool) -> tuple[list[object], float]:
    cells: list[object] = []
    content = CELL_LEADING
    limit = layout.max_row_height - 2 * PAD_Y
    for value, width, align in zip(values, layout.widths, layout.aligns, strict=True):
        cell, height = _cell(_clean(value), width - 2 * PAD_X, align, bold, limit)
        cells.append(cell)
        content = max(content, height)
    return cells, content + 2 * PAD_Y


def header_commands(size: float = CELL_SIZE) -> list[tuple]:
    """The table look every report shares: cell padding, a grey bold header between rules."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, size, CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, size, CELL_LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
    ]


def _base_commands(layout: _Layout) -> list[tuple]:
    commands: list[tuple] = [
        *header_commands(),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
    ]
    for index, align in enumerate(layout.aligns):
        if align != "left":
            commands.append(("ALIGN", (index, 0), (index, -1), align.upper()))
    return commands


class _PagedTable(Flowable):
    """All body rows of the report; splits itself into one ``Table`` per page.

    Row heights are measured once, up front; a split is a bisection over the running sum of the
    heights plus one ``Table`` of the rows that fit, so each page costs only its own rows.
    """

    def __init__(
        self,
        header: list[object],
        header_height: float,
        body: list[list[object]],
        heights: list[float],
        has_totals: bool,
        layout: _Layout,
        start: int = 0,
        ends: list[float] | None = None,
    ) -> None:
        super().__init__()
        self._header = header
        self._header_height = header_height
        self._body = body
        self._heights = heights
        self._ends = ends if ends is not None else [0.0, *accumulate(heights)]
        self._has_totals = has_totals
        self._layout = layout
        self._start = start
        self._width = sum(layout.widths)

    def _height_of(self, start: int, end: int) -> float:
        return self._header_height + self._ends[end] - self._ends[start]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = self._width, self._height_of(self._start, len(self._body))
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        start, count = self._start, len(self._body)
        room = availHeight - self._header_height + _EPS
        end = min(count, bisect_right(self._ends, self._ends[start] + room) - 1)
        if end <= start:
            return []  # not even one row here: the frame moves on to the next page
        if self._has_totals and end == count - 1 and end - start >= 2:
            end -= 1  # the totals row never stands alone under a repeated header
        rest = _PagedTable(
            self._header,
            self._header_height,
            self._body,
            self._heights,
            self._has_totals,
            self._layout,
            end,
            self._ends,
        )
        return [self._table(start, end), rest]

    def draw(self) -> None:
        table = self._table(self._start, len(self._body))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

    def _table(self, start: int, end: int) -> Table:
        rows = [self._header, *self._body[start:end]]
        heights = [self._header_height, *self._heights[start:end]]
        commands = _base_commands(self._layout)
        last_data = len(rows) - 1
        if self._has_totals and end == len(self._body):
            last_data -= 1
            commands += [
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, CELL_SIZE, CELL_LEADING),
                ("BACKGROUND", (0, -1), (-1, -1), HEAD_BG),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
            ]
        if last_data >= 1:
            commands.append(("ROWBACKGROUNDS", (0, 1), (-1, last_data), [None, ZEBRA_BG]))
        return Table(
            rows,
            colWidths=list(self._layout.widths),
            rowHeights=heights,
            repeatRows=1,
            style=TableStyle(commands),
            hAlign="LEFT",
        )


# --- page furniture ------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Two-pass canvas: keeps every page's state and writes "Halaman X dari Y" at ``save()``."""

    def __init__(self, *args: object, footer_left: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._footer_left = footer_left
        self._saved_page_states: list[dict] = []

    def showPage(self) -> None:  # noqa: N802
        self._saved_page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_page_states)
        for state in self._saved_page_states:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = self._pagesize
        right = f"Halaman {self._pageNumber} dari {total}"
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, MARGIN_BOTTOM + 4 * mm, width - MARGIN_X, MARGIN_BOTTOM + 4 * mm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM + 1 * mm, right)
        room = width - 2 * MARGIN_X - stringWidth(right, FONT, 7.5) - 6 * mm
        left = self._footer_left
        while len(left) > 1 and stringWidth(left, FONT, 7.5) > room:
            left = left[:-2] + _ELLIPSIS
        self.drawString(MARGIN_X, MARGIN_BOTTOM + 1 * mm, left)
        self.restoreState()


class _Letterhead:
    """Cooperative name and address over a double red rule, then the title block; measured once,
    drawn on every page."""

    def __init__(self, frame: ReportFrame, width: float) -> None:
        def block(text: str, style: ParagraphStyle) -> tuple[Paragraph, float]:
            para = _para(_shorten(" ".join(_clean(text).split()), _MAX_HEADER_TEXT), style)
            return para, para.wrap(width, 10_000)[1]

        self._top = [block(frame.coop_name, _NAME_STYLE)]
        if frame.coop_address.strip():
            self._top.append(block(frame.coop_address, _ADDRESS_STYLE))
        self._bottom = [block(frame.title, _TITLE_STYLE), block(frame.period_label, _PERIOD_STYLE)]
        if frame.subtitle.strip():
            self._bottom.append(block(frame.subtitle, _SUBTITLE_STYLE))
        self.height = (
            sum(h for _, h in self._top)
            + 2.5 * mm
            + 2.5
            + 4 * mm
            + sum(h for _, h in self._bottom)
            + HEADER_GAP
        )

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        page_width, page_height = doc.pagesize
        y = page_height - MARGIN_TOP
        for para, height in self._top:
            y -= height
            para.drawOn(canvas, MARGIN_X, y)
        y -= 2.5 * mm
        canvas.saveState()
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.6)
        canvas.line(MARGIN_X, y, page_width - MARGIN_X, y)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 2.5, page_width - MARGIN_X, y - 2.5)
        canvas.restoreState()
        y -= 2.5 + 4 * mm
        for para, height in self._bottom:
            y -= height
            para.drawOn(canvas, MARGIN_X, y)


# --- the report ----------------------------------------------------------------------------------


def render_table_report(
    frame: ReportFrame,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    totals: Sequence[str] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """Render an A4 table report (portrait, or landscape when ``frame.landscape``) as PDF bytes."""
    if not columns:
        raise ValueError("a report needs at least one column")
    for column in columns:
        if column.align not in ALIGNMENTS:
            raise ValueError(f"column {column.title!r}: align must be one of {ALIGNMENTS}")
        if not column.width > 0:
            raise ValueError(f"column {column.title!r}: width must be positive")
    for number, row in enumerate([*rows, *([totals] if totals is not None else [])], start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(columns)}")

    pagesize = landscape(A4) if frame.landscape else A4
    page_width, page_height = pagesize
    usable = page_width - 2 * MARGIN_X
    letterhead = _Letterhead(frame, usable)
    frame_bottom = MARGIN_BOTTOM + FOOTER_ROOM
    frame_height = page_height - MARGIN_TOP - letterhead.height - frame_bottom
    scale = usable / sum(column.width for column in columns)

    head_layout = _Layout(
        widths=tuple(column.width * scale for column in columns),
        aligns=tuple(column.align for column in columns),
        max_row_height=frame_height / 3,
    )
    header, header_height = _row([column.title for column in columns], head_layout, bold=True)
    layout = _Layout(head_layout.widths, head_layout.aligns, frame_height - header_height)

    body: list[list[object]] = []
    heights: list[float] = []
    for row in rows:
        cells, height = _row(row, layout, bold=False)
        body.append(cells)
        heights.append(height)
    if totals is not None:
        cells, height = _row(totals, layout, bold=True)
        body.append(cells)
        heights.append(height)

    story: list[Flowable] = []
    if body:
        story.append(_PagedTable(header, header_height, body, heights, totals is not None, layout))
    else:
        story.append(_PagedTable(header, header_height, [], [], False, layout))
        story.append(Spacer(1, 3 * mm))
        story.append(_para("Tidak ada data untuk periode ini.", _NOTE_STYLE))
    if notes:
        story.append(Spacer(1, 3 * mm))
        story.extend(_para(_clean(note), _NOTE_STYLE) for note in notes)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        pageCompression=1,
        title=_clean(" — ".join(part for part in (frame.title, frame.period_label) if part)),
        author=_clean(frame.coop_name),
        subject=_clean(frame.subtitle),
        creator="outlet_pos",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="report",
                frames=[
                    Frame(
                        MARGIN_X,
                        frame_bottom,
                        usable,
                        frame_height,
                        id="body",
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                        bottomPadding=0,
                    )
                ],
                onPage=letterhead.draw,
            )
        ]
    )
    printed = f"Dicetak {_clean(frame.printed_at)}".rstrip()
    if frame.printed_by.strip():
        printed += f" oleh {_clean(frame.printed_by)}"
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer_left=printed))
    return buffer.getvalue()
