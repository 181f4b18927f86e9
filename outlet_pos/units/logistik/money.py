"""The parcel desk's money (DESIGN §3.2 "parcel (agent)"): the sender's payment at intake,
cash on delivery held and handed on, and settling what is owed to the courier partner.

The cooperative is the partner's *agent*: the shipping fee is the partner's money less the
agent's commission, so only the commission is revenue. One journal entry per action, source
``logistics``:

- intake (``post_intake``): Dr 111100 in the cashier's shift / 112900 QRIS / 113200 member
  credit (within the limit) = total due; Cr 211900 Utang mitra kurir = fee − commission +
  insurance; Cr 414100 = commission (fee × courier.commission_percent, half up), carrying the
  logistik unit and the sender's member id (the member's participation for SHU).
  Insurance goes to the partner in full: it underwrites the risk, the agent only collects it.
  Own-goods deliveries (kind ``antar_barang``) have no partner: the whole charge (often Rp0)
  is revenue 414100; a free delivery posts nothing and is simply marked paid.
- COD received from the courier (``collect_cod``, several parcels in one hand-over): Dr 111100
  (shift) or 112100 / Cr 211500 Titipan COD, one credit line per parcel.
- COD handed to the sender (``remit_cod``): Dr 211500 / Cr 111100 (shift, drawer must hold
  it), 112100, or 211200 sukarela through the savings service (the member's passbook moves in
  the same entry). Each parcel is received once and handed on once, so its liability goes
  from the COD amount to exactly zero; returned parcels never had COD collected.
- Courier settlement (``settle_courier``): Dr 211900 / Cr 111100 (shift) or 112100 for the
  chosen unsettled parcels (a partial settlement pays some parcels, never part of one).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import reserve_member_credit
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.logistik.models import Courier, Parcel
from outlet_pos.units.logistik.money_models import (
    COD_IN,
    COD_OUT,
    PAY_METHODS,
    SETTLE_VIAS,
    CodMovement,
    CourierSettlement,
    ParcelCharge,
)

SOURCE = "logistics"
CASH = shifts.CASH_ACCOUNT  # 111100, always inside a shift
BANK = "112100"
QRIS = "112900"
CREDIT = "113200"
SUKARELA = "211200"
COD = "211500"
PAYABLE = "211900"
REVENUE = "414100"
DEBIT_FOR = {"tunai": CASH, "qris": QRIS, "kredit": CREDIT}
CASH_OR_BANK = {"tunai": CASH, "transfer": BANK}


def commission_for(fee: int, percent) -> int:
    """The agent's share of a shipping fee: fee × percent / 100, halves up (Rp24.000 at 20%
    is Rp4.800; Rp1.005 at 10% is Rp101)."""
    return round_half_up(Fraction(fee) * Fraction(percent) / 100)


def logistik_unit(coop: Cooperative, parcel: Parcel | None = None) -> int | None:
    """The unit dimension the lines carry: the parcel's own, else the first logistik unit."""
    if parcel is not None and parcel.unit_id is not None:
        return parcel.unit_id
    return db.session.scalar(
        select(BusinessUnit.id)
        .where(
            BusinessUnit.cooperative_id == coop.id,
            BusinessUnit.kind == "logistik",
            BusinessUnit.active.is_(True),
        )
        .order_by(BusinessUnit.id)
        .limit(1)
    )


def _counter_shift(coop: Cooperative, user, shift: Shift | None, *, required: bool) -> Shift | None:
    """The cashier's open shift, locked (cash never moves outside one); None when not required
    and the user has none."""
    if shift is None and user is not None:
        shift = shifts.open_shift_for(user, coop=coop)
    if shift is None or shift.cooperative_id != coop.id:
        if not required:
            return None
        raise DomainError(
            "Uang tunai hanya diterima atau dikeluarkan dalam shift kasir yang terbuka; "
            "buka shift dulu atau pilih cara lain.",
            field="method",
        )
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift kasir ini sudah ditutup.", field="method")
    if user is not None and shift.user_id != user.id:
        raise DomainError("Shift ini milik kasir lain.", field="method")
    return shift


def _drawer_holds(shift: Shift, amount: int) -> None:
    have = shifts.expected_cash(shift)
    if amount > have:
        raise DomainError(f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk "
                          f"mengeluarkan {format_rupiah(amount)}.")  # fmt: skip


