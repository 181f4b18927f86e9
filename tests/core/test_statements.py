"""Statements tie, the year closes once, closed months refuse postings — on real books and on
random months of activity (hypothesis)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outlet_pos.core.closing.month import checklist, close_month_checked, waive
from outlet_pos.core.closing.year_end import close_year, is_year_closed
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, PeriodLocked
from outlet_pos.core.ledger import balances, post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.statements.financial import (
    balance_sheet,
    cash_flow,
    equity_changes,
    income_statement,
    shu_of,
)
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user
from tests.core.book_world import YEAR, build_book, pay_wajib, sell, spend, unit_id


def assert_ties(coop, first: date, last: date) -> None:
    """Every statement's own checks, and the ties between them."""
    bs = balance_sheet(coop, last)
    assert bs.checks["seimbang"], "aset = liabilitas + ekuitas"
    phu = income_statement(coop, first, last)
    assert all(phu.checks.values())
    for section in phu.sections:
        for line in section.lines:
            assert sum(line.by_unit.values()) == line.amount
    # Each unit's column equals that unit's own ledger movement (closing entries aside).
    for unit, _name in phu.units:
        if unit is None:
            continue
        moved = balances(coop, date_from=first, period=None, unit=unit, as_of=last)
        closed = _closing_movement(coop, first, last, unit)
        expected = -sum(v - closed.get(code, 0) for code, v in moved.items() if code[0] in "4567")
        assert phu.grand[-1].by_unit.get(unit, 0) == expected
    cf = cash_flow(coop, first, last)
    assert all(cf.checks.values()), "arus kas berakhir di saldo kas"
    cash = sum(v for code, v in balances(coop, as_of=last).items() if code[:3] in ("111", "112"))
    assert cf.grand[-1].amount == cash
    eq = equity_changes(coop, first, last)
    assert all(eq.checks.values()), "perubahan ekuitas = ekuitas di neraca"
    assert phu.grand[-1].amount == shu_of(coop, first, last)
    for unit in [None, *(u for u, _name in phu.units if u is not None)]:
        assert _trial_rows(coop, first, last, unit) == _trial_from_lines(coop, first, last, unit)


def _trial_rows(coop, first: date, last: date, unit: int | None, *, tampered=False) -> dict:
    from outlet_pos.workspaces.bendahara.queries import trial_balance

    tb = trial_balance(coop, first, last, unit)
    # One unit's lines need not balance on their own; a tampered snapshot does not.
    assert tb.balanced or unit is not None or tampered
    return {r.account.id: (r.opening, r.debit, r.credit) for r in tb.rows}


def _trial_from_lines(coop, first: date, last: date, unit: int | None) -> dict:
    """The trial balance straight from every journal line (no snapshot), for comparison."""
    from outlet_pos.core.ledger.models import JournalLine

    conds = [JournalLine.cooperative_id == coop.id, JournalLine.entry_date <= last]
    if unit is not None:
        conds.append(JournalLine.unit_id == unit)
    out: dict = {}
    for acc, day, debit, credit in db.session.execute(
        select(JournalLine.account_id, JournalLine.entry_date, JournalLine.debit,
               JournalLine.credit).where(*conds)
    ):  # fmt: skip
        o, d, c = out.get(acc, (0, 0, 0))
        out[acc] = (o + debit - credit, d, c) if day < first else (o, d + debit, c + credit)
    return {k: v for k, v in out.items() if any(v)}


def _closing_movement(coop, first: date, last: date, unit_id: int) -> dict[str, int]:
    from outlet_pos.core.ledger.models import Account, JournalLine

    rows = db.session.execute(
        select(Account.code, func.sum(JournalLine.debit - JournalLine.credit))
        .join(Account, Account.id == JournalLine.account_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.unit_id == unit_id,
            JournalEntry.source == "closing",
            JournalLine.entry_date >= first,
            JournalLine.entry_date <= last,
        )
        .group_by(Account.code)
    )
    return {code: int(v) for code, v in rows}


def shu_current(coop, day: date) -> int:
    bs = balance_sheet(coop, day)
    equity = next(s for s in bs.sections if s.title == "Ekuitas")
    return next(ln.amount for ln in equity.lines if ln.code == "315100")


