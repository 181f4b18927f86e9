"""The demo's counter: a sembako catalog, suppliers, purchases, and months of sales, refunds
and shifts by several cashiers — all through the same services the pages use, so the demo's
books, stock and shifts pass ``outlet-pos verify`` like real ones must."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item, StockLevel
from outlet_pos.core.ledger import balances, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db

SUPPLIERS = [
    ("DIST-01", "CV Sumber Pangan Kutai", "0812-5500-1122", 14),
    ("DIST-02", "PT Mitra Niaga Kaltim", "0541-661234", 30),
    ("DIST-03", "UD Tani Makmur Tenggarong", "0813-4700-8899", 7),
]


@dataclass
class CatalogRow:
    sku: str
    name: str
    category: str
    base_uom: str
    decimals: int
    taxable: bool
    track_batch: bool
    cost: int
    price_member: int
    price_general: int
    barcode: str
    extra: str


def load_catalog() -> list[CatalogRow]:
    text = resources.files("outlet_pos.data").joinpath("demo_sembako.csv").read_text()
    rows = []
    for r in csv.DictReader(text.splitlines()):
        rows.append(
            CatalogRow(
                r["sku"],
                r["name"],
                r["category"],
                r["base_uom"],
                int(r["decimals"]),
                r["taxable"] == "1",
                r["track_batch"] == "1",
                int(r["cost"]),
                int(r["price_member"]),
                int(r["price_general"]),
                r["barcode"],
                r["extra"],
            )
        )
    return rows


def build_catalog(coop: Cooperative, unit: BusinessUnit, user) -> dict[str, tuple[Item, int]]:
    """Items from the shipped demo catalog; returns {sku: (item, unit cost)}."""
    out = {}
    for row in load_catalog():
        units = [
            UnitSpec(
                row.base_uom,
                Decimal(1),
                row.price_member,
                row.price_general,
                [row.barcode] if row.barcode else [],
            )
        ]
        for spec in filter(None, row.extra.split(";")):
            name, factor, pm, pg = spec.split(":")[:4]
            units.append(UnitSpec(name, Decimal(factor), int(pm), int(pg)))
        reorder = Decimal(10) if row.decimals == 0 else Decimal(25)
        item = save_item(
            coop,
            unit=unit,
            sku=row.sku,
            name=row.name,
            base_uom=row.base_uom,
            units=units,
            category=row.category,
            decimals=row.decimals,
            taxable=row.taxable,
            track_batch=row.track_batch,
            reorder_point=reorder,
            user=user,
        )
        out[row.sku] = (item, row.cost)
    return out


def _restock(coop, outlet, suppliers, catalog, rng, day, user, *, opening=False):
    """Buy what runs low (everything, at the opening) from the suppliers, on credit."""
    from outlet_pos.core.purchasing.services import ReceiptLineIn, receive_goods

    levels = dict(
        db.session.execute(
            select(StockLevel.item_id, StockLevel.on_hand).where(
                StockLevel.cooperative_id == coop.id
            )
        ).all()
    )
    per_supplier: dict[int, list] = {}
    for i, (sku, (item, cost)) in enumerate(sorted(catalog.items())):
        have = levels.get(item.id, Decimal(0))
        if not opening and have > item.reorder_point:
            continue
        qty = Decimal(rng.randint(12, 30) if item.decimals == 0 else rng.randint(40, 80))
        line = ReceiptLineIn(
            item_id=item.id,
            item_unit_id=item.base.id,
            qty=qty,
            total_cost=int(cost * qty),
            batch_code=f"{sku[:6]}-{day:%y%m%d}" if item.track_batch else "",
            expiry=day + timedelta(days=rng.randint(120, 360)) if item.track_batch else None,
        )
        per_supplier.setdefault(suppliers[i % len(suppliers)].id, []).append(line)
    from outlet_pos.core.purchasing.models import Supplier

    receipts = []
    for supplier_id, lines in per_supplier.items():
        for part in range(0, len(lines), 40):  # one delivery note holds at most 40 lines
            receipts.append(
                receive_goods(
                    coop,
                    db.session.get(Supplier, supplier_id),
                    outlet,
                    lines[part : part + 40],
                    user=user,
                    day=day,
                    supplier_ref=f"SJ-{day:%m%d}-{supplier_id}-{part // 40 + 1}",
                )
            )
    return receipts


def build_counter(coop: Cooperative, start: date, end: date, rng: random.Random) -> dict:
    """Catalog, suppliers and purchases at ``start``; sales every day up to ``end``."""
    from outlet_pos.core.purchasing.models import SupplierBill
    from outlet_pos.core.purchasing.services import pay_bill, save_supplier

    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    pengurus = db.session.scalar(select(User).where(User.username == "pengurus"))
    cashiers = [
        db.session.scalar(select(User).where(User.username == u)) for u in ("kasir", "kasir2")
    ]
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
        )
    )
    catalog = build_catalog(coop, unit, bendahara)
    suppliers = [
        save_supplier(coop, code, name, "", phone, "Kutai Kartanegara", terms, bendahara)
        for code, name, phone, terms in SUPPLIERS
    ]
    _restock(coop, outlet, suppliers, catalog, rng, start, bendahara, opening=True)
    members = db.session.scalars(select(Member).where(Member.cooperative_id == coop.id)).all()
    for m in members[:8]:
        m.credit_limit = 500_000
    items = [item for item, _cost in catalog.values()]
    popular = items[:40]
    stats = {"sales": 0, "refunds": 0, "shifts": 0}
    day = start
    while day <= end:
        if day.weekday() == 0 and day != start:
            _restock(coop, outlet, suppliers, catalog, rng, day, bendahara)
        if day.weekday() == 0:
            _bank_the_week(coop, bendahara, day)
        if day.day in (10, 25):
            bills = db.session.scalars(
                select(SupplierBill).where(
                    SupplierBill.cooperative_id == coop.id,
                    SupplierBill.status == "open",
                    SupplierBill.due_date <= day + timedelta(days=7),
                )
            ).all()
            for bill in bills:
                due = bill.amount - bill.paid_amount
                if balances(coop, as_of=day).get("112100", 0) >= due:
                    pay_bill(
                        bill, due, "112100", user=bendahara, day=day, reference=f"TRF-{bill.number}"
                    )
        for cashier in cashiers:
            _one_shift(coop, outlet, cashier, pengurus, members, items, popular, rng, day, stats)
        day += timedelta(days=1)
    return stats


def _bank_the_week(coop: Cooperative, user, day: date) -> None:
    """The treasurer banks the week's cash takings (keeping Rp3.000.000 in the safe), and the
    QRIS/transfer clearing settles into the bank account."""
    bal = balances(coop, as_of=day)
    cash = bal.get("111100", 0)
    if cash > 5_000_000:
        amount = cash - 3_000_000
        post(
            coop,
            day,
            "Setor hasil penjualan ke bank",
            [("112100", amount, 0), ("111100", 0, amount)],
            source="manual",
            user=user,
        )
    clearing = bal.get("112900", 0)
    if clearing > 0:
        post(
            coop,
            day,
            "Pelunasan QRIS/transfer masuk rekening",
            [("112100", clearing, 0), ("112900", 0, clearing)],
            source="manual",
            user=user,
        )


def _one_shift(coop, outlet, cashier, approver, members, items, popular, rng, day, stats):
    shift = open_shift(coop, cashier, outlet, 200_000, day=day)
    # Past days get past clock times (UTC, like everything stored): morning to afternoon.
    clock = datetime.combine(day, time(7, rng.randint(0, 30)), tzinfo=coop.zone)
    clock = clock.astimezone(UTC).replace(tzinfo=None)
    shift.opened_at = clock
    stats["shifts"] += 1
    sales = []
    for _ in range(rng.randint(6, 12)):
        member = rng.choice(members) if members and rng.random() < 0.45 else None
        lines = []
        for item in rng.sample(popular if rng.random() < 0.7 else items, rng.randint(1, 4)):
            level = db.session.scalar(
                select(StockLevel.on_hand).where(StockLevel.item_id == item.id)
            ) or Decimal(0)
            qty = (
                Decimal(rng.randint(1, 3))
                if item.decimals == 0
                else Decimal(rng.choice(["0.5", "1", "1.5", "2"]))
            )
            if level >= qty:
                lines.append(CartLine(item.id, qty=qty))
        if not lines:
            continue
        total = sum(_price(db.session.get(Item, c.item_id), member) * c.qty for c in lines)
        total = int(total)
        roll = rng.random()
        if member is not None and member.credit_limit and roll < 0.1:
            from outlet_pos.core.sales.checkout import member_credit_balance

            if member_credit_balance(coop, member) + total <= member.credit_limit:
                payments = [PaymentIn("kredit", total)]
            else:
                payments = [PaymentIn("tunai", total)]
        elif roll < 0.3:
            payments = [PaymentIn("qris", total, f"QR{rng.randint(10**8, 10**9)}")]
        else:
            cash = ((total + 4_999) // 5_000) * 5_000 if rng.random() < 0.6 else total
            payments = [PaymentIn("tunai", cash)]
        sale = checkout(shift, lines, payments, user=cashier, member=member, day=day)
        clock += timedelta(minutes=rng.randint(4, 35))
        sale.created_at = clock
        sales.append(sale)
        stats["sales"] += 1
    if sales and rng.random() < 0.15:
        sale = rng.choice(sales)
        line = sale.lines[0]
        doc = refund(
            sale,
            {line.id: line.qty},
            "Kemasan rusak, ditukar uang",
            user=cashier,
            shift=shift,
            approver=approver,
            day=day,
        )
        clock += timedelta(minutes=10)
        doc.created_at = clock
        stats["refunds"] += 1
    counted = expected_cash(shift)
    if rng.random() < 0.1:
        counted -= rng.choice([500, 1_000, 2_000])
    close_shift(shift, cashier, counted, day=day)
    shift.closed_at = clock + timedelta(minutes=20)


def _price(item: Item, member) -> int:
    base = item.base
    return base.price_member if member is not None else base.price_general
