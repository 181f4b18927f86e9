"""Stock valuation at a date, by business unit and category, checked against the ledger.

Today's figures are the maintained stock levels; a past date is recomputed from the stock
moves up to and including that date. Either way the total must equal the balance of the
inventory accounts (Persediaan) on that date, since every move's value reaches the ledger in
the same transaction (DESIGN §2.5).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.inventory.models import Item, StockLevel, StockMove
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db

DEFAULT_INVENTORY_ACCOUNT = "114100"


@dataclass
class StockGroup:
    unit_name: str
    category: str
    items: int = 0  # items with stock on hand
    qty: dict[str, Decimal] = field(default_factory=dict)  # base unit of measure -> qty
    value: int = 0

    @property
    def qty_text(self) -> str:
        return " · ".join(f"{fmt_qty(q)} {uom}" for uom, q in sorted(self.qty.items()) if q)


@dataclass
class AccountCheck:
    code: str
    name: str
    ledger: int  # debit balance on the date
    stock: int  # value of the stock carried on this account

    @property
    def ok(self) -> bool:
        return self.ledger == self.stock

    @property
    def difference(self) -> int:
        return self.ledger - self.stock


@dataclass
class Valuation:
    as_of: date
    live: bool  # True: from stock levels (today); False: recomputed from moves
    groups: list[StockGroup]  # per unit and category, sorted
    units: list[StockGroup]  # subtotal per unit (category empty)
    total: StockGroup
    accounts: list[AccountCheck]

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.accounts)

    @property
    def ledger_total(self) -> int:
        return sum(a.ledger for a in self.accounts)


def stock_valuation(coop: Cooperative, as_of: date, unit_id: int | None = None) -> Valuation:
    live = as_of >= coop.today()
    if live:
        per_item = select(
            StockLevel.item_id, func.sum(StockLevel.on_hand), func.sum(StockLevel.value)
        ).where(StockLevel.cooperative_id == coop.id)
        per_item = per_item.group_by(StockLevel.item_id)
    else:
        per_item = (
            select(StockMove.item_id, func.sum(StockMove.qty), func.sum(StockMove.value))
            .where(StockMove.cooperative_id == coop.id, StockMove.date <= as_of)
            .group_by(StockMove.item_id)
        )
    items = {
        i.id: i
        for i in db.session.scalars(select(Item).where(Item.cooperative_id == coop.id))
        if unit_id is None or i.unit_id == unit_id
    }
    unit_names = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.cooperative_id == coop.id)
        ).all()
    )
    groups: dict[tuple[str, str], StockGroup] = {}
    units: dict[str, StockGroup] = {}
    total = StockGroup("Jumlah", "")
    by_account: dict[str, int] = defaultdict(int)
    for item_id, qty, value in db.session.execute(per_item):
        item = items.get(item_id)
        if item is None:
            continue
        qty, value = Decimal(qty), int(value)
        by_account[item.inventory_account] += value
        if not qty and not value:
            continue
        unit_name = unit_names.get(item.unit_id, "?")
        category = item.category or "(tanpa kategori)"
        group = groups.setdefault((unit_name, category), StockGroup(unit_name, category))
        subtotal = units.setdefault(unit_name, StockGroup(unit_name, ""))
        for g in (group, subtotal, total):
            g.items += 1 if qty > 0 else 0
            g.qty[item.base_uom] = g.qty.get(item.base_uom, Decimal(0)) + qty
            g.value += value

    ledger = balances(coop, as_of=as_of, unit=unit_id)
    codes = {DEFAULT_INVENTORY_ACCOUNT} | {i.inventory_account for i in items.values()}
    codes |= {c for c in ledger if c.startswith("1142") and ledger[c]}
    names = dict(
        db.session.execute(
            select(Account.code, Account.name).where(
                Account.cooperative_id == coop.id, Account.code.in_(codes)
            )
        ).all()
    )
    accounts = [
        AccountCheck(code, names.get(code, code), ledger.get(code, 0), by_account.get(code, 0))
        for code in sorted(codes)
    ]
    return Valuation(
        as_of=as_of,
        live=live,
        groups=[groups[k] for k in sorted(groups)],
        units=[units[k] for k in sorted(units)],
        total=total,
        accounts=accounts,
    )
