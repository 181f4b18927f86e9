"""Fertilizer reports with known figures after a few redemptions, a proxy and a refund in
February 2026: the monthly report per type and per group (page, PDF, workbook, CSV for
upload), allocation against redeemed, farmers not redeemed yet, and the subsidised stock
movement; who may see them."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.refunds import refund
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import reports, services
from outlet_pos.units.pupuk.models import Allocation
from tests.conftest import make_user
from tests.shop import stock_in
from tests.units.pupuk_world import QUOTA, build_kiosk

NIK = QUOTA["farmer_nik"]
SARI, WATI = "3201015205850002", "3201015505850004"
FEB = date(2026, 2, 1)


def _sell(k, ftype, kg, nik, day, **extra):
    return run_transaction(
        checkout,
        k.shift,
        [CartLine(k.items[ftype], qty=kg)],
        [PaymentIn("tunai", 10**9)],
        user=k.cashier,
        extra={"farmer_nik": nik, **extra},
        day=day,
    )


def _february(k) -> None:
    """Darmaji (Tani Makmur): urea 100 by proxy, npk 40, 10 kg urea returned; Bu Sari (Sri
    Rejeki): urea 30; Bu Wati: allocation, nothing redeemed; a March sale outside the month;
    500 kg ZA received in February."""

    def farmers():
        for nik, name, poktan, kg in (
            (SARI, "Bu Sari", "Sri Rejeki", 80),
            (WATI, "Bu Wati", "Sri Rejeki", 50),
        ):
            f = services.save_farmer(
                k.coop, {"nik": nik, "name": name, "poktan": poktan, "desa": "Cibodas"}, k.cashier
            )
            db.session.add(
                Allocation(
                    cooperative_id=k.coop.id,
                    farmer_id=f.id,
                    fertilizer_type="urea",
                    season="2026-MT1",
                    kg=Decimal(kg),
                )
            )

    run_transaction(farmers)
    first = _sell(
        k,
        "urea",
        100,
        NIK,
        date(2026, 2, 10),
        proxy_nik="3201011205850009",
        proxy_name="Bu Ani",
        proxy_letter="Surat kuasa 12/II/2026",
    )
    _sell(k, "npk", 40, NIK, date(2026, 2, 10))
    _sell(k, "urea", 30, SARI, date(2026, 2, 12))
    run_transaction(
        refund,
        first,
        {first.lines[0].id: Decimal(10)},
        "Karung rusak",
        user=k.cashier,
        shift=k.shift,
        approver=k.approver,
        day=date(2026, 2, 15),
    )
    _sell(k, "urea", 5, SARI, date(2026, 3, 2))
    stock_in(k.coop, db.session.get(Item, k.items["za"]), 500, 500 * 1_500, day=date(2026, 2, 5))


def test_monthly_report_per_type_and_group_with_known_figures(ctx):
    k = build_kiosk()
    _february(k)
    data = reports.monthly(k.coop, FEB)
    urea, npk = data.by_type["urea"], data.by_type["npk"]
    assert (urea["kg"], urea["amount"], urea["count"], urea["farmers"]) == (
        Decimal(120),
        216_000,
        2,
        2,
    )
    assert (npk["kg"], npk["amount"], npk["count"]) == (Decimal(40), 73_600, 1)
    assert data.by_group == {
        "Sri Rejeki": {"urea": Decimal(30)},
        "Tani Makmur": {"urea": Decimal(90), "npk": Decimal(40)},
    }
    table = reports.monthly_table(data)
    assert table.rows == [["Sri Rejeki", 1, 30, 0, 30], ["Tani Makmur", 1, 90, 40, 130]]
    assert table.totals == ["Jumlah", 2, 120, 40, 160]
    lines = list(csv.reader(io.StringIO(reports.monthly_csv(data).decode())))
    assert lines[0] == [
        "tanggal",
        "nik",
        "nama",
        "poktan",
        "desa",
        "jenis",
        "kg",
        "nomor struk",
        "kuasa",
    ]
    assert [(r[0], r[1], r[5], r[6], r[8]) for r in lines[1:]] == [
        ("2026-02-10", NIK, "urea", "100", "3201011205850009"),
        ("2026-02-10", NIK, "npk", "40", ""),
        ("2026-02-12", SARI, "urea", "30", ""),
        ("2026-02-15", NIK, "urea", "-10", ""),
    ]


def test_allocation_not_redeemed_and_stock_movement(ctx):
    k = build_kiosk()
    _february(k)
    table = reports.allocation_table(reports.allocation_rows(k.coop, "2026-MT1"))
    assert [[r[0], r[3], *r[4:7]] for r in table.rows] == [
        ["Bu Sari", "Urea", 80, 35, 45],
        ["Bu Wati", "Urea", 50, 0, 50],
        ["Pak Darmaji", "NPK", 100, 40, 60],
        ["Pak Darmaji", "Urea", 150, 90, 60],
    ]
    assert table.totals[4:] == [380, 165, 215, 43]
    idle = reports.not_redeemed(k.coop, "2026-MT1")
    assert [(f.name, a, t) for f, a, t in idle] == [("Bu Wati", Decimal(50), ["Urea"])]
    stock = reports.stock_movement(k.coop, FEB)
    assert stock["urea"] == {
        "opening": 2000,
        "received": 0,
        "sold": 130,
        "returned": 10,
        "other": 0,
        "closing": 1880,
    }
    assert stock["npk"]["closing"] == 1960
    assert (stock["za"]["received"], stock["za"]["closing"]) == (500, 2500)
    march = reports.stock_movement(k.coop, date(2026, 3, 1))
    assert (march["urea"]["opening"], march["urea"]["sold"]) == (1880, 5)


def _web(app):
    with app.app_context():
        k = build_kiosk()
        _february(k)
        make_user("pengawas-tani", "pengawas", k.coop)
        return k.cashier.username


def test_pages_and_downloads_for_the_pengawas_not_the_cashier(app, login):
    kasir_name = _web(app)
    kasir = app.test_client()
    login(kasir, kasir_name)
    assert kasir.get("/pupuk/laporan").status_code == 403
    assert kasir.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-02").status_code == 403
    client = app.test_client()
    login(client, "pengawas-tani")
    index = client.get("/pupuk/laporan").get_data(as_text=True)
    assert "Penebusan bulanan" in index and "Mutasi stok bersubsidi" in index
    html = client.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-02").get_data(as_text=True)
    assert "Februari 2026" in html and "120 kg" in html and "Rp216.000" in html
    assert "Bu Ani (3201011205850009)" in html
    pdf = client.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-02&fmt=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    resp = client.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-02&fmt=xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["Tani Makmur", 1, 90, 40, 130] in cells and ["Jumlah", 2, 120, 40, 160] in cells
    resp = client.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-02&fmt=csv")
    assert resp.mimetype == "text/csv"
    assert (
        resp.data.decode().splitlines()[0]
        == "tanggal,nik,nama,poktan,desa,jenis,kg,nomor struk,kuasa"
    )
    assert 'filename="penebusan-pupuk-2026-02.csv"' in resp.headers["Content-Disposition"]
    html = client.get("/pupuk/laporan/alokasi?musim=2026-MT1").get_data(as_text=True)
    assert "Bu Wati" in html and "Musim tanam 2026-MT1" in html
    html = client.get("/pupuk/laporan/belum-menebus?musim=2026-MT1").get_data(as_text=True)
    assert "Bu Wati" in html and "Bu Sari" not in html
    html = client.get("/pupuk/laporan/mutasi-stok?bulan=2026-02").get_data(as_text=True)
    assert "1.880" in html
    for url in (
        "/pupuk/laporan/alokasi?musim=2026-MT1",
        "/pupuk/laporan/belum-menebus",
        "/pupuk/laporan/mutasi-stok?bulan=2026-02",
    ):
        assert client.get(url + ("&" if "?" in url else "?") + "fmt=pdf").data[:4] == b"%PDF"
        xlsx = client.get(url + ("&" if "?" in url else "?") + "fmt=xlsx").data
        assert load_workbook(io.BytesIO(xlsx)).active["A1"].value == "Koperasi Tani"
    # A month that cannot be read falls back to this month, not an error.
    assert client.get("/pupuk/laporan/penebusan-bulanan?bulan=2026-13").status_code == 200
