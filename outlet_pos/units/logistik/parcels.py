"""Parcel intake, the billable-weight rule, quotes and the status timeline (DESIGN §3.10).

Billable weight: the greater of the actual weight and the volumetric weight L×W×H/6000 (cm ->
kg), then rounded UP to the courier's step (``Courier.rounding_kg``: 0,5 kg or 1 kg; default
1 kg), and never less than 1 kg because every tariff charges the first kilogram whole.
Fee = first kg + next-kg price × (billable kg − 1), to whole rupiah half up (a 0,5 kg step
costs half a next-kilogram). Insurance = declared value × the courier's rate, at least its
minimum, and nothing when no value is declared.

The money side (payment of ``total_due`` at the counter, the partner's payable, the agent's
commission, COD) lives in ``money.py``; intake hands the new parcel to
``money.post_intake`` when that module provides it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import time_ordered_uuid
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, parse_id
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.logistik.models import (
    KINDS,
    SERVICES,
    STATUSES,
    Courier,
    Parcel,
    ParcelEvent,
    ZoneTariff,
)
from outlet_pos.units.logistik.tariffs import tariff_on, zone_for
from outlet_pos.units.logistik.voids import void_intake

VOLUMETRIC_DIVISOR = Decimal(6000)
DEFAULT_STEP = Decimal(1)
MAX_KG = Decimal(500)  # heavier goods go as freight, not as a parcel at the desk
MAX_CM = Decimal(300)
MAX_AMOUNT = 100_000_000  # COD or declared value; above this the desk calls the partner first
NUMBER_PREFIX = "KDMP"

# Allowed moves. A parcel can be returned at any point before delivery; delivered and
# returned are final. Our own deliveries (antar_barang) leave with our staff, no hand-over.
TRANSITIONS = {
    "diterima": {"diserahkan_ke_kurir", "dikembalikan"},
    "diserahkan_ke_kurir": {"dalam_perjalanan", "terkirim", "dikembalikan"},
    "dalam_perjalanan": {"terkirim", "dikembalikan"},
    "terkirim": set(),
    "dikembalikan": set(),
}
OWN_DELIVERY_EXTRA = {"diterima": {"dalam_perjalanan"}}


@dataclass(frozen=True)
class Quote:
    tariff: ZoneTariff
    billable_kg: Decimal
    fee: int
    insurance: int
    total: int

    @property
    def eta_days(self) -> str:
        return self.tariff.eta_days


def volumetric_weight(length: Decimal, width: Decimal, height: Decimal) -> Decimal:
    """L×W×H/6000 in kg, kept to the gram (3 decimals, half up) for display and storage."""
    return (length * width * height / VOLUMETRIC_DIVISOR).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )


def billable_weight(actual_kg: Decimal, l: Decimal, w: Decimal, h: Decimal,  # noqa: E741
                    step: Decimal = DEFAULT_STEP) -> Decimal:  # fmt: skip
    """max(actual, L×W×H/6000) rounded UP to ``step`` kg, at least 1 kg (the first kilogram
    is always charged). The comparison uses the exact volumetric weight, not a rounded one."""
    if step <= 0:
        raise ValueError("step must be positive")
    volumetric = Decimal(l) * Decimal(w) * Decimal(h) / VOLUMETRIC_DIVISOR
    heavier = max(Decimal(actual_kg), volumetric)
    steps = (heavier / step).to_integral_value(rounding=ROUND_CEILING)
    return max(steps * step, Decimal(1)).normalize() + Decimal("0.000")


def insurance_fee(courier: Courier, insurance_value: int) -> int:
    if insurance_value <= 0:
        return 0
    return max(round_half_up(Decimal(insurance_value) * courier.insurance_rate),
               courier.insurance_min)  # fmt: skip


def quote(coop: Cooperative, courier: Courier, service: str, zone: str, billable_kg: Decimal,
          day: date, insurance_value: int = 0) -> Quote:  # fmt: skip
    """The price of a parcel on ``day``; refuses when no tariff row is in force."""
    tariff = tariff_on(coop, courier, service, zone, day)
    if tariff is None:
        raise DomainError(f"Belum ada tarif {courier.name} {SERVICES.get(service, service)} "
                          f"untuk zona ini yang berlaku pada tanggal tersebut.",
                          field="service")  # fmt: skip
    fee = tariff.first_kg + round_half_up(tariff.next_kg * (billable_kg - 1))
    insurance = insurance_fee(courier, insurance_value)
    return Quote(tariff, billable_kg, fee, insurance, fee + insurance)


# --- reading the form's values -------------------------------------------------------------


def _text(values: dict, field: str, label: str, limit: int, *, required: bool = False) -> str:
    text = str(values.get(field) or "").strip()
    if required and not text:
        raise ValidationError(f"{label} wajib diisi.", field=field)
    if len(text) > limit:
        raise ValidationError(f"{label} maksimal {limit} karakter.", field=field)
    return text


def _number(values: dict, field: str, label: str, high: Decimal, *, required: bool) -> Decimal:
    raw = values.get(field)
    if raw in (None, ""):
        if required:
            raise ValidationError(f"{label} wajib diisi.", field=field)
        return Decimal(0)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"{label} harus berupa angka.", field=field) from None
    if not value.is_finite() or value <= 0 or value > high:
        raise ValidationError(f"{label} harus lebih dari 0 dan paling banyak {high}.",
                              field=field)  # fmt: skip
    return value


def _amount(values: dict, field: str, label: str) -> int:
    value = values.get(field) or 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label} tidak valid.", field=field)
    if value < 0:
        raise ValidationError(f"{label} tidak boleh negatif.", field=field)
    if value > MAX_AMOUNT:
        raise ValidationError(f"{label} melebihi batas loket.", field=field)
    return value


def measures(values: dict, courier: Courier) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(actual, length, width, height): the dimensions are all given or all left empty."""
    actual = _number(values, "actual_kg", "Berat aktual (kg)", MAX_KG, required=True)
    given = [values.get(f) not in (None, "") for f in ("length_cm", "width_cm", "height_cm")]
    dims = [_number(values, f, label, MAX_CM, required=any(given)) for f, label in
            (("length_cm", "Panjang (cm)"), ("width_cm", "Lebar (cm)"),
             ("height_cm", "Tinggi (cm)"))]  # fmt: skip
    return actual, dims[0], dims[1], dims[2]


