"""The local-unit pages: opening a unit from the form puts it in the navigation and in the
income statement per unit; the unit's home page, LPG logbook (page, PDF, Excel), cold room
and agent desk work; permissions; another cooperative's unit is a 404."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.lokal.models import LocalUnitProfile
from tests.conftest import make_coop, make_user
from tests.units.lokal_world import NIK_A, build_world


def _world(app) -> dict:
    with app.app_context():
        w = build_world()
        return {"coop": w.coop.id, "kasir": w.cashier.username, "pengurus": w.manager.username,
                "lpg": w.lpg.id, "cold": w.cold.id, "agent": w.agent.id, "shop": w.shop.id,
                "tabung": w.tabung.id, "shift": w.shift.id}  # fmt: skip


def test_a_unit_opened_from_the_form_appears_in_the_navigation(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["pengurus"])
    page = client.get("/unit-lokal/baru?template=lpg").get_data(as_text=True)
    assert "Batas tabung per NIK per hari" in page and "HET per tabung" in page
    data = {
        "name": "Pangkalan Elpiji Dusun 2",
        "code": "lpg-d2",
        "outlet": "",
        "template": "lpg",
        "flows": ["jual"],
        "limit_per_nik_per_day": "3",
        "het": "19.000",
    }
    resp = client.post("/unit-lokal/baru", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with app.app_context():
        unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.code == "lpg-d2"))
        profile = db.session.get(LocalUnitProfile, unit.id)
        assert (unit.kind, profile.template) == ("lokal", "lpg")
        assert profile.settings == {"het": 19_000, "limit_per_nik_per_day": 3}
    assert resp.headers["Location"].endswith(f"/unit-lokal/{unit.id}")
    home = client.get(f"/unit-lokal/{unit.id}").get_data(as_text=True)
    assert f'href="/unit-lokal/{unit.id}"' in home and "Pangkalan Elpiji Dusun 2" in home
    assert "Logbook harian LPG" in home
    # The same code again is refused on the form, and nothing is written.
    resp = client.post("/unit-lokal/baru", data=data)
    assert resp.status_code == 400 and "sudah dipakai" in resp.get_data(as_text=True)
    # A cashier sees the unit in the menu but cannot open units.
    cashier = app.test_client()
    login(cashier, w["kasir"])
    assert "Pangkalan Elpiji Dusun 2" in cashier.get("/unit-lokal/").get_data(as_text=True)
    assert cashier.get("/unit-lokal/baru").status_code == 403
    assert cashier.post("/unit-lokal/baru", data=data).status_code == 403


def test_the_home_page_adds_items_that_sell_at_the_counter_and_show_in_the_month(app, login):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift
    from tests.shop import stock_in

    w = _world(app)
    client = app.test_client()
    login(client, w["pengurus"])
    resp = client.post(f"/unit-lokal/{w['shop']}/barang", data={
        "name": "Terasi udang", "base_uom": "bungkus", "price_member": "5.000",
        "price_general": "6.000"})  # fmt: skip
    assert resp.status_code == 302
    resp = client.post(f"/unit-lokal/{w['shop']}/barang", data={"name": "", "base_uom": ""})
    assert resp.status_code == 400
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.name == "Terasi udang"))
        assert item.unit_id == w["shop"] and item.sku == "IKANASIN-002"
        coop = db.session.get(Cooperative, w["coop"])
        stock_in(coop, item, 10, 10 * 4_000)
        cashier = db.session.scalar(select(User).where(User.username == w["kasir"]))
        run_transaction(checkout, db.session.get(Shift, w["shift"]), [CartLine(item.id, qty=3)],
                        [PaymentIn("tunai", 18_000)], user=cashier)  # fmt: skip
    page = client.get(f"/unit-lokal/{w['shop']}").get_data(as_text=True)
    assert "Terasi udang" in page and "Rp18.000" in page and "Rp6.000" in page


def test_lpg_logbook_page_pdf_and_excel(app, login):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    w = _world(app)
    with app.app_context():
        cashier = db.session.scalar(select(User).where(User.username == w["kasir"]))
        run_transaction(checkout, db.session.get(Shift, w["shift"]),
                        [CartLine(w["tabung"], qty=2)], [PaymentIn("tunai", 36_000)],
                        user=cashier, extra={"nik": NIK_A, "buyer_name": "Pak Udin"})  # fmt: skip
    client = app.test_client()
    login(client, w["kasir"])
    # A day without sales is an empty logbook, not an error (the totals start from zero).
    empty = client.get(f"/unit-lokal/{w['lpg']}/lpg?tanggal=2020-01-02")
    assert empty.status_code == 200
    assert client.get(f"/unit-lokal/{w['lpg']}/lpg?tanggal=2020-01-02&fmt=pdf").status_code == 200
    page = client.get(f"/unit-lokal/{w['lpg']}/lpg").get_data(as_text=True)
    assert "••••••••••••0001" in page and "Pak Udin" in page and "Rp36.000" in page
    assert NIK_A not in page  # the full NIK never leaves the counter
    pdf = client.get(f"/unit-lokal/{w['lpg']}/lpg?fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get(f"/unit-lokal/{w['lpg']}/lpg?fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # The logbook of a unit that is no LPG base sends back to the list.
    assert client.get(f"/unit-lokal/{w['cold']}/lpg").status_code == 302


def test_cold_room_check_in_check_out_and_receipt(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    data = {"owner_name": "Pak Hasan", "crates": "3", "day": "01/01/2020"}
    resp = client.post(f"/unit-lokal/{w['cold']}/cold-storage/masuk", data=data)
    # a cashier may date a check-in at most one day back; older is the pengurus's call
    assert resp.status_code == 400 and "paling lama" in resp.get_data(as_text=True)
    boss = app.test_client()
    login(boss, w["pengurus"])
    assert boss.post(f"/unit-lokal/{w['cold']}/cold-storage/masuk", data=data).status_code == 302
    resp = client.post(f"/unit-lokal/{w['cold']}/cold-storage/masuk",
                       data={"owner_name": "X", "crates": "0", "day": "01/01/2020"})  # fmt: skip
    assert resp.status_code == 400
    page = client.get(f"/unit-lokal/{w['cold']}/cold-storage").get_data(as_text=True)
    assert "Pak Hasan" in page and "CS-2020-00001" in page
    with app.app_context():
        from outlet_pos.units.lokal.models import ColdStorageLot

        lot_id = db.session.scalar(select(ColdStorageLot.id))
    assert client.get(f"/unit-lokal/titipan/{lot_id}/kuitansi.pdf").status_code == 302
    resp = client.post(f"/unit-lokal/titipan/{lot_id}/keluar", data={"method": "tunai"},
                       follow_redirects=True)  # fmt: skip
    assert "ditagih" in resp.get_data(as_text=True)
    pdf = client.get(f"/unit-lokal/titipan/{lot_id}/kuitansi.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_agent_desk_records_and_settles(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    resp = client.post(f"/unit-lokal/{w['agent']}/agen/transaksi",
                       data={"txn_type": "pulsa", "amount": "50.000", "fee": ""})  # fmt: skip
    assert resp.status_code == 302
    page = client.get(f"/unit-lokal/{w['agent']}/agen").get_data(as_text=True)
    assert "Pulsa / paket data" in page and "Rp2.000" in page and "Rp50.000" in page
    assert "Setor ke penyedia" not in page  # settling is the pengurus' job
    assert client.post(f"/unit-lokal/{w['agent']}/agen/setor").status_code == 403
    boss = app.test_client()
    login(boss, w["pengurus"])
    resp = boss.post(f"/unit-lokal/{w['agent']}/agen/setor", data={"bank_account": "112100"},
                     follow_redirects=True)  # fmt: skip
    assert "diselesaikan dengan penyedia" in resp.get_data(as_text=True)


def test_another_cooperatives_unit_is_not_found(app, login):
    w = _world(app)
    with app.app_context():
        other = make_coop("Koperasi Lain")
        make_user("pengurus-lain", "pengurus", other)
    client = app.test_client()
    login(client, "pengurus-lain")
    for url in [
        f"/unit-lokal/{w['lpg']}",
        f"/unit-lokal/{w['lpg']}/lpg",
        f"/unit-lokal/{w['cold']}/cold-storage",
        f"/unit-lokal/{w['agent']}/agen",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/unit-lokal/{w['agent']}/agen/setor").status_code == 404


def test_the_cashier_screen_asks_for_and_sends_the_lpg_buyers_nik(app, login):
    """The product search marks LPG items (the screen then asks for the NIK); a sale through
    /kasir/bayar is refused without the NIK and goes through with it."""
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    found = client.get("/kasir/cari?q=LPG").get_json()
    row = next(i for i in found["items"] if i["id"] == w["tabung"])
    assert row["lpg"] == {"limit": 2, "het": 18_000}
    cart = {"lines": [{"item_id": w["tabung"], "qty": "1"}],
            "payments": [{"method": "tunai", "amount": 18_000}]}  # fmt: skip
    refused = client.post("/kasir/bayar", json=cart)
    assert refused.status_code == 400 and "NIK" in refused.get_json()["error"]
    sold = client.post(
        "/kasir/bayar", json={**cart, "extra": {"nik": NIK_A, "buyer_name": "Pak Dul"}}
    )
    assert sold.status_code == 200, sold.get_json()
    page = client.get("/kasir/").get_data(as_text=True)
    assert 'id="pay-lpg-nik"' in page
