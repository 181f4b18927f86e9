"""SHU invariants for ``outlet-pos verify``: what the ledger says the cooperative owes each
member on 211700 Utang SHU anggota equals that member's unpaid shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select

from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah


def check_shu_payable(coop: Cooperative) -> Iterator[str]:
    from outlet_pos.core.shu.models import ShuShare
    from outlet_pos.core.shu.services import owed_per_member

    unpaid: dict[int, int] = defaultdict(int)
    for share in db.session.scalars(
        select(ShuShare).where(ShuShare.cooperative_id == coop.id, ShuShare.paid_on.is_(None))
    ):
        unpaid[share.member_id] += share.total
    owed = owed_per_member(coop)
    for member_id in sorted(set(unpaid) | set(owed)):
        if unpaid.get(member_id, 0) != owed.get(member_id, 0):
            yield (
                f"anggota #{member_id}: utang SHU di buku {format_rupiah(owed.get(member_id, 0))},"
                f" bagian SHU belum dibayar {format_rupiah(unpaid.get(member_id, 0))}"
            )


def register() -> None:
    from outlet_pos.core.verify import register_check

    register_check("Utang SHU anggota = bagian SHU yang belum dibayar", check_shu_payable)