def _own_parcel(coop: Cooperative, parcel: Parcel | int) -> Parcel:
    """Re-read and lock the parcel: two clerks acting on it at once take turns."""
    parcel_id = parcel.id if isinstance(parcel, Parcel) else parcel
    found = db.session.get(Parcel, parcel_id) if type(parcel_id) is int else None
    if found is None or found.cooperative_id != coop.id:
        raise DomainError("Paket tidak ditemukan.")
    return lock_row(Parcel, found.id)


def _credit_member(coop: Cooperative, parcel: Parcel, amount: int) -> Member:
    if parcel.sender_member_id is None:
        raise DomainError("Kredit hanya untuk pengirim yang tercatat sebagai anggota.",
                          field="method")  # fmt: skip
    return reserve_member_credit(coop, parcel.sender_member_id, amount, field="method")


def post_intake(
    coop: Cooperative, parcel: Parcel, user, shift: Shift | None, method: str
) -> ParcelCharge | None:
    """Take the sender's payment for a parcel (flush only; a refusal writes nothing).

    Returns the charge, or None for a free own-goods delivery (nothing to post)."""
    parcel = _own_parcel(coop, parcel)
    if parcel.paid or db.session.scalar(
        select(ParcelCharge.id).where(ParcelCharge.parcel_id == parcel.id)
    ):
        raise DomainError(f"Paket {parcel.number} sudah dibayar.")
    fee, insurance, total = parcel.shipping_fee, parcel.insurance_fee, parcel.total_due
    if min(fee, insurance) < 0 or total != fee + insurance:
        raise DomainError(f"Tagihan paket {parcel.number} tidak cocok: ongkir + asuransi ≠ total.")
    if total == 0:
        if parcel.kind != "antar_barang":
            raise DomainError("Ongkos kirim Rp0 hanya untuk antar barang koperasi.")
        parcel.paid, parcel.payment_method = True, "gratis"
        db.session.flush()
        return None
    if method not in PAY_METHODS:
        raise ValidationError("Pilih cara bayar: tunai, QRIS atau kredit anggota.",
                              field="method")  # fmt: skip
    if parcel.kind == "antar_barang":  # the cooperative's own delivery: no partner to pay
        commission, courier_share = total, 0
    else:
        courier = db.session.get(Courier, parcel.courier_id)
        commission = commission_for(fee, courier.commission_percent)
        courier_share = total - commission
    member = _credit_member(coop, parcel, total) if method == "kredit" else None
    shift = _counter_shift(coop, user, shift, required=method == "tunai")
    unit = logistik_unit(coop, parcel)
    lines = [LineInput(DEBIT_FOR[method], total, 0, None, member.id if member else None)]
    if courier_share:
        lines.append(LineInput(PAYABLE, 0, courier_share, unit, None, parcel.number))
    if commission:
        lines.append(LineInput(REVENUE, 0, commission, unit, parcel.sender_member_id,
                               parcel.number))  # fmt: skip
    day = parcel.business_date
    entry = post(coop, day, f"{parcel.number} ongkos kirim {parcel.sender_name}"[:500], lines,
                 source=SOURCE, source_ref=parcel.number, unit=unit, user=user,
                 shift=shift)  # fmt: skip
    charge = ParcelCharge(
        cooperative_id=coop.id, parcel_id=parcel.id, courier_id=parcel.courier_id, date=day,
        method=method, member_id=parcel.sender_member_id, shift_id=shift.id if shift else None,
        entry_id=entry.id, total_amount=total, fee_amount=fee, insurance_amount=insurance,
        commission_amount=commission, courier_amount=courier_share,
        created_by_id=getattr(user, "id", user),
    )  # fmt: skip
    db.session.add(charge)
    parcel.paid, parcel.payment_method = True, method
    parcel.shift_id = shift.id if shift else None
    parcel.entry_id = entry.id
    db.session.flush()
    record("logistics.intake_paid", user=user, cooperative=coop, target=parcel.number,
           detail={"total": total, "method": method, "commission": commission})  # fmt: skip
    return charge


def _movement(parcel_id: int, kind: str) -> CodMovement | None:
    return db.session.scalar(
        select(CodMovement).where(CodMovement.parcel_id == parcel_id, CodMovement.kind == kind)
    )


