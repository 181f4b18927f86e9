"""A member's SHU slip: "Slip SHU Anggota" on A5 landscape (half an A4 sheet), with the base
figures the share was computed from, jasa modal, jasa usaha, the total in words (terbilang),
the payout status and signature boxes.

Pure: plain values in, PDF bytes out (DESIGN §2.2 rule 7); the view only fills ``ShuSlipData``.
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
class ShuSlipData:
    coop_name: str
    coop_address: str
    year: int  # fiscal year
    member_number: str
    member_name: str
    capital_base: int
    transactions: int  # weighted by unit, as the share was computed
    jasa_modal: int
    jasa_usaha: int
    total: int
    pool_jasa_modal: int = 0
    pool_jasa_usaha: int = 0
    rat: str = ""  # "RAT 10 Mar 2026, keputusan 05/RAT/2026"
    paid: str = ""  # "Dibayar tunai 12 Mar 2026" / "" when unpaid
    printed: str = ""  # "Dicetak 21 Okt 2025 09:15 WITA oleh Siti"


_style = slip_style


_NAME = NAME
_ADDR = ADDR
_TITLE = TITLE
_SUB = _style("sub", size=9, leading=11, align=2)
_LABEL = LABEL
_VALUE = VALUE
_VALUE_BOLD = _style("value-bold", FONT_BOLD, 9.5, 12)
_NUM = _style("num", size=9.5, leading=12, align=2)
_NUM_BOLD = _style("num-bold", FONT_BOLD, 10.5, 13, align=2)
_WORDS = _style("words", "Helvetica-Oblique", 9, 11.5)
_STATUS = _style("status", FONT_BOLD, 9.5, 12)
_SIGN = _style("sign", size=8.5, leading=10.5, align=1)
_SMALL = _style("small", size=7, leading=9, color=MUTED)


_p = para


def _plain_number(value: int) -> str:
    return format_rupiah(value).removeprefix("Rp")


def render_shu_slip(s: ShuSlipData) -> bytes:
    buffer = io.BytesIO()
    doc, width = half_page(buffer, f"Slip SHU {s.year} {s.member_number}", s.coop_name)
    head = Table(
        [[[_p(s.coop_name, _NAME), _p(s.coop_address, _ADDR)],
          [_p("SLIP SHU ANGGOTA", _TITLE), _p(f"Tahun buku {s.year}", _SUB),
           _p(s.rat, _SUB)]]],
        colWidths=[width * 0.55, width * 0.45],
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
    who = Table(
        [[_p("No. anggota", _LABEL), _p(s.member_number, _VALUE_BOLD),
          _p("Nama", _LABEL), _p(s.member_name, _VALUE_BOLD)]],
        colWidths=[width * 0.14, width * 0.2, width * 0.08, width * 0.58],
    )  # fmt: skip
    who.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ])
    )  # fmt: skip
    figures = [
        ("Dasar jasa modal: simpanan pokok + wajib akhir tahun", s.capital_base, False),
        ("Dasar jasa usaha: transaksi anggota selama tahun buku", s.transactions, False),
        (_share_label("Jasa modal", s.pool_jasa_modal), s.jasa_modal, False),
        (_share_label("Jasa usaha", s.pool_jasa_usaha), s.jasa_usaha, False),
        ("SHU yang diterima", s.total, True),
    ]
    rows = [
        [_p(label, _VALUE_BOLD if bold else _VALUE),
         _p(format_rupiah(value) if i >= 2 else _plain_number(value),
            _NUM_BOLD if bold else _NUM)]
        for i, (label, value, bold) in enumerate(figures)
    ]  # fmt: skip
    body = Table(rows, colWidths=[width * 0.72, width * 0.28])
    body.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F6F7")),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ])
    )  # fmt: skip
    status = s.paid or "BELUM DIBAYAR"
    signs = Table(
        [[_p("Bendahara", _SIGN), _p("Anggota penerima", _SIGN)], ["", ""],
         [_p("(.........................)", _SIGN), _p(f"({s.member_name})", _SIGN)]],
        colWidths=[width / 2] * 2,
        rowHeights=[None, 15 * mm, None],
    )  # fmt: skip
    signs.setStyle(
        TableStyle([
            ("BOX", (0, 0), (0, -1), 0.5, RULE),
            ("BOX", (1, 0), (1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    story = [
        head,
        Spacer(1, 3 * mm),
        who,
        Spacer(1, 2 * mm),
        body,
        Spacer(1, 2 * mm),
        _p(f"Terbilang: {terbilang(s.total)}", _WORDS),
        Spacer(1, 1.5 * mm),
        _p(f"Status: {status}", _STATUS),
        Spacer(1, 3 * mm),
        signs,
    ]
    if s.printed:
        story += [Spacer(1, 1.5 * mm), _p(s.printed, _SMALL)]
    doc.build(story)
    return buffer.getvalue()


def _share_label(name: str, pool: int) -> str:
    if pool:
        return f"{name} (bagian dari pos {name.lower()} {format_rupiah(pool)})"
    return name
