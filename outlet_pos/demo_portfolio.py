"""``outlet-pos demo --portfolio``: ten cooperatives of varied health and the mentor who
coaches them (issue 9).

A mentor (pendamping) logging in sees a realistic portfolio: some cooperatives doing well,
some dormant, some with bad loans, wajib arrears, stock-outs, drugs expiring soon, months not
closed, cash short (the profiles are in ``demo_portfolio_profiles``). Every write goes through
the real services, one transaction per cooperative, so the books pass ``outlet-pos verify``.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import close_month
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.onboarding import (
    create_cooperative,
    create_user,
    grant_role,
    save_outlet,
    save_unit,
)
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.demo import _password
from outlet_pos.demo_portfolio_profiles import PROFILES, Profile
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.common import add_months

if TYPE_CHECKING:
    from outlet_pos.demo_portfolio_books import Books

MENTOR = ("pendamping", "Bambang Wicaksono")
NAME_PREFIX = "Koperasi Desa Merah Putih "
COUNTER_DAYS = 7  # days of real counter activity up to the last sale


def coop_name(profile: Profile) -> str:
    return NAME_PREFIX + profile.desa


def portfolio_lines() -> list[str]:
    """One line per cooperative for the command's output: number, name, where, zone."""
    return [
        f"{p.slug}  {coop_name(p)} ({p.kabupaten}, {p.provinsi}; {p.timezone})" for p in PROFILES
    ]


def build_portfolio(password: str | None = None, count: int = 10) -> list[tuple[str, str, str]]:
    """Build the portfolio and return the credentials as (username, password, role). One
    transaction per cooperative; a cooperative that already exists is not built again, its
    users get fresh passwords (so running the command twice, or after a failed run, is safe)."""
    profiles = PROFILES[: max(1, min(count, len(PROFILES)))]
    mentor_pw = _password(password)
    run_transaction(_mentor, mentor_pw)
    credentials = [(MENTOR[0], mentor_pw, "pendamping")]
    for profile in profiles:
        built = db.session.scalar(
            select(Cooperative.id).where(Cooperative.name == coop_name(profile))
        )
        action = _reset_passwords if built else _build_one
        credentials += run_transaction(action, profile, password)
    return credentials


def _usernames(profile: Profile) -> list[tuple[str, str, str]]:
    """The cooperative's own people: its chair (pengurus) and its cashier, numbered like it."""
    return [
        (f"pengurus{profile.slug}", profile.chair, "pengurus"),
        (f"kasir{profile.slug}", profile.cashier, "kasir"),
    ]


def _fresh_password(user: User, password: str) -> None:
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None


def _reset_passwords(profile: Profile, password: str | None) -> list[tuple[str, str, str]]:
    out = []
    for username, _name, role in _usernames(profile):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            pw = _password(password)
            _fresh_password(user, pw)
            out.append((username, pw, role))
    db.session.flush()
    return out


def _mentor(password: str) -> User:
    """The mentor; if a user of that name exists (an earlier run, or the single-cooperative
    demo's mentor), that one, with the new password."""
    user = db.session.scalar(select(User).where(User.username == MENTOR[0]))
    if user is None:
        return create_user(MENTOR[0], MENTOR[1], password)
    _fresh_password(user, password)
    db.session.flush()
    return user


def _build_one(profile: Profile, password: str | None) -> list[tuple[str, str, str]]:
    from outlet_pos.demo_portfolio_books import (
        Books,
        build_loans,
        build_members,
        collect_wajib,
        invest_surplus,
        open_books,
        post_allowances,
        post_recaps,
        record_costs,
    )
    from outlet_pos.demo_portfolio_counter import build_counter

    # Seeded: the demo comes out the same on every run (no secret).
    rng = random.Random(f"portfolio-{profile.slug}")  # nosec B311
    p = profile
    coop = create_cooperative(
        {
            "name": coop_name(p),
            "legal_number": f"AHU-00{int(p.slug) * 7919:05d}.AH.01.29.TAHUN 2025",
            "address": f"Jl. Poros Desa {p.desa}",
            "desa": p.desa,
            "kecamatan": p.kecamatan,
            "kabupaten": p.kabupaten,
            "provinsi": p.provinsi,
            "region_code": p.region_code,
            "timezone": p.timezone,
            "fiscal_year_start_month": 1,
            "simpanan_pokok_amount": p.pokok,
            "simpanan_wajib_amount": p.wajib,
        }
    )
    outlet = save_outlet(coop, "GR01", f"Gerai {p.desa}", f"Jl. Poros Desa {p.desa}")
    units = {
        "sembako": save_unit(coop, "sembako", "Sembako", "sembako", outlet.id),
        "simpin": save_unit(coop, "simpin", "Simpan Pinjam", "simpan_pinjam", outlet.id),
    }
    if p.pharmacy or p.expiring:
        units["apotek"] = save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)
    if p.fish_unit:
        units["perikanan"] = save_unit(coop, "perikanan", "Perikanan", "lokal", outlet.id)

    credentials, users = [], {}
    for username, full_name, role in _usernames(p):
        pw = _password(password)
        users[role] = create_user(username, full_name, pw)
        grant_role(users[role], coop, role)
        credentials.append((username, pw, role))
    mentor = db.session.scalar(select(User).where(User.username == MENTOR[0]))
    grant_role(mentor, coop, "pendamping")

    today = coop.today()
    start = add_months(today.replace(day=1), -12)
    sales_end = today - timedelta(days=1 + p.dormant_days)
    books = Books(
        coop=coop, profile=p, rng=rng, pengurus=users["pengurus"], kasir=users["kasir"],
        outlet=outlet, units=units, today=today, start=start, sales_end=sales_end,
        counter_from=sales_end - timedelta(days=COUNTER_DAYS - 1),
    )  # fmt: skip
    open_books(books)
    build_members(books)
    collect_wajib(books)
    build_loans(books)
    post_recaps(books)
    record_costs(books)
    build_counter(books)
    post_allowances(books)
    if p.cash_permille:
        stop = add_months(books.today.replace(day=1), -p.open_months)
        invest_surplus(books, stop - timedelta(days=1))
    _close(books)

    from outlet_pos.demo_portfolio_mentor import assess, record_visits, save_plans

    assess(books, mentor)
    record_visits(books, mentor)
    save_plans(books)
    return credentials


def _close(books: Books) -> None:
    """Close the year the books began in (when it has ended), then every finished month but
    the profile's last ``open_months``, as a treasurer would have."""
    from outlet_pos.core.closing.year_end import close_year

    coop, user = books.coop, books.pengurus
    first_year = fiscal_year(coop, books.start)
    if first_year < fiscal_year(coop, books.today):
        close_year(coop, first_year, user)
    this_month = books.today.replace(day=1)
    stop = add_months(this_month, -books.profile.open_months)
    month = books.start
    while month < stop:
        close_month(coop, month.year, month.month, user)
        month = add_months(month, 1)
