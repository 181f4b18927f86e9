"""The fertilizer unit's invariant for ``outlet-pos verify``: what each allocation says was
redeemed equals the sum of its redemption records (refunds are negative records)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Allocation, Redemption


def check_redemptions(coop: Cooperative) -> Iterator[str]:
    sums = dict(
        db.session.execute(
            select(Redemption.allocation_id, func.sum(Redemption.kg))
            .where(Redemption.cooperative_id == coop.id)
            .group_by(Redemption.allocation_id)
        ).all()
    )
    for alloc in db.session.scalars(select(Allocation).where(Allocation.cooperative_id == coop.id)):
        total = sums.get(alloc.id) or 0
        if alloc.redeemed_kg != total:
            yield f"alokasi {alloc.id}: tercatat ditebus {alloc.redeemed_kg} kg, catatan {total} kg"
        if alloc.redeemed_kg < 0 or alloc.redeemed_kg > alloc.kg:
            yield f"alokasi {alloc.id}: ditebus {alloc.redeemed_kg} kg di luar alokasi {alloc.kg}"


def register() -> None:
    from outlet_pos.core.verify import register_check

    register_check("Pupuk ditebus = catatan penebusan per alokasi", check_redemptions)
