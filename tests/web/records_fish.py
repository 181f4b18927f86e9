"""Route-walk samples for the fisheries and livestock pages: a fish purchase paid into a
member's sukarela and a bought animal, each in a local unit of its template."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.onboarding import save_unit
    from outlet_pos.units.lokal import fish, livestock
    from outlet_pos.units.lokal.models import LocalUnitProfile
    from outlet_pos.units.simpan_pinjam.members import register_member

    manager = db.session.get(User, users["pengurus"]) or db.session.scalar(select(User))

    def action():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        pond = save_unit(coop, "uji-ikan", "TPI Uji", "lokal", outlet.id)
        farm = save_unit(coop, "uji-ternak", "Ternak Uji", "lokal", outlet.id)
        for unit, template in ((pond, "perikanan"), (farm, "peternakan")):
            db.session.add(
                LocalUnitProfile(unit_id=unit.id, cooperative_id=coop.id, template=template)
            )
        item = fish.add_fish_item(coop, pond, "Kembung", 28_000, 30_000, manager)
        fish.set_prices(coop, pond, coop.today(), {(item.id, "A"): 22_000}, manager)
        fisher = register_member(
            coop, {"name": "Nelayan Uji", "nik": "3201011205850009"}, manager, via="transfer"
        )
        purchase = fish.buy_catch(
            coop,
            pond,
            manager,
            lines=[fish.CatchLine(item.id, "A", "3,5")],
            method="sukarela",
            member_id=fisher.id,
        )
        animal = livestock.buy_animal(
            coop,
            farm,
            manager,
            tag="UJI-1",
            species="kambing",
            sex="betina",
            cost=1_500_000,
            paid_from="utang",
        )
        return {"fish_purchase_id": purchase.id, "animal_id": animal.id}

    return run_transaction(action)
