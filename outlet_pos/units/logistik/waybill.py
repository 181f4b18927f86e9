"""The waybill label (resi): an A6 sheet (105×148 mm) stuck on the parcel.

A Code 128 barcode of the waybill number is what the scan page and the courier's scanner
read, so it gets the full width and a quiet zone; a QR of the same number serves phone
cameras. The COD amount is printed big and bold: the courier must collect exactly that.
Pure builder: values in, PDF bytes out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.units.logistik.models import SERVICES, ZONES, Parcel

WIDTH, HEIGHT = 105 * mm, 148 * mm
MARGIN = 5 * mm
FONT, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class WaybillData:
    cooperative: str
    number: str
    courier: str
    service: str
    day: date
    sender: list[str]
    receiver: list[str]
    zone: str
    actual_kg: Decimal
    volumetric_kg: Decimal
    billable_kg: Decimal
    contents: str
    fee: int
    insurance: int
    cod_amount: int


def dec(value: Decimal) -> str:
    """1,5 / 4 / 30: comma decimals, no trailing zeros."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def kg(value: Decimal) -> str:
    return dec(value) + " kg"


def waybill_data(parcel: Parcel, cooperative_name: str) -> WaybillData:
    sender = [parcel.sender_name, parcel.sender_phone, parcel.sender_address]
    place = ", ".join(p for p in (parcel.receiver_desa, parcel.receiver_kabupaten,
                                  parcel.receiver_provinsi) if p)  # fmt: skip
    receiver = [parcel.receiver_name, parcel.receiver_phone, parcel.receiver_address, place]
    return WaybillData(
        cooperative=cooperative_name, number=parcel.number, courier=parcel.courier.name,
        service=SERVICES.get(parcel.service, parcel.service), day=parcel.business_date,
        sender=[s for s in sender if s], receiver=[r for r in receiver if r],
        zone=ZONES.get(parcel.zone, parcel.zone), actual_kg=parcel.actual_kg,
        volumetric_kg=parcel.volumetric_kg, billable_kg=parcel.billable_kg,
        contents=parcel.contents, fee=parcel.shipping_fee, insurance=parcel.insurance_fee,
        cod_amount=parcel.cod_amount,
    )  # fmt: skip


def _lines(c: Canvas, lines: list[str], x: float, y: float, width: float, font: str,
           size: float, limit: int) -> float:  # fmt: skip
    """Draw wrapped lines down from ``y``; returns the next baseline."""
    out: list[str] = []
    for text in lines:
        out.extend(simpleSplit(text, font, size, width))
    for text in out[:limit]:
        c.setFont(font, size)
        c.drawString(x, y, text)
        y -= size * 1.2
    return y


def _block(c: Canvas, title: str, lines: list[str], y: float, size: float, limit: int) -> float:
    c.setFont(BOLD, 7)
    c.drawString(MARGIN, y, title)
    first, rest = (lines[0], lines[1:]) if lines else ("", [])
    y = _lines(c, [first], MARGIN, y - size * 1.2, WIDTH - 2 * MARGIN, BOLD, size, 2)
    y = _lines(c, rest, MARGIN, y, WIDTH - 2 * MARGIN, FONT, size - 1, limit)
    return y - 1.5 * mm


def _rule(c: Canvas, y: float) -> None:
    c.setLineWidth(0.8)
    c.line(MARGIN, y, WIDTH - MARGIN, y)


def render_waybill(d: WaybillData) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    c.setTitle(f"Resi {d.number}")
    c.setAuthor(d.cooperative)
    top = HEIGHT - MARGIN
    c.setFont(FONT, 7)
    c.drawString(MARGIN, top - 6, d.cooperative[:70])
    c.setFont(BOLD, 12)
    c.drawString(MARGIN, top - 19, d.courier[:28])
    c.drawRightString(WIDTH - MARGIN, top - 19, d.service.upper())
    c.setFont(FONT, 7)
    c.drawRightString(WIDTH - MARGIN, top - 6, tanggal(d.day))

    # Code 128: modules of 0,5 mm (4 dots of a 203 dpi label printer) unless the number is
    # too long for the label, centred, with the quiet zone reportlab adds.
    bar = Code128(d.number, barHeight=16 * mm, barWidth=0.5 * mm, humanReadable=False)
    if bar.width > WIDTH - 2 * MARGIN:
        module = 0.5 * mm * (WIDTH - 2 * MARGIN) / bar.width
        bar = Code128(d.number, barHeight=16 * mm, barWidth=module, humanReadable=False)
    bar_y = top - 24 - 16 * mm
    bar.drawOn(c, (WIDTH - bar.width) / 2, bar_y)
    c.setFont(BOLD, 11)
    c.drawCentredString(WIDTH / 2, bar_y - 12, d.number)
    y = bar_y - 17
    _rule(c, y)
    y = _block(c, "PENERIMA", d.receiver, y - 10, 11, 5)
    _rule(c, y)
    y = _block(c, "PENGIRIM", d.sender, y - 10, 8.5, 3)
    _rule(c, y)

    # Weight and route on the left, QR on the right.
    qr_size = 24 * mm
    widget = QrCodeWidget(d.number, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0,
                                                   qr_size / (y1 - y0), 0, 0])  # fmt: skip
    drawing.add(widget)
    renderPDF.draw(drawing, c, WIDTH - MARGIN - qr_size, y - qr_size - 2)
    facts = [
        f"Berat ditagih: {kg(d.billable_kg)}",
        f"Aktual {kg(d.actual_kg)} · volume {kg(d.volumetric_kg)}",
        f"Zona: {d.zone}",
        f"Isi: {d.contents or '-'}",
        f"Ongkir {format_rupiah(d.fee)}"
        + (f" · asuransi {format_rupiah(d.insurance)}" if d.insurance else ""),
    ]
    c.setFont(BOLD, 10)
    c.drawString(MARGIN, y - 12, facts[0])
    _lines(c, facts[1:], MARGIN, y - 24, WIDTH - 3 * MARGIN - qr_size, FONT, 8, 6)
    y = y - qr_size - 6

    # COD: a black box with the amount in white, big, so nobody misses it.
    box_h = 20 * mm
    if d.cod_amount > 0:
        c.setFillGray(0)
        c.rect(MARGIN, y - box_h, WIDTH - 2 * MARGIN, box_h, stroke=0, fill=1)
        c.setFillGray(1)
        c.setFont(BOLD, 10)
        c.drawString(MARGIN + 3 * mm, y - 5 * mm, "COD — TAGIH KE PENERIMA")
        c.setFont(BOLD, 24)
        c.drawCentredString(WIDTH / 2, y - box_h + 4 * mm, format_rupiah(d.cod_amount))
        c.setFillGray(0)
    else:
        c.setLineWidth(1)
        c.rect(MARGIN, y - 10 * mm, WIDTH - 2 * MARGIN, 10 * mm)
        c.setFont(BOLD, 12)
        c.drawCentredString(WIDTH / 2, y - 6.5 * mm, "NON-COD")
    c.setFont(FONT, 6)
    c.drawCentredString(WIDTH / 2, MARGIN / 2 + 2,
                        "Simpan resi ini. Lacak dengan nomor resi di loket koperasi.")  # fmt: skip
    c.showPage()
    c.save()
    return buf.getvalue()
