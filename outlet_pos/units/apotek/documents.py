"""Salinan resep (copy of a prescription) on A5 portrait: the pharmacy's letterhead, the
prescription as written (R/ per drug with its signa), what was handed out (det / det N /
nedet, the apothecary's marks), "p.c.c." and the apoteker who certifies the copy.

Pure: plain values in, PDF bytes out (DESIGN §2.2 rule 7); the view fills ``CopyData``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from outlet_pos.core.documents.report import ACCENT, FONT_BOLD, MUTED, RULE
from outlet_pos.core.documents.slips import ADDR, LABEL, NAME, VALUE, para, slip_style

_TITLE = slip_style("rx_title", FONT_BOLD, 13, 16, ACCENT, align=1)
_NUM = slip_style("rx_num", size=8.5, leading=11, align=1, color=MUTED)
_R = slip_style("rx_r", FONT_BOLD, 11, 14)
_DRUG = slip_style("rx_drug", FONT_BOLD, 9.5, 12)
_SIGNA = slip_style("rx_signa", "Helvetica-Oblique", 9, 11.5)
_MARK = slip_style("rx_mark", FONT_BOLD, 9.5, 12, ACCENT, align=2)
_PCC = slip_style("rx_pcc", FONT_BOLD, 12, 15, ACCENT, align=2)
_SIGN = slip_style("rx_sign", size=9, leading=11.5, align=2)
_SMALL = slip_style("rx_small", size=7, leading=9, color=MUTED)


@dataclass(frozen=True)
class CopyLine:
    drug: str  # "Amoksisilin 500 mg tablet"
    qty: str  # "15 tablet"
    signa: str  # "3 x 1 tablet sesudah makan"
    mark: str  # "det", "det 10", "nedet"


@dataclass(frozen=True)
class CopyData:
    coop_name: str
    coop_address: str
    pharmacy_name: str
    number: str
    written_on: str
    copied_on: str
    prescriber: str
    prescriber_note: str
    patient: str
    patient_detail: str  # "Umur 34 th · RM-000001"
    apoteker: str
    lines: list[CopyLine] = field(default_factory=list)
    note: str = ""
    printed: str = ""


def mark_for(qty, dispensed, fmt) -> str:
    """det (all handed out), det N (part), nedet (none): the apothecary's marks."""
    if dispensed >= qty:
        return "det"
    if dispensed > 0:
        return f"det {fmt(dispensed)}"
    return "nedet"


def render_prescription_copy(d: CopyData) -> bytes:
    buffer = io.BytesIO()
    margin = 12 * mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A5,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"Salinan resep {d.number}",
        author=d.coop_name,
    )
    width = A5[0] - 2 * margin
    story: list = []
    head = Table(
        [[[para(d.pharmacy_name, NAME), para(d.coop_name, ADDR), para(d.coop_address, ADDR)]]],
        colWidths=[width],
    )
    head.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 1.2, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [
        head,
        Spacer(1, 4 * mm),
        para("SALINAN RESEP", _TITLE),
        para(f"No. {d.number}", _NUM),
        Spacer(1, 4 * mm),
    ]
    facts = [
        ("Dari", d.prescriber + (f" ({d.prescriber_note})" if d.prescriber_note else "")),
        ("Tanggal resep", d.written_on),
        ("Untuk", d.patient + (f" · {d.patient_detail}" if d.patient_detail else "")),
        ("Tanggal salinan", d.copied_on),
    ]
    info = Table(
        [[para(k, LABEL), para(v, VALUE)] for k, v in facts], colWidths=[width * 0.28, width * 0.72]
    )
    info.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [info, Spacer(1, 5 * mm)]
    rows = []
    for line in d.lines:
        rows.append(
            [
                para("R/", _R),
                [
                    para(f"{line.drug}   No. {line.qty}", _DRUG),
                    para(f"S. {line.signa}" if line.signa else "", _SIGNA),
                ],
                para(line.mark, _MARK),
            ]
        )
    if rows:
        body = Table(rows, colWidths=[width * 0.1, width * 0.7, width * 0.2])
        body.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        story.append(body)
    if d.note:
        story += [Spacer(1, 3 * mm), para(d.note, _SMALL)]
    story += [
        Spacer(1, 8 * mm),
        para("p.c.c.", _PCC),
        Spacer(1, 14 * mm),
        para(d.apoteker or "(apoteker)", _SIGN),
        para("Apoteker", _SIGN),
    ]
    if d.printed:
        story += [Spacer(1, 6 * mm), para(d.printed, _SMALL)]
    doc.build(story)
    return buffer.getvalue()
