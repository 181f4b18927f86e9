"""Simpanan berjangka: a placement (bilyet) at a fixed rate and term, paid out at
maturity, or earlier less the product's penalty."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.simpan_pinjam.common import (
    check_amount,
    counter_side,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.models import (
    SavingsAccount,
    SavingsProduct,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.savings import (
    Move,
    _drawer_has,
    _lock,
    _require_active_member,
    apply_moves,
)

OTHER_INCOME = "419100"


def open_term_deposit(
    coop: Cooperative,
    member: Member,
    product: SavingsProduct,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> SavingsAccount:
    """A new berjangka placement (bilyet) at the product's rate and term, fixed for its life."""
    from outlet_pos.units.simpan_pinjam.common import add_months

    check_amount(amount)
    day = day or coop.today()
    member = _require_active_member(coop, member.id)
    if product.cooperative_id != coop.id or product.kind != "berjangka" or not product.active:
        raise ValidationError("Pilih produk simpanan berjangka.", field="product")
    if amount < product.min_amount:
        raise ValidationError(
            f"Setoran minimal {format_rupiah(product.min_amount)}.", field="amount"
        )
    seq = next_value(coop.id, "berjangka", str(day.year))
    account = SavingsAccount(
        cooperative_id=coop.id,
        member_id=member.id,
        product_id=product.id,
        number=f"BJ-{day.year}-{seq:04d}",
        kind="berjangka",
        balance=0,
        opened_on=day,
        annual_rate=product.annual_rate,
        term_months=product.term_months,
        maturity_date=add_months(day, product.term_months),
    )
    db.session.add(account)
    db.session.flush()
    counter, shift = counter_side(coop, via, shift, user)
    apply_moves(
        coop,
        day,
        f"Penempatan simpanan berjangka {account.number} {member.name}"[:500],
        [Move(account, amount, "setor")],
        [LineInput(counter, amount, 0, simpin_unit(coop), None)],
        user=user,
        shift=shift,
    )
    return account


def close_term_deposit(
    coop: Cooperative,
    account: SavingsAccount,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
    waive_penalty: bool = False,
) -> SavingsTxn:
    """Pay out a berjangka placement. Before maturity the product's early-withdrawal penalty
    (a percentage of the principal) is kept as other income."""
    day = day or coop.today()
    account = _lock(account)
    if account.kind != "berjangka":
        raise DomainError("Bukan rekening simpanan berjangka.")
    if account.status != "aktif" or account.balance == 0:
        raise DomainError("Bilyet ini sudah dicairkan.")
    product = db.session.get(SavingsProduct, account.product_id)
    penalty = 0
    if day < account.maturity_date and not waive_penalty:
        penalty = round_half_up(
            Fraction(account.balance) * Fraction(product.early_penalty_percent) / 100
        )
    payout = account.balance - penalty
    counter, shift = counter_side(coop, via, shift, user)
    _drawer_has(shift, payout)
    unit = simpin_unit(coop)
    other = [LineInput(counter, 0, payout, unit, None)] if payout else []
    if penalty:
        other.append(LineInput(OTHER_INCOME, 0, penalty, unit, None, "Penalti pencairan awal"))
    member = db.session.get(Member, account.member_id)
    memo = f"Pencairan simpanan berjangka {account.number} {member.name}"
    if penalty:
        memo += f" (sebelum jatuh tempo, penalti {format_rupiah(penalty)})"
    txn = apply_moves(
        coop,
        day,
        memo[:500],
        [Move(account, -account.balance, "tarik")],
        other,
        user=user,
        shift=shift,
    )[0]
    account.status, account.closed_on = "ditutup", day
    db.session.flush()
    return txn
