"""Route-walk data for the register, expiry and pharmacy report pages: a psikotropika drug in
the pharmacy unit (reused if another plug-in made one) with a batch already expired, so every
role's walk renders those pages with rows, the reconciliation and the write-off form. The
pages take no URL arguments, so nothing is returned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DrugInfo


def records(coop, users) -> dict:
    def action():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "apotek"
            )
        ) or save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
        item = save_item(
            coop, unit=unit, sku="REG-DZP", name="Diazepam 2 mg", base_uom="tablet",
            taxable=False, track_batch=True, units=[UnitSpec("tablet", Decimal(1), 900, 900)],
        )  # fmt: skip
        db.session.add(
            DrugInfo(
                cooperative_id=coop.id, item_id=item.id, drug_class="psikotropika", strength="2 mg"
            )  # fmt: skip
        )
        db.session.flush()
        loc = default_location(coop, outlet, unit)
        today = coop.today()
        for code, days, qty in (("REG-OLD", -3, 10), ("REG-NEW", 45, 30)):
            receive(loc, item, Decimal(qty), qty * 400, day=today, source="test:register",
                    batch=code, expiry=today + timedelta(days=days))  # fmt: skip
        lines = inventory_ledger_lines([(item, 16_000)], debit_account="211100",
                                       inventory_side="debit")  # fmt: skip
        post(coop, today, "Stok awal obat register", lines, source="stock")
        return {}

    return run_transaction(action)
