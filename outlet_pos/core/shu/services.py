"""SHU after the annual meeting: distribute once, then pay members out.

Distribution entry (DESIGN §3.2), dated the RAT: Dr 315200 SHU belum dibagi (where the
year-end close left the year's SHU); Cr 313100 Cadangan umum; Cr 211700 Utang SHU anggota, one
line per member carrying the member (so what is still owed to each member is derived from the
ledger); Cr 211800 for each fund (pengurus, karyawan, pendidikan, sosial).

Payout in cash happens at the counter inside the cashier's shift (Dr 211700, Cr Kas). Payout
into simpanan sukarela goes through the savings unit (the workspace calls it), because only
savings documents may touch the savings accounts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.closing.year_end import fiscal_bounds, is_year_closed, year_close_of
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import JournalLine
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.shu.compute import POOL_LABELS, Simulation, simulate
from outlet_pos.core.shu.models import ShuDistribution, ShuShare
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

RESERVE = "313100"
MEMBERS_PAYABLE = "211700"
FUNDS = "211800"
UNDISTRIBUTED = "315200"
CASH = "111100"


def distribution_of(coop: Cooperative, year: int) -> ShuDistribution | None:
    return db.session.scalar(
        select(ShuDistribution).where(
            ShuDistribution.cooperative_id == coop.id, ShuDistribution.year == year
        )
    )


def simulation_for(coop: Cooperative, year: int) -> Simulation:
    """The closed year's SHU with its pools and every member's shares (nothing written)."""
    closed = year_close_of(coop, year)
    if closed is None:
        raise DomainError(f"Tahun buku {year} belum ditutup; tutup tahun dahulu.")
    if not is_year_closed(coop, year):
        raise DomainError(
            f"Ada jurnal baru di tahun buku {year} setelah ditutup; ulangi tutup tahun dahulu."
        )
    first, last = fiscal_bounds(coop, year)
    return simulate(coop, year, closed.shu_amount, first, last)


@dataclass
class DistributeResult:
    distribution: ShuDistribution
    posted: bool


def distribute(
    coop: Cooperative, year: int, rat_date: date, decision_number: str, user
) -> DistributeResult:
    """Post the year's SHU distribution once (flush only). A second call changes nothing."""
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    done = distribution_of(coop, year)
    if done is not None:
        return DistributeResult(done, False)
    decision_number = (decision_number or "").strip()
    if len(decision_number) < 3:
        raise ValidationError(
            "Isi nomor keputusan RAT tentang pembagian SHU.", field="decision_number"
        )
    if not isinstance(rat_date, date):
        raise ValidationError("Tanggal RAT tidak valid.", field="rat_date")
    _first, last = fiscal_bounds(coop, year)
    if rat_date <= last or rat_date > coop.today():
        raise ValidationError(
            "Tanggal RAT harus sesudah akhir tahun buku dan tidak melewati hari ini.",
            field="rat_date",
        )
    sim = simulation_for(coop, year)
    if sim.shu <= 0:
        raise DomainError(
            f"Tahun buku {year} tidak menghasilkan SHU positif; tidak ada yang dibagi."
        )
    reserve = sim.pools.get("cadangan", 0) + sum(sim.unshared.values())
    lines: list[LineInput] = [LineInput(UNDISTRIBUTED, sim.shu, 0, None, None, f"SHU {year}")]
    if reserve:
        lines.append(LineInput(RESERVE, 0, reserve, None, None, "Cadangan umum"))
    for base in sim.members:
        if base.total:
            lines.append(
                LineInput(
                    MEMBERS_PAYABLE, 0, base.total, None, base.member_id, f"SHU {base.number}"
                )
            )
    for key, amount in sim.pools.items():
        if key in ("cadangan", "jasa_modal", "jasa_usaha") or not amount:
            continue
        lines.append(LineInput(FUNDS, 0, amount, None, None, POOL_LABELS.get(key, key)[:200]))
    entry = post(
        coop,
        rat_date,
        f"Pembagian SHU tahun buku {year} (keputusan RAT {decision_number})",
        lines,
        source="shu",
        source_ref=f"shu-{year}",
        user=user,
        idempotency_key=f"shu-distribution-{year}",
    )
    dist = ShuDistribution(
        cooperative_id=coop.id,
        year=year,
        shu_amount=sim.shu,
        pools_json=json.dumps(sim.pools),
        allocation_json=json.dumps(sim.allocation),
        rat_date=rat_date,
        decision_number=decision_number[:100],
        entry_id=entry.id,
        created_by_id=getattr(user, "id", user),
    )
    db.session.add(dist)
    db.session.flush()
    for base in sim.members:
        db.session.add(
            ShuShare(
                cooperative_id=coop.id,
                distribution_id=dist.id,
                member_id=base.member_id,
                member_number=base.number,
                capital_base=base.capital_base,
                transactions=base.transactions,
                jasa_modal=base.jasa_modal,
                jasa_usaha=base.jasa_usaha,
                total=base.total,
            )
        )
    record("shu.distribute", user=user, cooperative=coop, target=str(year),
           detail={"shu": sim.shu, "decision": decision_number})  # fmt: skip
    db.session.flush()
    return DistributeResult(dist, True)