def collect_cod(
    coop: Cooperative, parcel_ids: Sequence[int], user, via: str, shift: Shift | None = None
) -> list[CodMovement]:
    """The courier hands over the COD it collected for delivered parcels: one entry."""
    if via not in COD_IN:
        raise ValidationError("Pilih cara terima: tunai atau transfer.", field="via")
    ids = sorted({i for i in parcel_ids if type(i) is int})
    if not ids:
        raise ValidationError("Pilih paket yang COD-nya diterima.", field="parcels")
    parcels = [_own_parcel(coop, i) for i in ids]  # locked in id order: no deadlock
    for p in parcels:
        if p.cod_amount <= 0:
            raise DomainError(f"Paket {p.number} bukan paket COD.")
        if p.status == "dikembalikan":
            raise DomainError(f"Paket {p.number} dikembalikan ke pengirim; tidak ada COD.")
        if p.status != "terkirim":
            raise DomainError(f"Paket {p.number} belum terkirim; COD belum tertagih.")
        if _movement(p.id, "terima") is not None:
            raise DomainError(f"COD paket {p.number} sudah diterima dari kurir.")
    shift = _counter_shift(coop, user, shift, required=True) if via == "tunai" else None
    total = sum(p.cod_amount for p in parcels)
    unit = logistik_unit(coop)
    lines = [LineInput(CASH_OR_BANK[via], total, 0)]
    lines += [LineInput(COD, 0, p.cod_amount, p.unit_id or unit, None, p.number) for p in parcels]
    day = coop.today()
    memo = f"Setoran COD dari kurir: {', '.join(p.number for p in parcels)}"
    entry = post(coop, day, memo[:500], lines, source=SOURCE, source_ref=parcels[0].number,
                 unit=unit, user=user, shift=shift)  # fmt: skip
    moves = [
        CodMovement(cooperative_id=coop.id, parcel_id=p.id, kind="terima", date=day,
                    amount=p.cod_amount, via=via, shift_id=shift.id if shift else None,
                    entry_id=entry.id, created_by_id=getattr(user, "id", user))
        for p in parcels
    ]  # fmt: skip
    db.session.add_all(moves)
    db.session.flush()
    record("logistics.cod_in", user=user, cooperative=coop, target=entry.number,
           detail={"parcels": [p.number for p in parcels], "total": total})  # fmt: skip
    return moves


def remit_cod(
    coop: Cooperative, parcel: Parcel | int, user, via: str, shift: Shift | None = None
) -> CodMovement:
    """Hand a parcel's collected COD to its sender; the parcel's liability becomes zero."""
    if via not in COD_OUT:
        raise ValidationError("Pilih cara serah: tunai, transfer atau simpanan sukarela.",
                              field="via")  # fmt: skip
    parcel = _own_parcel(coop, parcel)
    got = _movement(parcel.id, "terima")
    if got is None:
        raise DomainError(f"COD paket {parcel.number} belum diterima dari kurir.")
    if _movement(parcel.id, "serah") is not None:
        raise DomainError(f"COD paket {parcel.number} sudah diserahkan ke pengirim.")
    amount, day = got.amount, coop.today()
    unit = parcel.unit_id or logistik_unit(coop)
    memo = f"Serah COD {parcel.number} ke {parcel.sender_name}"[:500]
    debit = LineInput(COD, amount, 0, unit, None, parcel.number)
    member_id = None
    if via == "sukarela":
        entry_id = _into_sukarela(coop, parcel, amount, debit, memo, user)
        member_id, shift = parcel.sender_member_id, None
    else:
        shift = _counter_shift(coop, user, shift, required=True) if via == "tunai" else None
        if shift is not None:
            _drawer_holds(shift, amount)
        entry = post(coop, day, memo, [debit, LineInput(CASH_OR_BANK[via], 0, amount)],
                     source=SOURCE, source_ref=parcel.number, unit=unit, user=user,
                     shift=shift)  # fmt: skip
        entry_id = entry.id
    move = CodMovement(cooperative_id=coop.id, parcel_id=parcel.id, kind="serah", date=day,
                       amount=amount, via=via, member_id=member_id,
                       shift_id=shift.id if shift else None, entry_id=entry_id,
                       created_by_id=getattr(user, "id", user))  # fmt: skip
    db.session.add(move)
    db.session.flush()
    record("logistics.cod_out", user=user, cooperative=coop, target=parcel.number,
           detail={"amount": amount, "via": via})  # fmt: skip
    return move