def _courier(coop: Cooperative, courier_id) -> Courier:
    ident = parse_id(courier_id)
    courier = db.session.get(Courier, ident) if ident else None
    if courier is None or courier.cooperative_id != coop.id or not courier.active:
        raise ValidationError("Pilih kurir.", field="courier_id")
    return courier


def quote_values(coop: Cooperative, values: dict, day: date | None = None) -> dict:
    """Everything the intake form shows for its "Hitung" button, without writing."""
    courier = _courier(coop, values.get("courier_id"))
    service = values.get("service")
    if service not in SERVICES:
        raise ValidationError("Pilih layanan.", field="service")
    zone = zone_for(coop, str(values.get("receiver_provinsi") or ""),
                    str(values.get("receiver_kabupaten") or ""))  # fmt: skip
    actual, length, width, height = measures(values, courier)
    billable = billable_weight(actual, length, width, height, courier.rounding_kg)
    insured = _amount(values, "insurance_value", "Nilai barang")
    q = None
    if values.get("kind") != "antar_barang":  # our own delivery is priced by the sale
        q = quote(coop, courier, service, zone, billable, day or coop.today(), insured)
    return {"courier": courier, "service": service, "zone": zone, "actual": actual,
            "dims": (length, width, height), "billable": billable, "quote": q,
            "volumetric": volumetric_weight(length, width, height), "insured": insured}  # fmt: skip


def _logistics_unit(coop: Cooperative) -> BusinessUnit | None:
    return db.session.scalars(
        select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id,
                                   BusinessUnit.kind == "logistik",
                                   BusinessUnit.active.is_(True)).order_by(BusinessUnit.id)
    ).first()  # fmt: skip


