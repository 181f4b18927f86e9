"""The narcotics/psychotropics register: one row per stock move of a psikotropika drug with a
running balance, none for obat bebas, the prescription named on a dispensing, verify holding
the register to the stock (and catching a row deleted behind its back), the expiry bands and
the write-off of an expired batch."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, PermissionDenied
from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
from outlet_pos.core.inventory.models import BatchLevel, Item, Location, StockLevel, StockMove
from outlet_pos.core.inventory.services import inventory_ledger_lines, issue, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.apotek.expiry import band_of, expiry_bands, write_off_expired
from outlet_pos.units.apotek.models import DrugInfo
from outlet_pos.units.apotek.register import check_register
from outlet_pos.units.apotek.register_models import RegisterEntry
from tests.conftest import make_user
from tests.shop import stock_in


def add_drug(coop, unit, sku, name, cls, price=1_000):
    item = save_item(
        coop, unit=unit, sku=sku, name=name, base_uom="tablet", taxable=False,
        track_batch=True, units=[UnitSpec("tablet", Decimal(1), price, price)],
    )  # fmt: skip
    db.session.add(
        DrugInfo(cooperative_id=coop.id, item_id=item.id, drug_class=cls, strength="5 mg")
    )
    db.session.flush()
    return item


def pharmacy(coop):
    """An apotek unit with diazepam (psikotropika) and paracetamol (obat bebas)."""
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        unit = save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
        diaz = add_drug(coop, unit, "PSI-DZP", "Diazepam 5 mg", "psikotropika")
        para = add_drug(coop, unit, "OB-PCT", "Parasetamol 500 mg", "bebas", 500)
        loc = default_location(coop, outlet, unit)
        return diaz.id, para.id, loc.id

    return run_transaction(setup)


def sell_direct(coop, item, loc, qty, day, kind="sale", source="sale:UJI-1"):
    """Stock out with its cost to HPP, as a sale's entry would carry it."""

    def action():
        chunks = issue(loc, item, Decimal(qty), day=day, source=source, kind=kind)
        cost = sum(c.cost for c in chunks)
        lines = inventory_ledger_lines([(item, cost)], debit_account="511100")
        post(coop, day, f"Keluar {item.sku}", lines, source="stock")
        return chunks

    return run_transaction(action)


def back_in(coop, item, loc, qty, cost, day, batch, expiry):
    def action():
        receive(loc, item, Decimal(qty), cost, day=day, source="refund:UJI-R1", kind="refund",
                batch=batch, expiry=expiry)  # fmt: skip
        post(coop, day, f"Retur {item.sku}",
             inventory_ledger_lines([(item, cost)], debit_account="511100",
                                    inventory_side="debit"), source="stock")  # fmt: skip

    run_transaction(action)


def rows_of(item_id):
    return db.session.scalars(
        select(RegisterEntry).where(RegisterEntry.item_id == item_id).order_by(RegisterEntry.id)
    ).all()


def test_every_move_of_a_psychotropic_is_in_the_register_with_a_running_balance(coop):
    diaz_id, para_id, loc_id = pharmacy(coop)
    diaz, para = db.session.get(Item, diaz_id), db.session.get(Item, para_id)
    loc = db.session.get(Location, loc_id)
    today = coop.today()
    stock_in(coop, diaz, 100, 50_000, batch="DZ-A", expiry=today + timedelta(days=400),
             day=today - timedelta(days=20))  # fmt: skip
    stock_in(coop, diaz, 30, 15_000, batch="DZ-OLD", expiry=today - timedelta(days=3),
             day=today - timedelta(days=20))  # fmt: skip
    stock_in(coop, para, 200, 40_000, batch="PC-1", expiry=today + timedelta(days=300))
    # The expired batch is skipped (FEFO among sellable batches): the sale takes DZ-A.
    chunks = sell_direct(coop, diaz, loc, 10, today - timedelta(days=2))
    assert [(c.qty, c.cost) for c in chunks] == [(Decimal(10), 5_000)]
    back_in(coop, diaz, loc, 4, 2_000, today - timedelta(days=1), "DZ-A", None)
    pengurus = make_user("pengurus-reg", "pengurus", coop)
    batch_old = db.session.scalar(
        select(BatchLevel.batch_id).where(BatchLevel.item_id == diaz.id, BatchLevel.on_hand == 30)
    )
    run_transaction(write_off_expired, coop, pengurus, batch_old, loc.id, "Dimusnahkan, BA 01")
    sell_direct(coop, para, loc, 5, today)

    rows = rows_of(diaz.id)
    assert [(r.kind, r.qty, r.balance_after) for r in rows] == [
        ("receive", Decimal(100), Decimal(100)),
        ("receive", Decimal(30), Decimal(130)),
        ("sale", Decimal(-10), Decimal(120)),
        ("refund", Decimal(4), Decimal(124)),
        ("write_off", Decimal(-30), Decimal(94)),
    ]
    assert rows[2].source == "sale:UJI-1" and rows[3].source == "refund:UJI-R1"
    assert rows[4].source.startswith("write_off:")
    moves = db.session.scalars(
        select(StockMove).where(StockMove.item_id == diaz.id).order_by(StockMove.id)
    ).all()
    assert [r.move_id for r in rows] == [m.id for m in moves]
    assert [r.batch_id for r in rows] == [m.batch_id for m in moves]
    on_hand = db.session.scalar(select(StockLevel.on_hand).where(StockLevel.item_id == diaz.id))
    assert rows[-1].balance_after == on_hand == Decimal(94)
    # Obat bebas moves are not in the register.
    assert rows_of(para.id) == []
    assert list(check_register(coop)) == []


