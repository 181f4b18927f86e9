"""Paying a member's SHU into simpanan sukarela (DESIGN §3.5).

The core's SHU services pay cash at the counter; money into a savings account must go through
the savings unit (only savings documents touch the savings accounts and their subledger), so
the workspace joins the two: one entry Dr 211700 Utang SHU anggota / Cr 211200 Simpanan
sukarela, recorded in the member's passbook, then the share marked paid. Flush only.
"""

from __future__ import annotations

from datetime import date

from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.shu.models import ShuShare
from outlet_pos.core.shu.services import MEMBERS_PAYABLE, lock_share, mark_paid
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def pay_into_sukarela(coop: Cooperative, share_id: int, user, day: date | None = None) -> ShuShare:
    """Credit the member's unpaid SHU to their simpanan sukarela. Refused when the share is
    already paid or empty, or the member has left the cooperative."""
    from outlet_pos.units.simpan_pinjam.savings import Move, account_for, apply_moves

    share = lock_share(coop, share_id)
    member = db.session.get(Member, share.member_id)
    if member is None or member.cooperative_id != coop.id:
        raise DomainError("Anggota tidak ditemukan.")
    if member.status != "aktif":
        raise DomainError(
            f"{member.name} sudah tidak aktif sebagai anggota; SHU-nya dibayar tunai, "
            "bukan ke simpanan sukarela."
        )
    day = day or coop.today()
    if not share.distribution.rat_date <= day <= coop.today():
        raise ValidationError("Tanggal bayar harus antara tanggal RAT dan hari ini.", field="day")
    year = share.distribution.year
    account = account_for(coop, member, "sukarela")
    txns = apply_moves(
        coop,
        day,
        f"SHU tahun buku {year} ke simpanan sukarela {member.member_number} {member.name}"[:500],
        [Move(account, share.total, "setor", memo=f"SHU tahun buku {year}")],
        [LineInput(MEMBERS_PAYABLE, share.total, 0, None, member.id, f"SHU {year}")],
        user=user,
        source="shu",
        idempotency_key=f"shu-sukarela-{share.id}",
    )
    mark_paid(share, "sukarela", txns[0].entry_id, day, user)
    return share
