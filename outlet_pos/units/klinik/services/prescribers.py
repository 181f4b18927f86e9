"""The clinic's prescribers: who may write its prescriptions, with their licence.

A prescription for obat keras and above must name a prescriber with a licence number (SIP or
STR) the apoteker can check, and narkotika/psikotropika may only be written by a doctor. The
clinic's manager keeps the list once; the examination page picks from it. A prescriber is
deactivated, never deleted: old prescriptions keep pointing at what was true then.
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import NotFound, ValidationError
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.klinik.visit_models import PROFESSIONS, ClinicPrescriber


def save_prescriber(
    coop: Cooperative,
    user,
    *,
    name: str,
    profession: str,
    license_no: str,
    active: bool = True,
    prescriber_id: int | None = None,
) -> ClinicPrescriber:
    """Add a prescriber or change one (clinic.manage); audited."""
    name = (name or "").strip()
    license_no = (license_no or "").strip().upper()
    if len(name) < 3 or len(name) > 200:
        raise ValidationError("Nama penulis resep wajib diisi (3–200 karakter).", field="name")
    if profession not in PROFESSIONS:
        raise ValidationError("Pilih profesi penulis resep.", field="profession")
    if len(license_no) < 4 or len(license_no) > 60:
        raise ValidationError("Nomor SIP/STR wajib diisi (4–60 karakter).", field="license_no")
    row = None
    if prescriber_id is not None:
        row = db.session.get(ClinicPrescriber, prescriber_id)
        if row is None or row.cooperative_id != coop.id:
            raise NotFound("Penulis resep tidak ditemukan.")
    clash = db.session.scalar(
        select(ClinicPrescriber).where(
            ClinicPrescriber.cooperative_id == coop.id,
            ClinicPrescriber.license_no == license_no,
            ClinicPrescriber.id != (row.id if row is not None else 0),
        )
    )
    if clash is not None:
        raise ValidationError(
            f"Nomor SIP/STR {license_no} sudah tercatat untuk {clash.name}.", field="license_no"
        )
    if row is None:
        row = ClinicPrescriber(cooperative_id=coop.id)
        db.session.add(row)
    row.name, row.profession, row.license_no, row.active = name, profession, license_no, active
    db.session.flush()
    record("clinic.prescriber.save", user=user, cooperative=coop, target=license_no,
           detail={"name": name, "profession": profession, "active": bool(active)})  # fmt: skip
    return row


def prescribers(coop: Cooperative, *, active_only: bool = False) -> list[ClinicPrescriber]:
    stmt = select(ClinicPrescriber).where(ClinicPrescriber.cooperative_id == coop.id)
    if active_only:
        stmt = stmt.where(ClinicPrescriber.active.is_(True))
    return list(db.session.scalars(stmt.order_by(ClinicPrescriber.name, ClinicPrescriber.id)))


def active_prescriber(coop: Cooperative, prescriber_id: object) -> ClinicPrescriber | None:
    """The chosen prescriber if it is an active one of this cooperative, else None."""
    if type(prescriber_id) is not int:
        return None
    row = db.session.get(ClinicPrescriber, prescriber_id)
    if row is None or row.cooperative_id != coop.id or not row.active:
        return None
    return row
