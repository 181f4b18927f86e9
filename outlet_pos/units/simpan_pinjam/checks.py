"""Invariants of the savings and loan subledgers, added to ``outlet-pos verify``: each
subledger recomputed from its rows and tied to its control account."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.ledger.services import balances
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.models import (
    Loan,
    LoanInstallment,
    LoanPayment,
    SavingsAccount,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.savings import subledger_totals


def check_savings_accounts(coop: Cooperative) -> Iterator[str]:
    """Each account's balance = the sum of its transactions = its last running balance."""
    sums = dict(
        db.session.execute(
            select(SavingsTxn.account_id, func.sum(SavingsTxn.amount))
            .where(SavingsTxn.cooperative_id == coop.id)
            .group_by(SavingsTxn.account_id)
        ).all()
    )
    last = {}
    for account_id, balance_after in db.session.execute(
        select(SavingsTxn.account_id, SavingsTxn.balance_after)
        .where(SavingsTxn.cooperative_id == coop.id)
        .order_by(SavingsTxn.account_id, SavingsTxn.day, SavingsTxn.id)
    ):
        last[account_id] = balance_after
    for account in db.session.scalars(
        select(SavingsAccount).where(SavingsAccount.cooperative_id == coop.id)
    ):
        total = int(sums.get(account.id, 0) or 0)
        if account.balance != total or account.balance != last.get(account.id, 0):
            yield (
                f"rekening {account.number}: saldo {account.balance}, jumlah transaksi {total}, "
                f"saldo berjalan terakhir {last.get(account.id, 0)}"
            )
        if account.balance < 0:
            yield f"rekening {account.number}: saldo negatif"


def check_savings_control(coop: Cooperative) -> Iterator[str]:
    """Member savings per kind = the balance of its control account."""
    ledger = balances(coop)
    for code, total in subledger_totals(coop).items():
        book = -ledger.get(code, 0)
        if book != total:
            yield (
                f"akun {code}: buku besar {format_rupiah(book)}, buku pembantu simpanan "
                f"{format_rupiah(total)}"
            )


def check_loans(coop: Cooperative) -> Iterator[str]:
    """Outstanding per loan = principal - principal repaid - written off, = the unpaid
    principal of its live installments; their sum = 113300."""
    paid = dict(
        db.session.execute(
            select(LoanPayment.loan_id, func.sum(LoanPayment.principal))
            .where(LoanPayment.cooperative_id == coop.id)
            .group_by(LoanPayment.loan_id)
        ).all()
    )
    sched = dict(
        db.session.execute(
            select(
                LoanInstallment.loan_id,
                func.sum(LoanInstallment.principal - LoanInstallment.principal_paid),
            )
            .join(Loan, Loan.id == LoanInstallment.loan_id)
            .where(Loan.cooperative_id == coop.id, LoanInstallment.status != "diganti")
            .group_by(LoanInstallment.loan_id)
        ).all()
    )
    total = 0
    for loan in db.session.scalars(select(Loan).where(Loan.cooperative_id == coop.id)):
        total += loan.outstanding
        if loan.disbursed_on is None:
            if loan.outstanding:
                yield f"pinjaman {loan.number}: belum cair tetapi bersisa {loan.outstanding}"
            continue
        expected = loan.principal - int(paid.get(loan.id, 0) or 0) - loan.written_off
        if loan.outstanding != expected or loan.outstanding < 0:
            yield f"pinjaman {loan.number}: sisa {loan.outstanding}, menurut pembayaran {expected}"
        if loan.status == "aktif" and int(sched.get(loan.id, 0) or 0) != loan.outstanding:
            yield f"pinjaman {loan.number}: jadwal {sched.get(loan.id)} ≠ sisa {loan.outstanding}"
        if loan.status == "lunas" and loan.outstanding:
            yield f"pinjaman {loan.number}: lunas tetapi bersisa {loan.outstanding}"
    book = balances(coop).get("113300", 0)
    if book != total:
        yield (
            f"akun 113300: buku besar {format_rupiah(book)}, buku pembantu pinjaman "
            f"{format_rupiah(total)}"
        )


def register() -> None:
    from outlet_pos.core.verify import register_check

    register_check("Saldo rekening simpanan = jumlah transaksinya", check_savings_accounts)
    register_check(
        "Simpanan anggota = akun simpanan (311100/311200/211200/211300)", check_savings_control
    )
    register_check("Sisa pinjaman anggota = akun 113300", check_loans)


# --- month-close checklist items (core.closing.checklist) -----------------------------------


def interest_posted(coop: Cooperative, year: int, month: int):
    """Savings interest credited for the month, where any product pays interest."""
    from sqlalchemy import func, select

    from outlet_pos.core.closing.checklist import ItemResult
    from outlet_pos.units.simpan_pinjam.models import InterestRun, SavingsAccount, SavingsProduct

    paying = db.session.scalar(
        select(func.count(SavingsAccount.id))
        .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
        .where(SavingsAccount.cooperative_id == coop.id, SavingsProduct.annual_rate > 0)
    )
    if not paying:
        return ItemResult(True, "Tidak ada simpanan berbunga", applies=False)
    run = db.session.scalar(
        select(InterestRun.id).where(
            InterestRun.cooperative_id == coop.id,
            InterestRun.year == year,
            InterestRun.month == month,
        )
    )
    if run:
        return ItemResult(True, "Bunga simpanan bulan ini sudah dikreditkan")
    return ItemResult(
        False, "Bunga simpanan bulan ini belum dikreditkan", "simpin.interest",
        {"year": year, "month": month},
    )  # fmt: skip


def allowance_posted(coop: Cooperative, year: int, month: int):
    """The loan-loss allowance adjusted at the month's end, where loans are outstanding."""
    from sqlalchemy import func, select

    from outlet_pos.core.closing.checklist import ItemResult
    from outlet_pos.units.simpan_pinjam.models import AllowanceRun, Loan

    loans = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.cooperative_id == coop.id, Loan.status.in_(("aktif", "lunas", "hapus_buku"))
        )
    )
    if not loans:
        return ItemResult(True, "Tidak ada pinjaman", applies=False)
    run = db.session.scalar(
        select(AllowanceRun.id).where(
            AllowanceRun.cooperative_id == coop.id,
            AllowanceRun.year == year,
            AllowanceRun.month == month,
        )
    )
    if run:
        return ItemResult(True, "Cadangan kerugian pinjaman sudah disesuaikan")
    return ItemResult(
        False, "Cadangan kerugian pinjaman bulan ini belum disesuaikan", "simpin.allowance"
    )


def register_checklist() -> None:
    from outlet_pos.core.closing.checklist import register_item

    register_item("savings_interest", "Bunga simpanan dikreditkan", interest_posted, order=20)
    register_item(
        "loan_allowance", "Cadangan kerugian pinjaman diposting", allowance_posted, order=30
    )
