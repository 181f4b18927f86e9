"""Pharmacy reports: drug sales by legal class for a month (quantity, revenue, cost, margin)
and the near-expiry list with its value at cost.

Sales come from the sale lines of items of the pharmacy's units, refunds subtracted (a refund
is its own document in the sale table, its lines positive), revenue net of PPN. A drug without
drug facts yet is reported under "Belum digolongkan" rather than dropped, so the totals agree
with the unit's revenue in the ledger.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales.models import Sale, SaleLine
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.expiry import BANDS, band_of, expiry_rows
from outlet_pos.units.apotek.models import DRUG_CLASSES, DrugInfo

UNCLASSED = "Belum digolongkan"


@dataclass
class ClassSales:
    drug_class: str
    qty: Decimal  # base units (tablet, ml...) of every drug of the class, net of refunds
    revenue: int  # net of PPN
    cost: int
    lines: int  # sale lines (refund lines counted too)

    @property
    def label(self) -> str:
        return DRUG_CLASSES.get(self.drug_class, UNCLASSED)

    @property
    def margin(self) -> int:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        """Margin over revenue, one decimal place (Decimal: shown, never computed on)."""
        if not self.revenue:
            return None
        return (Decimal(self.margin * 100) / Decimal(self.revenue)).quantize(Decimal("0.1"))


def sales_by_class(coop: Cooperative, year: int, month: int) -> list[ClassSales]:
    """One row per drug class sold in the month, in the order of strictness."""
    first = date(year, month, 1)
    last = date(year, month, monthrange(year, month)[1])
    sign = case((Sale.kind == "refund", -1), else_=1)
    rows = db.session.execute(
        select(
            DrugInfo.drug_class,
            func.sum(sign * SaleLine.base_qty),
            func.sum(sign * (SaleLine.total - SaleLine.tax_amount)),
            func.sum(sign * SaleLine.cost),
            func.count(SaleLine.id),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Item, Item.id == SaleLine.item_id)
        .join(BusinessUnit, BusinessUnit.id == SaleLine.business_unit_id)
        .outerjoin(DrugInfo, (DrugInfo.item_id == Item.id) & (DrugInfo.cooperative_id == coop.id))
        .where(
            SaleLine.cooperative_id == coop.id,
            BusinessUnit.kind == "apotek",
            Sale.date >= first,
            Sale.date <= last,
        )
        .group_by(DrugInfo.drug_class)
    ).all()
    order = list(DRUG_CLASSES)
    out = [
        ClassSales(cls or "", qty or Decimal(0), int(rev or 0), int(cost or 0), int(n))
        for cls, qty, rev, cost, n in rows
    ]
    return sorted(out, key=lambda r: order.index(r.drug_class) if r.drug_class in order else 99)


def sales_table(rows: list[ClassSales]) -> Table:
    columns = [
        Column("Golongan obat", 0.28), Column("Jumlah (satuan dasar)", 0.16, "right"),
        Column("Penjualan bersih", 0.16, "right"), Column("HPP", 0.14, "right"),
        Column("Margin", 0.14, "right"), Column("Margin %", 0.12, "right"),
    ]  # fmt: skip
    body = [
        [r.label, r.qty, r.revenue, r.cost, r.margin,
         f"{r.margin_pct}".replace(".", ",") if r.margin_pct is not None else ""]
        for r in rows
    ]  # fmt: skip
    revenue = sum(r.revenue for r in rows)
    cost = sum(r.cost for r in rows)
    # No quantity total: tablets and millilitres do not add up across classes.
    totals = ["Jumlah", "", revenue, cost, revenue - cost, ""]
    notes = [
        "Penjualan bersih = nilai struk dikurangi PPN dan retur; HPP pada biaya rata-rata.",
        "Jumlah dalam satuan dasar masing-masing obat (tablet, ml, ...), dijumlah per golongan.",
    ]
    return Table(columns, body, totals if rows else None, notes)


def expiry_table(coop: Cooperative, today: date) -> Table:
    """Every pharmacy batch on hand expiring within 90 days (or expired), soonest first."""
    columns = [
        Column("Kelompok", 0.15), Column("Obat", 0.22), Column("Golongan", 0.11),
        Column("Batch", 0.1), Column("ED", 0.1), Column("Sisa hari", 0.08, "right"),
        Column("Jumlah", 0.1, "right"), Column("Nilai (HPP)", 0.14, "right"),
    ]  # fmt: skip
    rows = []
    total = 0
    for r in expiry_rows(coop, today):
        band = band_of(r.days_left)
        if band is None:
            continue
        rows.append([BANDS[band], r.name, r.class_label, r.batch_code, r.expiry, str(r.days_left),
                     f"{fmt_qty(r.qty)} {r.base_uom}", r.value])  # fmt: skip
        total += r.value
    totals = ["Jumlah", "", "", "", "", "", "", total] if rows else None
    notes = ["Nilai pada biaya rata-rata persediaan di rak tersebut."]
    return Table(columns, rows, totals, notes, landscape=True)