def test_statements_tie_on_a_year_of_books_and_units_add_up(ctx):
    book = build_book()
    ani, budi, _ = book.members
    pay_wajib(book, ani, 120_000, date(YEAR, 2, 1))
    sell(book, 4, date(YEAR, 2, 10), member=ani)
    sell(book, 7, date(YEAR, 3, 11))
    sell(book, 2, date(YEAR, 4, 12), member=budi)
    spend(book, "612100", 175_000, date(YEAR, 4, 30), book.sembako)
    spend(book, "611100", 1_000_000, date(YEAR, 5, 31))
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    assert_ties(book.coop, first, last)
    phu = income_statement(book.coop, first, last)
    revenue = phu.sections[0].total
    assert revenue.by_unit[book.sembako] == 4 * 60_000 + 7 * 65_000 + 2 * 60_000
    assert phu.grand[-1].amount == 815_000 - 13 * 50_000 - 175_000 - 1_000_000
    # Costs without a unit land in the "Umum" column, so the columns still add to the total.
    assert (None, "Umum") in phu.units


def test_the_year_closes_once_and_its_shu_is_the_change_in_shu_tahun_berjalan(ctx):
    book = build_book("Koperasi Tutup Tahun")
    sell(book, 30, date(YEAR, 6, 1))
    spend(book, "613100", 400_000, date(YEAR, 7, 1))
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    shu = shu_of(book.coop, first, last)
    assert shu == 30 * 65_000 - 30 * 50_000 - 400_000
    assert shu_current(book.coop, last) == shu  # before the close: unclosed revenue and expense
    result = run_transaction(close_year, book.coop, YEAR, book.user)
    assert result.posted and result.shu == shu
    bal = balances(book.coop, as_of=last)
    assert all(v == 0 for code, v in bal.items() if code[0] in "4567")
    assert -bal["315100"] == shu  # SHU tahun berjalan holds the year's SHU ...
    assert shu_current(book.coop, last) - shu_current(book.coop, first - timedelta(days=1)) == shu
    # ... and on the next year's first day moves to SHU belum dibagi.
    nxt = balances(book.coop, as_of=date(YEAR + 1, 1, 1))
    assert nxt.get("315100", 0) == 0 and -nxt["315200"] == shu
    # The closed year still shows its income statement (closing entries are left out).
    assert income_statement(book.coop, first, last).grand[-1].amount == shu
    assert_ties(book.coop, first, last)
    assert_ties(book.coop, date(YEAR + 1, 1, 1), date(YEAR + 1, 1, 31))
    entries = db.session.scalar(select(func.count(JournalEntry.id)))
    again = run_transaction(close_year, book.coop, YEAR, book.user)
    assert not again.posted and again.shu == shu
    assert db.session.scalar(select(func.count(JournalEntry.id))) == entries
    assert is_year_closed(book.coop, YEAR)


def test_a_late_posting_after_reopening_is_closed_again_as_a_remainder(ctx):
    book = build_book("Koperasi Koreksi")
    sell(book, 10, date(YEAR, 6, 1))
    run_transaction(close_year, book.coop, YEAR, book.user)
    spend(book, "612100", 50_000, date(YEAR, 12, 31))
    assert not is_year_closed(book.coop, YEAR)
    result = run_transaction(close_year, book.coop, YEAR, book.user)
    assert result.posted and result.shu == 10 * 15_000 - 50_000
    assert is_year_closed(book.coop, YEAR)
    assert -balances(book.coop, as_of=date(YEAR + 1, 1, 1))["315200"] == result.shu


def test_a_year_that_has_not_ended_cannot_be_closed(ctx):
    coop = make_coop("Koperasi Tahun Ini")
    user = make_user(f"b{coop.id}", "bendahara", coop)
    with pytest.raises(DomainError, match="belum berakhir"):
        run_transaction(close_year, coop, coop.today().year, user)


