"""Route-walk samples for the parcel desk: a logistik unit, a courier with a tariff from today,
and one parcel taken in (paid by QRIS, so no shift is needed) in the given cooperative."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.units.logistik.parcels import intake
    from outlet_pos.units.logistik.tariffs import add_tariff, save_courier

    officer = db.session.get(User, users["petugas_logistik"]) or db.session.scalar(select(User))

    def action():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        has_unit = db.session.scalar(
            select(BusinessUnit.id).where(BusinessUnit.cooperative_id == coop.id,
                                          BusinessUnit.kind == "logistik")
        )  # fmt: skip
        if has_unit is None:
            save_unit(coop, "logistik-uji", "Pos & Logistik", "logistik", outlet.id)
        courier = save_courier(coop, officer, code="JNEUJI", name="JNE Uji",
                               commission_percent="10", rounding_kg="1",
                               insurance_rate_percent="0.2", insurance_min=1_000)  # fmt: skip
        add_tariff(coop, officer, courier_id=courier.id, service="REG", zone="JAWA",
                   first_kg=12_000, next_kg=9_000, valid_from=coop.today())  # fmt: skip
        parcel = intake(coop, officer, None, {
            "courier_id": str(courier.id), "service": "REG", "sender_name": "Pengirim Uji",
            "receiver_name": "Penerima Uji", "receiver_phone": "0811111111",
            "receiver_address": "Jl. Uji 1", "receiver_provinsi": "Jawa Barat",
            "actual_kg": "1.2", "method": "qris",
        })  # fmt: skip
        return {"parcel_id": parcel.id, "courier_id": courier.id}

    return run_transaction(action)
