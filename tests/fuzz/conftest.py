"""The fuzzer's world: the route walk's cooperative (one user per role, one record of each kind,
see ``tests/web/test_access.py``) plus what posting to every form needs and the walk does not:
a local unit of each template, a clinic visit examined and not billed, a throwaway (locked)
user for the admin forms to act on, a user whose own password the fuzzer may change, and a
cashier with no open shift (the open-shift form; the login form signs in as them too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.test_access import world  # noqa: F401  (the shared fixture, reused as is)


def _extras(app, world: dict) -> dict:  # noqa: F811
    from outlet_pos.core.access import Membership, User
    from outlet_pos.core.db import run_transaction, utcnow
    from outlet_pos.core.onboarding import grant_role
    from outlet_pos.core.tenancy import BusinessUnit, Cooperative
    from outlet_pos.extensions import db
    from outlet_pos.units.lokal.units import create_local_unit

    with app.app_context():
        coop = db.session.get(Cooperative, world["a"])
        manager = db.session.get(User, world["users"]["pengurus"])

        def users():
            # The world's password hash, copied: hashing it again costs a third of a second.
            known = db.session.get(User, world["users"]["kasir"]).password_hash
            made = {}
            for username, role in (
                ("fz-korban", "kasir"),
                ("fuzz-self", "bendahara"),
                ("fz-masuk", "kasir"),
            ):
                user = User(username=username, full_name=username, password_hash=known)
                db.session.add(user)
                db.session.flush()
                grant_role(user, coop, role)
                made[username] = user.id
            # Locked, so the admin's user page shows its unlock button.
            db.session.get(User, made["fz-korban"]).locked_until = utcnow() + timedelta(hours=1)
            return made

        made_users = run_transaction(users)

        def units():
            made = {}
            for kind, template, flows, settings in (
                ("agent", "agen", ["fee_agen"], {"types": {}}),
                ("lpg", "lpg", ["jual"], {"limit_per_nik_per_day": 2, "het": 18_000}),
            ):
                unit = create_local_unit(
                    coop,
                    manager,
                    name=f"Uji {template}",
                    code=f"fz-{template}",
                    outlet_id=world["outlet"],
                    template=template,
                    flows=flows,
                    settings=settings,
                )
                made[kind] = unit.id
            return made

        local = run_transaction(units)
        by_code = dict(
            db.session.execute(
                select(BusinessUnit.code, BusinessUnit.id).where(
                    BusinessUnit.cooperative_id == coop.id
                )
            ).all()
        )
        local |= {
            "cold": by_code["dingin-uji"],
            "fish": by_code["uji-ikan"],
            "livestock": by_code["uji-ternak"],
        }

        def clinic_visit() -> int:
            # The walk's visit is billed, which closes its record and billing forms: a second
            # visit, examined and treated but not billed, keeps every clinic form on its pages.
            from outlet_pos.units.klinik.services import patients, treatment, visits

            officer = db.session.get(User, world["users"]["petugas_klinik"])
            patient = patients.register_patient(coop, officer, {"name": "Pasien Fuzz", "sex": "P"})
            visit = visits.register_visit(coop, officer, patient)
            visits.save_record(coop, visit, officer, {"complaint": "demam", "icd10_code": "A09"})
            treatment.add_service(coop, visit, officer, world["samples"]["tariff_id"], 1)
            return visit.id

        victim = made_users["fz-korban"]
        membership = db.session.scalar(select(Membership.id).where(Membership.user_id == victim))
        return {
            "clinic_visit": run_transaction(clinic_visit),
            "supplier_bill": world["bill"],
            "victim": victim,
            "victim_membership": membership,
            "local_units": local,
        }


@pytest.fixture
def fuzz_world(app, world):  # noqa: F811
    """``world`` with the extras above under ``world["fuzz"]``."""
    return {**world, "fuzz": _extras(app, world)}
