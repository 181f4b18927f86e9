"""A cooperative with local units opened from the form (as a pengurus would): an LPG base
with a tabung in stock, a cold room, an agent desk, a plain unit; a cashier with an open shift
and a member with a credit limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.lokal.units import add_item, create_local_unit
from tests.conftest import make_coop, make_user
from tests.shop import stock_in

NIK_A = "3201011508900001"
NIK_B = "3201015508900002"  # a woman: day + 40
HET = 18_000


@dataclass
class World:
    coop: object
    cashier: object
    manager: object
    shift: object
    lpg: object
    cold: object
    agent: object
    shop: object
    tabung: object
    ikan: object
    member: object


def build_world(name: str = "Koperasi Pesisir") -> World:
    coop = make_coop(name)
    cashier = make_user(f"kasirlokal{coop.id}", "kasir", coop)
    manager = make_user(f"pengurus{coop.id}", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        def unit(code, name, template, flows, settings=None):
            return create_local_unit(
                coop,
                manager,
                name=name,
                code=code,
                outlet_id=outlet.id,
                template=template,
                flows=flows,
                settings=settings or {},
            )

        lpg = unit("lpg", "Pangkalan LPG", "lpg", ["jual"],
                   {"limit_per_nik_per_day": 2, "het": HET})  # fmt: skip
        cold = unit("dingin", "Cold Storage Dermaga", "cold_storage", ["sewa"],
                    {"rate_per_crate_per_day": 5_000})  # fmt: skip
        agent = unit("agen", "Agen BRILink", "agen", ["fee_agen"],
                     {"types": {"pulsa": 2_000, "tarik_tunai": 5_000}})  # fmt: skip
        shop = unit("ikanasin", "Ikan Asin Bu Rini", "umum", ["jual"])
        tabung = add_item(coop, lpg, manager, name="LPG 3 kg", base_uom="tabung",
                          price_member=HET, price_general=HET)  # fmt: skip
        ikan = add_item(coop, shop, manager, name="Ikan asin 250 g", base_uom="bungkus",
                        price_member=12_000, price_general=15_000)  # fmt: skip
        member = Member(cooperative_id=coop.id, member_number="A-0001", nik=NIK_B,
                        name="Bu Sari", sex="P", join_date=date(2024, 1, 5),
                        credit_limit=500_000)  # fmt: skip
        db.session.add(member)
        db.session.flush()
        shift = open_shift(coop, cashier, outlet, 1_000_000)
        return lpg, cold, agent, shop, tabung, ikan, member, shift

    lpg, cold, agent, shop, tabung, ikan, member, shift = run_transaction(setup)
    stock_in(coop, tabung, 50, 50 * 16_000)
    stock_in(coop, ikan, 40, 40 * 9_000)
    return World(coop, cashier, manager, shift, lpg, cold, agent, shop, tabung, ikan, member)
