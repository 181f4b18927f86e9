"""Loans end to end: schedules exactly as the fixtures, the BMPP limit, four-eyes approval,
disbursement less fees, repayment allocation (penalty, interest, principal, oldest first),
early payoff, collectibility and allowance, restructuring, write-off, leaving the cooperative."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.sales.shifts import expected_cash
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import loan_products, loan_risk, loans, repayment, savings
from outlet_pos.units.simpan_pinjam.members import leave, register_member, settlement_quote
from outlet_pos.units.simpan_pinjam.models import LoanInstallment, LoanProduct
from outlet_pos.units.simpan_pinjam.schedule import build_schedule
from tests.units.simpin_world import FLOAT, build_world, member_data

FIXTURE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "loan_schedules.json").read_text()
)


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"{c['method']}-{c['principal']}")
def test_schedule_matches_fixture(case):
    rows = build_schedule(
        case["principal"], Decimal(str(case["annual_rate_percent"])), case["months"], case["method"]
    )
    assert [r.as_dict() for r in rows] == case["schedule"]
    assert sum(r.interest for r in rows) == case["total_interest"]
    assert sum(r.principal for r in rows) == case["principal"]


@given(
    principal=st.integers(1, 10**10),
    rate=st.decimals(0, 60, places=2),
    months=st.integers(1, 120),
    method=st.sampled_from(["flat", "efektif", "anuitas"]),
)
def test_schedule_principal_always_sums(principal, rate, months, method):
    rows = build_schedule(principal, rate, months, method)
    assert sum(r.principal for r in rows) == principal
    assert rows[-1].outstanding_after == 0
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)


def _product(w, code="PRODUKTIF"):
    return next(p for p in loan_products.ensure_products(w.coop) if p.code == code)


def _loan(w, principal=12_000_000, months=12, code="PRODUKTIF", days_ago=0, via="transfer"):
    product = run_transaction(_product, w, code)
    loan = run_transaction(
        loans.apply,
        w.coop,
        w.member,
        product,
        principal,
        months,
        w.pengurus_a,
        purpose="Modal warung",
        day=w.coop.today() - timedelta(days=days_ago),
    )
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    return run_transaction(
        loans.disburse,
        w.coop,
        loan,
        w.kasir,
        via=via,
        shift=w.shift,
        day=w.coop.today() - timedelta(days=days_ago),
    )


def test_disbursement_lays_the_fixture_schedule_and_takes_fees(ctx):
    w = build_world()
    loan = _loan(w, via="tunai")
    case = next(c for c in FIXTURE["cases"] if c["method"] == "anuitas" and c["months"] == 12)
    insts = loans.open_installments(loan)
    assert [(i.no, i.principal, i.interest) for i in insts] == [
        (r["no"], r["principal"], r["interest"]) for r in case["schedule"]
    ]
    assert insts[0].due_date.month != loan.disbursed_on.month
    fees = 25_000 + 120_000  # admin + 1% provisi
    assert (loan.admin_fee + loan.provisi_fee) == fees
    assert balances(w.coop)["113300"] == 12_000_000
    assert balances(w.coop)["412200"] == -fees
    assert expected_cash(w.shift) == FLOAT + 100_000 - (12_000_000 - fees)


def test_limit_and_four_eyes(ctx):
    w = build_world()
    product = run_transaction(_product, w)
    limit = loans.bmpp_limit(w.coop)
    assert limit == 75_015_000  # 15% of hibah 500 juta + pokok 100 ribu
    n_before = db.session.scalar(select(func.count(JournalEntry.id)))
    with pytest.raises(DomainError, match="BMPP"):
        run_transaction(
            loans.apply,
            w.coop,
            w.member,
            product,
            limit + 1,
            12,
            w.pengurus_a,
            purpose="Terlalu besar",
        )
    loan = run_transaction(
        loans.apply, w.coop, w.member, product, 10_000_000, 12, w.pengurus_a, purpose="Modal"
    )
    with pytest.raises(DomainError, match="pengurus lain"):
        run_transaction(loans.decide, w.coop, loan, True, w.pengurus_a)
    with pytest.raises(ValidationError, match="Jangka"):
        run_transaction(
            loans.apply, w.coop, w.member, product, 1_000_000, 48, w.pengurus_a, purpose="Modal"
        )
    with pytest.raises(DomainError, match="belum|disetujui"):
        run_transaction(loans.disburse, w.coop, loan, w.kasir, via="transfer")
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    # Approved but not yet paid out counts against the limit.
    with pytest.raises(DomainError, match="BMPP"):
        run_transaction(
            loans.apply,
            w.coop,
            w.member,
            product,
            limit - 9_000_000,
            12,
            w.pengurus_a,
            purpose="Modal kedua",
        )
    assert db.session.scalar(select(func.count(JournalEntry.id))) == n_before


def test_repayment_allocates_penalty_interest_principal_oldest_first(ctx):
    w = build_world(joined_days_ago=200)
    loan = _loan(w, days_ago=75)  # two installments overdue (~45 and ~15 days)
    insts = loans.open_installments(loan)
    today = w.coop.today()
    due = repayment.amount_due(loan, today)
    assert due["penalty"] > 0 and due["interest"] == insts[0].interest + insts[1].interest
    pay = due["penalty"] + insts[0].interest + 100_000
    p = run_transaction(repayment.repay, w.coop, loan, pay, w.kasir, shift=w.shift)
    assert (p.penalty, p.interest, p.principal) == (due["penalty"], insts[0].interest + 100_000, 0)
    # The oldest installment's interest is paid in full before the next one's.
    db.session.refresh(insts[0])
    db.session.refresh(insts[1])
    assert insts[0].interest_paid == insts[0].interest
    assert insts[1].interest_paid == 100_000
    assert loan.outstanding == 12_000_000
    assert balances(w.coop)["412300"] == -due["penalty"]


def test_payoff_then_refusals(ctx):
    w = build_world(joined_days_ago=100)
    loan = _loan(w, days_ago=40)
    quote = repayment.amount_due(loan, w.coop.today())["payoff"]
    with pytest.raises(ValidationError, match="Pelunasan"):
        run_transaction(
            repayment.repay, w.coop, loan, quote - 1, w.kasir, shift=w.shift, payoff=True
        )
    for bad in (0, -1):
        with pytest.raises(ValidationError):
            run_transaction(repayment.repay, w.coop, loan, bad, w.kasir, shift=w.shift)
    with pytest.raises(DomainError, match="melebihi"):
        run_transaction(repayment.repay, w.coop, loan, 10**10, w.kasir, shift=w.shift)
    run_transaction(repayment.repay, w.coop, loan, quote, w.kasir, shift=w.shift, payoff=True)
    assert loan.status == "lunas" and loan.outstanding == 0
    assert balances(w.coop).get("113300", 0) == 0
    with pytest.raises(DomainError, match="sudah lunas"):
        run_transaction(repayment.repay, w.coop, loan, 1_000, w.kasir, shift=w.shift)


def test_disburse_into_sukarela_and_repay_from_it(ctx):
    w = build_world()
    loan = _loan(w, principal=2_000_000, months=6, code="KONSUMTIF", via="sukarela")
    acc = savings.account_for(w.coop, w.member, "sukarela")
    assert acc.balance == 2_000_000 - 10_000 - 10_000
    run_transaction(repayment.repay, w.coop, loan, 500_000, w.kasir, via="sukarela")
    assert acc.balance == 1_980_000 - 500_000
    with pytest.raises(DomainError, match="tidak cukup"):
        run_transaction(repayment.repay, w.coop, loan, 1_600_000, w.kasir, via="sukarela")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    principal=st.integers(100_000, 50_000_000),
    months=st.integers(1, 24),
    method=st.sampled_from(["flat", "efektif", "anuitas"]),
    rate=st.decimals(0, 36, places=1),
    payments=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 5_000_000)), max_size=12),
)
def test_allocation_never_overpays(principal, months, method, rate, payments):
    """For any schedule and any payments: parts add up to each payment, nothing goes
    negative, and what is refused is exactly what exceeds all that is owed."""
    from datetime import date

    product = LoanProduct(penalty_daily_percent=Decimal("0.1"), grace_days=3)
    start = date(2025, 1, 15)
    insts = [
        LoanInstallment(
            no=r.no,
            due_date=start + timedelta(days=30 * r.no),
            principal=r.principal,
            interest=r.interest,
            principal_paid=0,
            interest_paid=0,
            penalty_paid=0,
            interest_waived=0,
            status="aktif",
        )
        for r in build_schedule(principal, rate, months, method)
    ]
    outstanding = principal
    for offset, amount in sorted(payments):
        day = start + timedelta(days=offset)
        live = [i for i in insts if i.status == "aktif"]
        try:
            alloc = repayment.allocate(live, amount, day, product)
        except DomainError:
            owed = sum(repayment.penalty_due(i, day, product) for i in live if i.due_date <= day)
            owed += sum(i.interest_due + i.principal_due for i in live)
            assert amount > owed
            continue
        assert alloc.total == amount
        assert sum(p + i + q for _, p, i, q in alloc.parts) == amount
        for inst, pen, intr, prin in alloc.parts:
            inst.penalty_paid += pen
            inst.interest_paid += intr
            inst.principal_paid += prin
            assert inst.principal_due >= 0 and inst.interest_due >= 0
            if inst.principal_due == 0 and inst.interest_due == 0:
                inst.status = "lunas"
        outstanding -= alloc.principal
        assert outstanding >= 0
    assert outstanding == sum(i.principal_due for i in insts)


def test_collectibility_allowance_and_write_off(ctx):
    w = build_world(joined_days_ago=400)
    loan = _loan(w, principal=6_000_000, months=6, days_ago=250)  # ~220 days past due: Macet
    assert loans.collectibility(w.coop, loan) == "M"
    assert loans.classify(0, loans.policy(w.coop)) == "L"
    assert loans.classify(91, loans.policy(w.coop)) == "KL"
    last = w.coop.today().replace(day=1) - timedelta(days=1)
    run = run_transaction(loan_risk.post_allowance, w.coop, last.year, last.month, w.pengurus_a)
    assert run.required == 6_000_000  # 100% of a Macet loan
    assert balances(w.coop)["113390"] == -6_000_000
    with pytest.raises(DomainError, match="sudah dibukukan"):
        run_transaction(loan_risk.post_allowance, w.coop, last.year, last.month, w.pengurus_a)
    with pytest.raises(DomainError, match="diusulkan"):
        run_transaction(loan_risk.approve_writeoff, w.coop, loan, w.pengurus_b)
    run_transaction(loan_risk.request_writeoff, w.coop, loan, w.pengurus_a, "Anggota pindah")
    with pytest.raises(DomainError, match="pengurus lain"):
        run_transaction(loan_risk.approve_writeoff, w.coop, loan, w.pengurus_a)
    run_transaction(loan_risk.approve_writeoff, w.coop, loan, w.pengurus_b)
    assert loan.status == "hapus_buku" and loan.written_off == 6_000_000
    assert balances(w.coop).get("113300", 0) == 0
    assert balances(w.coop).get("113390", 0) == 0


def test_restructure_replaces_the_unpaid_schedule(ctx):
    w = build_world(joined_days_ago=200)
    loan = _loan(w, days_ago=75)
    due_interest = sum(
        i.interest_due for i in loans.open_installments(loan) if i.due_date <= w.coop.today()
    )
    run_transaction(
        loan_risk.restructure,
        w.coop,
        loan,
        w.pengurus_a,
        months=18,
        annual_rate=Decimal("12"),
        method="efektif",
        reason="Gagal panen",
    )
    new = loans.open_installments(loan)
    assert len(new) == 18 and sum(i.principal for i in new) == loan.outstanding
    first = build_schedule(loan.outstanding, Decimal("12"), 18, "efektif")[0]
    assert new[0].interest == first.interest + due_interest
    assert loans.collectibility(w.coop, loan) == "L"


def test_leaving_settles_savings_against_debts(ctx):
    w = build_world(joined_days_ago=100)
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 3_000_000, w.kasir, shift=w.shift)
    loan = _loan(w, principal=2_000_000, months=6, code="KONSUMTIF", days_ago=10)
    quote = settlement_quote(w.coop, w.member)
    assert quote["refund"] == 3_100_000 - quote["loan_total"]
    cash_before = expected_cash(w.shift)
    result = run_transaction(leave, w.coop, w.member, "keluar", w.kasir, shift=w.shift)
    assert result["paid"] == quote["refund"]
    assert loan.status == "lunas"
    assert w.member.status == "keluar"
    assert expected_cash(w.shift) == cash_before - quote["refund"]
    b = balances(w.coop)
    assert all(b.get(code, 0) == 0 for code in ("311100", "211200", "113300"))


def test_leaving_refused_when_debts_exceed_savings(ctx):
    w = build_world(joined_days_ago=100)
    _loan(w, principal=5_000_000, months=6, code="KONSUMTIF", days_ago=10)
    n = db.session.scalar(select(func.count(JournalEntry.id)))
    with pytest.raises(DomainError, match="melebihi simpanannya"):
        run_transaction(leave, w.coop, w.member, "keluar", w.kasir, shift=w.shift)
    db.session.expire_all()
    assert w.member.status == "aktif"
    assert db.session.scalar(select(func.count(JournalEntry.id))) == n


def test_second_member_registration_numbers_follow(ctx):
    w = build_world()
    m2 = run_transaction(register_member, w.coop, member_data("Dua"), w.kasir, shift=w.shift)
    assert m2.member_number == "A-00002"
