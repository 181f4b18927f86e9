"""``refund``: goods back from a sale against its original receipt (DESIGN §3.2 "refund").

The sale's lines are reversed for the returned quantities at their original price, tax and
cost, in one journal entry; stock goes back at the original cost into the batches it left
from; money goes back in cash from the cashier's shift, or onto the member's credit for what
was sold on credit. Rounding is cumulative, so partial refunds of one line always add up to
the line exactly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Batch, Item, ItemUnit, StockMove
from outlet_pos.core.inventory.services import (
    inventory_ledger_lines,
    parse_qty,
    receive,
    to_base,
)
from outlet_pos.core.ledger.services import post
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.common import (
    COGS_ACCOUNT,
    PPN_ACCOUNT,
    REVENUE,
    existing_document,
    lock_row,
    receipt_number,
)
from outlet_pos.core.sales.models import Payment, Sale, SaleLine, Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import allocate, round_half_up


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
    first = existing_document(coop, key, "refund")
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
    number = receipt_number(coop.id, outlet.id, outlet.code, day)
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
    # Units that recorded something at sale time undo it for what came back (a fertilizer
    # redemption gives the farmer's quota back): {original line id: base qty returned}.
    by_kind: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for line, _item, _unit, _qty, base, *_rest in plan:
        kind = db.session.get(BusinessUnit, line.business_unit_id).kind
        by_kind[kind][line.id] = base
    for kind, returned in sorted(by_kind.items()):
        for hook in unit_rules.rules_for(kind):
            if hasattr(hook, "after_refund"):
                hook.after_refund(refund_doc, sale, returned, None)
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