def _dispensing_world(coop):
    from outlet_pos.core.sales.shifts import open_shift
    from outlet_pos.units.apotek.duty import start_duty
    from outlet_pos.units.apotek.prescriptions import create_prescription

    diaz_id, para_id, _loc = pharmacy(coop)
    diaz = db.session.get(Item, diaz_id)
    today = coop.today()
    stock_in(coop, diaz, 60, 30_000, batch="DZ-1", expiry=today + timedelta(days=200),
             day=today - timedelta(days=5))  # fmt: skip
    stock_in(coop, db.session.get(Item, para_id), 50, 10_000, batch="PC-1",
             expiry=today + timedelta(days=200), day=today - timedelta(days=5))  # fmt: skip
    apoteker = make_user("apoteker-reg", "apoteker", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        shift = open_shift(coop, apoteker, outlet, 50_000)
        start_duty(coop, apoteker)
        rx = create_prescription(
            coop, apoteker, patient=None, patient_name="Pak Darto", prescriber="dr. Wulan",
            written_on=today, source="luar", lines=[{"item_id": diaz_id, "qty": "6"}],
        )  # fmt: skip
        return shift.id, rx.id, rx.number

    shift_id, rx_id, rx_number = run_transaction(setup)
    return diaz_id, para_id, apoteker, shift_id, rx_id, rx_number


def test_a_dispensing_names_its_prescription_patient_and_prescriber(coop):
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Sale, Shift
    from outlet_pos.core.sales.refunds import refund
    from outlet_pos.units.apotek.dispense import dispense

    diaz_id, para_id, apoteker, shift_id, rx_id, rx_number = _dispensing_world(coop)
    sale = run_transaction(dispense, coop, apoteker, rx_id)
    row = rows_of(diaz_id)[-1]
    assert (row.kind, row.qty, row.balance_after) == ("sale", Decimal(-6), Decimal(54))
    assert row.source == f"sale:{sale.number}"
    assert (row.prescription_id, row.patient_name, row.prescriber) == (
        rx_id, "Pak Darto", "dr. Wulan",
    )  # fmt: skip
    # A bebas drug sold over the counter: a sale, no register row.
    shift = db.session.get(Shift, shift_id)
    run_transaction(checkout, shift, [CartLine(para_id, qty=2)], [PaymentIn("tunai", 1_000)],
                    user=apoteker)  # fmt: skip
    assert rows_of(para_id) == []
    # Two tablets come back: a refund row with the same prescription, balance back up.
    sale = db.session.get(Sale, sale.id)
    line = sale.lines[0]
    back = run_transaction(refund, sale, {line.id: "2"}, "Salah dosis",
                           user=apoteker, shift=db.session.get(Shift, shift_id),
                           approver=make_user("pengurus-rf", "pengurus", coop))  # fmt: skip
    row = rows_of(diaz_id)[-1]
    assert (row.kind, row.qty, row.balance_after) == ("refund", Decimal(2), Decimal(56))
    assert row.source == f"refund:{back.number}" and row.prescription_id == rx_id
    assert list(check_register(coop)) == []


@pytest.mark.tampers
def test_verify_catches_a_register_row_deleted_behind_its_back(coop):
    from outlet_pos.core.verify import verify_all

    diaz_id, _para, loc_id = pharmacy(coop)
    diaz = db.session.get(Item, diaz_id)
    stock_in(coop, diaz, 20, 10_000, batch="DZ-T", expiry=date(2099, 1, 1))
    stock_in(coop, diaz, 5, 2_500, batch="DZ-T", expiry=date(2099, 1, 1))
    assert list(check_register(coop)) == []
    victim = rows_of(diaz_id)[0].id
    db.session.execute(text("DELETE FROM drug_register WHERE id = :id"), {"id": victim})
    db.session.commit()
    problems = list(check_register(coop))
    assert "Diazepam 5 mg: register 5, mutasi stok 25" in problems
    assert any("batch" in p and "register 5, mutasi stok 25" in p for p in problems)
    assert any("tidak ada di register" in p for p in problems)
    assert any("seharusnya" in p for p in problems)  # the balance chain is broken too
    labels = [label for _c, label, found in verify_all() if found]
    assert "Register narkotika/psikotropika = mutasi stok" in labels


@pytest.mark.tampers
def test_verify_catches_a_balance_that_is_not_the_stock(coop):
    diaz_id, _para, _loc = pharmacy(coop)
    stock_in(coop, db.session.get(Item, diaz_id), 20, 10_000, batch="DZ-T", expiry=date(2099, 1, 1))
    db.session.execute(text("UPDATE drug_register SET balance_after = 19, qty = 19"))
    db.session.commit()
    problems = list(check_register(coop))
    assert "Diazepam 5 mg: saldo register 19, stok 20" in problems
    assert any("berbeda dari mutasinya" in p for p in problems)


def test_expiry_bands_at_90_60_30_days_with_a_fixed_today(coop):
    diaz_id, para_id, _loc = pharmacy(coop)
    para = db.session.get(Item, para_id)
    today = date(2026, 3, 1)
    for code, days in (("E-OLD", -1), ("E-0", 0), ("E-30", 30), ("E-31", 31), ("E-60", 60),
                       ("E-61", 61), ("E-90", 90), ("E-91", 91)):  # fmt: skip
        stock_in(coop, para, 10, 5_000, batch=code, expiry=today + timedelta(days=days),
                 day=date(2026, 1, 5))  # fmt: skip
    bands = expiry_bands(coop, today)
    assert {k: [r.batch_code for r in rows] for k, rows in bands.items()} == {
        "expired": ["E-OLD"],
        "30": ["E-0", "E-30"],
        "60": ["E-31", "E-60"],
        "90": ["E-61", "E-90"],
    }
    old = bands["expired"][0]
    assert (old.days_left, old.qty, old.value, old.drug_class) == (-1, Decimal(10), 5_000, "bebas")
    assert sum(r.value for rows in bands.values() for r in rows) == 35_000
    assert [band_of(d) for d in (-5, 0, 30, 31, 60, 61, 90, 91)] == [
        "expired", "30", "30", "60", "60", "90", "90", None,
    ]  # fmt: skip


def test_writing_off_an_expired_batch_posts_617100_and_empties_it(coop):
    diaz_id, _para, loc_id = pharmacy(coop)
    diaz = db.session.get(Item, diaz_id)
    today = coop.today()
    stock_in(coop, diaz, 12, 6_000, batch="DZ-X", expiry=today - timedelta(days=1),
             day=today - timedelta(days=30))  # fmt: skip
    stock_in(coop, diaz, 8, 4_800, batch="DZ-Y", expiry=today + timedelta(days=10),
             day=today - timedelta(days=30))  # fmt: skip
    levels = {bl.batch.code: bl for bl in db.session.scalars(select(BatchLevel))}
    apoteker = make_user("apoteker-wo", "apoteker", coop)
    kasir = make_user("kasir-wo", "kasir", coop)
    with pytest.raises(PermissionDenied):
        run_transaction(write_off_expired, coop, kasir, levels["DZ-X"].batch_id, loc_id, "rusak")
    with pytest.raises(DomainError, match="belum kedaluwarsa"):
        run_transaction(write_off_expired, coop, apoteker, levels["DZ-Y"].batch_id, loc_id, "x y")
    with pytest.raises(DomainError, match="Alasan"):
        run_transaction(write_off_expired, coop, apoteker, levels["DZ-X"].batch_id, loc_id, " ")
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 2  # the receipts only
    entry = run_transaction(
        write_off_expired, coop, apoteker, levels["DZ-X"].batch_id, loc_id, "Dimusnahkan"
    )
    entry = db.session.get(JournalEntry, entry.id)
    # Average cost of 12 of 20 tablets worth Rp10.800: Rp6.480.
    assert sorted((ln.account.code, ln.debit, ln.credit) for ln in entry.lines) == [
        ("114100", 0, 6_480), ("617100", 6_480, 0),
    ]  # fmt: skip
    db.session.expire_all()
    assert db.session.get(BatchLevel, levels["DZ-X"].id).on_hand == 0
    assert db.session.get(BatchLevel, levels["DZ-Y"].id).on_hand == 8
    last = rows_of(diaz_id)[-1]
    assert (last.kind, last.qty, last.balance_after) == ("write_off", Decimal(-12), Decimal(8))
    assert expiry_bands(coop, today)["expired"] == []
    with pytest.raises(DomainError, match="sudah tidak ada"):
        run_transaction(write_off_expired, coop, apoteker, levels["DZ-X"].batch_id, loc_id, "lagi")


def test_another_cooperatives_batch_is_not_found(coop):
    from outlet_pos.core.errors import NotFound
    from tests.conftest import make_coop

    diaz_id, _p, loc_id = pharmacy(coop)
    stock_in(coop, db.session.get(Item, diaz_id), 5, 500, batch="DZ-Z", expiry=date(2020, 1, 1))
    batch_id = db.session.scalar(select(BatchLevel.batch_id))
    other = make_coop("Koperasi Lain")
    boss = make_user("pengurus-lain", "pengurus", other)
    with pytest.raises(NotFound):
        run_transaction(write_off_expired, other, boss, batch_id, loc_id, "bukan milik")
