"""The pharmacy's pages: the queue, the apoteker's duty, an outside prescription typed in,
dispensing through the form into a receipt, the salinan resep PDF, the drug master, and who
may open what (a cashier sells obat bebas at the counter but never opens a dispense page)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DrugInfo
from outlet_pos.units.apotek.prescription_models import Prescription
from tests.units.apotek_world import build_pharmacy


@pytest.fixture
def web(app):
    """Two pharmacies (ids only: page requests run in their own contexts)."""
    with app.app_context():
        ph = build_pharmacy()
        other = build_pharmacy("Koperasi Seberang")
        from outlet_pos.core.db import run_transaction
        from outlet_pos.units.apotek.prescriptions import create_prescription

        foreign = run_transaction(
            create_prescription, other.coop, other.apoteker, patient=None,
            patient_name="Orang Lain", prescriber="dr. Lain", written_on=other.coop.today(),
            source="luar", lines=[{"item_id": other.drugs["amox"].id, "qty": 5, "dosage": ""}],
        )  # fmt: skip
        return {
            "coop": ph.coop.id,
            "apoteker": ph.apoteker.username,
            "kasir": ph.cashier.username,
            "drugs": {k: v.id for k, v in ph.drugs.items()},
            "patient": ph.patient.id,
            "foreign_rx": foreign.id,
        }


def signed_in(app, login, web, who: str):
    client = app.test_client()
    login(client, web[who])
    with client.session_transaction() as s:
        s["coop_id"] = web["coop"]
    return client


def new_rx(client, web, **overrides):
    data = {
        "patient": str(web["patient"]),
        "patient_name": "",
        "prescriber": "dr. Rina Puspita",
        "prescriber_note": "SIP 446/12/2025",
        "written_on": "",
        "lines-0-item": str(web["drugs"]["amox"]),
        "lines-0-qty": "15",
        "lines-0-dosage": "3 x 1 tablet sesudah makan",
        "lines-1-item": str(web["drugs"]["para"]),
        "lines-1-qty": "10",
        "lines-1-dosage": "bila demam",
        **overrides,
    }
    return client.post("/apotek/resep/baru", data=data)


def test_the_apoteker_serves_an_outside_prescription_into_a_receipt(app, login, web):
    client = signed_in(app, login, web, "apoteker")
    with app.app_context():
        today = db.session.get(Cooperative, web["coop"]).today()
    resp = new_rx(client, web, written_on=today.isoformat())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with app.app_context():
        rx = db.session.scalar(
            select(Prescription).where(Prescription.cooperative_id == web["coop"])
        )
        rx_id, number = rx.id, rx.number
    queue = client.get("/apotek/resep").get_data(as_text=True)
    assert number in queue and "Alergi penisilin ringan" in queue
    assert "Tidak ada apoteker bertugas" in queue
    assert "B-SOON" in queue  # the batch FEFO will take
    # Without an apoteker on duty the amoxicillin (obat keras) is refused, nothing sold.
    resp = client.post(f"/apotek/resep/{rx_id}/layani", data={"method": "tunai"})
    assert resp.status_code == 400
    assert "apoteker sedang bertugas" in resp.get_data(as_text=True)
    assert client.post("/apotek/bertugas").status_code == 302
    assert "Apoteker bertugas" in client.get("/apotek/resep").get_data(as_text=True)
    page = client.get(f"/apotek/resep/{rx_id}/layani").get_data(as_text=True)
    assert "Rp18.500" in page  # 15 x 900 + 10 x 500 at the member price tier
    resp = client.post(
        f"/apotek/resep/{rx_id}/layani",
        data={"method": "tunai", "tendered": "20.000"},  # fmt: skip
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    detail = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Cetak struk 58 mm" in detail and "Rp1.500" in detail  # change
    with app.app_context():
        sale = db.session.scalar(select(Sale))
        assert sale.total == 18_500 and sale.member_id is not None
        assert db.session.get(Prescription, rx_id).status == "selesai"
        sale_id = sale.id
    receipt = client.get(f"/kasir/struk/{sale_id}/58")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    copy = client.get(f"/apotek/resep/{rx_id}/salinan")
    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    assert copy.data.startswith(b"%PDF")
    assert client.post("/apotek/selesai-bertugas").status_code == 302


def test_a_bad_outside_prescription_keeps_the_form_with_the_reason(app, login, web):
    client = signed_in(app, login, web, "apoteker")
    resp = new_rx(client, web, written_on="2020-13-45")
    assert resp.status_code == 400
    resp = new_rx(client, web, written_on="2025-01-02", **{"lines-0-qty": "0"})
    assert resp.status_code == 400 and "lebih dari nol" in resp.get_data(as_text=True)
    resp = new_rx(client, web, written_on="2025-01-02", patient="", patient_name="")
    assert resp.status_code == 400 and "Nama pasien wajib" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Prescription.id))) == 1  # only the foreign


def test_a_cashier_sells_obat_bebas_but_never_opens_a_dispense_page(app, login, web):
    client = signed_in(app, login, web, "kasir")
    bebas = client.post("/kasir/bayar", json={
        "lines": [{"item_id": web["drugs"]["para"], "qty": "4"}],
        "payments": [{"method": "tunai", "amount": 2_000}]})  # fmt: skip
    assert bebas.status_code == 200, bebas.get_json()
    keras = client.post("/kasir/bayar", json={
        "lines": [{"item_id": web["drugs"]["amox"], "qty": "4"}],
        "payments": [{"method": "tunai", "amount": 3_600}]})  # fmt: skip
    assert keras.status_code == 400 and "resep" in keras.get_json()["error"]
    assert client.get("/apotek/resep").status_code == 200  # the queue is visible
    assert client.get("/apotek/obat").status_code == 200
    with app.app_context():
        rx = db.session.scalar(
            select(Prescription.id).where(Prescription.cooperative_id != web["coop"])
        )
    for url in ["/apotek/resep/baru", "/apotek/obat/baru", f"/apotek/resep/{rx}/layani"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/apotek/bertugas").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 1


def test_another_cooperatives_prescription_is_not_found(app, login, web):
    client = signed_in(app, login, web, "apoteker")
    rx = web["foreign_rx"]
    for url in [f"/apotek/resep/{rx}", f"/apotek/resep/{rx}/layani",
                f"/apotek/resep/{rx}/salinan"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/apotek/resep/{rx}/layani", data={"method": "tunai"}).status_code == 404
    assert client.post(f"/apotek/resep/{rx}/batal", data={"reason": "x"}).status_code == 404


def test_the_drug_master_adds_a_drug_and_refuses_a_price_above_het(app, login, web):
    client = signed_in(app, login, web, "apoteker")
    form = {
        "sku": "OK-CTM", "name": "Siprofloksasin 500 mg", "drug_class": "keras",
        "active_ingredient": "siprofloksasin", "strength": "500 mg", "dosage_form": "tablet",
        "base_uom": "tablet", "price_member": "1.200", "price_general": "1.300",
        "het_per_base": "1.250", "max_per_sale": "", "packs-0-name": "strip",
        "packs-0-factor": "10", "packs-0-price_member": "12.000",
        "packs-0-price_general": "12.500", "active": "y",
    }  # fmt: skip
    resp = client.post("/apotek/obat/baru", data=form)
    assert resp.status_code == 400 and "melebihi HET" in resp.get_data(as_text=True)
    resp = client.post("/apotek/obat/baru", data={**form, "het_per_base": "1.300"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    listing = client.get("/apotek/obat?q=sipro").get_data(as_text=True)
    assert "Siprofloksasin 500 mg" in listing and "Obat keras" in listing
    with app.app_context():
        info = db.session.scalar(select(DrugInfo).order_by(DrugInfo.id.desc()))
        assert info.het_per_base == 1_300 and info.item.track_batch
        assert [(u.name, u.factor) for u in info.item.units] == [
            ("tablet", Decimal(1)), ("strip", Decimal(10))]  # fmt: skip
        drug_id = info.item_id
    edit = client.get(f"/apotek/obat/{drug_id}/ubah").get_data(as_text=True)
    assert "Siprofloksasin" in edit
    resp = client.post(f"/apotek/obat/{drug_id}/ubah",
                       data={**form, "het_per_base": "1.300", "drug_class": "oot"})  # fmt: skip
    assert resp.status_code == 400 and "batas per penjualan" in resp.get_data(as_text=True)
    kasir = signed_in(app, login, web, "kasir")
    assert kasir.get(f"/apotek/obat/{drug_id}/ubah").status_code == 403
