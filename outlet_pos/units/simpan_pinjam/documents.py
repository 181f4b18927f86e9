"""Documents of the savings-and-loans unit as PDF: the member card with its QR code, the
passbook / statement of a savings account, and the loan card.

Pure (DESIGN §2.2 rule 7): plain values in, PDF bytes out; the views gather the values. The
passbook is a table report on the core A4 frame; the member card (ID-1 size) and the loan card
(facts, schedule and payments: three blocks a single table report cannot hold) are laid out
here in the same look: the cooperative's red, Helvetica, amounts right-aligned.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# An escaping helper for reportlab's paragraph markup: no XML is parsed here.
from xml.sax.saxutils import escape  # nosec B406

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from outlet_pos.core.documents import Column, ReportFrame, render_table_report
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number, format_rupiah

RED = colors.HexColor("#C8102E")
INK = colors.HexColor("#1F2328")
MUTED = colors.HexColor("#555B62")
HEAD_BG = colors.HexColor("#E6E8EB")
ZEBRA_BG = colors.HexColor("#F5F6F7")
FONT, BOLD = "Helvetica", "Helvetica-Bold"
CARD_SIZE = (85.6 * mm, 54 * mm)  # ISO/IEC 7810 ID-1, the size of a KTP


def _fit(text: str, font: str, size: float, width: float, smallest: float = 5.5) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _paid(value: int) -> str:
    """A paid part: a dash for nothing paid, so the unpaid rows read at a glance."""
    return format_number(value) if value else "–"


def _amount(value: int) -> str:
    return f"({format_number(-value)})" if value < 0 else format_number(value)


# --- member card ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCardData:
    coop_name: str
    coop_place: str  # "Desa Sukamaju, Kab. Garut"
    member_name: str
    member_number: str
    nik: str
    desa: str
    joined: date
    qr_payload: str


def member_qr_payload(coop_id: int, member_number: str) -> str:
    """What the card's QR code holds: the cooperative and the member number, so a counter (or
    a phone) can find the member without typing, and a card of another cooperative is told
    apart."""
    return f"anggota:{coop_id}:{member_number}"


def masked_nik(nik: str) -> str:
    """``320101******0001``: a lost card does not give away a whole NIK."""
    return nik[:6] + "*" * 6 + nik[-4:] if len(nik) == 16 else nik


def _qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M", barBorder=2)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def render_member_card(card: MemberCardData) -> bytes:
    """One ID-1 page: red band with the cooperative, the member's particulars, the QR code."""
    width, height = CARD_SIZE
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=CARD_SIZE, pageCompression=1)
    c.setTitle(f"Kartu anggota {card.member_number}")
    c.setAuthor(card.coop_name)
    pad = 4 * mm
    band = 12 * mm
    c.setFillColor(RED)
    c.rect(0, height - band, width, band, stroke=0, fill=1)
    c.setFillColor(colors.white)
    size = _fit(card.coop_name, BOLD, 9, width - 2 * pad)
    c.setFont(BOLD, size)
    c.drawString(pad, height - 5.5 * mm, _clip(card.coop_name, BOLD, size, width - 2 * pad))
    c.setFont(FONT, 6.5)
    c.drawString(
        pad,
        height - 9.5 * mm,
        _clip(f"KARTU ANGGOTA · {card.coop_place}".rstrip(" ·"), FONT, 6.5, width - 2 * pad),
    )
    qr_size = 25 * mm
    qr_x, qr_y = width - pad - qr_size + 1.5 * mm, 5 * mm
    _qr(c, card.qr_payload, qr_x, qr_y, qr_size)
    text_w = qr_x - pad - 1 * mm
    y = height - band - 6 * mm
    c.setFillColor(INK)
    size = _fit(card.member_name, BOLD, 11, text_w, 7)
    c.setFont(BOLD, size)
    c.drawString(pad, y, _clip(card.member_name, BOLD, size, text_w))
    y -= 5.5 * mm
    c.setFont(BOLD, 12)
    c.setFillColor(RED)
    c.drawString(pad, y, _clip(card.member_number, BOLD, 12, text_w))
    c.setFillColor(INK)
    for label, value in (
        ("NIK", masked_nik(card.nik)),
        ("Desa", card.desa or "—"),
        ("Anggota sejak", tanggal(card.joined)),
    ):
        y -= 4.6 * mm
        c.setFont(FONT, 6)
        c.setFillColor(MUTED)
        c.drawString(pad, y, label)
        c.setFont(BOLD, 7.5)
        c.setFillColor(INK)
        c.drawString(pad + 17 * mm, y, _clip(value, BOLD, 7.5, text_w - 17 * mm))
    c.setFont(FONT, 5.5)
    c.setFillColor(MUTED)
    c.drawString(pad, 2.5 * mm, "Tunjukkan kartu ini saat bertransaksi di gerai koperasi.")
    c.setStrokeColor(RED)
    c.setLineWidth(0.6)
    c.roundRect(0.3 * mm, 0.3 * mm, width - 0.6 * mm, height - 0.6 * mm, 2.5 * mm)
    c.showPage()
    c.save()
    return buffer.getvalue()


