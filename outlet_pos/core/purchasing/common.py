"""What every purchasing action shares: account codes, document numbers, checks of
money, dates and ownership, and the cash drawer a payment may come out of."""

from __future__ import annotations

from datetime import date

from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.inventory.models import Item, ItemUnit
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

PAYABLE = "211100"
RECEIVABLE = "113100"
CASH = shifts.CASH_ACCOUNT
PAY_ACCOUNTS = {"111100": "Kas (tunai)", "112100": "Bank (transfer)"}
MAX_LINES = 50
MAX_MONEY = 10**12


def doc_number(coop: Cooperative, prefix: str, day: date) -> str:
    """PO-2025-0001: gapless per cooperative, prefix and calendar year (a locked sequence row)."""
    return f"{prefix}-{day.year}-{next_value(coop.id, prefix, str(day.year)):04d}"


def check_money(value: object, label: str, field_name: str, *, positive: bool = False) -> int:
    """Integer rupiah only: a float or a string here is a bug upstream, refused, not rounded."""
    if type(value) is not int or value < (1 if positive else 0) or value > MAX_MONEY:
        need = "lebih dari nol" if positive else "tidak negatif"
        raise ValidationError(f"{label} harus rupiah bulat {need}.", field=field_name)
    return value


def check_day(coop: Cooperative, day: object) -> date:
    """A business date that is not in the future (back-dating is allowed, into open periods)."""
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field="date")
    if day > coop.today():
        raise ValidationError("Tanggal tidak boleh setelah hari ini.", field="date")
    return day


def own(coop: Cooperative, obj, label: str):
    """``obj`` if it belongs to ``coop``; another cooperative's row is "not found" (DESIGN §2.4)."""
    if obj is None or obj.cooperative_id != coop.id:
        raise NotFound(f"{label} tidak ditemukan.")
    return obj


def drawer_shift(coop: Cooperative, user, account: str, amount: int):
    """The user's open shift when cash leaves the drawer; refuses more than the drawer holds."""
    if account != CASH or user is None:
        return None
    shift = shifts.open_shift_for(user, coop=coop)
    if shift is None or shift.cooperative_id != coop.id:
        return None
    have = shifts.expected_cash(shift)
    if have < amount:
        raise DomainError(
            f"Kas di laci shift Anda hanya {format_rupiah(have)}; tidak cukup untuk membayar "
            f"{format_rupiah(amount)}. Bayar lewat bank atau setor kas dulu.",
            field="account",
        )
    return shift


def item_unit(coop: Cooperative, item_id, unit_id, no: int) -> tuple[Item, ItemUnit]:
    """Line ``no``'s item and unit of measure, checked to belong together and to ``coop``."""
    item = db.session.get(Item, item_id) if isinstance(item_id, int) else None
    if item is None or item.cooperative_id != coop.id:
        raise ValidationError(f"Baris {no}: barang tidak dikenal.", field=f"lines-{no - 1}-item")
    unit = db.session.get(ItemUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.item_id != item.id:
        raise ValidationError(
            f"Baris {no}: satuan tidak dikenal untuk {item.name}.", field=f"lines-{no - 1}-unit"
        )
    return item, unit