def test_the_checklist_blocks_the_close_until_each_item_passes_or_is_waived(ctx):
    book = build_book("Koperasi Checklist")
    sell(book, 2, date(YEAR, 1, 20))
    rows = {r.item.key: r for r in checklist(book.coop, YEAR, 1)}
    assert not rows["shifts"].passed  # the cashier's shift is still open
    assert not rows["stock_count"].passed
    with pytest.raises(DomainError, match="shift kasir"):
        run_transaction(close_month_checked, book.coop, YEAR, 1, book.user)
    from outlet_pos.core.sales.shifts import close_shift, expected_cash

    run_transaction(
        close_shift, book.shift, book.kasir, expected_cash(book.shift), day=date(YEAR, 1, 31)
    )
    with pytest.raises(DomainError, match="stok opname"):
        run_transaction(close_month_checked, book.coop, YEAR, 1, book.user)
    run_transaction(
        waive, book.coop, YEAR, 1, "stock_count", "Opname pindah ke Februari", book.user
    )
    period = run_transaction(close_month_checked, book.coop, YEAR, 1, book.user)
    assert period.closed
    # February cannot be closed before ... it is: January is closed, so only its own items.
    rows = {r.item.key: r for r in checklist(book.coop, YEAR, 2)}
    assert rows["previous"].passed


def test_posting_into_a_closed_month_is_refused(ctx):
    coop = make_coop("Koperasi Bulan Tutup")
    user = make_user(f"bt{coop.id}", "bendahara", coop)
    run_transaction(
        post, coop, date(YEAR, 1, 5), "Hibah", [("112100", 1_000, 0), ("312100", 0, 1_000)],
        source="manual",
    )  # fmt: skip
    run_transaction(close_month_checked, coop, YEAR, 1, user)
    with pytest.raises(PeriodLocked):
        run_transaction(
            post, coop, date(YEAR, 1, 31), "Terlambat",
            [("612100", 500, 0), ("112100", 0, 500)], source="manual",
        )  # fmt: skip


# --- random months of activity ----------------------------------------------------------------

