"""The pharmacy's checkout rules (DESIGN §3.8), called by the core inside ``checkout``.

For every line of a drug (an apotek item with ``DrugInfo``) ``check_line`` refuses, with one
Indonesian message each:

- a price above the HET printed on the pack (the charged total of the line against HET x
  base quantity: a discount that brings it under is allowed);
- an OOT drug over its limit per sale, counted over all lines of the cart (``check_line``
  sees one line at a time, so a running sum is kept on the checkout's context);
- obat keras / OOT / psikotropika / narkotika without an open prescription of this
  cooperative (``extra["prescription_id"]``) that lists the drug with enough left to hand out;
- the same without an apoteker on duty.

Obat bebas and bebas terbatas sell at the ordinary counter without any of this; if they are
on the prescription being served, they are counted against it too. Expired batches are
refused by the inventory core itself. ``after_checkout`` records what each sale line handed
out against the prescription; ``after_refund`` gives it back.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.models import SaleLine
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.apotek.drugs import drug_info
from outlet_pos.units.apotek.duty import on_duty, open_duty_of
from outlet_pos.units.apotek.prescription_models import (
    OPEN_STATUSES,
    PharmacistDuty,
    Prescription,
    PrescriptionDispense,
    PrescriptionLine,
)
from outlet_pos.units.apotek.prescriptions import refresh_status

STATE = "_apotek"


def _state(ctx: unit_rules.CheckoutContext) -> dict:
    """Scratch state of one checkout, on its context object (``ctx.extra`` is the caller's
    dict and outlives a retried transaction, so it must not carry our sums)."""
    state = getattr(ctx, STATE, None)
    if state is None:
        state = {
            "rx": None,
            "qty": defaultdict(Decimal),
            "taken": defaultdict(Decimal),
            "lines": [],
        }
        setattr(ctx, STATE, state)
    return state


def _prescription(ctx: unit_rules.CheckoutContext, state: dict) -> Prescription | None:
    """The prescription this sale serves, locked (two counters cannot both hand out its
    last tablets), or None when the cart names none."""
    if state["rx"] is not None:
        return state["rx"]
    raw = ctx.extra.get("prescription_id")
    if raw in (None, ""):
        return None
    try:
        rx_id = int(raw)
    except (TypeError, ValueError):
        raise DomainError("Nomor resep tidak valid.", field="prescription") from None
    rx = db.session.execute(
        lock_for_update(
            select(Prescription).where(
                Prescription.id == rx_id, Prescription.cooperative_id == ctx.coop.id
            )
        ).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if rx is None:
        raise DomainError("Resep tidak ditemukan.", field="prescription")
    if rx.status not in OPEN_STATUSES:
        raise DomainError(
            f"Resep {rx.number} sudah {rx.status_label.lower()}.", field="prescription"
        )
    for line in rx.lines:
        db.session.refresh(line)
    state["rx"] = rx
    return rx


def _pharmacist(ctx: unit_rules.CheckoutContext, state: dict) -> PharmacistDuty | None:
    """The duty this sale is handed out under, once per checkout: the selling user's own
    when an apoteker on duty sells (the dispense rows then name who actually handed it
    over), else the apoteker on duty at the pharmacy, else None."""
    if "duty" not in state:
        mine = open_duty_of(ctx.coop, ctx.user) if ctx.user is not None else None
        if mine is not None and "apoteker" in ctx.user.roles_in(ctx.coop):
            state["duty"] = mine
        else:
            state["duty"] = on_duty(ctx.coop)
    return state["duty"]


class ApotekRules:
    def check_line(self, line: unit_rules.LineContext, ctx: unit_rules.CheckoutContext) -> None:
        item = line.item
        info = drug_info(ctx.coop.id, item.id)
        if info is None:
            return  # not a drug (a thermometer, a mask): an ordinary item
        state = _state(ctx)
        base = Decimal(line.base_qty)
        uom = item.base_uom
        if info.het_per_base is not None and Decimal(line.total) > info.het_per_base * base:
            raise DomainError(
                f"{item.name}: harga melebihi HET {format_rupiah(info.het_per_base)} per {uom}.",
                field="price",
            )
        state["qty"][item.id] += base
        if info.max_per_sale is not None and state["qty"][item.id] > info.max_per_sale:
            raise DomainError(
                f"{item.name} (obat-obat tertentu): paling banyak "
                f"{fmt_qty(info.max_per_sale)} {uom} per penjualan.",
                field="qty",
            )
        rx = _prescription(ctx, state)
        if info.needs_prescription:
            if rx is None:
                raise DomainError(
                    f"{item.name} termasuk {info.class_label.lower()}: hanya dapat diserahkan "
                    "dengan resep.",
                    field="prescription",
                )
            if _pharmacist(ctx, state) is None:
                raise DomainError(
                    f"{item.name} termasuk {info.class_label.lower()}: hanya dapat diserahkan "
                    "saat apoteker sedang bertugas.",
                    field="pharmacist",
                )
        parts: list[tuple[int, Decimal]] = []
        if rx is not None:
            need = base
            for rx_line in rx.lines:
                if rx_line.item_id != item.id or not need:
                    continue
                left = rx_line.qty - rx_line.dispensed_qty - state["taken"][rx_line.id]
                take = min(left, need)
                if take > 0:
                    parts.append((rx_line.id, take))
                    state["taken"][rx_line.id] += take
                    need -= take
            if need and info.needs_prescription:
                given = base - need
                raise DomainError(
                    f"{item.name}: melebihi sisa resep {rx.number} (sisa {fmt_qty(given)} {uom}).",
                    field="qty",
                )
        state["lines"].append((item.id, parts))

    def after_checkout(self, sale, ctx: unit_rules.CheckoutContext) -> None:
        state = getattr(ctx, STATE, None)
        if not state or not any(parts for _item, parts in state["lines"]):
            return
        rx: Prescription = state["rx"]
        sale_lines = list(
            db.session.scalars(
                select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
            )
        )
        duty = _pharmacist(ctx, state)
        pharmacist_id = duty.user_id if duty is not None else ctx.user.id
        used: set[int] = set()
        for item_id, parts in state["lines"]:
            # The n-th checked line of an item is the n-th sale line of it (same cart order).
            sale_line = next(s for s in sale_lines if s.item_id == item_id and s.id not in used)
            used.add(sale_line.id)
            for rx_line_id, qty in parts:
                db.session.get(PrescriptionLine, rx_line_id).dispensed_qty += qty
                db.session.add(
                    PrescriptionDispense(
                        cooperative_id=ctx.coop.id,
                        prescription_id=rx.id,
                        line_id=rx_line_id,
                        sale_id=sale.id,
                        sale_line_id=sale_line.id,
                        qty=qty,
                        pharmacist_id=pharmacist_id,
                    )
                )
        refresh_status(rx)
        db.session.flush()
        record(
            "rx.dispense",
            user=ctx.user,
            cooperative=ctx.coop,
            target=rx.number,
            detail={"sale": sale.number, "status": rx.status},
        )

    def after_refund(self, refund, original, returned: dict, _ctx) -> None:
        """``returned``: original sale line id -> base quantity given back. The prescription
        gets that quantity back to hand out again (newest share first)."""
        touched: dict[int, Prescription] = {}
        for sale_line_id, base_qty in sorted(returned.items()):
            rows = db.session.scalars(
                select(PrescriptionDispense)
                .where(PrescriptionDispense.sale_line_id == sale_line_id)
                .order_by(PrescriptionDispense.id)
            ).all()
            if not rows:
                continue
            net: dict[int, Decimal] = defaultdict(Decimal)
            for row in rows:
                net[row.line_id] += row.qty
            give = Decimal(base_qty)
            for rx_line_id in sorted(net, reverse=True):
                back = min(net[rx_line_id], give)
                if back <= 0:
                    continue
                rx = touched.get(rows[0].prescription_id)
                if rx is None:
                    rx = db.session.execute(
                        lock_for_update(
                            select(Prescription).where(Prescription.id == rows[0].prescription_id)
                        ).execution_options(populate_existing=True)
                    ).scalar_one()
                    touched[rx.id] = rx
                db.session.get(PrescriptionLine, rx_line_id).dispensed_qty -= back
                db.session.add(
                    PrescriptionDispense(
                        cooperative_id=rx.cooperative_id,
                        prescription_id=rx.id,
                        line_id=rx_line_id,
                        sale_id=refund.id,
                        sale_line_id=sale_line_id,
                        qty=-back,
                        pharmacist_id=refund.cashier_id,
                    )
                )
                give -= back
        for rx in touched.values():
            refresh_status(rx)
            record(
                "rx.refund",
                user=refund.cashier_id,
                cooperative=rx.cooperative_id,
                target=rx.number,
                detail={"refund": refund.number, "status": rx.status},
            )
        db.session.flush()


RULES = ApotekRules()


def register() -> None:
    """Hook the rules into the core's checkout and add the verify check."""
    from outlet_pos.core.inventory.catalog import add_item_guard
    from outlet_pos.core.verify import register_check
    from outlet_pos.units.apotek.drugs import check_drug_items, guard_item
    from outlet_pos.units.apotek.prescriptions import check_dispensed

    unit_rules.register("apotek", RULES)
    add_item_guard(guard_item)
    register_check("Resep: jumlah diserahkan = catatan penyerahan", check_dispensed)
    register_check("Obat: berbatch dan di unit apotek", check_drug_items)
