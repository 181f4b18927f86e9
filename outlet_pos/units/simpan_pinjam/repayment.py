"""Repayments (DESIGN §3.4): penalties accrued day by day on late installments, allocation
penalty -> interest -> principal oldest first, paying ahead, and early payoff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from outlet_pos.core.db import pk
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.simpan_pinjam.common import (
    check_amount,
    counter_side,
    ident,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.loans import (
    INTEREST_INCOME,
    PENALTY_INCOME,
    RECEIVABLE,
    days_past_due,
    lock_loan,
    open_installments,
)
from outlet_pos.units.simpan_pinjam.models import Loan, LoanInstallment, LoanPayment, LoanProduct


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
    return _amount_due(loan, day, product, open_installments(loan))


def _amount_due(loan: Loan, day: date, product: LoanProduct, insts: list[LoanInstallment]) -> dict:
    """``amount_due`` over installments and product already in hand (repay has both)."""
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


def _fresh(model, key: int):
    """The row from the identity map when it is loaded and current, else None."""
    obj = db.session.identity_map.get(sa_inspect(model).identity_key_from_primary_key((key,)))
    if obj is None:
        return None
    state = sa_inspect(obj)
    return None if state.expired or state.expired_attributes else obj


def _product_and_member(loan: Loan) -> tuple[LoanProduct, Member]:
    """The loan's product and member: one read for both when either is missing or was
    expired by a commit (two ``Session.get`` calls would make two)."""
    product = _fresh(LoanProduct, loan.product_id)
    member = _fresh(Member, loan.member_id)
    if product is None or member is None:
        db.session.execute(
            select(LoanProduct, Member)
            .select_from(LoanProduct)
            .join(Member, Member.id == loan.member_id)
            .where(LoanProduct.id == loan.product_id)
        ).all()
    return db.session.get(LoanProduct, loan.product_id), db.session.get(Member, loan.member_id)


def _payment_lines(
    coop: Cooperative, loan: Loan, alloc: Allocation, unit: int | None
) -> list[LineInput]:
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
            LoanPayment.cooperative_id == pk(coop), LoanPayment.idempotency_key == key
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
    product, member = _product_and_member(loan)
    insts = open_installments(loan)
    if payoff:
        quote = _amount_due(loan, day, product, insts)["payoff"]
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
    unit = simpin_unit(coop)
    lines = _payment_lines(coop, loan, alloc, unit)
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
            unit=unit,
        )
        entry_id, shift = txns[0].entry_id, None
    else:
        counter, shift = counter_side(coop, via, shift, user)
        lines.append(LineInput(counter, amount, 0, unit, None))
        entry_id = post(
            coop,
            day,
            memo,
            lines,
            source="loan",
            source_ref=loan.number,
            unit=unit,
            user=ident(user),
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
        shift_id=ident(shift),
        user_id=ident(user),
        idempotency_key=idempotency_key,
    )
    db.session.add(payment)
    db.session.flush()
    return payment
