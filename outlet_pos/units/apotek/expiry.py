"""Expiry alerts and the write-off of expired batches (DESIGN §3.8).

A pharmacy must not sell an expired batch (the inventory core refuses it) and should not be
surprised by one: the alert shows what is on the shelves by how soon it expires — already
expired, within 30, 60 or 90 days — with its value at cost, so the apoteker can return it to
the supplier, move it first, or write it off. The write-off goes through the inventory core's
``write_off`` (Dr 617100 selisih/rusak/kedaluwarsa / Cr persediaan, one entry), so a
psychotropic written off lands in the register by the same listener as any other move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.inventory.counting import write_off
from outlet_pos.core.inventory.models import Batch, BatchLevel, Item, Location, StockLevel
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.apotek.models import DRUG_CLASSES, DrugInfo

# Band key -> (label, the most days left it holds). "expired" is everything before today.
BANDS = {
    "expired": "Sudah kedaluwarsa",
    "30": "Kedaluwarsa ≤ 30 hari",
    "60": "Kedaluwarsa 31–60 hari",
    "90": "Kedaluwarsa 61–90 hari",
}
HORIZON = 90
MAX_REASON = 250  # the core allows 300 with our "Kedaluwarsa <date>: " in front


@dataclass(frozen=True)
class Row:
    """One batch on one shelf that expires within the horizon (or has expired)."""

    batch_id: int
    batch_code: str
    expiry: date
    days_left: int  # negative: expired that many days ago; 0: expires today (still sellable)
    item_id: int
    sku: str
    name: str
    base_uom: str
    drug_class: str  # "" when the item has no drug facts yet
    location_id: int
    location_name: str
    qty: Decimal
    value: int  # at the shelf's moving-average cost, integer rupiah

    @property
    def class_label(self) -> str:
        return DRUG_CLASSES.get(self.drug_class, "—")

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def band_of(days_left: int) -> str | None:
    """Which band ``days_left`` falls in; expiring today is still sellable (the core refuses
    only a batch whose expiry is before the sale's date)."""
    if days_left < 0:
        return "expired"
    for key in ("30", "60", "90"):
        if days_left <= int(key):
            return key
    return None


def expiry_rows(coop: Cooperative, today: date, *, horizon: int = HORIZON) -> list[Row]:
    """Pharmacy batches on hand expiring on or before ``today + horizon``, soonest first."""
    stmt = (
        select(
            BatchLevel.on_hand,
            Batch.id,
            Batch.code,
            Batch.expiry,
            Item.id,
            Item.sku,
            Item.name,
            Item.base_uom,
            DrugInfo.drug_class,
            Location.id,
            Location.name,
            StockLevel.on_hand,
            StockLevel.value,
        )
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .join(Item, Item.id == BatchLevel.item_id)
        .join(BusinessUnit, BusinessUnit.id == Item.unit_id)
        .join(Location, Location.id == BatchLevel.location_id)
        .join(
            StockLevel,
            (StockLevel.item_id == BatchLevel.item_id)
            & (StockLevel.location_id == BatchLevel.location_id),
        )
        .outerjoin(DrugInfo, (DrugInfo.item_id == Item.id) & (DrugInfo.cooperative_id == coop.id))
        .where(
            BatchLevel.cooperative_id == coop.id,
            BusinessUnit.kind == "apotek",
            BatchLevel.on_hand > 0,
            Batch.expiry.is_not(None),
            Batch.expiry <= today + timedelta(days=horizon),
        )
        .order_by(Batch.expiry, Item.name, Batch.code, Location.id)
    )
    out = []
    for (
        qty,
        b_id,
        code,
        exp,
        i_id,
        sku,
        name,
        uom,
        cls,
        l_id,
        l_name,
        lv_qty,
        lv_val,
    ) in db.session.execute(stmt).all():
        if lv_qty <= 0:
            value = 0
        elif qty >= lv_qty:
            value = lv_val
        else:
            value = round_half_up(Fraction(lv_val) * Fraction(qty) / Fraction(lv_qty))
        out.append(
            Row(b_id, code, exp, (exp - today).days, i_id, sku, name, uom, cls or "", l_id,
                l_name, qty, value)
        )  # fmt: skip
    return out


def expiry_bands(coop: Cooperative, today: date) -> dict[str, list[Row]]:
    """{"expired": [...], "30": [...], "60": [...], "90": [...]} (every key present)."""
    bands: dict[str, list[Row]] = {key: [] for key in BANDS}
    for row in expiry_rows(coop, today):
        key = band_of(row.days_left)
        if key is not None:
            bands[key].append(row)
    return bands


def write_off_expired(
    coop: Cooperative, user, batch_id: int, location_id: int, reason: str
) -> JournalEntry:
    """Write off everything left of an expired batch on one shelf, with the reason.

    The pharmacy's managers (pharmacy.manage: pengurus and the apoteker) may do this; the
    inventory core's own write-off asks for stock.manage, which the apoteker does not hold,
    so it is called without a user after this check, and the audit row here names who did it.
    """
    if user is None or not user.can("pharmacy.manage", coop):
        raise PermissionDenied("Anda tidak berhak menghapus obat kedaluwarsa.")
    batch = db.session.get(Batch, batch_id) if isinstance(batch_id, int) else None
    if batch is None or batch.cooperative_id != coop.id:
        raise NotFound("Batch tidak ditemukan.")
    location = db.session.get(Location, location_id) if isinstance(location_id, int) else None
    if location is None or location.cooperative_id != coop.id:
        raise NotFound("Lokasi tidak ditemukan.")
    item = db.session.get(Item, batch.item_id)
    unit = db.session.get(BusinessUnit, item.unit_id)
    if unit is None or unit.kind != "apotek":
        raise NotFound("Batch tidak ditemukan.")
    today = coop.today()
    if batch.expiry is None or batch.expiry >= today:
        raise DomainError(
            f"Batch {batch.code} belum kedaluwarsa; hanya batch kedaluwarsa yang dihapus di sini."
        )
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError("Alasan penghapusan wajib diisi.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Alasan maksimal {MAX_REASON} karakter.", field="reason")
    qty = db.session.scalar(
        select(BatchLevel.on_hand).where(
            BatchLevel.batch_id == batch.id, BatchLevel.location_id == location.id
        )
    )
    if not qty or qty <= 0:
        raise DomainError(f"Batch {batch.code} sudah tidak ada di {location.name}.")
    entry = write_off(
        coop,
        location,
        item,
        qty,
        f"Kedaluwarsa {batch.expiry:%d/%m/%Y}: {reason}",
        user,
        batch_id=batch.id,
        permission="pharmacy.manage",
    )
    record(
        "pharmacy.write_off_expired",
        user=user,
        cooperative=coop,
        target=item.sku,
        detail={
            "batch": batch.code,
            "expiry": batch.expiry.isoformat(),
            "qty": fmt_qty(qty),
            "location": location.code,
            "reason": reason,
            "entry": entry.number,
        },
    )
    return entry
