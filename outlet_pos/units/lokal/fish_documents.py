"""The purchase slip of a fish purchase ("Nota Pembelian Ikan"): A5 landscape, the fisher,
each line's weight, grade, price per kg and amount, the total in words and how it was paid
(cash from the drawer or into the member's sukarela). The fisher keeps it as proof of sale
and of the savings deposit.

Pure: plain values in, PDF bytes out (DESIGN §2.2 rule 7).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from outlet_pos.core.documents.report import ACCENT, FONT_BOLD, INK, MUTED, RULE
from outlet_pos.core.documents.slips import ADDR, LABEL, NAME, TITLE, VALUE, half_page, para
from outlet_pos.core.documents.slips import slip_style as _style
from outlet_pos.money import format_rupiah, terbilang

_NUM = _style("num", size=9, leading=11, align=2)
_CELL = _style("cell", size=8.5, leading=10.5)
_CELL_R = _style("cellr", size=8.5, leading=10.5, align=2)
_HEAD = _style("head", FONT_BOLD, 8.5, 10.5)
_HEAD_R = _style("headr", FONT_BOLD, 8.5, 10.5, align=2)
_WORDS = _style("words", "Helvetica-Oblique", 8.5, 11)
_SIGN = _style("sign", size=8.5, leading=10.5, align=1)
_SMALL = _style("small", size=7, leading=9, color=MUTED)


@dataclass(frozen=True)
class SlipLine:
    name: str
    grade: str
    weight: str  # "12,345"
    price: int
    amount: int
    override: bool = False


@dataclass(frozen=True)
class SlipData:
    coop_name: str
    coop_address: str
    unit_name: str
    number: str
    date: str
    seller: str  # "Darto (A-0012)" or the non-member's name
    payment: str  # "Tunai dari laci kasir (shift 3)" / "Simpanan sukarela SUK-A-0012"
    lines: list[SlipLine] = field(default_factory=list)
    total_weight: str = ""
    amount: int = 0
    journal: str = ""
    printed: str = ""


def render_purchase_slip(s: SlipData) -> bytes:
    buffer = io.BytesIO()
    doc, width = half_page(buffer, s.number, s.coop_name)
    head = Table(
        [
            [
                [para(s.coop_name, NAME), para(f"{s.coop_address}\nUnit {s.unit_name}", ADDR)],
                [
                    para("NOTA PEMBELIAN IKAN", TITLE),
                    para(f"No. {s.number}", _NUM),
                    para(f"Tanggal {s.date}", _NUM),
                ],
            ]
        ],
        colWidths=[width * 0.58, width * 0.42],
    )
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    who = Table(
        [
            [para("Dibeli dari", LABEL), para(s.seller, VALUE)],
            [para("Dibayar", LABEL), para(s.payment, VALUE)],
        ],
        colWidths=[width * 0.18, width * 0.82],
    )
    who.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    rows = [
        [para(t, _HEAD) for t in ("No", "Jenis ikan", "Mutu")]
        + [para(t, _HEAD_R) for t in ("Berat (kg)", "Harga/kg", "Jumlah")]
    ]
    for no, ln in enumerate(s.lines, start=1):
        price = format_rupiah(ln.price) + (" *" if ln.override else "")
        rows.append(
            [
                para(str(no), _CELL),
                para(ln.name, _CELL),
                para(ln.grade, _CELL),
                para(ln.weight, _CELL_R),
                para(price, _CELL_R),
                para(format_rupiah(ln.amount), _CELL_R),
            ]
        )
    rows.append(
        [
            para("", _CELL),
            para("Jumlah", _HEAD),
            para("", _CELL),
            para(s.total_weight, _HEAD_R),
            para("", _CELL),
            para(format_rupiah(s.amount), _HEAD_R),
        ]
    )
    table = Table(
        rows, colWidths=[w * width for w in (0.06, 0.36, 0.08, 0.15, 0.16, 0.19)], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#F5F6F7")]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story = [
        head,
        Spacer(1, 3 * mm),
        who,
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 2 * mm),
        para(f"Terbilang: {terbilang(s.amount)}", _WORDS),
    ]
    if any(ln.override for ln in s.lines):
        story.append(para("* harga di luar daftar harga hari ini, disetujui pengurus", _SMALL))
    signs = Table(
        [
            [para("Penjual", _SIGN), para("Petugas koperasi", _SIGN)],
            ["", ""],
            [
                para(f"({s.seller.split(' (')[0]})", _SIGN),
                para("(.........................)", _SIGN),
            ],
        ],
        colWidths=[width / 2] * 2,
        rowHeights=[None, 13 * mm, None],
    )
    signs.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.3, RULE)])
    )
    story += [Spacer(1, 3 * mm), signs]
    footer = " · ".join(p for p in (f"Jurnal {s.journal}" if s.journal else "", s.printed) if p)
    if footer:
        story += [Spacer(1, 1 * mm), para(footer, _SMALL)]
    doc.build(story)
    return buffer.getvalue()
