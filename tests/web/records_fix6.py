"""Route-walk sample for the clinic's prescriber list: one prescriber in the given
cooperative (``/klinik/penulis-resep/<prescriber_id>``)."""

from __future__ import annotations

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.units.klinik.services.prescribers import save_prescriber

    manager = db.session.get(User, users["petugas_klinik"])
    row = run_transaction(save_prescriber, coop, manager, name="dr. Uji", profession="dokter",
                          license_no="SIP UJI/1")  # fmt: skip
    return {"prescriber_id": row.id}
