"""Members and simpanan: joining with pokok, sukarela in and out inside a shift, refusals that
write nothing, wajib arrears and bulk collection, monthly interest with the final tax."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.sales.shifts import expected_cash
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import interest, savings, term_deposits, wajib
from outlet_pos.units.simpan_pinjam.members import register_member, update_member
from outlet_pos.units.simpan_pinjam.models import SavingsTxn
from tests.units.simpin_world import FLOAT, build_world, first_of_previous_month, member_data


def _counts():
    return (
        db.session.scalar(select(func.count(JournalEntry.id))),
        db.session.scalar(select(func.count(SavingsTxn.id))),
    )


def test_joining_takes_pokok_into_the_shift(ctx):
    w = build_world()
    assert w.member.member_number == "A-00001"
    assert w.member.sex == "L"
    pokok = savings.account_for(w.coop, w.member, "pokok")
    assert pokok.balance == 100_000
    assert balances(w.coop)["311100"] == -100_000
    assert expected_cash(w.shift) == FLOAT + 100_000


def test_registration_refuses_bad_and_duplicate_nik(ctx):
    w = build_world()
    before = _counts()
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        run_transaction(
            register_member, w.coop, member_data("Lain", w.member.nik), w.kasir, shift=w.shift
        )
    with pytest.raises(ValidationError) as err:
        run_transaction(
            register_member, w.coop, member_data("Lain", "3201019913850001"), w.kasir, shift=w.shift
        )
    assert err.value.field == "nik"
    with pytest.raises(ValidationError, match="HP"):
        run_transaction(
            register_member, w.coop, {**member_data("X"), "phone": "12"}, w.kasir, shift=w.shift
        )
    assert _counts() == before


def test_registration_outside_a_shift_needs_the_bank(ctx):
    w = build_world()
    with pytest.raises(DomainError, match="Buka shift"):
        run_transaction(register_member, w.coop, member_data("Tanpa Shift"), w.kasir, shift=None)
    m = run_transaction(register_member, w.coop, member_data("Transfer"), w.kasir, via="transfer")
    assert savings.account_for(w.coop, m, "pokok").balance == 100_000


def test_update_member_keeps_nik_unique(ctx):
    w = build_world()
    other = run_transaction(register_member, w.coop, member_data("Dua"), w.kasir, shift=w.shift)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        run_transaction(
            update_member, w.coop, other, {**member_data("Dua"), "nik": w.member.nik}, w.kasir
        )
    run_transaction(
        update_member, w.coop, other, {**member_data("Dua Baru"), "nik": other.nik}, w.kasir
    )
    assert other.name == "Dua Baru"


def test_sukarela_deposit_and_withdrawal_move_the_drawer(ctx):
    w = build_world()
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 750_000, w.kasir, shift=w.shift)
    run_transaction(savings.withdraw, w.coop, acc, 200_000, w.kasir, shift=w.shift)
    assert acc.balance == 550_000
    assert balances(w.coop)["211200"] == -550_000
    assert expected_cash(w.shift) == FLOAT + 100_000 + 550_000
    opening, rows, closing = savings.statement(acc, None, None)
    assert [r.amount for r in rows] == [750_000, -200_000]
    assert [r.balance_after for r in rows] == [750_000, 550_000]
    assert (opening, closing) == (0, 550_000)


def test_refusals_write_nothing(ctx):
    w = build_world()
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 100_000, w.kasir, shift=w.shift)
    before = _counts()
    with pytest.raises(DomainError, match="ditolak"):
        run_transaction(savings.withdraw, w.coop, acc, 100_001, w.kasir, shift=w.shift)
    for bad in (0, -5_000, 10.5, True):
        with pytest.raises(ValidationError):
            run_transaction(savings.deposit, w.coop, acc, bad, w.kasir, shift=w.shift)
    for kind in ("pokok", "wajib"):
        locked = run_transaction(savings.account_for, w.coop, w.member, kind)
        with pytest.raises(DomainError, match="selama masih menjadi anggota"):
            run_transaction(savings.withdraw, w.coop, locked, 1_000, w.kasir, shift=w.shift)
    with pytest.raises(DomainError, match="sudah lunas"):
        pokok = savings.account_for(w.coop, w.member, "pokok")
        run_transaction(savings.deposit, w.coop, pokok, 1_000, w.kasir, shift=w.shift)
    db.session.expire_all()
    assert _counts() == before
    assert savings.account_for(w.coop, w.member, "sukarela").balance == 100_000


def test_idempotent_deposit(ctx):
    w = build_world()
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    a = run_transaction(
        savings.deposit, w.coop, acc, 50_000, w.kasir, shift=w.shift, idempotency_key="k1"
    )
    b = run_transaction(
        savings.deposit, w.coop, acc, 50_000, w.kasir, shift=w.shift, idempotency_key="k1"
    )
    assert a.id == b.id
    assert acc.balance == 50_000


def test_wajib_arrears_and_bulk_collection(ctx):
    w = build_world(joined_days_ago=70)
    months = wajib.months_between(w.member.join_date, w.coop.today())
    assert months in (3, 4)
    [row] = wajib.wajib_status(w.coop)
    assert (row.due, row.paid, row.arrears, row.months_behind) == (
        months * 20_000,
        0,
        months * 20_000,
        months,
    )
    run_transaction(wajib.pay_wajib, w.coop, [(w.member.id, 2)], w.kasir, shift=w.shift)
    [row] = wajib.wajib_status(w.coop)
    assert row.arrears == (months - 2) * 20_000
    assert balances(w.coop)["311200"] == -40_000
    with pytest.raises(ValidationError):
        run_transaction(wajib.pay_wajib, w.coop, [], w.kasir, shift=w.shift)


def test_monthly_interest_lowest_balance_and_final_tax(ctx):
    w = build_world(joined_days_ago=70)
    first = first_of_previous_month(w.coop.today())
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    # Rp100 juta all month at 3%: Rp250.000 interest, above Rp240.000, so 10% tax.
    run_transaction(savings.deposit, w.coop, acc, 100_000_000, w.kasir, via="transfer", day=first)
    run_transaction(
        savings.deposit,
        w.coop,
        acc,
        40_000_000,
        w.kasir,
        via="transfer",
        day=first + timedelta(days=10),
    )
    run = run_transaction(interest.credit_interest, w.coop, first.year, first.month, w.kasir)
    assert (run.interest, run.tax) == (250_000, 25_000)
    assert acc.balance == 140_000_000 + 225_000
    assert balances(w.coop)["211600"] == -25_000
    assert balances(w.coop)["512100"] == 250_000
    kinds = [(r.kind, r.amount) for r in savings.statement(acc, None, None)[1]][-2:]
    assert kinds == [("bunga", 250_000), ("pajak", -25_000)]
    with pytest.raises(DomainError, match="sudah dibukukan"):
        run_transaction(interest.credit_interest, w.coop, first.year, first.month, w.kasir)
    with pytest.raises(DomainError, match="setelah bulan berakhir"):
        t = w.coop.today()
        run_transaction(interest.credit_interest, w.coop, t.year, t.month, w.kasir)


def test_interest_on_average_balance_below_threshold_is_untaxed(ctx):
    w = build_world(joined_days_ago=70)
    products = savings.ensure_products(w.coop)
    products["SUKARELA"].interest_basis = "rata_rata"
    products["SUKARELA"].annual_rate = Decimal("6")
    first = first_of_previous_month(w.coop.today())
    import calendar

    days = calendar.monthrange(first.year, first.month)[1]
    acc = savings.account_for(w.coop, w.member, "sukarela")
    acc.annual_rate = Decimal("6")
    run_transaction(
        savings.deposit,
        w.coop,
        acc,
        3_000_000,
        w.kasir,
        via="transfer",
        day=first + timedelta(days=days - 10),
    )
    # Average = 3,000,000 x 10 / days; interest = average x 6% / 12.
    from fractions import Fraction

    from outlet_pos.money import round_half_up

    expected = round_half_up(Fraction(3_000_000 * 10, days) * 6 / 1200)
    run = run_transaction(interest.credit_interest, w.coop, first.year, first.month, w.kasir)
    assert (run.interest, run.tax) == (expected, 0)


def test_term_deposit_early_withdrawal_penalty(ctx):
    w = build_world()
    product = savings.ensure_products(w.coop)["BJ12"]
    acc = run_transaction(
        term_deposits.open_term_deposit,
        w.coop,
        w.member,
        product,
        10_000_000,
        w.kasir,
        shift=w.shift,
    )
    assert acc.maturity_date.year == w.coop.today().year + 1
    assert balances(w.coop)["211300"] == -10_000_000
    with pytest.raises(DomainError, match="tidak dapat ditambah"):
        run_transaction(savings.deposit, w.coop, acc, 1_000, w.kasir, shift=w.shift)
    run_transaction(term_deposits.close_term_deposit, w.coop, acc, w.kasir, shift=w.shift)
    assert acc.status == "ditutup" and acc.balance == 0
    assert balances(w.coop)["419100"] == -100_000  # 1% penalty before maturity
    assert expected_cash(w.shift) == FLOAT + 100_000 + 100_000


def test_back_dated_entries_keep_running_balances_in_date_order(ctx):
    w = build_world(joined_days_ago=40)
    today = w.coop.today()
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 100_000, w.kasir, via="transfer", day=today)
    # A collector's book entered late: a deposit ten days ago.
    run_transaction(
        savings.deposit, w.coop, acc, 30_000, w.kasir, via="transfer", day=today - timedelta(10)
    )
    _, rows, closing = savings.statement(acc, None, None)
    assert [(r.amount, r.balance_after) for r in rows] == [(30_000, 30_000), (100_000, 130_000)]
    assert closing == acc.balance == 130_000
    # A back-dated withdrawal that the balance on that day could not cover is refused.
    with pytest.raises(DomainError, match="pada"):
        run_transaction(
            savings.withdraw,
            w.coop,
            acc,
            50_000,
            w.kasir,
            via="transfer",
            day=today - timedelta(5),
        )


def test_accounts_open_on_their_first_transaction_date(ctx):
    w = build_world(joined_days_ago=30)
    pokok = savings.account_for(w.coop, w.member, "pokok")
    assert pokok.opened_on == w.member.join_date == w.coop.today() - timedelta(days=30)
