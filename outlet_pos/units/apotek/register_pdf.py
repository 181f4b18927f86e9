"""The monthly register report as a PDF: letterhead, a summary with the stock
reconciliation, each drug's movements, and room for the signature of the apoteker
penanggung jawab (the report is signed and sent to the Dinas Kesehatan). Pure: data in,
bytes out.
"""

from __future__ import annotations

# An escaping helper for reportlab's paragraph markup: no XML is parsed here.
from xml.sax.saxutils import escape  # nosec B406

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from outlet_pos.core.documents.report import (
    ACCENT,
    FONT,
    FONT_BOLD,
    INK,
    RULE,
    ReportFrame,
    header_commands,
)
from outlet_pos.core.documents.statements_pdf import Part, render_document
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.formatting import tanggal
from outlet_pos.units.apotek.register_report import RegisterMonth

_H = ParagraphStyle("reg-h", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=INK)
_CELL = ParagraphStyle("reg-cell", fontName=FONT, fontSize=7.5, leading=9, textColor=INK)
_NOTE = ParagraphStyle("reg-note", fontName=FONT, fontSize=8.5, leading=11, textColor=INK)
_SIGN = ParagraphStyle("reg-sign", fontName=FONT, fontSize=9, leading=12, alignment=1)


def _p(text: str, style: ParagraphStyle = _CELL) -> Paragraph:
    return Paragraph(escape(text or ""), style)


def _name(drug) -> str:
    """The drug's name with its strength, unless the name already says it."""
    if drug.strength and drug.strength.lower() not in drug.name.lower():
        return f"{drug.name} {drug.strength}"
    return drug.name


def _table(data: list[list[object]], widths: list[float], right: list[int], extra=()) -> Table:
    commands = header_commands(7.5) + [("LINEBELOW", (0, -1), (-1, -1), 0.8, INK)]
    for col in right:
        commands.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    commands += list(extra)
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="LEFT")


def _summary(report: RegisterMonth, usable: float) -> Flowable:
    head = ["Nama obat", "Golongan", "Saldo awal", "Masuk", "Keluar", "Saldo akhir",
            "Stok", "Cocok"]  # fmt: skip
    data: list[list[object]] = [head]
    extra = []
    for row, d in enumerate(report.drugs, start=1):
        stock = d.stock if d.on_hand is None else d.on_hand
        data.append([
            _p(_name(d)), d.class_label, fmt_qty(d.opening),
            fmt_qty(d.qty_in), fmt_qty(d.qty_out), fmt_qty(d.closing), fmt_qty(stock),
            "Ya" if d.reconciled else "TIDAK",
        ])  # fmt: skip
        if not d.reconciled:
            extra.append(("TEXTCOLOR", (7, row), (7, row), ACCENT))
            extra.append(("FONT", (7, row), (7, row), FONT_BOLD, 7.5))
    widths = [usable * w for w in (0.3, 0.14, 0.1, 0.09, 0.09, 0.1, 0.1, 0.08)]
    return _table(data, widths, [2, 3, 4, 5, 6], extra)


def _movements(drug, usable: float) -> list[Flowable]:
    head = ["Tanggal", "Batch", "ED", "Masuk", "Keluar", "Sisa", "Sumber/tujuan", "No. resep",
            "Pasien", "Dokter"]  # fmt: skip
    data: list[list[object]] = [head]
    data.append(["", "", "", "", "", fmt_qty(drug.opening), _p("Saldo awal bulan"), "", "", ""])
    for m in drug.movements:
        data.append([
            tanggal(m.day), _p(m.batch), tanggal(m.expiry) if m.expiry else "",
            fmt_qty(m.qty_in) if m.qty_in else "", fmt_qty(m.qty_out) if m.qty_out else "",
            fmt_qty(m.balance), _p(m.where), _p(m.prescription), _p(m.patient),
            _p(m.prescriber),
        ])  # fmt: skip
    data.append(["Jumlah", "", "", fmt_qty(drug.qty_in), fmt_qty(drug.qty_out),
                 fmt_qty(drug.closing), "", "", "", ""])  # fmt: skip
    widths = [usable * w for w in (0.08, 0.09, 0.08, 0.06, 0.06, 0.06, 0.19, 0.12, 0.13, 0.13)]
    extra = [
        ("FONT", (0, -1), (-1, -1), FONT_BOLD, 7.5),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, RULE),
    ]
    title = f"{_name(drug)} — {drug.class_label} ({drug.base_uom})"
    table = _table(data, widths, [3, 4, 5], extra)
    return [Spacer(1, 4 * mm), KeepTogether([_p(title, _H), Spacer(1, 1.5 * mm), table])]


def _signature(place: str, day: str, pharmacist: str, usable: float) -> Flowable:
    """Place and date, "Apoteker Penanggung Jawab", room to sign, name and SIPA lines."""
    name = pharmacist.strip() or "(" + "." * 40 + ")"
    rows = [
        [_p(", ".join(p for p in (place, day) if p), _SIGN)],
        [_p("Apoteker Penanggung Jawab", _SIGN)],
        [""],
        [_p(name, _SIGN)],
        [_p("No. SIPA: " + "." * 30, _SIGN)],
    ]
    box = Table(rows, colWidths=[70 * mm], rowHeights=[None, None, 14 * mm, None, None])
    box.setStyle(
        TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    )
    outer = Table([["", box]], colWidths=[usable - 72 * mm, 72 * mm])
    outer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 4 * mm), outer])


def render_register_pdf(
    frame: ReportFrame, report: RegisterMonth, *, place: str, day: str, pharmacist: str = ""
) -> bytes:
    """The month's register report (A4 landscape)."""

    def build(usable: float, _height: float) -> list[Flowable]:
        story: list[Flowable] = [_p("Ringkasan dan rekonsiliasi stok", _H), Spacer(1, 1.5 * mm)]
        if report.drugs:
            story.append(_summary(report, usable))
        else:
            story.append(_p("Belum ada obat golongan psikotropika/narkotika.", _NOTE))
        if not report.reconciled:
            story += [
                Spacer(1, 2 * mm),
                _p("PERHATIAN: saldo register tidak sama dengan stok untuk obat bertanda "
                   "TIDAK; periksa sebelum laporan ditandatangani.", _NOTE),
            ]  # fmt: skip
        for drug in report.drugs:
            story += _movements(drug, usable)
        story.append(_signature(place, day, pharmacist, usable))
        return story

    part = Part(frame.title, frame.period_label, build, landscape=True, subtitle=frame.subtitle)
    return render_document(frame, [part], title=f"{frame.title} — {frame.period_label}")
