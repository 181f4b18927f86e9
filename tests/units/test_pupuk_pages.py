"""The fertilizer pages as a pengurus and a cashier use them: the registry with search, a
farmer registered and edited, the farmer page with allocations and a proxy redemption, the
audited allocation correction and its refusals, the HET table and the subsidised items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.tenancy import BusinessUnit
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Allocation, Farmer, HetPrice, SubsidisedItem
from tests.units.pupuk_world import QUOTA, SALE_DAY, build_kiosk

NIK = QUOTA["farmer_nik"]


def _world(app) -> dict:
    """A kiosk with one proxy redemption of 100 kg urea (receipt on the farmer page)."""
    with app.app_context():
        k = build_kiosk()
        sale = run_transaction(
            checkout,
            k.shift,
            [CartLine(k.items["urea"], qty=100)],
            [PaymentIn("tunai", 10**9)],
            user=k.cashier,
            day=SALE_DAY,
            extra={
                "farmer_nik": NIK,
                "proxy_nik": "3201011205850009",
                "proxy_name": "Bu Ani",
                "proxy_letter": "Surat kuasa 12/II/2026",
            },
        )
        urea = db.session.scalar(
            select(Allocation).where(
                Allocation.farmer_id == k.farmer.id,
                Allocation.fertilizer_type == "urea",
                Allocation.season == "2026-MT1",
            )
        )
        return {
            "farmer": k.farmer.id,
            "kasir": k.cashier.username,
            "pengurus": k.approver.username,
            "receipt": sale.number,
            "urea": urea.id,
            "coop": k.coop.id,
            "items": k.items,
        }


def test_the_registry_searches_and_filters_by_group(app, login):
    w = _world(app)
    with app.app_context():
        db.session.add(
            Farmer(
                cooperative_id=w["coop"],
                nik="3201011205850001",
                name="Bu Sari",
                poktan="Sri Rejeki",
                desa="Cibodas",
            )
        )
        db.session.commit()
    client = app.test_client()
    login(client, w["kasir"])
    html = client.get("/pupuk/petani").get_data(as_text=True)
    assert "Pak Darmaji" in html and "Bu Sari" in html and "2 petani terdaftar" in html
    assert "Daftarkan petani" not in html  # a cashier only looks up
    html = client.get("/pupuk/petani?q=cibodas").get_data(as_text=True)
    assert "Bu Sari" in html and "Pak Darmaji" not in html
    html = client.get("/pupuk/petani?q=" + NIK[:8]).get_data(as_text=True)
    assert "Pak Darmaji" in html and "Bu Sari" not in html
    html = client.get("/pupuk/petani?poktan=Tani+Makmur").get_data(as_text=True)
    assert "Pak Darmaji" in html and "Bu Sari" not in html
    assert client.get("/pupuk/petani/baru").status_code == 403


def test_register_and_edit_a_farmer(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["pengurus"])
    data = {
        "name": "Ketut Arsa",
        "nik": "5103011205850003",
        "poktan": "Subak Tegal",
        "desa": "Tibubeneng",
        "land_ha": "0,5",
        "commodities": "padi",
        "active": "y",
    }
    resp = client.post("/pupuk/petani/baru", data=data, follow_redirects=True)
    assert "Petani Ketut Arsa (5103011205850003) tersimpan." in resp.get_data(as_text=True)
    # The same NIK again, and a bad NIK, are refused on the form.
    resp = client.post("/pupuk/petani/baru", data={**data, "name": "Orang Lain"})
    assert resp.status_code == 400
    assert "sudah terdaftar atas nama Ketut Arsa" in resp.get_data(as_text=True)
    resp = client.post("/pupuk/petani/baru", data={**data, "nik": "51030112"})
    assert resp.status_code == 400 and "NIK harus 16 digit" in resp.get_data(as_text=True)
    resp = client.post(
        "/pupuk/petani/baru", data={**data, "nik": "5103011205850004", "land_ha": "-1"}
    )
    assert resp.status_code == 400 and "Tidak boleh negatif" in resp.get_data(as_text=True)
    with app.app_context():
        ketut = db.session.scalar(select(Farmer).where(Farmer.nik == "5103011205850003"))
        assert str(ketut.land_ha.normalize()) == "0.5"
        fid = ketut.id
    page = client.get(f"/pupuk/petani/{fid}/ubah").get_data(as_text=True)
    assert 'value="0,5"' in page
    client.post(f"/pupuk/petani/{fid}/ubah", data={**data, "poktan": "Subak Abian"})
    with app.app_context():
        assert db.session.get(Farmer, fid).poktan == "Subak Abian"


def test_the_farmer_page_shows_allocations_redemptions_and_the_proxy(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    html = client.get(f"/pupuk/petani/{w['farmer']}").get_data(as_text=True)
    assert "Musim 2026-MT1" in html and "Musim 2025-MT3" in html
    assert w["receipt"] in html and "/kasir/struk/" in html  # the cashier can open it
    assert "Bu Ani (NIK 3201011205850009)" in html and "Surat kuasa 12/II/2026" in html
    assert "Koreksi alokasi" not in html  # corrections are for pupuk.manage
    # Urea 150 allocated, 100 redeemed, 50 left.
    row = html.split("<td>Urea</td>")[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in row.split("</td>")[:3]] == ["150", "100", "50"]


def test_an_allocation_correction_is_audited_and_never_below_the_redeemed(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    assert (
        client.post(
            f"/pupuk/alokasi/{w['urea']}/koreksi", data={"kg": "200", "reason": "Revisi"}
        ).status_code
        == 403
    )
    client = app.test_client()
    login(client, w["pengurus"])
    url = f"/pupuk/alokasi/{w['urea']}/koreksi"
    html = client.post(
        url, data={"kg": "90", "reason": "Revisi e-RDKK"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "tidak boleh di bawah yang sudah ditebus (100.000 kg)" in html
    html = client.post(
        url, data={"kg": "banyak", "reason": "Revisi e-RDKK"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Jumlah kg harus angka" in html
    html = client.post(url, data={"kg": "180"}, follow_redirects=True).get_data(as_text=True)
    assert "Alasan koreksi wajib diisi" in html
    html = client.post(
        url, data={"kg": "180", "reason": "Revisi e-RDKK dari PPL"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Alokasi 2026-MT1 dikoreksi menjadi 180 kg." in html
    with app.app_context():
        assert db.session.get(Allocation, w["urea"]).kg == 180
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "pupuk.allocation_fix")
        )
        assert '"before": "150.000"' in event.detail_json and "PPL" in event.detail_json


def test_het_table_and_a_new_row_by_the_pengurus(app, login):
    w = _world(app)
    client = app.test_client()
    login(client, w["kasir"])
    html = client.get("/pupuk/het").get_data(as_text=True)
    assert "Rp1.800" in html and "Rp90.000 / 50 kg" in html and "Tambah HET baru" not in html
    assert client.post("/pupuk/het/tambah", data={}).status_code == 403
    client = app.test_client()
    login(client, w["pengurus"])
    row = {
        "fertilizer_type": "urea",
        "valid_from": "2030-01-01",
        "rp_per_kg": "1.900",
        "bag_kg": "50",
        "source": "Kepmentan 99/2029",
    }
    resp = client.post("/pupuk/het/tambah", data={**row, "rp_per_kg": "1,9"})
    assert resp.status_code == 400 and "harus bilangan bulat" in resp.get_data(as_text=True)
    resp = client.post("/pupuk/het/tambah", data={**row, "valid_from": "2025-10-22"})
    assert resp.status_code == 400 and "pada atau setelah tanggal itu" in resp.get_data(
        as_text=True
    )
    html = client.post("/pupuk/het/tambah", data=row, follow_redirects=True).get_data(as_text=True)
    assert "HET Urea Rp1.900/kg (Rp95.000/50 kg) tersimpan" in html
    with app.app_context():
        old = db.session.scalar(
            select(HetPrice).where(
                HetPrice.fertilizer_type == "urea", HetPrice.valid_from == date(2025, 10, 22)
            )
        )
        assert old.valid_to == date(2029, 12, 31)


def test_an_empty_het_table_is_loaded_from_the_shipped_data(app, web_coop, web_user, login):
    web_user("pengurus-het", "pengurus")
    client = app.test_client()
    login(client, "pengurus-het")
    assert "Muat tabel HET bawaan" in client.get("/pupuk/het").get_data(as_text=True)
    client.post("/pupuk/het/muat-bawaan")
    with app.app_context():
        assert db.session.scalar(select(func.count(HetPrice.id))) >= 10


def test_items_are_marked_subsidised_or_refused_with_the_reason(app, login):
    w = _world(app)
    with app.app_context():
        unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.kind == "pupuk"))
        seed = run_transaction(
            save_item,
            db.session.get(BusinessUnit, unit.id).cooperative,
            unit=unit,
            sku="BNH",
            name="Benih padi 5 kg",
            base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 60_000, 60_000)],
        )
        seed_id = seed.id
    client = app.test_client()
    login(client, w["kasir"])
    html = client.get("/pupuk/barang").get_data(as_text=True)
    assert "Benih padi 5 kg" in html and "Akun persediaan 114100, harus 114200." in html
    assert (
        client.post(f"/pupuk/barang/{seed_id}/subsidi", data={"fertilizer_type": "za"}).status_code
        == 403
    )
    client = app.test_client()
    login(client, w["pengurus"])
    html = client.post(
        f"/pupuk/barang/{seed_id}/subsidi", data={"fertilizer_type": "za"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "harus memakai akun persediaan 114200" in html
    za = w["items"]["za"]
    client.post(f"/pupuk/barang/{za}/subsidi", data={"fertilizer_type": ""})
    with app.app_context():
        assert db.session.get(SubsidisedItem, za) is None
    html = client.post(
        f"/pupuk/barang/{za}/subsidi", data={"fertilizer_type": "organik"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "pupuk bersubsidi Organik" in html
    with app.app_context():
        assert db.session.get(SubsidisedItem, za).fertilizer_type == "organik"


def test_redemption_photo_upload_and_view(app, web_coop, web_user, login):
    """A photo of a redemption: only real images, served back only inside the cooperative."""
    import io

    from sqlalchemy import select as sa_select

    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.extensions import db as sa_db
    from outlet_pos.units.pupuk.models import Redemption
    from tests.units.pupuk_world import QUOTA, SALE_DAY, build_kiosk

    with app.app_context():
        k = build_kiosk("Koperasi Foto")
        run_transaction(checkout, k.shift, [CartLine(k.items["urea"], qty=10)],
                        [PaymentIn("tunai", 18_000)], user=k.cashier,
                        extra={"farmer_nik": QUOTA["farmer_nik"]}, day=SALE_DAY)  # fmt: skip
        red_id = sa_db.session.scalar(sa_select(Redemption.id))
        username = k.cashier.username
    client = app.test_client()
    login(client, username)
    url = f"/pupuk/penebusan/{red_id}/foto"
    bad = client.post(url, data={"photo": (io.BytesIO(b"not an image"), "x.jpg")},
                      content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "Foto harus JPG, PNG atau WebP" in bad.get_data(as_text=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    ok = client.post(url, data={"photo": (io.BytesIO(png), "foto.png")},
                     content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "Foto penebusan disimpan" in ok.get_data(as_text=True)
    shown = client.get(url)
    assert shown.status_code == 200 and shown.data == png
    # A user of another cooperative gets 404, not the photo.
    web_user("kasirlain", "kasir")
    outsider = app.test_client()
    login(outsider, "kasirlain")
    assert outsider.get(url).status_code == 404
