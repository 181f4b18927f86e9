"""The fixed-asset register: acquisition, monthly straight-line depreciation, disposal.

Postings (source ``asset``):
- acquisition: Dr asset account (121100/121200/121300, with the unit); Cr the funding — Kas
  kecil 111200, a bank account 1121xx, Utang usaha 211100, or Hibah 312100 for a grant;
- depreciation of a month: Dr 614100 Beban penyusutan, Cr 121900 Akumulasi penyusutan, per
  unit, one entry dated the month's last day (see ``post_depreciation``);
- disposal (sale or write-off): Dr 121900 the asset's accumulated depreciation, Dr cash/bank
  the proceeds, Cr the asset account its cost; the difference to 419200 Pendapatan lain-lain
  (gain) or 619100 Beban lain-lain (loss).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.assets.models import (
    DISPOSAL_KINDS,
    DepreciationLine,
    DepreciationRun,
    FixedAsset,
)
from outlet_pos.core.assets.schedule import from_index, last_day, month_index, scheduled_through
from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.expenses.services import clean_text, resolve_account, resolve_unit
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.ledger.services import is_period_closed, post
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

ASSET_PREFIXES = ("1211", "1212", "1213")  # Bangunan, Peralatan, Kendaraan (and sub-accounts)
ACCUMULATED = "121900"
DEPRECIATION_EXPENSE = "614100"
GAIN = "419200"
LOSS = "619100"
FUNDING = {"111200", "211100", "312100"}  # plus every bank account 1121xx
BANK_PREFIX = "1121"
MAX_COST = 10**13


def month_label(year: int, month: int) -> str:
    return f"{MONTHS_ID[month - 1]} {year}"


def is_asset_account(code: str) -> bool:
    return code.startswith(ASSET_PREFIXES)


def is_funding(code: str) -> bool:
    return code in FUNDING or code.startswith(BANK_PREFIX)


def is_proceeds(code: str) -> bool:
    return code == "111200" or code.startswith(BANK_PREFIX)


def _lock_coop(coop: Cooperative) -> None:
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()


def _check_day(coop: Cooperative, day: object, field: str = "date") -> date:
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field=field)
    if day > coop.today():
        raise ValidationError("Tanggal tidak boleh setelah hari ini.", field=field)
    return day


def _money(value: object, label: str, field: str, *, positive: bool) -> int:
    if type(value) is not int or value < (1 if positive else 0) or value > MAX_COST:
        need = "lebih dari nol" if positive else "tidak negatif"
        raise ValidationError(f"{label} harus rupiah bulat {need}.", field=field)
    return value


def register_asset(
    coop: Cooperative,
    user,
    *,
    name: str,
    account: str,
    acquired_on: date,
    cost: int,
    life_months: int,
    funding: str,
    residual: int = 0,
    code: str = "",
    unit=None,
    location: str = "",
    notes: str = "",
) -> FixedAsset:
    """Add an asset to the register and post its acquisition (flush only)."""
    name = clean_text(name, 200, "name", "Nama aset", required=True)
    code = clean_text(code, 30, "code", "Kode/tag aset")
    asset_acc = resolve_account(coop, account, "account", "Pilih golongan aset tetap.")
    if not is_asset_account(asset_acc.code):
        raise ValidationError("Golongan aset harus Bangunan, Peralatan atau Kendaraan.",
                              field="account")  # fmt: skip
    acquired_on = _check_day(coop, acquired_on)
    cost = _money(cost, "Harga perolehan", "cost", positive=True)
    residual = _money(residual, "Nilai sisa", "residual", positive=False)
    if residual >= cost:
        raise ValidationError("Nilai sisa harus lebih kecil dari harga perolehan.",
                              field="residual")  # fmt: skip
    if type(life_months) is not int or not 1 <= life_months <= 600:
        raise ValidationError("Umur manfaat 1 sampai 600 bulan.", field="life_months")
    fund = resolve_account(coop, funding, "funding", "Pilih sumber dana.")
    if not is_funding(fund.code):
        raise ValidationError("Sumber dana: Kas kecil, rekening bank, Utang usaha atau Hibah.",
                              field="funding")  # fmt: skip
    unit_row = resolve_unit(coop, unit)
    if code:
        taken = db.session.scalar(
            select(FixedAsset.id).where(FixedAsset.cooperative_id == coop.id,
                                        FixedAsset.code == code)
        )  # fmt: skip
        if taken:
            raise ValidationError(f"Kode aset {code} sudah dipakai.", field="code")
    else:
        while True:
            code = f"AT-{next_value(coop.id, 'fixed_asset', 'all'):04d}"
            if not db.session.scalar(
                select(FixedAsset.id).where(FixedAsset.cooperative_id == coop.id,
                                            FixedAsset.code == code)
            ):  # fmt: skip
                break
    unit_id = unit_row.id if unit_row else None
    entry = post(
        coop,
        acquired_on,
        f"Perolehan aset tetap {code} {name}"[:500],
        [(asset_acc, cost, 0, unit_id), (fund, 0, cost, unit_id)],
        source="asset",
        source_ref=code,
        unit=unit_id,
        user=user,
    )
    asset = FixedAsset(
        cooperative_id=coop.id,
        code=code,
        name=name,
        account_id=asset_acc.id,
        unit_id=unit_id,
        acquired_on=acquired_on,
        cost=cost,
        residual_amount=residual,
        life_months=life_months,
        location=clean_text(location, 120, "location", "Lokasi"),
        notes=clean_text(notes, 300, "notes", "Catatan"),
        funding_account_id=fund.id,
        entry_id=entry.id,
        status="active",
        created_by_id=getattr(user, "id", user),
    )
    db.session.add(asset)
    db.session.flush()
    record("asset.register", user=user, cooperative=coop, target=code,
           detail={"cost": cost, "life_months": life_months})  # fmt: skip
    return asset


def accumulated(coop: Cooperative) -> dict[int, int]:
    """Posted depreciation per asset id (the sum of its run lines)."""
    rows = db.session.execute(
        select(DepreciationLine.asset_id, func.sum(DepreciationLine.amount))
        .where(DepreciationLine.cooperative_id == coop.id)
        .group_by(DepreciationLine.asset_id)
    )
    return {asset_id: int(total) for asset_id, total in rows}


def _due(asset: FixedAsset, year: int, month: int, posted: int) -> int:
    """What a run for (year, month) owes this asset: its schedule through that month less
    what was posted (so a back-dated asset catches up in the next run); nothing once
    disposed on or before the month's end."""
    end = last_day(year, month)
    if asset.acquired_on > end or (asset.disposed_on is not None and asset.disposed_on <= end):
        return 0
    due = scheduled_through(
        asset.cost, asset.residual_amount, asset.life_months, asset.acquired_on, year, month
    )
    return max(0, due - posted)


