"""Route-walk samples for the pharmacy pages: the apotek unit (made if the cooperative has
none yet), one drug and one prescription in the given cooperative."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.onboarding import save_unit
    from outlet_pos.units.apotek.drugs import save_drug
    from outlet_pos.units.apotek.prescriptions import create_prescription

    apoteker = db.session.get(User, users["apoteker"])

    def action():
        has_unit = db.session.scalar(
            select(BusinessUnit.id).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "apotek"
            )
        )
        if has_unit is None:
            outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
            save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
        drug = save_drug(
            coop,
            apoteker,
            {"sku": "RW-AMX", "name": "Amoksisilin 500 mg", "base_uom": "tablet",
             "units": [UnitSpec("tablet", Decimal(1), 900, 900)]},
            {"drug_class": "keras", "het_per_base": 1_000},
        )  # fmt: skip
        rx = create_prescription(
            coop,
            apoteker,
            patient=None,
            patient_name="Pasien Uji",
            prescriber="dr. Uji",
            written_on=coop.today(),
            source="luar",
            lines=[{"item_id": drug.id, "qty": 10, "dosage": "3 x 1"}],
        )
        return {"prescription_id": rx.id, "drug_id": drug.id}

    return run_transaction(action)
