"""What is done for the patient in a visit: services from the tariff list, consumables from
the clinic's own stock, and a prescription handed to the pharmacy.

Consumables leave the shelf through the inventory core (kind "consume") and are expensed at
their moving-average cost with ``inventory_ledger_lines`` (Dr 511100 HPP / Cr the item's
inventory account, both with the item's unit), in one entry per use: the same rule the
counter and stock counts follow, so "inventory account = value of stock" keeps holding.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import inventory_ledger_lines, issue, parse_qty
from outlet_pos.core.ledger import post
from outlet_pos.core.sales.common import COGS_ACCOUNT
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.drugs import drug_info
from outlet_pos.units.klinik.services.prescribers import active_prescriber
from outlet_pos.units.klinik.services.visits import _locked_visit, paid_bill
from outlet_pos.units.klinik.visit_models import (
    ClinicTariff,
    Visit,
    VisitConsumable,
    VisitService,
)

MAX_PRICE = 10**9
MAX_SERVICE_QTY = 100


# --- tariff list ---------------------------------------------------------------------------


def save_tariff(
    coop: Cooperative,
    user,
    *,
    code: str,
    name: str,
    price: object,
    active: bool = True,
    tariff: ClinicTariff | None = None,
) -> ClinicTariff:
    """Add a service to the price list or change one. A changed price applies to services
    added from now on; those already in a visit keep the price they were given."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or len(code) > 20:
        raise ValidationError("Kode layanan wajib diisi (maksimal 20 karakter).", field="code")
    if not name or len(name) > 120:
        raise ValidationError("Nama layanan wajib diisi (maksimal 120 karakter).", field="name")
    if type(price) is not int or not 0 <= price <= MAX_PRICE:
        raise ValidationError("Tarif harus rupiah bulat, 0 atau lebih.", field="price")
    clash = db.session.scalar(
        select(ClinicTariff).where(
            ClinicTariff.cooperative_id == coop.id,
            ClinicTariff.code == code,
            ClinicTariff.id != (tariff.id if tariff else 0),
        )
    )
    if clash is not None:
        raise ValidationError(f"Kode {code} sudah dipakai untuk {clash.name}.", field="code")
    if tariff is None:
        tariff = ClinicTariff(cooperative_id=coop.id)
        db.session.add(tariff)
    elif tariff.cooperative_id != coop.id:
        raise DomainError("Tarif tidak ditemukan.")
    tariff.code, tariff.name, tariff.price, tariff.active = code, name, price, bool(active)
    db.session.flush()
    record("clinic.tariff.save", user=user, cooperative=coop, target=code,
           detail={"price": price, "active": bool(active)})  # fmt: skip
    return tariff


def active_tariffs(coop: Cooperative) -> list[ClinicTariff]:
    return list(
        db.session.scalars(
            select(ClinicTariff)
            .where(ClinicTariff.cooperative_id == coop.id, ClinicTariff.active.is_(True))
            .order_by(ClinicTariff.code)
        )
    )


# --- services ------------------------------------------------------------------------------


def _editable(coop: Cooperative, visit: Visit) -> Visit:
    visit = _locked_visit(coop, visit)
    if visit.status == "batal":
        raise DomainError("Kunjungan ini sudah dibatalkan.")
    if paid_bill(visit) is not None:
        raise DomainError("Tagihan kunjungan ini sudah dibayar; layanan tidak dapat diubah.")
    return visit


def add_service(coop: Cooperative, visit: Visit, user, tariff_id: object, qty: object = 1):
    visit = _editable(coop, visit)
    tariff = db.session.get(ClinicTariff, tariff_id) if type(tariff_id) is int else None
    if tariff is None or tariff.cooperative_id != coop.id or not tariff.active:
        raise ValidationError("Pilih layanan dari daftar tarif.", field="tariff")
    if type(qty) is not int or not 1 <= qty <= MAX_SERVICE_QTY:
        raise ValidationError(f"Jumlah layanan 1 sampai {MAX_SERVICE_QTY}.", field="qty")
    line = VisitService(cooperative_id=coop.id, visit_id=visit.id, tariff_id=tariff.id,
                        name=tariff.name, qty=qty, price=tariff.price,
                        amount=tariff.price * qty)  # fmt: skip
    db.session.add(line)
    db.session.flush()
    db.session.expire(visit, ["services"])
    record("clinic.service.add", user=user, cooperative=coop, target=visit.queue_label,
           detail={"tariff": tariff.code, "qty": qty, "amount": line.amount})  # fmt: skip
    return line


def remove_service(coop: Cooperative, visit: Visit, user, service_id: object) -> None:
    visit = _editable(coop, visit)
    line = db.session.get(VisitService, service_id) if type(service_id) is int else None
    if line is None or line.visit_id != visit.id:
        raise DomainError("Layanan tidak ditemukan pada kunjungan ini.")
    detail = {"service": line.name, "qty": line.qty, "amount": line.amount}
    db.session.delete(line)
    db.session.flush()
    db.session.expire(visit, ["services"])
    record("clinic.service.remove", user=user, cooperative=coop, target=visit.queue_label,
           detail=detail)  # fmt: skip


# --- consumables ---------------------------------------------------------------------------


def clinic_items(coop: Cooperative, unit: BusinessUnit) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.cooperative_id == coop.id, Item.unit_id == unit.id)
            .order_by(Item.name)
        )
    )


