"""Cold storage: crates checked into the cold room and billed when they leave (DESIGN §3.11).

Check-in records who left how many crates on which day at the rate valid then (a later rate
change does not touch crates already inside). Check-out charges days × crates × rate, at
least one day, as ONE journal entry: Dr Kas in the cashier's open shift (so the drawer count
expects it) or Dr Piutang anggota within the member's credit limit; Cr 415100 Pendapatan sewa
& jasa unit lokal with the unit id and the member id (a member's rental counts for SHU).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import reserve_member_credit
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.lokal.models import ColdStorageLot, profile_of

REVENUE = "415100"
METHODS = {"tunai": "Tunai (kas laci)", "kredit": "Kredit anggota"}
MAX_CRATES = 100_000


def _cold_unit(coop: Cooperative, unit: BusinessUnit) -> dict:
    profile = profile_of(unit)
    if unit.cooperative_id != coop.id or profile is None or profile.template != "cold_storage":
        raise NotFound("Unit cold storage tidak ditemukan.")
    return profile.settings


MAX_BACKDATE_DAYS = 1  # how far back a cashier may date a check-in


def check_in(
    coop: Cooperative,
    unit: BusinessUnit,
    user,
    *,
    owner_name: str,
    crates: int,
    day: date,
    member_id: int | None = None,
    note: str = "",
) -> ColdStorageLot:
    settings = _cold_unit(coop, unit)
    rate = int(settings.get("rate_per_crate_per_day") or 0)
    if rate <= 0:
        raise DomainError("Tarif per krat per hari belum diisi di pengaturan unit.")
    if type(crates) is not int or not 1 <= crates <= MAX_CRATES:
        raise ValidationError("Jumlah krat harus bilangan bulat 1 atau lebih.", field="crates")
    if not isinstance(day, date) or day > coop.today():
        raise ValidationError("Tanggal masuk tidak boleh di masa depan.", field="day")
    # The date sets the bill: a cashier may catch up on yesterday's crates, anything older is
    # a manager's call (and the date given is in the audit trail either way).
    back = (coop.today() - day).days
    if back > MAX_BACKDATE_DAYS and (user is None or not user.can("local.manage", coop)):
        raise DomainError(f"Kasir hanya boleh mencatat tanggal masuk paling lama "
                          f"{MAX_BACKDATE_DAYS} hari ke belakang; minta pengurus untuk tanggal "
                          "yang lebih lama.", field="day")  # fmt: skip
    member = None
    if member_id:
        member = db.session.get(Member, member_id)
        if member is None or member.cooperative_id != coop.id:
            raise ValidationError("Anggota tidak ditemukan.", field="member")
    owner = (owner_name or "").strip() or (member.name if member else "")
    if not owner or len(owner) > 200:
        raise ValidationError("Nama pemilik wajib diisi (maksimal 200 karakter).", field="owner")
    number = f"CS-{day.year}-{next_value(coop.id, 'CS', str(day.year)):05d}"
    lot = ColdStorageLot(
        cooperative_id=coop.id, unit_id=unit.id, number=number, owner_name=owner,
        member_id=member.id if member else None, crates=crates, checked_in=day, rate=rate,
        note=(note or "").strip()[:300], created_by_id=getattr(user, "id", None),
    )  # fmt: skip
    db.session.add(lot)
    db.session.flush()
    record("local.cold.in", user=user, cooperative=coop, target=number,
           detail={"crates": crates, "rate": rate, "day": day.isoformat(),
                   "days_back": back})  # fmt: skip
    return lot


def storage_days(lot: ColdStorageLot, out: date) -> int:
    """Whole days in the room; a lot that leaves the day it came in pays one day."""
    return max((out - lot.checked_in).days, 1)


def charge(lot: ColdStorageLot, out: date) -> int:
    return storage_days(lot, out) * lot.crates * lot.rate


def _shift(coop: Cooperative, user) -> Shift:
    shift = shifts.open_shift_for(user, coop=coop) if user is not None else None
    if shift is None or shift.cooperative_id != coop.id:
        raise DomainError("Pembayaran tunai dicatat dalam shift kasir yang terbuka; buka shift "
                          "dulu atau pilih kredit anggota.", field="method")  # fmt: skip
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift Anda sudah ditutup.", field="method")
    return shift


def _credit_member(coop: Cooperative, lot: ColdStorageLot, amount: int) -> Member:
    if lot.member_id is None:
        raise DomainError("Kredit hanya untuk titipan milik anggota koperasi.", field="method")
    return reserve_member_credit(coop, lot.member_id, amount, field="method")


def check_out(
    coop: Cooperative, lot: ColdStorageLot, user, *, method: str, day: date | None = None
) -> ColdStorageLot:
    """Bill the stay and close the lot (flush only); a refusal writes nothing."""
    if method not in METHODS:
        raise ValidationError("Pilih cara bayar.", field="method")
    if lot.cooperative_id != coop.id:
        raise NotFound("Titipan tidak ditemukan.")
    lot = lock_row(ColdStorageLot, lot.id)
    if lot.checked_out is not None:
        raise DomainError(f"{lot.number} sudah dikeluarkan dan ditagih.")
    day = day or coop.today()
    if day < lot.checked_in:
        raise ValidationError("Tanggal keluar sebelum tanggal masuk.", field="day")
    days = storage_days(lot, day)
    amount = days * lot.crates * lot.rate
    shift = _shift(coop, user) if method == "tunai" else None
    member = _credit_member(coop, lot, amount) if method == "kredit" else None
    debit = (shifts.CASH_ACCOUNT if shift else "113200", amount, 0, None,
             member.id if member else None)  # fmt: skip
    credit = (REVENUE, 0, amount, lot.unit_id, lot.member_id)
    memo = (f"{lot.number} sewa cold storage {lot.crates} krat × {days} hari "
            f"× {format_rupiah(lot.rate)} {lot.owner_name}")  # fmt: skip
    entry = post(coop, day, memo[:500], [debit, credit], source="lokal", source_ref=lot.number,
                 unit=lot.unit_id, user=user, shift=shift)  # fmt: skip
    lot.checked_out, lot.days, lot.amount, lot.payment = day, days, amount, method
    lot.shift_id = shift.id if shift else None
    lot.entry_id = entry.id
    lot.checked_out_by_id = getattr(user, "id", None)
    db.session.flush()
    record("local.cold.out", user=user, cooperative=coop, target=lot.number,
           detail={"days": days, "amount": amount, "method": method})  # fmt: skip
    return lot


def in_room(coop: Cooperative, unit: BusinessUnit) -> list[ColdStorageLot]:
    """Lots still in the cold room, oldest first."""
    return list(
        db.session.scalars(
            select(ColdStorageLot)
            .where(
                ColdStorageLot.cooperative_id == coop.id,
                ColdStorageLot.unit_id == unit.id,
                ColdStorageLot.checked_out.is_(None),
            )
            .order_by(ColdStorageLot.checked_in, ColdStorageLot.id)
        )
    )


def recent_out(coop: Cooperative, unit: BusinessUnit, limit: int = 20) -> list[ColdStorageLot]:
    return list(
        db.session.scalars(
            select(ColdStorageLot)
            .where(
                ColdStorageLot.cooperative_id == coop.id,
                ColdStorageLot.unit_id == unit.id,
                ColdStorageLot.checked_out.is_not(None),
            )
            .order_by(ColdStorageLot.checked_out.desc(), ColdStorageLot.id.desc())
            .limit(limit)
        )
    )
