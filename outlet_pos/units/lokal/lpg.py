"""LPG 3 kg base (pangkalan): the checkout rules and the distributor's daily logbook.

Subsidised LPG may only go to a buyer who shows a NIK, at most N tabung per NIK per day and
never above the HET (DESIGN §3.11). ``check_line`` refuses any of these before anything is
written; the unit's profile row is locked first, so two counters cannot both sell a NIK's
last tabung. ``after_checkout`` records one ``LpgSale`` per line (the quota used and the
logbook row); ``after_refund`` writes a negative row on the *original* day, which frees that
day's quota and keeps the logbook honest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.models import SaleLine
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.lokal.models import LocalUnitProfile, LpgSale

STATE = "_lokal_lpg"


def _state(ctx: unit_rules.CheckoutContext) -> dict:
    """Scratch state of one checkout on its context (``ctx.extra`` is the caller's dict)."""
    state = getattr(ctx, STATE, None)
    if state is None:
        state = {"lines": []}
        setattr(ctx, STATE, state)
    return state


def _lpg_profile(unit: BusinessUnit | None) -> LocalUnitProfile | None:
    if unit is None or unit.kind != "lokal":
        return None
    profile = db.session.get(LocalUnitProfile, unit.id)
    return profile if profile is not None and profile.template == "lpg" else None


DEFAULT_MARK = "3 kg"  # without a chosen list, the subsidised items are those named "… 3 kg"


def subsidised_ids(coop_id: int, unit_id: int, settings: dict) -> set[int]:
    """Items of the base the NIK, per-NIK limit and HET apply to: the list kept in the unit's
    settings, or by default every item whose name contains "3 kg" (a base also sells 5.5 kg
    or 12 kg tabung, regulators and hoses at free prices)."""
    chosen = settings.get("subsidised_item_ids")
    if chosen is not None:
        return {int(i) for i in chosen}
    rows = db.session.execute(
        select(Item.id, Item.name).where(Item.cooperative_id == coop_id, Item.unit_id == unit_id)
    ).all()
    return {i for i, name in rows if DEFAULT_MARK in " ".join((name or "").lower().split())}


def _buyer(line: unit_rules.LineContext, ctx: unit_rules.CheckoutContext) -> tuple[str, str]:
    nik = str(line.extra.get("nik") or ctx.extra.get("nik") or "").strip()
    if not nik:
        raise ValidationError("LPG 3 kg hanya dijual kepada pembeli yang menunjukkan KTP: "
                              "isi NIK pembeli.", field="nik")  # fmt: skip
    try:
        validate_nik(nik)  # exactly 16 digits: a longer number is refused, never cut
    except IdentifierError as err:
        raise ValidationError(f"NIK pembeli LPG: {err}.", field="nik") from None
    name = (line.extra.get("buyer_name") or ctx.extra.get("buyer_name") or "").strip()
    if not name and ctx.member is not None:
        name = ctx.member.name
    return nik, name[:200]


def used_today(coop_id: int, unit_id: int, nik: str, day: date) -> Decimal:
    """Tabung already taken by this NIK at this base on ``day`` (refunds subtracted)."""
    return Decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(LpgSale.qty), 0)).where(
                LpgSale.cooperative_id == coop_id,
                LpgSale.unit_id == unit_id,
                LpgSale.day == day,
                LpgSale.nik == nik,
            )
        )
    )