@dataclass
class PlannedMonth:
    year: int
    month: int
    lines: list[tuple[FixedAsset, int]]

    @property
    def total(self) -> int:
        return sum(amount for _, amount in self.lines)

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


def run_months(coop: Cooperative) -> set[int]:
    return {
        month_index(y, m)
        for y, m in db.session.execute(
            select(DepreciationRun.year, DepreciationRun.month).where(
                DepreciationRun.cooperative_id == coop.id
            )
        )
    }


def plan_depreciation(coop: Cooperative, year: int, month: int) -> list[PlannedMonth]:
    """The months ``post_depreciation`` would post to reach (year, month), oldest first, each
    with its per-asset amounts. Empty when the month is already posted or nothing started."""
    assets = db.session.scalars(
        select(FixedAsset).where(FixedAsset.cooperative_id == coop.id).order_by(FixedAsset.id)
    ).all()
    if not assets:
        return []
    target = month_index(year, month)
    done = run_months(coop)
    if done:
        if max(done) >= target:
            return []
        start = max(done) + 1
    else:
        start = min(month_index(a.acquired_on.year, a.acquired_on.month) for a in assets) + 1
        # Months already closed before the first run are not reopened: their depreciation is
        # caught up by the first run in an open month.
        while start <= target and is_period_closed(coop, date(*from_index(start), 1)):
            start += 1
    posted = accumulated(coop)
    plan = []
    for idx in range(start, target + 1):
        y, m = from_index(idx)
        lines = []
        for asset in assets:
            amount = _due(asset, y, m, posted.get(asset.id, 0))
            if amount:
                lines.append((asset, amount))
                posted[asset.id] = posted.get(asset.id, 0) + amount
        plan.append(PlannedMonth(y, m, lines))
    return plan


