"""Livestock unit: animals held in the inventory core at cost, feed capitalised into their
carrying cost, sold per head or per kg in the shift, deaths written off; the pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.models import StockLevel, StockMove
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.sales import shifts
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.core.verify import verify_all
from outlet_pos.extensions import db
from outlet_pos.units.lokal import livestock
from outlet_pos.units.lokal.fish_models import Animal
from tests.conftest import make_coop, make_user


@dataclass
class Farm:
    coop: Cooperative
    unit: BusinessUnit
    kasir: object
    shift_id: int
    manager: object = None


def make_farm(name: str = "Koperasi Ternak", float_amount: int = 20_000_000) -> Farm:
    from outlet_pos.core.onboarding import save_unit
    from outlet_pos.units.lokal.models import LocalUnitProfile

    coop = make_coop(name)
    kasir = make_user(f"kasir-t{coop.id}", "kasir", coop)
    manager = make_user(f"pengurus-t{coop.id}", "pengurus", coop)

    def action():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        unit = save_unit(coop, "ternak", "Peternakan Sapi", "lokal", outlet.id)
        db.session.add(
            LocalUnitProfile(unit_id=unit.id, cooperative_id=coop.id, template="peternakan")
        )
        shift = shifts.open_shift(coop, kasir, outlet, float_amount)
        return unit, shift.id

    unit, shift_id = run_transaction(action)
    return Farm(coop, unit, kasir, shift_id, manager)


def buy(f: Farm, tag="SP-001", cost=8_000_000, **kw) -> Animal:
    kw.setdefault("paid_from", "tunai")
    # on credit (Utang usaha) is the manager's: the treasurer records the supplier's bill
    who = f.manager if kw["paid_from"] == "utang" else f.kasir
    return run_transaction(
        livestock.buy_animal,
        f.coop,
        f.unit,
        who,
        tag=tag,
        species=kw.pop("species", "sapi"),
        sex="jantan",
        cost=cost,
        seller_name="Pak Karto",
        **kw,
    )


def unit_balance(f: Farm, code: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                JournalLine.cooperative_id == f.coop.id,
                Account.code == code,
                JournalLine.unit_id == f.unit.id,
            )
        )
    )


def assert_books_sound():
    bad = [(c, label, v) for c, label, v in verify_all() if v]
    assert bad == []


def test_buy_feed_weigh_sell_per_kg_margin(ctx):
    f = make_farm()
    animal = buy(f, weight="280")
    assert unit_balance(f, "114100") == 8_000_000
    run_transaction(
        livestock.add_cost,
        f.coop,
        animal,
        f.kasir,
        kind="pakan",
        amount=450_000,
        paid_from="tunai",
        description="Konsentrat 3 bulan",
    )
    run_transaction(
        livestock.add_cost,
        f.coop,
        animal,
        f.manager,
        kind="perawatan",
        amount=50_000,
        paid_from="utang",
        description="Vitamin",
    )
    animal = db.session.get(Animal, animal.id)
    assert animal.carrying_cost == 8_500_000
    assert unit_balance(f, "114100") == 8_500_000
    level = db.session.scalar(select(StockLevel).where(StockLevel.item_id == animal.item_id))
    assert (level.on_hand, level.value) == (Decimal(1), 8_500_000)
    run_transaction(livestock.weigh, f.coop, animal, f.kasir, "341,5")
    assert [w.weight for w in db.session.get(Animal, animal.id).weights] == [
        Decimal("280.000"),
        Decimal("341.500"),
    ]
    sold = run_transaction(
        livestock.sell_animal,
        f.coop,
        animal,
        f.kasir,
        basis="kg",
        price=31_000,
        weight="341,5",
        buyer_name="Jagal Slamet",
    )
    # 341,5 kg × Rp31.000 = Rp10.586.500; carrying cost Rp8.500.000 -> margin Rp2.086.500.
    assert (sold.sale_amount, sold.cost_of_sale, sold.margin) == (10_586_500, 8_500_000, 2_086_500)
    assert sold.status == "terjual"
    assert unit_balance(f, "114100") == 0
    assert -unit_balance(f, "411200") == 10_586_500
    assert unit_balance(f, "511100") == 8_500_000
    # Cash: float - purchase - feed (the care went on Utang usaha) + sale.
    shift = db.session.get(shifts.Shift, f.shift_id)
    assert shifts.expected_cash(shift) == 20_000_000 - 8_000_000 - 450_000 + 10_586_500
    assert -balances(f.coop).get("211100", 0) == 50_000
    # The sale is one entry carrying revenue and its cost.
    entry = db.session.get(JournalEntry, sold.close_entry_id)
    assert {ln.account.code for ln in entry.lines} == {"111100", "411200", "511100", "114100"}
    assert_books_sound()


def test_sale_per_head_to_a_member_counts_member_revenue(ctx):
    from outlet_pos.units.simpan_pinjam.members import register_member

    f = make_farm()
    goat = buy(f, "KB-7", 1_500_000, species="kambing", paid_from="utang")
    sheep = buy(f, "DB-1", 1_200_000, species="domba")
    member = run_transaction(
        register_member,
        f.coop,
        {"name": "Bu Sari", "nik": "3201014507900002"},
        f.kasir,
        via="transfer",
    )
    sold = run_transaction(
        livestock.sell_animal,
        f.coop,
        goat,
        f.kasir,
        basis="ekor",
        price=2_100_000,
        method="qris",
        buyer_member_id=member.id,
    )
    assert sold.margin == 600_000
    assert -unit_balance(f, "411100") == 2_100_000
    assert unit_balance(f, "114100") == 1_200_000  # the sheep is still there, at its cost
    assert db.session.get(Animal, sheep.id).status == "ada"
    with pytest.raises(DomainError, match="sudah terjual"):
        run_transaction(livestock.sell_animal, f.coop, goat, f.kasir, basis="ekor", price=2_100_000)
    assert_books_sound()


def test_death_is_written_off(ctx):
    f = make_farm()
    animal = buy(f)
    run_transaction(
        livestock.add_cost, f.coop, animal, f.kasir, kind="pakan", amount=300_000, paid_from="tunai"
    )
    dead = run_transaction(livestock.record_death, f.coop, animal, f.kasir, "Kembung (bloat)")
    assert dead.status == "mati" and dead.cost_of_sale == 8_300_000
    assert unit_balance(f, "617100") == 8_300_000
    assert unit_balance(f, "114100") == 0
    moves = db.session.scalars(
        select(StockMove.kind).where(StockMove.item_id == animal.item_id).order_by(StockMove.id)
    ).all()
    assert moves[-1] == "write_off"
    with pytest.raises(DomainError):
        run_transaction(
            livestock.add_cost, f.coop, dead, f.manager, kind="pakan", amount=1, paid_from="utang"
        )
    assert_books_sound()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tag": ""}, "eartag"),
        ({"cost": 0}, "lebih dari nol"),
        ({"species": "naga"}, "jenis ternak"),
        ({"paid_from": "tunai", "cost": 30_000_000}, "Kas di laci hanya"),
        ({"weight": "-3"}, "lebih dari nol"),
    ],
)
def test_purchase_refusals_write_nothing(ctx, kwargs, message):
    f = make_farm()
    before = db.session.scalar(select(func.count()).select_from(JournalEntry))
    with pytest.raises(DomainError, match=message):
        buy(f, **kwargs)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(Animal)) == 0


def test_a_tag_is_unique_and_cash_needs_a_shift(ctx):
    f = make_farm()
    buy(f)
    with pytest.raises(DomainError, match="sudah terdaftar"):
        buy(f, "sp-001")
    run_transaction(
        shifts.close_shift,
        db.session.get(shifts.Shift, f.shift_id),
        f.kasir,
        shifts.expected_cash(db.session.get(shifts.Shift, f.shift_id)),
    )
    with pytest.raises(DomainError, match="shift"):
        buy(f, "SP-002")
    animal = buy(f, "SP-003", paid_from="utang")  # on credit needs no drawer
    with pytest.raises(DomainError, match="shift"):
        run_transaction(
            livestock.sell_animal, f.coop, animal, f.kasir, basis="ekor", price=9_000_000
        )


def test_livestock_items_are_kept_off_the_ordinary_counter(ctx):
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout

    f = make_farm()
    animal = buy(f)
    shift = db.session.get(shifts.Shift, f.shift_id)
    with pytest.raises(DomainError):
        run_transaction(
            checkout,
            shift,
            [CartLine(animal.item_id, qty=1)],
            [PaymentIn("tunai", 0)],
            user=f.kasir,
        )


def _web(app, username: str, role: str):
    with app.app_context():
        f = make_farm()
        make_user(username, role, f.coop)
        animal = buy(f, weight="250")
        return f.coop.id, f.unit.id, animal.id, f.kasir.username


def test_pages_register_detail_and_actions(app, client, login):
    coop_id, unit_id, animal_id, kasir = _web(app, "pengurus-ternak", "pengurus")
    login(client, kasir)
    with client.session_transaction() as s:
        s["coop_id"] = coop_id
    page = client.get(f"/unit-lokal/{unit_id}/ternak")
    assert page.status_code == 200 and "SP-001" in page.get_data(as_text=True)
    resp = client.post(
        f"/unit-lokal/{unit_id}/ternak",
        data={
            "tag": "KB-2",
            "species": "kambing",
            "sex": "betina",
            "cost": "1.750.000",
            "paid_from": "tunai",
            "seller_name": "Pak Min",
            "weight": "31,5",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    detail = client.get(f"/unit-lokal/ternak/{animal_id}")
    assert detail.status_code == 200 and "Rp8.000.000" in detail.get_data(as_text=True)
    assert (
        client.post(
            f"/unit-lokal/ternak/{animal_id}/biaya",
            data={"kind": "pakan", "amount": "200.000", "paid_from": "tunai"},
        ).status_code
        == 302
    )
    assert (
        client.post(f"/unit-lokal/ternak/{animal_id}/timbang", data={"weight": "262"}).status_code
        == 302
    )
    resp = client.post(
        f"/unit-lokal/ternak/{animal_id}/jual",
        data={"basis": "kg", "price": "32.000", "weight": "262", "method": "tunai"},
    )
    assert resp.status_code == 302
    with app.app_context():
        animal = db.session.get(Animal, animal_id)
        assert animal.status == "terjual" and animal.margin == 262 * 32_000 - 8_200_000
    # Refused actions answer 400 with the message.
    bad = client.post(
        f"/unit-lokal/ternak/{animal_id}/jual",
        data={"basis": "ekor", "price": "1", "method": "tunai"},
    )
    assert bad.status_code in (302, 400)
    # A death write-off is the pengurus's: the cashier is refused.
    assert client.post(f"/unit-lokal/ternak/{animal_id}/mati", data={}).status_code == 403


def test_livestock_permissions_and_404s(app, client, login):
    coop_id, unit_id, animal_id, _k = _web(app, "pengawas-ternak", "pengawas")
    login(client, "pengawas-ternak")
    with client.session_transaction() as s:
        s["coop_id"] = coop_id
    assert client.get(f"/unit-lokal/{unit_id}/ternak").status_code == 403
    assert client.get(f"/unit-lokal/ternak/{animal_id}").status_code == 403
    assert client.post(f"/unit-lokal/ternak/{animal_id}/mati", data={}).status_code == 403
    with app.app_context():
        other = make_farm("Koperasi Ternak Lain")
        foreign = buy(other, "X-1").id
        make_user("kasir-ternak-a", "kasir", db.session.get(Cooperative, coop_id))
    c2 = client.application.test_client()
    login(c2, "kasir-ternak-a")
    with c2.session_transaction() as s:
        s["coop_id"] = coop_id
    assert c2.get(f"/unit-lokal/ternak/{foreign}").status_code == 404
    assert c2.post(f"/unit-lokal/ternak/{foreign}/biaya", data={}).status_code == 404
    assert c2.get("/unit-lokal/ternak/999999").status_code == 404
