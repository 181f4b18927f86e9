"""The financial statements as documents: one layout, three renderings (page, PDF, Excel).

``statement_table`` lays a :class:`~outlet_pos.core.statements.financial.Statement` out as rows
(headings, accounts, sub-totals, totals) and amount columns (the period and its comparative,
or one column per business unit, or one per equity account). The web page, the PDF and the
workbook all read that layout, so they never disagree.

PDF builders are pure (values in, bytes out) and reuse the letterhead and the "Halaman X dari
Y" canvas of :mod:`outlet_pos.core.documents.report`. A document made of several parts (all
statements, the notes, the RAT pack) gives each part its own page template, so every page
carries the title of the statement it belongs to, in portrait or landscape.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from outlet_pos.core.documents.excel import AMOUNT_FORMAT, _put, sheet_title
from outlet_pos.core.documents.report import (
    CELL_LEADING,
    CELL_SIZE,
    FONT,
    FONT_BOLD,
    HEAD_BG,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAD_X,
    PAD_Y,
    RULE,
    Column,
    ReportFrame,
    _cell,
    _clean,
    _Layout,
    _Letterhead,
    _markup,
    _NumberedCanvas,
    _PagedTable,
    _row,
    _style,
    header_commands,
)
from outlet_pos.core.statements.financial import BALANCE_GROUPS, Line, Statement
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number

__all__ = [
    "AmountColumn",
    "Part",
    "Row",
    "Signature",
    "StatementTable",
    "note_ref",
    "render_document",
    "render_statement_pdf",
    "render_statements_xlsx",
    "statement_flowables",
    "statement_table",
]

FOOTER_ROOM = 9 * mm
INDENT = 10.0  # points per indentation level in the PDF
WARN = "#8A5A00"

_H1 = _style("st-h1", FONT_BOLD, 11, 14)
_H2 = _style("st-h2", FONT_BOLD, 9.5, 12.5)
_BODY = ParagraphStyle("st-body", parent=_style("st-b", FONT, 9, 12.5), spaceAfter=4)
_SMALL = _style("st-small", FONT, 8, 10.5, color=MUTED)
_WARN = _style("st-warn", FONT_BOLD, 9, 12)
_SIGN = _style("st-sign", FONT, 9, 12, "center")


# --- layout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountColumn:
    title: str
    key: tuple  # ("amount",) ("prior",) ("unit", unit_id) ("equity", account_id)


@dataclass
class Row:
    kind: str  # heading | line | subtotal | total
    label: str
    values: list[int | None]  # one per amount column; None for a heading
    indent: int = 0
    code: str = ""
    account_id: int | None = None
    note: str = ""  # number of the note that explains the line


@dataclass
class StatementTable:
    key: str
    title: str
    period: str
    columns: list[AmountColumn]
    rows: list[Row]
    landscape: bool = False
    with_notes: bool = False  # a "Catatan" column
    warnings: list[str] = field(default_factory=list)


NOTE_REFS = [
    (("111", "112"), "1"),
    (("113300", "113390"), "2"),
    (("1141", "1142"), "3"),
    (("121",), "4"),
    (("311100", "311200", "211200", "211300"), "5"),
]


def note_ref(code: str) -> str:
    """The number of the note (Catatan) that breaks an account down, if any."""
    for prefixes, number in NOTE_REFS:
        if code.startswith(prefixes):
            return number
    return ""


def _range(a: date | None, b: date) -> str:
    if a is None:
        return tanggal(b)
    if a.year == b.year:
        if a.month == b.month:
            return f"{a.day}–{tanggal(b)}" if a.day != b.day else tanggal(b)
        return f"{tanggal(a)[:-5]} – {tanggal(b)}"
    return f"{tanggal(a)} – {tanggal(b)}"


def period_label(st: Statement, comparative: bool = True) -> str:
    if st.key == "neraca":
        text = f"Per {tanggal(st.date_to)}"
        if comparative:
            text += f" dengan pembanding {tanggal(st.prior_to)}"
        return text
    text = f"Periode {_range(st.date_from, st.date_to)}"
    if comparative and st.key != "ekuitas":
        text += f" dengan pembanding {_range(st.prior_from, st.prior_to)}"
    return text


def _kind(line: Line) -> str:
    return {0: "heading", 1: "line", 2: "subtotal"}.get(line.level, "total")


def statement_table(
    st: Statement, *, per_unit: bool = False, comparative: bool = True
) -> StatementTable:
    """The statement as rows and amount columns, as every rendering shows it."""
    landscape_ = False
    if st.key == "ekuitas":
        used = [
            (aid, name)
            for aid, name in st.units
            if any(ln.by_unit.get(aid) for s in st.sections for ln in [*s.lines, s.total] if ln)
        ]
        columns = [AmountColumn(name, ("equity", aid)) for aid, name in used]
        columns.append(AmountColumn("Jumlah", ("amount",)))
        landscape_ = len(columns) > 4
    elif st.key == "phu" and per_unit:
        columns = [AmountColumn(name, ("unit", uid)) for uid, name in st.units]
        columns.append(AmountColumn("Jumlah", ("amount",)))
        if comparative:
            columns.append(AmountColumn(_range(st.prior_from, st.prior_to), ("prior",)))
        landscape_ = True
    else:
        columns = [AmountColumn(_range(st.date_from, st.date_to), ("amount",))]
        if comparative:
            columns.append(AmountColumn(_range(st.prior_from, st.prior_to), ("prior",)))

    def values(line: Line) -> list[int | None]:
        out: list[int | None] = []
        for col in columns:
            kind = col.key[0]
            if kind == "amount":
                out.append(line.amount)
            elif kind == "prior":
                out.append(line.prior or 0)
            else:
                out.append(line.by_unit.get(col.key[1], 0))
        return out

    rows: list[Row] = []

    def heading(label: str, indent: int = 0) -> None:
        rows.append(Row("heading", label, [None] * len(columns), indent))

    def add(line: Line, indent: int, kind: str | None = None) -> None:
        rows.append(
            Row(
                kind or _kind(line),
                line.label,
                values(line),
                indent,
                line.code,
                line.account_id,
                note_ref(line.code) if line.account_id else "",
            )
        )

    def section(s, indent: int = 0, title: bool = True, total: bool = True) -> None:
        if not s.lines and (s.total is None or not (s.total.amount or s.total.prior)):
            return  # nothing in it, in either period: no empty heading and zero total
        if title:
            heading(s.title, indent)
        for ln in s.lines:
            add(ln, indent + (1 if ln.level <= 1 else 0))
        if total and s.total is not None:
            add(s.total, indent, "subtotal")

    if st.key == "neraca":
        index = 0
        for number, (title, groups) in enumerate(BALANCE_GROUPS):
            heading(title)
            single = len(groups) == 1
            for _ in groups:
                section(st.sections[index], 0 if single else 1, not single, not single)
                index += 1
            add(st.grand[number], 0, "total")
        add(st.grand[-1], 0, "total")
    elif st.key == "phu":
        after = {1: 0, 2: 1, 3: 2}
        for i, s in enumerate(st.sections):
            section(s)
            if i in after and after[i] < len(st.grand):
                add(st.grand[after[i]], 0, "total")
    elif st.key == "ekuitas":
        for s in st.sections:
            for ln in s.lines:
                add(ln, 0 if ln.level >= 2 else 1)
            if s.total is not None:
                add(s.total, 0, "total")
    else:
        for s in st.sections:
            section(s)
        for ln in st.grand:
            add(ln, 0)
    title = st.title + (" per Unit Usaha" if st.key == "phu" and per_unit else "")
    warnings = [
        f"Pemeriksaan “{name}” tidak terpenuhi: periksa jurnal sebelum laporan ini dipakai."
        for name, ok in st.checks.items()
        if not ok
    ]
    return StatementTable(
        st.key if not per_unit else "phu_unit",
        title,
        period_label(st, comparative),
        columns,
        rows,
        landscape_,
        with_notes=st.key == "neraca",
        warnings=warnings,
    )


def amount_text(value: int | None) -> str:
    """An amount as the printed statements show it: grouped, negatives in parentheses."""
    if value is None:
        return ""
    if value == 0:
        return "–"
    return f"({format_number(-value)})" if value < 0 else format_number(value)


# --- PDF pieces ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    place: str  # e.g. the desa
    day_label: str  # e.g. "31 Des 2025"
    ketua: str = ""
    bendahara: str = ""
    body: str = ""  # e.g. "Pengurus Koperasi ..."


def signature_block(sign: Signature, width: float) -> Flowable:
    """Place and date, then "Ketua" and "Bendahara" with room to sign and a line for names."""
    blank = "(" + "." * 40 + ")"

    def name(text: str) -> Paragraph:
        shown = f"<u>{_markup(text)}</u>" if text.strip() else _markup(blank)
        return Paragraph(shown, _SIGN)

    place = ", ".join(p for p in (sign.place.strip(), sign.day_label) if p)
    rows = [
        ["", Paragraph(_markup(place), _SIGN)],
        [Paragraph(_markup(sign.body or "Pengurus"), _SIGN), ""],
        [Paragraph("Ketua", _SIGN), Paragraph("Bendahara", _SIGN)],
        ["", ""],
        [name(sign.ketua), name(sign.bendahara)],
    ]
    table = Table(
        rows,
        colWidths=[width / 2, width / 2],
        rowHeights=[None, None, None, 15 * mm, None],
        style=TableStyle(
            [
                ("SPAN", (0, 1), (1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
        hAlign="LEFT",
    )
    return KeepTogether([Spacer(1, 5 * mm), table])


def _table_widths(table: StatementTable, usable: float) -> list[float]:
    n = len(table.columns)
    note = 16 * mm if table.with_notes else 0
    amount = min(34 * mm, max(20 * mm, (usable - note) * 0.55 / max(n, 1)))
    label = usable - note - amount * n
    return [label, *([note] if note else []), *([amount] * n)]


def statement_flowables(table: StatementTable, usable: float) -> list[Flowable]:
    """The statement's table (with its repeated header) and any warnings, for a PDF story."""
    widths = _table_widths(table, usable)
    first_amount = 2 if table.with_notes else 1
    aligns = ["left"] + (["center"] if table.with_notes else []) + ["right"] * len(table.columns)
    header_titles = ["Uraian", *(["Catatan"] if table.with_notes else [])]
    header_titles += [c.title for c in table.columns]
    size = CELL_SIZE if len(table.columns) <= 6 else 7.5
    header = [
        _cell(t, w - 2 * PAD_X, a, True, 200)[0]
        for t, w, a in zip(header_titles, widths, aligns, strict=True)
    ]
    data: list[list[object]] = [header]
    commands: list[tuple] = [
        *header_commands(size),
        ("ALIGN", (first_amount, 0), (-1, -1), "RIGHT"),
    ]
    if table.with_notes:
        commands.append(("ALIGN", (1, 0), (1, -1), "CENTER"))
    for r, row in enumerate(table.rows, start=1):
        bold = row.kind != "line"
        label, _h = _cell(row.label, widths[0] - 2 * PAD_X - row.indent * INDENT, "left", bold, 400)
        cells: list[object] = [label]
        if table.with_notes:
            cells.append(row.note)
        cells += [amount_text(v) for v in row.values]
        data.append(cells)
        commands.append(("LEFTPADDING", (0, r), (0, r), PAD_X + row.indent * INDENT))
        if bold:
            commands.append(("FONT", (0, r), (-1, r), FONT_BOLD, size, CELL_LEADING))
        if row.kind == "heading" and r > 1:
            commands.append(("TOPPADDING", (0, r), (-1, r), PAD_Y + 4))
        if row.kind == "subtotal":
            commands.append(("LINEABOVE", (first_amount, r), (-1, r), 0.5, RULE))
        if row.kind == "total":
            commands += [
                ("LINEABOVE", (first_amount, r), (-1, r), 0.8, INK),
                ("BACKGROUND", (0, r), (-1, r), HEAD_BG),
            ]
    commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.8, INK))
    out: list[Flowable] = []
    for text in table.warnings:
        out.append(Paragraph(f'<font color="{WARN}">PERINGATAN: {_markup(text)}</font>', _WARN))
        out.append(Spacer(1, 2 * mm))
    out.append(
        Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="LEFT")
    )
    if table.with_notes:
        out.append(Spacer(1, 2 * mm))
        out.append(
            Paragraph("Angka pada kolom Catatan menunjuk catatan atas laporan keuangan.", _SMALL)
        )
    return out


