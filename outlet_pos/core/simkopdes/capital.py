"""Capital from outside sources (``modal_koperasi``) and the annual meetings
(``rat_koperasi``).

``modal_koperasi`` lists capital *received*: its source types (INVESTOR, MITRA, BANK, DONOR)
and kinds (PINJAMAN, CSR, HIBAH) describe money from outside the membership. So a row is a
credit to a grant account (312, hibah), to equity participation (314, modal penyertaan) or to
a long-term loan (22, e.g. pinjaman bank), from an entry that has not been reversed. Members'
own capital (simpanan pokok and wajib) is not repeated here: it is in ``simpanan_anggota``
payment by payment, and summing both tables would count it twice.

``rat_koperasi`` has a row per SHU distribution, since one is recorded after each annual
meeting (RAT) with its date and decision; the financial summaries are the year's statements
from the ledger, and the plan for the next year is the business plan, when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import Select, func, or_, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.simkopdes.common import Context, Row
from outlet_pos.core.simkopdes.formats import day, money, text
from outlet_pos.extensions import db

# Account code prefix -> (tipe_sumber, tipe_modal).
CAPITAL_SOURCES = {
    "312": ("DONOR", "HIBAH"),
    "314": ("INVESTOR", "PENYERTAAN"),
    "22": ("BANK", "PINJAMAN"),
}


def _capital_query(ctx: Context) -> tuple[dict[int, str], Select]:
    """Credits to the capital accounts, found account first (a handful of accounts, then
    their lines through the ledger's (cooperative, account, date) index), leaving out
    reversals and the entries they reverse."""
    accounts = dict(
        db.session.execute(
            select(Account.id, Account.code).where(
                Account.cooperative_id == ctx.coop.id,
                or_(*(Account.code.like(f"{prefix}%") for prefix in CAPITAL_SOURCES)),
            )
        ).all()
    )
    reversed_ids = select(JournalEntry.reverses_id).where(
        JournalEntry.cooperative_id == ctx.coop.id, JournalEntry.reverses_id.is_not(None)
    )
    stmt = (
        select(
            JournalLine.id,
            JournalLine.credit,
            JournalLine.account_id,
            JournalLine.memo.label("line_memo"),
            JournalEntry.date,
            JournalEntry.memo,
            JournalEntry.created_at,
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == ctx.coop.id,
            JournalLine.account_id.in_(list(accounts)),
            JournalLine.credit > 0,
            JournalEntry.reverses_id.is_(None),
            JournalEntry.id.not_in(reversed_ids),
        )
        .order_by(JournalLine.id)
    )
    return accounts, stmt


def capital_base(ctx: Context) -> Select:
    return _capital_query(ctx)[1]


def rat_base(ctx: Context) -> Select:
    from outlet_pos.core.shu.models import ShuDistribution

    return select(ShuDistribution.id).where(ShuDistribution.cooperative_id == ctx.coop.id)


def capital_rows(ctx: Context) -> Iterator[Row]:
    accounts, stmt = _capital_query(ctx)
    for line in db.session.execute(stmt):
        code = accounts[line.account_id]
        source, kind = next(v for p, v in CAPITAL_SOURCES.items() if code.startswith(p))
        yield {
            "modal_ref": ctx.refs("modal", line.id),
            "koperasi_ref": ctx.koperasi_ref,
            "tipe_sumber": source,
            "nama_sumber": text(line.line_memo or line.memo),
            "tipe_modal": kind,
            "jumlah": money(line.credit),
            "tanggal_diterima": day(line.date),
            "dibuat_pada": ctx.clock.stamp(line.created_at),
            "diperbarui_pada": ctx.clock.stamp(line.created_at),
        }


def _summary(values: dict[str, object]) -> str:
    return json.dumps(values, ensure_ascii=False)


def _statements(ctx: Context, year: int) -> tuple[str, str]:
    """The year's balance sheet and income statement in a few figures (rupiah, integers)."""
    from outlet_pos.core.closing.year_end import fiscal_bounds
    from outlet_pos.core.statements.financial import balance_sheet, income_statement

    first, last = fiscal_bounds(ctx.coop, year)
    sheet = balance_sheet(ctx.coop, last)
    totals = {line.label: line.amount for line in sheet.grand}
    position = {
        "tanggal": last.isoformat(),
        "total_aset": totals.get("JUMLAH ASET", 0),
        "total_liabilitas": totals.get("JUMLAH LIABILITAS", 0),
        "total_ekuitas": totals.get("JUMLAH EKUITAS", 0),
    }
    income = income_statement(ctx.coop, first, last)
    parts = [s.total.amount if s.total else 0 for s in income.sections]
    result = {
        "periode": f"{first.isoformat()}/{last.isoformat()}",
        "pendapatan": parts[0],
        "beban_pokok": parts[1],
        "beban_usaha": parts[2],
        "pajak": parts[3],
        "shu": income.grand[-1].amount,
    }
    return _summary(position), _summary(result)


def _plan(ctx: Context, year: int) -> str:
    """The business plan's revenue and gross margin targets for ``year``, if any."""
    from outlet_pos.core.plans.models import PlanTarget

    rows = dict(
        db.session.execute(
            select(PlanTarget.metric, func.sum(PlanTarget.amount))
            .where(PlanTarget.cooperative_id == ctx.coop.id, PlanTarget.year == year)
            .where(PlanTarget.metric.in_(("sales", "margin")))
            .group_by(PlanTarget.metric)
        ).all()
    )
    if not rows:
        return ""
    return _summary(
        {
            "tahun": year,
            "rencana_pendapatan": int(rows.get("sales") or 0),
            "rencana_laba_kotor": int(rows.get("margin") or 0),
        }
    )


def rat_rows(ctx: Context) -> Iterator[Row]:
    from outlet_pos.core.shu.models import ShuDistribution

    meetings = db.session.execute(
        select(
            ShuDistribution.id,
            ShuDistribution.year,
            ShuDistribution.rat_date,
            ShuDistribution.created_at,
        )
        .where(ShuDistribution.cooperative_id == ctx.coop.id)
        .order_by(ShuDistribution.year)
    ).all()
    for number, rat in enumerate(meetings, start=1):
        position, result = _statements(ctx, rat.year)
        yield {
            "rat_sample_id": ctx.refs("rat", rat.id),
            "koperasi_ref": ctx.koperasi_ref,
            "jenis_sektor_koperasi": "KDKMP",
            "urutan_rat": str(number),
            "tahun_buku": str(rat.year),
            "tahun_rencana_kerja": str(rat.year + 1),
            "tahun_rencana_anggaran": str(rat.year + 1),
            "tanggal_rat": day(rat.rat_date),
            "status_rat": "Reported",
            "laporan_posisi_keuangan": position,
            "laporan_hasil_usaha": result,
            "rapb_hasil_usaha": _plan(ctx, rat.year + 1),
            "dibuat_pada": ctx.clock.stamp(rat.created_at),
            "diperbarui_pada": ctx.clock.stamp(rat.created_at),
        }
