"""The day's queue and the visit record.

Status transitions (DESIGN §2.2 rule 6), refused otherwise:
menunggu -> diperiksa (the record is opened/saved) -> selesai (a diagnosis is set);
menunggu/diperiksa -> batal (never once a bill is paid).

Vital signs are checked against physiological ranges: a typo such as 1200 for a systolic of
120 is refused on the spot rather than sitting in the record for years.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.klinik.models import Patient
from outlet_pos.units.klinik.services import icd10
from outlet_pos.units.klinik.visit_models import ClinicBill, RecordAmendment, Visit

OPEN = ("menunggu", "diperiksa")
# field: (label, low, high, integer?)
VITALS = {
    "systolic": ("Tekanan darah sistolik", 50, 300, True),
    "diastolic": ("Tekanan darah diastolik", 20, 200, True),
    "pulse": ("Nadi", 20, 250, True),
    "temperature": ("Suhu", Decimal("30"), Decimal("45"), False),
    "weight": ("Berat badan", Decimal("0.3"), Decimal("400"), False),
    "height": ("Tinggi badan", Decimal("20"), Decimal("250"), False),
    "spo2": ("Saturasi oksigen", 50, 100, True),
}
PLACES = {"temperature": Decimal("0.1"), "weight": Decimal("0.01"), "height": Decimal("0.1")}


def clinic_unit(coop: Cooperative) -> BusinessUnit:
    """The cooperative's (first active) clinic unit; the clinic cannot run without one."""
    unit = db.session.scalar(
        select(BusinessUnit)
        .where(
            BusinessUnit.cooperative_id == coop.id,
            BusinessUnit.kind == "klinik",
            BusinessUnit.active.is_(True),
        )
        .order_by(BusinessUnit.id)
    )
    if unit is None:
        raise DomainError("Koperasi belum memiliki unit usaha Klinik Desa; tambahkan dulu.")
    return unit


def _locked_visit(coop: Cooperative, visit: Visit) -> Visit:
    if visit.cooperative_id != coop.id:
        raise DomainError("Kunjungan tidak ditemukan.")
    return lock_row(Visit, visit.id)


def paid_bill(visit: Visit) -> ClinicBill | None:
    return db.session.scalar(
        select(ClinicBill).where(ClinicBill.visit_id == visit.id, ClinicBill.status == "lunas")
    )


def register_visit(coop: Cooperative, user, patient: Patient) -> Visit:
    """Put a patient in today's queue with the next number (A-001, A-002... per day)."""
    if patient.cooperative_id != coop.id:
        raise DomainError("Pasien tidak ditemukan.")
    unit = clinic_unit(coop)
    day = coop.today()
    waiting = db.session.scalar(
        select(Visit).where(
            Visit.cooperative_id == coop.id,
            Visit.patient_id == patient.id,
            Visit.business_date == day,
            Visit.status.in_(OPEN),
        )
    )
    if waiting is not None:
        raise DomainError(f"{patient.name} sudah ada di antrean hari ini ({waiting.queue_label}).")
    visit = Visit(
        cooperative_id=coop.id,
        patient_id=patient.id,
        unit_id=unit.id,
        business_date=day,
        queue_no=next_value(coop.id, "KLQ", day.isoformat()),
        status="menunggu",
        registered_by_id=getattr(user, "id", user),
    )
    db.session.add(visit)
    db.session.flush()
    record("clinic.visit.register", user=user, cooperative=coop,
           target=f"{patient.number} {visit.queue_label}")  # fmt: skip
    return visit


def day_queue(coop: Cooperative, day: date) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.cooperative_id == coop.id, Visit.business_date == day)
            .order_by(Visit.queue_no)
        )
    )