def paged_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    totals: Sequence[str] | None,
    usable: float,
    frame_height: float,
) -> Flowable:
    """A long table laid out one page-sized ``Table`` at a time (report.py's approach), so a
    list of thousands of members costs time linear in its rows."""
    scale = usable / sum(c.width for c in columns)
    head = _Layout(
        tuple(c.width * scale for c in columns), tuple(c.align for c in columns), frame_height / 3
    )
    header, header_height = _row([c.title for c in columns], head, bold=True)
    layout = _Layout(head.widths, head.aligns, frame_height - header_height)
    body, heights = [], []
    for row in rows:
        cells, height = _row(row, layout, bold=False)
        body.append(cells)
        heights.append(height)
    if totals is not None:
        cells, height = _row(totals, layout, bold=True)
        body.append(cells)
        heights.append(height)
    return _PagedTable(header, header_height, body, heights, totals is not None, layout)


# --- documents of several parts --------------------------------------------------------------


@dataclass
class Part:
    """One titled part of a document: its pages carry ``title`` and ``period`` under the
    letterhead. ``build(usable_width, frame_height)`` returns the part's flowables."""

    title: str
    period: str
    build: object  # Callable[[float, float], list[Flowable]]
    landscape: bool = False
    letterhead: bool = True
    subtitle: str = ""


