"""Simpanan wajib: the monthly obligation from the join month, the arrears it leaves, and
bulk collection of many members' wajib in one entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.db import pk
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.common import (
    counter_side,
    month_key,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.models import (
    SavingsAccount,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.savings import (
    CHUNK,
    Move,
    _require_active_member,
    account_for,
    apply_moves,
)


def months_between(start: date, end: date) -> int:
    """Months of obligation from the join month through ``end``'s month, inclusive."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass
class WajibStatus:
    member: Member
    months: int
    due: int
    paid: int

    @property
    def arrears(self) -> int:
        return max(0, self.due - self.paid)

    @property
    def months_behind(self) -> int:
        amount = self.due // self.months if self.months else 0
        return -(-self.arrears // amount) if amount else 0


def wajib_status(coop: Cooperative, as_of: date | None = None) -> list[WajibStatus]:
    """Every active member's wajib obligation to date against what they have paid."""
    as_of = as_of or coop.today()
    paid = dict(
        db.session.execute(
            select(SavingsAccount.member_id, SavingsAccount.balance).where(
                SavingsAccount.cooperative_id == coop.id, SavingsAccount.kind == "wajib"
            )
        ).all()
    )
    rows = []
    members = db.session.scalars(
        select(Member)
        .where(Member.cooperative_id == coop.id, Member.status == "aktif")
        .order_by(Member.member_number)
    )
    for member in members:
        months = months_between(member.join_date, as_of)
        rows.append(
            WajibStatus(member, months, months * coop.simpanan_wajib_amount, paid.get(member.id, 0))
        )
    return rows


def _load_members_and_wajib(coop: Cooperative, member_ids: list) -> dict[int, SavingsAccount]:
    """Read a collector's whole list up front, a few statements instead of two per member:
    the members go into the session (the checks below then find them without a query) and
    each one's wajib account is handed back; one still without an account is opened by
    ``account_for`` as before."""
    ids = sorted({i for i in member_ids if type(i) is int})
    found: dict[int, SavingsAccount] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        db.session.scalars(select(Member).where(Member.id.in_(chunk))).all()
        for account in db.session.scalars(
            select(SavingsAccount)
            .where(
                SavingsAccount.cooperative_id == pk(coop),
                SavingsAccount.member_id.in_(chunk),
                SavingsAccount.kind == "wajib",
            )
            .order_by(SavingsAccount.id)
        ):
            found.setdefault(account.member_id, account)
    return found


def pay_wajib(
    coop: Cooperative,
    payments: list[tuple[int, int]],
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> list[SavingsTxn]:
    """Bulk wajib collection: ``(member_id, months)`` pairs, all in one entry and transaction,
    as when a collector brings the month's wajib from a hamlet."""
    if not payments:
        raise ValidationError("Pilih paling sedikit satu anggota.", field="members")
    amount_each = coop.simpanan_wajib_amount
    if amount_each <= 0:
        raise DomainError("Besar simpanan wajib belum diatur di AD/ART koperasi.")
    day = day or coop.today()
    accounts = _load_members_and_wajib(coop, [member_id for member_id, _ in payments])
    moves = []
    total = 0
    for member_id, months in payments:
        if type(months) is not int or not 1 <= months <= 120:
            raise ValidationError("Jumlah bulan 1–120.", field="months")
        member = _require_active_member(coop, member_id)
        account = accounts.get(member.id) or account_for(coop, member, "wajib")
        moves.append(
            Move(
                account,
                months * amount_each,
                "setor",
                f"Wajib {months} bln {member.name}",
                month_key(day),
            )
        )
        total += months * amount_each
    counter, shift = counter_side(coop, via, shift, user)
    unit = simpin_unit(coop)
    return apply_moves(
        coop,
        day,
        f"Setoran simpanan wajib {len(moves)} anggota",
        moves,
        [LineInput(counter, total, 0, unit, None)],
        user=user,
        shift=shift,
        unit=unit,
    )
