"""A village clinic for tests: klinik and apotek units at the cooperative's outlet, a clinic
officer, a cashier with an open shift (float Rp100.000), two tariffs, sterile gauze in clinic
stock (100 pcs worth Rp150.000), a member (credit limit Rp100.000) who is also a patient, and
two prescribers: a doctor and a midwife, each with a SIP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.klinik.services.patients import register_patient
from outlet_pos.units.klinik.services.prescribers import save_prescriber
from outlet_pos.units.klinik.services.treatment import save_tariff
from tests.conftest import make_coop, make_user
from tests.shop import stock_in

FLOAT = 100_000


@dataclass
class Clinic:
    coop: object
    unit: object
    apotek: object
    officer: object
    cashier: object
    manager: object
    shift: object
    tariffs: dict
    gauze: object
    member: object
    patient: object
    doctor: object = None  # a prescriber: dokter with a SIP
    midwife: object = None  # a prescriber: bidan with a SIP (no narkotika/psikotropika)


def build_clinic(name: str = "Koperasi Sehat", *, tag: str = "") -> Clinic:
    coop = make_coop(name)
    tag = tag or str(coop.id)
    officer = make_user(f"perawat{tag}", "petugas_klinik", coop)
    cashier = make_user(f"kasirklinik{tag}", "kasir", coop)
    manager = make_user(f"pengurusklinik{tag}", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        unit = save_unit(coop, "klinik", "Klinik Desa", "klinik", outlet.id)
        apotek = save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
        tariffs = {
            "KONS": save_tariff(coop, manager, code="KONS", name="Konsultasi umum", price=25_000),
            "JAHIT": save_tariff(coop, manager, code="JAHIT", name="Jahit luka", price=50_000),
        }
        gauze = save_item(coop, unit=unit, sku="KASA", name="Kasa steril", base_uom="pcs",
                          taxable=False, units=[UnitSpec("pcs", Decimal(1), 0, 0)])  # fmt: skip
        member = Member(cooperative_id=coop.id, member_number="A-0001", nik="3201011205850001",
                        name="Sri Wahyuni", sex="P", join_date=date(2024, 1, 5),
                        credit_limit=100_000)  # fmt: skip
        db.session.add(member)
        db.session.flush()
        patient = register_patient(coop, officer, {
            "name": "Sri Wahyuni", "sex": "P", "birth_date": date(1985, 5, 12),
            "member_number": "A-0001", "allergies": "Amoksisilin",
        })  # fmt: skip
        doctor = save_prescriber(coop, manager, name="dr. Hana Pratiwi", profession="dokter",
                                 license_no="SIP 503/0012/DINKES/2025")  # fmt: skip
        midwife = save_prescriber(coop, manager, name="Bd. Rina", profession="bidan",
                                  license_no="SIPB 446/77/2025")  # fmt: skip
        return unit, apotek, tariffs, gauze, member, patient, doctor, midwife

    unit, apotek, tariffs, gauze, member, patient, doctor, midwife = run_transaction(setup)
    stock_in(coop, gauze, 100, 150_000)
    shift = run_transaction(open_shift, coop, cashier, outlet, FLOAT)
    return Clinic(coop, unit, apotek, officer, cashier, manager, shift, tariffs, gauze, member,
                  patient, doctor, midwife)  # fmt: skip