def _blank_page(canvas, doc) -> None:  # a cover draws itself
    return None


def render_document(frame: ReportFrame, parts: Sequence[Part], *, title: str = "") -> bytes:
    """Render parts in order, each starting on a new page with its own page template."""
    if not parts:
        raise ValueError("a document needs at least one part")
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    for index, part in enumerate(parts):
        pagesize = landscape(A4) if part.landscape else A4
        width, height = pagesize
        usable = width - 2 * MARGIN_X
        bottom = MARGIN_BOTTOM + FOOTER_ROOM
        if part.letterhead:
            head = _Letterhead(
                replace(
                    frame,
                    title=part.title,
                    period_label=part.period,
                    subtitle=part.subtitle,
                    landscape=part.landscape,
                ),
                usable,
            )
            top = head.height
            on_page = partial(_draw_head, head)
        else:
            top = 0
            on_page = _blank_page
        frame_height = height - MARGIN_TOP - top - bottom
        tid = f"part{index}"
        templates.append(
            PageTemplate(
                id=tid,
                pagesize=pagesize,
                frames=[
                    Frame(
                        MARGIN_X,
                        bottom,
                        usable,
                        frame_height,
                        id=f"body{index}",
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                        bottomPadding=0,
                    )
                ],
                onPage=on_page,
            )
        )
        if index:
            story += [NextPageTemplate(tid), PageBreak()]
        story += part.build(usable, frame_height)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        pageCompression=1,
        title=_clean(title or f"{parts[0].title} — {parts[0].period}"),
        author=_clean(frame.coop_name),
        creator="outlet_pos",
    )
    doc.addPageTemplates(templates)
    printed = f"Dicetak {_clean(frame.printed_at)}".rstrip()
    if frame.printed_by.strip():
        printed += f" oleh {_clean(frame.printed_by)}"
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer_left=printed))
    return buffer.getvalue()


