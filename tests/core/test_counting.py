"""Stock counts, write-offs and transfers: exact variances, one entry per action, the books hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, PermissionDenied, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item, save_location
from outlet_pos.core.inventory.counting import (
    approve_and_post,
    cancel_count,
    create_count,
    preview_variances,
    record_counts,
    submit_count,
    transfer_stock,
    write_off,
)
from outlet_pos.core.inventory.models import (
    Batch,
    BatchLevel,
    Item,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_user
from tests.shop import build_shop, stock_in


@pytest.fixture
def shop(ctx):
    return build_shop()


def _coop(shop) -> Cooperative:
    return db.session.get(Cooperative, shop.coop_id)


def _loc(shop) -> Location:
    return db.session.get(Location, shop.location_id)


def _item(shop, key) -> Item:
    return db.session.get(Item, shop.items[key])


def _pengurus(shop) -> User:
    return make_user(f"pengurus{shop.coop_id}", "pengurus", _coop(shop))


def _batch(code) -> Batch:
    return db.session.scalar(select(Batch).where(Batch.code == code))


def written() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(JournalEntry.id))),
        db.session.scalar(select(func.count(StockMove.id))),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def on_hand(item_id, location_id) -> Decimal:
    return db.session.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.item_id == item_id, StockLevel.location_id == location_id
        )
    )


def assert_books_hold(coop):
    for label, check in CHECKS:
        assert list(check(coop)) == [], label


def _line(count, item_id, batch_code=None):
    batch_id = _batch(batch_code).id if batch_code else None
    return next(ln for ln in count.lines if ln.item_id == item_id and ln.batch_id == batch_id)


def test_the_sheet_lists_every_item_in_stock_per_batch_with_a_gapless_number(shop):
    coop, loc = _coop(shop), _loc(shop)
    user = _pengurus(shop)
    count = run_transaction(create_count, coop, loc, user, note="Akhir bulan")
    day = coop.today()
    assert count.number == f"SO-GR01-{day:%Y%m%d}-1"
    assert count.status == "draft"
    got = sorted(
        (ln.item.sku, ln.batch.code if ln.batch else None, ln.system_qty) for ln in count.lines
    )
    assert got == [
        ("BRS5", None, Decimal(20)),
        ("GLA", None, Decimal(100)),
        ("MYK1", None, Decimal(48)),
        ("SUSU", "S-NEW", Decimal(10)),
        ("SUSU", "S-OLD", Decimal(10)),
    ]
    # One open count per location; once cancelled, the next number follows without a gap.
    with pytest.raises(ValidationError, match="belum selesai"):
        run_transaction(create_count, coop, loc, user)
    run_transaction(cancel_count, count, user, "salah lokasi")
    second = run_transaction(create_count, coop, loc, user, items=[shop.items["gula"]])
    assert second.number == f"SO-GR01-{day:%Y%m%d}-2"
    assert [ln.item_id for ln in second.lines] == [shop.items["gula"]]


def test_a_count_with_a_loss_and_a_gain_posts_one_balanced_entry_and_sets_the_stock(shop):
    coop, loc = _coop(shop), _loc(shop)
    pengurus = _pengurus(shop)
    count = run_transaction(create_count, coop, loc, pengurus)
    lines = {
        _line(count, shop.items["beras"]).id: "18",  # 2 short at Rp58.000
        _line(count, shop.items["gula"]).id: "100,5",  # 0,5 kg over at Rp15.500/kg
        _line(count, shop.items["minyak"]).id: Decimal(47),  # one sold after printing
        _line(count, shop.items["susu"], "S-OLD").id: "9",  # 1 short
        _line(count, shop.items["susu"], "S-NEW").id: "11",  # 1 over
    }
    run_transaction(record_counts, count, lines, pengurus)
    # A bottle of oil is sold while the sheet is on the shelf: no variance for it.
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    run_transaction(
        checkout,
        shift,
        [CartLine(shop.items["minyak"], qty=1)],
        [PaymentIn("tunai", 18_000)],
        user=cashier,
    )
    run_transaction(submit_count, count, pengurus)
    preview = {
        (v.line.item_id, v.line.batch_id): (v.qty, v.value) for v in preview_variances(count)
    }
    assert preview[(shop.items["beras"], None)] == (Decimal(-2), -116_000)
    assert preview[(shop.items["minyak"], None)] == (Decimal(0), 0)

    entries_before = db.session.scalar(select(func.count(JournalEntry.id)))
    run_transaction(approve_and_post, count, pengurus)
    assert count.status == "posted" and count.approved_by_id == pengurus.id
    assert db.session.scalar(select(func.count(JournalEntry.id))) == entries_before + 1

    got = {
        (ln.item_id, ln.batch.code if ln.batch else None): (ln.variance_qty, ln.variance_value)
        for ln in count.lines
    }
    assert got == {
        (shop.items["beras"], None): (Decimal(-2), -116_000),
        (shop.items["gula"], None): (Decimal("0.5"), 7_750),
        (shop.items["minyak"], None): (Decimal(0), 0),
        (shop.items["susu"], "S-OLD"): (Decimal(-1), -5_100),  # 102.000 / 20 a carton
        (shop.items["susu"], "S-NEW"): (Decimal(1), 5_100),  # at the same average
    }
    assert on_hand(shop.items["beras"], loc.id) == Decimal(18)
    assert on_hand(shop.items["gula"], loc.id) == Decimal("100.5")
    assert on_hand(shop.items["minyak"], loc.id) == Decimal(47)
    assert on_hand(shop.items["susu"], loc.id) == Decimal(20)
    for code, qty in (("S-OLD", 9), ("S-NEW", 11)):
        assert db.session.scalar(
            select(BatchLevel.on_hand).where(BatchLevel.batch_id == _batch(code).id)
        ) == Decimal(qty)

    entry = db.session.get(JournalEntry, count.entry_id)
    assert entry.source == "stock"
    rows = db.session.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit, JournalLine.unit_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry.id)
    ).all()
    loss, gain = 116_000 + 5_100, 7_750 + 5_100
    assert sorted(rows) == sorted(
        [
            ("617100", loss, 0, shop.unit_id),
            ("114100", 0, loss, shop.unit_id),
            ("114100", gain, 0, shop.unit_id),
            ("617100", 0, gain, shop.unit_id),
        ]
    )
    moves = db.session.scalars(select(StockMove).where(StockMove.kind == "count")).all()
    assert sum(m.value for m in moves) == gain - loss
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stock.count.post"))
    assert event.detail["loss"] == loss and event.detail["gain"] == gain
    assert_books_hold(coop)


def test_a_gain_on_an_empty_shelf_enters_at_the_last_receipt_cost(shop):
    coop, loc = _coop(shop), _loc(shop)
    unit = db.session.get(BusinessUnit, shop.unit_id)
    pengurus = _pengurus(shop)
    item = run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="KOPI",
        name="Kopi sachet",
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 1_500, 1_600)],
    )
    stock_in(coop, item, 10, 12_000)
    run_transaction(write_off, coop, loc, item, "10", "Basah kena bocor", pengurus)
    count = run_transaction(create_count, coop, loc, pengurus, items=[item.id])
    assert [(ln.item_id, ln.system_qty) for ln in count.lines] == [(item.id, Decimal(0))]
    run_transaction(record_counts, count, {count.lines[0].id: "3"}, pengurus)
    run_transaction(submit_count, count, pengurus)
    run_transaction(approve_and_post, count, pengurus)
    assert count.lines[0].variance_value == 3_600  # 3 x Rp1.200
    assert on_hand(item.id, loc.id) == Decimal(3)
    assert_books_hold(coop)


def test_a_non_pengurus_cannot_approve_and_nothing_is_written(shop):
    coop, loc = _coop(shop), _loc(shop)
    bendahara = make_user(f"bendahara{shop.coop_id}", "bendahara", coop)
    count = run_transaction(create_count, coop, loc, bendahara)
    run_transaction(
        record_counts, count, {ln.id: ln.system_qty - 1 for ln in count.lines}, bendahara
    )
    run_transaction(submit_count, count, bendahara)
    before = written()
    with pytest.raises(PermissionDenied, match="pengurus"):
        run_transaction(approve_and_post, count, bendahara)
    db.session.expire_all()
    assert written() == before
    assert count.status == "submitted"
    assert all(ln.variance_qty is None for ln in count.lines)


def test_counts_are_checked_before_anything_is_recorded(shop):
    coop, loc = _coop(shop), _loc(shop)
    user = _pengurus(shop)
    count = run_transaction(create_count, coop, loc, user)
    beras, gula = _line(count, shop.items["beras"]), _line(count, shop.items["gula"])
    with pytest.raises(ValidationError) as err:
        run_transaction(record_counts, count, {gula.id: "5", beras.id: "1,5"}, user)
    assert err.value.field == f"line-{beras.id}" and "pecahan" in err.value.message
    with pytest.raises(ValidationError, match="negatif"):
        run_transaction(record_counts, count, {gula.id: "-1"}, user)
    db.session.expire_all()
    assert gula.counted_qty is None
    with pytest.raises(ValidationError, match="belum dihitung"):
        run_transaction(submit_count, count, user)
    with pytest.raises(DomainError, match="diajukan"):
        run_transaction(approve_and_post, count, user)


def test_write_off_refuses_without_a_reason_and_writes_nothing(shop):
    coop, loc = _coop(shop), _loc(shop)
    user = _pengurus(shop)
    before = written()
    for reason in ("", "   "):
        with pytest.raises(ValidationError, match="Alasan") as err:
            run_transaction(write_off, coop, loc, _item(shop, "beras"), "1", reason, user)
        assert err.value.field == "reason"
    with pytest.raises(DomainError, match="Stok tidak cukup"):
        run_transaction(write_off, coop, loc, _item(shop, "beras"), "21", "Rusak", user)
    kasir = db.session.get(User, shop.cashier_id)
    with pytest.raises(PermissionDenied):
        run_transaction(write_off, coop, loc, _item(shop, "beras"), "1", "Rusak", kasir)
    db.session.expire_all()
    assert written() == before
    assert on_hand(shop.items["beras"], loc.id) == Decimal(20)


def test_an_expired_batch_is_written_off_at_its_cost(shop):
    coop, loc = _coop(shop), _loc(shop)
    user = _pengurus(shop)
    susu = _item(shop, "susu")
    stock_in(coop, susu, 4, 20_000, batch="S-LAMA", expiry=date(2020, 1, 31))
    # 24 cartons worth 122.000 in all: the expired four leave at the average, 20.333 rounded.
    entry = run_transaction(
        write_off, coop, loc, susu, "4", "Kedaluwarsa", user, batch_id=_batch("S-LAMA").id
    )
    assert entry.total == 20_333
    assert entry.source == "stock"
    assert db.session.scalar(
        select(BatchLevel.on_hand).where(BatchLevel.batch_id == _batch("S-LAMA").id)
    ) == Decimal(0)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stock.write_off"))
    assert event.detail["reason"] == "Kedaluwarsa" and event.detail["value"] == 20_333
    assert_books_hold(coop)


def test_a_transfer_moves_stock_and_value_without_a_journal_entry(shop):
    coop, loc = _coop(shop), _loc(shop)
    user = _pengurus(shop)
    outlet = db.session.get(Outlet, shop.outlet_id)
    gudang = run_transaction(save_location, coop, outlet, "GUDANG", "Gudang belakang")
    entries = db.session.scalar(select(func.count(JournalEntry.id)))
    value = run_transaction(transfer_stock, coop, loc, gudang, _item(shop, "gula"), "12,5", user)
    assert value == 193_750  # 12,5 kg x Rp15.500
    assert on_hand(shop.items["gula"], gudang.id) == Decimal("12.5")
    assert on_hand(shop.items["gula"], loc.id) == Decimal("87.5")
    assert db.session.scalar(select(func.count(JournalEntry.id))) == entries
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stock.transfer"))
    with pytest.raises(ValidationError, match="sama"):
        run_transaction(transfer_stock, coop, loc, loc, _item(shop, "gula"), "1", user)
    assert_books_hold(coop)
