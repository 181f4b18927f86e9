"""``checkout`` and ``refund``: one sale, one transaction, one journal entry (DESIGN §2.5).

checkout: unit rules check each line -> stock issued (FEFO) -> one journal entry (revenue
per unit, member vs non-member; COGS; PPN; tender accounts) -> gapless receipt number.
A retried submit with the same idempotency key returns the first sale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Batch, Item, ItemUnit, StockMove
from outlet_pos.core.inventory.services import (
    inventory_ledger_lines,
    issue,
    parse_qty,
    receive,
    to_base,
)
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.ledger.services import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.models import PAYMENT_METHODS, Payment, Sale, SaleLine, Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import allocate, format_rupiah, round_half_up

MAX_LINES = 200
MAX_AMOUNT = 10**12
REVENUE = {"member": "411100", "general": "411200"}
TENDER_ACCOUNTS = {"tunai": "111100", "qris": "112900", "transfer": "112900", "kredit": "113200"}
PPN_ACCOUNT = "211600"
COGS_ACCOUNT = "511100"
# Share of a line a role may discount without a supervisor (percent of the line's price).
DISCOUNT_LIMITS = {
    "kasir": 5,
    "apoteker": 5,
    "petugas_klinik": 5,
    "petugas_logistik": 5,
    "bendahara": 20,
    "pengurus": 100,
    "admin": 100,
}


@dataclass
class CartLine:
    item_id: int
    item_unit_id: int | None = None  # None: the base unit
    qty: object = 1  # Decimal, int or text ("1,5")
    discount: int = 0  # rupiah off this line
    price: int | None = None  # price override (audited; needs permission)
    batch_id: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class PaymentIn:
    method: str
    amount: int
    reference: str = ""


def _money(value: object, label: str) -> int:
    if type(value) is not int or value < 0 or value > MAX_AMOUNT:
        raise ValidationError(f"{label} harus rupiah bulat tidak negatif.", field="amount")
    return value


def _discount_limit(user: User, coop: Cooperative) -> int:
    return max((DISCOUNT_LIMITS.get(r, 0) for r in user.roles_in(coop)), default=0)


def member_credit_balance(coop: Cooperative, member: Member) -> int:
    """What a member owes on kredit belanja: the 113200 lines carrying the member."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                JournalLine.cooperative_id == coop.id,
                Account.code == "113200",
                JournalLine.member_id == member.id,
            )
        )
    )


def lock_row(model, ident: int):
    """Reload one row and hold it for the rest of the transaction (PostgreSQL FOR UPDATE;
    SQLite writers are already serialised by BEGIN IMMEDIATE). Reads made before the lock
    may be stale, so callers re-check state after it."""
    stmt = select(model).where(model.id == ident).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).scalar_one()


def _receipt_number(coop: Cooperative, outlet: Outlet, day) -> str:
    seq = next_value(coop.id, f"receipt:{outlet.id}", day.isoformat())
    return f"{outlet.code}-{day:%Y%m%d}-{seq:04d}"


def _existing(coop: Cooperative, key: str | None, kind: str) -> Sale | None:
    if not key:
        return None
    found = db.session.scalar(
        select(Sale).where(Sale.cooperative_id == coop.id, Sale.idempotency_key == key)
    )
    if found is not None and found.kind != kind:
        raise ValidationError("Kunci transaksi sudah dipakai dokumen lain.", field="key")
    return found


