"""Cashier shifts: open with a float, cash in/out with a reason, close with a count.

Cash is derived from the ledger (DESIGN §2.5): every entry touching the drawer carries the
shift, and the expected cash is the float plus the sum of those entries' Kas lines. Closing
posts the difference as over (Pendapatan lain) or short (Selisih kas kurang).
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import post
from outlet_pos.core.sales.models import DENOMINATIONS, Shift
from outlet_pos.core.tenancy import Cooperative, Outlet, current_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

CASH_ACCOUNT = "111100"
MAX_CASH = 10**12

# Where cash goes to or comes from when it leaves or enters the drawer mid-shift.
CASH_COUNTER_ACCOUNTS = {
    "112100": "Setor ke / ambil dari bank",
    "111200": "Kas kecil",
    "612100": "Bayar listrik & air",
    "611100": "Bayar gaji/upah harian",
    "419100": "Pendapatan lain",
}


def open_shift_for(
    user, outlet: Outlet | None = None, coop: Cooperative | None = None
) -> Shift | None:
    """The user's open shift in one cooperative.

    A cashier who works for two cooperatives has one drawer in each, so the cooperative must
    be known: from ``coop``, else the outlet, else the request's current cooperative. With
    none of these (a CLI call) the answer is the user's only open shift, or None when there
    are several: never another cooperative's drawer by chance.
    """
    if coop is None and outlet is None:
        coop = current_cooperative()
    coop_id = coop.id if coop is not None else outlet.cooperative_id if outlet else None
    stmt = select(Shift).where(Shift.user_id == user.id, Shift.status == "open")
    if coop_id is not None:
        stmt = stmt.where(Shift.cooperative_id == coop_id)
    if outlet is not None:
        stmt = stmt.where(Shift.outlet_id == outlet.id)
    found = db.session.scalars(stmt.order_by(Shift.id).limit(2)).all()
    return found[0] if len(found) == 1 else None


def open_shift(coop: Cooperative, user, outlet: Outlet, float_amount: int, *, day=None) -> Shift:
    if outlet.cooperative_id != coop.id:
        raise DomainError("Gerai tidak ditemukan.")
    if type(float_amount) is not int or not 0 <= float_amount <= MAX_CASH:
        raise ValidationError("Modal awal harus rupiah bulat tidak negatif.", field="float")
    if open_shift_for(user, coop=coop) is not None:
        raise DomainError("Anda masih memiliki shift yang terbuka; tutup dulu shift itu.")
    shift = Shift(
        cooperative_id=coop.id,
        outlet_id=outlet.id,
        user_id=user.id,
        business_date=day or coop.today(),
        float_amount=float_amount,
        status="open",
    )
    db.session.add(shift)
    db.session.flush()
    record(
        "shift.open",
        user=user,
        cooperative=coop,
        target=f"shift {shift.id}",
        detail={"float": float_amount, "outlet": outlet.code},
    )
    return shift


def ledger_cash(shift: Shift) -> int:
    """Sum of the Kas lines of every entry carrying this shift."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalEntry.shift_id == shift.id, Account.code == CASH_ACCOUNT)
        )
    )


def expected_cash(shift: Shift) -> int:
    return shift.float_amount + ledger_cash(shift)


def _require_open(shift: Shift, user) -> Shift:
    """Lock the shift row and check it is this user's open shift (re-read after the lock:
    two closes at once, or a sale racing the close, must not both pass)."""
    from outlet_pos.core.sales.checkout import lock_row

    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift ini sudah ditutup.")
    if shift.user_id != user.id:
        raise DomainError("Shift ini milik kasir lain.")
    return shift


def cash_movement(
    shift: Shift, user, direction: str, amount: int, account: str, reason: str, *, day=None
) -> JournalEntry:
    """Cash leaving (``out``) or entering (``in``) the drawer mid-shift, with a reason."""
    shift = _require_open(shift, user)
    reason = (reason or "").strip()
    if direction not in ("in", "out"):
        raise ValidationError("Arah kas tidak dikenal.", field="direction")
    if type(amount) is not int or not 0 < amount <= MAX_CASH:
        raise ValidationError("Jumlah harus rupiah bulat lebih dari nol.", field="amount")
    if account not in CASH_COUNTER_ACCOUNTS:
        raise ValidationError("Pilih tujuan/asal kas.", field="account")
    if len(reason) < 3:
        raise ValidationError("Alasan wajib diisi.", field="reason")
    if direction == "out" and amount > expected_cash(shift):
        raise DomainError(
            f"Kas di laci hanya {format_rupiah(expected_cash(shift))}; tidak cukup untuk "
            f"mengeluarkan {format_rupiah(amount)}."
        )
    coop = db.session.get(Cooperative, shift.cooperative_id)
    lines = (
        [(CASH_ACCOUNT, amount, 0), (account, 0, amount)]
        if direction == "in"
        else [(account, amount, 0), (CASH_ACCOUNT, 0, amount)]
    )
    label = "Kas masuk" if direction == "in" else "Kas keluar"
    entry = post(
        coop,
        day or coop.today(),
        f"{label}: {reason}"[:500],
        lines,
        source="shift",
        source_ref=f"shift {shift.id}",
        user=user,
        shift=shift,
    )
    record(
        "shift.cash_" + direction,
        user=user,
        cooperative=coop,
        target=f"shift {shift.id}",
        detail={"amount": amount, "account": account, "reason": reason},
    )
    return entry


def count_total(denominations: dict[int, int]) -> int:
    total = 0
    for value, count in denominations.items():
        if value not in DENOMINATIONS:
            raise ValidationError(f"Pecahan {value} tidak dikenal.", field="count")
        if type(count) is not int or not 0 <= count <= 100_000:
            raise ValidationError("Jumlah lembar/keping harus bilangan bulat.", field="count")
        total += value * count
    return total


def close_shift(
    shift: Shift,
    user,
    counted: int,
    denominations: dict[int, int] | None = None,
    note: str = "",
    *,
    day=None,
) -> Shift:
    """Close with a cash count; post over/short against the ledger's expected cash."""
    shift = _require_open(shift, user)
    if denominations:
        total = count_total(denominations)
        if counted is not None and counted != total:
            raise ValidationError(
                "Jumlah hitungan tidak sama dengan rincian pecahan.", field="counted"
            )
        counted = total
    if type(counted) is not int or not 0 <= counted <= MAX_CASH:
        raise ValidationError("Hasil hitung kas harus rupiah bulat tidak negatif.", field="counted")
    expected = expected_cash(shift)
    diff = counted - expected
    coop = db.session.get(Cooperative, shift.cooperative_id)
    if diff:
        lines = (
            [(CASH_ACCOUNT, diff, 0), ("419100", 0, diff)]
            if diff > 0
            else [("616100", -diff, 0), (CASH_ACCOUNT, 0, -diff)]
        )
        post(
            coop,
            day or coop.today(),
            f"Selisih kas {'lebih' if diff > 0 else 'kurang'} shift {shift.id}",
            lines,
            source="shift",
            source_ref=f"shift {shift.id}",
            user=user,
            shift=shift,
        )
    shift.expected_cash = expected
    shift.counted_cash = counted
    shift.over_short = diff
    shift.denominations_json = json.dumps({str(k): v for k, v in (denominations or {}).items()})
    shift.close_note = (note or "").strip()[:300]
    shift.status = "closed"
    shift.closed_at = utcnow()
    db.session.flush()
    record(
        "shift.close",
        user=user,
        cooperative=coop,
        target=f"shift {shift.id}",
        detail={"expected": expected, "counted": counted, "over_short": diff},
    )
    return shift
