"""The monthly register report (opening + in - out = closing = stock, the Dinkes CSV), the
pharmacy's sales by drug class, and the pages: who may read them, the PDF and CSV downloads,
and the write-off form."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.models import Item, Location
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.apotek.register_report import CSV_HEADER, register_csv, register_month
from outlet_pos.units.apotek.reports import sales_by_class
from tests.conftest import make_user
from tests.shop import stock_in
from tests.units.test_apotek_register import back_in, pharmacy, sell_direct


def _march_world(coop):
    """Diazepam moving in February, March and April 2025."""
    diaz_id, para_id, loc_id = pharmacy(coop)
    diaz, loc = db.session.get(Item, diaz_id), db.session.get(Location, loc_id)
    stock_in(coop, diaz, 100, 50_000, batch="DZ-F", expiry=date(2027, 1, 31), day=date(2025, 2, 3))
    sell_direct(coop, diaz, loc, 20, date(2025, 2, 20), source="sale:FEB-1")
    stock_in(coop, diaz, 40, 22_000, batch="DZ-M", expiry=date(2026, 6, 30), day=date(2025, 3, 4))
    sell_direct(coop, diaz, loc, 15, date(2025, 3, 10), source="sale:MAR-1")
    back_in(coop, diaz, loc, 3, 1_500, date(2025, 3, 12), "DZ-M", date(2026, 6, 30))
    sell_direct(coop, diaz, loc, 7, date(2025, 3, 31), source="sale:MAR-2")
    sell_direct(coop, diaz, loc, 9, date(2025, 4, 2), source="sale:APR-1")
    return diaz_id, para_id, loc_id


def test_the_register_report_adds_up_for_a_known_month(coop):
    diaz_id, _para, _loc = _march_world(coop)
    report = register_month(coop, 2025, 3, today=date(2025, 5, 1))
    assert report.label == "Maret 2025"
    (drug,) = report.drugs
    assert (drug.opening, drug.qty_in, drug.qty_out) == (Decimal(80), Decimal(43), Decimal(22))
    assert drug.closing == drug.stock == Decimal(101)
    assert drug.on_hand is None and drug.reconciled and report.reconciled
    assert [(m.day.day, m.qty_in, m.qty_out, m.balance) for m in drug.movements] == [
        (4, Decimal(40), 0, Decimal(120)),
        (10, 0, Decimal(15), Decimal(105)),
        (12, Decimal(3), 0, Decimal(108)),
        (31, 0, Decimal(7), Decimal(101)),
    ]
    # FEFO: March's sales came from the batch expiring first (DZ-M, June 2026).
    assert drug.movements[1].batch == "DZ-M" and drug.movements[1].where == "Penjualan MAR-1"
    april = register_month(coop, 2025, 4, today=date(2025, 4, 15))
    (drug,) = april.drugs
    assert (drug.opening, drug.qty_out, drug.closing) == (Decimal(101), Decimal(9), Decimal(92))
    assert drug.on_hand == Decimal(92) and drug.reconciled
    rows = list(csv.reader(io.StringIO(register_csv(report).decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert rows[1][:8] == ["2025-03-04", "Diazepam 5 mg", "5 mg", "DZ-M", "2026-06-30", "40",
                           "", "120"]  # fmt: skip
    assert rows[2][5:9] == ["", "15", "105", "Penjualan MAR-1"]
    assert len(rows) == 5


def test_a_month_without_psychotropics_is_empty_and_reconciled(coop):
    report = register_month(coop, 2025, 3, today=date(2025, 3, 5))
    assert report.drugs == [] and report.reconciled
    assert register_csv(report).decode("utf-8-sig").strip() == ",".join(CSV_HEADER)


def test_sales_by_class_net_of_refunds_with_cost_and_margin(coop):
    diaz_id, para_id, loc_id = pharmacy(coop)
    para = db.session.get(Item, para_id)
    stock_in(coop, para, 100, 20_000, batch="PC-1", expiry=date(2030, 1, 1), day=date(2025, 1, 5))
    kasir = make_user("kasir-rep", "kasir", coop)
    boss = make_user("pengurus-rep", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    shift = run_transaction(open_shift, coop, kasir, outlet, 0, day=date(2025, 3, 3))
    sale = run_transaction(
        checkout, shift, [CartLine(para_id, qty=10)], [PaymentIn("tunai", 5_000)], user=kasir,
        day=date(2025, 3, 3),
    )  # fmt: skip
    line = sale.lines[0]
    run_transaction(refund, sale, {line.id: "4"}, "Kelebihan", user=kasir, shift=shift,
                    approver=boss, day=date(2025, 3, 4))  # fmt: skip
    (row,) = sales_by_class(coop, 2025, 3)
    # 10 sold at Rp500 (cost Rp200) less 4 returned.
    assert (row.drug_class, row.qty, row.revenue, row.cost) == ("bebas", Decimal(6), 3_000, 1_200)
    assert (row.margin, row.margin_pct, row.label) == (1_800, Decimal("60.0"), "Obat bebas")
    assert sales_by_class(coop, 2025, 2) == []


# --- pages --------------------------------------------------------------------------------------


def _web_world(app, web_coop):
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        diaz_id, _para, loc_id = _march_world(coop)
        today = coop.today()
        stock_in(coop, db.session.get(Item, diaz_id), 5, 2_500, batch="DZ-EXP",
                 expiry=today - timedelta(days=2), day=today - timedelta(days=40))  # fmt: skip
        return diaz_id, loc_id


def test_who_may_read_the_register_report_and_its_downloads(app, client, web_coop, web_user, login):
    _web_world(app, web_coop)
    web_user("kasir-w", "kasir")
    web_user("pengawas-w", "pengawas")
    login(client, "kasir-w")
    assert client.get("/apotek/register?bulan=2025-03").status_code == 403
    assert client.get("/apotek/kedaluwarsa").status_code == 200  # pharmacy.view
    assert client.post("/apotek/kedaluwarsa/hapus", data={}).status_code == 403
    client = app.test_client()
    login(client, "pengawas-w")
    page = client.get("/apotek/register?bulan=2025-03")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Diazepam 5 mg" in body and "Penjualan MAR-1" in body and "cocok" in body
    pdf = client.get("/apotek/register?bulan=2025-03&fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    got = client.get("/apotek/register?bulan=2025-03&fmt=csv")
    assert got.mimetype == "text/csv" and b"2025-03-10,Diazepam 5 mg" in got.data
    assert client.get("/apotek/register?bulan=rusak").status_code == 200
    for url in ("/apotek/laporan?bulan=2025-03&fmt=pdf", "/apotek/laporan?tabel=kedaluwarsa&fmt=xlsx"):  # fmt: skip  # noqa: E501
        assert client.get(url).status_code == 200


def test_the_apoteker_writes_off_an_expired_batch_from_the_page(
    app, client, web_coop, web_user, login
):
    diaz_id, loc_id = _web_world(app, web_coop)
    web_user("apoteker-w", "apoteker")
    login(client, "apoteker-w")
    page = client.get("/apotek/kedaluwarsa").get_data(as_text=True)
    assert "DZ-EXP" in page and 'action="/apotek/kedaluwarsa/hapus"' in page
    with app.app_context():
        from outlet_pos.core.inventory.models import Batch

        batch_id = db.session.scalar(select(Batch.id).where(Batch.code == "DZ-EXP"))
    form = {"batch_id": batch_id, "location_id": loc_id, "reason": "Dimusnahkan"}
    resp = client.post("/apotek/kedaluwarsa/hapus", data=form)
    assert resp.status_code == 302
    follow = client.get("/apotek/kedaluwarsa").get_data(as_text=True)
    assert "Batch dihapus dari stok" in follow and "DZ-EXP" not in follow
    bad = client.post("/apotek/kedaluwarsa/hapus", data={"batch_id": "x"})
    assert bad.status_code == 302
    with app.app_context():
        from outlet_pos.units.apotek.register_models import RegisterEntry

        last = db.session.scalar(select(RegisterEntry).order_by(RegisterEntry.id.desc()))
        assert (last.kind, last.qty) == ("write_off", Decimal(-5))
