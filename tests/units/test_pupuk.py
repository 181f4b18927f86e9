"""Subsidised fertilizer at the counter: the quota attempts of fertilizer.json pass and fail
exactly as listed, the HET switch on 22 Oct 2025 by sale date, proxies, refunds giving the
quota back, and ordinary farm inputs untouched by the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services
from outlet_pos.units.pupuk.models import Allocation, Redemption
from tests.units.pupuk_world import FIXTURE, QUOTA, SALE_DAY, build_kiosk


def _sell(k, ftype, kg, *, price=None, day=SALE_DAY, extra=None, unit_id=None, qty=None):
    line = CartLine(k.items[ftype], item_unit_id=unit_id, qty=qty if qty is not None else kg,
                    price=price)  # fmt: skip
    total = 10**9
    return run_transaction(
        checkout, k.shift, [line], [PaymentIn("tunai", total)], user=k.cashier,
        extra={"farmer_nik": QUOTA["farmer_nik"], **(extra or {})}, day=day,
        approver=k.approver if price is not None else None,
    )  # fmt: skip


def _remaining(k, ftype, season=QUOTA["season"]):
    alloc = db.session.scalar(
        select(Allocation).where(Allocation.farmer_id == k.farmer.id,
                                 Allocation.fertilizer_type == ftype, Allocation.season == season)
    )  # fmt: skip
    db.session.refresh(alloc)
    return alloc.remaining_kg


def test_season_of():
    assert services.season_of(date(2026, 2, 10)) == "2026-MT1"
    assert services.season_of(date(2026, 5, 1)) == "2026-MT2"
    assert services.season_of(date(2025, 10, 21)) == "2025-MT3"


def test_quota_attempts_exactly_as_the_fixture(ctx):
    k = build_kiosk()
    for attempt in QUOTA["attempts"]:
        if attempt["ok"]:
            sale = _sell(k, attempt["type"], attempt["kg"])
            assert sale.total == attempt["kg"] * {"urea": 1_800, "npk": 1_840}[attempt["type"]]
        else:
            with pytest.raises(DomainError) as err:
                _sell(k, attempt["type"], attempt["kg"])
            assert attempt["why"] in err.value.message, err.value.message
    assert _remaining(k, "urea") == 0
    assert _remaining(k, "npk") == 100
    assert db.session.scalar(select(func.count(Redemption.id))) == 2
    assert db.session.scalar(select(func.count(Sale.id))) == 2
    # The subsidised stock and its cost sit in 114200.
    assert balances(k.coop)["114200"] == 3 * 2_000 * 1_500 - 150 * 1_500


def test_het_switch_on_22_october_2025(ctx):
    k = build_kiosk()
    before, after = date(2025, 10, 21), date(2025, 10, 22)
    _sell(k, "urea", 10, price=2_250, day=before)  # old HET
    with pytest.raises(DomainError, match="melebihi HET"):
        _sell(k, "urea", 10, price=2_251, day=before)
    with pytest.raises(DomainError, match=r"melebihi HET Rp1\.800/kg"):
        _sell(k, "urea", 10, price=2_250, day=after)
    _sell(k, "urea", 10, price=1_800, day=after)
    # By the sack: 50 kg at Rp90.000 is exactly the HET.
    sack = db.session.scalar(select(Item_unit_id()).where(Item_unit_filter(k.items["urea"])))
    _sell(k, "urea", 50, day=after, unit_id=sack, qty=1)
    assert _remaining(k, "urea", "2025-MT3") == 500 - 70


def Item_unit_id():  # noqa: N802 - small query helpers for the sack unit
    from outlet_pos.core.inventory.models import ItemUnit

    return ItemUnit.id


def Item_unit_filter(item_id):  # noqa: N802
    from outlet_pos.core.inventory.models import ItemUnit

    return (ItemUnit.item_id == item_id) & (ItemUnit.factor == Decimal(50))


def test_refusals_need_a_registered_farmer_and_a_proper_proxy(ctx):
    k = build_kiosk()
    line = [CartLine(k.items["urea"], qty=10)]
    with pytest.raises(DomainError, match="isi NIK petani"):
        run_transaction(checkout, k.shift, line, [PaymentIn("tunai", 10**6)], user=k.cashier,
                        day=SALE_DAY)  # fmt: skip
    with pytest.raises(DomainError, match="belum terdaftar"):
        run_transaction(checkout, k.shift, line, [PaymentIn("tunai", 10**6)], user=k.cashier,
                        extra={"farmer_nik": "3201011205850009"}, day=SALE_DAY)  # fmt: skip
    with pytest.raises(ValidationError, match="surat kuasa"):
        _sell(k, "urea", 10, extra={"proxy_nik": "3201011205850009"})
    sale = _sell(k, "urea", 10, extra={"proxy_nik": "3201011205850009", "proxy_name": "Bu Ani",
                                       "proxy_letter": "Surat kuasa 12/III/2026"})  # fmt: skip
    red = db.session.scalar(select(Redemption).where(Redemption.sale_id == sale.id))
    assert (red.proxy_nik, red.proxy_letter, red.kg) == (
        "3201011205850009",
        "Surat kuasa 12/III/2026",
        Decimal(10),
    )
    assert red.cashier_id == k.cashier.id


def test_two_lines_in_one_cart_share_the_quota(ctx):
    k = build_kiosk()
    lines = [CartLine(k.items["urea"], qty=100), CartLine(k.items["urea"], qty=60)]
    with pytest.raises(DomainError, match="melebihi sisa kuota 50 kg"):
        run_transaction(checkout, k.shift, lines, [PaymentIn("tunai", 10**6)], user=k.cashier,
                        extra={"farmer_nik": QUOTA["farmer_nik"]}, day=SALE_DAY)  # fmt: skip
    assert _remaining(k, "urea") == 150


def test_refund_gives_the_quota_back(ctx):
    from outlet_pos.core.sales.refunds import refund

    k = build_kiosk()
    sale = _sell(k, "urea", 100)
    assert _remaining(k, "urea") == 50
    line = sale.lines[0]
    run_transaction(refund, sale, {line.id: Decimal(40)}, "Karung rusak", user=k.cashier,
                    shift=k.shift, approver=k.approver, day=SALE_DAY)  # fmt: skip
    assert _remaining(k, "urea") == 90
    kgs = sorted(r.kg for r in db.session.scalars(select(Redemption)))
    assert kgs == [Decimal(-40), Decimal(100)]
    assert FIXTURE  # the fixture file is the one copied from ../shared


def test_ordinary_farm_inputs_sell_without_a_farmer(ctx):
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.tenancy import BusinessUnit
    from tests.shop import stock_in

    k = build_kiosk()
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.kind == "pupuk"))
    seed = run_transaction(
        save_item, k.coop, unit=unit, sku="BNH", name="Benih padi 5 kg", base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 75_000, 80_000)],
    )  # fmt: skip
    stock_in(k.coop, db.session.get(Item, seed.id), 10, 600_000)
    sale = run_transaction(checkout, k.shift, [CartLine(seed.id, qty=2)],
                           [PaymentIn("tunai", 160_000)], user=k.cashier)  # fmt: skip
    assert sale.total == 160_000
    assert db.session.scalar(select(func.count(Redemption.id))) == 0