def _draw_head(head: _Letterhead, canvas, doc) -> None:
    # The letterhead reads the page size from ``doc``; a landscape part has its own.
    head.draw(canvas, SimpleNamespace(pagesize=canvas._pagesize))


def statement_part(table: StatementTable, sign: Signature | None) -> Part:
    def build(usable: float, _height: float) -> list[Flowable]:
        out = statement_flowables(table, usable)
        if sign is not None:
            out.append(signature_block(sign, usable))
        return out

    return Part(table.title, table.period, build, table.landscape)


def render_statement_pdf(
    frame: ReportFrame,
    statement: Statement,
    *,
    per_unit: bool = False,
    comparative: bool = True,
    signature: Signature | None = None,
) -> bytes:
    """One statement as an A4 PDF (landscape for the per-unit PHU and a wide equity table)."""
    table = statement_table(statement, per_unit=per_unit, comparative=comparative)
    return render_document(frame, [statement_part(table, signature)])


# --- notes -----------------------------------------------------------------------------------


def notes_flowables(notes, usable: float) -> list[Flowable]:
    """Catatan atas laporan keuangan: A. accounting policies, B. notes with breakdowns.
    ``notes`` is a ``statements_notes.Notes`` (duck-typed: policies, notes, as_of, prior_as_of).
    """
    out: list[Flowable] = [Paragraph("A. Kebijakan akuntansi", _H1), Spacer(1, 2 * mm)]
    for number, policy in enumerate(notes.policies, start=1):
        block: list[Flowable] = [Paragraph(f"{number}. {_markup(policy.title)}", _H2)]
        block += [Paragraph(_markup(p), _BODY) for p in policy.paragraphs]
        out.append(KeepTogether(block))
    out += [Spacer(1, 4 * mm), Paragraph("B. Penjelasan pos-pos neraca", _H1), Spacer(1, 2 * mm)]
    label_w = usable - 2 * 34 * mm
    widths = [label_w, 34 * mm, 34 * mm]
    for note in notes.notes:
        data: list[list[object]] = [
            ["", _range(None, notes.as_of), _range(None, notes.prior_as_of)]
        ]
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_LEADING),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, CELL_SIZE, CELL_LEADING),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        for r, ln in enumerate(note.lines, start=1):
            indent = 0 if ln.level >= 2 else 1
            cell, _h = _cell(ln.label, label_w - 2 * PAD_X - indent * INDENT, "left",
                             ln.level >= 2, 300)  # fmt: skip
            data.append([cell, amount_text(ln.amount), amount_text(ln.prior)])
            commands.append(("LEFTPADDING", (0, r), (0, r), PAD_X + indent * INDENT))
            if ln.level >= 2:
                commands += [
                    ("FONT", (0, r), (-1, r), FONT_BOLD, CELL_SIZE, CELL_LEADING),
                    ("LINEABOVE", (1, r), (-1, r), 0.5 if ln.level == 2 else 0.8, INK),
                ]
        block = [
            Paragraph(f"{note.number}. {_markup(note.title)}", _H2),
            Spacer(1, 1 * mm),
            Table(data, colWidths=widths, style=TableStyle(commands), hAlign="LEFT"),
        ]
        if note.detail is not None:
            d = note.detail
            d_widths = [usable * w for w in (0.34, 0.16, 0.2, 0.1, 0.2)][: len(d.headers)]
            d_data = [d.headers] + [
                [amount_text(v) if isinstance(v, int) else v for v in row] for row in d.rows
            ]
            d_cmds = [
                ("FONT", (0, 0), (-1, -1), FONT, 8, 10),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8, 10),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8, 10),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
            for c, align in enumerate(d.aligns):
                if align != "left":
                    d_cmds.append(("ALIGN", (c, 0), (c, -1), align.upper()))
            block += [
                Spacer(1, 2 * mm),
                Paragraph(_markup(d.title), _SMALL),
                Table(d_data, colWidths=d_widths, style=TableStyle(d_cmds), hAlign="LEFT"),
            ]
        block += [Paragraph(_markup(t), _SMALL) for t in note.remarks]
        block.append(Spacer(1, 4 * mm))
        out.append(KeepTogether(block))
    return out