def _sender_member(coop: Cooperative, values: dict) -> Member | None:
    number = str(values.get("sender_member") or "").strip()
    if not number:
        return None
    member = db.session.scalars(
        select(Member).where(Member.cooperative_id == coop.id,
                             (Member.member_number == number) | (Member.nik == number))
    ).first()  # fmt: skip
    if member is None:
        raise ValidationError("Anggota pengirim tidak ditemukan.", field="sender_member")
    return member


def _money_hook():
    """``money.post_intake`` once the money side exists; None until then."""
    try:
        money = importlib.import_module("outlet_pos.units.logistik.money")
    except ImportError:
        return None
    return getattr(money, "post_intake", None)


def intake(coop: Cooperative, user, shift, values: dict) -> Parcel:
    """Take a parcel in: validate, price it on today's tariff, number it, start its timeline
    and hand it to the money side for payment (flush only; a refusal writes nothing).

    A repeat of the same form (its ``idempotency_key``, a uuid made when the form was shown)
    returns the parcel the first submit made: a double click must not charge twice."""
    key = str(values.get("idempotency_key") or "").strip()[:64] or None
    if key:
        done = db.session.scalar(
            select(Parcel).where(Parcel.cooperative_id == coop.id, Parcel.idempotency_key == key)
        )
        if done is not None:
            return done
    kind = values.get("kind") or "kiriman"
    if kind not in KINDS:
        raise ValidationError("Jenis kiriman tidak dikenal.", field="kind")
    day = coop.today()
    info = quote_values(coop, values, day)
    q: Quote | None = info["quote"]
    cod = _amount(values, "cod_amount", "Nilai COD")
    fee, insurance = (q.fee, q.insurance) if q else (0, 0)
    sale = None
    if kind == "antar_barang":
        sale_id = values.get("sale_id")
        sale = db.session.get(Sale, sale_id) if isinstance(sale_id, int) else None
        if sale is None or sale.cooperative_id != coop.id:
            raise ValidationError("Antar barang harus terkait penjualan koperasi.",
                                  field="sale_id")  # fmt: skip
        fee = _amount(values, "delivery_fee", "Ongkos antar")  # may be free for members
        insurance = 0
    sender = _text(values, "sender_name", "Nama pengirim", 200, required=True)
    receiver = _text(values, "receiver_name", "Nama penerima", 200, required=True)
    address = _text(values, "receiver_address", "Alamat penerima", 300, required=True)
    phone = _text(values, "receiver_phone", "Telepon penerima", 20, required=True)
    if not phone.replace("+", "").replace("-", "").replace(" ", "").isdigit():
        raise ValidationError("Telepon penerima hanya angka.", field="receiver_phone")
    member = _sender_member(coop, values)
    unit = _logistics_unit(coop)
    number = f"{NUMBER_PREFIX}-{day.year}-{next_value(coop.id, 'PARCEL', str(day.year)):06d}"
    length, width, height = info["dims"]
    parcel = Parcel(
        cooperative_id=coop.id, public_id=time_ordered_uuid(), number=number, kind=kind,
        unit_id=unit.id if unit else None, courier_id=info["courier"].id,
        tariff_id=q.tariff.id if q else None, service=info["service"], business_date=day,
        sender_name=sender, sender_phone=_text(values, "sender_phone", "Telepon pengirim", 20),
        sender_address=_text(values, "sender_address", "Alamat pengirim", 300),
        sender_member_id=member.id if member else None, receiver_name=receiver,
        receiver_phone=phone, receiver_address=address,
        receiver_desa=_text(values, "receiver_desa", "Desa", 100),
        receiver_kabupaten=_text(values, "receiver_kabupaten", "Kabupaten/kota", 100),
        receiver_provinsi=_text(values, "receiver_provinsi", "Provinsi", 100),
        zone=info["zone"], contents=_text(values, "contents", "Isi paket", 200),
        actual_kg=info["actual"], length_cm=length, width_cm=width, height_cm=height,
        volumetric_kg=info["volumetric"], billable_kg=info["billable"], shipping_fee=fee,
        insurance_value=info["insured"], insurance_fee=insurance, cod_amount=cod,
        total_due=fee + insurance, status="diterima", sale_id=sale.id if sale else None,
        idempotency_key=key,
        created_by_id=getattr(user, "id", user),
    )  # fmt: skip
    db.session.add(parcel)
    db.session.flush()
    _event(parcel, "diterima", user, place="Loket", note="Paket diterima di loket")
    record("parcel.intake", user=user, cooperative=coop, target=number,
           detail={"fee": fee, "insurance": insurance, "cod": cod,
                   "billable_kg": info["billable"]})  # fmt: skip
    post_intake = _money_hook()
    if post_intake is not None:  # it also marks a free own-goods delivery as settled
        post_intake(coop, parcel, user, shift, values.get("method") or "tunai")
    return parcel


