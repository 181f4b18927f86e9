"""The last days of a portfolio cooperative at the real counter: a small catalog received from
a supplier, one cashier's shift a day with a handful of sales, items sold out, a pharmacy
shelf with batches close to expiry — stock, shifts and checkouts through the core services,
so ``outlet-pos verify`` ties the inventory account and every shift's cash to the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.ledger import post
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.demo_counter import load_catalog
from outlet_pos.demo_portfolio_books import Books

# Everyday goods of a village shop (SKUs of the shipped demo catalog).
SHELF = [
    "BRS-SPHP5", "BRS-PRM5", "BRS-MDM5", "GLA-GLP1", "GLA-MRH1", "TLR-TRY", "GRM-DPR",
    "MYK-KITA1", "MYK-BML2", "MYK-FRS2", "MRG-BLU", "TPG-SGT1", "TPG-BRS5", "MNM-AQ15",
    "SSU-FRS", "SSU-UHT1",
]  # fmt: skip
# name, cost, member price, general price, days to expiry of the batch on the shelf
DRUGS = [
    ("OBT-PCT500", "Paracetamol 500 mg (strip 10 tablet)", 3_000, 4_500, 5_000),
    ("OBT-AMX500", "Amoxicillin 500 mg (strip 10 kapsul)", 6_000, 8_500, 9_500),
    ("OBT-OBH100", "OBH sirup 100 ml", 11_000, 14_000, 15_500),
    ("OBT-ANT", "Antasida DOEN (strip 10 tablet)", 2_500, 4_000, 4_500),
    ("OBT-ORL", "Oralit 200 ml (sachet)", 800, 1_500, 2_000),
]
CASHIER_FLOAT = 300_000


def _catalog(b: Books) -> list[tuple]:
    """(item, unit cost) for the shop shelf and, with a pharmacy, the drug shelf."""
    rows = {r.sku: r for r in load_catalog()}
    out = []
    for sku in SHELF:
        r = rows[sku]
        item = save_item(
            b.coop, unit=b.units["sembako"], sku=r.sku, name=r.name, base_uom=r.base_uom,
            units=[UnitSpec(r.base_uom, Decimal(1), r.price_member, r.price_general,
                            [r.barcode] if r.barcode else [])],
            category=r.category, taxable=r.taxable, track_batch=r.track_batch,
            reorder_point=Decimal(6), user=b.pengurus,
        )  # fmt: skip
        out.append((item, r.cost))
    if "apotek" in b.units:
        for sku, name, cost, pm, pg in DRUGS:
            item = save_item(
                b.coop, unit=b.units["apotek"], sku=sku, name=name, base_uom="strip",
                units=[UnitSpec("strip", Decimal(1), pm, pg)], category="Obat bebas",
                taxable=False, track_batch=True, reorder_point=Decimal(5), user=b.pengurus,
            )  # fmt: skip
            out.append((item, cost))
    return out


def _receive(b: Books, catalog: list[tuple]) -> dict[int, Decimal]:
    """One delivery at the counter's start: little of the items that will sell out, drugs in
    batches of which the profile's number expire within about two months."""
    from outlet_pos.core.purchasing.receipts import ReceiptLineIn, receive_goods
    from outlet_pos.core.purchasing.services import save_supplier

    p, rng, day = b.profile, b.rng, b.counter_from
    supplier = save_supplier(
        b.coop, "DIST-01", f"CV Sumber Rezeki {p.kabupaten}", "", "0812-5500-1122",
        p.kabupaten, 14, b.pengurus,
    )  # fmt: skip
    scarce = {item.id for item, _ in rng.sample(catalog[: len(SHELF)], p.stockouts)}
    drugs = [item for item, _ in catalog if item.track_batch and item.sku.startswith("OBT")]
    expiring = {item.id for item in drugs[: p.expiring]}
    lines, stock = [], {}
    for item, cost in catalog:
        qty = Decimal(rng.randint(2, 4) if item.id in scarce else rng.randint(20, 40))
        expiry = None
        if item.track_batch:
            soon = item.id in expiring
            expiry = b.today + timedelta(
                days=rng.randint(20, 55) if soon else rng.randint(200, 500)
            )
        lines.append(
            ReceiptLineIn(item.id, item.base.id, qty, int(cost * qty),
                          batch_code=f"{item.sku[-6:]}-{day:%y%m}" if expiry else "",
                          expiry=expiry)
        )  # fmt: skip
        stock[item.id] = qty
    receive_goods(b.coop, supplier, b.outlet, lines, user=b.pengurus, day=day,
                  supplier_ref=f"SJ-{day:%m%d}-01")  # fmt: skip
    b.scarce = scarce
    return stock


