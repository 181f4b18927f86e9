"""The cash voucher of one expense or other income: "Bukti Kas Keluar" / "Bukti Kas Masuk" on
A5 landscape (half an A4 sheet), with the amount in words (terbilang) and signature boxes.

Pure: plain values in, PDF bytes out (DESIGN §2.2 rule 7); the view only fills ``VoucherData``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from outlet_pos.core.documents.report import ACCENT, FONT_BOLD, INK, MUTED, RULE
from outlet_pos.core.documents.slips import (
    ADDR,
    LABEL,
    NAME,
    TITLE,
    VALUE,
    half_page,
    para,
    slip_style,
)
from outlet_pos.money import format_rupiah, terbilang


@dataclass(frozen=True)
class VoucherData:
    coop_name: str
    coop_address: str
    kind: str  # "expense" | "income"
    number: str
    date: str  # formatted, e.g. "21 Okt 2025"
    amount: int
    counterparty: str  # paid to (expense) / received from (income)
    description: str
    category: str  # "612100 Beban listrik & air"
    cash_account: str  # "Kas kecil", "112100 Bank"
    unit: str = ""
    reference: str = ""
    journal: str = ""
    void_note: str = ""  # set when voided: the stamp and the reason
    printed: str = ""  # "Dicetak 21 Okt 2025 09:15 WITA oleh Siti"


_style = slip_style


_NAME = NAME
_ADDR = ADDR
_TITLE = TITLE
_NUM = _style("num", size=9, leading=11, align=2)
_LABEL = LABEL
_VALUE = VALUE
_AMOUNT = _style("amount", FONT_BOLD, 14, 17)
_WORDS = _style("words", "Helvetica-Oblique", 9.5, 12)
_SIGN = _style("sign", size=8.5, leading=10.5, align=1)
_SMALL = _style("small", size=7, leading=9, color=MUTED)
_VOID = _style("void", FONT_BOLD, 10, 12, ACCENT)


_p = para


def render_voucher(v: VoucherData) -> bytes:
    buffer = io.BytesIO()
    doc, width = half_page(buffer, f"{v.number}", v.coop_name)
    income = v.kind == "income"
    title = "BUKTI KAS MASUK" if income else "BUKTI KAS KELUAR"
    head = Table(
        [[[_p(v.coop_name, _NAME), _p(v.coop_address, _ADDR)],
          [_p(title, _TITLE), _p(f"No. {v.number}", _NUM), _p(f"Tanggal {v.date}", _NUM)]]],
        colWidths=[width * 0.6, width * 0.4],
    )  # fmt: skip
    head.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ])
    )  # fmt: skip
    rows = [
        ("Diterima dari" if income else "Dibayarkan kepada", v.counterparty or "-"),
        ("Untuk keperluan" if not income else "Untuk pembayaran", v.description),
        ("Akun", v.category),
        ("Masuk ke" if income else "Dibayar dari", v.cash_account),
    ]
    if v.unit:
        rows.append(("Unit usaha", v.unit))
    if v.reference:
        rows.append(("No. nota/referensi", v.reference))
    if v.journal:
        rows.append(("No. jurnal", v.journal))
    body = Table(
        [[_p(label, _LABEL), _p(value, _VALUE)] for label, value in rows],
        colWidths=[width * 0.24, width * 0.76],
    )
    body.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ])
    )  # fmt: skip
    amount = Table(
        [[_p(format_rupiah(v.amount), _AMOUNT), _p(f"Terbilang: {terbilang(v.amount)}", _WORDS)]],
        colWidths=[width * 0.3, width * 0.7],
    )
    amount.setStyle(
        TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.8, INK),
            ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#F5F6F7")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LINEAFTER", (0, 0), (0, 0), 0.5, RULE),
        ])
    )  # fmt: skip
    roles = (
        ["Disetujui oleh", "Diterima oleh (Bendahara/Kasir)", "Disetor oleh"]
        if income
        else ["Disetujui oleh", "Dibayar oleh (Bendahara/Kasir)", "Penerima"]
    )
    signs = Table(
        [
            [_p(r, _SIGN) for r in roles],
            ["", "", ""],
            [_p("(.........................)", _SIGN)] * 3,
        ],
        colWidths=[width / 3] * 3,
        rowHeights=[None, 16 * mm, None],
    )
    signs.setStyle(
        TableStyle([
            ("BOX", (0, 0), (0, -1), 0.5, RULE),
            ("BOX", (1, 0), (1, -1), 0.5, RULE),
            ("BOX", (2, 0), (2, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    story = [head, Spacer(1, 4 * mm), body, Spacer(1, 3 * mm), amount]
    if v.void_note:
        story += [Spacer(1, 2 * mm), _p(f"DIBATALKAN — {v.void_note}", _VOID)]
    story += [Spacer(1, 4 * mm), signs]
    if v.printed:
        story += [Spacer(1, 2 * mm), _p(v.printed, _SMALL)]
    doc.build(story)
    return buffer.getvalue()