def _into_sukarela(coop: Cooperative, parcel: Parcel, amount: int, debit: LineInput, memo: str,
                   user) -> int:  # fmt: skip
    """Pay the COD into the sender's sukarela through the savings service, so the passbook
    and 211200 move in the same entry as 211500."""
    from outlet_pos.units.simpan_pinjam import savings

    if parcel.sender_member_id is None:
        raise DomainError("Pengirim bukan anggota; COD tidak dapat masuk simpanan sukarela.",
                          field="via")  # fmt: skip
    member = db.session.get(Member, parcel.sender_member_id)
    if member.status != "aktif":
        raise DomainError(f"{member.name} bukan anggota aktif lagi.", field="via")
    account = savings.account_for(coop, member, "sukarela")
    move = savings.Move(account, amount, "setor", memo=f"COD paket {parcel.number}")
    txns = savings.apply_moves(coop, coop.today(), memo, [move], [debit], user=user,
                               source=SOURCE)  # fmt: skip
    return txns[0].entry_id


def unsettled_charges(coop: Cooperative, courier: Courier) -> list[ParcelCharge]:
    return list(
        db.session.scalars(
            select(ParcelCharge)
            .where(
                ParcelCharge.cooperative_id == coop.id,
                ParcelCharge.courier_id == courier.id,
                ParcelCharge.settlement_id.is_(None),
                ParcelCharge.void_entry_id.is_(None),  # refunded to the sender: owed nobody
                ParcelCharge.courier_amount > 0,
            )
            .order_by(ParcelCharge.date, ParcelCharge.id)
        )
    )


def settle_courier(
    coop: Cooperative,
    courier: Courier,
    user,
    via: str,
    *,
    charge_ids: Sequence[int] | None = None,
    shift: Shift | None = None,
    note: str = "",
) -> CourierSettlement:
    """Pay the partner its share of the chosen unsettled parcels (all when none are chosen)."""
    if via not in SETTLE_VIAS:
        raise ValidationError("Pilih cara bayar: tunai atau transfer.", field="via")
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError("Catatan maksimal 300 karakter.", field="note")
    if courier.cooperative_id != coop.id:
        raise DomainError("Kurir tidak ditemukan.")
    courier = lock_row(Courier, courier.id)  # two settlements of one partner take turns
    open_charges = unsettled_charges(coop, courier)
    if charge_ids is not None:
        wanted = {i for i in charge_ids if type(i) is int}
        if not wanted:
            raise ValidationError("Pilih paket yang dibayarkan.", field="charges")
        chosen = [c for c in open_charges if c.id in wanted]
        if len(chosen) != len(wanted):
            raise DomainError("Sebagian paket yang dipilih sudah dibayar ke kurir atau tidak "
                              "dikenal; muat ulang halaman.")  # fmt: skip
    else:
        chosen = open_charges
    amount = sum(c.courier_amount for c in chosen)
    if amount <= 0:
        raise DomainError(f"Tidak ada utang ke {courier.name} yang belum dibayar.")
    shift = _counter_shift(coop, user, shift, required=True) if via == "tunai" else None
    if shift is not None:
        _drawer_holds(shift, amount)
    day = coop.today()
    number = f"KUR-{day.year}-{next_value(coop.id, 'KUR', str(day.year)):06d}"
    unit = logistik_unit(coop)
    lines = [LineInput(PAYABLE, amount, 0, unit, None, courier.code),
             LineInput(CASH_OR_BANK[via], 0, amount)]  # fmt: skip
    memo = f"{number} bayar {courier.name}: {len(chosen)} paket" + (f" ({note})" if note else "")
    entry = post(coop, day, memo[:500], lines, source=SOURCE, source_ref=number, unit=unit,
                 user=user, shift=shift)  # fmt: skip
    settlement = CourierSettlement(
        cooperative_id=coop.id, number=number, courier_id=courier.id, date=day, amount=amount,
        parcels=len(chosen), via=via, shift_id=shift.id if shift else None, entry_id=entry.id,
        note=note, created_by_id=getattr(user, "id", user),
    )  # fmt: skip
    db.session.add(settlement)
    db.session.flush()
    for charge in chosen:
        charge.settlement_id = settlement.id
    db.session.flush()
    record("logistics.courier_paid", user=user, cooperative=coop, target=number,
           detail={"courier": courier.code, "amount": amount, "parcels": len(chosen)})  # fmt: skip
    return settlement
