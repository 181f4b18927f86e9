"""The risk side of loans: restructuring, write-off with a second person's approval, and the
month-end loan-loss allowance by collectibility (DESIGN §3.4)."""

from __future__ import annotations

import calendar
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput, balances, post
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.simpan_pinjam.common import policy, simpin_unit
from outlet_pos.units.simpan_pinjam.loans import (
    RECEIVABLE,
    _lay_schedule,
    classify,
    lock_loan,
    open_installments,
)
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    AllowanceRun,
    Loan,
    LoanInstallment,
    LoanPayment,
)
from outlet_pos.units.simpan_pinjam.schedule import METHODS, check_terms

ALLOWANCE = "113390"
ALLOWANCE_EXPENSE = "615100"


def restructure(
    coop: Cooperative,
    loan: Loan,
    user,
    *,
    months: int,
    annual_rate: Decimal,
    method: str,
    reason: str,
    day: date | None = None,
) -> Loan:
    """Replace the unpaid schedule by a new one on the outstanding principal. Interest already
    due and unpaid is carried into the first new installment; penalties are waived. No money
    moves, so no entry: the audit trail holds the old and new terms."""
    day = day or coop.today()
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id or loan.status != "aktif":
        raise DomainError("Hanya pinjaman yang berjalan yang dapat direstrukturisasi.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Alasan restrukturisasi wajib diisi.", field="reason")
    if method not in METHODS:
        raise ValidationError("Metode tidak dikenal.", field="method")
    check_terms(loan.outstanding, annual_rate, months, method)
    old = open_installments(loan)
    carried = sum(i.interest_due for i in old if i.due_date <= day)
    before = {
        "months_left": len(old),
        "rate": str(loan.annual_rate),
        "method": loan.method,
        "outstanding": loan.outstanding,
    }
    for inst in old:
        inst.status = "diganti"
    version = (
        db.session.scalar(
            select(func.max(LoanInstallment.version)).where(LoanInstallment.loan_id == loan.id)
        )
        or 0
    ) + 1
    _lay_schedule(loan, loan.outstanding, annual_rate, months, method, day, version, carried)
    loan.annual_rate, loan.method, loan.months = annual_rate, method, months
    loan.restructure_count += 1
    db.session.flush()
    record(
        "simpin.loan_restructure",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={
            "before": before,
            "after": {"months": months, "rate": str(annual_rate), "method": method},
            "carried_interest": carried,
            "reason": reason,
        },
    )
    return loan


def request_writeoff(coop: Cooperative, loan: Loan, user, reason: str) -> Loan:
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id or loan.status != "aktif":
        raise DomainError("Hanya pinjaman yang berjalan yang dapat diusulkan hapus buku.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Alasan hapus buku wajib diisi.", field="reason")
    loan.writeoff_requested_by_id, loan.writeoff_reason = user.id, reason[:300]
    db.session.flush()
    record(
        "simpin.writeoff_request",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={"reason": reason, "outstanding": loan.outstanding},
    )
    return loan


def allowance_balance(coop: Cooperative, as_of: date | None = None) -> int:
    """The allowance held (credit balance of the contra account 113390)."""
    return -balances(coop, as_of=as_of).get(ALLOWANCE, 0)


def approve_writeoff(coop: Cooperative, loan: Loan, user, *, day: date | None = None) -> Loan:
    """Write the principal off against the allowance (any shortfall is expense), once a second
    pengurus approves what the first proposed."""
    day = day or coop.today()
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id or loan.status != "aktif":
        raise DomainError("Pinjaman ini tidak sedang berjalan.")
    if loan.writeoff_requested_by_id is None:
        raise DomainError("Hapus buku harus diusulkan dulu.")
    if loan.writeoff_requested_by_id == user.id:
        raise DomainError("Persetujuan hapus buku harus oleh pengurus lain, bukan pengusulnya.")
    amount = loan.outstanding
    from_allowance = min(amount, max(0, allowance_balance(coop)))
    unit = simpin_unit(coop)
    lines = [LineInput(RECEIVABLE, 0, amount, unit, loan.member_id, loan.number)]
    if from_allowance:
        lines.append(LineInput(ALLOWANCE, from_allowance, 0, unit, None))
    if amount - from_allowance:
        lines.append(LineInput(ALLOWANCE_EXPENSE, amount - from_allowance, 0, unit, None))
    entry = post(
        coop,
        day,
        f"Hapus buku pinjaman {loan.number}: {loan.writeoff_reason}"[:500],
        lines,
        source="loan",
        source_ref=loan.number,
        unit=unit,
        user=user,
    )
    for inst in open_installments(loan):
        inst.status = "diganti"
    loan.written_off, loan.outstanding = amount, 0
    loan.status, loan.closed_on = "hapus_buku", day
    db.session.flush()
    record(
        "simpin.writeoff",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={"amount": amount, "from_allowance": from_allowance, "entry": entry.id},
    )
    return loan


