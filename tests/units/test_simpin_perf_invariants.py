"""What the faster simpan pinjam hot paths must keep: the same figures and the same rows.

The month's interest run reads every account's history in a few grouped statements and
locks and writes all accounts in batches; a deposit and a repayment run a dozen statements.
These tests pin the results those paths produced when they still ran a handful of queries per
member (the figures below were taken from that code, unchanged), and pin the statement counts,
so a change that brings back per-member queries, or alters a rounding, a tax or a running
balance, fails here. No timing is asserted: the counts are what stays true on a busy machine.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import event, select

from outlet_pos.core.db import PREPARED_LISTENERS, pk, run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.simpan_pinjam import (
    interest,
    loan_products,
    loans,
    repayment,
    savings,
    wajib,
)
from outlet_pos.units.simpan_pinjam.members import register_member
from outlet_pos.units.simpan_pinjam.models import SavingsAccount, SavingsTxn
from tests.units.simpin_world import build_world, first_of_previous_month, member_data

# Statements per service call, BEGIN included (SQLite sends it; PostgreSQL's is implicit).
# Was 20 for a deposit and 19 for this repayment (its principal moves the loan row too)
# before the hot paths were cut down.
DEPOSIT_STATEMENTS = 13
REPAYMENT_STATEMENTS = 14


class Statements:
    """Every statement sent while counting: the engine's and the prebuilt ``Prepared`` ones
    (those skip the engine's events)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.on = False

    def _engine(self, _conn, _cursor, statement, *_args) -> None:
        if self.on:
            self.seen.append(statement)

    def _prepared(self, text: str, _many: bool) -> None:
        if self.on:
            self.seen.append(text)

    def __enter__(self) -> Statements:
        event.listen(db.engine, "before_cursor_execute", self._engine)
        PREPARED_LISTENERS.append(self._prepared)
        self.on = True
        return self

    def __exit__(self, *_exc) -> None:
        self.on = False
        PREPARED_LISTENERS.remove(self._prepared)
        event.remove(db.engine, "before_cursor_execute", self._engine)

    def count(self, prefix: str = "") -> int:
        return sum(1 for s in self.seen if s.lstrip().upper().startswith(prefix.upper()))


def _passbook(account: SavingsAccount) -> list[tuple]:
    rows = db.session.execute(
        select(SavingsTxn.day, SavingsTxn.kind, SavingsTxn.amount, SavingsTxn.balance_after)
        .where(SavingsTxn.account_id == account.id)
        .order_by(SavingsTxn.day, SavingsTxn.id)
    ).all()
    return [tuple(r) for r in rows]


def _interest_world():
    """Four members, every path of the run: several accounts and the 10% tax (A), a
    withdrawal within the month and a deposit after it (B), a berjangka without a sukarela
    account (C), and no savings at all (D)."""
    w = build_world(joined_days_ago=70)
    coop = w.coop
    first = first_of_previous_month(coop.today())
    joined = coop.today() - timedelta(days=70)
    bj12 = savings.ensure_products(coop)["BJ12"]

    def members():
        return [
            register_member(coop, member_data(name), w.kasir, via="transfer", day=joined)
            for name in ("Budi Santoso", "Citra Lestari", "Dewi Sartika")
        ]

    b, c, d = run_transaction(members)
    a = w.member
    acc_a = run_transaction(savings.account_for, coop, a, "sukarela")
    acc_b = run_transaction(savings.account_for, coop, b, "sukarela")

    def book():
        savings.deposit(coop, acc_a, 100_000_000, w.kasir, via="transfer", day=first - timedelta(5))
        savings.deposit(coop, acc_b, 2_000_000, w.kasir, via="transfer", day=first - timedelta(5))
        savings.withdraw(coop, acc_b, 500_000, w.kasir, via="transfer", day=first + timedelta(10))
        savings.deposit(coop, acc_b, 100_000, w.kasir, via="transfer")  # after the month

    run_transaction(book)
    from outlet_pos.units.simpan_pinjam import term_deposits

    bj_a = run_transaction(
        term_deposits.open_term_deposit,
        coop,
        a,
        bj12,
        10_000_000,
        w.kasir,
        via="transfer",
        day=first - timedelta(3),
    )
    bj_c = run_transaction(
        term_deposits.open_term_deposit,
        coop,
        c,
        bj12,
        20_000_000,
        w.kasir,
        via="transfer",
        day=first - timedelta(3),
    )
    return w, first, {"a": (a, acc_a, bj_a), "b": (b, acc_b), "c": (c, bj_c), "d": (d,)}


def test_interest_run_over_several_members_keeps_its_figures_rows_and_tax(ctx):
    w, first, people = _interest_world()
    a, acc_a, bj_a = people["a"]
    b, acc_b = people["b"]
    c, bj_c = people["c"]
    (d,) = people["d"]
    last = first.replace(day=28)
    while (last + timedelta(days=1)).month == first.month:
        last += timedelta(days=1)
    today = w.coop.today()

    preview = interest.interest_preview(w.coop, first.year, first.month)
    assert [
        (
            row["member_id"],
            [(acc.id, amt) for acc, amt in row["accounts"]],
            row["interest"],
            row["tax"],
        )
        for row in preview
    ] == [
        (a.id, [(acc_a.id, 250_000), (bj_a.id, 50_000)], 300_000, 30_000),
        (b.id, [(acc_b.id, 3_750)], 3_750, 0),
        (c.id, [(bj_c.id, 100_000)], 100_000, 0),
    ]

    with Statements() as seen:
        run = run_transaction(interest.credit_interest, w.coop, first.year, first.month, w.kasir)
    assert (run.interest, run.tax) == (403_750, 30_000)
    # Grouped reads and batched writes (33 on SQLite, C's new account included): once per
    # member this was a dozen each.
    assert seen.count() <= 36, "\n".join(seen.seen)

    # A: interest from both accounts into sukarela, then the tax, each its own passbook line.
    assert _passbook(acc_a) == [
        (first - timedelta(5), "setor", 100_000_000, 100_000_000),
        (last, "bunga", 250_000, 100_250_000),
        (last, "bunga", 50_000, 100_300_000),
        (last, "pajak", -30_000, 100_270_000),
    ]
    db.session.refresh(acc_a)
    assert acc_a.balance == 100_270_000
    # B: the lowest balance of the month (after the withdrawal); the deposit after the month
    # end moves up by the interest dated before it.
    assert _passbook(acc_b) == [
        (first - timedelta(5), "setor", 2_000_000, 2_000_000),
        (first + timedelta(10), "tarik", -500_000, 1_500_000),
        (last, "bunga", 3_750, 1_503_750),
        (today, "setor", 100_000, 1_603_750),
    ]
    # C: a sukarela account opened by the run, on the month's last day, holding the interest.
    acc_c = db.session.scalar(
        select(SavingsAccount).where(
            SavingsAccount.member_id == c.id, SavingsAccount.kind == "sukarela"
        )
    )
    assert acc_c.opened_on == last and acc_c.balance == 100_000
    assert _passbook(acc_c) == [(last, "bunga", 100_000, 100_000)]
    # D: nothing.
    assert not db.session.scalar(
        select(SavingsAccount.id).where(
            SavingsAccount.member_id == d.id, SavingsAccount.kind == "sukarela"
        )
    )
    # One entry: Dr expense 403.750; Cr each sukarela net of its tax; Cr tax payable 30.000.
    lines = db.session.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit, JournalLine.member_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == run.entry_id)
        .order_by(JournalLine.line_no)
    ).all()
    assert [tuple(x) for x in lines] == [
        ("512100", 403_750, 0, None),
        ("211600", 0, 30_000, None),
        ("211200", 0, 270_000, a.id),
        ("211200", 0, 3_750, b.id),
        ("211200", 0, 100_000, c.id),
    ]