def post_depreciation(coop: Cooperative, year: int, month: int, user) -> list[DepreciationRun]:
    """Post depreciation through (year, month), filling every missing month before it in
    order, one ``DepreciationRun`` and one journal entry per month (dated its last day; no
    entry for a month with nothing due). Idempotent: an already posted month posts nothing
    and returns []. Runs start the month after the first asset's acquisition; never beyond
    an asset's life, so its total is at most cost - residual; a disposed asset stops in the
    month of its disposal."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("Bulan tidak valid.", field="month")
    if last_day(year, month) > coop.today():
        raise DomainError(
            f"{month_label(year, month)} belum berakhir; penyusutan diposting pada atau "
            "setelah hari terakhir bulan itu.",
            field="month",
        )
    _lock_coop(coop)
    if not db.session.scalar(select(FixedAsset.id).where(FixedAsset.cooperative_id == coop.id)):
        raise DomainError("Belum ada aset tetap di register.")
    runs = []
    for planned in plan_depreciation(coop, year, month):
        run = DepreciationRun(
            cooperative_id=coop.id,
            year=planned.year,
            month=planned.month,
            total_amount=planned.total,
            created_by_id=getattr(user, "id", user),
        )
        if planned.total:
            by_unit: dict[int | None, int] = defaultdict(int)
            for asset, amount in planned.lines:
                by_unit[asset.unit_id] += amount
            units = sorted(by_unit, key=lambda u: (u is not None, u or 0))
            lines = [(DEPRECIATION_EXPENSE, by_unit[u], 0, u) for u in units]
            lines += [(ACCUMULATED, 0, by_unit[u], u) for u in units]
            entry = post(
                coop,
                last_day(planned.year, planned.month),
                f"Penyusutan aset tetap {planned.label}",
                lines,
                source="asset",
                source_ref=f"susut {planned.year}-{planned.month:02d}",
                user=user,
            )
            run.entry_id = entry.id
        db.session.add(run)
        db.session.flush()
        for asset, amount in planned.lines:
            db.session.add(DepreciationLine(
                cooperative_id=coop.id, run_id=run.id, asset_id=asset.id, amount=amount
            ))  # fmt: skip
        db.session.flush()
        runs.append(run)
    if runs:
        record("asset.depreciation", user=user, cooperative=coop,
               target=f"{year}-{month:02d}",
               detail={"months": [f"{r.year}-{r.month:02d}" for r in runs],
                       "total": sum(r.total_amount for r in runs)})  # fmt: skip
    return runs


def dispose_asset(
    coop: Cooperative,
    asset: FixedAsset,
    user,
    *,
    day: date,
    kind: str,
    reason: str,
    proceeds: int = 0,
    proceeds_account: str | None = None,
) -> FixedAsset:
    """Sell or write off an asset: its cost and accumulated depreciation leave the books,
    the difference from the proceeds is a gain (419200) or a loss (619100). Depreciation
    must be posted through the month before the disposal first."""
    if asset.cooperative_id != coop.id:
        raise DomainError("Aset tidak ditemukan.")
    _lock_coop(coop)
    db.session.refresh(asset)
    if asset.status != "active":
        raise DomainError(f"Aset {asset.code} sudah dilepas.")
    if kind not in DISPOSAL_KINDS:
        raise ValidationError("Pilih cara pelepasan (dijual atau dihapus).", field="kind")
    day = _check_day(coop, day)
    if day < asset.acquired_on:
        raise ValidationError("Tanggal pelepasan sebelum tanggal perolehan.", field="date")
    reason = clean_text(reason, 300, "reason", "Alasan/keterangan", required=True)
    proceeds = _money(proceeds, "Harga jual", "proceeds", positive=kind == "sale")
    cash = None
    if kind == "sale":
        cash = resolve_account(coop, proceeds_account, "proceeds_account", "Pilih kas/bank.")
        if not is_proceeds(cash.code):
            raise ValidationError("Hasil penjualan masuk ke Kas kecil atau rekening bank.",
                                  field="proceeds_account")  # fmt: skip
    elif proceeds:
        raise ValidationError("Penghapusan tidak memiliki harga jual.", field="proceeds")
    posted = accumulated(coop).get(asset.id, 0)
    py, pm = from_index(month_index(day.year, day.month) - 1)
    expected = scheduled_through(
        asset.cost, asset.residual_amount, asset.life_months, asset.acquired_on, py, pm
    )
    if posted < expected:
        raise DomainError(
            f"Posting penyusutan sampai {month_label(py, pm)} dulu, lalu lepas aset ini.",
            field="date",
        )
    if posted > expected:
        raise ValidationError(
            "Penyusutan aset ini sudah diposting melewati bulan sebelum tanggal pelepasan; "
            "pilih tanggal dalam bulan setelah penyusutan terakhirnya.",
            field="date",
        )
    u = asset.unit_id
    lines = []
    if posted:
        lines.append((ACCUMULATED, posted, 0, u))
    if proceeds:
        lines.append((cash, proceeds, 0, u))
    lines.append((asset.account, 0, asset.cost, u))
    gain = proceeds + posted - asset.cost
    if gain > 0:
        lines.append((GAIN, 0, gain, u))
    elif gain < 0:
        lines.append((LOSS, -gain, 0, u))
    label = DISPOSAL_KINDS[kind].split(" ")[0]
    entry = post(coop, day, f"Pelepasan aset {asset.code} {asset.name} ({label}): {reason}"[:500],
                 lines, source="asset", source_ref=asset.code, unit=u, user=user)  # fmt: skip
    asset.status = "disposed"
    asset.disposed_on = day
    asset.disposal_kind = kind
    asset.disposal_reason = reason
    asset.proceeds_amount = proceeds
    asset.proceeds_account_id = cash.id if cash else None
    asset.disposal_entry_id = entry.id
    db.session.flush()
    record("asset.dispose", user=user, cooperative=coop, target=asset.code,
           detail={"kind": kind, "proceeds": proceeds, "gain": gain})  # fmt: skip
    return asset