def lock_share(coop: Cooperative, share_id: int) -> ShuShare:
    share = db.session.execute(
        lock_for_update(
            select(ShuShare).where(ShuShare.id == share_id, ShuShare.cooperative_id == coop.id)
        ).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if share is None:
        raise DomainError("Bagian SHU tidak ditemukan.")
    if share.paid_on is not None:
        raise DomainError(f"SHU anggota {share.member_number} sudah dibayar ({share.paid_via}).")
    if share.total <= 0:
        raise DomainError("Anggota ini tidak memiliki SHU untuk dibayar.")
    return share


def pay_cash(coop: Cooperative, share_id: int, user, shift, day: date | None = None) -> ShuShare:
    """Pay a member's SHU in cash from the cashier's open shift (flush only)."""
    from outlet_pos.core.sales.shifts import expected_cash

    share = lock_share(coop, share_id)
    if shift is None or shift.status != "open" or shift.cooperative_id != coop.id:
        raise DomainError("Buka shift kasir dulu: SHU tunai dibayar dari laci kasir.")
    if expected_cash(shift) < share.total:
        raise DomainError("Uang di laci kasir tidak cukup untuk membayar SHU ini.")
    day = day or coop.today()
    if not share.distribution.rat_date <= day <= coop.today():
        raise ValidationError("Tanggal bayar harus antara tanggal RAT dan hari ini.", field="day")
    entry = post(
        coop,
        day,
        f"Pembayaran SHU {share.distribution.year} anggota {share.member_number}",
        [
            LineInput(MEMBERS_PAYABLE, share.total, 0, None, share.member_id),
            LineInput(CASH, 0, share.total),
        ],
        source="shu",
        source_ref=f"shu-share-{share.id}",
        user=user,
        shift=shift,
        idempotency_key=f"shu-pay-{share.id}",
    )
    mark_paid(share, "tunai", entry.id, day, user)
    return share


def mark_paid(share: ShuShare, via: str, entry_id: int, day: date, user) -> None:
    share.paid_on = day
    share.paid_via = via
    share.payout_entry_id = entry_id
    share.paid_by_id = getattr(user, "id", user)
    record("shu.pay", user=user, cooperative=share.cooperative_id, target=share.member_number,
           detail={"amount": share.total, "via": via})  # fmt: skip
    db.session.flush()


def owed_per_member(coop: Cooperative) -> dict[int, int]:
    """What the cooperative still owes each member on 211700, from the ledger."""
    from outlet_pos.core.ledger.models import Account

    rows = db.session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.credit - JournalLine.debit))
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            Account.code == MEMBERS_PAYABLE,
            JournalLine.member_id.is_not(None),
        )
        .group_by(JournalLine.member_id)
    )
    return {mid: int(v) for mid, v in rows if int(v)}
