"""Loans: application, approval by a second person, disbursement, repayment, early payoff,
restructuring and write-off (DESIGN §3.4).

A loan's ``outstanding`` is its share of 113300 Piutang pinjaman anggota and changes only in
the transaction that posts the money. Interest, fees and penalties are income when received
(cash basis), which is how village cooperatives keep their books.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, pk
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import TYPE_BY_DIGIT
from outlet_pos.core.ledger.services import LineInput, balances, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.simpan_pinjam.common import (
    add_months,
    check_amount,
    counter_side,
    policy,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.models import (
    Loan,
    LoanInstallment,
    LoanProduct,
)
from outlet_pos.units.simpan_pinjam.schedule import build_schedule

RECEIVABLE = "113300"
INTEREST_INCOME = "412100"
FEE_INCOME = "412200"
PENALTY_INCOME = "412300"


# --- limits ---------------------------------------------------------------------------------


def modal_sendiri(coop: Cooperative, as_of: date | None = None) -> int:
    """Own capital: the equity accounts plus this year's surplus not yet closed to them."""
    total = 0
    for code, amount in balances(coop, as_of=as_of).items():
        kind = TYPE_BY_DIGIT.get(code[0])
        if kind in ("equity", "revenue", "expense", "tax"):
            total -= amount
    return total


def bmpp_limit(coop: Cooperative) -> int:
    """Batas maksimum pemberian pinjaman per borrower: a share of own capital."""
    pct = Fraction(Decimal(str(policy(coop)["bmpp_percent"])))
    return max(0, round_half_up(modal_sendiri(coop) * pct / 100))


def member_outstanding(coop: Cooperative, member_id: int, exclude: int | None = None) -> int:
    """Principal the member still owes plus what is approved and not yet paid out."""
    stmt = select(
        func.coalesce(func.sum(Loan.outstanding), 0),
    ).where(Loan.cooperative_id == coop.id, Loan.member_id == member_id, Loan.status == "aktif")
    owed = int(db.session.scalar(stmt))
    pending = select(func.coalesce(func.sum(Loan.principal), 0)).where(
        Loan.cooperative_id == coop.id, Loan.member_id == member_id, Loan.status == "disetujui"
    )
    if exclude:
        pending = pending.where(Loan.id != exclude)
    return owed + int(db.session.scalar(pending))


def _check_limit(coop: Cooperative, member_id: int, principal: int, exclude: int | None) -> None:
    limit = bmpp_limit(coop)
    owed = member_outstanding(coop, member_id, exclude)
    if owed + principal > limit:
        raise DomainError(
            f"Pinjaman melebihi batas maksimum per peminjam (BMPP) {format_rupiah(limit)}: "
            f"sisa pinjaman anggota {format_rupiah(owed)}, diajukan {format_rupiah(principal)}.",
            field="principal",
        )


# --- application and decision ---------------------------------------------------------------


def apply(
    coop: Cooperative,
    member: Member,
    product: LoanProduct,
    principal: int,
    months: int,
    user,
    *,
    purpose: str = "",
    monthly_income: int = 0,
    collateral_note: str = "",
    day: date | None = None,
) -> Loan:
    day = day or coop.today()
    if member.cooperative_id != coop.id or member.status != "aktif":
        raise DomainError("Hanya anggota aktif yang dapat mengajukan pinjaman.")
    if product.cooperative_id != coop.id or not product.active:
        raise ValidationError("Pilih produk pinjaman yang aktif.", field="product")
    check_amount(principal, "principal")
    if type(months) is not int or not product.min_months <= months <= product.max_months:
        raise ValidationError(
            f"Jangka waktu {product.name}: {product.min_months}–{product.max_months} bulan.",
            field="months",
        )
    if principal < product.min_amount or (product.max_amount and principal > product.max_amount):
        raise ValidationError("Jumlah di luar batas produk.", field="principal")
    if type(monthly_income) is not int or monthly_income < 0:
        raise ValidationError("Penghasilan harus rupiah bulat.", field="monthly_income")
    purpose = (purpose or "").strip()
    if len(purpose) < 3:
        raise ValidationError("Tujuan pinjaman wajib diisi.", field="purpose")
    _check_limit(coop, member.id, principal, None)
    seq = next_value(coop.id, "loan", str(day.year))
    loan = Loan(
        cooperative_id=coop.id,
        number=f"PJ-{day.year}-{seq:04d}",
        member_id=member.id,
        product_id=product.id,
        principal=principal,
        annual_rate=product.annual_rate,
        method=product.method,
        months=months,
        purpose=purpose[:200],
        monthly_income=monthly_income,
        collateral_note=(collateral_note or "").strip()[:300],
        status="diajukan",
        applied_on=day,
        applied_by_id=user.id,
    )
    db.session.add(loan)
    db.session.flush()
    record(
        "simpin.loan_apply",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={"member": member.member_number, "principal": principal, "months": months},
    )
    return loan


def lock_loan(loan: Loan | int) -> Loan:
    # pk(): the id from the identity map, not a reload of a loan expired by a commit.
    ident = pk(loan)
    return db.session.execute(
        lock_for_update(select(Loan).where(Loan.id == ident)).execution_options(
            populate_existing=True
        )
    ).scalar_one()