def _event(parcel: Parcel, status: str, user, *, place: str = "", note: str = "") -> ParcelEvent:
    event = ParcelEvent(cooperative_id=parcel.cooperative_id, parcel_id=parcel.id,
                        status=status, place=place[:120], note=note[:300],
                        user_id=getattr(user, "id", user))  # fmt: skip
    db.session.add(event)
    db.session.flush()
    return event


def allowed_next(parcel: Parcel) -> list[str]:
    nxt = set(TRANSITIONS.get(parcel.status, set()))
    if parcel.kind == "antar_barang":
        nxt |= OWN_DELIVERY_EXTRA.get(parcel.status, set())
    return [s for s in STATUSES if s in nxt]


def advance(coop: Cooperative, parcel: Parcel, user, status: str, note: str = "",
            place: str = "", shift=None) -> Parcel:  # fmt: skip
    """Move a parcel one step along its timeline; an out-of-order move is refused.

    A parcel returned while still at the counter never reached the courier, so its intake
    payment is voided in the same transaction: the sender is refunded and the partner is
    owed nothing (``voids.void_intake``)."""
    if parcel.cooperative_id != coop.id:
        raise NotFound("Paket tidak ditemukan.")
    if status not in STATUSES:
        raise ValidationError("Pilih status baru.", field="status")
    note, place = (note or "").strip(), (place or "").strip()
    if len(note) > 300 or len(place) > 120:
        raise ValidationError("Catatan maksimal 300 karakter, tempat 120.", field="note")
    parcel = lock_row(Parcel, parcel.id)  # two scans at once: the second sees the first
    if status not in allowed_next(parcel):
        raise DomainError(f"Paket {parcel.number} berstatus “{parcel.status_label}”; tidak "
                          f"dapat langsung menjadi “{STATUSES[status]}”.",
                          field="status")  # fmt: skip
    if status == "dikembalikan" and not note:
        raise ValidationError("Tuliskan alasan paket dikembalikan.", field="note")
    before = parcel.status
    if before == "diterima" and status == "dikembalikan":
        void_intake(coop, parcel, user, shift, note)
    parcel.status = status
    _event(parcel, status, user, place=place, note=note)
    record("parcel.status", user=user, cooperative=coop, target=parcel.number,
           detail={"from": before, "to": status, "note": note})  # fmt: skip
    return parcel


def find_by_number(coop: Cooperative, code: str) -> Parcel | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return db.session.scalars(
        select(Parcel).where(Parcel.cooperative_id == coop.id, Parcel.number == code)
    ).first()


def scan(coop: Cooperative, user, code: str, status: str, note: str = "",
         place: str = "") -> Parcel:  # fmt: skip
    """A scanner types the waybill number and Enter: find it and advance it."""
    if not (code or "").strip():
        raise ValidationError("Pindai atau ketik nomor resi.", field="code")
    parcel = find_by_number(coop, code)
    if parcel is None:
        raise NotFound(f"Resi {code.strip()[:40]} tidak ditemukan di koperasi ini.")
    return advance(coop, parcel, user, status, note, place)
