"""A village pharmacy for tests: an apotek unit with paracetamol (obat bebas), amoxicillin
(obat keras, HET Rp1.000/tablet) and tramadol (OOT, at most 10 tablets a sale), each in
batches with different expiry dates; an apoteker and a cashier, each with an open shift;
a patient who is a member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.apotek.drugs import save_drug
from outlet_pos.units.klinik.models import Patient
from tests.conftest import make_coop, make_user
from tests.shop import stock_in


@dataclass
class Pharmacy:
    coop: object
    apoteker: object
    cashier: object
    apoteker_shift: object
    cashier_shift: object
    drugs: dict
    patient: object
    member: object


def drug(coop, sku, name, cls, price, *, het=None, limit=None, strip=10):
    return save_drug(
        coop,
        None,
        {
            "sku": sku,
            "name": name,
            "base_uom": "tablet",
            "taxable": False,
            "units": [
                UnitSpec("tablet", Decimal(1), price, price),
                UnitSpec("strip", Decimal(strip), price * strip, price * strip),
            ],
        },
        {
            "drug_class": cls,
            "active_ingredient": name.split()[0],
            "strength": "500 mg",
            "dosage_form": "tablet",
            "het_per_base": het,
            "max_per_sale": limit,
        },
    )


def build_pharmacy(name: str = "Koperasi Sehat") -> Pharmacy:
    coop = make_coop(name)
    apoteker = make_user(f"apoteker{coop.id}", "apoteker", coop)
    cashier = make_user(f"kasirapt{coop.id}", "kasir", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    today = coop.today()

    def setup():
        save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
        return {
            "para": drug(coop, "OB-PCT", "Parasetamol 500 mg", "bebas", 500),
            "amox": drug(coop, "OK-AMX", "Amoksisilin 500 mg", "keras", 900, het=1_000),
            "tram": drug(coop, "OOT-TRM", "Tramadol 50 mg", "oot", 1_500, limit=Decimal(10)),
        }

    drugs = run_transaction(setup)
    for key, item in drugs.items():
        for code, days, qty in (("B-LATE", 365, 50), ("B-SOON", 30, 20), ("B-MID", 90, 30)):
            stock_in(
                coop,
                item,
                qty,
                qty * 400,
                batch=f"{key}-{code}",
                expiry=today + timedelta(days=days),
                day=today - timedelta(days=10),
            )

    def people():
        from outlet_pos.units.simpan_pinjam.members import register_member

        member = register_member(
            coop, {"name": "Ibu Sari", "nik": "3201014508850003"}, cashier, pay_pokok=False
        )
        member.credit_limit = 500_000
        patient = Patient(
            cooperative_id=coop.id,
            number="RM-000001",
            name="Ibu Sari",
            sex="P",
            member_id=member.id,
            allergies="Alergi penisilin ringan",
        )
        db.session.add(patient)
        db.session.flush()
        a_shift = open_shift(coop, apoteker, outlet, 100_000)
        c_shift = open_shift(coop, cashier, outlet, 100_000)
        return member, patient, a_shift, c_shift

    member, patient, a_shift, c_shift = run_transaction(people)
    return Pharmacy(coop, apoteker, cashier, a_shift, c_shift, drugs, patient, member)