def cancel_visit(coop: Cooperative, visit: Visit, user) -> Visit:
    visit = _locked_visit(coop, visit)
    if visit.status not in OPEN:
        raise DomainError(f"Kunjungan berstatus {visit.status_label} tidak dapat dibatalkan.")
    if paid_bill(visit) is not None:
        raise DomainError("Kunjungan yang sudah dibayar tidak dapat dibatalkan.")
    visit.status = "batal"
    db.session.flush()
    record("clinic.visit.cancel", user=user, cooperative=coop, target=visit.queue_label)
    return visit


def _vital(name: str, raw: object) -> int | Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    label, low, high, whole = VITALS[name]
    if isinstance(raw, float):
        raise ValidationError(f"{label}: tulis sebagai angka, bukan pecahan biner.", field=name)
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"{label} harus berupa angka.", field=name) from None
    if not value.is_finite():
        raise ValidationError(f"{label} harus berupa angka.", field=name)
    if value < 0:
        raise ValidationError(f"{label} tidak boleh negatif.", field=name)
    if whole and value != value.to_integral_value():
        raise ValidationError(f"{label} harus bilangan bulat.", field=name)
    if not low <= value <= high:
        raise ValidationError(f"{label} harus antara {low} dan {high}.", field=name)
    return int(value) if whole else value.quantize(PLACES[name])