def notes_part(notes, period: str, sign: Signature | None = None) -> Part:
    def build(usable: float, _height: float) -> list[Flowable]:
        out = notes_flowables(notes, usable)
        if sign is not None:
            out += [CondPageBreak(60 * mm), signature_block(sign, usable)]
        return out

    return Part("Catatan atas Laporan Keuangan", period, build)


# --- Excel -----------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="E6E8EB")
_THIN = Side(style="thin", color="1F2328")


def _sheet_header(ws, frame: ReportFrame, title: str, period: str) -> int:
    block = [
        (frame.coop_name, Font(bold=True, size=13)),
        (frame.coop_address, None),
        (title, Font(bold=True, size=12)),
        (period, None),
        (f"Dicetak {frame.printed_at} oleh {frame.printed_by}".strip(), Font(italic=True)),
    ]
    row = 0
    for text, font in block:
        if not text:
            continue
        row += 1
        cell = ws.cell(row=row, column=1)
        _put(cell, text)
        if font is not None:
            cell.font = font
    return row + 2


def _statement_sheet(ws, frame: ReportFrame, table: StatementTable) -> None:
    head = _sheet_header(ws, frame, table.title, table.period)
    titles = ["Uraian", *(["Catatan"] if table.with_notes else []), "Kode"]
    titles += [c.title for c in table.columns]
    first_amount = len(titles) - len(table.columns) + 1
    for c, text in enumerate(titles, start=1):
        cell = ws.cell(row=head, column=c)
        _put(cell, text)
        cell.font, cell.fill = _BOLD, _FILL
        cell.border = Border(top=_THIN, bottom=_THIN)
        cell.alignment = Alignment(horizontal="right" if c >= first_amount else "left",
                                   wrap_text=True)  # fmt: skip
    r = head
    for row in table.rows:
        r += 1
        label = ws.cell(row=r, column=1)
        _put(label, row.label)
        label.alignment = Alignment(indent=row.indent * 2)
        c = 2
        if table.with_notes:
            _put(ws.cell(row=r, column=c), row.note or None)
            c += 1
        _put(ws.cell(row=r, column=c), row.code or None)
        for offset, value in enumerate(row.values):
            cell = ws.cell(row=r, column=first_amount + offset)
            if value is not None:
                cell.value = int(value)
                cell.number_format = AMOUNT_FORMAT
        if row.kind != "line":
            for cell in ws[r]:
                cell.font = _BOLD
        if row.kind == "total":
            for cell in ws[r]:
                cell.border = Border(top=_THIN)
    for text in table.warnings:
        r += 2
        _put(ws.cell(row=r, column=1), text)
        ws.cell(row=r, column=1).font = Font(bold=True, color="8A5A00")
    ws.column_dimensions["A"].width = 48
    for c in range(2, len(titles) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 18 if c >= first_amount else 9
    ws.freeze_panes = ws.cell(row=head + 1, column=2)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _notes_sheet(ws, frame: ReportFrame, notes, period: str) -> None:
    r = _sheet_header(ws, frame, "Catatan atas Laporan Keuangan", period)
    _put(ws.cell(row=r, column=1), "A. Kebijakan akuntansi")
    ws.cell(row=r, column=1).font = _BOLD
    for number, policy in enumerate(notes.policies, start=1):
        r += 1
        _put(ws.cell(row=r, column=1), f"{number}. {policy.title}")
        ws.cell(row=r, column=1).font = _BOLD
        for text in policy.paragraphs:
            r += 1
            _put(ws.cell(row=r, column=1), text)
            ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    r += 2
    _put(ws.cell(row=r, column=1), "B. Penjelasan pos-pos neraca")
    ws.cell(row=r, column=1).font = _BOLD
    for note in notes.notes:
        r += 2
        _put(ws.cell(row=r, column=1), f"{note.number}. {note.title}")
        _put(ws.cell(row=r, column=2), tanggal(notes.as_of))
        _put(ws.cell(row=r, column=3), tanggal(notes.prior_as_of))
        for cell in ws[r]:
            cell.font = _BOLD
        for ln in note.lines:
            r += 1
            _put(ws.cell(row=r, column=1), ln.label)
            ws.cell(row=r, column=1).alignment = Alignment(indent=0 if ln.level >= 2 else 2)
            for c, v in ((2, ln.amount), (3, ln.prior)):
                if v is not None:
                    ws.cell(row=r, column=c).value = int(v)
                    ws.cell(row=r, column=c).number_format = AMOUNT_FORMAT
            if ln.level >= 2:
                for cell in ws[r]:
                    cell.font = _BOLD
        if note.detail is not None:
            r += 1
            _put(ws.cell(row=r, column=1), note.detail.title)
            r += 1
            for c, text in enumerate(note.detail.headers, start=1):
                _put(ws.cell(row=r, column=c), text)
                ws.cell(row=r, column=c).font = _BOLD
            for row in note.detail.rows:
                r += 1
                for c, v in enumerate(row, start=1):
                    _put(ws.cell(row=r, column=c), v)
        for text in note.remarks:
            r += 1
            _put(ws.cell(row=r, column=1), text)
    ws.column_dimensions["A"].width = 90
    for c in "BCDE":
        ws.column_dimensions[c].width = 18


def render_statements_xlsx(
    frame: ReportFrame,
    tables: Sequence[StatementTable],
    notes=None,
    notes_period: str = "",
) -> bytes:
    """A workbook with one sheet per statement (and the notes): numbers as numbers."""
    wb = Workbook()
    wb.remove(wb.active)
    names = {
        "neraca": "Neraca",
        "phu": "PHU",
        "phu_unit": "PHU per unit",
        "arus_kas": "Arus kas",
        "ekuitas": "Perubahan ekuitas",
    }
    for table in tables:
        _statement_sheet(wb.create_sheet(sheet_title(names.get(table.key, table.title))),
                         frame, table)  # fmt: skip
    if notes is not None:
        _notes_sheet(wb.create_sheet("Catatan"), frame, notes, notes_period)
    wb.properties.creator = frame.coop_name[:200]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
