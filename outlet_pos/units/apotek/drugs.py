"""The drug master: an item of the pharmacy unit plus its ``DrugInfo``.

A drug is always batch-tracked (batches carry the expiry date the law and FEFO need), so
``save_drug`` forces ``track_batch``. The HET printed on the pack is a ceiling: a drug whose
own price list is above it is refused here already, not only at the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.errors import NotFound, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Batch, BatchLevel, Item, StockLevel, StockMove
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DOSAGE_FORMS, DRUG_CLASSES, REGISTER_CLASSES, DrugInfo

LIST_LIMIT = 500


def pharmacy_unit(coop: Cooperative) -> BusinessUnit | None:
    """The cooperative's pharmacy unit (the one coded ``apotek`` first), or None."""
    return db.session.scalar(
        select(BusinessUnit)
        .where(
            BusinessUnit.cooperative_id == coop.id,
            BusinessUnit.kind == "apotek",
            BusinessUnit.active.is_(True),
        )
        .order_by((BusinessUnit.code != "apotek"), BusinessUnit.id)
    )


def drug_info(coop_id: int, item_id: int) -> DrugInfo | None:
    return db.session.scalar(
        select(DrugInfo).where(DrugInfo.cooperative_id == coop_id, DrugInfo.item_id == item_id)
    )


def _drug_values(raw: dict) -> dict:
    cls = raw.get("drug_class") or ""
    if cls not in DRUG_CLASSES:
        raise ValidationError("Pilih golongan obat.", field="drug_class")
    form = raw.get("dosage_form") or "tablet"
    if form not in DOSAGE_FORMS:
        raise ValidationError("Bentuk sediaan tidak dikenal.", field="dosage_form")
    het = raw.get("het_per_base")
    if het is not None and (type(het) is not int or het <= 0 or het > 10**12):
        raise ValidationError("HET harus rupiah bulat lebih dari nol.", field="het_per_base")
    limit = raw.get("max_per_sale")
    if limit is not None and (not isinstance(limit, Decimal) or limit <= 0):
        raise ValidationError("Batas per penjualan harus lebih dari nol.", field="max_per_sale")
    if cls == "oot" and limit is None:
        raise ValidationError(
            "Obat-obat tertentu wajib punya batas per penjualan.", field="max_per_sale"
        )
    return {
        "drug_class": cls,
        "dosage_form": form,
        "active_ingredient": (raw.get("active_ingredient") or "").strip()[:200],
        "strength": (raw.get("strength") or "").strip()[:60],
        "het_per_base": het,
        "max_per_sale": limit,
    }


def _check_het(units: list[UnitSpec], het: int | None) -> None:
    if het is None:
        return
    for spec in units:
        for price in (spec.price_member, spec.price_general):
            if Decimal(price) > het * spec.factor:
                raise ValidationError(
                    f"Harga per {spec.name} melebihi HET ({het:,} per satuan dasar × "
                    f"{spec.factor.normalize():f}).".replace(",", "."),
                    field="het_per_base",
                )


def save_drug(coop: Cooperative, user: User | None, item_values: dict, drug_values: dict) -> Item:
    """Create or update a drug: the item (always batch-tracked, in the pharmacy unit) and its
    drug facts, in the caller's transaction. ``item_values`` takes ``save_item``'s keywords
    (``sku``, ``name``, ``base_uom``, ``units`` as ``UnitSpec``s, ...) and optionally
    ``item_id`` to edit an existing drug.

    Changing the class of an existing drug decides what the counter may sell without a
    prescription, so only an apoteker may do it, with a reason (``drug_values["class_reason"]``)
    that the audit row keeps beside the old and the new class."""
    values = dict(item_values)
    unit = pharmacy_unit(coop)
    if unit is None:
        raise ValidationError("Koperasi belum punya unit apotek aktif.", field="unit")
    item = None
    item_id = values.pop("item_id", None)
    if item_id is not None:
        item = db.session.get(Item, item_id)
        if item is None or item.cooperative_id != coop.id:
            raise NotFound("Obat tidak ditemukan.")
        if drug_info(coop.id, item.id) is None:
            raise NotFound("Obat tidak ditemukan.")
        unit = db.session.get(BusinessUnit, item.unit_id)
    drug = _drug_values(drug_values)
    units = values.get("units") or []
    _check_het(units, drug["het_per_base"])
    values["track_batch"] = True
    values.setdefault("decimals", 0)
    info = drug_info(coop.id, item.id) if item is not None else None
    old_class = info.drug_class if info is not None else None
    reason = ""
    if info is not None and old_class != drug["drug_class"]:
        reason = _class_change(coop, user, item, old_class, drug["drug_class"], drug_values)
    if info is not None:
        # The drug facts first: the catalog's guard (``guard_item``) checks the prices
        # against the HET this same edit sets.
        for key, value in drug.items():
            setattr(info, key, value)
        db.session.flush()
    item = save_item(coop, unit=unit, item=item, user=user, **values)
    creating = info is None
    if creating:
        info = DrugInfo(cooperative_id=coop.id, item_id=item.id, **drug)
        db.session.add(info)
    db.session.flush()
    detail = {"class": drug["drug_class"], "het": drug["het_per_base"]}
    if reason:
        detail |= {"class_old": old_class, "class_new": drug["drug_class"], "reason": reason}
    record(
        "drug.create" if creating else "drug.update",
        user=user,
        cooperative=coop,
        target=item.sku,
        detail=detail,
    )
    return item


