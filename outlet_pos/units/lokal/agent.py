"""Agent services (PPOB / agen bank): money passed through for a provider, and the fee.

The amount passed through is never the cooperative's income: it sits in 212100 Titipan dana
agen until the provider is settled. Only the fee is revenue (416100, with the unit id).
At the counter, in the cashier's open shift (one entry per transaction):
- money in (pulsa, token, BPJS, setor tunai, transfer): Dr 111100 amount + fee /
  Cr 212100 amount / Cr 416100 fee;
- tarik tunai (the customer takes cash out): Dr 212100 amount / Cr 111100 amount − fee /
  Cr 416100 fee — the drawer pays out, the provider owes us.
Settling with the provider moves the unit's whole open float through the bank:
Dr 212100 / Cr bank when we owe them, the mirror when they owe us, and 212100 is back to zero.
A wrong transaction is never edited: a manager voids it by its counter-entry in an open shift
(the drawer gives back what it took) as long as it has not been settled with the provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import is_reversed
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.lokal.fish_common import void_reason
from outlet_pos.units.lokal.models import AgentSettlement, AgentTxn, LocalUnitProfile, profile_of

FLOAT = "212100"
FEE = "416100"
MAX_AMOUNT = 1_000_000_000
# code -> (label, +1 cash comes in / -1 cash goes out)
TYPES: dict[str, tuple[str, int]] = {
    "pulsa": ("Pulsa / paket data", 1),
    "token_listrik": ("Token listrik", 1),
    "bpjs": ("BPJS", 1),
    "tarik_tunai": ("Tarik tunai", -1),
    "setor_tunai": ("Setor tunai", 1),
    "transfer": ("Transfer", 1),
}


def _agent_unit(coop: Cooperative, unit: BusinessUnit) -> LocalUnitProfile:
    profile = profile_of(unit)
    if unit.cooperative_id != coop.id or profile is None or profile.template != "agen":
        raise NotFound("Unit agen tidak ditemukan.")
    return profile


def _money(value: object, label: str, field_name: str, *, lo: int) -> int:
    if type(value) is not int or not lo <= value <= MAX_AMOUNT:
        raise ValidationError(f"{label} harus rupiah bulat, paling sedikit {format_rupiah(lo)}.",
                              field=field_name)  # fmt: skip
    return value


def _drawer(coop: Cooperative, user, cash_out: int) -> Shift:
    shift = shifts.open_shift_for(user, coop=coop) if user is not None else None
    if shift is None or shift.cooperative_id != coop.id:
        raise DomainError("Transaksi agen dicatat dalam shift kasir yang terbuka; buka shift dulu.",
                          field="txn_type")  # fmt: skip
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift Anda sudah ditutup.", field="txn_type")
    have = shifts.expected_cash(shift)
    if cash_out > have:
        raise DomainError(f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk "
                          f"membayar {format_rupiah(cash_out)}.", field="amount")  # fmt: skip
    return shift


def record_txn(
    coop: Cooperative,
    unit: BusinessUnit,
    user,
    *,
    txn_type: str,
    amount: int,
    fee: int,
    customer: str = "",
    reference: str = "",
    idempotency_key: str | None = None,
) -> AgentTxn:
    """One agent transaction at the counter (flush only); a refusal writes nothing.

    ``idempotency_key`` is the form's one-time key: a double submit (two clicks, a resent
    POST) hands back the first transaction instead of taking the customer's money twice."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        done = db.session.scalar(
            select(AgentTxn).where(AgentTxn.cooperative_id == coop.id,
                                   AgentTxn.idempotency_key == key)
        )  # fmt: skip
        if done is not None:
            return done
    _agent_unit(coop, unit)
    if txn_type not in TYPES:
        raise ValidationError("Pilih jenis transaksi.", field="txn_type")
    amount = _money(amount, "Nominal", "amount", lo=1)
    fee = _money(fee, "Fee", "fee", lo=0)
    label, sign = TYPES[txn_type]
    cash = amount + fee if sign > 0 else fee - amount
    shift = _drawer(coop, user, max(-cash, 0))
    day = coop.today()
    lines = [(FLOAT, 0, amount, unit.id) if sign > 0 else (FLOAT, amount, 0, unit.id)]
    if fee:
        lines.append((FEE, 0, fee, unit.id))
    if cash:
        lines.append(
            (shifts.CASH_ACCOUNT, cash, 0) if cash > 0 else (shifts.CASH_ACCOUNT, 0, -cash)
        )
    customer = (customer or "").strip()[:200]
    reference = (reference or "").strip()[:100]
    memo = f"Agen {label} {format_rupiah(amount)} {customer} {reference}".strip()
    entry = post(coop, day, memo[:500], lines, source="lokal", source_ref=f"AGEN-{txn_type}",
                 unit=unit.id, user=user, shift=shift)  # fmt: skip
    txn = AgentTxn(
        cooperative_id=coop.id, unit_id=unit.id, day=day, txn_type=txn_type, amount=amount,
        fee=fee, customer=customer, reference=reference, shift_id=shift.id, entry_id=entry.id,
        created_by_id=getattr(user, "id", None), idempotency_key=key,
    )  # fmt: skip
    db.session.add(txn)
    db.session.flush()
    record("local.agent.txn", user=user, cooperative=coop, target=unit.code,
           detail={"type": txn_type, "amount": amount, "fee": fee})  # fmt: skip
    return txn


