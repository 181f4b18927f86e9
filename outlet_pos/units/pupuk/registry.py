"""Read-only queries of the farmer registry for the pages: search, the groups, a farmer's
allocations over the seasons and their redemptions with the receipts they came from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from outlet_pos.core.access import User
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Allocation, Farmer, Redemption


def search_farmers(
    coop: Cooperative, q: str = "", poktan: str = "", limit: int = 300
) -> list[Farmer]:
    """Farmers whose name, NIK, group or village contains ``q``, optionally of one group."""
    query = select(Farmer).where(Farmer.cooperative_id == coop.id)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Farmer.name).like(like),
                Farmer.nik.like(f"%{q}%"),
                func.lower(Farmer.poktan).like(like),
                func.lower(Farmer.desa).like(like),
            )
        )
    if poktan:
        query = query.where(Farmer.poktan == poktan)
    return list(db.session.scalars(query.order_by(Farmer.poktan, Farmer.name).limit(limit)))


def count_farmers(coop: Cooperative) -> int:
    return db.session.scalar(select(func.count(Farmer.id)).where(Farmer.cooperative_id == coop.id))


def poktan_names(coop: Cooperative) -> list[str]:
    return [
        p
        for p in db.session.scalars(
            select(Farmer.poktan)
            .where(Farmer.cooperative_id == coop.id)
            .distinct()
            .order_by(Farmer.poktan)
        )
        if p
    ]


def season_totals(coop: Cooperative, season: str) -> dict[int, tuple[Decimal, Decimal]]:
    """Per farmer id: (kg allocated, kg redeemed) over all types in ``season``."""
    rows = db.session.execute(
        select(Allocation.farmer_id, func.sum(Allocation.kg), func.sum(Allocation.redeemed_kg))
        .where(Allocation.cooperative_id == coop.id, Allocation.season == season)
        .group_by(Allocation.farmer_id)
    )
    return {fid: (Decimal(a or 0), Decimal(r or 0)) for fid, a, r in rows}


def allocations_by_season(farmer: Farmer) -> list[tuple[str, list[Allocation]]]:
    """The farmer's allocations grouped by season, newest season first."""
    groups: dict[str, list[Allocation]] = {}
    for alloc in db.session.scalars(
        select(Allocation)
        .where(Allocation.farmer_id == farmer.id)
        .order_by(Allocation.season.desc(), Allocation.fertilizer_type)
    ):
        groups.setdefault(alloc.season, []).append(alloc)
    return list(groups.items())


@dataclass
class HistoryRow:
    redemption: Redemption
    sale_id: int
    receipt: str
    cashier: str


def redemption_history(farmer: Farmer, limit: int = 200) -> list[HistoryRow]:
    """The farmer's redemptions (refunds as negative rows), newest first, with receipts."""
    rows = db.session.execute(
        select(Redemption, Sale.number, User.full_name)
        .join(Sale, Sale.id == Redemption.sale_id)
        .join(User, User.id == Redemption.cashier_id)
        .where(Redemption.farmer_id == farmer.id)
        .order_by(Redemption.day.desc(), Redemption.id.desc())
        .limit(limit)
    )
    return [HistoryRow(r, r.sale_id, number, name) for r, number, name in rows]
