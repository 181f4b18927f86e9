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
    ``item_id`` to edit an existing drug."""
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
    item = save_item(coop, unit=unit, item=item, user=user, **values)
    info = drug_info(coop.id, item.id)
    creating = info is None
    if creating:
        info = DrugInfo(cooperative_id=coop.id, item_id=item.id)
        db.session.add(info)
    elif (info.drug_class in REGISTER_CLASSES) != (drug["drug_class"] in REGISTER_CLASSES):
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
    for key, value in drug.items():
        setattr(info, key, value)
    db.session.flush()
    record(
        "drug.create" if creating else "drug.update",
        user=user,
        cooperative=coop,
        target=item.sku,
        detail={"class": drug["drug_class"], "het": drug["het_per_base"]},
    )
    return item


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