def _open_rows(coop: Cooperative, unit: BusinessUnit):
    """The unit's unsettled, unvoided transactions: the float owed one way or the other."""
    return (AgentTxn.cooperative_id == coop.id, AgentTxn.unit_id == unit.id,
            AgentTxn.settlement_id.is_(None), AgentTxn.void_entry_id.is_(None))  # fmt: skip


def _float_of(txns) -> int:
    return sum(TYPES[t.txn_type][1] * t.amount for t in txns)


def open_float(coop: Cooperative, unit: BusinessUnit) -> int:
    """What the unit owes the provider now (+) or the provider owes it (−): the unsettled
    transactions, which is also the unit's 212100 balance (credit side positive)."""
    rows = db.session.execute(
        select(AgentTxn.txn_type, func.sum(AgentTxn.amount))
        .where(*_open_rows(coop, unit))
        .group_by(AgentTxn.txn_type)
    ).all()  # fmt: skip
    return sum(TYPES[t][1] * int(v) for t, v in rows)


def settle(coop: Cooperative, unit: BusinessUnit, user, *, bank_account: str) -> AgentSettlement:
    """Settle every open transaction of the unit with the provider through ``bank_account``."""
    from outlet_pos.core.expenses.services import is_paid_from, resolve_account

    _agent_unit(coop, unit)
    if not is_paid_from(bank_account or "") or bank_account == shifts.CASH_ACCOUNT:
        raise ValidationError("Pilih rekening bank atau kas kecil.", field="bank_account")
    resolve_account(coop, bank_account, "bank_account", "Rekening tidak dikenal.")
    lock_row(BusinessUnit, unit.id)  # two settlements at once cannot both take the float
    # Select the open rows ONCE, locked: the amount posted is the sum of exactly the rows
    # marked, so a transaction recorded meanwhile waits for the next settlement.
    txns = list(
        db.session.scalars(
            lock_for_update(select(AgentTxn).where(*_open_rows(coop, unit)).order_by(AgentTxn.id))
        )
    )
    amount = _float_of(txns)
    if amount == 0:
        raise DomainError("Tidak ada dana titipan agen yang perlu disetor.")
    day = coop.today()
    if amount > 0:
        lines = [(FLOAT, amount, 0, unit.id), (bank_account, 0, amount)]
        memo = f"Setor dana agen {unit.name} ke penyedia {format_rupiah(amount)}"
    else:
        lines = [(bank_account, -amount, 0), (FLOAT, 0, -amount, unit.id)]
        memo = f"Terima dana agen {unit.name} dari penyedia {format_rupiah(-amount)}"
    entry = post(coop, day, memo, lines, source="lokal", source_ref="AGEN-SETOR", unit=unit.id,
                 user=user)  # fmt: skip
    settlement = AgentSettlement(cooperative_id=coop.id, unit_id=unit.id, day=day, amount=amount,
                                 account_code=bank_account, entry_id=entry.id,
                                 created_by_id=getattr(user, "id", None))  # fmt: skip
    db.session.add(settlement)
    db.session.flush()
    for txn in txns:
        txn.settlement_id = settlement.id
    db.session.flush()
    record("local.agent.settle", user=user, cooperative=coop, target=unit.code,
           detail={"amount": amount, "account": bank_account, "txns": len(txns)})  # fmt: skip
    return settlement