# --- passbook / statement -------------------------------------------------------------------


@dataclass(frozen=True)
class PassbookLine:
    day: date
    text: str
    amount: int  # + into the account, - out
    balance: int


PASSBOOK_COLUMNS = [
    Column("Tanggal", 0.13),
    Column("Keterangan", 0.39),
    Column("Setoran", 0.16, "right"),
    Column("Penarikan", 0.16, "right"),
    Column("Saldo", 0.16, "right"),
]


def render_passbook(
    frame: ReportFrame,
    opening_day: date | None,
    opening: int,
    lines: Sequence[PassbookLine],
    closing: int,
) -> bytes:
    """A statement for any period: the opening balance, each movement with the running
    balance, and the closing balance with the period's totals in and out."""
    rows = [[tanggal(opening_day) if opening_day else "", "Saldo awal", "", "", _amount(opening)]]
    for line in lines:
        rows.append(
            [
                tanggal(line.day),
                line.text,
                format_number(line.amount) if line.amount > 0 else "",
                format_number(-line.amount) if line.amount < 0 else "",
                _amount(line.balance),
            ]
        )
    deposits = sum(line.amount for line in lines if line.amount > 0)
    withdrawals = -sum(line.amount for line in lines if line.amount < 0)
    totals = [
        "",
        f"Saldo akhir ({len(lines)} transaksi)",
        format_number(deposits),
        format_number(withdrawals),
        _amount(closing),
    ]
    notes = [
        "Saldo awal + setoran − penarikan = saldo akhir: "
        f"{format_rupiah(opening)} + {format_rupiah(deposits)} − {format_rupiah(withdrawals)} "
        f"= {format_rupiah(closing)}."
    ]
    return render_table_report(frame, PASSBOOK_COLUMNS, rows, totals, notes)


# --- loan card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleLine:
    no: int
    due: date
    principal: int
    interest: int
    paid_principal: int
    paid_interest: int
    paid_penalty: int
    status: str  # "Lunas", "Terlambat 12 hari", "Sebagian", "Belum"


@dataclass(frozen=True)
class PaymentLine:
    day: date
    amount: int
    penalty: int
    interest: int
    principal: int
    note: str  # "Tunai", "Sukarela", "Pelunasan"


@dataclass(frozen=True)
class LoanCardData:
    coop_name: str
    coop_address: str
    printed: str  # "Dicetak 21 Okt 2025 09:15 WITA oleh Budi"
    title: str  # "Kartu Pinjaman PJ-2025-0001"
    facts: Sequence[tuple[str, str]]  # label, value; laid out in two columns
    schedule: Sequence[ScheduleLine]
    payments: Sequence[PaymentLine]


