"""Route-walk samples for the parcel desk's money pages: a courier partner and a delivered COD
parcel, paid at intake (QRIS) and its COD received from the courier, so the COD page, the
courier settlement page and the reports all have a row to show."""

from __future__ import annotations

import uuid
from decimal import Decimal

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.units.logistik import money
    from outlet_pos.units.logistik.models import Courier, Parcel

    clerk = db.session.get(User, users["petugas_logistik"])

    def action():
        courier = Courier(cooperative_id=coop.id, code="MONEY", name="Kurir Uji Setoran",
                          commission_percent=Decimal("15"))  # fmt: skip
        db.session.add(courier)
        db.session.flush()
        parcel = Parcel(
            cooperative_id=coop.id, public_id=str(uuid.uuid4()), number="KDMP-UJI-000900",
            courier_id=courier.id, service="REG", business_date=coop.today(),
            sender_name="Pengirim Uji", receiver_name="Penerima Uji", zone="JAWA",
            actual_kg=Decimal("1"), billable_kg=Decimal("1"), shipping_fee=12_000,
            insurance_fee=0, cod_amount=75_000, total_due=12_000, status="terkirim",
        )  # fmt: skip
        db.session.add(parcel)
        db.session.flush()
        money.post_intake(coop, parcel, clerk, None, "qris")
        money.collect_cod(coop, [parcel.id], clerk, "transfer")
        return {"courier_id": courier.id, "parcel_id": parcel.id}

    return run_transaction(action)