def use_consumable(coop: Cooperative, visit: Visit, user, item_id: object,
                   qty: object) -> VisitConsumable:  # fmt: skip
    """Issue ``qty`` base units of a clinic item for this visit and expense it at cost."""
    visit = _locked_visit(coop, visit)
    if visit.status not in ("diperiksa", "selesai"):
        raise DomainError("Bahan habis pakai dicatat saat pasien diperiksa.")
    item = db.session.get(Item, item_id) if type(item_id) is int else None
    if item is None or item.cooperative_id != coop.id or item.unit_id != visit.unit_id:
        raise ValidationError("Pilih barang dari persediaan klinik.", field="item")
    info = drug_info(coop.id, item.id)
    if info is not None and info.needs_prescription:
        # Obat keras and above leave only through a prescription served by the apoteker.
        raise ValidationError(
            f"{item.name} termasuk {info.class_label.lower()}: tulis resep ke apotek, "
            "bukan pemakaian bahan klinik.",
            field="item",
        )
    try:
        qty = qty if isinstance(qty, Decimal) else parse_qty(qty)
    except DomainError as err:
        raise ValidationError(err.message, field="qty") from None
    if qty <= 0:
        raise ValidationError("Jumlah harus lebih dari nol.", field="qty")
    unit = db.session.get(BusinessUnit, visit.unit_id)
    if unit.outlet is None:
        raise DomainError("Unit klinik belum terhubung ke gerai; atur di menu admin.")
    location = default_location(coop, unit.outlet, unit)
    day = coop.today()
    source = f"KLINIK {visit.business_date:%Y%m%d} {visit.queue_label}"
    chunks = issue(location, item, qty, day=day, source=source, kind="consume")
    cost = sum(c.cost for c in chunks)
    entry = None
    lines = inventory_ledger_lines([(item, cost)], debit_account=COGS_ACCOUNT)
    if lines:
        entry = post(coop, day, f"Pemakaian {item.name} — klinik {visit.queue_label}", lines,
                     source="stock", source_ref=source, unit=visit.unit_id, user=user)  # fmt: skip
    used = VisitConsumable(cooperative_id=coop.id, visit_id=visit.id, item_id=item.id, qty=qty,
                           cost=cost, entry_id=entry.id if entry else None)  # fmt: skip
    db.session.add(used)
    db.session.flush()
    record("clinic.consumable", user=user, cooperative=coop, target=visit.queue_label,
           detail={"item": item.sku, "qty": str(qty), "cost": cost})  # fmt: skip
    return used


# --- prescription --------------------------------------------------------------------------


def send_prescription(coop: Cooperative, visit: Visit, user, lines: list[dict],
                      note: str = "", prescriber_id: int | None = None):  # fmt: skip
    """Write the prescription into the pharmacy's queue (the one klinik -> apotek hand-off).

    ``prescriber_id`` picks the writer from the clinic's prescriber list: required as soon as
    one drug is obat keras or above (the pharmacy must see a licence), and a doctor for
    narkotika/psikotropika. Obat bebas alone may go out under the officer's name. ``note``
    is the clinic's note to the apoteker, kept apart from the prescriber's licence. The
    pharmacy checks stock and the counter rules when it dispenses."""
    from outlet_pos.units.apotek.models import PRESCRIPTION_CLASSES, REGISTER_CLASSES
    from outlet_pos.units.apotek.prescriptions import create_prescription

    visit = _locked_visit(coop, visit)
    if visit.status not in ("diperiksa", "selesai"):
        raise DomainError("Resep ditulis setelah pasien diperiksa.")
    if visit.prescription_id is not None:
        raise DomainError("Resep kunjungan ini sudah dikirim ke apotek.")
    clean = []
    for no, line in enumerate(lines, start=1):
        qty = line.get("qty")
        if not isinstance(qty, Decimal) or not qty.is_finite() or qty <= 0:
            raise ValidationError(f"Baris {no}: jumlah obat harus lebih dari nol.", field="lines")
        dosage = str(line.get("dosage") or "").strip()
        if not dosage:
            raise ValidationError(f"Baris {no}: aturan pakai wajib diisi.", field="lines")
        clean.append({"item_id": line.get("item_id"), "qty": qty, "dosage": dosage[:200]})
    if not clean:
        raise ValidationError("Resep harus berisi paling sedikit satu obat.", field="lines")
    classes = {}
    for line in clean:
        info = drug_info(coop.id, line["item_id"]) if type(line["item_id"]) is int else None
        if info is not None:
            classes[info.item.name] = info.drug_class
    writer = active_prescriber(coop, prescriber_id)
    if prescriber_id is not None and writer is None:
        raise ValidationError("Pilih penulis resep dari daftar klinik.", field="prescriber")
    strict = sorted(name for name, cls in classes.items() if cls in PRESCRIPTION_CLASSES)
    if strict and writer is None:
        raise ValidationError(
            f"{strict[0]} obat keras/golongan khusus: pilih penulis resep yang punya SIP/STR.",
            field="prescriber",
        )
    narcotic = sorted(name for name, cls in classes.items() if cls in REGISTER_CLASSES)
    if narcotic and not writer.is_doctor:
        raise ValidationError(
            f"{narcotic[0]} (narkotika/psikotropika) hanya boleh diresepkan dokter.",
            field="prescriber",
        )
    if writer is not None:
        name, licence = writer.name, f"{writer.profession_label}, SIP/STR {writer.license_no}"
    else:
        name, licence = getattr(user, "full_name", "") or "Petugas klinik", ""
    patient = visit.patient
    rx = create_prescription(
        coop, user, patient=patient, prescriber=name, written_on=visit.business_date,
        lines=clean, source="klinik", visit_id=visit.id, patient_name=patient.name,
        prescriber_note=licence, clinic_note=(note or "").strip()[:500],
    )  # fmt: skip
    visit.prescription_id = rx.id
    db.session.flush()
    record("clinic.prescription", user=user, cooperative=coop, target=visit.queue_label,
           detail={"prescription": rx.number, "prescriber": name})  # fmt: skip
    return rx
