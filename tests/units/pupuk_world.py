"""A fertilizer kiosk for tests: a pupuk unit with subsidised urea, NPK and ZA (kg, sack of
50), stock in 114200, a cashier's shift, and the farmer of ``fertilizer.json`` with their
allocations for the season."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services
from outlet_pos.units.pupuk.models import Allocation
from tests.conftest import make_coop, make_user
from tests.shop import stock_in

FIXTURE = json.loads((Path(__file__).parent.parent / "fixtures" / "fertilizer.json").read_text())
QUOTA = FIXTURE["quota_example"]
SALE_DAY = date(2026, 2, 10)  # in 2026-MT1, the fixture's season


@dataclass
class Kiosk:
    coop: object
    cashier: object
    shift: object
    items: dict
    farmer: object
    approver: object


def build_kiosk(name: str = "Koperasi Tani") -> Kiosk:
    coop = make_coop(name)
    cashier = make_user(f"kasirtani{coop.id}", "kasir", coop)
    approver = make_user(f"pengurustani{coop.id}", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        unit = save_unit(coop, "pupuk", "Pupuk & Saprotan", "pupuk", outlet.id)
        ids = {}
        for ftype, price in (("urea", 1_800), ("npk", 1_840), ("za", 1_360)):
            item = save_item(
                coop, unit=unit, sku=f"PS-{ftype.upper()}", name=f"Pupuk {ftype} bersubsidi",
                base_uom="kg", decimals=3, taxable=False, inventory_account="114200",
                units=[UnitSpec("kg", Decimal(1), price, price),
                       UnitSpec("karung", Decimal(50), price * 50, price * 50)],
            )  # fmt: skip
            services.mark_subsidised(coop, item, ftype, cashier)
            ids[ftype] = item.id
        services.ensure_het(coop)
        farmer = services.save_farmer(
            coop,
            {"nik": QUOTA["farmer_nik"], "name": "Pak Darmaji", "poktan": "Tani Makmur",
             "desa": "Sukamaju", "land_ha": Decimal("0.75")},
            cashier,
        )  # fmt: skip
        for ftype, kg in QUOTA["allocations_kg"].items():
            db.session.add(
                Allocation(
                    cooperative_id=coop.id,
                    farmer_id=farmer.id,
                    fertilizer_type=ftype,
                    season=QUOTA["season"],
                    kg=Decimal(kg),
                )  # fmt: skip
            )
        db.session.add(
            Allocation(
                cooperative_id=coop.id,
                farmer_id=farmer.id,
                fertilizer_type="urea",
                season="2025-MT3",
                kg=Decimal(500),
            )  # fmt: skip
        )
        shift = open_shift(coop, cashier, outlet, 1_000_000)
        return ids, farmer, shift

    ids, farmer, shift = run_transaction(setup)
    for item_id in ids.values():
        stock_in(coop, db.session.get(Item, item_id), 2_000, 2_000 * 1_500, day=date(2025, 1, 2))
    return Kiosk(coop, cashier, shift, ids, farmer, approver)