def test_interest_run_statements_do_not_grow_with_the_members(ctx):
    w = build_world(joined_days_ago=70)
    coop = w.coop
    first = first_of_previous_month(coop.today())
    joined = coop.today() - timedelta(days=70)

    def members():
        out = [w.member]
        for i in range(24):
            out.append(
                register_member(
                    coop, member_data(f"Anggota {i}"), w.kasir, via="transfer", day=joined
                )
            )
        for i, m in enumerate(out):
            acc = savings.account_for(coop, m, "sukarela")
            savings.deposit(
                coop, acc, 1_000_000 + 10_000 * i, w.kasir, via="transfer", day=first - timedelta(2)
            )
        return out

    run_transaction(members)
    with Statements() as seen:
        run = run_transaction(interest.credit_interest, coop, first.year, first.month, w.kasir)
    # 25 members: 3% of Rp1.000.000 + Rp10.000 x i a month, each rounded half up.
    assert run.interest == sum(
        round_half_up(Fraction((1_000_000 + 10_000 * i) * 3, 1200)) for i in range(25)
    )
    assert run.tax == 0
    assert seen.count("SELECT savings_txn") + seen.count("SELECT savings_account") <= 6
    # The transactions go in as rows, one per member; everything else is a few statements.
    assert seen.count() - seen.count("INSERT INTO savings_txn") <= 24, seen.seen


