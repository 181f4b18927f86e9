"""Route-walk samples for the local-unit pages: a cold room with one crate lot checked in
and one checked out (billed in cash would need a shift, so on a member's credit)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.parties import Member
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.units.lokal import cold_storage
    from outlet_pos.units.lokal.units import create_local_unit

    manager = db.session.get(User, users["pengurus"]) or db.session.scalar(select(User))

    def action():
        unit = create_local_unit(coop, manager, name="Cold Storage Uji", code="dingin-uji",
                                 outlet_id=None, template="cold_storage", flows=["sewa"],
                                 settings={"rate_per_crate_per_day": 5_000})  # fmt: skip
        member = Member(cooperative_id=coop.id, member_number="L-0001", nik="3201011508900001",
                        name="Pak Lokal", sex="L", join_date=date(2024, 1, 5),
                        credit_limit=1_000_000)  # fmt: skip
        db.session.add(member)
        db.session.flush()
        lot = cold_storage.check_in(coop, unit, manager, owner_name="Pak Lokal", crates=2,
                                    day=coop.today(), member_id=member.id)  # fmt: skip
        cold_storage.check_out(coop, lot, manager, method="kredit")
        open_lot = cold_storage.check_in(coop, unit, manager, owner_name="Tamu", crates=1,
                                         day=coop.today())  # fmt: skip
        return {"lot_id": open_lot.id}

    return run_transaction(action)