def _class_change(
    coop: Cooperative, user: User | None, item: Item, old: str, new: str, raw: dict
) -> str:
    """Refuse a class change unless an apoteker makes it with a reason; returns the reason."""
    if user is None or not user.can("pharmacy.dispense", coop):
        raise ValidationError("Golongan obat hanya dapat diubah oleh apoteker.", field="drug_class")
    reason = (raw.get("class_reason") or "").strip()[:300]
    if len(reason) < 5:
        raise ValidationError(
            f"Tuliskan alasan perubahan golongan ({DRUG_CLASSES[old]} → {DRUG_CLASSES[new]}).",
            field="class_reason",
        )
    if (old in REGISTER_CLASSES) != (new in REGISTER_CLASSES):
        # The register holds every move of a psikotropika/narkotika since its first one:
        # moving a drug in or out of those classes afterwards would leave moves unregistered.
        has_moves = db.session.scalar(
            select(func.count()).select_from(StockMove).where(StockMove.item_id == item.id)
        )
        if has_moves:
            raise ValidationError(
                "Golongan obat yang sudah punya mutasi stok tidak dapat dipindah ke atau dari "
                "psikotropika/narkotika: buat obat baru dengan golongan yang benar.",
                field="drug_class",
            )
    return reason


def guard_item(
    coop: Cooperative, item: Item, *, unit: BusinessUnit, track_batch: bool, units: list
) -> None:
    """The catalog's guard (``catalog.add_item_guard``): a drug edited through the grocery
    catalog page or the CSV import stays a drug — in an apotek unit (whose checkout rules
    ask for the prescription, the apoteker and the HET), batch-tracked (expiry, FEFO, the
    register) and priced under its HET."""
    info = drug_info(coop.id, item.id)
    if info is None:
        return
    if unit.kind != "apotek":
        raise ValidationError(
            f"{item.name} adalah obat ({info.class_label.lower()}): harus tetap di unit apotek.",
            field="unit",
        )
    if not track_batch:
        raise ValidationError(
            f"{item.name} adalah obat: pelacakan batch (kedaluwarsa) tidak dapat dimatikan.",
            field="track_batch",
        )
    _check_het(units, info.het_per_base)


def check_drug_items(coop: Cooperative):
    """verify: every drug is a batch-tracked item of an apotek unit (else the counter would
    sell it without the drug-class rules, and its stock without batches)."""
    rows = db.session.execute(
        select(Item.sku, Item.track_batch, BusinessUnit.kind)
        .join(DrugInfo, DrugInfo.item_id == Item.id)
        .join(BusinessUnit, BusinessUnit.id == Item.unit_id)
        .where(DrugInfo.cooperative_id == coop.id)
        .order_by(Item.sku)
    ).all()
    for sku, tracked, kind in rows:
        if kind != "apotek":
            yield f"obat {sku} berada di unit {kind}, bukan apotek"
        if not tracked:
            yield f"obat {sku} tidak dilacak per batch"


@dataclass
class DrugRow:
    item: Item
    info: DrugInfo
    on_hand: Decimal


def drug_rows(coop: Cooperative, q: str = "", drug_class: str = "") -> list[DrugRow]:
    """The drug master as the list page shows it, with stock on hand over all locations."""
    stmt = (
        select(Item, DrugInfo)
        .join(DrugInfo, DrugInfo.item_id == Item.id)
        .where(Item.cooperative_id == coop.id, DrugInfo.cooperative_id == coop.id)
    )
    q = (q or "").strip()[:60]
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(Item.name.ilike(like), Item.sku.ilike(like), DrugInfo.active_ingredient.ilike(like))
        )
    if drug_class in DRUG_CLASSES:
        stmt = stmt.where(DrugInfo.drug_class == drug_class)
    rows = db.session.execute(stmt.order_by(Item.name, Item.id).limit(LIST_LIMIT)).all()
    stock = on_hand_of(coop, [item.id for item, _ in rows])
    return [DrugRow(item, info, stock.get(item.id, Decimal(0))) for item, info in rows]


def on_hand_of(coop: Cooperative, item_ids: list[int]) -> dict[int, Decimal]:
    if not item_ids:
        return {}
    return dict(
        db.session.execute(
            select(StockLevel.item_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.cooperative_id == coop.id, StockLevel.item_id.in_(item_ids))
            .group_by(StockLevel.item_id)
        ).all()
    )


def fefo_batches(coop: Cooperative, item_ids: list[int], day: date) -> dict[int, Batch]:
    """item id -> the batch first-expiry-first-out would take next (unexpired, in stock)."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(BatchLevel.item_id, Batch)
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .where(
            BatchLevel.cooperative_id == coop.id,
            BatchLevel.item_id.in_(item_ids),
            BatchLevel.on_hand > 0,
            or_(Batch.expiry.is_(None), Batch.expiry >= day),
        )
        .order_by(BatchLevel.item_id, Batch.expiry.is_(None), Batch.expiry, Batch.id)
    ).all()
    out: dict[int, Batch] = {}
    for item_id, batch in rows:
        out.setdefault(item_id, batch)
    return out
