"""The register's place in the month-close checklist and in ``outlet-pos verify``.

What verify can prove: the journal lines the register itself posted (source ``asset``) on the
asset accounts add up to the cost of the active assets, and on 121900 to minus their posted
depreciation. Other postings to those accounts (an opening balance, a manual journal) are not
the register's and are left out: the whole account balance equals the register only when
nothing else posts there.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.assets.models import DepreciationLine, DepreciationRun, FixedAsset
from outlet_pos.core.assets.services import (
    ACCUMULATED,
    accumulated,
    is_asset_account,
    month_label,
    plan_depreciation,
)
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah


def depreciation_item(coop: Cooperative, year: int, month: int):
    """Checklist item: the month's depreciation is posted (not applicable when no asset is
    depreciated that month)."""
    from outlet_pos.core.closing.checklist import ItemResult

    label = month_label(year, month)
    args = {"bulan": f"{year:04d}-{month:02d}"}
    endpoint = "bendahara.assets_depreciation"
    run = db.session.scalar(
        select(DepreciationRun).where(
            DepreciationRun.cooperative_id == coop.id,
            DepreciationRun.year == year,
            DepreciationRun.month == month,
        )
    )
    if run is not None:
        detail = f"Penyusutan {label} sudah diposting: {format_rupiah(run.total_amount)}."
        return ItemResult(True, detail, endpoint, args, applies=run.total_amount > 0)
    plan = plan_depreciation(coop, year, month)
    total = sum(p.total for p in plan)
    if total == 0:
        return ItemResult(True, "Tidak ada aset tetap yang disusutkan bulan ini.", endpoint,
                          args, applies=False)  # fmt: skip
    months = ", ".join(p.label for p in plan if p.total)
    detail = f"Penyusutan belum diposting ({months}): {format_rupiah(total)}."
    return ItemResult(False, detail, endpoint, args)


def _register_lines(coop: Cooperative) -> dict[str, int]:
    rows = db.session.execute(
        select(Account.code, func.sum(JournalLine.debit - JournalLine.credit))
        .join(Account, Account.id == JournalLine.account_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == coop.id, JournalEntry.source == "asset")
        .group_by(Account.code)
    )
    return {code: int(total or 0) for code, total in rows}


def check_fixed_assets(coop: Cooperative) -> Iterator[str]:
    """Register = the register's own postings; each asset within cost - residual; each run's
    lines = its total = its journal entry."""
    posted = accumulated(coop)
    assets = db.session.scalars(
        select(FixedAsset).where(FixedAsset.cooperative_id == coop.id)
    ).all()
    for a in assets:
        if posted.get(a.id, 0) > a.cost - a.residual_amount:
            yield f"aset {a.code}: penyusutan {posted[a.id]} melebihi nilai yang disusutkan"
    active = [a for a in assets if a.status == "active"]
    book = _register_lines(coop)
    cost = sum(a.cost for a in active)
    on_accounts = sum(v for code, v in book.items() if is_asset_account(code))
    if on_accounts != cost:
        yield (
            f"akun aset tetap (jurnal register) {format_rupiah(on_accounts)} ≠ harga perolehan "
            f"aset aktif {format_rupiah(cost)}"
        )
    acc = sum(posted.get(a.id, 0) for a in active)
    if -book.get(ACCUMULATED, 0) != acc:
        yield (
            f"akun {ACCUMULATED} (jurnal register) {format_rupiah(-book.get(ACCUMULATED, 0))} ≠ "
            f"akumulasi penyusutan aset aktif {format_rupiah(acc)}"
        )
    sums = dict(
        db.session.execute(
            select(DepreciationLine.run_id, func.sum(DepreciationLine.amount))
            .where(DepreciationLine.cooperative_id == coop.id)
            .group_by(DepreciationLine.run_id)
        ).all()
    )
    entry_totals = dict(
        db.session.execute(
            select(DepreciationRun.id, func.sum(JournalLine.credit))
            .join(JournalLine, JournalLine.entry_id == DepreciationRun.entry_id)
            .where(DepreciationRun.cooperative_id == coop.id)
            .group_by(DepreciationRun.id)
        ).all()
    )
    for run in db.session.scalars(
        select(DepreciationRun).where(DepreciationRun.cooperative_id == coop.id)
    ):
        lines = int(sums.get(run.id, 0) or 0)
        entry = int(entry_totals.get(run.id, 0) or 0)
        if not (run.total_amount == lines == entry):
            yield (
                f"penyusutan {run.year}-{run.month:02d}: jumlah {run.total_amount}, "
                f"rincian aset {lines}, jurnal {entry}"
            )


def register() -> None:
    from outlet_pos.core.closing.checklist import register_item
    from outlet_pos.core.verify import register_check

    register_item("depreciation", "Penyusutan aset tetap sudah diposting", depreciation_item,
                  order=60)  # fmt: skip
    register_check("Aset tetap: akun aset dan akumulasi penyusutan = register", check_fixed_assets)
