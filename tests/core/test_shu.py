"""SHU: the worked cases of the fixture to the rupiah, and the distribution from real books."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outlet_pos.core.closing.year_end import close_year
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.shu.compute import pools, share
from outlet_pos.core.shu.services import distribute, owed_per_member, pay_cash, simulation_for
from outlet_pos.extensions import db
from tests.core.book_world import YEAR, build_book, pay_wajib, sell, spend

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "shu_distribution.json").read_text())[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"shu-{c['shu']}")
def test_pools_and_member_shares_match_the_worked_examples_to_the_rupiah(case):
    got = pools(case["shu"], case["allocation_percent"])
    assert got == case["expected_pools"]
    members = case["members"]
    modal = share(got["jasa_modal"], {n: m["capital_base"] for n, m in members.items()})
    usaha = share(got["jasa_usaha"], {n: m["transactions"] for n, m in members.items()})
    for number, expected in case["expected_members"].items():
        assert modal[number] == expected["jasa_modal"]
        assert usaha[number] == expected["jasa_usaha"]
        assert modal[number] + usaha[number] == expected["total"]
    assert sum(modal.values()) == got["jasa_modal"]
    assert sum(usaha.values()) == got["jasa_usaha"]


def test_allocation_percentages_must_add_up_to_one_hundred():
    with pytest.raises(ValueError):
        pools(1_000_000, {"cadangan": 50, "jasa_modal": 40})


def _closed_year(name: str = "Koperasi SHU"):
    book = build_book(name)
    ani, budi, citra = book.members
    pay_wajib(book, ani, 240_000, date(YEAR, 2, 1))
    pay_wajib(book, budi, 120_000, date(YEAR, 2, 1))
    sell(book, 10, date(YEAR, 3, 5), member=ani)  # 600.000
    sell(book, 5, date(YEAR, 4, 5), member=budi)  # 300.000
    sell(book, 20, date(YEAR, 5, 5))  # 1.300.000 to a non-member
    spend(book, "612100", 150_000, date(YEAR, 6, 30), book.sembako)
    run_transaction(close_year, book.coop, YEAR, book.user)
    return book


def test_the_simulation_shares_the_closed_years_shu_by_capital_and_purchases(ctx):
    book = _closed_year()
    sim = simulation_for(book.coop, YEAR)
    # Sales 2.200.000 at cost 50.000 each (35 x 50.000 = 1.750.000), electricity 150.000.
    assert sim.shu == 2_200_000 - 1_750_000 - 150_000
    assert sum(sim.pools.values()) == sim.shu
    by_name = {b.name: b for b in sim.members}
    assert by_name["Ani"].capital_base == 100_000 + 240_000
    assert by_name["Budi"].capital_base == 100_000 + 120_000
    assert by_name["Citra"].capital_base == 100_000
    assert by_name["Ani"].transactions == 600_000
    assert by_name["Budi"].transactions == 300_000
    assert by_name["Citra"].transactions == 0
    assert sum(b.jasa_modal for b in sim.members) == sim.pools["jasa_modal"]
    assert sum(b.jasa_usaha for b in sim.members) == sim.pools["jasa_usaha"]
    assert by_name["Ani"].jasa_usaha == sim.pools["jasa_usaha"] * 2 // 3


def test_distribution_posts_once_and_a_second_attempt_changes_nothing(ctx):
    book = _closed_year("Koperasi Bagi SHU")
    rat = date(YEAR + 1, 3, 10)
    first = run_transaction(distribute, book.coop, YEAR, rat, "05/RAT/2026", book.user)
    assert first.posted
    entries = db.session.scalar(select(func.count(JournalEntry.id)))
    again = run_transaction(distribute, book.coop, YEAR, rat, "05/RAT/2026", book.user)
    assert not again.posted
    assert db.session.scalar(select(func.count(JournalEntry.id))) == entries
    bal = balances(book.coop)
    sim = simulation_for(book.coop, YEAR)
    assert bal.get("315200", 0) == 0  # SHU belum dibagi fully distributed
    assert -bal["313100"] == sim.pools["cadangan"]
    assert -bal["211700"] == sim.pools["jasa_modal"] + sim.pools["jasa_usaha"]
    assert -bal["211800"] == sum(
        v for k, v in sim.pools.items() if k not in ("cadangan", "jasa_modal", "jasa_usaha")
    )
    owed = owed_per_member(book.coop)
    assert sum(owed.values()) == -bal["211700"]


def test_distribution_needs_a_closed_year_a_decision_and_a_rat_after_the_year(ctx):
    book = build_book("Koperasi Belum Tutup")
    with pytest.raises(DomainError, match="belum ditutup"):
        run_transaction(distribute, book.coop, YEAR, date(YEAR + 1, 3, 1), "01/RAT", book.user)
    run_transaction(close_year, book.coop, YEAR, book.user)
    with pytest.raises(ValidationError, match="nomor keputusan"):
        run_transaction(distribute, book.coop, YEAR, date(YEAR + 1, 3, 1), "", book.user)
    with pytest.raises(ValidationError, match="Tanggal RAT"):
        run_transaction(distribute, book.coop, YEAR, date(YEAR, 12, 1), "01/RAT", book.user)


def test_a_member_is_paid_in_cash_once_from_an_open_shift(ctx):
    book = _closed_year("Koperasi Bayar SHU")
    dist = run_transaction(
        distribute, book.coop, YEAR, date(YEAR + 1, 3, 10), "07/RAT", book.user
    ).distribution
    share_row = next(s for s in dist.shares if s.total > 0)
    before = balances(book.coop)["111100"]
    run_transaction(pay_cash, book.coop, share_row.id, book.kasir, book.shift)
    assert balances(book.coop)["111100"] == before - share_row.total
    assert owed_per_member(book.coop).get(share_row.member_id, 0) == 0
    with pytest.raises(DomainError, match="sudah dibayar"):
        run_transaction(pay_cash, book.coop, share_row.id, book.kasir, book.shift)
