"""What the fisheries and livestock services share: the unit a page names (made from which
template), the counter's open shift and its drawer, the shelf the unit's stock sits on, and
weights in kg (Decimal, at most three decimals) times rupiah prices."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Location
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up

INVENTORY = "114100"
PAYABLE = "211100"  # Utang usaha: an animal or its feed bought on credit
SOURCE = "stock"  # protected from manual reversal; corrections go through stock documents
MAX_PRICE = 100_000_000  # Rp100 juta per kg: beyond any fish, below any overflow
MAX_WEIGHT = Decimal("100000")  # 100 t in one line


def local_unit(coop: Cooperative, unit_id: int, template: str) -> BusinessUnit:
    """The cooperative's local unit made from ``template``; refuses other units clearly.

    A unit without a profile (made in code, like the demo's) is accepted as any template."""
    from outlet_pos.units.lokal.models import TEMPLATES, profile_of

    unit = db.session.get(BusinessUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.cooperative_id != coop.id or unit.kind != "lokal":
        raise DomainError("Unit lokal tidak ditemukan.")
    profile = profile_of(unit)
    if profile is not None and profile.template != template:
        label = TEMPLATES.get(template, (template,))[0]
        raise DomainError(f"{unit.name} bukan unit {label}.")
    return unit


def counter_shift(coop: Cooperative, user) -> Shift:
    """The user's open shift, locked: cash moves only inside a shift."""
    shift = shifts.open_shift_for(user, coop=coop) if user is not None else None
    if shift is None or shift.cooperative_id != coop.id:
        raise DomainError(
            "Pembayaran tunai dicatat dalam shift kasir yang terbuka; buka shift dulu.",
            field="method",
        )
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift Anda sudah ditutup.", field="method")
    return shift


def drawer_has(shift: Shift, amount: int) -> None:
    have = shifts.expected_cash(shift)
    if amount > have:
        raise DomainError(
            f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk membayar "
            f"{format_rupiah(amount)}.",
            field="method",
        )


def unit_location(coop: Cooperative, unit: BusinessUnit, shift: Shift | None) -> Location:
    """Where the unit's goods sit: its shelf at its own outlet (else the shift's, else the
    first), the same shelf checkout sells from."""
    outlet_id = unit.outlet_id or (shift.outlet_id if shift is not None else None)
    if outlet_id is None:
        outlet_id = db.session.scalar(
            select(Outlet.id).where(Outlet.cooperative_id == coop.id).order_by(Outlet.id)
        )
    if outlet_id is None:
        raise DomainError("Koperasi belum punya gerai untuk menyimpan stok.")
    return default_location(coop, db.session.get(Outlet, outlet_id), unit)


def parse_weight(raw: object, field: str = "weight") -> Decimal:
    """A weight in kg typed as ``12,345`` or ``12.345``: positive, at most 3 decimals."""
    if isinstance(raw, Decimal):
        weight = raw
    else:
        text = str(raw if raw is not None else "").strip().replace(",", ".")
        if not text or len(text) > 20 or "e" in text.lower():
            raise ValidationError("Berat wajib diisi dalam kg.", field=field)
        try:
            weight = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Berat tidak valid.", field=field) from None
    if not weight.is_finite() or weight <= 0:
        raise ValidationError("Berat harus lebih dari nol.", field=field)
    if weight > MAX_WEIGHT:
        raise ValidationError("Berat terlalu besar.", field=field)
    if weight != weight.quantize(Decimal("0.001")):
        raise ValidationError("Berat paling banyak 3 angka di belakang koma.", field=field)
    return weight.quantize(Decimal("0.001"))


def line_amount(weight: Decimal, price: int) -> int:
    """Weight × price per kg, rounded half up to the rupiah: 12,345 kg × Rp23.500 = Rp290.108."""
    return round_half_up(weight * price)


def check_amount(value: object, field: str = "amount") -> int:
    if type(value) is not int or not 0 < value <= MAX_PRICE * 100:
        raise ValidationError("Jumlah harus rupiah bulat lebih dari nol.", field=field)
    return value


def paying_side(coop: Cooperative, user, paid_from: str, amount: int):
    """(credit account, shift): the drawer of the user's open shift, or Utang usaha (managers
    only)."""
    if paid_from == "tunai":
        shift = counter_shift(coop, user)
        drawer_has(shift, amount)
        return shifts.CASH_ACCOUNT, shift
    if paid_from == "utang":
        # Cr Utang usaha without a supplier bill is only for whoever keeps the books: the
        # treasurer records the supplier's bill; a cashier pays from the drawer.
        if user is None or not user.can("local.manage", coop):
            raise DomainError("Pembelian secara utang hanya oleh pengurus/bendahara (yang juga "
                              "mencatat tagihan pemasoknya); kasir membayar tunai.",
                              field="paid_from")  # fmt: skip
        return PAYABLE, None
    raise ValidationError("Pilih cara bayar.", field="paid_from")


def member_of(coop: Cooperative, member_id: int | None, field: str) -> Member | None:
    if member_id is None:
        return None
    member = db.session.get(Member, member_id)
    if member is None or member.cooperative_id != coop.id:
        raise ValidationError("Anggota tidak ditemukan.", field=field)
    return member


def void_reason(coop: Cooperative, user, reason: str, what: str) -> str:
    """The checks every void of a local unit's record starts with: a reason the audit trail
    can show, given by a manager (local.manage) — the person who typed a wrong record must
    not be able to make its money vanish. Returns the reason, trimmed."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Tuliskan alasan pembatalan (minimal 5 karakter).", field="reason")
    if len(reason) > 300:
        raise ValidationError("Alasan maksimal 300 karakter.", field="reason")
    if user is None or not user.can("local.manage", coop):
        raise DomainError(f"Hanya pengelola unit lokal yang boleh membatalkan {what}.")
    return reason