# --- month-end allowance --------------------------------------------------------------------


def outstanding_at(loan: Loan, day: date) -> int:
    """The loan's principal owed at the end of ``day``, from its payments."""
    if loan.disbursed_on is None or loan.disbursed_on > day:
        return 0
    if loan.status == "hapus_buku" and loan.closed_on and loan.closed_on <= day:
        return 0
    paid = db.session.scalar(
        select(func.coalesce(func.sum(LoanPayment.principal), 0)).where(
            LoanPayment.loan_id == loan.id, LoanPayment.day <= day
        )
    )
    return loan.principal - int(paid)


def dpd_at(loan: Loan, day: date) -> int:
    """Days past due at ``day``: the oldest installment then due and not yet fully paid."""
    rows = db.session.scalars(
        select(LoanInstallment.due_date).where(
            LoanInstallment.loan_id == loan.id,
            LoanInstallment.due_date < day,
            LoanInstallment.status != "diganti",
            (LoanInstallment.paid_on.is_(None)) | (LoanInstallment.paid_on > day),
        )
    ).all()
    return (day - min(rows)).days if rows else 0


def portfolio(coop: Cooperative, day: date) -> list[dict]:
    """Every loan owing at ``day`` with its days past due and class."""
    pol = policy(coop)
    rows = []
    loans = db.session.scalars(
        select(Loan)
        .where(
            Loan.cooperative_id == coop.id, Loan.disbursed_on.is_not(None), Loan.disbursed_on <= day
        )
        .order_by(Loan.number)
    )
    for loan in loans:
        owed = outstanding_at(loan, day)
        if owed <= 0:
            continue
        dpd = dpd_at(loan, day)
        rows.append({"loan": loan, "outstanding": owed, "dpd": dpd, "class": classify(dpd, pol)})
    return rows


def required_allowance(coop: Cooperative, day: date) -> tuple[int, dict]:
    pol = policy(coop)
    by_class = {code: {"outstanding": 0, "count": 0, "allowance": 0} for code in COLLECTIBILITY}
    for row in portfolio(coop, day):
        bucket = by_class[row["class"]]
        bucket["outstanding"] += row["outstanding"]
        bucket["count"] += 1
    total = 0
    for code, bucket in by_class.items():
        rate = Fraction(Decimal(str(pol["allowance_percent"][code])))
        bucket["allowance"] = round_half_up(bucket["outstanding"] * rate / 100)
        total += bucket["allowance"]
    return total, by_class


def post_allowance(coop: Cooperative, year: int, month: int, user) -> AllowanceRun:
    """Bring the allowance to what the month-end portfolio requires: one adjusting entry on the
    month's last day, once per month."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    if last >= coop.today():
        raise DomainError("Cadangan dihitung setelah bulan berakhir.")
    if db.session.scalar(
        select(AllowanceRun.id).where(
            AllowanceRun.cooperative_id == coop.id,
            AllowanceRun.year == year,
            AllowanceRun.month == month,
        )
    ):
        raise DomainError(f"Cadangan kerugian pinjaman {month:02d}/{year} sudah dibukukan.")
    required, detail = required_allowance(coop, last)
    held = allowance_balance(coop, as_of=last)
    adjustment = required - held
    run = AllowanceRun(
        cooperative_id=coop.id,
        year=year,
        month=month,
        required=required,
        adjustment=adjustment,
        detail_json=json.dumps(detail),
        user_id=user.id if user else None,
    )
    if adjustment:
        unit = simpin_unit(coop)
        lines = (
            [(ALLOWANCE_EXPENSE, adjustment, 0, unit), (ALLOWANCE, 0, adjustment, unit)]
            if adjustment > 0
            else [(ALLOWANCE, -adjustment, 0, unit), (ALLOWANCE_EXPENSE, 0, -adjustment, unit)]
        )
        run.entry_id = post(
            coop,
            last,
            f"Penyisihan kerugian pinjaman {month:02d}/{year}: {format_rupiah(required)}",
            lines,
            source="loan",
            source_ref=f"cadangan {month:02d}/{year}",
            unit=unit,
            user=user,
        ).id
    db.session.add(run)
    db.session.flush()
    record(
        "simpin.allowance",
        user=user,
        cooperative=coop,
        target=f"{month:02d}/{year}",
        detail={"required": required, "adjustment": adjustment},
    )
    return run