def checkout(
    shift: Shift,
    lines: list[CartLine],
    payments: list[PaymentIn],
    *,
    user: User,
    member: Member | None = None,
    customer_name: str = "",
    receipt_discount: int = 0,
    idempotency_key: str | None = None,
    approver: User | None = None,
    extra: dict | None = None,
    day=None,
) -> Sale:
    """Sell ``lines`` in ``shift``; everything or nothing (the caller's transaction).

    ``day`` is the business date; pages never pass it (it is today in the cooperative's
    zone). The demo and imports of past sales do.
    """
    coop = db.session.get(Cooperative, shift.cooperative_id)
    key = (idempotency_key or "").strip()[:64] or None
    # The shift row is the counter's lock: a sale and the shift's close never interleave, and
    # a retried submit waits for the first one, then finds it.
    shift = lock_row(Shift, shift.id)
    first = _existing(coop, key, "sale")
    if first is not None:
        return first
    if shift.status != "open":
        raise DomainError("Shift sudah ditutup; buka shift baru untuk berjualan.")
    if shift.user_id != user.id:
        raise DomainError("Shift ini milik kasir lain.")
    if not lines:
        raise ValidationError("Keranjang masih kosong.", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paling banyak {MAX_LINES} baris per struk.", field="lines")
    if member is not None and (member.cooperative_id != coop.id or member.status != "aktif"):
        raise ValidationError("Anggota tidak ditemukan atau tidak aktif.", field="member")
    receipt_discount = _money(receipt_discount, "Diskon struk")
    tier = "member" if member is not None else "general"
    day = day or coop.today()
    outlet = db.session.get(Outlet, shift.outlet_id)
    ctx = unit_rules.CheckoutContext(
        coop=coop, shift=shift, user=user, member=member, day=day, extra=extra or {}
    )
    limit = _discount_limit(user, coop)
    approver_limit = _discount_limit(approver, coop) if approver is not None else 0

    # 1. Price every line and let the unit rules look at it.
    priced = []
    # All the cart's items and their units in two queries, not one per line.
    wanted = {c.item_id for c in lines if isinstance(c.item_id, int)}
    by_id = {
        i.id: i
        for i in db.session.scalars(
            select(Item)
            .where(Item.id.in_(wanted), Item.cooperative_id == coop.id)
            .options(selectinload(Item.units))
        )
    }
    for no, cart in enumerate(lines, start=1):
        item = by_id.get(cart.item_id)
        if item is None:
            raise NotFound(f"Baris {no}: barang tidak ditemukan.")
        if not item.active:
            raise ValidationError(f"Baris {no}: {item.name} tidak aktif dijual.")
        unit = next(
            (
                u
                for u in item.units
                if (u.id == cart.item_unit_id if cart.item_unit_id else u.factor == 1)
            ),
            None,
        )
        if unit is None or unit.item_id != item.id:
            raise ValidationError(f"Baris {no}: satuan {item.name} tidak dikenal.", field="unit")
        qty = parse_qty(cart.qty)
        base_qty = to_base(item, unit, qty)
        list_price = unit.price_member if tier == "member" else unit.price_general
        price = list_price
        if cart.price is not None and cart.price != list_price:
            price = _money(cart.price, f"Baris {no}: harga")
            if not (
                user.can("pos.price_override", coop)
                or (approver is not None and approver.can("pos.price_override", coop))
            ):
                raise PermissionDenied(f"Baris {no}: mengubah harga perlu persetujuan pengurus.")
        gross = round_half_up(Fraction(price) * Fraction(qty))
        discount = _money(cart.discount, f"Baris {no}: diskon")
        if discount > gross:
            raise ValidationError(f"Baris {no}: diskon melebihi harga.", field="discount")
        if gross and discount * 100 > gross * limit:
            if discount * 100 > gross * approver_limit:
                raise PermissionDenied(
                    f"Baris {no}: diskon melebihi batas Anda ({limit}%); "
                    "minta persetujuan pengurus."
                )
            record(
                "sale.discount_override",
                user=approver,
                cooperative=coop,
                target=item.sku,
                detail={"cashier": user.username, "discount": discount},
            )
        business_unit = db.session.get(BusinessUnit, item.unit_id)
        lc = unit_rules.LineContext(
            item=item,
            item_unit=unit,
            business_unit=business_unit,
            qty=qty,
            base_qty=base_qty,
            unit_price=price,
            list_price=list_price,
            total=gross - discount,
            extra=cart.extra,
        )
        for hook in unit_rules.rules_for(business_unit.kind):
            hook.check_line(lc, ctx)
        if price != list_price:
            record(
                "sale.price_override",
                user=approver or user,
                cooperative=coop,
                target=item.sku,
                detail={"list": list_price, "price": price, "cashier": user.username},
            )
        priced.append(
            (
                no,
                cart,
                item,
                unit,
                business_unit,
                qty,
                base_qty,
                list_price,
                price,
                discount,
                gross - discount,
            )
        )

    subtotal = sum(p[10] for p in priced)
    if receipt_discount > subtotal:
        raise ValidationError("Diskon struk melebihi total belanja.", field="receipt_discount")
    if receipt_discount and receipt_discount * 100 > subtotal * limit:
        if receipt_discount * 100 > subtotal * approver_limit:
            raise PermissionDenied("Diskon struk melebihi batas Anda; minta persetujuan pengurus.")
        record(
            "sale.discount_override",
            user=approver,
            cooperative=coop,
            target="struk",
            detail={"cashier": user.username, "receipt_discount": receipt_discount},
        )
    shares = (
        allocate(receipt_discount, [p[10] for p in priced])
        if receipt_discount
        else [0 for _ in priced]
    )
    totals = [p[10] - s for p, s in zip(priced, shares, strict=True)]
    total = subtotal - receipt_discount
    if total <= 0:
        raise ValidationError("Total penjualan harus lebih dari nol.", field="lines")

    # 2. PPN inside tax-inclusive prices (PKP only; exempt goods carry none).
    taxed = [
        t if (coop.is_pkp and p[2].taxable) else 0 for p, t in zip(priced, totals, strict=True)
    ]
    tax = round_half_up(Fraction(sum(taxed) * 11, 111))
    line_tax = allocate(tax, taxed) if tax else [0 for _ in priced]

    # 3. Payments: non-cash up to the total, cash covers the rest and may give change.
    paid = defaultdict(int)
    refs = []
    for p in payments:
        if p.method not in PAYMENT_METHODS:
            raise ValidationError("Cara bayar tidak dikenal.", field="payments")
        amount = _money(p.amount, f"Pembayaran {PAYMENT_METHODS[p.method]}")
        if amount == 0:
            continue
        if p.method in ("qris", "transfer") and not (p.reference or "").strip():
            raise ValidationError(
                f"Nomor referensi {PAYMENT_METHODS[p.method]} wajib diisi.", field="payments"
            )
        paid[p.method] += amount
        refs.append((p.method, amount, (p.reference or "").strip()[:64]))
    non_cash = paid["qris"] + paid["transfer"] + paid["kredit"]
    if non_cash > total:
        raise ValidationError("Pembayaran non-tunai melebihi total belanja.", field="payments")
    if non_cash + paid["tunai"] < total:
        short = total - non_cash - paid["tunai"]
        raise ValidationError(f"Pembayaran kurang {format_rupiah(short)}.", field="payments")
    change = paid["tunai"] - (total - non_cash)
    if paid["kredit"]:
        if member is None:
            raise ValidationError("Kredit belanja hanya untuk anggota.", field="payments")
        member = lock_row(Member, member.id)  # two credit sales at once cannot both fit
        owed = member_credit_balance(coop, member)
        if owed + paid["kredit"] > member.credit_limit:
            room = max(member.credit_limit - owed, 0)
            raise DomainError(
                f"Kredit anggota melebihi batas: sisa plafon {format_rupiah(room)}.",
                field="payments",
            )

    # 4. Stock out, FEFO, in a fixed order (by item) so two cashiers never deadlock.
    number = _receipt_number(coop, outlet, day)
    costs: dict[int, int] = {}
    locations: dict[int, object] = {}
    for idx in sorted(range(len(priced)), key=lambda i: (priced[i][2].id, i)):
        _no, cart, item, unit, bu, _q, base_qty, *_ = priced[idx]
        if bu.id not in locations:
            locations[bu.id] = default_location(coop, outlet, bu)
        loc = locations[bu.id]
        chunks = issue(
            loc, item, base_qty, day=day, source=f"sale:{number}", batch_id=cart.batch_id
        )
        costs[idx] = sum(c.cost for c in chunks)

    sale = Sale(
        cooperative_id=coop.id,
        outlet_id=outlet.id,
        shift_id=shift.id,
        kind="sale",
        number=number,
        date=day,
        cashier_id=user.id,
        member_id=member.id if member else None,
        customer_name=(customer_name or "")[:120],
        price_tier=tier,
        subtotal=subtotal,
        discount_amount=receipt_discount,
        total=total,
        tax_amount=tax,
        dpp_amount=sum(taxed) - tax,
        paid_amount=sum(paid.values()),
        change_amount=change,
        status="paid",
        idempotency_key=key,
        approved_by_id=approver.id if approver else None,
    )
    db.session.add(sale)
    db.session.flush()
    for idx, (
        no,
        _cart,
        item,
        unit,
        bu,
        qty,
        base_qty,
        list_price,
        price,
        discount,
        _t,
    ) in enumerate(priced):
        db.session.add(
            SaleLine(
                cooperative_id=coop.id,
                sale_id=sale.id,
                line_no=no,
                item_id=item.id,
                item_unit_id=unit.id,
                business_unit_id=bu.id,
                name=item.name,
                unit_name=unit.name,
                qty=qty,
                base_qty=base_qty,
                list_price=list_price,
                unit_price=price,
                discount_amount=discount + shares[idx],
                total=totals[idx],
                tax_amount=line_tax[idx],
                cost=costs[idx],
            )
        )
    for method, amount, ref in refs:
        db.session.add(
            Payment(
                cooperative_id=coop.id, sale_id=sale.id, method=method, amount=amount, reference=ref
            )
        )

    # 5. One journal entry for the whole sale.
    entry_lines: list[tuple] = []
    if paid["tunai"] - change:
        entry_lines.append(("111100", paid["tunai"] - change, 0))
    for method in ("qris", "transfer"):
        if paid[method]:
            entry_lines.append(
                (TENDER_ACCOUNTS[method], paid[method], 0, None, None, PAYMENT_METHODS[method])
            )
    if paid["kredit"]:
        entry_lines.append(("113200", paid["kredit"], 0, None, member.id))
    revenue: dict[int, int] = defaultdict(int)
    for idx, p in enumerate(priced):
        revenue[p[4].id] += totals[idx] - line_tax[idx]
    for unit_id, amount in sorted(revenue.items()):
        if amount:
            entry_lines.append((REVENUE[tier], 0, amount, unit_id, member.id if member else None))
    if tax:
        entry_lines.append((PPN_ACCOUNT, 0, tax))
    entry_lines += inventory_ledger_lines(
        [(p[2], costs[idx]) for idx, p in enumerate(priced)], debit_account=COGS_ACCOUNT
    )
    entry = post(
        coop,
        day,
        f"Penjualan {number}",
        entry_lines,
        source="sale",
        source_ref=number,
        user=user,
        shift=shift,
    )
    sale.entry_id = entry.id
    db.session.flush()
    for kind in {p[4].kind for p in priced}:
        for hook in unit_rules.rules_for(kind):
            hook.after_checkout(sale, ctx)
    return sale


def refund(
    sale: Sale,
    quantities: dict[int, object],
    reason: str,
    *,
    user: User,
    shift: Shift,
    approver: User | None = None,
    idempotency_key: str | None = None,
    day=None,
) -> Sale:
    """Return goods from ``sale``: {sale_line_id: qty in the line's unit}. Lines are reversed
    at their original price, tax and cost; stock goes back at the original cost; money goes
    back in cash from ``shift``, or onto the member's credit for what was sold on credit."""
    coop = db.session.get(Cooperative, sale.cooperative_id)
    key = (idempotency_key or "").strip()[:64] or None
    if shift.cooperative_id != coop.id:
        raise NotFound("Shift tidak ditemukan.")
    # Lock the shift, then the sale, before reading what was already returned: two refunds of
    # one sale at once must see each other's quantities.
    shift = lock_row(Shift, shift.id)
    sale = lock_row(Sale, sale.id)
    for line in sale.lines:
        db.session.refresh(line)
    first = _existing(coop, key, "refund")
    if first is not None:
        return first
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError("Alasan retur wajib diisi.", field="reason")
    if sale.kind != "sale":
        raise DomainError("Hanya struk penjualan yang dapat diretur.")
    if shift.status != "open" or shift.user_id != user.id:
        raise DomainError("Retur harus dilakukan dalam shift Anda yang terbuka.")
    who = approver or user
    if not who.can("pos.refund", coop):
        raise PermissionDenied("Retur perlu persetujuan pengurus atau bendahara.")
    if not quantities:
        raise ValidationError("Pilih barang yang diretur.", field="lines")
    by_id = {line.id: line for line in sale.lines}
    day = day or coop.today()
    outlet = db.session.get(Outlet, sale.outlet_id)
    number = _receipt_number(coop, outlet, day)
    plan = []
    for line_id, raw in sorted(quantities.items(), key=lambda kv: _line_order(by_id, kv[0])):
        line = by_id.get(int(line_id))
        if line is None:
            raise NotFound("Baris struk tidak ditemukan.")
        qty = parse_qty(raw)
        if qty == 0:
            continue
        item = db.session.get(Item, line.item_id)
        unit = db.session.get(ItemUnit, line.item_unit_id)
        base = to_base(item, unit, qty)
        left = line.base_qty - line.refunded_qty
        if left <= 0:
            raise DomainError(f"{line.name} sudah diretur seluruhnya.")
        if base > left:
            raise ValidationError(
                f"Retur {line.name} melebihi yang terjual (sisa {left.normalize():f} "
                f"{item.base_uom}).",
                field="qty",
            )
        done = db.session.execute(
            select(
                func.coalesce(func.sum(SaleLine.total), 0),
                func.coalesce(func.sum(SaleLine.tax_amount), 0),
                func.coalesce(func.sum(SaleLine.cost), 0),
            ).where(SaleLine.refund_of_line_id == line.id)
        ).one()
        # PostgreSQL sums BIGINT to NUMERIC: back to int rupiah before any arithmetic.
        done = tuple(int(x) for x in done)
        plan.append((line, item, unit, qty, base, *_portion_line(line, base, done)))
    if any(p[5] == 0 and p[7] == 0 for p in plan):
        raise DomainError("Baris tanpa nilai (gratis) tidak perlu diretur.")
    if not plan:
        raise ValidationError("Jumlah retur harus lebih dari nol.", field="qty")

    total = sum(p[5] for p in plan)
    tax = sum(p[6] for p in plan)
    credit_sold = sum(p.amount for p in sale.payments if p.method == "kredit")
    credit_back_before = int(
        db.session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0))
            .join(Sale, Sale.id == Payment.sale_id)
            .where(Sale.refund_of_id == sale.id, Payment.method == "kredit")
        )
    )
    to_credit = min(total, credit_sold - credit_back_before)
    to_cash = total - to_credit

    refund_doc = Sale(
        cooperative_id=coop.id,
        outlet_id=outlet.id,
        shift_id=shift.id,
        kind="refund",
        number=number,
        date=day,
        cashier_id=user.id,
        member_id=sale.member_id,
        customer_name=sale.customer_name,
        price_tier=sale.price_tier,
        subtotal=total,
        discount_amount=0,
        total=total,
        tax_amount=tax,
        dpp_amount=sum(p[5] for p in plan if p[6]) - tax,
        paid_amount=total,
        change_amount=0,
        status="paid",
        idempotency_key=key,
        refund_of_id=sale.id,
        reason=reason[:300],
        approved_by_id=who.id,
    )
    db.session.add(refund_doc)
    db.session.flush()
    restock = []
    for no, (line, item, unit, qty, base, amount, line_tax, cost) in enumerate(plan, start=1):
        db.session.add(
            SaleLine(
                cooperative_id=coop.id,
                sale_id=refund_doc.id,
                line_no=no,
                item_id=item.id,
                item_unit_id=unit.id,
                business_unit_id=line.business_unit_id,
                name=line.name,
                unit_name=line.unit_name,
                qty=qty,
                base_qty=base,
                list_price=line.list_price,
                unit_price=line.unit_price,
                discount_amount=0,
                total=amount,
                tax_amount=line_tax,
                cost=cost,
                refund_of_line_id=line.id,
            )
        )
        line.refunded_qty = line.refunded_qty + base
        restock.append((item, line, base, cost))
    if to_cash:
        db.session.add(
            Payment(cooperative_id=coop.id, sale_id=refund_doc.id, method="tunai", amount=to_cash)
        )
    if to_credit:
        db.session.add(
            Payment(
                cooperative_id=coop.id, sale_id=refund_doc.id, method="kredit", amount=to_credit
            )
        )

    # Stock back at the original cost, into the batches it left from.
    for item, line, base, cost in restock:
        bu = db.session.get(BusinessUnit, line.business_unit_id)
        loc = default_location(coop, outlet, bu)
        chunks = _original_batches(coop, sale.number, item, base)
        costs = allocate(cost, [q for _b, q in chunks]) if cost else [0] * len(chunks)
        for (batch, q), c in zip(chunks, costs, strict=True):
            receive(
                loc,
                item,
                q,
                c,
                day=day,
                source=f"refund:{number}",
                kind="refund",
                batch=batch.code if batch else None,
                expiry=batch.expiry if batch else None,
            )

    tier = sale.price_tier
    entry_lines: list[tuple] = []
    revenue: dict[int, int] = defaultdict(int)
    for line, _item, _unit, _qty, _base, amount, line_tax, _cost in plan:
        revenue[line.business_unit_id] += amount - line_tax
    for unit_id, amount in sorted(revenue.items()):
        if amount:
            entry_lines.append((REVENUE[tier], amount, 0, unit_id, sale.member_id))
    if tax:
        entry_lines.append((PPN_ACCOUNT, tax, 0))
    if to_cash:
        entry_lines.append(("111100", 0, to_cash))
    if to_credit:
        entry_lines.append(("113200", 0, to_credit, None, sale.member_id))
    entry_lines += inventory_ledger_lines(
        [(p[1], p[7]) for p in plan], debit_account=COGS_ACCOUNT, inventory_side="debit"
    )
    entry = post(
        coop,
        day,
        f"Retur {sale.number}: {reason}"[:500],
        entry_lines,
        source="refund",
        source_ref=number,
        user=user,
        shift=shift,
    )
    refund_doc.entry_id = entry.id
    fully = all(line.refunded_qty == line.base_qty for line in sale.lines)
    sale.status = "refunded" if fully else "partially_refunded"
    db.session.flush()
    record(
        "sale.refund",
        user=user,
        cooperative=coop,
        target=sale.number,
        detail={"refund": number, "total": total, "reason": reason, "approver": who.username},
    )
    return refund_doc


