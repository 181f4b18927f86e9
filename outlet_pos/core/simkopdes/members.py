"""Members (``anggota_koperasi``) and their savings payments (``simpanan_anggota``).

Savings live in the savings-and-loans unit's tables; like the health and mentoring reports,
the export reads them directly (read only: nothing here writes).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, select

from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.parties import Member
from outlet_pos.core.simkopdes.common import Context, Row, chunks
from outlet_pos.core.simkopdes.formats import day, mask_nik, money, region_code, text

SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
# Our member statuses; SIMKOPDES lists "Approved" (and "Requested", which we never have: a
# member exists here once registered). Members who left keep their rows, because their past
# savings payments point at them.
MEMBER_STATUS = {"aktif": "Approved", "keluar": "Keluar", "meninggal": "Meninggal"}
# The savings SIMKOPDES tracks per member: the capital obligations (pokok once, wajib
# monthly). Sukarela and berjangka are deposits the cooperative owes, like a bank's.
SAVINGS_KINDS = ("pokok", "wajib")


def member_base(ctx: Context) -> Select:
    return select(
        Member.id,
        Member.name,
        Member.nik,
        Member.sex,
        Member.desa,
        Member.status,
        Member.join_date,
        Member.created_at,
        Member.occupation,
    ).where(Member.cooperative_id == ctx.coop.id)


def member_rows(ctx: Context) -> Iterator[Row]:
    coop = ctx.coop
    village = (coop.desa or "").strip().casefold()
    code = region_code(coop.region_code)
    for rows in chunks(member_base(ctx), Member.id):
        for m in rows:
            # A village cooperative's members live in its village; one whose desa says
            # otherwise gets no code (we do not know that village's code).
            home = (m.desa or "").strip().casefold()
            yield {
                "anggota_ref": ctx.refs("anggota", m.id),
                "koperasi_ref": ctx.koperasi_ref,
                "nama": text(m.name),
                "nik": mask_nik(m.nik),
                "kode_wilayah": code if (not home or home == village) else "",
                "jenis_kelamin": SEX.get(m.sex, ""),
                "status_keanggotaan": MEMBER_STATUS.get(m.status, text(m.status)),
                "tanggal_terdaftar": day(m.join_date),
                "dibuat_pada": ctx.clock.stamp(m.created_at),
                "pekerjaan": text(m.occupation),
            }


def savings_base(ctx: Context) -> Select:
    from outlet_pos.units.simpan_pinjam.models import SavingsAccount, SavingsTxn

    return (
        select(
            SavingsTxn.id,
            SavingsAccount.member_id,
            SavingsAccount.kind,
            SavingsTxn.period,
            SavingsTxn.day,
            SavingsTxn.amount,
            SavingsTxn.created_at,
        )
        .join(SavingsAccount, SavingsAccount.id == SavingsTxn.account_id)
        .where(
            SavingsTxn.cooperative_id == ctx.coop.id,
            SavingsAccount.kind.in_(SAVINGS_KINDS),
            SavingsTxn.kind == "setor",
            SavingsTxn.amount > 0,
        )
    )


def period_label(kind: str, period: str | None, paid_on) -> str:
    """``Simpanan Pokok`` or ``Simpanan Wajib - April 2026`` (the month the payment was
    collected for; the month it was paid in when none was recorded)."""
    if kind == "pokok":
        return "Simpanan Pokok"
    year, month = paid_on.year, paid_on.month
    if period and len(period) == 7 and period[4] == "-":
        year, month = int(period[:4]), int(period[5:])
    return f"Simpanan Wajib - {MONTHS_ID[month - 1]} {year}"


def savings_rows(ctx: Context) -> Iterator[Row]:
    from outlet_pos.units.simpan_pinjam.models import SavingsTxn

    for rows in chunks(savings_base(ctx), SavingsTxn.id):
        for t in rows:
            yield {
                "simpanan_ref": ctx.refs("simpanan", t.id),
                "koperasi_ref": ctx.koperasi_ref,
                "anggota_ref": ctx.refs("anggota", t.member_id),
                "periode_pembayaran": period_label(t.kind, t.period, t.day),
                "jumlah_simpanan": money(t.amount),
                "status": "PAID",
                "dibuat_pada": ctx.clock.stamp(t.created_at),
                "dibayar_pada": ctx.clock.business(t.day, t.created_at),
            }
