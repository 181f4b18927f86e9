"""The purchasing pages: receive goods, pay bills, return goods, suppliers, orders, the aging
report (PDF, Excel); bad input refused beside the field; another cooperative's records 404."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.inventory.models import StockLevel, StockMove
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.purchasing import (
    GoodsReceipt,
    PurchaseOrder,
    PurchaseReturn,
    Supplier,
    SupplierBill,
    SupplierPayment,
)
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_user
from tests.shop import build_shop


@pytest.fixture
def shop(app):
    with app.app_context():
        s = build_shop(name="Koperasi Beli")
        coop = db.session.get(Cooperative, s.coop_id)
        make_user("bendahara", "bendahara", coop)
        supplier = Supplier(
            cooperative_id=coop.id, code="CV1", name="CV Sumber Rejeki", payment_terms_days=30
        )
        db.session.add(supplier)
        db.session.commit()
        s.supplier_id = supplier.id
        s.today = coop.today()
        return s


@pytest.fixture
def treasurer(app, shop, login):
    client = app.test_client()
    login(client, "bendahara")
    return client


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (
                GoodsReceipt,
                SupplierBill,
                SupplierPayment,
                JournalEntry,
                StockMove,
                PurchaseReturn,
            )
        )


def violations(app, coop_id) -> list[str]:
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        return [f"{label}: {v}" for label, check in CHECKS for v in check(coop)]


def receipt_form(shop, lines, **extra):
    data = {
        "supplier": str(shop.supplier_id),
        "date": shop.today.isoformat(),
        "supplier_ref": "SJ-77",
        "paid": "",
        "idempotency_key": extra.pop("key", "grn-key-1"),
        **extra,
    }
    for i, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{i}-{name}"] = value
    return data


def cell(page: str, name: str) -> str:
    """The field block that holds the input ``name`` (to check an error sits beside it)."""
    start = page.index(f'name="{name}"')
    ends = [i for i in (page.find('class="field', start), page.find("</td>", start)) if i > 0]
    return page[page.rindex('class="field', 0, start) : min(ends)]


def stock(app, item_id) -> tuple:
    with app.app_context():
        lvl = db.session.scalar(select(StockLevel).where(StockLevel.item_id == item_id))
        return lvl.on_hand, lvl.value


def test_receiving_goods_from_the_form_adds_stock_and_a_bill(app, shop, treasurer):
    page = treasurer.get("/pembukuan/penerimaan").get_data(as_text=True)
    assert "Terima barang" in page and 'list="purchase-items"' in page and "MYK1" in page
    lines = [
        {"item": "8991001000035", "qty": "2", "cost": "360.000"},  # carton barcode
        {
            "item": "susu",
            "unit": "pcs",
            "qty": "12",
            "cost": "54000",
            "batch": "S-9",
            "expiry": (shop.today + timedelta(days=200)).isoformat(),
        },
    ]
    resp = treasurer.post("/pembukuan/penerimaan", data=receipt_form(shop, lines))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    detail = treasurer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "tersimpan" in detail and "Rp414.000" in detail and "S-9" in detail
    assert stock(app, shop.items["minyak"]) == (48 + 24, 768_000 + 360_000)
    assert stock(app, shop.items["susu"]) == (20 + 12, 102_000 + 54_000)
    with app.app_context():
        bill = db.session.scalar(select(SupplierBill))
        assert bill.amount == 414_000 and bill.due_date == shop.today + timedelta(days=30)
    listing = treasurer.get("/pembukuan/penerimaan").get_data(as_text=True)
    assert "GRN-" in listing and "CV Sumber Rejeki" in listing
    # The same submit again (a double click) does not receive twice.
    again = treasurer.post("/pembukuan/penerimaan", data=receipt_form(shop, lines))
    assert again.status_code == 302 and counts(app)[0] == 1
    assert violations(app, shop.coop_id) == []


@pytest.mark.parametrize(
    ("line", "name", "message"),
    [
        ({"item": "MYK1", "qty": "1", "cost": "12,5"}, "lines-0-cost", "rupiah bulat"),
        (
            {"item": "SUSU", "qty": "5", "cost": "30.000", "expiry": "2099-01-01"},
            "lines-0-batch",
            "nomor batch wajib",
        ),
        (
            {"item": "SUSU", "qty": "5", "cost": "30.000", "batch": "X"},
            "lines-0-expiry",
            "kedaluwarsa",
        ),
        ({"item": "MYK1", "qty": "1,5", "cost": "30.000"}, "lines-0-qty", "pecahan"),
        ({"item": "TIDAKADA", "qty": "1", "cost": "1.000"}, "lines-0-item", "tidak ditemukan"),
        ({"item": "MYK1", "unit": "dus", "qty": "1", "cost": "1.000"}, "lines-0-unit", "karton"),
    ],
)
def test_a_bad_receipt_line_is_refused_beside_its_field(app, shop, treasurer, line, name, message):
    before = counts(app)
    resp = treasurer.post("/pembukuan/penerimaan", data=receipt_form(shop, [line]))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    here = cell(page, name)
    assert message in here and 'aria-invalid="true"' in here
    assert f'value="{line["item"]}"' in cell(page, "lines-0-item")  # what was typed is kept
    assert counts(app) == before


def test_paid_on_the_spot_from_the_form_posts_to_the_bank_with_no_bill(app, shop, treasurer):
    lines = [{"item": "BRS5", "qty": "10", "cost": "580.000"}]
    resp = treasurer.post("/pembukuan/penerimaan", data=receipt_form(shop, lines, paid="112100"))
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(SupplierBill.id))) == 0
        assert balances(db.session.get(Cooperative, shop.coop_id))["112100"] == -580_000


def _receive(app, treasurer, shop, cost="200.000", key="k-bill"):
    lines = [{"item": "MYK1", "unit": "karton", "qty": "1", "cost": cost}]
    resp = treasurer.post("/pembukuan/penerimaan", data=receipt_form(shop, lines, key=key))
    assert resp.status_code == 302
    with app.app_context():
        receipt = db.session.scalar(select(GoodsReceipt).order_by(GoodsReceipt.id.desc()))
        bill = db.session.scalar(select(SupplierBill).order_by(SupplierBill.id.desc()))
        return receipt.id, bill.id


def pay_form(bill_id, amount, day, account="112100", key="p1"):
    p = f"bill{bill_id}-"
    return {
        p + "amount": amount,
        p + "account": account,
        p + "date": day.isoformat(),
        p + "reference": "TRF 1",
        p + "idempotency_key": key,
    }


def test_paying_a_bill_in_part_then_in_full_and_overpaying_is_refused(app, shop, treasurer):
    _receipt_id, bill_id = _receive(app, treasurer, shop)
    page = treasurer.get("/pembukuan/tagihan").get_data(as_text=True)
    assert "BILL-" in page and "Rp200.000" in page and "belum jatuh tempo" in page
    url = f"/pembukuan/tagihan/{bill_id}/bayar"
    assert treasurer.post(url, data=pay_form(bill_id, "50.000", shop.today)).status_code == 302
    before = counts(app)
    resp = treasurer.post(url, data=pay_form(bill_id, "150.001", shop.today, key="p2"))
    assert resp.status_code == 400
    assert "melebihi sisa tagihan Rp150.000" in cell(
        resp.get_data(as_text=True), f"bill{bill_id}-amount"
    )
    resp = treasurer.post(url, data=pay_form(bill_id, "12,5", shop.today, key="p3"))
    assert resp.status_code == 400 and counts(app) == before
    resp = treasurer.post(url, data=pay_form(bill_id, "150.000", shop.today, key="p4"))
    assert resp.status_code == 302
    page = treasurer.get("/pembukuan/tagihan").get_data(as_text=True)
    assert "Tidak ada tagihan terbuka" in page and "TRF 1" in page
    with app.app_context():
        bill = db.session.get(SupplierBill, bill_id)
        assert bill.status == "paid" and bill.paid_amount == 200_000
    assert violations(app, shop.coop_id) == []


def test_the_aging_report_downloads_as_pdf_and_excel(app, shop, treasurer):
    _receive(app, treasurer, shop, cost="123.000")
    pdf = treasurer.get("/pembukuan/tagihan/umur-utang.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    xlsx = treasurer.get(f"/pembukuan/tagihan/umur-utang.xlsx?as_of={shop.today.isoformat()}")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "CV Sumber Rejeki" in values and 123_000 in values
    assert treasurer.get("/pembukuan/tagihan/umur-utang.doc").status_code == 404


def test_returning_goods_from_the_receipt_page_lowers_stock_and_the_bill(app, shop, treasurer):
    receipt_id, bill_id = _receive(app, treasurer, shop, cost="240.000")
    page = treasurer.get(f"/pembukuan/penerimaan/{receipt_id}").get_data(as_text=True)
    line_id = re.search(r'name="qty-(\d+)"', page).group(1)
    url = f"/pembukuan/penerimaan/{receipt_id}/retur"
    before = counts(app)
    resp = treasurer.post(
        url,
        data={f"qty-{line_id}": "13", "date": shop.today.isoformat(), "reason": "Kemasan penyok"},
    )
    assert resp.status_code == 400 and "paling banyak 12" in cell(
        resp.get_data(as_text=True), f"qty-{line_id}"
    )
    assert counts(app) == before
    resp = treasurer.post(
        url,
        data={f"qty-{line_id}": "3", "date": shop.today.isoformat(), "reason": "Kemasan penyok"},
    )
    assert resp.status_code == 302
    page = treasurer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "RTB-" in page and "Kemasan penyok" in page and "Rp60.000" in page
    with app.app_context():
        assert db.session.get(SupplierBill, bill_id).amount == 180_000
    assert violations(app, shop.coop_id) == []


def test_suppliers_are_created_and_edited_and_a_bad_npwp_is_refused(app, shop, treasurer):
    data = {
        "code": "ud2",
        "name": "UD Tani",
        "npwp": "12.34",
        "phone": "",
        "address": "",
        "payment_terms_days": "14",
    }
    resp = treasurer.post("/pembukuan/pemasok", data=data)
    assert resp.status_code == 400 and "NPWP" in cell(resp.get_data(as_text=True), "npwp")
    resp = treasurer.post("/pembukuan/pemasok", data={**data, "npwp": "012345678901000"})
    assert resp.status_code == 302
    with app.app_context():
        sup = db.session.scalar(select(Supplier).where(Supplier.code == "UD2"))
        assert sup.payment_terms_days == 14 and sup.npwp == "0012345678901000"
    url = f"/pembukuan/pemasok/{sup.id}"
    assert "UD Tani" in treasurer.get(url).get_data(as_text=True)
    resp = treasurer.post(
        url, data={**data, "npwp": "", "name": "UD Tani Jaya", "payment_terms_days": "abc"}
    )
    assert resp.status_code == 400
    resp = treasurer.post(url, data={**data, "npwp": "", "name": "UD Tani Jaya"})
    assert resp.status_code == 302
    assert "UD Tani Jaya" in treasurer.get("/pembukuan/pemasok").get_data(as_text=True)


def test_an_order_is_received_from_its_prefilled_form(app, shop, treasurer):
    data = {
        "supplier": str(shop.supplier_id),
        "date": shop.today.isoformat(),
        "note": "",
        "lines-0-item": "MYK1",
        "lines-0-unit": "karton",
        "lines-0-qty": "2",
        "lines-0-cost": "200.000",
    }
    assert treasurer.post("/pembukuan/pesanan", data=data).status_code == 302
    with app.app_context():
        order = db.session.scalar(select(PurchaseOrder))
    page = treasurer.get(f"/pembukuan/penerimaan?pesanan={order.id}").get_data(as_text=True)
    assert order.number in page and 'value="400.000"' in page
    lines = [{"item": "MYK1", "unit": "karton", "qty": "2", "cost": "400.000"}]
    resp = treasurer.post(
        "/pembukuan/penerimaan", data=receipt_form(shop, lines, order=str(order.id))
    )
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(PurchaseOrder, order.id).status == "received"
    assert "diterima" in treasurer.get("/pembukuan/pesanan").get_data(as_text=True)


def test_another_cooperatives_receipt_and_bill_are_not_found(app, shop, treasurer, login):
    receipt_id, bill_id = _receive(app, treasurer, shop)
    with app.app_context():
        other = build_shop(name="Koperasi Lain")
        make_user("bend-lain", "bendahara", db.session.get(Cooperative, other.coop_id))
    stranger = app.test_client()
    login(stranger, "bend-lain")
    before = counts(app)
    assert stranger.get(f"/pembukuan/penerimaan/{receipt_id}").status_code == 404
    assert (
        stranger.post(
            f"/pembukuan/penerimaan/{receipt_id}/retur",
            data={"date": shop.today.isoformat(), "reason": "x"},
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            f"/pembukuan/tagihan/{bill_id}/bayar", data=pay_form(bill_id, "1.000", shop.today)
        ).status_code
        == 404
    )
    assert stranger.get(f"/pembukuan/pemasok/{shop.supplier_id}").status_code == 404
    assert stranger.get(f"/pembukuan/penerimaan?pesanan={receipt_id}").status_code in (200, 404)
    assert "CV Sumber Rejeki" not in stranger.get("/pembukuan/tagihan").get_data(as_text=True)
    assert counts(app) == before
