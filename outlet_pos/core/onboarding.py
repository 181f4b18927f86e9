"""Setting up tenants and people: cooperatives (with their chart), outlets, units, users, roles.

Used by the admin pages, ``outlet-pos init`` and the demo, so each path builds the same thing.
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import ROLES, Membership, User
from outlet_pos.core.audit import record
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_npwp
from outlet_pos.core.ledger.chart import seed_chart
from outlet_pos.core.tenancy import TIMEZONES, UNIT_KINDS, BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db

COOP_FIELDS = (
    "name", "legal_number", "nik_koperasi", "npwp", "is_pkp", "address", "desa", "kecamatan",
    "kabupaten", "provinsi", "region_code", "timezone", "fiscal_year_start_month",
    "simpanan_pokok_amount", "simpanan_wajib_amount",
)  # fmt: skip


def _apply_coop_fields(coop: Cooperative, values: dict) -> None:
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationError("Nama koperasi wajib diisi.", field="name")
    if values.get("timezone") not in TIMEZONES:
        raise ValidationError("Zona waktu harus WIB, WITA atau WIT.", field="timezone")
    npwp = (values.get("npwp") or "").strip()
    if npwp:
        try:
            values["npwp"] = validate_npwp(npwp)
        except IdentifierError as exc:
            raise ValidationError(str(exc), field="npwp") from None
    month = values.get("fiscal_year_start_month") or 1
    if not 1 <= int(month) <= 12:
        raise ValidationError("Bulan awal tahun buku harus 1–12.", field="fiscal_year_start_month")
    for key in ("simpanan_pokok_amount", "simpanan_wajib_amount"):
        if values.get(key) is not None and (type(values[key]) is not int or values[key] < 0):
            raise ValidationError("Jumlah simpanan harus rupiah bulat tidak negatif.", field=key)
    for key in COOP_FIELDS:
        if key in values and values[key] is not None:
            setattr(coop, key, values[key].strip() if isinstance(values[key], str) else values[key])


def create_cooperative(
    values: dict, user=None, *, shu_allocation: dict | None = None
) -> Cooperative:
    """A new cooperative with its standard chart of accounts (flush only)."""
    coop = Cooperative()
    _apply_coop_fields(coop, dict(values))
    if shu_allocation:
        coop.shu_allocation = shu_allocation
    db.session.add(coop)
    db.session.flush()
    seed_chart(coop.id)
    record("cooperative.create", user=user, cooperative=coop, target=coop.name)
    return coop


def update_cooperative(
    coop: Cooperative, values: dict, user=None, shu_allocation: dict | None = None
) -> Cooperative:
    _apply_coop_fields(coop, dict(values))
    if shu_allocation is not None:
        coop.shu_allocation = shu_allocation
    record("cooperative.update", user=user, cooperative=coop, target=coop.name)
    db.session.flush()
    return coop


def save_outlet(
    coop: Cooperative,
    code: str,
    name: str,
    address: str = "",
    user=None,
    outlet: Outlet | None = None,
) -> Outlet:
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or not name:
        raise ValidationError("Kode dan nama gerai wajib diisi.", field="code")
    clash = db.session.scalar(
        select(Outlet.id).where(Outlet.cooperative_id == coop.id, Outlet.code == code)
    )
    if clash and (outlet is None or clash != outlet.id):
        raise ValidationError(f"Kode gerai {code} sudah dipakai.", field="code")
    outlet = outlet or Outlet(cooperative_id=coop.id)
    outlet.code, outlet.name, outlet.address = code, name, (address or "").strip()
    db.session.add(outlet)
    db.session.flush()
    record("outlet.save", user=user, cooperative=coop, target=code)
    return outlet


def save_unit(
    coop: Cooperative,
    code: str,
    name: str,
    kind: str,
    outlet_id: int | None = None,
    user=None,
    unit: BusinessUnit | None = None,
    active: bool = True,
) -> BusinessUnit:
    code, name = (code or "").strip().lower(), (name or "").strip()
    if kind not in UNIT_KINDS:
        raise ValidationError("Jenis unit tidak dikenal.", field="kind")
    if not code or not name:
        raise ValidationError("Kode dan nama unit wajib diisi.", field="code")
    if outlet_id is not None:
        outlet = db.session.get(Outlet, outlet_id)
        if outlet is None or outlet.cooperative_id != coop.id:
            raise ValidationError("Gerai tidak dikenal.", field="outlet")
    clash = db.session.scalar(
        select(BusinessUnit.id).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.code == code
        )
    )
    if clash and (unit is None or clash != unit.id):
        raise ValidationError(f"Kode unit {code} sudah dipakai.", field="code")
    unit = unit or BusinessUnit(cooperative_id=coop.id)
    unit.code, unit.name, unit.kind, unit.outlet_id, unit.active = (
        code,
        name,
        kind,
        outlet_id,
        active,
    )
    db.session.add(unit)
    db.session.flush()
    record("unit.save", user=user, cooperative=coop, target=code)
    return unit


def create_user(
    username: str, full_name: str, password: str, *, is_admin: bool = False, actor=None
) -> User:
    username = (username or "").strip().lower()
    if (
        not username
        or len(username) > 64
        or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in username)
    ):
        raise ValidationError(
            "Nama pengguna hanya huruf, angka, titik, garis bawah atau tanda hubung.",
            field="username",
        )
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError(f"Nama pengguna {username} sudah dipakai.", field="username")
    if not (full_name or "").strip():
        raise ValidationError("Nama lengkap wajib diisi.", field="full_name")
    user = User(username=username, full_name=full_name.strip(), is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user=actor, target=username, detail={"admin": is_admin})
    return user


def grant_role(
    user: User, coop: Cooperative, role: str, unit: BusinessUnit | None = None, actor=None
) -> Membership:
    if role not in ROLES or role == "admin":
        raise ValidationError("Peran tidak dikenal.", field="role")
    if unit is not None and unit.cooperative_id != coop.id:
        raise ValidationError("Unit tidak dikenal di koperasi ini.", field="unit")
    unit_id = unit.id if unit is not None else None
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.cooperative_id == coop.id,
            Membership.role == role,
            Membership.unit_id.is_(None) if unit_id is None else Membership.unit_id == unit_id,
        )
    )
    if existing:
        raise ValidationError("Pengguna sudah memiliki peran ini.", field="role")
    m = Membership(user_id=user.id, cooperative_id=coop.id, role=role, unit_id=unit_id)
    db.session.add(m)
    db.session.flush()
    record(
        "role.grant",
        user=actor,
        cooperative=coop,
        target=user.username,
        detail={"role": role, "unit": unit_id},
    )
    return m


def revoke_role(membership: Membership, actor=None) -> None:
    record(
        "role.revoke",
        user=actor,
        cooperative=membership.cooperative_id,
        target=membership.user.username,
        detail={"role": membership.role},
    )
    db.session.delete(membership)
    db.session.flush()


def update_user(user: User, full_name: str, *, active: bool, is_admin: bool, actor=None) -> dict:
    """Change a user's name, active flag and admin flag; returns the changes (flush only).

    An admin may not deactivate their own account or drop their own admin flag: since only
    admins reach this, it also guarantees the installation never loses its last admin.
    """
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError("Nama lengkap wajib diisi.", field="full_name")
    if actor is not None and getattr(actor, "id", None) == user.id:
        if not active:
            raise ValidationError(
                "Anda tidak dapat menonaktifkan akun Anda sendiri.", field="active"
            )
        if user.is_admin and not is_admin:
            raise ValidationError(
                "Anda tidak dapat mencabut hak admin dari akun Anda sendiri.", field="is_admin"
            )
    changes = {
        key: [old, new]
        for key, old, new in (
            ("full_name", user.full_name, full_name),
            ("active", user.active, bool(active)),
            ("admin", user.is_admin, bool(is_admin)),
        )
        if old != new
    }
    if changes:
        user.full_name, user.active, user.is_admin = full_name, bool(active), bool(is_admin)
        record("user.update", user=actor, target=user.username, detail=changes)
        db.session.flush()
    return changes


def reset_password(user: User, password: str, actor=None) -> None:
    """An admin sets a new password for someone (policy applies; old sessions end)."""
    user.set_password(password)
    record(
        "password.change",
        user=actor,
        target=user.username,
        detail={"reset_by": getattr(actor, "username", None)},
    )
    db.session.flush()


def unlock_user(user: User, actor=None) -> None:
    """Lift a lockout after too many failed logins, before it expires by itself."""
    record(
        "user.unlock",
        user=actor,
        target=user.username,
        detail={"locked_until": user.locked_until, "failed_logins": user.failed_logins},
    )
    user.locked_until = None
    user.failed_logins = 0
    db.session.flush()
