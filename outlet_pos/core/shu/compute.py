"""SHU arithmetic (DESIGN §3.5), pure and exact, and members' base figures from the ledger.

Pools: the SHU shared by the allocation percentages; each member pool (jasa modal, jasa usaha)
shared in proportion to the members' bases. Every sharing is the largest-remainder method
(``money.allocate``; ties to the lower member number), so parts add up to the whole to the
rupiah — ``tests/fixtures/shu_distribution.json`` holds the worked cases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import DEFAULT_SHU_ALLOCATION, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import allocate

MEMBER_POOLS = ("jasa_modal", "jasa_usaha")
CAPITAL_ACCOUNTS = ("311100", "311200")  # simpanan pokok, wajib
SUKARELA = "211200"
# Members' participation: purchases (sales to members, net of returns), loan interest paid,
# and (for units that buy from members) goods sold to the cooperative.
PARTICIPATION_REVENUE = ("411100", "412100", "413100", "414100", "415100", "416100")
SOLD_TO_COOP = ("114100",)

POOL_LABELS = {
    "cadangan": "Cadangan umum",
    "jasa_modal": "Jasa modal anggota",
    "jasa_usaha": "Jasa usaha (transaksi) anggota",
    "pengurus": "Dana pengurus",
    "karyawan": "Dana karyawan",
    "pendidikan": "Dana pendidikan",
    "sosial": "Dana sosial / pembangunan daerah kerja",
}


def pools(shu: int, allocation: dict[str, int | float]) -> dict[str, int]:
    """The SHU shared by the allocation percentages (largest remainder, ties in the given
    order). Percentages must add up to 100."""
    keys = list(allocation)
    if sum(allocation.values()) != 100:
        raise ValueError("allocation percentages must add up to 100")
    if shu <= 0:
        return {k: 0 for k in keys}
    return dict(zip(keys, allocate(shu, [allocation[k] for k in keys]), strict=True))


def share(pool: int, bases: dict[str, int]) -> dict[str, int]:
    """One pool shared over members in proportion to their bases; keys sorted so ties go to
    the lower member number. All-zero bases share nothing (the caller decides where it goes)."""
    numbers = sorted(bases)
    if pool <= 0 or not any(bases[n] > 0 for n in numbers):
        return {n: 0 for n in numbers}
    return dict(zip(numbers, allocate(pool, [max(bases[n], 0) for n in numbers]), strict=True))


@dataclass
class MemberBase:
    member_id: int
    number: str
    name: str
    capital_base: int = 0
    transactions: int = 0  # weighted by unit (see ShuSettings)
    by_unit: dict[int | None, int] = field(default_factory=dict)
    jasa_modal: int = 0
    jasa_usaha: int = 0

    @property
    def total(self) -> int:
        return self.jasa_modal + self.jasa_usaha


@dataclass
class Simulation:
    year: int
    shu: int
    allocation: dict[str, int]
    pools: dict[str, int]
    members: list[MemberBase]
    unshared: dict[str, int]  # a member pool nobody had a base for (goes to cadangan)


def allocation_of(coop: Cooperative) -> dict[str, int]:
    try:
        allocation = json.loads(coop.shu_allocation_json or "{}")
    except ValueError:
        allocation = {}
    return allocation or dict(DEFAULT_SHU_ALLOCATION)


def settings_of(coop: Cooperative):
    from outlet_pos.core.shu.models import ShuSettings

    found = db.session.scalar(select(ShuSettings).where(ShuSettings.cooperative_id == coop.id))
    return found or ShuSettings(
        cooperative_id=coop.id, include_sukarela=False, unit_weights_json="{}"
    )


def member_bases(coop: Cooperative, first: date, last: date) -> list[MemberBase]:
    """Each member's capital base (year-end pokok + wajib, optionally sukarela) and weighted
    transactions over the fiscal year, from journal lines carrying the member."""
    settings = settings_of(coop)
    weights = {int(k): int(v) for k, v in json.loads(settings.unit_weights_json or "{}").items()}
    capital_codes = CAPITAL_ACCOUNTS + ((SUKARELA,) if settings.include_sukarela else ())
    accounts = {
        a.code: a.id
        for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop.id))
    }
    cap_ids = [accounts[c] for c in capital_codes if c in accounts]
    rev_ids = [accounts[c] for c in PARTICIPATION_REVENUE if c in accounts]
    sold_ids = [accounts[c] for c in SOLD_TO_COOP if c in accounts]
    members = {
        m.id: MemberBase(m.id, m.member_number, m.name)
        for m in db.session.scalars(select(Member).where(Member.cooperative_id == coop.id))
    }
    capital = db.session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.credit - JournalLine.debit))
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id.in_(cap_ids),
            JournalLine.member_id.is_not(None),
            JournalLine.entry_date <= last,
        )
        .group_by(JournalLine.member_id)
    )
    for member_id, amount in capital:
        if member_id in members:
            members[member_id].capital_base = max(int(amount), 0)
    closing = select(JournalEntry.id).where(
        JournalEntry.cooperative_id == coop.id, JournalEntry.source == "closing"
    )
    moves = db.session.execute(
        select(
            JournalLine.member_id,
            JournalLine.unit_id,
            JournalLine.account_id,
            func.sum(JournalLine.credit),
            func.sum(JournalLine.debit),
        )
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id.in_(rev_ids + sold_ids),
            JournalLine.member_id.is_not(None),
            JournalLine.entry_date >= first,
            JournalLine.entry_date <= last,
            JournalLine.entry_id.not_in(closing),
        )
        .group_by(JournalLine.member_id, JournalLine.unit_id, JournalLine.account_id)
    )
    per_unit: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for member_id, unit_id, account_id, credit, debit in moves:
        amount = int(credit) - int(debit) if account_id in rev_ids else int(debit) - int(credit)
        per_unit[member_id][unit_id] += amount
    for member_id, units in per_unit.items():
        if member_id not in members:
            continue
        base = members[member_id]
        base.by_unit = {u: max(v, 0) for u, v in units.items()}
        # Weights are whole percentages; scaling every base by 100 keeps proportions exact.
        base.transactions = sum(v * weights.get(u, 100) for u, v in base.by_unit.items()) // 100
    return sorted(
        (b for b in members.values() if b.capital_base > 0 or b.transactions > 0),
        key=lambda b: b.number,
    )


def simulate(coop: Cooperative, year: int, shu: int, first: date, last: date) -> Simulation:
    allocation = allocation_of(coop)
    pool = pools(shu, allocation)
    bases = member_bases(coop, first, last)
    by_number = {b.number: b for b in bases}
    unshared: dict[str, int] = {}
    for key, attr in (("jasa_modal", "capital_base"), ("jasa_usaha", "transactions")):
        amount = pool.get(key, 0)
        shares = share(amount, {n: getattr(b, attr) for n, b in by_number.items()})
        if amount and not any(shares.values()):
            unshared[key] = amount
        for number, value in shares.items():
            setattr(by_number[number], key, value)
    return Simulation(year, shu, allocation, pool, bases, unshared)
