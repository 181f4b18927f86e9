"""The demo's treasurer's story: the months before the digital counter, a closed previous
year with its SHU shared out after the annual meeting (RAT), and the current year open.

Before the cooperative used the counter it kept a monthly sales book (buku penjualan): sales
to each member from their purchase cards (kartu belanja anggota) and to non-members, with
purchases expensed as cost of goods sold (the periodic method: no stock in the books until
the counter's first stock take). Those months are posted as one recap entry each, with the
member on each member's revenue line, so the members' SHU (jasa usaha) counts them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def build_recaps(coop: Cooperative, start: date, until: date, rng: random.Random) -> int:
    """One sales recap per month from ``start`` to the month before ``until``."""
    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    sembako = db.session.scalar(
        select(BusinessUnit.id).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
        )
    )
    members = db.session.scalars(
        select(Member).where(Member.cooperative_id == coop.id).order_by(Member.member_number)
    ).all()
    month, posted = start, 0
    while month < until.replace(day=1):
        last = _next_month(month) - timedelta(days=1)
        buyers = [m for m in members if m.join_date <= last and rng.random() < 0.7]
        lines = []
        member_total = 0
        for m in buyers:
            amount = rng.randint(15, 90) * 10_000
            member_total += amount
            lines.append(("411100", 0, amount, sembako, m.id, f"Belanja {m.member_number}"))
        general = rng.randint(2_200, 3_200) * 10_000
        revenue = member_total + general
        cost = revenue * 80 // 100
        lines = [
            ("111100", revenue, 0, None),
            *lines,
            ("411200", 0, general, sembako),
            ("511100", cost, 0, sembako),
            ("211100", 0, cost, None),
        ]
        label = f"{month:%m/%Y}"
        post(coop, last, f"Rekap buku penjualan {label}", lines, source="manual", user=bendahara)
        banked = revenue - 1_000_000  # the rest stays in the safe for change and petty costs
        post(
            coop,
            last,
            f"Setor hasil penjualan {label} ke bank",
            [("112100", banked, 0), ("111100", 0, banked)],
            source="manual",
            user=bendahara,
        )
        post(
            coop,
            last,
            f"Bayar pemasok {label}",
            [("211100", cost, 0), ("112100", 0, cost)],
            source="manual",
            user=bendahara,
        )
        posted += 1
        month = _next_month(month)
    return posted


def build_bank(coop: Cooperative, start: date) -> None:
    """The cooperative's BRI account, linked to 112100 Bank."""
    from outlet_pos.core.banking.services import create_bank_account

    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    create_bank_account(coop, "BRI", "0123-01-000123-30-5", coop.name, bendahara, opened_on=start)


def record_costs(coop: Cooperative, start: date, today: date, units: dict, rng) -> int:
    """Electricity and salaries through the expense book (paid from the bank), and a weekly
    cash deposit from the safe, every month up to today."""
    from outlet_pos.core.expenses.services import record_expense

    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    month, count = start, 0
    while month <= today:
        costs = [
            (9, "612100", rng.randint(45, 70) * 10_000, "Bayar listrik & air gerai", "PLN"),
            (24, "611100", 4_500_000, "Gaji karyawan gerai", "Karyawan gerai"),
        ]
        for offset, account, amount, text, payee in costs:
            day = month + timedelta(days=offset)
            if day <= today:
                record_expense(
                    coop, bendahara, kind="expense", day=day, account=account, amount=amount,
                    paid_from="112100", description=text, unit=units["sembako"], payee=payee,
                )  # fmt: skip
                count += 1
        day = month + timedelta(days=14)
        if day <= today:
            post(
                coop, day, "Setor kas ke bank", [("112100", 300_000, 0), ("111100", 0, 300_000)],
                source="manual", user=bendahara,
            )  # fmt: skip
        month = _next_month(month)
    return count


def build_assets(coop: Cooperative, start: date, today: date) -> None:
    """A display freezer bought from the bank in the first quarter, depreciated every month
    up to the last one that has ended."""
    from outlet_pos.core.assets.services import post_depreciation, register_asset

    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    sembako = db.session.scalar(
        select(BusinessUnit.id).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
        )
    )
    register_asset(
        coop, bendahara, name="Freezer display 2 pintu", account="121200",
        acquired_on=start + timedelta(days=40), cost=8_500_000, life_months=60,
        funding="112100", unit=sembako, location="Gerai Sukamaju",
    )  # fmt: skip
    last = today.replace(day=1) - timedelta(days=1)
    post_depreciation(coop, last.year, last.month, bendahara)


def close_previous_year(coop: Cooperative, year: int, rng: random.Random) -> dict:
    """Close ``year``, hold the RAT in March, share out the SHU, and pay most members: some in
    cash at the counter's first shift after the RAT, some into sukarela; the rest still owed."""
    from outlet_pos.core.closing.year_end import close_year
    from outlet_pos.core.ledger.services import LineInput
    from outlet_pos.core.shu.services import distribute, mark_paid
    from outlet_pos.units.simpan_pinjam.savings import Move, account_for, apply_moves

    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))
    closed = close_year(coop, year, bendahara)
    out = {"shu": closed.shu, "paid": 0}
    if closed.shu <= 0:
        return out
    rat = date(year + 1, 3, 14)
    dist = distribute(coop, year, rat, f"07/RAT/III/{year + 1}", bendahara).distribution
    day = rat + timedelta(days=3)
    for share in dist.shares:
        member = db.session.get(Member, share.member_id)
        if share.total <= 0 or member.status != "aktif" or rng.random() < 0.25:
            continue
        account = account_for(coop, member, "sukarela")
        txns = apply_moves(
            coop,
            day,
            f"SHU {year} anggota {member.member_number} ke simpanan sukarela",
            [Move(account, share.total, "setor")],
            [LineInput("211700", share.total, 0, None, member.id)],
            user=bendahara,
            source="shu",
        )
        mark_paid(share, "sukarela", txns[0].entry_id, day, bendahara)
        out["paid"] += 1
    return out
