"""Year-end close (DESIGN §3.2): every revenue and expense account to SHU tahun berjalan.

Two entries, both ``source="closing"``:

1. dated the fiscal year's last day: each revenue and expense balance of the year (per unit,
   so nothing is lost of the unit dimension) is brought to zero against 315100 SHU tahun
   berjalan, which then holds the year's SHU;
2. dated the next fiscal year's first day: 315100 is moved to 315200 SHU belum dibagi, so the
   new year's SHU tahun berjalan starts at zero and the SHU distribution after the annual
   meeting (RAT) draws on SHU belum dibagi.

Idempotent: a closed year has a ``YearClose`` row, and closing it again changes nothing.
If a late posting reached the year after it was closed (its last month reopened by a
pengurus), closing again posts only the remainder, so the year's revenue and expense are
back at zero and the SHU figure is updated.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.closing.models import YearClose
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.ledger.snapshots import movement
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

SHU_CURRENT = "315100"
SHU_UNDISTRIBUTED = "315200"


def fiscal_bounds(coop: Cooperative, year: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year`` (named after the calendar year it starts in)."""
    start_month = coop.fiscal_year_start_month or 1
    first = date(year, start_month, 1)
    end_year, end_month = (year, 12) if start_month == 1 else (year + 1, start_month - 1)
    return first, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


@dataclass
class YearCloseResult:
    year_close: YearClose
    posted: bool  # False: the year was already closed and nothing changed
    shu: int


def _open_balances(coop: Cooperative, first: date, last: date) -> list[tuple[str, int | None, int]]:
    """(account code, unit id, debit - credit) of every revenue and expense account, per unit,
    over the fiscal year, including earlier closing entries (so a second run sees zero). Closed
    months are read from their snapshots (core.ledger.snapshots), the rest from the lines."""
    accounts = {
        a.id: a.code
        for a in db.session.scalars(
            select(Account).where(
                Account.cooperative_id == coop.id, Account.type.in_(("revenue", "expense"))
            )
        )
    }
    sums = movement(coop.id, first, last, by_unit=True, accounts=list(accounts))
    rows = [
        (accounts[account_id], unit_id, int(v))
        for (account_id, unit_id), v in sums.items()
        if account_id in accounts and int(v) != 0
    ]
    return sorted(rows, key=lambda r: (r[0], r[1] or 0))


def close_year(coop: Cooperative, year: int, user) -> YearCloseResult:
    """Close fiscal year ``year`` (flush only; the caller commits)."""
    if not 2000 <= year <= 2100:
        raise ValidationError("Tahun buku tidak valid.", field="year")
    first, last = fiscal_bounds(coop, year)
    if last >= coop.today():
        raise DomainError(f"Tahun buku {year} belum berakhir; tutup tahun setelah {last:%d-%m-%Y}.")
    # Serialise with any other close of this cooperative (post() takes the same row lock).
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    existing = db.session.scalar(
        select(YearClose).where(YearClose.cooperative_id == coop.id, YearClose.year == year)
    )
    balances = _open_balances(coop, first, last)
    if existing is not None and not balances:
        return YearCloseResult(existing, False, existing.shu_amount)
    if existing is not None:
        from outlet_pos.core.shu.models import ShuDistribution

        if db.session.scalar(
            select(ShuDistribution.id).where(
                ShuDistribution.cooperative_id == coop.id, ShuDistribution.year == year
            )
        ):
            raise DomainError(
                f"SHU tahun buku {year} sudah dibagikan; koreksi dibukukan di tahun berjalan."
            )

    shu = -sum(v for _code, _unit, v in balances)  # credit balances are revenue: positive SHU
    lines = [
        LineInput(code, -v if v < 0 else 0, v if v > 0 else 0, unit, None, "Penutupan")
        for code, unit, v in balances
    ]
    if shu > 0:
        lines.append(LineInput(SHU_CURRENT, 0, shu, None, None, "SHU tahun berjalan"))
    elif shu < 0:
        lines.append(LineInput(SHU_CURRENT, -shu, 0, None, None, "Defisit tahun berjalan"))
    # The first close is keyed, so a retried request cannot post it twice; a later close of a
    # remainder is guarded by the YearClose row and the zero balances it leaves.
    first_close = existing is None
    entry = reclass = None
    if balances:
        entry = post(
            coop,
            last,
            f"Penutupan tahun buku {year}: pendapatan dan beban ke SHU tahun berjalan",
            lines,
            source="closing",
            source_ref=f"tahun-{year}",
            user=user,
            idempotency_key=f"close-year-{year}" if first_close else None,
        )
    if shu:
        next_first = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        amount = abs(shu)
        pair = (
            [(SHU_CURRENT, amount, 0), (SHU_UNDISTRIBUTED, 0, amount)]
            if shu > 0
            else [(SHU_CURRENT, 0, amount), (SHU_UNDISTRIBUTED, amount, 0)]
        )
        reclass = post(
            coop,
            next_first,
            f"SHU tahun buku {year} dipindahkan ke SHU belum dibagi",
            pair,
            source="closing",
            source_ref=f"tahun-{year}",
            user=user,
            idempotency_key=f"reclass-year-{year}" if first_close else None,
        )
    if existing is None:
        existing = YearClose(
            cooperative_id=coop.id,
            year=year,
            shu_amount=shu,
            entry_id=entry.id if entry else None,
            reclass_entry_id=reclass.id if reclass else None,
            closed_by_id=getattr(user, "id", user),
        )
        db.session.add(existing)
        action = "year.close"
    else:
        existing.shu_amount += shu
        action = "year.close_again"
    record(action, user=user, cooperative=coop, target=str(year), detail={"shu": shu})
    db.session.flush()
    return YearCloseResult(existing, True, existing.shu_amount)


def year_close_of(coop: Cooperative, year: int) -> YearClose | None:
    return db.session.scalar(
        select(YearClose).where(YearClose.cooperative_id == coop.id, YearClose.year == year)
    )


def is_year_closed(coop: Cooperative, year: int) -> bool:
    """Closed and still whole: no revenue or expense left in the year since the close."""
    if year_close_of(coop, year) is None:
        return False
    return not _open_balances(coop, *fiscal_bounds(coop, year))
