"""Route-walk samples for the clinic pages: a clinic unit, a tariff, a patient, and a visit
examined, referred and billed (cash, in the cashier's open shift) in the given cooperative."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.units.klinik.services import billing, patients, treatment, visits

    officer = db.session.get(User, users["petugas_klinik"])
    cashier = db.session.get(User, users["kasir"])

    def action():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        save_unit(coop, "klinik", "Klinik Desa", "klinik", outlet.id)
        tariff = treatment.save_tariff(coop, officer, code="KONS", name="Konsultasi umum",
                                       price=20_000)  # fmt: skip
        patient = patients.register_patient(coop, cashier, {"name": "Pasien Uji", "sex": "L"})
        visit = visits.register_visit(coop, cashier, patient)
        visits.save_record(coop, visit, officer, {"complaint": "batuk", "icd10_code": "J06.9"})
        visits.save_referral(coop, visit, officer, to="Puskesmas Kecamatan",
                             reason="Pemeriksaan dahak", summary="")  # fmt: skip
        treatment.add_service(coop, visit, officer, tariff.id, 1)
        return {"tariff_id": tariff.id, "patient_id": patient.id, "visit_id": visit.id}

    ids = run_transaction(action)

    def pay():
        from outlet_pos.units.klinik.visit_models import Visit

        return billing.bill_visit(coop, db.session.get(Visit, ids["visit_id"]), cashier, "tunai")

    bill = run_transaction(pay)
    return {**ids, "bill_id": bill.id}
