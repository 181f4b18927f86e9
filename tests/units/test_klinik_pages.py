"""Clinic pages: privacy of the record, tenancy, forms refusing bad input, PDFs, reports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db
from outlet_pos.units.klinik.models import Patient
from outlet_pos.units.klinik.services import billing, treatment, visits
from outlet_pos.units.klinik.visit_models import ClinicBill, Visit
from tests.units.klinik_world import build_clinic

SECRET = "nyeri dada menjalar ke lengan"


@pytest.fixture
def clinic(app):
    """Two clinics; in the first a visit with a private complaint, a service and a paid bill."""
    with app.app_context():
        c = build_clinic("Koperasi Sehat", tag="a")
        other = build_clinic("Koperasi Lain", tag="b")
        v = run_transaction(visits.register_visit, c.coop, c.cashier, c.patient)
        run_transaction(visits.save_record, c.coop, v, c.officer,
                        {"complaint": SECRET, "icd10_code": "I20.9"})  # fmt: skip
        run_transaction(treatment.add_service, c.coop, v, c.officer, c.tariffs["KONS"].id, 1)
        bill = run_transaction(billing.bill_visit, c.coop, v, c.cashier, "tunai")
        ov = run_transaction(visits.register_visit, other.coop, other.cashier, other.patient)
        return {"visit": v.id, "bill": bill.id, "patient": c.patient.id,
                "other_patient": other.patient.id, "other_visit": ov.id}  # fmt: skip


def test_only_clinic_staff_open_the_record(client, login, clinic):
    login(client, "kasirklinika")
    assert client.get(f"/klinik/kunjungan/{clinic['visit']}/rekam").status_code == 403
    assert client.get(f"/klinik/kunjungan/{clinic['visit']}/rujukan.pdf").status_code == 403
    page = client.get(f"/klinik/kunjungan/{clinic['visit']}/tagihan")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Konsultasi umum" in html and "Rp25.000" in html
    assert SECRET not in html and "I20.9" not in html and "Angina" not in html
    patient = client.get(f"/klinik/pasien/{clinic['patient']}").get_data(as_text=True)
    assert SECRET not in patient and "Rekam medis" not in patient
    client.post("/keluar")
    login(client, "perawata")
    record = client.get(f"/klinik/kunjungan/{clinic['visit']}/rekam")
    assert record.status_code == 200 and SECRET in record.get_data(as_text=True)


def test_another_cooperatives_ids_are_404(client, login, clinic):
    login(client, "perawata")
    for url in (f"/klinik/pasien/{clinic['other_patient']}",
                f"/klinik/kunjungan/{clinic['other_visit']}/rekam",
                f"/klinik/kunjungan/{clinic['other_visit']}/tagihan"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    resp = client.post(f"/klinik/kunjungan/{clinic['other_visit']}/batal")
    assert resp.status_code == 404


def test_a_bad_patient_form_is_refused_with_its_message(app, client, login, clinic):
    login(client, "kasirklinika")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Patient))
    resp = client.post("/klinik/pasien/baru",
                       data={"name": "Ani", "sex": "P", "nik": "3201011305850000"})  # fmt: skip
    assert resp.status_code == 400
    assert "tidak boleh 0000" in resp.get_data(as_text=True)
    resp = client.post("/klinik/pasien/baru",
                       data={"name": "Ani", "sex": "P", "birth_date": "01/01/2999"})  # fmt: skip
    assert "tidak boleh setelah hari ini" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Patient)) == before
    resp = client.post("/klinik/pasien/baru", data={"name": "Ani", "sex": "P"})
    assert resp.status_code == 302


def test_a_bad_record_form_is_refused_and_nothing_written(app, client, login, clinic):
    login(client, "perawata")
    url = f"/klinik/kunjungan/{clinic['visit']}/rekam"
    resp = client.post(url, data={"complaint": "ganti", "systolic": "-5"})
    assert resp.status_code == 400 and "tidak boleh negatif" in resp.get_data(as_text=True)
    resp = client.post(url, data={"complaint": "ganti", "icd10_code": "ZZZ"})
    assert resp.status_code == 400 and "tidak ada dalam daftar" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Visit, clinic["visit"]).complaint == SECRET


def test_queue_page_and_adding_by_rm_number(client, login, clinic):
    login(client, "kasirklinika")
    resp = client.post("/klinik/antrean/tambah", data={"patient": "rm-000099"})
    assert resp.status_code == 302
    page = client.get("/klinik/antrean").get_data(as_text=True)
    assert "tidak ditemukan" in page and "A-001" in page and "Sri Wahyuni" in page


def test_kwitansi_and_referral_pdfs(client, login, clinic):
    login(client, "kasirklinika")
    pdf = client.get(f"/klinik/tagihan/{clinic['bill']}/kuitansi.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    client.post("/keluar")
    login(client, "perawata")
    client.post(f"/klinik/kunjungan/{clinic['visit']}/rujukan",
                data={"to": "RSUD Kota", "reason": "EKG"})  # fmt: skip
    pdf = client.get(f"/klinik/kunjungan/{clinic['visit']}/rujukan.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_void_is_for_pengurus_not_the_cashier(app, client, login, clinic):
    from outlet_pos.core.sales import shifts
    from outlet_pos.core.sales.models import Shift

    login(client, "kasirklinika")
    url = f"/klinik/tagihan/{clinic['bill']}/batal"
    assert client.post(url, data={"reason": "salah tagih"}).status_code == 403
    client.post("/keluar")
    login(client, "pengurusklinika")
    assert client.post(url, data={"reason": "x"}).status_code == 400
    assert client.post(url, data={"reason": "salah tagih"}).status_code == 302
    with app.app_context():
        bill = db.session.get(ClinicBill, clinic["bill"])
        assert bill.status == "batal"
        # The cash went back out of the cashier's shift, which is still open.
        assert shifts.expected_cash(db.session.get(Shift, bill.shift_id)) == 100_000


def test_reports_download(client, login, clinic):
    login(client, "pengurusklinika")
    page = client.get("/klinik/laporan?laporan=diagnosa")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "I20.9" in html and "Sri Wahyuni" not in html
    for kind in ("bulan", "diagnosa", "layanan"):
        for fmt in ("pdf", "xlsx"):
            resp = client.get(f"/klinik/laporan?laporan={kind}&fmt={fmt}")
            assert resp.status_code == 200 and len(resp.data) > 500, (kind, fmt)