_S = {
    "name": ParagraphStyle("n", fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
    "address": ParagraphStyle(
        "a", fontName=FONT, fontSize=8.5, leading=10.5, alignment=TA_CENTER, textColor=MUTED
    ),
    "title": ParagraphStyle("t", fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
    "h2": ParagraphStyle("h", fontName=BOLD, fontSize=10, leading=13, spaceBefore=4, spaceAfter=3),
    "note": ParagraphStyle("x", fontName=FONT, fontSize=8, leading=10, textColor=MUTED),
}


class _FooterCanvas(Canvas):
    """Writes "Halaman X dari Y" and the printed-at line once the page count is known."""

    footer = ""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            width = self._pagesize[0]
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(15 * mm, 10 * mm, self.footer)
            self.drawRightString(
                width - 15 * mm, 10 * mm, f"Halaman {self._pageNumber} dari {len(self._pages)}"
            )
            super().showPage()
        super().save()


def _grid(rows: list[list[object]], widths: list[float], right_from: int, totals: bool) -> Table:
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
        ("ALIGN", (right_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if len(rows) > 2:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -2 if totals else -1), [None, ZEBRA_BG]))
    if totals:
        style += [
            ("FONT", (0, -1), (-1, -1), BOLD, 8),
            ("BACKGROUND", (0, -1), (-1, -1), HEAD_BG),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
        ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT")


def render_loan_card(card: LoanCardData) -> bytes:
    """A4: letterhead, the loan's terms and state, the installment schedule with what is paid
    of each and its status, and every payment with its split."""
    usable = A4[0] - 30 * mm
    story: list = [
        Paragraph(escape(card.coop_name), _S["name"]),
        Paragraph(escape(card.coop_address), _S["address"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.6, color=RED, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=RED, spaceAfter=4 * mm),
        Paragraph(escape(card.title), _S["title"]),
        Spacer(1, 4 * mm),
    ]
    facts = list(card.facts)
    half = (len(facts) + 1) // 2
    left, right = facts[:half], facts[half:] + [("", "")] * (2 * half - len(facts))
    fact_rows = [[a, b, c, d] for (a, b), (c, d) in zip(left, right, strict=True)]
    story.append(
        Table(
            fact_rows,
            colWidths=[usable * w for w in (0.17, 0.33, 0.17, 0.33)],
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                    ("FONT", (1, 0), (1, -1), BOLD, 8.5),
                    ("FONT", (3, 0), (3, -1), BOLD, 8.5),
                    ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                    ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
            hAlign="LEFT",
        )
    )
    story += [Spacer(1, 5 * mm), Paragraph("Jadwal angsuran", _S["h2"])]
    head = [
        "Ke",
        "Jatuh\ntempo",
        "Pokok",
        "Bunga",
        "Angsuran",
        "Bayar\npokok",
        "Bayar\nbunga",
        "Bayar\ndenda",
        "Status",
    ]
    rows: list[list[object]] = [head]
    for s in card.schedule:
        rows.append(
            [
                str(s.no),
                tanggal(s.due),
                format_number(s.principal),
                format_number(s.interest),
                format_number(s.principal + s.interest),
                _paid(s.paid_principal),
                _paid(s.paid_interest),
                _paid(s.paid_penalty),
                s.status,
            ]
        )
    sums = [
        sum(getattr(s, f) for s in card.schedule)
        for f in ("principal", "interest", "paid_principal", "paid_interest", "paid_penalty")
    ]
    rows.append(
        [
            "",
            "Jumlah",
            format_number(sums[0]),
            format_number(sums[1]),
            format_number(sums[0] + sums[1]),
            format_number(sums[2]),
            format_number(sums[3]),
            format_number(sums[4]),
            "",
        ]
    )
    widths = [usable * w for w in (0.04, 0.11, 0.10, 0.09, 0.10, 0.10, 0.09, 0.09, 0.28)]
    table = _grid(rows, widths, 2, totals=True)
    table.setStyle(
        TableStyle([("ALIGN", (-1, 0), (-1, -1), "LEFT"), ("ALIGN", (0, 0), (0, -1), "RIGHT")])
    )
    story.append(table)
    story += [Spacer(1, 5 * mm)]
    pay_rows: list[list[object]] = [["Tanggal", "Keterangan", "Jumlah", "Denda", "Bunga", "Pokok"]]
    for p in card.payments:
        pay_rows.append(
            [
                tanggal(p.day),
                p.note,
                format_number(p.amount),
                format_number(p.penalty),
                format_number(p.interest),
                format_number(p.principal),
            ]
        )
    block: list = [Paragraph("Pembayaran", _S["h2"])]
    if card.payments:
        pay_rows.append(
            ["", f"Jumlah ({len(card.payments)} pembayaran)"]
            + [
                format_number(sum(getattr(p, f) for p in card.payments))
                for f in ("amount", "penalty", "interest", "principal")
            ]
        )
        pay_widths = [usable * w for w in (0.14, 0.30, 0.14, 0.14, 0.14, 0.14)]
        block.append(_grid(pay_rows, pay_widths, 2, totals=True))
    else:
        block.append(Paragraph("Belum ada pembayaran.", _S["note"]))
    story.extend(block)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=18 * mm,
        title=card.title,
        author=card.coop_name,
        creator="outlet_pos",
    )
    footer = type("_Footer", (_FooterCanvas,), {"footer": card.printed})
    doc.build(story, canvasmaker=footer)
    return buffer.getvalue()
