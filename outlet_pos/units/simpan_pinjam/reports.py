"""Reports of the savings-and-loans unit: loan portfolio by collectibility, arrears for field
collection, savings balances, interest and tax withheld, and the subledger reconciliation.

Each report is a query returning plain rows plus a ``Table`` spec of raw cells (int rupiah,
date, text) that the page, the PDF and the workbook all read, so the three never disagree.
Figures come from the unit's services (``loan_risk.portfolio``, ``repayment.amount_due``, ...);
nothing here recomputes a rule those services own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table, pdf_cell  # noqa: F401 - the units' reports build these
from outlet_pos.core.ledger.models import MONTHS_ID, Account
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import (
    SAVINGS_ACCOUNTS,
    SAVINGS_KINDS,
    Loan,
    LoanPayment,
    SavingsAccount,
    SavingsTxn,
)

MONTHS_LONG = MONTHS_ID  # January..December in Indonesian
LOAN_CONTROL = "113300"
# Control accounts in the order of the chart: equity first, then liabilities, then the asset.
RECONCILED = ("311100", "311200", "211200", "211300", LOAN_CONTROL)


# --- table specs, one for the PDF and the workbook ------------------------------------------


def percent(value: object) -> str:
    """``Decimal("0.5")`` as ``0,5%``; the policy keeps rates as strings of decimals."""
    text = format(Decimal(str(value)).normalize(), "f")
    return f"{text.replace('.', ',')}%"


def _members(ids: set[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))}


# --- reconciliation of member subledgers to control accounts --------------------------------


@dataclass
class ReconRow:
    code: str
    name: str
    ledger: int  # on the account's normal side
    subledger: int
    items: int  # accounts or loans carrying a balance

    @property
    def difference(self) -> int:
        return self.ledger - self.subledger

    @property
    def ok(self) -> bool:
        return self.difference == 0


def loans_at(coop: Cooperative, day: date) -> tuple[int, int]:
    """Principal owed at the end of ``day`` and the number of loans owing it, in three
    aggregates: lent up to the day, less principal repaid, less written off by then."""
    lent = select(Loan.id, Loan.principal).where(
        Loan.cooperative_id == coop.id, Loan.disbursed_on.is_not(None), Loan.disbursed_on <= day
    )
    owed = {loan_id: int(principal) for loan_id, principal in db.session.execute(lent)}
    for loan_id, paid in db.session.execute(
        select(LoanPayment.loan_id, func.sum(LoanPayment.principal))
        .where(LoanPayment.cooperative_id == coop.id, LoanPayment.day <= day)
        .group_by(LoanPayment.loan_id)
    ):
        if loan_id in owed:
            owed[loan_id] -= int(paid)
    for loan_id, amount in db.session.execute(
        select(Loan.id, Loan.written_off).where(
            Loan.cooperative_id == coop.id,
            Loan.status == "hapus_buku",
            Loan.closed_on <= day,
        )
    ):
        if loan_id in owed:
            owed[loan_id] -= int(amount)
    return sum(owed.values()), sum(1 for v in owed.values() if v)


def savings_at(coop: Cooperative, day: date) -> dict[tuple[int, str], int]:
    """Balance per (member, kind) at the end of ``day``: the sum of the transactions up to it
    (an account's balance is always the sum of its transactions; verify checks it)."""
    rows = db.session.execute(
        select(
            SavingsAccount.member_id,
            SavingsAccount.kind,
            func.coalesce(func.sum(SavingsTxn.amount), 0),
        )
        .join(SavingsTxn, SavingsTxn.account_id == SavingsAccount.id)
        .where(SavingsAccount.cooperative_id == coop.id, SavingsTxn.day <= day)
        .group_by(SavingsAccount.member_id, SavingsAccount.kind)
    )
    return {(member_id, kind): int(total) for member_id, kind, total in rows}


def reconciliation(coop: Cooperative, day: date) -> list[ReconRow]:
    """Each control account's ledger balance beside the sum of its member subledger at
    ``day``; any difference is a fault ``outlet-pos verify`` also reports."""
    ledger = balances(coop, as_of=day)
    names = dict(
        db.session.execute(
            select(Account.code, Account.name).where(
                Account.cooperative_id == coop.id, Account.code.in_(RECONCILED)
            )
        ).all()
    )
    held = savings_at(coop, day)
    rows = []
    for kind, code in SAVINGS_ACCOUNTS.items():
        amounts = [v for (_, k), v in held.items() if k == kind]
        rows.append(
            ReconRow(
                code,
                names.get(code, SAVINGS_KINDS[kind]),
                -ledger.get(code, 0),
                sum(amounts),
                sum(1 for v in amounts if v),
            )
        )
    owed, count = loans_at(coop, day)
    rows.append(
        ReconRow(
            LOAN_CONTROL,
            names.get(LOAN_CONTROL, "Piutang pinjaman anggota"),
            ledger.get(LOAN_CONTROL, 0),
            owed,
            count,
        )
    )
    order = {code: i for i, code in enumerate(RECONCILED)}
    return sorted(rows, key=lambda r: order[r.code])


def reconciliation_table(rows: list[ReconRow]) -> Table:
    columns = [
        Column("Akun kontrol", 0.34),
        Column("Rekening / pinjaman", 0.13, "right"),
        Column("Buku besar", 0.16, "right"),
        Column("Buku pembantu", 0.16, "right"),
        Column("Selisih", 0.12, "right"),
        Column("Status", 0.09),
    ]
    body = [
        [
            f"{r.code} {r.name}",
            r.items,
            r.ledger,
            r.subledger,
            r.difference,
            "cocok" if r.ok else "TIDAK COCOK",
        ]
        for r in rows
    ]
    notes = [
        "Buku besar menurut sisi normal akun (simpanan: kredit; piutang pinjaman: debit). "
        "Buku pembantu = jumlah saldo rekening simpanan anggota per jenis dan sisa pokok "
        "pinjaman. Selisih selain nol harus diperiksa: jalankan outlet-pos verify."
    ]
    return Table(columns, body, None, notes)
