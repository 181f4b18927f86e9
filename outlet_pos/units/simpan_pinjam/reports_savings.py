"""Savings reports: balances per member and kind at a date, and the interest credited and
final tax withheld per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from outlet_pos.core.documents import Column
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import (
    SAVINGS_KINDS,
    SavingsAccount,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.reports import MONTHS_LONG, Table, savings_at


@dataclass
class SavingsRow:
    member: Member
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass
class SavingsReport:
    day: date
    rows: list[SavingsRow]

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(r.by_kind[k] for r in self.rows) for k in SAVINGS_KINDS}

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def savings_balances(coop: Cooperative, day: date) -> SavingsReport:
    """Every member with savings at ``day``, and every active member (a zero row shows who has
    not saved yet)."""
    held = savings_at(coop, day)
    with_money = {m for (m, _), amount in held.items() if amount}
    members = db.session.scalars(
        select(Member)
        .where(
            Member.cooperative_id == coop.id,
            (Member.status == "aktif") | Member.id.in_(with_money or {0}),
            Member.join_date <= day,
        )
        .order_by(Member.member_number)
    )
    rows = [
        SavingsRow(m, {kind: held.get((m.id, kind), 0) for kind in SAVINGS_KINDS}) for m in members
    ]
    return SavingsReport(day, rows)


def savings_table(report: SavingsReport) -> Table:
    columns = [
        Column("No. anggota", 0.11),
        Column("Nama", 0.22),
        Column("Desa", 0.13),
        *[
            Column(label.replace("Simpanan ", "").capitalize(), 0.11, "right")
            for label in SAVINGS_KINDS.values()
        ],
        Column("Jumlah", 0.12, "right"),
    ]
    rows = [
        [
            r.member.member_number,
            r.member.name + ("" if r.member.status == "aktif" else f" ({r.member.status})"),
            r.member.desa,
            *[r.by_kind[k] for k in SAVINGS_KINDS],
            r.total,
        ]
        for r in report.rows
    ]
    totals = ["Jumlah", f"{len(rows)} anggota", None, *report.totals.values(), report.total]
    notes = [
        "Pokok dan wajib adalah ekuitas (311100, 311200); sukarela dan berjangka adalah "
        "liabilitas (211200, 211300). Jumlah per jenis sama dengan saldo akun kontrolnya "
        "(lihat laporan rekonsiliasi)."
    ]
    return Table(columns, rows, totals, notes, landscape=True)


@dataclass
class InterestMonth:
    month: int
    interest: int = 0
    tax: int = 0
    members: int = 0  # members credited with interest
    taxed: int = 0  # members whose interest was above the threshold

    @property
    def net(self) -> int:
        return self.interest - self.tax

    @property
    def label(self) -> str:
        return MONTHS_LONG[self.month - 1]


def interest_by_month(coop: Cooperative, year: int) -> list[InterestMonth]:
    """Interest credited and 10% final tax withheld, per month of ``year``, from the savings
    transactions (``bunga`` and ``pajak``) — the figures on the members' passbooks."""
    months = {m: InterestMonth(m) for m in range(1, 13)}
    rows = db.session.execute(
        select(
            SavingsTxn.day,
            SavingsTxn.kind,
            func.sum(SavingsTxn.amount),
            func.count(distinct(SavingsAccount.member_id)),
        )
        .join(SavingsAccount, SavingsAccount.id == SavingsTxn.account_id)
        .where(
            SavingsTxn.cooperative_id == coop.id,
            SavingsTxn.kind.in_(("bunga", "pajak")),
            SavingsTxn.day >= date(year, 1, 1),
            SavingsTxn.day <= date(year, 12, 31),
        )
        .group_by(SavingsTxn.day, SavingsTxn.kind)
    )
    for day, kind, amount, count in rows:
        row = months[day.month]
        if kind == "bunga":
            row.interest += int(amount)
            row.members += int(count)
        else:
            row.tax -= int(amount)
            row.taxed += int(count)
    return list(months.values())


def interest_table(rows: list[InterestMonth], year: int) -> Table:
    columns = [
        Column("Bulan", 0.16),
        Column("Anggota menerima bunga", 0.16, "right"),
        Column("Bunga", 0.17, "right"),
        Column("Anggota dipotong pajak", 0.16, "right"),
        Column("PPh final 10%", 0.17, "right"),
        Column("Bunga bersih", 0.17, "right"),
    ]
    body = [[f"{r.label} {year}", r.members, r.interest, r.taxed, r.tax, r.net] for r in rows]
    totals = [
        "Jumlah",
        None,
        sum(r.interest for r in rows),
        None,
        sum(r.tax for r in rows),
        sum(r.net for r in rows),
    ]
    notes = [
        "PPh final 10% dipotong bila bunga simpanan seorang anggota dalam sebulan melebihi "
        "Rp240.000, dan disetor dari akun 211600 Utang pajak."
    ]
    return Table(columns, body, totals, notes)
