"""Sembako pages: item form, bulk prices, import, stock card, counts, write-off, tenancy."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.counting import create_count
from outlet_pos.core.inventory.counting_models import StockCount
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit, Location, StockMove
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_user
from tests.shop import build_shop


@pytest.fixture
def shop(app):
    """A shop with stock, a pengurus and a bendahara; ids only (pages run their own context)."""
    with app.app_context():
        s = build_shop()
        coop = db.session.get(Cooperative, s.coop_id)
        make_user("pengurus1", "pengurus", coop)
        make_user("bendahara1", "bendahara", coop)
        make_user("pengawas1", "pengawas", coop)
        return s


def rows_written(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count(m.id)))
            for m in (Item, ItemUnit, ItemBarcode, StockMove, JournalEntry)
        )


def assert_books_hold(app, coop_id):
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        for label, check in CHECKS:
            assert list(check(coop)) == [], label


ITEM = {
    "sku": "KCP",
    "name": "Kecap manis 135 ml",
    "unit": "",
    "category": "Bumbu",
    "base_uom": "botol",
    "decimals": "0",
    "price_member": "9.500",
    "price_general": "10000",
    "barcodes": "8997001; 8997002",
    "reorder_point": "6",
    "inventory_account": "114100",
    "taxable": "y",
    "active": "y",
    "extra-0-name": "karton",
    "extra-0-factor": "24",
    "extra-0-price_member": "220.000",
    "extra-0-price_general": "230.000",
    "extra-0-barcodes": "8997003",
}


def test_an_item_with_a_bad_price_shows_the_error_beside_the_field_and_writes_nothing(
    app, shop, login
):
    client = app.test_client()
    login(client, "pengurus1")
    before = rows_written(app)
    data = {**ITEM, "unit": str(shop.unit_id), "price_member": "12,5", "extra-0-factor": "x"}
    resp = client.post("/sembako/barang/baru", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    field = page.split('id="price_member"')[0].rsplit('<div class="field', 1)[1]
    assert "has-error" in field
    after_input = page.split('id="price_member"')[1].split("</div>")[0]
    assert 'class="error"' in after_input
    assert 'value="12,5"' in page and 'value="Kecap manis 135 ml"' in page  # kept as typed
    assert "Isi dengan angka" in page  # the pack's factor, beside it
    assert rows_written(app) == before


def test_an_item_is_created_with_its_packs_prices_and_barcodes(app, shop, login):
    client = app.test_client()
    login(client, "pengurus1")
    resp = client.post("/sembako/barang/baru", data={**ITEM, "unit": str(shop.unit_id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.sku == "KCP"))
        assert [(u.name, u.factor, u.price_member, u.price_general) for u in item.units] == [
            ("botol", Decimal(1), 9_500, 10_000),
            ("karton", Decimal(24), 220_000, 230_000),
        ]
        codes = db.session.scalars(
            select(ItemBarcode.code).where(ItemBarcode.item_id == item.id)
        ).all()
        assert sorted(codes) == ["8997001", "8997002", "8997003"]
        assert item.reorder_point == Decimal(6) and item.taxable and not item.track_batch
        item_id = item.id
    # The edit form shows it back; a barcode of another item is refused beside the field.
    page = client.get(f"/sembako/barang/{item_id}/ubah").get_data(as_text=True)
    assert 'value="9.500"' in page and 'value="karton"' in page
    resp = client.post(
        f"/sembako/barang/{item_id}/ubah",
        data={**ITEM, "unit": str(shop.unit_id), "barcodes": "8991001000011"},
    )
    assert resp.status_code == 400
    assert "sudah dipakai barang lain" in resp.get_data(as_text=True)
    assert "Kecap" in client.get("/sembako/barang?q=kecap").get_data(as_text=True)


def test_a_bulk_price_change_is_previewed_then_applied_once(app, shop, login):
    client = app.test_client()
    login(client, "pengurus1")
    form = {"unit": "", "category": "", "target": "member", "mode": "percent", "change": "10",
            "rounding": "100"}  # fmt: skip
    resp = client.post("/sembako/barang/ubah-harga", data={**form, "preview": "1"})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Rp19.300" in page  # oil 17.500 + 10% = 19.250, rounded half up to 100
    with app.app_context():
        assert db.session.get(Item, shop.items["minyak"]).base.price_member == 17_500
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page)[1]
    resp = client.post(
        "/sembako/barang/ubah-harga", data={**form, "apply": "1", "fingerprint": fingerprint}
    )
    assert resp.status_code == 302
    # The same submit again (a double click) finds the prices changed and applies nothing.
    resp = client.post(
        "/sembako/barang/ubah-harga", data={**form, "apply": "1", "fingerprint": fingerprint}
    )
    assert resp.status_code == 200 and "berubah sejak pratinjau" in resp.get_data(as_text=True)
    with app.app_context():
        minyak = db.session.get(Item, shop.items["minyak"])
        assert [(u.price_member, u.price_general) for u in minyak.units] == [
            (19_300, 18_000),
            (224_400, 210_000),
        ]
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "item.price_change")
            )
            == 4
        )


def test_importing_shows_every_bad_row_then_a_clean_file_is_confirmed(app, shop, login):
    client = app.test_client()
    login(client, "pengurus1")
    header = "sku,name,unit,base_uom,price_member,price_general\n"
    bad = (
        header
        + "TEH,Teh celup,sembako,pcs,5000,5500\n,Tanpa SKU,sembako,pcs,1,1\n"
        + ('KCP,Kecap,sembako,pcs,"12,5",13000\n')
    )
    before = rows_written(app)
    resp = client.post(
        "/sembako/barang/impor",
        data={"file": (io.BytesIO(bad.encode()), "katalog.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Baris 3: SKU wajib diisi." in page
    assert "Baris 4: Harga anggota &#39;12,5&#39; tidak valid" in page
    assert "Belum ada yang disimpan" in page
    assert rows_written(app) == before
    good = header + "TEH,Teh celup,sembako,pcs,5000,5500\n"
    resp = client.post(
        "/sembako/barang/impor",
        data={"file": (io.BytesIO(good.encode()), "katalog.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page)[1]
    resp = client.post(
        "/sembako/barang/impor",
        data={"token": token, "filename": "katalog.csv", "confirm": "1"},
    )
    assert resp.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.sku == "TEH"))
        assert item.base.price_general == 5_500
    # Another user cannot confirm someone else's upload.
    other = app.test_client()
    login(other, "bendahara1")
    resp = other.post(
        "/sembako/barang/impor", data={"token": token, "filename": "katalog.csv", "confirm": "1"}
    )
    assert resp.status_code == 400


def test_the_export_downloads_csv_and_excel(app, shop, login):
    client = app.test_client()
    login(client, "pengawas1")
    csv_resp = client.get("/sembako/barang/ekspor/csv")
    assert csv_resp.status_code == 200 and "attachment" in csv_resp.headers["Content-Disposition"]
    assert "MYK1" in csv_resp.get_data(as_text=True)
    xlsx = client.get("/sembako/barang/ekspor/xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_stock_card_shows_the_running_balance(app, shop, login):
    client = app.test_client()
    login(client, "pengawas1")
    page = client.get(f"/sembako/barang/{shop.items['susu']}/kartu-stok").get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in body.split("<tr>")[1:]]
    assert "S-OLD 10 10 Rp50.000 Rp50.000" in rows[0]
    assert "S-NEW 10 20 Rp52.000 Rp102.000" in rows[1]
    page = client.get("/sembako/stok").get_data(as_text=True)
    assert "Rp5.100" in page  # susu: 102.000 / 20, the average cost
    assert "Rp3.580.000" in page  # all stock: 1.160.000 + 768.000 + 1.550.000 + 102.000


def test_a_count_runs_from_sheet_to_posting_through_the_pages(app, shop, login):
    client = app.test_client()
    login(client, "bendahara1")
    resp = client.post("/sembako/opname/baru", data={"location": str(shop.location_id)})
    assert resp.status_code == 302
    count_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    pdf = client.get(f"/sembako/opname/{count_id}/lembar.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    with app.app_context():
        count = db.session.get(StockCount, count_id)
        lines = {(ln.item.sku, ln.batch.code if ln.batch else None): ln.id for ln in count.lines}
    data = {f"line-{i}": "10" for i in lines.values()}
    data[f"line-{lines[('BRS5', None)]}"] = "1,5"  # rice is counted in whole sacks
    before = rows_written(app)
    resp = client.post(f"/sembako/opname/{count_id}/simpan", data={**data, "submit": "1"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "tidak boleh pecahan" in page and 'value="1,5"' in page
    data[f"line-{lines[('BRS5', None)]}"] = "19"
    data[f"line-{lines[('GLA', None)]}"] = "100"
    data[f"line-{lines[('MYK1', None)]}"] = "48"
    assert client.post(f"/sembako/opname/{count_id}/simpan", data=data).status_code == 302
    assert client.post(f"/sembako/opname/{count_id}/ajukan").status_code == 302
    page = client.get(f"/sembako/opname/{count_id}").get_data(as_text=True)
    assert "(Rp58.000)" in page  # one sack of rice short, at its average cost
    assert client.post(f"/sembako/opname/{count_id}/posting").status_code == 403  # bendahara
    assert rows_written(app) == before
    boss = app.test_client()
    login(boss, "pengurus1")
    assert boss.post(f"/sembako/opname/{count_id}/posting").status_code == 302
    with app.app_context():
        count = db.session.get(StockCount, count_id)
        assert count.status == "posted" and count.entry_id is not None
        assert {ln.item.sku: ln.variance_value for ln in count.lines if ln.batch_id is None} == {
            "BRS5": -58_000,
            "GLA": 0,
            "MYK1": 0,
        }
    page = boss.get(f"/sembako/opname/{count_id}").get_data(as_text=True)
    assert "Diposting" in page
    assert "SO-GR01-" in boss.get("/sembako/opname").get_data(as_text=True)
    assert_books_hold(app, shop.coop_id)


def test_a_write_off_without_a_reason_is_refused_beside_the_field(app, shop, login):
    client = app.test_client()
    login(client, "bendahara1")
    before = rows_written(app)
    form = {"item": "BRS5", "location": str(shop.location_id), "qty": "1", "reason": ""}
    resp = client.post("/sembako/stok/hapus", data=form)
    assert resp.status_code == 400
    assert "Alasan penghapusan wajib diisi." in resp.get_data(as_text=True)
    assert rows_written(app) == before
    resp = client.post("/sembako/stok/hapus", data={**form, "reason": "Karung sobek, basah"})
    assert resp.status_code == 302
    assert rows_written(app)[3:] == (before[3] + 1, before[4] + 1)
    assert_books_hold(app, shop.coop_id)


def test_another_cooperatives_records_are_not_found(app, shop, login):
    with app.app_context():
        other = build_shop(name="Koperasi Tetangga")
        loc = db.session.get(Location, other.location_id)
        coop = db.session.get(Cooperative, other.coop_id)
        count = run_transaction(create_count, coop, loc, None)
        ids = (other.items["beras"], count.id)
    client = app.test_client()
    login(client, "pengurus1")
    item_id, count_id = ids
    for url in [
        f"/sembako/barang/{item_id}/ubah",
        f"/sembako/barang/{item_id}/kartu-stok",
        f"/sembako/opname/{count_id}",
        f"/sembako/opname/{count_id}/lembar.pdf",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [f"/sembako/opname/{count_id}/simpan", f"/sembako/opname/{count_id}/posting"]:
        assert client.post(url).status_code == 404, url
    assert client.post(f"/sembako/barang/{item_id}/ubah", data=ITEM).status_code == 404
    page = client.get("/sembako/stok").get_data(as_text=True)
    assert "Koperasi Tetangga" not in page
    # An SKU of the other cooperative is unknown here.
    with app.app_context():
        db.session.get(Item, item_id).sku = "ASING"
        db.session.commit()
    resp = client.post(
        "/sembako/stok/hapus",
        data={"item": "ASING", "location": str(shop.location_id), "qty": "1", "reason": "x"},
    )
    assert resp.status_code == 400 and "tidak ditemukan" in resp.get_data(as_text=True)