def decide(coop: Cooperative, loan: Loan, approve: bool, user, note: str = "", *, day=None) -> Loan:
    """Approve or reject an application; never by the person who entered it."""
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id:
        raise DomainError("Pinjaman tidak ditemukan.")
    if loan.status != "diajukan":
        raise DomainError(f"Pengajuan ini sudah berstatus {loan.status}.")
    if loan.applied_by_id == user.id:
        raise DomainError("Persetujuan harus oleh pengurus lain, bukan yang memasukkan pengajuan.")
    note = (note or "").strip()
    if not approve and len(note) < 3:
        raise ValidationError("Tuliskan alasan penolakan.", field="note")
    if approve:
        _check_limit(coop, loan.member_id, loan.principal, loan.id)
    loan.status = "disetujui" if approve else "ditolak"
    loan.decided_by_id, loan.decided_on, loan.decision_note = (
        user.id,
        day or coop.today(),
        note[:300],
    )
    db.session.flush()
    record(
        "simpin.loan_approve" if approve else "simpin.loan_reject",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={"note": note},
    )
    return loan


def fees_for(loan: Loan, product: LoanProduct) -> tuple[int, int]:
    provisi = round_half_up(Fraction(loan.principal) * Fraction(product.provisi_percent) / 100)
    return product.admin_fee, provisi


def disburse(
    coop: Cooperative,
    loan: Loan,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> Loan:
    """Pay out an approved loan, less its fees, in cash, by transfer or into sukarela, and lay
    down the installment schedule from the month after."""
    from outlet_pos.units.simpan_pinjam import savings

    day = day or coop.today()
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id:
        raise DomainError("Pinjaman tidak ditemukan.")
    if loan.status != "disetujui":
        raise DomainError("Hanya pinjaman yang sudah disetujui yang dapat dicairkan.")
    product = db.session.get(LoanProduct, loan.product_id)
    admin_fee, provisi = fees_for(loan, product)
    net = loan.principal - admin_fee - provisi
    if net <= 0:
        raise DomainError("Biaya pinjaman melebihi pokok pinjaman.")
    unit = simpin_unit(coop)
    member = db.session.get(Member, loan.member_id)
    lines = [LineInput(RECEIVABLE, loan.principal, 0, unit, loan.member_id, loan.number)]
    if admin_fee + provisi:
        lines.append(
            LineInput(FEE_INCOME, 0, admin_fee + provisi, unit, None, "Administrasi & provisi")
        )
    memo = f"Pencairan pinjaman {loan.number} {member.name}"
    if via == "sukarela":
        account = savings.account_for(coop, member, "sukarela")
        txns = savings.apply_moves(
            coop,
            day,
            memo,
            [savings.Move(account, net, "pencairan", memo)],
            lines,
            user=user,
            source="loan",
        )
        entry_id = txns[0].entry_id
    else:
        counter, shift = counter_side(coop, via, shift, user)
        savings._drawer_has(shift, net)
        lines.append(LineInput(counter, 0, net, unit, None))
        entry_id = post(
            coop,
            day,
            memo,
            lines,
            source="loan",
            source_ref=loan.number,
            unit=unit,
            user=user,
            shift=shift,
        ).id
    _lay_schedule(loan, loan.principal, loan.annual_rate, loan.months, loan.method, day, 0)
    loan.status, loan.disbursed_on, loan.disbursed_via = "aktif", day, via
    loan.admin_fee, loan.provisi_fee, loan.outstanding = admin_fee, provisi, loan.principal
    db.session.flush()
    record(
        "simpin.loan_disburse",
        user=user,
        cooperative=coop,
        target=loan.number,
        detail={"net": net, "fees": admin_fee + provisi, "via": via, "entry": entry_id},
    )
    return loan


def _lay_schedule(
    loan: Loan,
    principal: int,
    rate,
    months: int,
    method: str,
    start: date,
    version: int,
    extra_interest: int = 0,
) -> list[LoanInstallment]:
    rows = []
    for inst in build_schedule(principal, Decimal(rate), months, method):
        row = LoanInstallment(
            cooperative_id=loan.cooperative_id,
            loan_id=loan.id,
            version=version,
            no=inst.no,
            due_date=add_months(start, inst.no),
            principal=inst.principal,
            interest=inst.interest + (extra_interest if inst.no == 1 else 0),
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def open_installments(loan: Loan) -> list[LoanInstallment]:
    return list(
        db.session.scalars(
            select(LoanInstallment)
            .where(LoanInstallment.loan_id == loan.id, LoanInstallment.status == "aktif")
            .order_by(LoanInstallment.no)
        )
    )


# --- collectibility -------------------------------------------------------------------------


def days_past_due(loan: Loan, day: date, insts: list[LoanInstallment] | None = None) -> int:
    insts = open_installments(loan) if insts is None else insts
    overdue = [i.due_date for i in insts if i.due_date < day]
    return (day - min(overdue)).days if overdue else 0


def classify(dpd: int, pol: dict) -> str:
    bounds = pol["collectibility_days"]
    for code in ("L", "DPK", "KL", "D"):
        if dpd <= int(bounds[code]):
            return code
    return "M"


def collectibility(coop: Cooperative, loan: Loan, day: date | None = None) -> str:
    return classify(days_past_due(loan, day or coop.today()), policy(coop))
