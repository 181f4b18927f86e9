"""Loan reports: the portfolio by collectibility with the allowance it requires, and the
arrears list for field collection, grouped by desa."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from outlet_pos.core.documents import Column
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number
from outlet_pos.units.simpan_pinjam import loan_risk, loans, repayment
from outlet_pos.units.simpan_pinjam.common import policy
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    Loan,
)
from outlet_pos.units.simpan_pinjam.reports import Table, _members, pdf_cell, percent
from outlet_pos.units.simpan_pinjam.schedule import METHODS


@dataclass
class PortfolioLoan:
    loan: Loan
    member: Member
    outstanding: int
    dpd: int
    cls: str


@dataclass
class ClassRow:
    code: str
    name: str
    rate: str  # allowance rate as the policy holds it ("5")
    count: int = 0
    outstanding: int = 0
    allowance: int = 0
    loans: list[PortfolioLoan] = field(default_factory=list)


@dataclass
class Portfolio:
    day: date
    classes: list[ClassRow]
    allowance_held: int  # credit balance of 113390 at the day

    @property
    def count(self) -> int:
        return sum(c.count for c in self.classes)

    @property
    def outstanding(self) -> int:
        return sum(c.outstanding for c in self.classes)

    @property
    def allowance(self) -> int:
        return sum(c.allowance for c in self.classes)

    @property
    def shortfall(self) -> int:
        return self.allowance - self.allowance_held


def portfolio(coop: Cooperative, day: date) -> Portfolio:
    """Every loan owing at ``day`` by class, with the allowance each class requires: the same
    figures the month-end allowance run posts."""
    rows = loan_risk.portfolio(coop, day)
    _, by_class = loan_risk.required_allowance(coop, day)
    rates = policy(coop)["allowance_percent"]
    classes = {
        code: ClassRow(
            code,
            name,
            str(rates[code]),
            by_class[code]["count"],
            by_class[code]["outstanding"],
            by_class[code]["allowance"],
        )
        for code, name in COLLECTIBILITY.items()
    }
    members = _members({r["loan"].member_id for r in rows})
    for r in sorted(rows, key=lambda r: (-r["dpd"], r["loan"].number)):
        loan = r["loan"]
        classes[r["class"]].loans.append(
            PortfolioLoan(loan, members[loan.member_id], r["outstanding"], r["dpd"], r["class"])
        )
    return Portfolio(day, list(classes.values()), loan_risk.allowance_balance(coop, as_of=day))


def portfolio_table(p: Portfolio) -> Table:
    columns = [
        Column("Kolektibilitas / pinjaman", 0.16),
        Column("Anggota", 0.22),
        Column("Metode", 0.09),
        Column("Tgl cair", 0.10),
        Column("Hari tunggak", 0.08, "right"),
        Column("Jumlah", 0.07, "right"),
        Column("Sisa pokok", 0.12, "right"),
        Column("Tarif", 0.06, "right"),
        Column("Cadangan wajib", 0.12, "right"),
    ]
    rows: list[list[object]] = []
    for c in p.classes:
        rows.append(
            [
                f"{c.name} ({c.code})",
                None,
                None,
                None,
                None,
                c.count,
                c.outstanding,
                percent(c.rate),
                c.allowance,
            ]
        )
        for pl in c.loans:
            rows.append(
                [
                    f"  {pl.loan.number}",
                    f"{pl.member.member_number} {pl.member.name}",
                    METHODS.get(pl.loan.method, pl.loan.method),
                    pl.loan.disbursed_on,
                    pl.dpd,
                    None,
                    pl.outstanding,
                    None,
                    None,
                ]
            )
    totals = ["Jumlah", None, None, None, None, p.count, p.outstanding, None, p.allowance]
    notes = [
        f"Cadangan kerugian pinjaman tercatat (akun 113390) per {tanggal(p.day)}: "
        f"{format_number(p.allowance_held)}; kekurangan (kelebihan) terhadap cadangan wajib: "
        f"{pdf_cell(p.shortfall)}.",
        "Kolektibilitas menurut hari tunggak angsuran tertua yang belum lunas; tarif cadangan "
        "menurut kebijakan koperasi. Cadangan dihitung per golongan.",
    ]
    return Table(columns, rows, totals, notes, landscape=True)


@dataclass
class ArrearsRow:
    loan: Loan
    member: Member
    installments: int  # installments due and not fully paid
    oldest_due: date
    dpd: int
    penalty: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal

    @property
    def desa(self) -> str:
        return self.member.desa or "(tanpa desa)"


def arrears(coop: Cooperative, day: date) -> list[ArrearsRow]:
    """Running loans with an installment past due at ``day``, with what to collect today
    (penalty, interest, principal of every installment due), sorted by desa for the round."""
    active = list(
        db.session.scalars(
            select(Loan).where(Loan.cooperative_id == coop.id, Loan.status == "aktif")
        )
    )
    members = _members({loan.member_id for loan in active})
    rows = []
    for loan in active:
        due = repayment.amount_due(loan, day)
        if due["days_past_due"] <= 0:
            continue
        owing = [i for i in loans.open_installments(loan) if i.due_date <= day]
        rows.append(
            ArrearsRow(
                loan,
                members[loan.member_id],
                len(owing),
                min(i.due_date for i in owing),
                due["days_past_due"],
                due["penalty"],
                due["interest"],
                due["principal"],
            )
        )
    rows.sort(
        key=lambda r: (not r.member.desa, r.desa.lower(), r.member.name.lower(), r.loan.number)
    )
    return rows


def arrears_table(rows: list[ArrearsRow]) -> Table:
    columns = [
        Column("Desa", 0.10),
        Column("Anggota", 0.17),
        Column("Telepon", 0.10),
        Column("Pinjaman", 0.10),
        Column("Angs.", 0.05, "right"),
        Column("Jatuh tempo", 0.09),
        Column("Hari", 0.05, "right"),
        Column("Denda", 0.08, "right"),
        Column("Bunga", 0.08, "right"),
        Column("Pokok", 0.09, "right"),
        Column("Total tagihan", 0.10, "right"),
    ]
    body = [
        [
            r.desa,
            f"{r.member.member_number} {r.member.name}",
            r.member.phone or "",
            r.loan.number,
            r.installments,
            r.oldest_due,
            r.dpd,
            r.penalty,
            r.interest,
            r.principal,
            r.total,
        ]
        for r in rows
    ]
    totals = [
        "Jumlah",
        f"{len(rows)} pinjaman",
        None,
        None,
        sum(r.installments for r in rows),
        None,
        None,
        sum(r.penalty for r in rows),
        sum(r.interest for r in rows),
        sum(r.principal for r in rows),
        sum(r.total for r in rows),
    ]
    notes = [
        "Tagihan = denda, bunga dan pokok semua angsuran yang sudah jatuh tempo; denda dihitung "
        "sampai tanggal laporan. Jatuh tempo = angsuran tertua yang belum lunas."
    ]
    return Table(columns, body, totals, notes, landscape=True)


def by_desa(rows: list[ArrearsRow]) -> list[tuple[str, list[ArrearsRow]]]:
    """Arrears rows grouped by desa, in the order of the list (already sorted by desa)."""
    groups: dict[str, list[ArrearsRow]] = defaultdict(list)
    for r in rows:
        groups[r.desa].append(r)
    return list(groups.items())