def _long_text(data: dict, key: str, label: str, limit: int = 4000) -> str:
    value = str(data.get(key) or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{label} maksimal {limit} karakter.", field=key)
    return value


def check_diagnosis(code: str, text: str) -> tuple[str, str]:
    """(code, text): the code must be on the shipped list; the text defaults to its name."""
    code = (code or "").strip().upper()
    text = (text or "").strip()
    if not code:
        if text:
            raise ValidationError("Pilih kode ICD-10 untuk diagnosis ini.", field="icd10_code")
        return "", ""
    name = icd10.name_of(code)
    if name is None:
        raise ValidationError(
            f"Kode ICD-10 {code} tidak ada dalam daftar klinik; cari kode yang sesuai.",
            field="icd10_code",
        )
    if len(text) > 300:
        raise ValidationError("Teks diagnosis maksimal 300 karakter.", field="diagnosis_text")
    return code, text or name


def _record_values(data: dict) -> dict:
    """The record's fields from ``data``, checked (vital ranges, ICD-10 list, lengths)."""
    values: dict = {name: _vital(name, data.get(name)) for name in VITALS}
    if (
        values["systolic"] is not None
        and values["diastolic"] is not None
        and values["diastolic"] >= values["systolic"]
    ):
        raise ValidationError("Diastolik harus lebih kecil dari sistolik.", field="diastolic")
    values["complaint"] = _long_text(data, "complaint", "Keluhan")
    values["examination"] = _long_text(data, "examination", "Pemeriksaan")
    values["notes"] = _long_text(data, "notes", "Catatan")
    values["icd10_code"], values["diagnosis_text"] = check_diagnosis(
        data.get("icd10_code", ""), data.get("diagnosis_text", "")
    )
    return values


def is_closed(visit: Visit) -> bool:
    """A finished or billed visit's record is closed: only an amendment changes it."""
    return visit.status == "selesai" or paid_bill(visit) is not None


def save_record(coop: Cooperative, visit: Visit, user, data: dict) -> Visit:
    """Write the examination (clinic.records). Opening a waiting visit marks it diperiksa.
    Once the visit is finished or billed the record is closed: ``amend_record`` instead."""
    visit = _locked_visit(coop, visit)
    if visit.status == "batal":
        raise DomainError("Kunjungan ini sudah dibatalkan.")
    if is_closed(visit):
        raise DomainError(
            "Kunjungan sudah selesai/ditagih: rekam medis hanya dapat dikoreksi dengan "
            "amandemen beralasan."
        )
    values = _record_values(data)
    for key, value in values.items():
        setattr(visit, key, value)
    if visit.status == "menunggu":
        visit.status = "diperiksa"
    visit.examined_by_id = getattr(user, "id", user)
    visit.examined_at = utcnow()
    db.session.flush()
    record("clinic.visit.record", user=user, cooperative=coop, target=visit.queue_label)
    return visit


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def amend_record(coop: Cooperative, visit: Visit, user, data: dict, reason: str):
    """Correct a closed record: the new values go on the visit and a dated
    ``RecordAmendment`` keeps, per changed field, the value before and after, who and why.
    Nothing is overwritten without that trace; an amendment that changes nothing is refused."""
    visit = _locked_visit(coop, visit)
    if not is_closed(visit):
        raise DomainError("Rekam medis kunjungan yang belum selesai diubah langsung.")
    values = _record_values(data)
    reason = (reason or "").strip()
    if len(reason) < 5 or len(reason) > 300:
        raise ValidationError("Tuliskan alasan koreksi (5–300 karakter).", field="amend_reason")
    if visit.status == "selesai" and not values["icd10_code"]:
        raise ValidationError("Kunjungan selesai wajib punya diagnosis ICD-10.", field="icd10_code")
    changes = {
        key: [_plain(getattr(visit, key)), _plain(value)]
        for key, value in values.items()
        if getattr(visit, key) != value
    }
    if not changes:
        raise ValidationError("Tidak ada isian rekam medis yang berubah.", field="amend_reason")
    for key, value in values.items():
        setattr(visit, key, value)
    row = RecordAmendment(cooperative_id=coop.id, visit_id=visit.id,
                          user_id=getattr(user, "id", user), created_at=utcnow(), reason=reason,
                          changes_json=json.dumps(changes, ensure_ascii=False))  # fmt: skip
    db.session.add(row)
    db.session.flush()
    record("clinic.visit.amend", user=user, cooperative=coop, target=visit.queue_label,
           detail={"fields": sorted(changes), "reason": reason})  # fmt: skip
    return row


def amendments(visit: Visit) -> list[RecordAmendment]:
    return list(
        db.session.scalars(
            select(RecordAmendment)
            .where(RecordAmendment.visit_id == visit.id)
            .order_by(RecordAmendment.id)
        )
    )


def finish_visit(coop: Cooperative, visit: Visit, user) -> Visit:
    """diperiksa -> selesai; needs a diagnosis (the disease report counts it)."""
    visit = _locked_visit(coop, visit)
    if visit.status != "diperiksa":
        raise DomainError(f"Kunjungan berstatus {visit.status_label} tidak dapat diselesaikan.")
    if not visit.icd10_code:
        raise DomainError("Isi diagnosis (kode ICD-10) sebelum menyelesaikan kunjungan.")
    visit.status = "selesai"
    db.session.flush()
    record("clinic.visit.finish", user=user, cooperative=coop, target=visit.queue_label)
    return visit


def save_referral(coop: Cooperative, visit: Visit, user, *, to: str, reason: str,
                  summary: str) -> Visit:  # fmt: skip
    """Write the referral letter (surat rujukan); its number is given once, on first save."""
    visit = _locked_visit(coop, visit)
    if visit.status not in ("diperiksa", "selesai"):
        raise DomainError("Rujukan dibuat setelah pasien diperiksa.")
    to = (to or "").strip()
    if not to:
        raise ValidationError("Tujuan rujukan (puskesmas/RS) wajib diisi.", field="to")
    if len(to) > 200:
        raise ValidationError("Tujuan rujukan maksimal 200 karakter.", field="to")
    reason = _long_text({"reason": reason}, "reason", "Alasan rujukan", 2000)
    if not reason:
        raise ValidationError("Alasan rujukan wajib diisi.", field="reason")
    visit.referral_to = to
    visit.referral_reason = reason
    visit.referral_summary = _long_text({"summary": summary}, "summary", "Ringkasan", 4000)
    if not visit.referral_number:
        year = visit.business_date.year
        visit.referral_number = f"RJK-{year}-{next_value(coop.id, 'RJK', str(year)):05d}"
    db.session.flush()
    record("clinic.referral", user=user, cooperative=coop, target=visit.referral_number)
    return visit
