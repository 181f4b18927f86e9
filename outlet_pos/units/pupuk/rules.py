"""Subsidised fertilizer at the counter: the pupuk unit's checkout hooks (DESIGN §3.7).

For every line of a subsidised item ``check_line`` refuses, with the reason, a sale to someone
who is not a registered farmer, with no allocation of that type this season, above the quota
left, or above the HET valid on the sale date; a proxy must give their NIK and the letter of
authority. The allocation row is locked (PostgreSQL ``FOR UPDATE``; SQLite writers are
serialised), so two counters cannot both take a farmer's last kilos. ``after_checkout`` writes
the redemption records; ``after_refund`` writes negative ones and gives the quota back.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.models import SaleLine
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.pupuk.models import (
    FERTILIZER_TYPES,
    Allocation,
    Redemption,
    SubsidisedItem,
)
from outlet_pos.units.pupuk.services import find_farmer, het_message, het_on, season_of

STATE = "_pupuk"


def _state(ctx: unit_rules.CheckoutContext) -> dict:
    """Scratch state of one checkout, kept on its context object (not in ``ctx.extra``, which
    is the caller's dict and survives a retried transaction)."""
    state = getattr(ctx, STATE, None)
    if state is None:
        state = {"farmer": None, "proxy": None, "lines": []}
        setattr(ctx, STATE, state)
    return state


def _farmer(ctx: unit_rules.CheckoutContext, state: dict):
    if state["farmer"] is not None:
        return state["farmer"]
    nik = (ctx.extra.get("farmer_nik") or "").strip()
    if not nik:
        raise DomainError("Pupuk bersubsidi hanya untuk petani terdaftar: isi NIK petani.")
    farmer = find_farmer(ctx.coop, nik)
    if farmer is None or not farmer.active:
        raise DomainError(f"Petani dengan NIK {nik} belum terdaftar (e-RDKK).")
    proxy_nik = (ctx.extra.get("proxy_nik") or "").strip()
    if proxy_nik:
        try:
            validate_nik(proxy_nik)
        except IdentifierError as err:
            raise ValidationError(f"NIK kuasa: {err}", field="proxy_nik") from None
        if proxy_nik == farmer.nik:
            raise ValidationError("NIK kuasa sama dengan NIK petani.", field="proxy_nik")
        letter = (ctx.extra.get("proxy_letter") or "").strip()
        if len(letter) < 3:
            raise ValidationError(
                "Penebusan oleh kuasa wajib mencatat surat kuasa.", field="proxy_letter"
            )
        state["proxy"] = {
            "nik": proxy_nik,
            "name": (ctx.extra.get("proxy_name") or "").strip()[:200],
            "letter": letter[:300],
        }
    state["farmer"] = farmer
    return farmer


class PupukRules:
    def check_line(self, line: unit_rules.LineContext, ctx: unit_rules.CheckoutContext) -> None:
        sub = db.session.get(SubsidisedItem, line.item.id)
        if sub is None:
            return  # seeds, pesticides, tools: ordinary items
        state = _state(ctx)
        farmer = _farmer(ctx, state)
        label = FERTILIZER_TYPES[sub.fertilizer_type]
        season = season_of(ctx.day)
        alloc = db.session.execute(
            lock_for_update(
                select(Allocation).where(
                    Allocation.farmer_id == farmer.id,
                    Allocation.fertilizer_type == sub.fertilizer_type,
                    Allocation.season == season,
                )
            ).execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if alloc is None or alloc.kg <= 0:
            raise DomainError(f"{label}: tidak ada alokasi untuk {farmer.name} musim {season}.")
        kg = Decimal(line.base_qty)
        # Earlier lines of this cart on the same allocation count too.
        taken = sum((x[2] for x in state["lines"] if x[1] == alloc.id), Decimal(0))
        left = alloc.kg - alloc.redeemed_kg - taken
        if left <= 0:
            raise DomainError(f"{label}: kuota habis untuk {farmer.name} musim {season}.")
        if kg > left:
            raise DomainError(
                f"{label}: melebihi sisa kuota {fmt_qty(left)} kg ({farmer.name}, {season})."
            )
        het = het_on(ctx.coop, sub.fertilizer_type, ctx.day)
        if het is None:
            raise DomainError(f"HET {label} untuk tanggal ini belum ada; isi dulu tabel HET.")
        if Decimal(line.total) > het.rp_per_kg * kg:
            raise DomainError(f"{label}: harga melebihi HET {het_message(het)}.")
        state["lines"].append((line.item.id, alloc.id, kg, line.total, sub.fertilizer_type))

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
        proxy = state["proxy"] or {}
        for item_id, alloc_id, kg, _total, ftype in state["lines"]:
            line = next(sl for sl in sale_lines if sl.item_id == item_id and sl.id not in used)
            used.add(line.id)
            alloc = db.session.get(Allocation, alloc_id)
            alloc.redeemed_kg += kg
            db.session.add(
                Redemption(
                    cooperative_id=ctx.coop.id,
                    farmer_id=alloc.farmer_id,
                    allocation_id=alloc.id,
                    fertilizer_type=ftype,
                    season=alloc.season,
                    kg=kg,
                    amount=line.total,
                    day=ctx.day,
                    sale_id=sale.id,
                    sale_line_id=line.id,
                    cashier_id=ctx.user.id,
                    proxy_nik=proxy.get("nik", ""),
                    proxy_name=proxy.get("name", ""),
                    proxy_letter=proxy.get("letter", ""),
                    photo_path=(ctx.extra.get("photo_path") or "")[:200],
                )
            )
        db.session.flush()

    def after_refund(self, refund, original, returned: dict, ctx) -> None:
        """``returned`` maps the original sale line id to the base quantity given back."""
        for line_id, base_qty in returned.items():
            first = db.session.scalar(
                select(Redemption).where(Redemption.sale_line_id == line_id, Redemption.kg > 0)
            )
            if first is None:
                continue
            alloc = db.session.execute(
                lock_for_update(
                    select(Allocation).where(Allocation.id == first.allocation_id)
                ).execution_options(populate_existing=True)
            ).scalar_one()
            kg = Decimal(base_qty)
            alloc.redeemed_kg -= kg
            db.session.add(
                Redemption(
                    cooperative_id=first.cooperative_id,
                    farmer_id=first.farmer_id,
                    allocation_id=alloc.id,
                    fertilizer_type=first.fertilizer_type,
                    season=first.season,
                    kg=-kg,
                    amount=-round_half_up(
                        Fraction(first.amount) * Fraction(kg) / Fraction(first.kg)
                    ),
                    day=refund.date,
                    sale_id=refund.id,
                    sale_line_id=None,
                    cashier_id=refund.cashier_id,
                )
            )
        db.session.flush()


RULES = PupukRules()


def register() -> None:
    unit_rules.register("pupuk", RULES)