def void_txn(coop: Cooperative, txn: AgentTxn, user, shift: Shift | None, reason: str) -> AgentTxn:
    """Void a wrong agent transaction by its counter-entry in an open shift (flush only).

    Only a manager (local.manage) may: the cashier who typed it must not make money vanish.
    Refused once the transaction has been settled with the provider (the float has left the
    cooperative; a correction then goes through the provider). The drawer must hold what the
    reversal pays back. ``shift`` defaults to the manager's own open shift."""
    reason = void_reason(coop, user, reason, "transaksi agen")
    if txn.cooperative_id != coop.id:
        raise NotFound("Transaksi agen tidak ditemukan.")
    txn = lock_row(AgentTxn, txn.id)
    if txn.void_entry_id is not None:
        raise DomainError("Transaksi agen ini sudah dibatalkan.")
    if txn.settlement_id is not None:
        raise DomainError("Transaksi agen ini sudah disetor ke penyedia; koreksi lewat penyedia.")
    from outlet_pos.core.ledger.models import JournalEntry

    entry = db.session.get(JournalEntry, txn.entry_id)
    if entry is None or is_reversed(entry) is not None:
        raise DomainError("Jurnal transaksi ini sudah dibalik.")
    label, sign = TYPES[txn.txn_type]
    cash = txn.amount + txn.fee if sign > 0 else txn.fee - txn.amount
    if shift is not None and (shift.cooperative_id != coop.id or shift.user_id != user.id):
        raise DomainError("Pembatalan dicatat dalam shift Anda sendiri.")
    shift = _drawer(coop, user, max(cash, 0))
    lines = [(ln.account, ln.credit, ln.debit, ln.unit_id, ln.member_id, ln.memo)
             for ln in entry.lines]  # fmt: skip
    counter = post(coop, coop.today(), f"Batal agen {label} {format_rupiah(txn.amount)}: "
                   f"{reason}"[:500], lines, source="lokal", source_ref=f"AGEN-{txn.txn_type}",
                   unit=txn.unit_id, user=user, reverses=entry, shift=shift)  # fmt: skip
    txn.void_entry_id = counter.id
    txn.voided_by_id = user.id
    txn.voided_at = utcnow()
    txn.void_reason = reason
    db.session.flush()
    record("local.agent.void", user=user, cooperative=coop, target=str(txn.id),
           detail={"type": txn.txn_type, "amount": txn.amount, "fee": txn.fee,
                   "reason": reason, "entry": counter.number})  # fmt: skip
    return txn


@dataclass
class DaySummary:
    txns: list[AgentTxn]
    per_type: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    total_amount: int = 0
    total_fee: int = 0

    @property
    def count(self) -> int:
        """Transactions that stand (voided ones are listed but not counted)."""
        return sum(n for _c, _l, n, _a, _f in self.per_type)


def day_summary(coop: Cooperative, unit: BusinessUnit, day: date) -> DaySummary:
    """The day's transactions and, per type, the count, amount and fees (voided ones left out)."""
    txns = list(
        db.session.scalars(
            select(AgentTxn)
            .where(AgentTxn.cooperative_id == coop.id, AgentTxn.unit_id == unit.id,
                   AgentTxn.day == day)
            .order_by(AgentTxn.id)
        )
    )  # fmt: skip
    out = DaySummary(txns)
    for code, (label, _sign) in TYPES.items():
        mine = [t for t in txns if t.txn_type == code and t.void_entry_id is None]
        if mine:
            amount, fee = sum(t.amount for t in mine), sum(t.fee for t in mine)
            out.per_type.append((code, label, len(mine), amount, fee))
            out.total_amount += amount
            out.total_fee += fee
    return out


def settlements(coop: Cooperative, unit: BusinessUnit, limit: int = 10) -> list[AgentSettlement]:
    return list(
        db.session.scalars(
            select(AgentSettlement)
            .where(AgentSettlement.cooperative_id == coop.id, AgentSettlement.unit_id == unit.id)
            .order_by(AgentSettlement.id.desc())
            .limit(limit)
        )
    )
