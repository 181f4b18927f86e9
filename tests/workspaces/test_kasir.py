"""The cashier's workspace over HTTP: shift, search, checkout JSON, receipts, refunds, closing."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.inventory.models import ItemUnit, StockLevel, StockMove
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.models import Sale, SaleLine, Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_user, skip_or_fail
from tests.shop import build_shop

PDFTOTEXT = "/usr/bin/pdftotext"


@pytest.fixture
def shop(app):
    """A shop (items in stock, member, cashier with an open shift of Rp200.000) and its
    pengurus; the cashier is signed in on ``client``."""
    with app.app_context():
        shop = build_shop()
        coop = db.session.get(Cooperative, shop.coop_id)
        make_user(f"pengurus{shop.coop_id}", "pengurus", coop)
        return shop


@pytest.fixture
def cashier(client, shop, login):
    login(client, f"kasir{shop.coop_id}")
    return client


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Sale.id))),
            db.session.scalar(select(func.count(JournalEntry.id))),
            db.session.scalar(select(func.count(StockMove.id))),
        )


def on_hand(app, item_id) -> Decimal:
    with app.app_context():
        return db.session.scalar(select(StockLevel.on_hand).where(StockLevel.item_id == item_id))


def unit_id(app, item_id, name) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ItemUnit.id).where(ItemUnit.item_id == item_id, ItemUnit.name == name)
        )


def assert_books_hold(app, coop_id) -> None:
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        for label, check in CHECKS:
            assert list(check(coop)) == [], label


def cart(shop, **extra) -> dict:
    """Beras 1 pcs (64.000) + minyak 2 pcs (36.000) + gula 1,5 kg (27.000) = Rp127.000."""
    body = {
        "lines": [
            {"item_id": shop.items["beras"], "qty": "1"},
            {"item_id": shop.items["minyak"], "qty": "2"},
            {"item_id": shop.items["gula"], "qty": "1,5"},
        ],
        "payments": [
            {"method": "tunai", "amount": 100_000},
            {"method": "qris", "amount": 50_000, "reference": "QR-778"},
        ],
        "receipt_discount": 0,
        "idempotency_key": "kunci-1",
    }
    body.update(extra)
    return body


def actions(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- shift and screen ------------------------------------------------------------------


def test_a_cashier_without_a_shift_opens_one_with_a_float_then_gets_the_selling_screen(
    app, client, shop, login
):
    with app.app_context():
        coop = db.session.get(Cooperative, shop.coop_id)
        make_user("kasir-pagi", "kasir", coop)
    login(client, "kasir-pagi")
    page = client.get("/kasir/").get_data(as_text=True)
    assert "Buka shift kasir" in page and 'id="pos"' not in page

    bad = client.post("/kasir/shift/buka", data={"outlet": shop.outlet_id, "float_amount": "1,5"})
    assert bad.status_code == 400
    assert "rupiah bulat" in bad.get_data(as_text=True)

    resp = client.post(
        "/kasir/shift/buka", data={"outlet": shop.outlet_id, "float_amount": "150.000"}
    )
    assert resp.status_code == 302
    with app.app_context():
        shifts = db.session.scalars(
            select(Shift).where(Shift.user_id != shop.cashier_id, Shift.status == "open")
        ).all()
        assert [s.float_amount for s in shifts] == [150_000]
    page = client.get("/kasir/").get_data(as_text=True)
    assert 'id="pos"' in page and 'name="csrf-token"' in page and "js/kasir.js" in page
    # Quick keys: with no sales yet, the first items by name.
    assert page.count("pos-quick-btn") == 4 and "Beras SPHP 5 kg" in page


def test_search_finds_products_by_name_and_by_barcode_with_units_prices_and_stock(
    app, cashier, shop
):
    data = cashier.get("/kasir/cari?q=minyak").get_json()
    assert data["barcode"] is False
    [item] = data["items"]
    assert item["id"] == shop.items["minyak"] and item["sku"] == "MYK1" and item["stock"] == "48"
    units = [(u["name"], u["factor"], u["price_member"], u["price_general"]) for u in item["units"]]
    assert units == [
        ("pcs", "1", 17_500, 18_000),
        ("karton", "12", 204_000, 210_000),
    ]
    carton = unit_id(app, shop.items["minyak"], "karton")
    data = cashier.get("/kasir/cari?q=8991001000035").get_json()
    assert data["barcode"] is True and data["items"][0]["unit_id"] == carton
    assert cashier.get("/kasir/cari?q=tidakada").get_json()["items"] == []
    assert cashier.get("/kasir/cari").get_json()["items"] == []


def test_members_are_found_by_number_nik_or_name_with_what_they_owe(app, cashier, shop):
    for q in ("KDMP-0001", "6471054107900001", "aminah"):
        [m] = cashier.get(f"/kasir/anggota?q={q}").get_json()["members"]
        assert m["id"] == shop.member_id and m["name"] == "Siti Aminah"
        assert (m["credit_limit"], m["owed"], m["room"]) == (500_000, 0, 500_000)
    assert cashier.get("/kasir/anggota?q=zz").get_json()["members"] == []


# --- checkout --------------------------------------------------------------------------


def test_checkout_sells_moves_stock_and_cash_and_the_books_still_hold(app, cashier, shop):
    resp = cashier.post("/kasir/bayar", json=cart(shop))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    data = resp.get_json()
    assert data["total"] == 127_000 and data["change"] == 23_000
    assert data["number"].startswith("GR01-") and data["receipt_url"].endswith("/58")
    assert on_hand(app, shop.items["beras"]) == 19
    assert on_hand(app, shop.items["minyak"]) == 46
    assert on_hand(app, shop.items["gula"]) == Decimal("98.5")
    page = cashier.get("/kasir/shift").get_data(as_text=True)
    # Float 200.000 + cash kept 77.000 (100.000 tendered, 23.000 change).
    assert "Rp277.000" in page
    with app.app_context():
        sale = db.session.get(Sale, data["sale_id"])
        assert [(p.method, p.amount, p.reference) for p in sale.payments] == [
            ("tunai", 100_000, ""),
            ("qris", 50_000, "QR-778"),
        ]
    assert_books_hold(app, shop.coop_id)


def test_a_short_payment_is_refused_in_indonesian_and_nothing_is_written(app, cashier, shop):
    before = counts(app)
    body = cart(shop, payments=[{"method": "tunai", "amount": 100_000}])
    resp = cashier.post("/kasir/bayar", json=body)
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Pembayaran kurang Rp27.000.", "field": "payments"}
    assert counts(app) == before
    assert on_hand(app, shop.items["beras"]) == 20


def test_bad_bodies_and_too_little_stock_get_clear_errors(app, cashier, shop):
    before = counts(app)
    assert cashier.post("/kasir/bayar", data="bukan json").status_code == 400
    resp = cashier.post("/kasir/bayar", json=cart(shop, lines=[]))
    assert resp.get_json()["error"] == "Keranjang masih kosong."
    resp = cashier.post("/kasir/bayar", json=cart(shop, lines=[{"item_id": 999999, "qty": "1"}]))
    assert resp.status_code == 404
    big = [{"item_id": shop.items["beras"], "qty": "21"}]
    resp = cashier.post(
        "/kasir/bayar", json=cart(shop, lines=big, payments=[{"method": "tunai", "amount": 10**7}])
    )
    assert resp.status_code == 409 and "tidak cukup" in resp.get_json()["error"]
    # A NIK one digit too long is refused, not cut down to another valid-looking NIK.
    resp = cashier.post("/kasir/bayar", json=cart(shop, extra={"nik": "3" * 17}))
    assert resp.status_code == 400 and "terlalu panjang" in resp.get_json()["error"]
    assert counts(app) == before


def test_the_same_idempotency_key_twice_makes_one_sale(app, cashier, shop):
    first = cashier.post("/kasir/bayar", json=cart(shop)).get_json()
    second = cashier.post("/kasir/bayar", json=cart(shop)).get_json()
    assert first == second
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 1
    assert on_hand(app, shop.items["beras"]) == 19


def test_a_discount_beyond_the_cashiers_limit_needs_a_supervisor_on_the_spot(app, cashier, shop):
    # 10% off the beras (limit for a kasir: 5%).
    lines = [{"item_id": shop.items["beras"], "qty": "1", "discount": 6_400}]
    body = cart(shop, lines=lines, payments=[{"method": "tunai", "amount": 60_000}])
    before = counts(app)
    resp = cashier.post("/kasir/bayar", json=body)
    assert resp.status_code == 403 and "persetujuan" in resp.get_json()["error"]

    wrong = {"username": f"pengurus{shop.coop_id}", "password": "bukan-sandinya-99"}
    resp = cashier.post("/kasir/bayar", json={**body, "approver": wrong})
    assert resp.status_code == 403
    assert resp.get_json() == {
        "error": "Nama pengguna atau kata sandi penyetuju salah.",
        "field": "approver",
    }
    assert counts(app) == before
    assert len(actions(app, "approval.failed")) == 1

    right = {"username": f"pengurus{shop.coop_id}", "password": TEST_PASSWORD}
    resp = cashier.post("/kasir/bayar", json={**body, "approver": right})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["total"] == 57_600
    [granted] = actions(app, "approval.granted")
    assert granted.detail["cashier"] == f"kasir{shop.coop_id}"
    assert len(actions(app, "sale.discount_override")) == 1
    with app.app_context():
        sale = db.session.get(Sale, resp.get_json()["sale_id"])
        assert sale.approved_by.username == f"pengurus{shop.coop_id}"
    assert_books_hold(app, shop.coop_id)


def test_the_screen_offers_a_price_change_only_to_whom_the_server_takes_it_from(
    app, client, shop, login
):
    login(client, f"kasir{shop.coop_id}")
    page = client.get("/kasir/").get_data(as_text=True)
    assert 'data-price-override="0"' in page and "<kbd>F7</kbd>" not in page
    client.post("/keluar")
    login(client, f"pengurus{shop.coop_id}")
    client.post("/kasir/shift/buka", data={"outlet": shop.outlet_id, "float_amount": "0"})
    page = client.get("/kasir/").get_data(as_text=True)
    assert 'data-price-override="1"' in page and "<kbd>F7</kbd>" in page


def test_a_changed_price_from_the_screen_is_refused_to_a_cashier_and_charged_for_a_pengurus(
    app, client, shop, login
):
    lines = [{"item_id": shop.items["minyak"], "qty": "2", "price": "15.000"}]
    body = cart(shop, lines=lines, payments=[{"method": "tunai", "amount": 30_000}])
    login(client, f"kasir{shop.coop_id}")
    before = counts(app)
    resp = client.post("/kasir/bayar", json=body)
    assert resp.status_code == 403
    assert resp.get_json()["error"] == "Baris 1: mengubah harga perlu persetujuan pengurus."
    assert counts(app) == before and actions(app, "sale.price_override") == []

    client.post("/keluar")
    login(client, f"pengurus{shop.coop_id}")
    client.post("/kasir/shift/buka", data={"outlet": shop.outlet_id, "float_amount": "0"})
    resp = client.post("/kasir/bayar", json=body)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["total"] == 30_000  # 2 x 15.000, not 2 x 18.000
    with app.app_context():
        line = db.session.scalar(
            select(SaleLine).where(SaleLine.sale_id == resp.get_json()["sale_id"])
        )
        assert (line.list_price, line.unit_price, line.total) == (18_000, 15_000, 30_000)
    [event] = actions(app, "sale.price_override")
    assert event.detail == {"list": 18_000, "price": 15_000, "cashier": f"pengurus{shop.coop_id}"}
    assert_books_hold(app, shop.coop_id)


def test_a_cashier_cannot_approve_their_own_discount(app, cashier, shop):
    lines = [{"item_id": shop.items["beras"], "qty": "1", "discount": 6_400}]
    mine = {"username": f"kasir{shop.coop_id}", "password": TEST_PASSWORD}
    body = cart(shop, lines=lines, payments=[{"method": "tunai", "amount": 60_000}])
    resp = cashier.post("/kasir/bayar", json={**body, "approver": mine})
    assert resp.status_code == 403 and "tidak berwenang" in resp.get_json()["error"]


def test_a_member_pays_on_credit_at_member_prices(app, cashier, shop):
    body = cart(
        shop,
        lines=[{"item_id": shop.items["beras"], "qty": "2"}],
        payments=[{"method": "kredit", "amount": 124_000}],
        member_id=shop.member_id,
    )
    resp = cashier.post("/kasir/bayar", json=body)
    assert resp.status_code == 200 and resp.get_json()["total"] == 124_000
    [m] = cashier.get("/kasir/anggota?q=KDMP-0001").get_json()["members"]
    assert (m["owed"], m["room"]) == (124_000, 376_000)


# --- receipts --------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    if not os.path.exists(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    out = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def test_the_first_print_is_the_original_and_every_later_one_a_counted_copy(app, cashier, shop):
    sale = cashier.post("/kasir/bayar", json=cart(shop)).get_json()
    first = cashier.get(f"/kasir/struk/{sale['sale_id']}/58")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    text = pdf_text(first.data)
    assert sale["number"] in text and "Rp127.000" in text and "SALINAN" not in text
    second = cashier.get(f"/kasir/struk/{sale['sale_id']}/80")
    assert second.data.startswith(b"%PDF") and "SALINAN" in pdf_text(second.data)
    third = cashier.get(f"/kasir/struk/{sale['sale_id']}/58")
    assert "SALINAN" in pdf_text(third.data)
    with app.app_context():
        assert db.session.get(Sale, sale["sale_id"]).reprints == 2
    assert len(actions(app, "sale.reprint")) == 2
    assert cashier.get(f"/kasir/struk/{sale['sale_id']}/70").status_code == 404
    detail = cashier.get(f"/kasir/struk/{sale['sale_id']}").get_data(as_text=True)
    assert "Dicetak ulang" in detail and "2 kali" in detail


def test_todays_receipts_are_listed_and_found_by_number(app, cashier, shop):
    sale = cashier.post("/kasir/bayar", json=cart(shop)).get_json()
    page = cashier.get("/kasir/struk").get_data(as_text=True)
    assert sale["number"] in page and "Rp127.000" in page
    tail = sale["number"][-4:]
    assert sale["number"] in cashier.get(f"/kasir/struk?q={tail}").get_data(as_text=True)
    assert sale["number"] not in cashier.get("/kasir/struk?q=XYZ").get_data(as_text=True)


# --- refunds ---------------------------------------------------------------------------


def test_a_partial_refund_through_the_page_needs_a_supervisor_and_puts_stock_back(
    app, cashier, shop
):
    sale = cashier.post("/kasir/bayar", json=cart(shop)).get_json()
    with app.app_context():
        line_id = db.session.scalar(
            select(SaleLine.id).where(
                SaleLine.sale_id == sale["sale_id"], SaleLine.item_id == shop.items["minyak"]
            )
        )
    page = cashier.get(f"/kasir/struk/{sale['sale_id']}/retur").get_data(as_text=True)
    assert "Persetujuan pengurus" in page and f'name="qty-{line_id}"' in page
    form = {
        f"qty-{line_id}": "1",
        "reason": "Kemasan bocor",
        "approver_username": f"pengurus{shop.coop_id}",
        "approver_password": "salah-sandi-1234",
        "idempotency_key": "retur-1",
    }
    before = counts(app)
    resp = cashier.post(f"/kasir/struk/{sale['sale_id']}/retur", data=form)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "kata sandi penyetuju salah" in body and 'value="Kemasan bocor"' in body
    assert counts(app) == before

    form["approver_password"] = TEST_PASSWORD
    resp = cashier.post(f"/kasir/struk/{sale['sale_id']}/retur", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert on_hand(app, shop.items["minyak"]) == 47
    with app.app_context():
        original = db.session.get(Sale, sale["sale_id"])
        [doc] = db.session.scalars(select(Sale).where(Sale.refund_of_id == original.id)).all()
        assert original.status == "partially_refunded"
        assert doc.total == 18_000 and doc.approved_by.username == f"pengurus{shop.coop_id}"
        assert [(p.method, p.amount) for p in doc.payments] == [("tunai", 18_000)]
    assert len(actions(app, "sale.refund")) == 1
    assert [a.detail["action"] for a in actions(app, "approval.granted")] == ["retur"]
    # The refund receipt prints as a refund.
    assert "RETUR PENJUALAN" in pdf_text(cashier.get(f"/kasir/struk/{doc_id(app, sale)}/58").data)
    # Float 200.000 + 77.000 cash kept - 18.000 back.
    assert "Rp259.000" in cashier.get("/kasir/shift").get_data(as_text=True)
    assert_books_hold(app, shop.coop_id)


def doc_id(app, sale) -> int:
    with app.app_context():
        return db.session.scalar(select(Sale.id).where(Sale.refund_of_id == sale["sale_id"]))


def test_a_refund_of_more_than_was_sold_is_refused_beside_the_lines(app, client, shop, login):
    login(client, f"kasir{shop.coop_id}")
    sale = client.post("/kasir/bayar", json=cart(shop)).get_json()
    client.post("/keluar")
    # The pengurus has pos.refund: no approver fields, but needs a shift of their own.
    login(client, f"pengurus{shop.coop_id}")
    with app.app_context():
        line_id = db.session.scalar(select(SaleLine.id).where(SaleLine.sale_id == sale["sale_id"]))
    page = client.get(f"/kasir/struk/{sale['sale_id']}/retur").get_data(as_text=True)
    assert "approver_password" not in page and "belum membuka shift" in page
    client.post("/kasir/shift/buka", data={"outlet": shop.outlet_id, "float_amount": "0"})
    resp = client.post(
        f"/kasir/struk/{sale['sale_id']}/retur", data={f"qty-{line_id}": "5", "reason": "Salah"}
    )
    assert resp.status_code == 400 and "melebihi yang terjual" in resp.get_data(as_text=True)


# --- shift: cash in/out, closing -------------------------------------------------------


def test_closing_with_a_count_by_denomination_posts_the_shortage(app, cashier, shop):
    cashier.post("/kasir/bayar", json=cart(shop))
    resp = cashier.post(
        "/kasir/shift/kas",
        data={"direction": "out", "amount": "50.000", "account": "112100", "reason": "Setor bank"},
    )
    assert resp.status_code == 302
    page = cashier.get("/kasir/shift").get_data(as_text=True)
    assert "Laporan X" in page and "Rp227.000" in page  # 200.000 + 77.000 - 50.000

    assert cashier.post("/kasir/shift/tutup", data={}).status_code == 400
    bad = cashier.post("/kasir/shift/tutup", data={"d100000": "dua"})
    assert bad.status_code == 400 and "angka bulat" in bad.get_data(as_text=True)
    # Counted 226.500: 2 x 100.000, 1 x 20.000, 1 x 5.000, 1 x 1.000, 1 x 500 -> short 500.
    count = {"d100000": "2", "d20000": "1", "d5000": "1", "d1000": "1", "d500": "1"}
    resp = cashier.post("/kasir/shift/tutup", data={**count, "note": "uang receh kurang"})
    assert resp.status_code == 302
    report = cashier.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Laporan Z" in report and "kurang" in report and "-Rp500" in report
    with app.app_context():
        shift = db.session.get(Shift, shop.shift_id)
        assert (shift.status, shift.expected_cash, shift.counted_cash, shift.over_short) == (
            "closed",
            227_000,
            226_500,
            -500,
        )
        assert shift.denominations["100000"] == 2
    assert "Buka shift" in cashier.get("/kasir/").get_data(as_text=True)
    assert_books_hold(app, shop.coop_id)


# --- who may see what ------------------------------------------------------------------


def test_a_cashier_of_one_cooperative_cannot_open_anothers_sale(app, client, login):
    with app.app_context():
        a = build_shop(name="Koperasi A")
        b = build_shop(name="Koperasi B")
    login(client, f"kasir{b.coop_id}")
    other = client.post("/kasir/bayar", json=cart(b)).get_json()
    client.post("/keluar")
    login(client, f"kasir{a.coop_id}")
    for url in (
        f"/kasir/struk/{other['sale_id']}",
        f"/kasir/struk/{other['sale_id']}/58",
        f"/kasir/struk/{other['sale_id']}/retur",
        f"/kasir/shift/{b.shift_id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/kasir/struk/{other['sale_id']}/retur", data={}).status_code == 404
    # B's items cannot be sold from A's counter either.
    resp = client.post("/kasir/bayar", json=cart(b, idempotency_key="a-1"))
    assert resp.status_code == 404
    assert (
        client.get("/kasir/cari?q=8991001000011").get_json()["items"][0]["id"] == a.items["beras"]
    )


def test_a_pendamping_gets_403_everywhere_at_the_counter(app, client, shop, login):
    with app.app_context():
        make_user("mentor", "pendamping", db.session.get(Cooperative, shop.coop_id))
    login(client, "mentor")
    for url in ("/kasir/", "/kasir/struk", "/kasir/shift", "/kasir/cari?q=beras"):
        assert client.get(url).status_code == 403, url
    assert client.post("/kasir/bayar", json=cart(shop)).status_code == 403


def test_the_checkout_takes_its_csrf_token_from_the_header(app, shop):
    from outlet_pos import create_app

    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    try:
        client = strict.test_client()
        login_page = client.get("/masuk").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        creds = {"username": f"kasir{shop.coop_id}", "password": TEST_PASSWORD}
        client.post("/masuk", data={**creds, "csrf_token": token})
        screen = client.get("/kasir/").get_data(as_text=True)
        meta = screen.split('<meta name="csrf-token" content="')[1].split('"')[0]
        assert client.post("/kasir/bayar", json=cart(shop)).status_code == 400
        resp = client.post("/kasir/bayar", json=cart(shop), headers={"X-CSRFToken": meta})
        assert resp.status_code == 200 and resp.get_json()["total"] == 127_000
    finally:
        with strict.app_context():
            db.engine.dispose()
