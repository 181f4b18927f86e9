"""Loans: application, approval by a second person, disbursement, repayment, early payoff,
restructuring and write-off (DESIGN §3.4).

A loan's ``outstanding`` is its share of 113300 Piutang pinjaman anggota and changes only in
the transaction that posts the money. Interest, fees and penalties are income when received
(cash basis), which is how village cooperatives keep their books.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
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
    LoanPayment,
    LoanProduct,
)
from outlet_pos.units.simpan_pinjam.schedule import METHODS, build_schedule, parse_rate

RECEIVABLE = "113300"
INTEREST_INCOME = "412100"
FEE_INCOME = "412200"
PENALTY_INCOME = "412300"

DEFAULT_PRODUCTS = [
    # code, name, rate, method, min/max months, admin fee, provisi %, penalty %/day, grace
    ("PRODUKTIF", "Pinjaman Modal Usaha", "18", "anuitas", 3, 24, 25_000, "1", "0.1", 3),
    ("KONSUMTIF", "Pinjaman Kebutuhan Anggota", "12", "flat", 1, 12, 10_000, "0.5", "0.1", 3),
    ("MUSIMAN", "Pinjaman Musim Tanam", "15", "efektif", 3, 12, 10_000, "0.5", "0.05", 7),
]


def ensure_products(coop: Cooperative) -> list[LoanProduct]:
    rows = list(
        db.session.scalars(
            select(LoanProduct)
            .where(LoanProduct.cooperative_id == coop.id)
            .order_by(LoanProduct.code)
        )
    )
    if not rows:
        for code, name, rate, method, lo, hi, fee, prov, pen, grace in DEFAULT_PRODUCTS:
            db.session.add(
                LoanProduct(
                    cooperative_id=coop.id,
                    code=code,
                    name=name,
                    annual_rate=Decimal(rate),
                    method=method,
                    min_months=lo,
                    max_months=hi,
                    admin_fee=fee,
                    provisi_percent=Decimal(prov),
                    penalty_daily_percent=Decimal(pen),
                    grace_days=grace,
                )
            )
        db.session.flush()
        return ensure_products(coop)
    return rows


def save_product(
    coop: Cooperative, user, product: LoanProduct | None = None, **values
) -> LoanProduct:
    """Create or change a loan product. Existing loans keep the terms they were given."""
    code = (values.get("code") or "").strip().upper()
    name = (values.get("name") or "").strip()
    if not code or len(code) > 20:
        raise ValidationError("Kode produk wajib diisi (maks. 20 karakter).", field="code")
    if not name:
        raise ValidationError("Nama produk wajib diisi.", field="name")
    rate = parse_rate(str(values.get("annual_rate", "")))
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError("Bunga harus 0–100 persen setahun.", field="annual_rate")
    method = values.get("method")
    if method not in METHODS:
        raise ValidationError("Metode harus flat, efektif atau anuitas.", field="method")
    lo, hi = values.get("min_months"), values.get("max_months")
    if type(lo) is not int or type(hi) is not int or not 1 <= lo <= hi <= 360:
        raise ValidationError(
            "Jangka waktu: 1 ≤ minimal ≤ maksimal ≤ 360 bulan.", field="min_months"
        )
    fee = values.get("admin_fee", 0)
    if type(fee) is not int or fee < 0:
        raise ValidationError("Biaya administrasi harus rupiah bulat.", field="admin_fee")
    provisi = parse_rate(str(values.get("provisi_percent", "0")))
    penalty = parse_rate(str(values.get("penalty_daily_percent", "0")))
    if not Decimal(0) <= provisi <= Decimal(10):
        raise ValidationError("Provisi 0–10 persen.", field="provisi_percent")
    if not Decimal(0) <= penalty <= Decimal(1):
        raise ValidationError("Denda 0–1 persen per hari.", field="penalty_daily_percent")
    grace = values.get("grace_days", 0)
    if type(grace) is not int or not 0 <= grace <= 60:
        raise ValidationError("Masa tenggang 0–60 hari.", field="grace_days")
    clash = db.session.scalar(
        select(LoanProduct.id).where(
            LoanProduct.cooperative_id == coop.id, LoanProduct.code == code
        )
    )
    if clash and (product is None or clash != product.id):
        raise ValidationError(f"Kode {code} sudah dipakai.", field="code")
    if product is None:
        product = LoanProduct(cooperative_id=coop.id)
        db.session.add(product)
    product.code, product.name, product.annual_rate, product.method = code, name, rate, method
    product.min_months, product.max_months, product.admin_fee = lo, hi, fee
    product.provisi_percent, product.penalty_daily_percent, product.grace_days = (
        provisi,
        penalty,
        grace,
    )
    product.active = bool(values.get("active", True))
    db.session.flush()
    record(
        "simpin.loan_product", user=user, cooperative=coop, target=code, detail={"rate": str(rate)}
    )
    return product


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
    ident = loan if isinstance(loan, int) else loan.id
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


# --- penalties, allocation, repayment --------------------------------------------------------


def days_late(inst: LoanInstallment, day: date, grace: int = 0) -> int:
    late = (day - inst.due_date).days
    return late - grace if late > grace else 0


def penalty_due(inst: LoanInstallment, day: date, product: LoanProduct) -> int:
    """Penalty accrued day by day on what is unpaid of a late installment, past the grace
    days, less what has already been paid of it."""
    late = days_late(inst, day, product.grace_days)
    if not late or inst.status != "aktif":
        return 0
    unpaid = inst.principal_due + inst.interest_due
    accrued = round_half_up(Fraction(unpaid) * Fraction(product.penalty_daily_percent) / 100 * late)
    return max(0, accrued - inst.penalty_paid)


@dataclass
class Allocation:
    penalty: int = 0
    interest: int = 0
    principal: int = 0
    parts: list[tuple[LoanInstallment, int, int, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal


def allocate(
    installments: list[LoanInstallment], amount: int, day: date, product: LoanProduct
) -> Allocation:
    """Split a payment: penalties, then interest, then principal of the installments due,
    oldest first; anything more pays the next installments ahead (interest, then principal).
    Pure: reads the installments, changes nothing."""
    left = amount
    # Keyed by object identity: the simulator and tests allocate over unsaved installments.
    share: dict[int, list[int]] = {id(inst): [0, 0, 0] for inst in installments}
    due = [i for i in installments if i.due_date <= day]
    ahead = [i for i in installments if i.due_date > day]

    def take(inst: LoanInstallment, slot: int, available: int) -> None:
        nonlocal left
        part = min(left, available)
        if part > 0:
            share[id(inst)][slot] += part
            left -= part

    for inst in due:
        take(inst, 0, penalty_due(inst, day, product))
    for inst in due:
        take(inst, 1, inst.interest_due)
    for inst in due:
        take(inst, 2, inst.principal_due)
    for inst in ahead:
        take(inst, 1, inst.interest_due)
        take(inst, 2, inst.principal_due)
    if left:
        raise DomainError(
            f"Pembayaran melebihi seluruh sisa kewajiban {format_rupiah(amount - left)}; "
            "untuk menutup pinjaman gunakan pelunasan dipercepat."
        )
    result = Allocation()
    for inst in installments:
        pen, intr, prin = share[id(inst)]
        if pen or intr or prin:
            result.parts.append((inst, pen, intr, prin))
            result.penalty += pen
            result.interest += intr
            result.principal += prin
    return result


def amount_due(loan: Loan, day: date) -> dict:
    """What the member owes today: penalties, interest and principal of due installments,
    and the early-payoff figure (all principal, no future interest)."""
    product = db.session.get(LoanProduct, loan.product_id)
    insts = open_installments(loan)
    due = [i for i in insts if i.due_date <= day]
    penalty = sum(penalty_due(i, day, product) for i in due)
    interest = sum(i.interest_due for i in due)
    principal = sum(i.principal_due for i in due)
    next_inst = next((i for i in insts if i.due_date > day), None)
    return {
        "penalty": penalty,
        "interest": interest,
        "principal": principal,
        "total": penalty + interest + principal,
        "payoff": penalty + interest + loan.outstanding,
        "next": next_inst,
        "days_past_due": days_past_due(loan, day, insts),
    }


def _payment_lines(coop: Cooperative, loan: Loan, alloc: Allocation) -> list[LineInput]:
    unit = simpin_unit(coop)
    lines = []
    if alloc.principal:
        lines.append(LineInput(RECEIVABLE, 0, alloc.principal, unit, loan.member_id, loan.number))
    if alloc.interest:
        lines.append(LineInput(INTEREST_INCOME, 0, alloc.interest, unit, loan.member_id))
    if alloc.penalty:
        lines.append(LineInput(PENALTY_INCOME, 0, alloc.penalty, unit, loan.member_id))
    return lines


def _existing_payment(coop: Cooperative, key: str | None) -> LoanPayment | None:
    if not key:
        return None
    return db.session.scalar(
        select(LoanPayment).where(
            LoanPayment.cooperative_id == coop.id, LoanPayment.idempotency_key == key
        )
    )


def repay(
    coop: Cooperative,
    loan: Loan,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
    idempotency_key: str | None = None,
    payoff: bool = False,
) -> LoanPayment:
    """Take a repayment at the counter (or from sukarela). The loan row is locked first, so two
    counters paying the same loan at once are applied one after the other, each to what the
    other left."""
    if (done := _existing_payment(coop, idempotency_key)) is not None:
        return done
    day = day or coop.today()
    loan = lock_loan(loan)
    if loan.cooperative_id != coop.id:
        raise DomainError("Pinjaman tidak ditemukan.")
    if loan.status == "lunas":
        raise DomainError(f"Pinjaman {loan.number} sudah lunas.")
    if loan.status != "aktif":
        raise DomainError(f"Pinjaman {loan.number} tidak sedang berjalan.")
    product = db.session.get(LoanProduct, loan.product_id)
    insts = open_installments(loan)
    if payoff:
        quote = amount_due(loan, day)["payoff"]
        if amount is None:
            amount = quote
        if amount != quote:
            raise ValidationError(
                f"Pelunasan dipercepat sebesar {format_rupiah(quote)}.", field="amount"
            )
        # Interest not yet due is waived on early payoff; the principal all falls due today.
        for inst in insts:
            if inst.due_date > day:
                inst.interest_waived = inst.interest - inst.interest_paid
        alloc = allocate(insts, amount, day, product)
    else:
        check_amount(amount)
        alloc = allocate(insts, amount, day, product)
    lines = _payment_lines(coop, loan, alloc)
    member = db.session.get(Member, loan.member_id)
    memo = f"{'Pelunasan' if payoff else 'Angsuran'} pinjaman {loan.number} {member.name}"
    if via == "sukarela":
        from outlet_pos.units.simpan_pinjam import savings

        account = savings.account_for(coop, member, "sukarela")
        txns = savings.apply_moves(
            coop,
            day,
            memo,
            [savings.Move(account, -amount, "angsuran", memo)],
            lines,
            user=user,
            source="loan",
        )
        entry_id, shift = txns[0].entry_id, None
    else:
        counter, shift = counter_side(coop, via, shift, user)
        lines.append(LineInput(counter, amount, 0, simpin_unit(coop), None))
        entry_id = post(
            coop,
            day,
            memo,
            lines,
            source="loan",
            source_ref=loan.number,
            unit=simpin_unit(coop),
            user=user,
            shift=shift,
        ).id
    for inst, pen, intr, prin in alloc.parts:
        inst.penalty_paid += pen
        inst.interest_paid += intr
        inst.principal_paid += prin
    for inst in insts:
        if inst.principal_due == 0 and inst.interest_due == 0:
            inst.status, inst.paid_on = "lunas", day
    loan.outstanding -= alloc.principal
    if loan.outstanding < 0:  # allocate() never lets this happen; a guard for the books
        raise DomainError("Sisa pinjaman tidak boleh negatif.")
    if loan.outstanding == 0:
        loan.status, loan.closed_on = "lunas", day
    payment = LoanPayment(
        cooperative_id=coop.id,
        loan_id=loan.id,
        day=day,
        amount=amount,
        penalty=alloc.penalty,
        interest=alloc.interest,
        principal=alloc.principal,
        source=via,
        payoff=payoff,
        entry_id=entry_id,
        shift_id=shift.id if shift else None,
        user_id=user.id if user else None,
        idempotency_key=idempotency_key,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


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