class LpgRules:
    def check_line(self, line: unit_rules.LineContext, ctx: unit_rules.CheckoutContext) -> None:
        unit = line.business_unit
        if _lpg_profile(unit) is None:
            return
        # The profile row is the base's lock: quota reads below see every committed sale.
        profile = db.session.execute(
            lock_for_update(select(LocalUnitProfile).where(LocalUnitProfile.unit_id == unit.id))
            .execution_options(populate_existing=True)
        ).scalar_one()  # fmt: skip
        settings = profile.settings
        if line.item.id not in subsidised_ids(ctx.coop.id, unit.id, settings):
            return
        nik, name = _buyer(line, ctx)
        limit = Decimal(int(settings.get("limit_per_nik_per_day") or 0))
        het = int(settings.get("het") or 0)
        qty = Decimal(line.base_qty)
        if het and Decimal(line.total) > het * qty:
            raise DomainError(f"{line.item.name}: harga melebihi HET {format_rupiah(het)} "
                              "per tabung.", field="price")  # fmt: skip
        state = _state(ctx)
        in_cart = sum((q for u, n, _i, q, _t, _nm in state["lines"] if u == unit.id and n == nik),
                      Decimal(0))  # fmt: skip
        taken = used_today(ctx.coop.id, unit.id, nik, ctx.day) + in_cart
        if limit and taken + qty > limit:
            left = max(limit - taken, Decimal(0))
            raise DomainError(
                f"NIK …{nik[-4:]} sudah membeli {fmt_qty(taken)} tabung hari ini; batas "
                f"{fmt_qty(limit)} tabung per NIK per hari (sisa {fmt_qty(left)}).",
                field="nik",
            )
        state["lines"].append((unit.id, nik, line.item.id, qty, line.total, name))

    def after_checkout(self, sale, ctx: unit_rules.CheckoutContext) -> None:
        state = getattr(ctx, STATE, None)
        if not state or not state["lines"]:
            return
        sale_lines = list(
            db.session.scalars(
                select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
            )
        )
        used: set[int] = set()
        for unit_id, nik, item_id, qty, _total, name in state["lines"]:
            line = next(sl for sl in sale_lines if sl.item_id == item_id and sl.id not in used)
            used.add(line.id)
            db.session.add(
                LpgSale(cooperative_id=ctx.coop.id, unit_id=unit_id, day=ctx.day, nik=nik,
                        buyer_name=name, qty=qty, amount=line.total, item_id=item_id,
                        sale_id=sale.id, sale_line_id=line.id, cashier_id=ctx.user.id)
            )  # fmt: skip
        db.session.flush()

    def after_refund(self, refund, original, returned: dict, ctx) -> None:
        """``returned`` maps the original sale line id to the base quantity given back."""
        for line_id, base_qty in returned.items():
            first = db.session.scalar(
                select(LpgSale).where(LpgSale.sale_line_id == line_id, LpgSale.qty > 0)
            )
            if first is None:
                continue
            qty = Decimal(base_qty)
            share = Fraction(first.amount) * Fraction(qty) / Fraction(first.qty)
            db.session.add(
                LpgSale(cooperative_id=first.cooperative_id, unit_id=first.unit_id,
                        day=first.day, nik=first.nik, buyer_name=first.buyer_name, qty=-qty,
                        amount=-round_half_up(share), item_id=first.item_id, sale_id=refund.id,
                        sale_line_id=None, cashier_id=refund.cashier_id)
            )  # fmt: skip
        db.session.flush()


RULES = LpgRules()


def lpg_items(coop: Cooperative, item_ids: list[int]) -> dict[int, dict]:
    """Subsidised items (of the given ids) of an LPG base: the counter asks for the buyer's
    NIK when its cart holds one. ``{item_id: {"limit": n, "het": rp}}``."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(Item.id, Item.unit_id, LocalUnitProfile.settings_json)
        .join(LocalUnitProfile, LocalUnitProfile.unit_id == Item.unit_id)
        .where(
            Item.cooperative_id == coop.id,
            Item.id.in_(item_ids),
            LocalUnitProfile.template == "lpg",
        )
    ).all()
    out = {}
    for item_id, unit_id, raw in rows:
        s = json.loads(raw or "{}")
        if item_id not in subsidised_ids(coop.id, unit_id, s):
            continue
        out[item_id] = {"limit": s.get("limit_per_nik_per_day"), "het": s.get("het")}
    return out


def mask_nik(nik: str) -> str:
    """The logbook shows only the last four digits: it leaves the base on paper."""
    return "•" * 12 + nik[-4:] if len(nik) == 16 else nik


@dataclass
class LogRow:
    nik: str
    masked: str
    name: str
    qty: Decimal
    amount: int
    sales: int


def daily_log(coop: Cooperative, unit: BusinessUnit, day: date) -> list[LogRow]:
    """The pangkalan logbook of one day: one row per NIK, refunds netted off."""
    rows = db.session.execute(
        select(LpgSale.nik, func.max(LpgSale.buyer_name), func.sum(LpgSale.qty),
               func.sum(LpgSale.amount), func.count(func.distinct(LpgSale.sale_id)))
        .where(LpgSale.cooperative_id == coop.id, LpgSale.unit_id == unit.id,
               LpgSale.day == day)
        .group_by(LpgSale.nik)
        .order_by(LpgSale.nik)
    ).all()  # fmt: skip
    return [
        LogRow(nik, mask_nik(nik), name or "", Decimal(qty), int(amount), int(n))
        for nik, name, qty, amount, n in rows
        if Decimal(qty) != 0
    ]
