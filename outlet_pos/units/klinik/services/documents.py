"""The clinic's papers: the kuitansi of a bill (A5 landscape, amount in words) and the
referral letter (surat rujukan, A4). Pure: plain values in, PDF bytes out (DESIGN §2.2 rule
7); the views fill the dataclasses. The kuitansi lists services only, never the diagnosis:
it goes home with the patient and through the cashier's hands.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

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

_NUM = slip_style("knum", size=9, leading=11, align=2)
_RIGHT = slip_style("kright", size=9.5, leading=12, align=2)
_LABEL_R = slip_style("klabelr", size=8.5, leading=11, color=MUTED, align=2)
_AMOUNT = slip_style("kamount", FONT_BOLD, 14, 17)
_WORDS = slip_style("kwords", "Helvetica-Oblique", 9.5, 12)
_SIGN = slip_style("ksign", size=8.5, leading=10.5, align=1)
_SMALL = slip_style("ksmall", size=7, leading=9, color=MUTED)
_VOID = slip_style("kvoid", FONT_BOLD, 10, 12, ACCENT)
_BODY = slip_style("kbody", size=10.5, leading=14)
_HEAD = slip_style("khead", FONT_BOLD, 14, 18, ACCENT, align=1)

_PLAIN = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
]


@dataclass(frozen=True)
class KwitansiData:
    coop_name: str
    coop_address: str
    number: str
    date: str
    patient: str  # "RM-000001 Sri Wahyuni"
    method: str
    amount: int
    services: list[tuple[str, int, int]] = field(default_factory=list)  # name, qty, amount
    cashier: str = ""
    void_note: str = ""
    printed: str = ""


def _letterhead(name: str, address: str, title: str, right: list[str], width: float) -> Table:
    head = Table(
        [[[para(name, NAME), para(address, ADDR)],
          [para(title, TITLE)] + [para(text, _NUM) for text in right]]],
        colWidths=[width * 0.6, width * 0.4],
    )  # fmt: skip
    head.setStyle(TableStyle(_PLAIN + [("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))  # fmt: skip
    return head


def _sign(role: str, name: str, width: float, space: float) -> Table:
    """A signature box on the right: the role, room to sign, the name in brackets."""
    blank = para("", _SIGN)
    return Table(
        [[blank, para(role, _SIGN)], ["", ""], [blank, para(f"( {name or '.' * 20} )", _SIGN)]],
        colWidths=[width * 0.6, width * 0.4],
        rowHeights=[None, space, None],
    )


def render_kwitansi(k: KwitansiData) -> bytes:
    buffer = io.BytesIO()
    doc, width = half_page(buffer, k.number, k.coop_name)
    head = _letterhead(k.coop_name, k.coop_address, "KUITANSI",
                       [f"No. {k.number}", f"Tanggal {k.date}"], width)  # fmt: skip
    facts = Table(
        [[para("Telah terima dari", LABEL), para(k.patient, VALUE)],
         [para("Untuk pembayaran", LABEL), para("Jasa pelayanan klinik", VALUE)],
         [para("Cara bayar", LABEL), para(k.method, VALUE)]],
        colWidths=[width * 0.24, width * 0.76],
    )  # fmt: skip
    facts.setStyle(TableStyle(_PLAIN))
    rows = [[para(name, VALUE), para(str(qty), _RIGHT), para(format_rupiah(amount), _RIGHT)]
            for name, qty, amount in k.services]  # fmt: skip
    header = [para("Layanan", LABEL), para("Jml", _LABEL_R), para("Jumlah", _LABEL_R)]
    services = Table([header] + rows, colWidths=[width * 0.6, width * 0.1, width * 0.3])
    services.setStyle(TableStyle(_PLAIN + [("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE)]))
    amount = Table(
        [
            [
                para(format_rupiah(k.amount), _AMOUNT),
                para(f"Terbilang: {terbilang(k.amount)}", _WORDS),
            ]
        ],
        colWidths=[width * 0.3, width * 0.7],
    )
    amount.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#F5F6F7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEAFTER", (0, 0), (0, 0), 0.5, RULE),
    ]))  # fmt: skip
    sign = _sign("Penerima (kasir)", k.cashier, width, 14 * mm)
    story = [head, Spacer(1, 3 * mm), facts, Spacer(1, 2 * mm), services, Spacer(1, 3 * mm),
             amount]  # fmt: skip
    if k.void_note:
        story += [Spacer(1, 2 * mm), para(f"DIBATALKAN — {k.void_note}", _VOID)]
    story += [Spacer(1, 3 * mm), sign]
    if k.printed:
        story += [para(k.printed, _SMALL)]
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReferralData:
    coop_name: str
    coop_address: str
    clinic_name: str
    number: str
    date: str
    to: str
    patient_name: str
    patient_number: str
    sex: str
    age: str
    address: str
    allergies: str
    vitals: str
    complaint: str
    examination: str
    diagnosis: str
    reason: str
    summary: str
    doctor: str
    printed: str = ""


def render_referral(r: ReferralData) -> bytes:
    buffer = io.BytesIO()
    margin = 18 * mm
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=r.number,
                            author=r.coop_name)  # fmt: skip
    width = A4[0] - 2 * margin
    head = _letterhead(f"{r.clinic_name} — {r.coop_name}", r.coop_address, "SURAT RUJUKAN",
                       [f"No. {r.number}", f"Tanggal {r.date}"], width)  # fmt: skip
    rows = [
        ("Nama pasien", f"{r.patient_name} ({r.patient_number})"),
        ("Jenis kelamin / umur", f"{r.sex} / {r.age}"),
        ("Alamat", r.address or "-"),
        ("Alergi", r.allergies or "Tidak ada yang diketahui"),
        ("Keluhan", r.complaint or "-"),
        ("Tanda vital", r.vitals or "-"),
        ("Pemeriksaan", r.examination or "-"),
        ("Diagnosis kerja", r.diagnosis or "-"),
        ("Alasan dirujuk", r.reason),
        ("Terapi yang sudah diberikan", r.summary or "-"),
    ]
    body = Table([[para(label, LABEL), para(value, _BODY)] for label, value in rows],
                 colWidths=[width * 0.28, width * 0.72])  # fmt: skip
    body.setStyle(TableStyle(_PLAIN + [("TOPPADDING", (0, 0), (-1, -1), 3),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))  # fmt: skip
    sign = _sign("Pemeriksa", r.doctor, width, 20 * mm)
    story = [
        head, Spacer(1, 6 * mm), para(f"Kepada Yth. {r.to}", _BODY),
        para("Dengan hormat, mohon pemeriksaan dan penanganan lebih lanjut untuk pasien:", _BODY),
        Spacer(1, 4 * mm), body, Spacer(1, 6 * mm),
        para("Atas bantuan dan kerja samanya kami ucapkan terima kasih.", _BODY),
        Spacer(1, 6 * mm), sign,
        para("RAHASIA MEDIS — hanya untuk tenaga kesehatan penerima rujukan.", _VOID),
    ]  # fmt: skip
    if r.printed:
        story.append(para(r.printed, _SMALL))
    doc.build(story)
    return buffer.getvalue()
