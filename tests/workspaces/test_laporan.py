"""Sales and stock reports: known answers from a small shop with three sales and a refund.

The day (a PKP shop, so PPN applies to minyak only):
  sale 1, cashier A, general price: 2 beras x 64.000 + 3 minyak x 18.000 = 182.000,
          PPN 5.351 (11/111 of 54.000), paid 200.000 cash, change 18.000; cost 164.000
  sale 2, cashier B: 10 kg gula x 18.000 = 180.000, QRIS 100.000 + cash 80.000; cost 155.000
  sale 3, cashier A, member price: 1 beras 62.000 on member credit; cost 58.000
  refund of sale 1 by cashier A: 1 minyak, 18.000 (PPN 1.784, cost 16.000), cash back
  cashier A takes 50.000 out to the bank, closes counting 310.000 (expected 314.000)
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import balances
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.sales.shifts import cash_movement, close_shift, open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from outlet_pos.workspaces.laporan.queries import (
    by_cashier,
    by_unit,
    daily_sales,
    days_of_stock,
    item_sales,
    percent,
    tender_split,
)
from outlet_pos.workspaces.laporan.queries_shift import shift_list, shift_report
from outlet_pos.workspaces.laporan.queries_stock import stock_valuation
from tests.conftest import make_user
from tests.shop import build_shop

NET = 402_433  # 176.649 + 180.000 + 62.000 - 16.216
TAX = 3_567  # 5.351 - 1.784
COST = 361_000  # 164.000 + 155.000 + 58.000 - 16.000
MARGIN = 41_433
STOCK_BEFORE = 3_580_000  # what build_shop received
STOCK_AFTER = STOCK_BEFORE - COST


def _scenario() -> dict:
    """Build the shop and its day; returns plain ids (call inside an app context)."""
    from outlet_pos.core.access import User
    from outlet_pos.core.parties import Member

    shop = build_shop(pkp=True, name="Koperasi Laporan")
    coop = db.session.get(Cooperative, shop.coop_id)
    cashier_a = db.session.get(User, shop.cashier_id)
    cashier_b = make_user(f"kasirb{coop.id}", "kasir", coop)
    boss = make_user(f"bendahara{coop.id}", "bendahara", coop)
    items = shop.items

    def day():
        shift_a = db.session.get(Shift, shop.shift_id)
        outlet = db.session.get(Outlet, shop.outlet_id)
        shift_b = open_shift(coop, cashier_b, outlet, 100_000)
        s1 = checkout(
            shift_a,
            [CartLine(items["beras"], qty=2), CartLine(items["minyak"], qty=3)],
            [PaymentIn("tunai", 200_000)],
            user=cashier_a,
        )
        checkout(
            shift_b,
            [CartLine(items["gula"], qty=10)],
            [PaymentIn("qris", 100_000, "QR-1"), PaymentIn("tunai", 80_000)],
            user=cashier_b,
        )
        checkout(
            shift_a,
            [CartLine(items["beras"], qty=1)],
            [PaymentIn("kredit", 62_000)],
            user=cashier_a,
            member=db.session.get(Member, shop.member_id),
        )
        minyak_line = next(ln for ln in s1.lines if ln.item_id == items["minyak"])
        refund(
            s1, {minyak_line.id: 1}, "Kemasan bocor", user=cashier_a, shift=shift_a, approver=boss
        )
        cash_movement(shift_a, cashier_a, "out", 50_000, "112100", "Setor ke bank")
        close_shift(shift_a, cashier_a, 310_000)
        return shift_b.id

    shift_b_id = run_transaction(day)
    return {
        "coop": coop.id,
        "shift_a": shop.shift_id,
        "shift_b": shift_b_id,
        "cashier_a": cashier_a.id,
        "cashier_b": cashier_b.id,
        "boss": boss.username,
        "kasir": cashier_a.username,
        "unit": shop.unit_id,
        "items": items,
    }


@pytest.fixture
def shop_day(app):
    with app.app_context():
        return _scenario()


def _coop(ids) -> Cooperative:
    return db.session.get(Cooperative, ids["coop"])


def test_the_daily_summary_excludes_ppn_and_subtracts_the_refund(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        report = daily_sales(coop, today.replace(day=1), today)
        assert len(report.rows) == 1 and report.rows[0].key == today
        t = report.total
        assert (t.sales, t.refunds, t.net) == (418_649, 16_216, NET)
        assert (t.tax, t.cost, t.margin) == (TAX, COST, MARGIN)
        assert t.margin_pct == "10,3%"
        assert (t.receipts, t.refund_count) == (3, 1)
        # Net sales are exactly what the ledger booked as revenue.
        moved = balances(coop, as_of=today, date_from=today)
        assert -(moved.get("411100", 0) + moved.get("411200", 0)) == NET
        assert -moved.get("211600", 0) == TAX
        assert moved.get("511100", 0) == COST
        # Another business unit's filter sees nothing; an earlier range sees nothing.
        other = next(u.id for u in coop.units if u.id != shop_day["unit"])
        assert daily_sales(coop, today, today, other).total.net == 0
        yesterday = today - timedelta(days=1)
        assert daily_sales(coop, yesterday, yesterday).rows == []
        for label, check in CHECKS:
            assert list(check(coop)) == [], label


def test_tenders_net_cash_of_change_and_refunds_and_add_up_to_sales_plus_ppn(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        tenders = tender_split(coop, today, today)
        by_method = {t.method: (t.sales, t.refunds, t.net) for t in tenders.rows}
        assert by_method == {
            "tunai": (262_000, 18_000, 244_000),
            "qris": (100_000, 0, 100_000),
            "transfer": (0, 0, 0),
            "kredit": (62_000, 0, 62_000),
        }
        assert tenders.total.net == NET + TAX == 406_000
        assert [(d.day, d.total) for d in tenders.days] == [(today, 406_000)]
        units = by_unit(coop, today, today)
        assert [(r.key, r.figures.net, r.figures.margin) for r in units.rows] == [
            (shop_day["unit"], NET, MARGIN)
        ]


def test_each_cashier_gets_their_own_sales_and_refunds(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        rows = {r.key: r.figures for r in by_cashier(coop, today, today).rows}
        a, b = rows[shop_day["cashier_a"]], rows[shop_day["cashier_b"]]
        assert (a.receipts, a.sales, a.refunds, a.net, a.cost, a.margin) == (
            2, 238_649, 16_216, 222_433, 206_000, 16_433,
        )  # fmt: skip
        assert (b.receipts, b.net, b.cost, b.margin, b.margin_pct) == (
            1, 180_000, 155_000, 25_000, "13,9%",
        )  # fmt: skip


def test_item_report_counts_base_units_net_of_returns_and_finds_slow_movers(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        report = item_sales(coop, today, today, sort="margin")
        got = {r.item.sku: (r.figures.qty, r.figures.net, r.figures.cost) for r in report.items}
        assert got == {
            "BRS5": (Decimal(3), 190_000, 174_000),
            "MYK1": (Decimal(2), 32_433, 32_000),
            "GLA": (Decimal(10), 180_000, 155_000),
        }
        assert [r.item.sku for r in report.items] == ["GLA", "BRS5", "MYK1"]  # by margin
        assert [r.item.sku for r in report.fast] == ["GLA", "BRS5", "MYK1"]  # by quantity
        assert report.total.net == NET
        assert [c.figures.net for c in report.categories] == [NET]
        # Susu is in stock and did not sell; the others last a few days at today's pace.
        assert [(s.item.sku, s.on_hand, s.days_left) for s in report.slow] == [
            ("SUSU", Decimal(20), None)
        ]
        assert days_of_stock(Decimal(46), Decimal(2), 1) == 23


def test_margin_percent_is_exact_and_rounds_half_up():
    assert percent(1, 3) == "33,3%"
    assert percent(1, 8) == "12,5%"
    assert percent(1, 16) == "6,3%"  # 6,25 -> 6,3
    assert percent(-5, 100) == "-5,0%"
    assert percent(5, 0) == "—"


def test_shift_list_and_z_report_show_cash_expected_counted_and_short(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        rows = {r.shift.id: r for r in shift_list(coop, today, today).rows}
        a, b = rows[shop_day["shift_a"]], rows[shop_day["shift_b"]]
        assert (a.cash_sales, a.other_cash, a.expected, a.counted, a.over_short) == (
            164_000, -50_000, 314_000, 310_000, -4_000,
        )  # fmt: skip
        assert (b.cash_sales, b.expected, b.counted, b.over_short) == (80_000, 180_000, None, None)
        z = shift_report(coop, db.session.get(Shift, shop_day["shift_a"]))
        assert (z.sales_count, z.sales_total, z.refund_count, z.refund_total) == (
            2, 244_000, 1, 18_000,
        )  # fmt: skip
        assert {t.method: t.net for t in z.tenders} == {"tunai": 164_000, "kredit": 62_000}
        assert (z.cash_sales, z.cash_refunds, z.cash_out, z.expected) == (
            182_000, 18_000, 50_000, 314_000,
        )  # fmt: skip
        assert [m.amount for m in z.movements] == [-50_000]  # the short is not a movement


def test_stock_valuation_equals_the_inventory_account_today_and_in_the_past(app, shop_day):
    with app.app_context():
        coop = _coop(shop_day)
        today = coop.today()
        now = stock_valuation(coop, today)
        assert now.live and now.ok
        assert now.total.value == STOCK_AFTER == balances(coop)["114100"]
        assert [(a.code, a.ledger, a.stock) for a in now.accounts] == [
            ("114100", STOCK_AFTER, STOCK_AFTER)
        ]
        past = stock_valuation(coop, today - timedelta(days=1))
        assert not past.live and past.ok and past.total.value == STOCK_BEFORE
        assert past.total.qty == {"pcs": Decimal(88), "kg": Decimal(100)}
        assert stock_valuation(coop, date(2024, 12, 31)).total.value == 0


def _login_boss(client, login, shop_day):
    login(client, shop_day["boss"])


def test_report_pages_show_the_known_figures(app, client, login, shop_day):
    _login_boss(client, login, shop_day)
    pages = {
        "/laporan/penjualan": ["Rp402.433", "Rp41.433", "10,3%", "Rp3.567"],
        "/laporan/penjualan/unit-bayar-kasir": ["Rp244.000", "Rp100.000", "Rp62.000", "Cocok"],
        "/laporan/barang?sort=qty": ["Gula pasir curah", "Susu UHT 200 ml", "tidak terjual"],
        "/laporan/shift": ["Rp314.000", "Rp310.000", "kurang", "Rp4.000", "masih buka"],
        f"/laporan/shift/{shop_day['shift_a']}": ["Laporan Z", "Setor ke bank", "Rp314.000"],
        f"/laporan/shift/{shop_day['shift_b']}": ["Laporan X", "Rp180.000"],
        "/laporan/stok": ["Rp3.219.000", "Cocok", "114100"],
    }
    for url, texts in pages.items():
        resp = client.get(url)
        assert resp.status_code == 200, url
        html = resp.get_data(as_text=True)
        for text in texts:
            assert text in html, (url, text)


def test_a_bad_date_is_an_indonesian_error_and_the_month_is_shown(app, client, login, shop_day):
    _login_boss(client, login, shop_day)
    resp = client.get("/laporan/penjualan?date_from=kemarin&unit=abc")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Tanggal tidak valid" in html and "Rp402.433" in html


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/penjualan",
        "/laporan/penjualan/unit-bayar-kasir",
        "/laporan/barang",
        "/laporan/shift",
        "/laporan/stok",
    ],
)
def test_every_report_downloads_as_pdf_and_excel(app, client, login, shop_day, url):
    _login_boss(client, login, shop_day)
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert any(type(v) is int and v > 0 for v in values)
    assert not any(isinstance(v, float) for v in values)


def test_excel_of_the_daily_summary_holds_integer_rupiah(app, client, login, shop_day):
    _login_boss(client, login, shop_day)
    ws = load_workbook(io.BytesIO(client.get("/laporan/penjualan?format=xlsx").data)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] == "Jumlah"]
    assert rows == [("Jumlah", 3, 418_649, 16_216, NET, TAX, COST, MARGIN, "10,3%")]


def test_a_shift_report_downloads_as_pdf(app, client, login, shop_day):
    _login_boss(client, login, shop_day)
    resp = client.get(f"/laporan/shift/{shop_day['shift_a']}?format=pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_another_cooperatives_shift_is_not_found(app, client, login, shop_day):
    with app.app_context():
        other = build_shop(name="Koperasi Tetangga")
    _login_boss(client, login, shop_day)
    assert client.get(f"/laporan/shift/{other.shift_id}").status_code == 404
    assert client.get(f"/laporan/shift/{other.shift_id}?format=pdf").status_code == 404
    # Nor do its sales leak into this cooperative's figures.
    html = client.get("/laporan/penjualan").get_data(as_text=True)
    assert "Rp402.433" in html


def test_a_cashier_cannot_open_the_reports(app, client, login, shop_day):
    login(client, shop_day["kasir"])
    for url in ["/laporan/penjualan", "/laporan/barang?format=pdf", "/laporan/stok"]:
        assert client.get(url).status_code == 403, url
    assert client.get(f"/laporan/shift/{shop_day['shift_a']}").status_code == 403


def test_reading_reports_writes_nothing(app, client, login, shop_day):
    with app.app_context():
        before = db.session.scalar(select(func.count(Sale.id)))
    _login_boss(client, login, shop_day)
    for url in ["/laporan/penjualan?format=pdf", "/laporan/stok?as_of=2020-01-01"]:
        assert client.get(url).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == before
        coop = db.session.get(Cooperative, shop_day["coop"])
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