def _clock(b: Books, day, hour: int, minute: int) -> datetime:
    local = datetime.combine(day, time(hour, minute), tzinfo=b.coop.zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def build_counter(b: Books) -> dict:
    """Shifts from ``counter_from`` to ``sales_end``; the scarce items sell out first."""
    rng, p = b.rng, b.profile
    catalog = _catalog(b)
    stock = _receive(b, catalog)
    items = [item for item, _ in catalog]
    scarce = [item for item in items if item.id in b.scarce]
    stats = {"sales": 0, "shifts": 0}
    day, short_day = b.counter_from, b.sales_end - timedelta(days=2)
    while day <= b.sales_end:
        shift = open_shift(b.coop, b.kasir, b.outlet, CASHIER_FLOAT, day=day)
        shift.opened_at = clock = _clock(b, day, 7, rng.randint(0, 30))
        stats["shifts"] += 1
        for _ in range(rng.randint(3, 6)):
            basket = rng.sample(items, rng.randint(1, 3))
            if scarce:  # a regular buys up what is left of a scarce item
                basket = [scarce.pop()]
            lines = []
            for item in basket:
                qty = Decimal(rng.randint(1, 3))
                if item.id in b.scarce:
                    qty = stock[item.id]
                if 0 < qty <= stock[item.id]:
                    lines.append(CartLine(item.id, qty=qty))
                    stock[item.id] -= qty
            if not lines:
                continue
            member = rng.choice(b.members) if rng.random() * 100 < p.member_pct else None
            total = int(
                sum(
                    (it.base.price_member if member else it.base.price_general) * ln.qty
                    for ln in lines
                    for it in items
                    if it.id == ln.item_id
                )
            )
            if rng.random() < 0.25:
                pay = PaymentIn("qris", total, f"QR{rng.randint(10**8, 10**9)}")
            else:
                pay = PaymentIn("tunai", -(-total // 5_000) * 5_000)
            sale = checkout(shift, lines, [pay], user=b.kasir, member=member, day=day)
            clock += timedelta(minutes=rng.randint(6, 45))
            sale.created_at = clock
            stats["sales"] += 1
        counted = expected_cash(shift) - (p.short_cash if day == short_day else 0)
        close_shift(shift, b.kasir, counted, day=day)
        shift.closed_at = clock + timedelta(minutes=25)
        day += timedelta(days=1)
    _bank_takings(b)
    return stats


def _bank_takings(b: Books) -> None:
    """The treasurer banks the counter's cash above a working float, and the QRIS clearing
    settles into the bank account."""
    from outlet_pos.core.ledger import balances

    bal = balances(b.coop, as_of=b.sales_end)
    cash, clearing = bal.get("111100", 0), bal.get("112900", 0)
    day = b.sales_end
    if cash > 2_000_000:
        amount = cash - 1_500_000
        post(b.coop, day, "Setor hasil penjualan gerai ke bank",
             [("112100", amount, 0), ("111100", 0, amount)], source="manual",
             user=b.pengurus)  # fmt: skip
    if clearing > 0:
        post(b.coop, day, "Pelunasan QRIS masuk rekening",
             [("112100", clearing, 0), ("112900", 0, clearing)], source="manual",
             user=b.pengurus)  # fmt: skip
