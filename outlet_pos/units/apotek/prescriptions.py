"""Prescriptions into the pharmacy queue: from the clinic (``create_prescription``, the one
hand-off DESIGN §2.2 rule 3 allows from klinik to apotek) or typed in from a paper one.

Numbers are gapless per cooperative and year (``RSP-2026-000001``) through the core's
``DocSequence`` counter: the pharmacy must be able to show every prescription it received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.inventory.models import Batch, Item
from outlet_pos.core.inventory.services import check_base_qty
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.drugs import drug_info, fefo_batches, on_hand_of
from outlet_pos.units.apotek.models import DrugInfo
from outlet_pos.units.apotek.prescription_models import (
    OPEN_STATUSES,
    RX_SOURCES,
    Prescription,
    PrescriptionLine,
)

if TYPE_CHECKING:  # the clinic's package imports this module (its hand-off to the pharmacy)
    from outlet_pos.units.klinik.models import Patient

MAX_LINES = 30
QUEUE_LIMIT = 200


def _text(value: object, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _line(coop: Cooperative, no: int, raw: dict) -> tuple[Item, Decimal, str]:
    item = db.session.get(Item, raw.get("item_id") or 0) if raw.get("item_id") else None
    if item is None or item.cooperative_id != coop.id:
        raise ValidationError(f"Baris {no}: obat tidak ditemukan.", field="lines")
    unit = db.session.get(BusinessUnit, item.unit_id)
    if unit.kind != "apotek" or drug_info(coop.id, item.id) is None:
        raise ValidationError(f"Baris {no}: {item.name} bukan obat apotek ini.", field="lines")
    try:
        # The core's rule for a base quantity: positive, at most MAX_QTY, whole tablets.
        qty = check_base_qty(item, raw.get("qty"))
    except InvalidOperation:  # NaN, or a number too long for the decimal context
        raise ValidationError(f"Baris {no}: jumlah tidak valid.", field="lines") from None
    except DomainError as err:
        raise ValidationError(f"Baris {no}: {err.message}", field="lines") from None
    return item, qty, _text(raw.get("dosage"), 200)


def create_prescription(
    coop: Cooperative,
    user: User | None,
    *,
    patient: Patient | None,
    prescriber: str,
    written_on: date,
    lines: list[dict],
    source: str = "klinik",
    visit_id: int | None = None,
    patient_name: str = "",
    prescriber_note: str = "",
    clinic_note: str = "",
) -> Prescription:
    """Put a prescription in the pharmacy queue (flush only; audited ``rx.create``).

    ``lines``: ``[{"item_id", "qty" (base units), "dosage"}]``, drugs of this cooperative's
    pharmacy. An outside prescription may have no registered patient, but then a name.
    ``prescriber_note`` is the prescriber's licence or facility (printed on the salinan
    resep); ``clinic_note`` is the clinic's note to the apoteker (never printed)."""
    if source not in RX_SOURCES:
        raise ValidationError("Asal resep tidak dikenal.", field="source")
    if patient is not None and patient.cooperative_id != coop.id:
        raise NotFound("Pasien tidak ditemukan.", field="patient")
    name = patient.name if patient is not None else _text(patient_name, 200)
    if not name:
        raise ValidationError("Nama pasien wajib diisi.", field="patient_name")
    prescriber = _text(prescriber, 200)
    if len(prescriber) < 3:
        raise ValidationError("Nama penulis resep (dokter/bidan) wajib diisi.", field="prescriber")
    if not isinstance(written_on, date):
        raise ValidationError("Tanggal resep wajib diisi.", field="written_on")
    if written_on > coop.today():
        raise ValidationError("Tanggal resep tidak boleh di masa depan.", field="written_on")
    if not lines:
        raise ValidationError("Resep harus berisi paling sedikit satu obat.", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paling banyak {MAX_LINES} obat per resep.", field="lines")
    parsed = [_line(coop, no, raw) for no, raw in enumerate(lines, start=1)]
    year = coop.today().year  # the year the pharmacy received it
    number = f"RSP-{year}-{next_value(coop.id, 'prescription', str(year)):06d}"
    rx = Prescription(
        cooperative_id=coop.id,
        number=number,
        source=source,
        patient_id=patient.id if patient is not None else None,
        patient_name=name,
        prescriber=prescriber,
        prescriber_note=_text(prescriber_note, 200),
        clinic_note=_text(clinic_note, 500),
        written_on=written_on,
        visit_id=visit_id,
        status="antri",
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(rx)
    db.session.flush()
    for no, (item, qty, dosage) in enumerate(parsed, start=1):
        db.session.add(
            PrescriptionLine(
                cooperative_id=coop.id,
                prescription_id=rx.id,
                line_no=no,
                item_id=item.id,
                qty=qty,
                dosage=dosage,
                dispensed_qty=Decimal(0),
            )
        )
    db.session.flush()
    record(
        "rx.create",
        user=user,
        cooperative=coop,
        target=number,
        detail={"source": source, "lines": len(parsed), "visit": visit_id},
    )
    return rx


def get_prescription(coop: Cooperative, rx_id: int, *, lock: bool = False) -> Prescription:
    stmt = select(Prescription).where(
        Prescription.id == rx_id, Prescription.cooperative_id == coop.id
    )
    rx = db.session.scalar(lock_for_update(stmt) if lock else stmt)
    if rx is None:
        raise NotFound("Resep tidak ditemukan.")
    return rx


def cancel_prescription(coop: Cooperative, user: User, rx_id: int, reason: str) -> Prescription:
    """Take a prescription out of the queue; what was already handed out stays handed out."""
    rx = get_prescription(coop, rx_id, lock=True)
    if not rx.is_open:
        raise DomainError(f"Resep {rx.number} sudah {rx.status_label.lower()}.")
    reason = _text(reason, 300)
    if len(reason) < 3:
        raise ValidationError("Alasan pembatalan wajib diisi.", field="reason")
    rx.status, rx.cancel_reason = "batal", reason
    db.session.flush()
    record("rx.cancel", user=user, cooperative=coop, target=rx.number, detail={"reason": reason})
    return rx


def refresh_status(rx: Prescription) -> None:
    """antri -> sebagian -> selesai from the dispensed quantities (a refund goes back)."""
    if rx.status == "batal":
        return
    lines = rx.lines
    if all(line.dispensed_qty >= line.qty for line in lines):
        rx.status = "selesai"
    elif any(line.dispensed_qty > 0 for line in lines):
        rx.status = "sebagian"
    else:
        rx.status = "antri"


@dataclass
class LineView:
    line: PrescriptionLine
    info: DrugInfo | None
    on_hand: Decimal
    next_batch: Batch | None


def line_views(coop: Cooperative, rxs: list[Prescription]) -> dict[int, list[LineView]]:
    """Each prescription's lines with the stock on hand and the batch FEFO will take."""
    lines = [line for rx in rxs for line in rx.lines]
    ids = sorted({line.item_id for line in lines})
    stock = on_hand_of(coop, ids)
    batches = fefo_batches(coop, ids, coop.today())
    infos = (
        {
            i.item_id: i
            for i in db.session.scalars(
                select(DrugInfo).where(
                    DrugInfo.cooperative_id == coop.id, DrugInfo.item_id.in_(ids)
                )
            )
        }
        if ids
        else {}
    )
    out: dict[int, list[LineView]] = {}
    for rx in rxs:
        out[rx.id] = [
            LineView(
                line,
                infos.get(line.item_id),
                stock.get(line.item_id, Decimal(0)),
                batches.get(line.item_id),
            )
            for line in rx.lines
        ]
    return out


def queue(coop: Cooperative) -> list[Prescription]:
    """Open prescriptions, newest first."""
    return list(
        db.session.scalars(
            select(Prescription)
            .where(Prescription.cooperative_id == coop.id, Prescription.status.in_(OPEN_STATUSES))
            .order_by(Prescription.id.desc())
            .limit(QUEUE_LIMIT)
        )
    )


def recent_closed(coop: Cooperative, limit: int = 20, q: str = "") -> list[Prescription]:
    """Served or cancelled prescriptions, newest first; ``q`` searches the number, the
    patient, the prescriber and the drugs on it (prescriptions are kept and looked up later:
    a patient's history, an inspection)."""
    query = select(Prescription).where(
        Prescription.cooperative_id == coop.id,
        Prescription.status.not_in(OPEN_STATUSES),
    )
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q}%"
        with_drug = (
            select(PrescriptionLine.prescription_id)
            .join(Item, Item.id == PrescriptionLine.item_id)
            .where(Item.cooperative_id == coop.id, Item.name.ilike(like))
        )
        query = query.where(
            Prescription.number.ilike(like)
            | Prescription.patient_name.ilike(like)
            | Prescription.prescriber.ilike(like)
            | Prescription.id.in_(with_drug)
        )
    return list(db.session.scalars(query.order_by(Prescription.id.desc()).limit(limit)))


def check_dispensed(coop: Cooperative):
    """verify: each prescription line's dispensed quantity = the sum of its dispense rows,
    and never above what was written."""
    from sqlalchemy import func

    from outlet_pos.units.apotek.prescription_models import PrescriptionDispense

    sums = dict(
        db.session.execute(
            select(PrescriptionDispense.line_id, func.sum(PrescriptionDispense.qty))
            .where(PrescriptionDispense.cooperative_id == coop.id)
            .group_by(PrescriptionDispense.line_id)
        ).all()
    )
    rows = db.session.execute(
        select(
            Prescription.number,
            PrescriptionLine.id,
            PrescriptionLine.line_no,
            PrescriptionLine.qty,
            PrescriptionLine.dispensed_qty,
        )
        .join(Prescription, Prescription.id == PrescriptionLine.prescription_id)
        .where(PrescriptionLine.cooperative_id == coop.id)
    ).all()
    for number, line_id, line_no, qty, dispensed in rows:
        recorded = Decimal(sums.get(line_id) or 0)
        if recorded != dispensed:
            yield (
                f"resep {number} baris {line_no}: diserahkan {dispensed}, "
                f"menurut catatan {recorded}"
            )
        if dispensed > qty:
            yield f"resep {number} baris {line_no}: diserahkan melebihi resep"
