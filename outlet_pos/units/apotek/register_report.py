"""The monthly narcotics/psychotropics report (laporan bulanan register), as data and as the
CSV the Dinas Kesehatan asks for (one row per movement).

Per drug: the opening balance (every register row before the month), the month's movements
with the patient and prescriber of each dispensing, the closing balance, and a reconciliation
of that closing against the stock itself — the stock moves up to the month's end, and for the
running month what is on the shelves now. A difference is flagged, never smoothed over.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.inventory.io import safe_cell
from outlet_pos.core.inventory.models import MOVE_KINDS, Batch, Item, StockLevel, StockMove
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DRUG_CLASSES, REGISTER_CLASSES, DrugInfo
from outlet_pos.units.apotek.register_models import RegisterEntry

ZERO = Decimal(0)
CSV_HEADER = [
    "tanggal", "nama_obat", "kekuatan", "batch", "ed", "masuk", "keluar", "sisa",
    "sumber_tujuan", "no_resep", "nama_pasien", "dokter",
]  # fmt: skip


@dataclass
class Movement:
    day: date
    kind: str
    batch: str
    expiry: date | None
    qty_in: Decimal
    qty_out: Decimal
    balance: Decimal  # running, in date order from the opening balance
    source: str
    prescription: str
    patient: str
    prescriber: str

    @property
    def kind_label(self) -> str:
        return MOVE_KINDS.get(self.kind, self.kind)

    @property
    def where(self) -> str:
        """Sumber/tujuan: the kind and the document number the move came from."""
        ref = self.source.split(":", 1)[1] if ":" in self.source else self.source
        return f"{self.kind_label} {ref}".strip()


@dataclass
class DrugMonth:
    item_id: int
    name: str
    sku: str
    base_uom: str
    drug_class: str
    strength: str
    opening: Decimal = ZERO
    qty_in: Decimal = ZERO
    qty_out: Decimal = ZERO
    stock: Decimal = ZERO  # the stock per the stock moves at the month's end
    on_hand: Decimal | None = None  # on the shelves now (only for the running month)
    movements: list[Movement] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.qty_in - self.qty_out

    @property
    def class_label(self) -> str:
        return DRUG_CLASSES.get(self.drug_class, self.drug_class)

    @property
    def reconciled(self) -> bool:
        return self.closing == self.stock and (self.on_hand is None or self.on_hand == self.stock)


@dataclass
class RegisterMonth:
    year: int
    month: int
    drugs: list[DrugMonth]

    @property
    def label(self) -> str:
        return f"{MONTHS_ID[self.month - 1]} {self.year}"

    @property
    def reconciled(self) -> bool:
        return all(d.reconciled for d in self.drugs)


def _prescription_numbers(ids: set[int]) -> dict[int, str]:
    """Prescription numbers by id, if the prescription tables are there (they belong to the
    dispensing part of this unit); the register keeps its own copy of patient and prescriber."""
    from outlet_pos.units.apotek import prescription_models

    model = getattr(prescription_models, "Prescription", None)
    if not ids or model is None or not hasattr(model, "number"):
        return {}
    return dict(db.session.execute(select(model.id, model.number).where(model.id.in_(ids))).all())


def _sale_customers(numbers: set[str], coop: Cooperative) -> dict[str, str]:
    """The name typed at the counter, for dispensings whose register row names no patient."""
    if not numbers:
        return {}
    return dict(
        db.session.execute(
            select(Sale.number, Sale.customer_name).where(
                Sale.cooperative_id == coop.id, Sale.number.in_(sorted(numbers))
            )
        ).all()
    )


def register_month(coop: Cooperative, year: int, month: int, today: date) -> RegisterMonth:
    """The register report of one month for every psikotropika/narkotika drug (with or
    without movements: a drug held in stock is reported every month)."""
    first = date(year, month, 1)
    last = date(year, month, monthrange(year, month)[1])
    drugs: dict[int, DrugMonth] = {}
    for item_id, name, sku, uom, cls, strength in db.session.execute(
        select(Item.id, Item.name, Item.sku, Item.base_uom, DrugInfo.drug_class, DrugInfo.strength)
        .join(DrugInfo, DrugInfo.item_id == Item.id)
        .where(DrugInfo.cooperative_id == coop.id, DrugInfo.drug_class.in_(REGISTER_CLASSES))
        .order_by(Item.name, Item.id)
    ).all():
        drugs[item_id] = DrugMonth(item_id, name, sku, uom, cls, strength)
    if not drugs:
        return RegisterMonth(year, month, [])
    ids = sorted(drugs)
    for item_id, total in db.session.execute(
        select(RegisterEntry.item_id, func.sum(RegisterEntry.qty))
        .where(
            RegisterEntry.cooperative_id == coop.id,
            RegisterEntry.item_id.in_(ids),
            RegisterEntry.date < first,
        )
        .group_by(RegisterEntry.item_id)
    ).all():
        drugs[item_id].opening = total or ZERO
    for item_id, total in db.session.execute(
        select(StockMove.item_id, func.sum(StockMove.qty))
        .where(
            StockMove.cooperative_id == coop.id,
            StockMove.item_id.in_(ids),
            StockMove.date <= last,
        )
        .group_by(StockMove.item_id)
    ).all():
        drugs[item_id].stock = total or ZERO
    if first <= today <= last:
        levels = dict(
            db.session.execute(
                select(StockLevel.item_id, func.sum(StockLevel.on_hand))
                .where(StockLevel.cooperative_id == coop.id, StockLevel.item_id.in_(ids))
                .group_by(StockLevel.item_id)
            ).all()
        )
        for item_id, drug in drugs.items():
            drug.on_hand = levels.get(item_id) or ZERO
    rows = db.session.execute(
        select(RegisterEntry, Batch.code, Batch.expiry)
        .outerjoin(Batch, Batch.id == RegisterEntry.batch_id)
        .where(
            RegisterEntry.cooperative_id == coop.id,
            RegisterEntry.item_id.in_(ids),
            RegisterEntry.date >= first,
            RegisterEntry.date <= last,
        )
        .order_by(RegisterEntry.item_id, RegisterEntry.date, RegisterEntry.id)
    ).all()
    numbers = _prescription_numbers({e.prescription_id for e, _c, _x in rows if e.prescription_id})
    sales = {
        e.source.split(":", 1)[1]
        for e, _c, _x in rows
        if not e.patient_name and e.source.startswith(("sale:", "refund:"))
    }
    customers = _sale_customers(sales, coop)
    balance: dict[int, Decimal] = {i: d.opening for i, d in drugs.items()}
    for entry, code, expiry in rows:
        drug = drugs[entry.item_id]
        balance[entry.item_id] += entry.qty
        if entry.qty > 0:
            drug.qty_in += entry.qty
        else:
            drug.qty_out -= entry.qty
        ref = entry.source.split(":", 1)[1] if ":" in entry.source else ""
        drug.movements.append(
            Movement(
                day=entry.date,
                kind=entry.kind,
                batch=code or "",
                expiry=expiry,
                qty_in=entry.qty if entry.qty > 0 else ZERO,
                qty_out=-entry.qty if entry.qty < 0 else ZERO,
                balance=balance[entry.item_id],
                source=entry.source,
                prescription=numbers.get(entry.prescription_id, "")
                if entry.prescription_id
                else "",
                patient=entry.patient_name or customers.get(ref, ""),
                prescriber=entry.prescriber,
            )
        )
    return RegisterMonth(year, month, list(drugs.values()))


def _qty(value: Decimal) -> str:
    """Plain decimal text for a machine (no thousands separator, point as decimal mark)."""
    text = f"{value.normalize():f}" if value else "0"
    return text


def register_csv(report: RegisterMonth) -> bytes:
    """One row per movement, in the order of the register; UTF-8 with BOM so a spreadsheet
    opens it with the right characters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for drug in report.drugs:
        for m in drug.movements:
            # Names, batch codes and sources are typed by people: a leading = + - @
            # would run as a formula in the spreadsheet the inspector opens (safe_cell).
            writer.writerow(
                [
                    m.day.isoformat(),
                    safe_cell(drug.name),
                    safe_cell(drug.strength),
                    safe_cell(m.batch),
                    m.expiry.isoformat() if m.expiry else "",
                    _qty(m.qty_in) if m.qty_in else "",
                    _qty(m.qty_out) if m.qty_out else "",
                    _qty(m.balance),
                    safe_cell(m.where),
                    safe_cell(m.prescription),
                    safe_cell(m.patient),
                    safe_cell(m.prescriber),
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
