"""Small pieces every simpan pinjam service shares: the unit dimension, the loan policy, the
cash side of a counter transaction, and amount checks."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

from outlet_pos.core.db import Prepared, lock_for_update, pk
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import DEFAULT_POLICY, SavingsSettings

CASH = "111100"
BANK = "112100"
MAX_AMOUNT = 10**12
VIAS = {"tunai": "Tunai di kasir", "transfer": "Transfer bank"}


_UNIT = Prepared(
    select(BusinessUnit.id)
    .where(
        BusinessUnit.cooperative_id == bindparam("coop"),
        BusinessUnit.kind == "simpan_pinjam",
        BusinessUnit.active.is_(True),
    )
    .order_by(BusinessUnit.id)
    .limit(1)
)


def simpin_unit(coop: Cooperative) -> int | None:
    """The savings-and-loans business unit, the dimension its journal lines carry. Read with
    a prebuilt statement: every deposit and repayment asks (after the flush the ORM's
    autoflush would have done, so a unit added in this transaction is seen)."""
    return _UNIT.scalar(autoflushed(), {"coop": pk(coop)})


def autoflushed():
    """The session's connection, after the flush an ORM query would make first: a prebuilt
    (``Prepared``) statement skips autoflush, and must not read around pending changes."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection()


def ident(obj) -> int | None:
    """The id of a user, shift or other row without reloading it after a commit (``pk``),
    for None too; a proxy (flask-login's ``current_user``) answers through its ``id``."""
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    try:
        identity = sa_inspect(obj).identity
    except NoInspectionAvailable:
        return obj.id
    return identity[0] if identity else obj.id


def policy(coop: Cooperative) -> dict:
    row = db.session.get(SavingsSettings, coop.id)
    merged = json.loads(json.dumps(DEFAULT_POLICY))
    if row is not None:
        merged.update(json.loads(row.policy_json or "{}"))
    return merged


def save_policy(coop: Cooperative, values: dict, user) -> dict:
    """Store a cooperative's loan policy after checking the bands rise and rates are sane."""
    from outlet_pos.core.audit import record

    merged = policy(coop)
    merged.update(values)
    bmpp = Decimal(str(merged["bmpp_percent"]))
    if not Decimal(0) < bmpp <= Decimal(100):
        raise ValidationError("BMPP harus antara 0 dan 100 persen.", field="bmpp_percent")
    days = merged["collectibility_days"]
    bounds = [int(days[k]) for k in ("L", "DPK", "KL", "D")]
    if bounds[0] != 0 or any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
        raise ValidationError("Batas hari kolektibilitas harus naik: 0 < DPK < KL < D.")
    for code, rate in merged["allowance_percent"].items():
        if not Decimal(0) <= Decimal(str(rate)) <= Decimal(100):
            raise ValidationError(f"Tarif cadangan {code} harus 0–100 persen.")
    row = db.session.get(SavingsSettings, coop.id)
    if row is None:
        row = SavingsSettings(cooperative_id=coop.id)
        db.session.add(row)
    row.policy_json = json.dumps(merged)
    db.session.flush()
    record("simpin.policy", user=user, cooperative=coop, target="kebijakan", detail=merged)
    return merged


def check_amount(amount: object, field: str = "amount") -> int:
    if type(amount) is not int or amount <= 0:
        raise ValidationError("Jumlah harus rupiah bulat lebih dari nol.", field=field)
    if amount > MAX_AMOUNT:
        raise ValidationError("Jumlah terlalu besar.", field=field)
    return amount


def counter_side(
    coop: Cooperative, via: str, shift: Shift | None, user
) -> tuple[str, Shift | None]:
    """The account cash comes from or goes to: the drawer of the cashier's open shift, or the
    bank. Cash never moves outside a shift, so the shift's expected cash stays true."""
    if via == "tunai":
        if shift is None:
            raise DomainError("Buka shift kasir dulu: uang tunai hanya diterima di dalam shift.")
        locked = db.session.execute(
            lock_for_update(select(Shift).where(Shift.id == shift.id)).execution_options(
                populate_existing=True
            )
        ).scalar_one()
        if locked.status != "open" or locked.cooperative_id != coop.id:
            raise DomainError("Shift ini sudah ditutup.")
        if user is not None and locked.user_id != ident(user):
            raise DomainError("Shift ini milik kasir lain.")
        return CASH, locked
    if via == "transfer":
        return BANK, None
    raise ValidationError("Pilih cara bayar: tunai atau transfer.", field="via")


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    import calendar

    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
