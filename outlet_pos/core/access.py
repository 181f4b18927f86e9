"""Users, their roles per cooperative, passwords, lockout, and route permissions.

A role is held in one cooperative (``Membership``); one mentor may hold ``pendamping`` in ten
cooperatives and be a member of none. Every route declares the permission it needs with
``@requires`` (or ``@public``) and a test walks the whole route map with every role.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from flask import abort, current_app, g
from flask_login import UserMixin, current_user
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db

ROLES: dict[str, str] = {
    "admin": "Admin sistem",
    "pengurus": "Pengurus",
    "bendahara": "Bendahara",
    "pengawas": "Pengawas",
    "kasir": "Kasir",
    "apoteker": "Apoteker",
    "petugas_klinik": "Petugas klinik",
    "petugas_logistik": "Petugas logistik",
    "pendamping": "Pendamping",
}

# Permission -> roles holding it. Read top-down: who may do what.
PERMISSIONS: dict[str, set[str]] = {
    "home": set(ROLES),
    "ledger.view": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    "ledger.post": {"admin", "pengurus", "bendahara"},
    "ledger.reverse": {"admin", "pengurus", "bendahara"},
    "ledger.close": {"admin", "pengurus", "bendahara"},
    "ledger.reopen": {"admin", "pengurus"},
    "coa.edit": {"admin", "pengurus", "bendahara"},
    "audit.view": {"admin", "pengurus", "pengawas"},
    "pos.sell": {"admin", "pengurus", "bendahara", "kasir", "apoteker"},
    "pos.refund": {"admin", "pengurus", "bendahara"},
    "pos.price_override": {"admin", "pengurus"},
    "catalog.view": {
        "admin",
        "pengurus",
        "bendahara",
        "pengawas",
        "kasir",
        "apoteker",
        "pendamping",
    },
    "catalog.edit": {"admin", "pengurus", "bendahara"},
    "stock.view": {"admin", "pengurus", "bendahara", "pengawas", "kasir", "apoteker", "pendamping"},
    "stock.manage": {"admin", "pengurus", "bendahara"},
    "stock.approve": {"admin", "pengurus"},
    "purchase.manage": {"admin", "pengurus", "bendahara"},
    "sales.report": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    # Savings and loans (simpan pinjam). Cash moves at the counter, so the cashier registers
    # members, takes deposits and repayments and pays out approved loans; approving is for
    # pengurus only, and never by the person who entered the application (checked in code).
    "member.view": {"admin", "pengurus", "bendahara", "pengawas", "kasir", "pendamping"},
    "member.manage": {"admin", "pengurus", "bendahara", "kasir"},
    "savings.transact": {"admin", "pengurus", "bendahara", "kasir"},
    "loan.apply": {"admin", "pengurus", "bendahara"},
    "loan.approve": {"admin", "pengurus"},
    "loan.pay": {"admin", "pengurus", "bendahara", "kasir"},
    "simpin.manage": {"admin", "pengurus", "bendahara"},
    "simpin.report": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    # Fertilizer (pupuk): the cashier looks farmers up at the counter; the registry, the e-RDKK
    # import and the HET table are for pengurus/bendahara.
    "pupuk.view": {"admin", "pengurus", "bendahara", "pengawas", "kasir", "pendamping"},
    "pupuk.manage": {"admin", "pengurus", "bendahara"},
    "pupuk.report": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    # The treasurer's desk: expenses and other income, bank accounts and reconciliation, fixed
    # assets, closing and SHU. Paying a member's SHU in cash happens at the counter.
    "expense.manage": {"admin", "pengurus", "bendahara"},
    "bank.manage": {"admin", "pengurus", "bendahara"},
    "asset.manage": {"admin", "pengurus", "bendahara"},
    "shu.manage": {"admin", "pengurus", "bendahara"},
    "shu.pay": {"admin", "pengurus", "bendahara", "kasir"},
    # Clinic: the front desk (registration, the queue, billing) is for clinic staff and the
    # cashier; the medical record (complaint, examination, diagnosis) for clinic staff only —
    # not cashiers, mentors, pengurus or even the system admin. Aggregate reports carry no
    # names.
    "clinic.desk": {"admin", "pengurus", "petugas_klinik", "kasir"},
    "clinic.records": {"petugas_klinik"},
    "clinic.manage": {"admin", "pengurus", "petugas_klinik"},
    "clinic.report": {"admin", "pengurus", "bendahara", "pengawas", "petugas_klinik"},
    # Pharmacy: the apoteker dispenses prescriptions and keeps the register; pengurus manage
    # the drug master with them; the register report is also for the supervisory board.
    "pharmacy.view": {"admin", "pengurus", "bendahara", "pengawas", "apoteker", "kasir"},
    "pharmacy.dispense": {"apoteker"},
    "pharmacy.manage": {"admin", "pengurus", "apoteker"},
    "pharmacy.register": {"admin", "pengurus", "pengawas", "apoteker"},
    "pharmacy.report": {"admin", "pengurus", "bendahara", "pengawas", "apoteker"},
    # Parcel desk: intake and scanning at the counter; tariffs and settling with the courier
    # partner for the logistics officer and pengurus.
    "logistics.desk": {"admin", "pengurus", "petugas_logistik", "kasir"},
    "logistics.manage": {"admin", "pengurus", "petugas_logistik"},
    "logistics.report": {"admin", "pengurus", "bendahara", "pengawas", "petugas_logistik"},
    # Local units: pengurus open them from a form; the counter runs them day to day.
    "local.manage": {"admin", "pengurus"},
    "local.operate": {"admin", "pengurus", "bendahara", "kasir"},
    "local.report": {"admin", "pengurus", "bendahara", "pengawas"},
    # The mentor (pendamping): reads the books of the cooperatives they coach, assesses their
    # health and records visits, but posts nothing. Pengurus see the visit notes and the
    # assessments, follow up the actions, and own the business plan.
    "mentor.portfolio": {"admin", "pendamping"},  # held across cooperatives, see User.can
    "mentor.view": {"admin", "pendamping"},
    "health.view": {"admin", "pengurus", "pengawas", "pendamping"},
    "health.assess": {"admin", "pendamping"},
    "mentoring.view": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    "mentoring.manage": {"admin", "pendamping"},
    "mentoring.follow_up": {"admin", "pengurus", "pendamping"},
    "plan.view": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    "plan.manage": {"admin", "pengurus"},
    "admin.manage": {"admin"},
    # API tokens: pengurus make them for the cooperative's users (a device at the counter, an
    # integration); every user sees and revokes their own from the same page.
    "api.manage": {"admin", "pengurus"},
}

# Permissions held by coaching anywhere, not by a role in the current cooperative.
CROSS_COOPERATIVE = {"mentor.portfolio"}

PUBLIC = "public"
LOGIN_ONLY = "login"


def role_permissions(role: str) -> set[str]:
    return {perm for perm, roles in PERMISSIONS.items() if role in roles}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    # Changes whenever the password changes, so old sessions die with the old password.
    session_token: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def set_password(self, password: str) -> None:
        check_password_policy(password, self.username)
        import secrets

        self.password_hash = generate_password_hash(password)
        self.session_token = secrets.token_hex(8)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def roles_in(self, coop: Cooperative | None) -> set[str]:
        roles = {"admin"} if self.is_admin else set()
        if coop is not None:
            roles |= {m.role for m in self.memberships if m.cooperative_id == coop.id}
        return roles

    def cooperatives(self) -> list[Cooperative]:
        if self.is_admin:
            return list(db.session.scalars(select(Cooperative).order_by(Cooperative.name)))
        seen: dict[int, Cooperative] = {}
        for m in self.memberships:
            seen.setdefault(m.cooperative_id, m.cooperative)
        return sorted(seen.values(), key=lambda c: c.name)

    def mentored(self) -> list[Cooperative]:
        """The cooperatives this user coaches: where they hold the pendamping role. Not every
        cooperative for an admin — on a province server that would be thousands of rows on
        one page; an admin opens any one cooperative's dashboard instead."""
        seen = {m.cooperative_id: m.cooperative for m in self.memberships if m.role == "pendamping"}
        return sorted(seen.values(), key=lambda c: c.name)

    def can(self, permission: str, coop: Cooperative | None = None) -> bool:
        if permission in CROSS_COOPERATIVE:
            # The portfolio spans every cooperative the user coaches, whichever one is open.
            return self.is_admin or any(m.role == "pendamping" for m in self.memberships)
        coop = coop if coop is not None else getattr(g, "cooperative", None)
        allowed = PERMISSIONS.get(permission, set())
        return bool(self.roles_in(coop) & allowed)


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("cooperative_id", "user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))  # unit scope
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    cooperative: Mapped[Cooperative] = relationship()
    unit: Mapped[BusinessUnit | None] = relationship()

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


# --- passwords -------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 12


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("outlet_pos.data").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_password_policy(password: str, username: str = "") -> None:
    """At least 12 characters, not a well-known password, not the username (DESIGN §4.3)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.", field="password"
        )
    if len(password) > 128:
        raise ValidationError("Kata sandi maksimal 128 karakter.", field="password")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        raise ValidationError(
            "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.", field="password"
        )
    if username and username.lower() in lowered:
        raise ValidationError("Kata sandi tidak boleh memuat nama pengguna.", field="password")


# --- login -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""


def authenticate(username: str, password: str, ip: str = "") -> LoginResult:
    """Check a login; count failures and lock the account after too many (flushes only).

    A failure is returned, not raised, so the caller commits the failure count and the audit
    row: raising would roll them back and make the lockout unreachable. The message never
    says whether the username exists, so it cannot be used to find users.
    """
    from outlet_pos.core.audit import record

    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    lock_minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    wrong = "Nama pengguna atau kata sandi salah."
    now = utcnow()
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        # Spend the same time as a real check so timing does not reveal unknown users.
        check_password_hash(_dummy_hash(), password)
        record("login.failed", detail={"username": username[:64]}, ip=ip)
        return LoginResult(None, wrong)
    if user.locked_until and user.locked_until > now:
        record("login.locked", user=user, ip=ip)
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        return LoginResult(
            None,
            f"Akun dikunci karena terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit.",
        )
    if not user.check_password(password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            record("login.lockout", user=user, ip=ip)
            return LoginResult(
                None,
                f"Akun dikunci selama {lock_minutes} menit karena terlalu banyak percobaan gagal.",
            )
        record("login.failed", user=user, ip=ip)
        return LoginResult(None, wrong)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record("login.success", user=user, ip=ip)
    db.session.flush()
    return LoginResult(user)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("dummy-password-for-timing")


# --- route permissions -----------------------------------------------------------------


def requires(permission: str) -> Callable:
    """Declare and enforce the permission a view needs in the current cooperative."""
    if permission not in PERMISSIONS and permission != LOGIN_ONLY:
        raise ValueError(f"unknown permission {permission}")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from outlet_pos.extensions import login_manager

                return login_manager.unauthorized()
            if permission != LOGIN_ONLY and not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    view.permission = PUBLIC  # type: ignore[attr-defined]
    return view