def _portion_line(line: SaleLine, base: Decimal, done) -> tuple[int, int, int]:
    """Amount, tax and cost of returning ``base`` more units of ``line``, given what earlier
    refunds of the line already took (``done``: sums of total, tax, cost).

    Rounded cumulatively — the share of everything returned so far, minus what was already
    given back — so the pieces never go negative and always end exactly at the line's total.
    """
    upto = line.refunded_qty + base

    def share(amount: int, already: int) -> int:
        if upto == line.base_qty:
            return amount - already
        return round_half_up(Fraction(amount) * Fraction(upto) / Fraction(line.base_qty)) - already

    return share(line.total, done[0]), share(line.tax_amount, done[1]), share(line.cost, done[2])


def _line_order(by_id: dict, line_id) -> tuple:
    """Refund lines in item order, the fixed order every stock lock is taken in."""
    line = by_id.get(int(line_id)) if str(line_id).isdigit() else None
    return (line.item_id if line else 0, int(line_id) if str(line_id).isdigit() else 0)


def _original_batches(coop: Cooperative, number: str, item: Item, qty: Decimal):
    """Which batches a sale's units came from (latest-expiry first back on the shelf)."""
    if not item.track_batch:
        return [(None, qty)]
    sold = dict(
        db.session.execute(
            select(StockMove.batch_id, func.sum(-StockMove.qty))
            .where(
                StockMove.cooperative_id == coop.id,
                StockMove.item_id == item.id,
                StockMove.source == f"sale:{number}",
            )
            .group_by(StockMove.batch_id)
        ).all()
    )
    # What earlier refunds of this sale already put back, per batch.
    sale_id = select(Sale.id).where(Sale.cooperative_id == coop.id, Sale.number == number)
    refunds = db.session.scalars(
        select(Sale.number).where(
            Sale.cooperative_id == coop.id, Sale.refund_of_id == sale_id.scalar_subquery()
        )
    ).all()
    returned = {}
    if refunds:
        returned = dict(
            db.session.execute(
                select(StockMove.batch_id, func.sum(StockMove.qty))
                .where(
                    StockMove.cooperative_id == coop.id,
                    StockMove.item_id == item.id,
                    StockMove.source.in_([f"refund:{n}" for n in refunds]),
                )
                .group_by(StockMove.batch_id)
            ).all()
        )
    batches = {b.id: b for b in db.session.scalars(select(Batch).where(Batch.id.in_(sold)))}
    out, left = [], qty
    # Latest expiry goes back first: the customer brought back the freshest units they had.
    for batch_id in sorted(sold, key=lambda b: batches[b].expiry or date.max, reverse=True):
        q = Decimal(sold[batch_id]) - Decimal(returned.get(batch_id) or 0)
        take = min(q, left)
        if take > 0:
            out.append((batches[batch_id], take))
            left -= take
    if left > 0:
        raise DomainError(f"Asal batch {item.name} pada struk {number} tidak ditemukan.")
    return out
