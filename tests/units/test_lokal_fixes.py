"""Review fixes of the local units: a double-submitted agent transaction or feed cost is
written once; a settlement marks exactly the rows it summed; a manager voids a wrong agent
transaction by its counter-entry; cashiers are kept to their job (fish prices, utang, a sale at a
loss, back-dated check-ins); LPG rules apply to the subsidised items only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import JournalEntry, balances
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.lokal import agent, cold_storage, fish, livestock, lpg
from outlet_pos.units.lokal.fish_models import AnimalCost
from outlet_pos.units.lokal.models import AgentTxn, LpgSale, profile_of
from outlet_pos.units.lokal.units import add_item, set_subsidised_items
from tests.units.lokal_world import HET, NIK_A, build_world
from tests.units.test_livestock import buy, make_farm


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _pulsa(w, user=None, **kw):
    kw = {"txn_type": "pulsa", "amount": 50_000, "fee": 2_000} | kw
    return run_transaction(agent.record_txn, w.coop, w.agent, user or w.cashier, **kw)


# --- 1. double submit --------------------------------------------------------------------------


def test_a_repeated_agent_form_key_records_one_transaction(ctx):
    w = build_world()
    cash0 = shifts.expected_cash(w.shift)
    first = _pulsa(w, idempotency_key="k-1")
    again = _pulsa(w, idempotency_key="k-1")
    assert again.id == first.id and _count(AgentTxn) == 1
    assert shifts.expected_cash(w.shift) == cash0 + 52_000  # the customer paid once
    assert _pulsa(w, idempotency_key="k-2").id != first.id


def test_a_repeated_feed_form_key_adds_the_cost_once(ctx):
    f = make_farm()
    animal = buy(f)
    kw = {"kind": "pakan", "amount": 450_000, "paid_from": "tunai", "idempotency_key": "f-1"}
    one = run_transaction(livestock.add_cost, f.coop, animal, f.kasir, **kw)
    two = run_transaction(livestock.add_cost, f.coop, animal, f.kasir, **kw)
    assert one.id == two.id
    assert (
        db.session.scalar(select(func.count(AnimalCost.id)).where(AnimalCost.kind == "pakan")) == 1
    )
    assert db.session.get(type(animal), animal.id).carrying_cost == 8_450_000


def test_the_agent_page_double_post_is_one_transaction(app, login):
    with app.app_context():
        w = build_world()
        coop_id, unit_id, kasir = w.coop.id, w.agent.id, w.cashier.username
    client = app.test_client()
    login(client, kasir)
    with client.session_transaction() as s:
        s["coop_id"] = coop_id
    data = {"txn_type": "pulsa", "amount": "50.000", "fee": "", "idempotency_key": "dbl-1"}
    for _ in range(2):
        assert client.post(f"/unit-lokal/{unit_id}/agen/transaksi", data=data).status_code == 302
    with app.app_context():
        assert _count(AgentTxn) == 1
    assert 'name="idempotency_key"' in client.get(f"/unit-lokal/{unit_id}/agen").text


# --- 2. settlement marks exactly what it summed ------------------------------------------------


def test_settlement_marks_only_the_rows_it_summed(ctx, monkeypatch):
    """A transaction committed while the settlement runs (simulated right after its entry is
    posted) is neither paid nor marked: it stays open for the next settlement."""
    w = build_world()
    _pulsa(w, amount=100_000)
    real_post, late = agent.post, []

    def post_then_a_late_txn(*args, **kwargs):
        entry = real_post(*args, **kwargs)
        if kwargs.get("source_ref") == "AGEN-SETOR" and not late:
            monkeypatch.setattr(agent, "post", real_post)
            late.append(agent.record_txn(w.coop, w.agent, w.cashier, txn_type="pulsa",
                                         amount=30_000, fee=0))  # fmt: skip
        return entry

    monkeypatch.setattr(agent, "post", post_then_a_late_txn)
    settlement = run_transaction(agent.settle, w.coop, w.agent, w.manager, bank_account="112100")
    assert settlement.amount == 100_000
    assert db.session.get(AgentTxn, late[0].id).settlement_id is None
    assert agent.open_float(w.coop, w.agent) == 30_000 == -balances(w.coop)["212100"]


# --- 3. void -----------------------------------------------------------------------------------


def _manager_shift(w, amount=500_000):
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == w.coop.id))
    return run_transaction(shifts.open_shift, w.coop, w.manager, outlet, amount)


def test_a_manager_voids_an_agent_transaction_by_its_counter_entry(ctx):
    w = build_world()
    txn = _pulsa(w, amount=100_000, fee=3_000)
    keep = _pulsa(w, amount=40_000, fee=0)
    with pytest.raises(DomainError, match="pengelola"):
        run_transaction(agent.void_txn, w.coop, txn, w.cashier, None, "salah nomor tujuan")
    with pytest.raises(DomainError, match="shift"):  # the pengurus has no open shift yet
        run_transaction(agent.void_txn, w.coop, txn, w.manager, None, "salah nomor tujuan")
    with pytest.raises(ValidationError):
        run_transaction(agent.void_txn, w.coop, txn, w.manager, None, "x")
    own = _manager_shift(w)
    big = _pulsa(w, amount=900_000, fee=0)  # paid into the cashier's drawer
    with pytest.raises(DomainError, match="tidak cukup"):  # the manager's holds 500.000
        run_transaction(agent.void_txn, w.coop, big, w.manager, None, "uji laci kurang")
    cash0 = shifts.expected_cash(own)
    voided = run_transaction(agent.void_txn, w.coop, txn, w.manager, None, "salah nomor tujuan")
    assert voided.void_entry_id and voided.void_reason == "salah nomor tujuan"
    counter = db.session.get(JournalEntry, voided.void_entry_id)
    assert counter.shift_id == own.id
    assert shifts.expected_cash(own) == cash0 - 103_000
    sums = balances(w.coop, unit=w.agent)
    assert sums.get("416100", 0) == 0  # keep had no fee; the voided fee is reversed
    assert agent.open_float(w.coop, w.agent) == 40_000 + 900_000 == -balances(w.coop)["212100"]
    summary = agent.day_summary(w.coop, w.agent, w.coop.today())
    assert summary.total_amount == 940_000 and summary.count == 2 and len(summary.txns) == 3
    with pytest.raises(DomainError, match="sudah dibatalkan"):
        run_transaction(agent.void_txn, w.coop, txn, w.manager, None, "salah nomor tujuan")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "local.agent.void"))
    assert audit.detail["amount"] == 100_000 and audit.detail["reason"] == "salah nomor tujuan"
    run_transaction(agent.settle, w.coop, w.agent, w.manager, bank_account="112100")
    with pytest.raises(DomainError, match="disetor"):
        run_transaction(agent.void_txn, w.coop, keep, w.manager, None, "sudah terlambat")


def test_the_void_action_on_the_agent_page(app, login):
    with app.app_context():
        w = build_world()
        txn = _pulsa(w)
        _manager_shift(w)
        ids = (w.coop.id, w.agent.id, txn.id, w.cashier.username, w.manager.username)
    coop_id, unit_id, txn_id, kasir, boss = ids
    client = app.test_client()
    login(client, kasir)
    data = {"txn_id": str(txn_id), "reason": "pelanggan batal beli"}
    assert client.post(f"/unit-lokal/{unit_id}/agen/batal", data=data).status_code == 403
    assert "Batalkan" not in client.get(f"/unit-lokal/{unit_id}/agen").text
    client = app.test_client()
    login(client, boss)
    assert "Batalkan" in client.get(f"/unit-lokal/{unit_id}/agen").text
    assert client.post(f"/unit-lokal/{unit_id}/agen/batal", data={}).status_code == 400
    resp = client.post(f"/unit-lokal/{unit_id}/agen/batal", data=data)
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(AgentTxn, txn_id).void_entry_id is not None
    assert "dibatalkan" in client.get(f"/unit-lokal/{unit_id}/agen").text


# --- 4–7. cashiers kept to their job -----------------------------------------------------------


def test_a_cashier_cannot_change_fish_prices(ctx):
    from tests.units.test_fish import make_world

    f = make_world()
    with pytest.raises(DomainError, match="pengelola"):
        run_transaction(fish.set_prices, f.coop, f.unit, f.coop.today(),
                        {(f.tongkol, "C"): 9_000}, f.kasir)  # fmt: skip


def test_utang_is_for_managers_and_the_cashier_pays_cash(ctx):
    f = make_farm()
    entries = _count(JournalEntry)
    with pytest.raises(DomainError, match="hanya oleh pengurus"):
        run_transaction(livestock.buy_animal, f.coop, f.unit, f.kasir, tag="U-1", species="sapi",
                        sex="jantan", cost=1_000_000, paid_from="utang")  # fmt: skip
    animal = buy(f)
    with pytest.raises(DomainError, match="hanya oleh pengurus"):
        run_transaction(livestock.add_cost, f.coop, animal, f.kasir, kind="pakan",
                        amount=10_000, paid_from="utang")  # fmt: skip
    assert _count(JournalEntry) == entries + 1  # only the cash purchase
    run_transaction(livestock.add_cost, f.coop, animal, f.manager, kind="pakan", amount=10_000,
                    paid_from="utang")  # fmt: skip
    assert balances(f.coop)["211100"] == -10_000


def test_a_sale_below_carrying_cost_needs_a_manager(ctx):
    f = make_farm()
    animal = buy(f, cost=2_000_000)
    with pytest.raises(DomainError, match="di bawah nilai ternak"):
        run_transaction(livestock.sell_animal, f.coop, animal, f.kasir, basis="ekor",
                        price=1_500_000)  # fmt: skip
    sold = run_transaction(livestock.sell_animal, f.coop, animal, f.kasir, basis="ekor",
                           price=1_500_000, approver=f.manager)  # fmt: skip
    assert sold.status == "terjual" and sold.margin == -500_000
    other = buy(f, "SP-002", cost=1_000_000)
    sold = run_transaction(
        livestock.sell_animal, f.coop, other, f.kasir, basis="ekor", price=1_000_000
    )  # at cost: no approval needed
    assert sold.status == "terjual"


def test_a_cashier_dates_a_check_in_at_most_one_day_back(ctx):
    w = build_world()
    today = w.coop.today()
    with pytest.raises(DomainError, match="paling lama 1 hari"):
        run_transaction(cold_storage.check_in, w.coop, w.cold, w.cashier, owner_name="A",
                        crates=1, day=today - timedelta(days=2))  # fmt: skip
    run_transaction(cold_storage.check_in, w.coop, w.cold, w.cashier, owner_name="B", crates=1,
                    day=today - timedelta(days=1))  # fmt: skip
    run_transaction(cold_storage.check_in, w.coop, w.cold, w.manager, owner_name="C", crates=1,
                    day=today - timedelta(days=9))  # fmt: skip
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "local.cold.in").order_by(AuditEvent.id)
    ).all()
    assert [(r.detail["day"], r.detail["days_back"]) for r in rows] == [
        ((today - timedelta(days=1)).isoformat(), 1),
        ((today - timedelta(days=9)).isoformat(), 9),
    ]


# --- 8. LPG: the subsidised items only ---------------------------------------------------------


def _sell(w, item, qty, price=None, extra=None):
    line = CartLine(item.id, qty=qty, price=price)
    return run_transaction(
        checkout, w.shift, [line], [PaymentIn("tunai", 10**7)], user=w.cashier,
        extra=extra or {}, approver=w.manager if price is not None else None,
    )  # fmt: skip


def test_lpg_rules_apply_to_the_subsidised_items_only(ctx):
    from tests.shop import stock_in

    w = build_world()
    bright = run_transaction(add_item, w.coop, w.lpg, w.manager, name="Bright Gas 5,5 kg",
                             base_uom="tabung", price_member=95_000,
                             price_general=95_000)  # fmt: skip
    stock_in(w.coop, bright, 5, 5 * 80_000)
    assert lpg.subsidised_ids(w.coop.id, w.lpg.id, profile_of(w.lpg).settings) == {w.tabung.id}
    assert set(lpg.lpg_items(w.coop, [w.tabung.id, bright.id])) == {w.tabung.id}
    _sell(w, bright, 3)  # no NIK, above the limit and the HET: not subsidised
    assert _count(LpgSale) == 0
    with pytest.raises(ValidationError, match="NIK"):
        _sell(w, w.tabung, 1)
    run_transaction(set_subsidised_items, w.coop, w.lpg, w.manager, [w.tabung.id, bright.id])
    with pytest.raises(ValidationError, match="NIK"):
        _sell(w, bright, 1)
    run_transaction(set_subsidised_items, w.coop, w.lpg, w.manager, [])
    _sell(w, w.tabung, 1)  # nothing subsidised now
    with pytest.raises(ValidationError):  # another unit's item
        run_transaction(set_subsidised_items, w.coop, w.lpg, w.manager, [w.ikan.id])


def test_a_nik_longer_than_16_digits_is_refused_not_cut(ctx):
    w = build_world()
    with pytest.raises(ValidationError, match="16 digit"):
        _sell(w, w.tabung, 1, extra={"nik": NIK_A + "7"})
    _sell(w, w.tabung, 1, extra={"nik": NIK_A})
    assert db.session.scalar(select(LpgSale.nik)) == NIK_A
    assert HET == 18_000
