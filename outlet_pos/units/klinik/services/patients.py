"""Registering and editing patients (the desk's job, ``clinic.desk``).

The medical-record number (RM-000001) is per cooperative and gapless from the sequence
table, so the paper folders on the clinic's shelf can follow it. NIK is optional (children
and travellers often have none at hand) but when given it must pass the same check as a
member's NIK and may belong to one patient only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.klinik.models import SEXES, Patient

PHONE_CHARS = set("0123456789+- ")


def _text(data: dict, key: str, limit: int, label: str, *, required: bool = False) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise ValidationError(f"{label} wajib diisi.", field=key)
    if len(value) > limit:
        raise ValidationError(f"{label} maksimal {limit} karakter.", field=key)
    return value


def _clean(coop: Cooperative, data: dict, patient_id: int | None) -> dict:
    """Checked values of a patient form, or a ValidationError naming the field."""
    name = _text(data, "name", 200, "Nama pasien", required=True)
    sex = str(data.get("sex") or "")
    if sex not in SEXES:
        raise ValidationError("Pilih jenis kelamin.", field="sex")
    birth = data.get("birth_date")
    if birth is not None and not isinstance(birth, date):
        raise ValidationError("Tanggal lahir tidak valid.", field="birth_date")
    if birth is not None and birth > coop.today():
        raise ValidationError("Tanggal lahir tidak boleh setelah hari ini.", field="birth_date")
    if birth is not None and birth.year < 1900:
        raise ValidationError("Tanggal lahir tidak masuk akal.", field="birth_date")
    nik = str(data.get("nik") or "").strip()
    if nik:
        try:
            nik = validate_nik(nik).nik
        except IdentifierError as err:
            raise ValidationError(str(err), field="nik") from None
        clash = db.session.scalar(
            select(Patient).where(
                Patient.cooperative_id == coop.id,
                Patient.nik == nik,
                Patient.id != (patient_id or 0),
            )
        )
        if clash is not None:
            raise ValidationError(
                f"NIK ini sudah terdaftar atas pasien {clash.name} ({clash.number}).", field="nik"
            )
    member_id = None
    member_number = str(data.get("member_number") or "").strip()
    if member_number:
        member = db.session.scalar(
            select(Member).where(
                Member.cooperative_id == coop.id, Member.member_number == member_number
            )
        )
        if member is None:
            raise ValidationError(
                f"Anggota bernomor {member_number} tidak ditemukan.", field="member_number"
            )
        member_id = member.id
    phone = _text(data, "phone", 20, "Nomor telepon")
    if phone and not set(phone) <= PHONE_CHARS:
        raise ValidationError("Nomor telepon hanya boleh angka, spasi, + atau -.", field="phone")
    return {
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "nik": nik,
        "member_id": member_id,
        "address": _text(data, "address", 300, "Alamat"),
        "phone": phone,
        "allergies": _text(data, "allergies", 2000, "Alergi"),
    }


def register_patient(coop: Cooperative, user, data: dict) -> Patient:
    """Register a new patient with the next RM number (flush only)."""
    values = _clean(coop, data, None)
    seq = next_value(coop.id, "RM", "")
    patient = Patient(cooperative_id=coop.id, number=f"RM-{seq:06d}", **values)
    db.session.add(patient)
    db.session.flush()
    record("clinic.patient.register", user=user, cooperative=coop, target=patient.number)
    return patient


def update_patient(coop: Cooperative, patient: Patient, user, data: dict) -> Patient:
    """Correct a patient's identity data; the RM number never changes."""
    if patient.cooperative_id != coop.id:
        raise ValidationError("Pasien tidak ditemukan.")
    for key, value in _clean(coop, data, patient.id).items():
        setattr(patient, key, value)
    db.session.flush()
    record("clinic.patient.update", user=user, cooperative=coop, target=patient.number)
    return patient


def search_patients(coop: Cooperative, query: str = "", limit: int = 50) -> list[Patient]:
    """Patients matching a name part, a NIK or an RM number; newest first when no query."""
    stmt = select(Patient).where(Patient.cooperative_id == coop.id)
    q = (query or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                Patient.name.ilike(like),
                Patient.nik == q,
                Patient.number.ilike(like),
                Patient.phone == q,
            )
        )
        stmt = stmt.order_by(Patient.name)
    else:
        stmt = stmt.order_by(Patient.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))
