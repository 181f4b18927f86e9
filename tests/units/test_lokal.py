"""Local units opened from the form: they sell through checkout and are their own column of the
income statement; LPG refusals (NIK, daily limit, HET) write nothing and a refund frees the
quota; cold storage bills crates × days × rate in the shift; the agent float returns to zero."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.ledger import JournalEntry, JournalLine, balances
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.statements.financial import income_statement
from outlet_pos.core.tenancy import BusinessUnit
from outlet_pos.extensions import db
from outlet_pos.units.lokal import agent, cold_storage, lpg
from outlet_pos.units.lokal.models import LocalUnitProfile, LpgSale, profile_of
from outlet_pos.units.lokal.units import create_local_unit
from tests.units.lokal_world import HET, NIK_A, NIK_B, build_world


def _sell(w, item, qty, *, extra=None, price=None, line_extra=None):
    line = CartLine(item.id, qty=qty, price=price, extra=line_extra or {})
    return run_transaction(
        checkout, w.shift, [line], [PaymentIn("tunai", 10**7)], user=w.cashier,
        extra=extra or {}, approver=w.manager if price is not None else None,
    )  # fmt: skip


def _counts():
    return (
        db.session.scalar(select(func.count(Sale.id))),
        db.session.scalar(select(func.count(LpgSale.id))),
        db.session.scalar(select(func.count(JournalEntry.id))),
    )


def test_a_unit_from_the_form_sells_and_is_its_own_income_statement_column(ctx):
    w = build_world()
    sale = _sell(w, w.ikan, 2)  # 2 × Rp15.000, no member
    assert sale.total == 30_000
    revenue = db.session.scalar(
        select(func.sum(JournalLine.credit)).where(
            JournalLine.unit_id == w.shop.id, JournalLine.entry_id == sale.entry_id
        )
    )
    assert revenue >= 30_000  # the sale's revenue line carries the unit id
    today = w.coop.today()
    st = income_statement(w.coop, today.replace(day=1), today)
    assert (w.shop.id, "Ikan Asin Bu Rini") in st.units
    sales = next(ln for s in st.sections for ln in s.lines if ln.code.startswith("411"))
    assert sales.by_unit[w.shop.id] == 30_000
    hpp = next(ln for s in st.sections for ln in s.lines if ln.code == "511100")
    assert hpp.by_unit[w.shop.id] == 2 * 9_000


def test_creating_a_unit_checks_template_flows_and_settings_and_writes_nothing_on_refusal(ctx):
    w = build_world()
    before = db.session.scalar(select(func.count(BusinessUnit.id)))
    bad = [
        dict(template="kapal", flows=["jual"], settings={}),
        dict(template="lpg", flows=[], settings={"limit_per_nik_per_day": 2, "het": 1}),
        dict(template="lpg", flows=["jual"], settings={"limit_per_nik_per_day": 0, "het": 1}),
        dict(template="cold_storage", flows=["sewa"], settings={"rate_per_crate_per_day": "x"}),
    ]
    for values in bad:
        with pytest.raises(ValidationError):
            run_transaction(create_local_unit, w.coop, w.manager, name="Baru", code="baru",
                            outlet_id=None, **values)  # fmt: skip
    with pytest.raises(ValidationError, match="sudah dipakai"):
        run_transaction(create_local_unit, w.coop, w.manager, name="LPG 2", code="lpg",
                        outlet_id=None, template="umum", flows=["jual"])  # fmt: skip
    assert db.session.scalar(select(func.count(BusinessUnit.id))) == before
    profile = profile_of(w.lpg)
    assert (profile.template, profile.flows) == ("lpg", ["jual"])
    assert profile.settings == {"het": HET, "limit_per_nik_per_day": 2}


def test_lpg_needs_a_valid_nik_and_refusals_write_nothing(ctx):
    w = build_world()
    before = _counts()
    with pytest.raises(ValidationError, match="isi NIK pembeli"):
        _sell(w, w.tabung, 1)
    with pytest.raises(ValidationError, match="NIK pembeli LPG: NIK harus 16 digit"):
        _sell(w, w.tabung, 1, extra={"nik": "32010115089"})
    with pytest.raises(ValidationError, match="NIK pembeli LPG"):
        _sell(w, w.tabung, 1, extra={"nik": "3201013508900001"})  # day 35: no such date
    assert _counts() == before
    sale = _sell(w, w.tabung, 1, line_extra={"nik": NIK_A, "buyer_name": "Pak Udin"})
    row = db.session.scalar(select(LpgSale).where(LpgSale.sale_id == sale.id))
    assert (row.nik, row.qty, row.amount, row.buyer_name) == (NIK_A, 1, HET, "Pak Udin")


def test_lpg_daily_limit_counts_earlier_sales_and_the_cart(ctx):
    w = build_world()
    _sell(w, w.tabung, 1, extra={"nik": NIK_A})
    before = _counts()
    with pytest.raises(DomainError, match=r"sudah membeli 1 tabung hari ini; batas 2 .*sisa 1"):
        _sell(w, w.tabung, 2, extra={"nik": NIK_A})
    lines = [CartLine(w.tabung.id, qty=1), CartLine(w.tabung.id, qty=1)]
    with pytest.raises(DomainError, match="batas 2 tabung"):
        run_transaction(checkout, w.shift, lines, [PaymentIn("tunai", 10**6)], user=w.cashier,
                        extra={"nik": NIK_A})  # fmt: skip
    assert _counts() == before
    _sell(w, w.tabung, 1, extra={"nik": NIK_A})  # the second tabung of the day is fine
    _sell(w, w.tabung, 2, extra={"nik": NIK_B})  # another NIK has its own quota
    assert lpg.used_today(w.coop.id, w.lpg.id, NIK_A, w.coop.today()) == 2


def test_lpg_above_het_is_refused(ctx):
    w = build_world()
    before = _counts()
    with pytest.raises(DomainError, match="melebihi HET Rp18.000"):
        _sell(w, w.tabung, 1, extra={"nik": NIK_A}, price=HET + 2_000)
    assert _counts() == before
    _sell(w, w.tabung, 1, extra={"nik": NIK_A}, price=HET - 1_000)  # below HET is allowed


def test_a_refund_frees_the_quota_and_nets_the_logbook(ctx):
    from outlet_pos.core.sales.refunds import refund

    w = build_world()
    sale = _sell(w, w.tabung, 2, extra={"nik": NIK_A})
    with pytest.raises(DomainError):
        _sell(w, w.tabung, 1, extra={"nik": NIK_A})
    run_transaction(refund, sale, {sale.lines[0].id: Decimal(1)}, "Tabung bocor",
                    user=w.cashier, shift=w.shift, approver=w.manager)  # fmt: skip
    assert lpg.used_today(w.coop.id, w.lpg.id, NIK_A, w.coop.today()) == 1
    _sell(w, w.tabung, 1, extra={"nik": NIK_A})
    log = lpg.daily_log(w.coop, w.lpg, w.coop.today())
    assert [(r.masked, r.qty, r.amount) for r in log] == [("•" * 12 + "0001", 2, 2 * HET)]


def test_cold_storage_bill_known_answer_in_the_shift(ctx):
    w = build_world()
    today = w.coop.today()
    lot = run_transaction(cold_storage.check_in, w.coop, w.cold, w.manager, owner_name="Pak Hasan",
                          crates=3, day=today - timedelta(days=4))  # fmt: skip
    cash_before = shifts.expected_cash(w.shift)
    lot = run_transaction(cold_storage.check_out, w.coop, lot, w.cashier, method="tunai")
    assert (lot.days, lot.amount) == (4, 60_000)  # 3 crates × 4 days × Rp5.000
    assert shifts.expected_cash(w.shift) == cash_before + 60_000
    entry = db.session.get(JournalEntry, lot.entry_id)
    assert entry.shift_id == w.shift.id and len(entry.lines) == 2
    credit = next(ln for ln in entry.lines if ln.credit)
    assert (credit.account.code, credit.credit, credit.unit_id) == ("415100", 60_000, w.cold.id)
    assert cold_storage.in_room(w.coop, w.cold) == []
    with pytest.raises(DomainError, match="sudah dikeluarkan"):
        run_transaction(cold_storage.check_out, w.coop, lot, w.cashier, method="tunai")


def test_cold_storage_on_member_credit_and_refusals(ctx):
    w = build_world()
    today = w.coop.today()
    anon = run_transaction(cold_storage.check_in, w.coop, w.cold, w.cashier, owner_name="Tamu",
                           crates=1, day=today)  # fmt: skip
    with pytest.raises(DomainError, match="Kredit hanya untuk titipan milik anggota"):
        run_transaction(cold_storage.check_out, w.coop, anon, w.cashier, method="kredit")
    with pytest.raises(ValidationError):
        run_transaction(cold_storage.check_in, w.coop, w.cold, w.cashier, owner_name="X",
                        crates=0, day=today)  # fmt: skip
    with pytest.raises(NotFound):  # the LPG base is no cold room
        run_transaction(cold_storage.check_in, w.coop, w.lpg, w.cashier, owner_name="X",
                        crates=1, day=today)  # fmt: skip
    lot = run_transaction(
        cold_storage.check_in,
        w.coop,
        w.cold,
        w.manager,
        owner_name="",
        crates=2,
        day=today - timedelta(days=3),
        member_id=w.member.id,
    )
    assert lot.owner_name == "Bu Sari"
    lot = run_transaction(cold_storage.check_out, w.coop, lot, w.cashier, method="kredit")
    assert lot.amount == 2 * 3 * 5_000
    entry = db.session.get(JournalEntry, lot.entry_id)
    debit = next(ln for ln in entry.lines if ln.debit)
    assert (debit.account.code, debit.member_id, entry.shift_id) == ("113200", w.member.id, None)
    run_transaction(cold_storage.check_out, w.coop, anon, w.cashier, method="tunai")


def test_agent_entries_balance_and_the_float_returns_to_zero_after_settlement(ctx):
    w = build_world()
    cash0 = shifts.expected_cash(w.shift)
    t1 = run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="token_listrik",
                         amount=100_000, fee=3_000, customer="5300123")  # fmt: skip
    run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="tarik_tunai",
                    amount=250_000, fee=5_000)  # fmt: skip
    run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="setor_tunai",
                    amount=400_000, fee=0)  # fmt: skip
    entry = db.session.get(JournalEntry, t1.entry_id)
    assert sum(ln.debit for ln in entry.lines) == sum(ln.credit for ln in entry.lines) == 103_000
    assert shifts.expected_cash(w.shift) == cash0 + 103_000 - 245_000 + 400_000
    sums = balances(w.coop, unit=w.agent)
    assert sums["212100"] == -(100_000 - 250_000 + 400_000)
    assert sums["416100"] == -8_000
    assert agent.open_float(w.coop, w.agent) == 250_000
    with pytest.raises(ValidationError):
        run_transaction(agent.settle, w.coop, w.agent, w.manager, bank_account="111100")
    settlement = run_transaction(agent.settle, w.coop, w.agent, w.manager, bank_account="112100")
    assert settlement.amount == 250_000
    assert balances(w.coop)["212100"] == 0
    assert agent.open_float(w.coop, w.agent) == 0
    with pytest.raises(DomainError, match="Tidak ada dana titipan"):
        run_transaction(agent.settle, w.coop, w.agent, w.manager, bank_account="112100")
    summary = agent.day_summary(w.coop, w.agent, w.coop.today())
    assert (summary.total_amount, summary.total_fee, len(summary.per_type)) == (750_000, 8_000, 3)


def test_agent_refusals_write_nothing(ctx):
    w = build_world()
    before = _counts()
    with pytest.raises(DomainError, match="tidak cukup"):  # the drawer holds Rp1.000.000
        run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="tarik_tunai",
                        amount=2_000_000, fee=0)  # fmt: skip
    with pytest.raises(ValidationError):
        run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="judi",
                        amount=1_000, fee=0)  # fmt: skip
    with pytest.raises(ValidationError):
        run_transaction(agent.record_txn, w.coop, w.agent, w.cashier, txn_type="pulsa",
                        amount=0, fee=0)  # fmt: skip
    with pytest.raises(DomainError, match="shift"):  # the pengurus has no open shift
        run_transaction(agent.record_txn, w.coop, w.agent, w.manager, txn_type="pulsa",
                        amount=10_000, fee=2_000)  # fmt: skip
    assert _counts() == before
    assert db.session.get(LocalUnitProfile, w.agent.id).settings["types"]["pulsa"] == 2_000
