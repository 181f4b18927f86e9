"""X and Z reports: a shift's sales, tenders and cash, from the sales and the ledger."""

from __future__ import annotations

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import SOURCE_LABELS, Account, JournalEntry, JournalLine
from outlet_pos.core.sales.models import PAYMENT_METHODS, Payment, Sale, Shift
from outlet_pos.core.sales.shifts import CASH_ACCOUNT, expected_cash
from outlet_pos.extensions import db

# --- X and Z reports ----------------------------------------------------------------------


def shift_summary(shift: Shift) -> dict:
    """Figures of a shift for the X report (open) or the Z report (closed)."""
    sales = db.session.execute(
        select(Sale.kind, func.count(Sale.id), func.coalesce(func.sum(Sale.total), 0))
        .where(Sale.shift_id == shift.id)
        .group_by(Sale.kind)
    ).all()
    by_kind = {kind: (int(n), int(total)) for kind, n, total in sales}
    methods = db.session.execute(
        select(
            Sale.kind,
            Payment.method,
            func.coalesce(func.sum(Payment.amount), 0),
        )
        .join(Sale, Sale.id == Payment.sale_id)
        .where(Sale.shift_id == shift.id)
        .group_by(Sale.kind, Payment.method)
    ).all()
    change = int(
        db.session.scalar(
            select(func.coalesce(func.sum(Sale.change_amount), 0)).where(Sale.shift_id == shift.id)
        )
    )
    tenders = {
        m: {"label": label, "sales": 0, "refunds": 0} for m, label in PAYMENT_METHODS.items()
    }
    for kind, method, amount in methods:
        key = "sales" if kind == "sale" else "refunds"
        tenders.setdefault(method, {"label": method, "sales": 0, "refunds": 0})[key] += int(amount)
    tenders["tunai"]["sales"] -= change
    for row in tenders.values():
        row["net"] = row["sales"] - row["refunds"]

    cash_by_source = dict(
        (source, int(amount))
        for source, amount in db.session.execute(
            select(JournalEntry.source, func.sum(JournalLine.debit - JournalLine.credit))
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalEntry.shift_id == shift.id, Account.code == CASH_ACCOUNT)
            .group_by(JournalEntry.source)
        ).all()
    )
    movements = []
    for entry, amount in db.session.execute(
        select(JournalEntry, func.sum(JournalLine.debit - JournalLine.credit))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalEntry.shift_id == shift.id,
            JournalEntry.source == "shift",
            Account.code == CASH_ACCOUNT,
        )
        .group_by(JournalEntry.id)
        .order_by(JournalEntry.id)
    ).all():
        if not entry.memo.startswith("Selisih kas"):
            movements.append({"entry": entry, "amount": int(amount)})
    moved = sum(m["amount"] for m in movements)
    # Cash the drawer took or paid for other desks inside this shift (clinic bills, parcels,
    # COD, agent transactions, fish bought, expenses paid from the drawer...): one line per
    # kind of document, so the lines add up to the expected cash.
    others = [
        {"source": source, "label": SOURCE_LABELS.get(source, source), "amount": amount}
        for source, amount in sorted(cash_by_source.items())
        if source not in ("sale", "refund", "shift") and amount
    ]
    expected = shift.expected_cash if shift.status == "closed" else expected_cash(shift)
    return {
        "sales_count": by_kind.get("sale", (0, 0))[0],
        "sales_total": by_kind.get("sale", (0, 0))[1],
        "refund_count": by_kind.get("refund", (0, 0))[0],
        "refund_total": by_kind.get("refund", (0, 0))[1],
        "tenders": [row for row in tenders.values() if row["sales"] or row["refunds"]],
        "cash_sales": cash_by_source.get("sale", 0),
        "cash_refunds": -cash_by_source.get("refund", 0),
        "cash_in": sum(m["amount"] for m in movements if m["amount"] > 0),
        "cash_out": -sum(m["amount"] for m in movements if m["amount"] < 0),
        "cash_moved": moved,
        "movements": movements,
        "others": others,
        "expected": expected,
    }