ACTIVITY = st.lists(
    st.tuples(
        st.sampled_from(["sale", "member_sale", "expense", "interest", "grant", "transfer"]),
        st.integers(min_value=1, max_value=28),  # day of month
        st.integers(min_value=1, max_value=5_000_000),  # amount
        st.sampled_from(["sembako", "simpan_pinjam", None]),
    ),
    max_size=8,
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(months=st.lists(ACTIVITY, min_size=1, max_size=12))
def test_random_months_closed_one_by_one_keep_every_statement_tying(ctx, months):
    coop = make_coop(f"Koperasi Acak {id(months)}")
    user = make_user(f"acak{coop.id}", "bendahara", coop)
    units = {k: unit_id(coop, k) for k in ("sembako", "simpan_pinjam")}
    units[None] = None
    recipes = {
        "sale": lambda a, u: [("111100", a, 0), ("411200", 0, a, u)],
        "member_sale": lambda a, u: [("112900", a, 0), ("412200", 0, a, u)],
        "expense": lambda a, u: [("612100", a, 0, u), ("112100", 0, a)],
        "interest": lambda a, u: [("112100", a, 0), ("418100", 0, a, u)],
        "grant": lambda a, u: [("112100", a, 0), ("312100", 0, a)],
        "transfer": lambda a, u: [("112100", a, 0), ("111100", 0, a)],
    }
    run_transaction(
        post, coop, date(YEAR, 1, 1), "Modal awal", [("111100", 10**9, 0), ("312100", 0, 10**9)],
        source="manual",
    )  # fmt: skip
    for month, activity in enumerate(months, start=1):
        for kind, day, amount, unit in activity:
            run_transaction(
                post, coop, date(YEAR, month, day), kind, recipes[kind](amount, units[unit]),
                source="manual",
            )  # fmt: skip
        if month == 12:
            run_transaction(close_year, coop, YEAR, user)
        run_transaction(close_month_checked, coop, YEAR, month, user)
        last = date(YEAR, month, calendar.monthrange(YEAR, month)[1])
        assert_ties(coop, date(YEAR, 1, 1), last)
        assert_ties(coop, date(YEAR, month, 1), last)
    if len(months) == 12:
        first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        shu = shu_of(coop, first, last)
        assert -balances(coop, as_of=last).get("315100", 0) == shu
        assert shu_current(coop, last) - shu_current(coop, first - timedelta(days=1)) == shu
        again = run_transaction(close_year, coop, YEAR, user)  # December is locked: no change
        assert not again.posted


def test_closed_months_are_read_from_their_snapshot_and_reopening_drops_it(ctx):
    from outlet_pos.core.ledger.models import PeriodBalance
    from outlet_pos.core.ledger.periods import reopen_month

    coop = make_coop("Koperasi Snapshot")
    user = make_user(f"sn{coop.id}", "pengurus", coop)
    for month in (1, 2, 3):
        run_transaction(
            post, coop, date(YEAR, month, 10), "Jual", [("111100", 1_000 * month, 0),
            ("411200", 0, 1_000 * month)], source="manual",
        )  # fmt: skip
    run_transaction(close_month_checked, coop, YEAR, 1, user)
    run_transaction(close_month_checked, coop, YEAR, 2, user)
    rows = db.session.scalars(select(PeriodBalance).where(PeriodBalance.cooperative_id == coop.id))
    assert {(r.month, r.debit + r.credit) for r in rows} == {(1, 1_000), (2, 2_000)}
    phu = income_statement(coop, date(YEAR, 1, 1), date(YEAR, 3, 31))
    assert phu.sections[0].total.amount == 6_000
    assert shu_of(coop, date(YEAR, 2, 1), date(YEAR, 2, 28)) == 2_000
    run_transaction(reopen_month, coop, YEAR, 2, "Koreksi salah input", user)
    assert {
        r.month
        for r in db.session.scalars(
            select(PeriodBalance).where(PeriodBalance.cooperative_id == coop.id)
        )
    } == {1}
    assert_ties(coop, date(YEAR, 1, 1), date(YEAR, 3, 31))


@pytest.mark.tampers
def test_verify_finds_a_snapshot_changed_behind_the_applications_back(ctx):
    from sqlalchemy import update

    from outlet_pos.core.ledger.models import PeriodBalance
    from outlet_pos.core.verify import verify_all

    coop = make_coop("Koperasi Snapshot Rusak")
    user = make_user(f"sr{coop.id}", "bendahara", coop)
    run_transaction(
        post, coop, date(YEAR, 1, 10), "Jual", [("111100", 5_000, 0), ("411200", 0, 5_000)],
        source="manual",
    )  # fmt: skip
    run_transaction(close_month_checked, coop, YEAR, 1, user)
    db.session.execute(update(PeriodBalance).values(debit=PeriodBalance.debit + 1))
    db.session.commit()
    problems = [v for _c, label, vs in verify_all() if label.startswith("Saldo bulan") for v in vs]
    assert problems and "01/2025" in problems[0]


@pytest.mark.tampers
def test_the_trial_balance_reads_closed_months_from_their_snapshot(ctx):
    """A closed month is one small read, not all its lines (DESIGN §4.1); shown by changing the
    snapshot behind the application's back: the trial balance follows it (verify catches it)."""
    from sqlalchemy import update

    from outlet_pos.core.ledger.models import PeriodBalance

    coop = make_coop("Koperasi Neraca Saldo")
    user = make_user(f"ns{coop.id}", "bendahara", coop)
    for month in (1, 2):
        run_transaction(
            post, coop, date(YEAR, month, 10), "Jual", [("111100", 5_000, 0),
            ("411200", 0, 5_000)], source="manual",
        )  # fmt: skip
    run_transaction(close_month_checked, coop, YEAR, 1, user)
    first, last = date(YEAR, 1, 1), date(YEAR, 2, 28)
    assert _trial_rows(coop, first, last, None) == _trial_from_lines(coop, first, last, None)
    db.session.execute(
        update(PeriodBalance)
        .where(PeriodBalance.cooperative_id == coop.id)
        .values(debit=PeriodBalance.debit + 7)
    )
    db.session.commit()
    debits = {v[1] for v in _trial_rows(coop, first, last, None, tampered=True).values()}
    assert 10_007 in debits  # January's snapshot (+7) plus February's lines
    opening = {
        v[0] for v in _trial_rows(coop, date(YEAR, 2, 1), last, None, tampered=True).values()
    }
    assert 5_007 in opening  # the opening balance reads the snapshot too


def test_a_month_of_a_closed_year_reopens_only_with_the_year_end_open_and_must_reclose(ctx):
    from outlet_pos.core.ledger.periods import reopen_month

    book = build_book("Koperasi Buka Lagi")
    sell(book, 10, date(YEAR, 3, 5))
    run_transaction(close_year, book.coop, YEAR, book.user)
    pengurus = make_user(f"pg{book.coop.id}", "pengurus", book.coop)
    for month in range(1, 13):
        run_transaction(waive, book.coop, YEAR, month, "stock_count", "Tidak ada opname", book.user)
    from outlet_pos.core.ledger.periods import close_month

    for month in range(1, 13):
        run_transaction(close_month, book.coop, YEAR, month, book.user)
    run_transaction(close_month, book.coop, YEAR + 1, 1, book.user)
    with pytest.raises(DomainError, match="buka kembali"):
        run_transaction(reopen_month, book.coop, YEAR, 3, "Koreksi listrik Maret", pengurus)
    run_transaction(reopen_month, book.coop, YEAR + 1, 1, "Koreksi tahun lalu", pengurus)
    run_transaction(reopen_month, book.coop, YEAR, 12, "Koreksi tahun lalu", pengurus)
    run_transaction(reopen_month, book.coop, YEAR, 3, "Koreksi listrik Maret", pengurus)
    spend(book, "612100", 30_000, date(YEAR, 3, 31))
    rows = {r.item.key: r for r in checklist(book.coop, YEAR, 3)}
    assert not rows["year_end"].passed  # the year must be closed again first
    run_transaction(close_year, book.coop, YEAR, book.user)
    assert {r.item.key: r for r in checklist(book.coop, YEAR, 3)}["year_end"].passed
    assert -balances(book.coop, as_of=date(YEAR + 1, 1, 1))["315200"] == shu_of(
        book.coop, date(YEAR, 1, 1), date(YEAR, 12, 31)
    )


def test_after_the_shu_is_shared_the_year_stays_closed(ctx):
    from outlet_pos.core.ledger.periods import close_month, reopen_month
    from outlet_pos.core.shu.services import distribute

    book = build_book("Koperasi Sudah RAT")
    sell(book, 10, date(YEAR, 3, 5), member=book.members[0])
    run_transaction(close_year, book.coop, YEAR, book.user)
    run_transaction(distribute, book.coop, YEAR, date(YEAR + 1, 3, 1), "01/RAT", book.user)
    pengurus = make_user(f"pr{book.coop.id}", "pengurus", book.coop)
    run_transaction(close_month, book.coop, YEAR, 6, book.user)
    with pytest.raises(DomainError, match="sudah dibagikan"):
        run_transaction(reopen_month, book.coop, YEAR, 6, "Koreksi setelah RAT", pengurus)
    spend(book, "612100", 10_000, date(YEAR, 12, 31))  # December is still open
    with pytest.raises(DomainError, match="sudah dibagikan"):
        run_transaction(close_year, book.coop, YEAR, book.user)


def test_an_account_added_outside_the_standard_ranges_still_ties(ctx):
    from outlet_pos.core.ledger.models import Account
    from outlet_pos.core.ledger.services import add_account

    coop = make_coop("Koperasi Investasi")
    user = make_user(f"inv{coop.id}", "bendahara", coop)
    parent = db.session.scalar(
        select(Account).where(Account.cooperative_id == coop.id, Account.code == "100000")
    )
    run_transaction(add_account, coop, parent, "131000", "Investasi jangka panjang", user)
    run_transaction(
        post, coop, date(YEAR, 2, 1), "Penyertaan", [("131000", 1_000, 0), ("312100", 0, 1_000)],
        source="manual",
    )  # fmt: skip
    bs = balance_sheet(coop, date(YEAR, 12, 31))
    assert bs.checks["seimbang"]
    assert any(s.title == "Aset lainnya" and s.total.amount == 1_000 for s in bs.sections)
