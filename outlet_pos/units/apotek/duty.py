"""The apoteker on duty (apoteker penanggung jawab yang sedang bertugas).

The law lets a pharmacy hand out obat keras, OOT, psikotropika and narkotika only under an
apoteker's responsibility, so the pharmacy keeps a record of when one is present: the
apoteker presses "Mulai bertugas" on arrival and "Selesai bertugas" on leaving. The checkout
rule asks ``on_duty(coop)``; the record doubles as the evidence of who was responsible when.
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, PermissionDenied
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.prescription_models import PharmacistDuty


def on_duty(coop: Cooperative) -> PharmacistDuty | None:
    """The earliest open duty of an apoteker who still holds the role, or None."""
    rows = db.session.scalars(
        select(PharmacistDuty)
        .where(PharmacistDuty.cooperative_id == coop.id, PharmacistDuty.ended_at.is_(None))
        .order_by(PharmacistDuty.started_at, PharmacistDuty.id)
    ).all()
    # A role taken away mid-duty ends the right to hand out obat keras at once.
    return next((d for d in rows if "apoteker" in d.user.roles_in(coop)), None)


def open_duty_of(coop: Cooperative, user: User) -> PharmacistDuty | None:
    return db.session.scalar(
        lock_for_update(
            select(PharmacistDuty).where(
                PharmacistDuty.cooperative_id == coop.id,
                PharmacistDuty.user_id == user.id,
                PharmacistDuty.ended_at.is_(None),
            )
        )
    )


def start_duty(coop: Cooperative, user: User) -> PharmacistDuty:
    """Begin the user's duty; only an apoteker of this cooperative may (audited)."""
    if "apoteker" not in user.roles_in(coop):
        raise PermissionDenied("Hanya apoteker yang dapat mulai bertugas.")
    if open_duty_of(coop, user) is not None:
        raise DomainError("Anda sudah tercatat sedang bertugas.")
    duty = PharmacistDuty(cooperative_id=coop.id, user_id=user.id, started_at=utcnow())
    db.session.add(duty)
    db.session.flush()
    record("pharmacy.duty_start", user=user, cooperative=coop, target=user.username)
    return duty


def end_duty(coop: Cooperative, user: User) -> PharmacistDuty:
    duty = open_duty_of(coop, user)
    if duty is None:
        raise DomainError("Anda tidak sedang tercatat bertugas.")
    duty.ended_at = utcnow()
    db.session.flush()
    record("pharmacy.duty_end", user=user, cooperative=coop, target=user.username)
    return duty