def test_a_deposit_and_a_repayment_stay_within_their_statements(ctx):
    w = build_world(joined_days_ago=70)
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 50_000, w.kasir, via="transfer")
    with Statements() as seen:
        txn = run_transaction(savings.deposit, w.coop, acc, 25_000, w.kasir, via="transfer")
    assert seen.count() <= DEPOSIT_STATEMENTS, seen.seen
    assert (txn.amount, txn.balance_after) == (25_000, 75_000)
    db.session.refresh(acc)
    assert acc.balance == 75_000

    product = next(
        p for p in run_transaction(loan_products.ensure_products, w.coop) if p.code == "PRODUKTIF"
    )
    start = w.coop.today() - timedelta(days=45)
    loan = run_transaction(
        loans.apply, w.coop, w.member, product, 6_000_000, 12, w.pengurus_a, purpose="Modal",
        day=start,
    )  # fmt: skip
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    run_transaction(loans.disburse, w.coop, loan, w.pengurus_a, via="transfer", day=start)
    with Statements() as seen:
        payment = run_transaction(repayment.repay, w.coop, loan, 300_000, w.kasir, via="transfer")
    assert seen.count() <= REPAYMENT_STATEMENTS, seen.seen
    assert payment.amount == payment.penalty + payment.interest + payment.principal == 300_000


def test_bulk_wajib_collection_reads_the_list_at_once_and_books_each_member(ctx):
    w = build_world(joined_days_ago=70)
    coop = w.coop
    joined = coop.today() - timedelta(days=70)

    def members():
        return [w.member] + [
            register_member(coop, member_data(f"Warga {i}"), w.kasir, via="transfer", day=joined)
            for i in range(11)
        ]

    people = run_transaction(members)
    # One member already has a wajib account, the rest are opened by the collection.
    run_transaction(wajib.pay_wajib, coop, [(pk(people[0]), 1)], w.kasir, via="transfer")
    payments = [(pk(m), 1 + i % 3) for i, m in enumerate(people)]  # pk: no reload here
    with Statements() as seen:
        txns = run_transaction(wajib.pay_wajib, coop, payments, w.kasir, via="transfer")
    assert [(t.amount, t.balance_after) for t in txns] == [
        (20_000 * months, 20_000 * (months + (i == 0))) for i, (_, months) in enumerate(payments)
    ]
    # Members and their accounts in two reads, not two per member (the 11 new accounts are
    # still opened one by one, each with its own look-up).
    assert seen.count("SELECT member") <= 1 + 11, seen.seen
    with pytest.raises(DomainError, match="bukan anggota aktif"):
        people[3].status = "keluar"
        run_transaction(wajib.pay_wajib, coop, payments, w.kasir, via="transfer")


def test_two_withdrawals_of_one_account_in_one_entry_must_both_fit(ctx):
    """The balance check counts every move of an account in the entry together (found by
    review: each withdrawal was checked against the same starting balance)."""
    w = build_world(joined_days_ago=10)
    acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, acc, 50_000, w.kasir, via="transfer")
    moves = [savings.Move(acc, -30_000, "tarik"), savings.Move(acc, -30_000, "tarik")]
    with pytest.raises(DomainError, match="tidak cukup"):
        run_transaction(savings.apply_moves, w.coop, w.coop.today(), "Dua tarikan", moves,
                        [("112100", 0, 60_000)], user=w.kasir)  # fmt: skip
    db.session.refresh(acc)
    assert acc.balance == 50_000
    fits = [savings.Move(acc, -20_000, "tarik"), savings.Move(acc, -30_000, "tarik")]
    run_transaction(savings.apply_moves, w.coop, w.coop.today(), "Dua tarikan", fits,
                    [("112100", 0, 50_000)], user=w.kasir)  # fmt: skip
    db.session.refresh(acc)
    assert acc.balance == 0
