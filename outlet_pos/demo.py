"""``outlet-pos demo``: a realistic cooperative for a newcomer to click through.

Everything is built through the same services the pages use (onboarding, ledger.post,
close_month), so the demo's books pass ``outlet-pos verify`` like real ones must.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import close_month, post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.onboarding import (
    create_cooperative,
    create_user,
    grant_role,
    save_outlet,
    save_unit,
)
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

DEMO_NAME = "Koperasi Desa Merah Putih Sukamaju"

UNITS = [
    ("sembako", "Sembako", "sembako"),
    ("pupuk", "Pupuk & Saprotan", "pupuk"),
    ("simpin", "Simpan Pinjam", "simpan_pinjam"),
    ("klinik", "Klinik Desa", "klinik"),
    ("apotek", "Apotek Desa", "apotek"),
    ("logistik", "Pos & Logistik", "logistik"),
    ("perikanan", "Perikanan", "lokal"),
]

USERS = [
    ("admin", "Teguh Prasetyo (TI kabupaten)", None),
    ("pengurus", "Hj. Siti Rahmawati", "pengurus"),
    ("pengurus2", "Drs. Hasanuddin", "pengurus"),
    ("bendahara", "Rina Marlina", "bendahara"),
    ("pengawas", "H. Abdul Karim", "pengawas"),
    ("kasir", "Dewi Lestari", "kasir"),
    ("kasir2", "Budi Hartono", "kasir"),
    ("apoteker", "apt. Yusuf Hidayat, S.Farm.", "apoteker"),
    ("klinik", "Bidan Nur Aisyah", "petugas_klinik"),
    ("logistik", "Andi Saputra", "petugas_logistik"),
    ("pendamping", "Bambang Wicaksono", "pendamping"),
]


def _password(fixed: str | None) -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return fixed or "".join(secrets.choice(alphabet) for _ in range(14))


def build_demo(password: str | None = None, days: int = 90) -> list[tuple[str, str, str]]:
    """Build the demo cooperative (or, if it exists, give its users fresh passwords).

    ``days`` of counter activity (sales, refunds, shifts, purchases) end yesterday."""
    coop = db.session.scalar(select(Cooperative).where(Cooperative.name == DEMO_NAME))
    if coop is not None:
        return run_transaction(_reset_passwords, password)
    return run_transaction(_build, password, days)


def _reset_passwords(password: str | None) -> list[tuple[str, str, str]]:
    out = []
    for username, _name, role in USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        pw = _password(password)
        user.set_password(pw)
        user.failed_logins, user.locked_until = 0, None
        out.append((username, pw, role or "admin"))
    db.session.flush()
    return out


def _build(password: str | None, days: int) -> list[tuple[str, str, str]]:
    # Seeded: the demo comes out the same on every run (no secret).
    rng = random.Random(2025)  # nosec B311
    coop = create_cooperative(
        {
            "name": DEMO_NAME,
            "legal_number": "AHU-0012345.AH.01.29.TAHUN 2025",
            "nik_koperasi": "6402110250001",
            "npwp": "0123456789012000",
            "address": "Jl. Poros Desa No. 17",
            "desa": "Sukamaju",
            "kecamatan": "Tenggarong Seberang",
            "kabupaten": "Kutai Kartanegara",
            "provinsi": "Kalimantan Timur",
            "region_code": "64.02.11.2005",
            "timezone": "WITA",
            "fiscal_year_start_month": 1,
            "simpanan_pokok_amount": 100_000,
            "simpanan_wajib_amount": 20_000,
        }
    )
    outlet = save_outlet(coop, "GR01", "Gerai Sukamaju", "Jl. Poros Desa No. 17, Sukamaju")
    units = {code: save_unit(coop, code, name, kind, outlet.id) for code, name, kind in UNITS}
    credentials = []
    for username, full_name, role in USERS:
        pw = _password(password)
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, full_name, pw, is_admin=role is None)
        else:  # the portfolio demo made this user (the mentor) already: keep it, new password
            user.set_password(pw)
        if role:
            grant_role(user, coop, role)
        credentials.append((username, pw, role or "admin"))
    bendahara = db.session.scalar(select(User).where(User.username == "bendahara"))

    today = coop.today()
    fy = fiscal_year(coop, today)
    # The books start with the previous fiscal year, so the demo holds a closed year with its
    # SHU shared out after the RAT, and the current year open.
    start = date(fy - 1, coop.fiscal_year_start_month, 1)
    # The opening balance holds what is not in a member subledger: member savings and loans
    # are told through the savings-and-loans services below (their control accounts take no
    # other postings), so `outlet-pos verify` ties them to the members.
    opening = [
        ("111100", 15_250_000, 0, None),
        ("112100", 86_400_000, 0, None),
        ("121200", 24_500_000, 0, None),
        ("211100", 0, 9_600_000, None),
        ("312100", 0, 100_000_000, None),
    ]
    total_d = sum(d for _, d, _, _ in opening)
    total_c = sum(c for _, _, c, _ in opening)
    opening.append(
        ("315200", 0, total_d - total_c, None)
        if total_d > total_c
        else ("315200", total_c - total_d, 0, None)
    )
    post(
        coop,
        start,
        "Saldo awal tahun buku (neraca pembukaan)",
        opening,
        source="opening",
        user=bendahara,
    )

    # Members, a year of simpanan and the loan portfolio, before the running costs: loans are
    # limited to a share of own capital (BMPP), which the year's costs have not yet eaten.
    from outlet_pos.demo_simpin import build_simpin

    build_simpin(coop, start)

    from outlet_pos.demo_books import build_assets, build_bank, record_costs

    build_bank(coop, start)
    # Monthly running costs up to today (electricity, salaries: the expense book), so every
    # report has something to show.
    record_costs(coop, start, today, units, rng)

    # The counter runs from the first day of a month (``days`` back from today); the months
    # before it come from the monthly sales book.
    first = max(start, (today - timedelta(days=max(days, 1))).replace(day=1))
    from outlet_pos.demo_books import build_recaps, close_previous_year

    build_recaps(coop, start, first, rng)
    if days > 0:
        from outlet_pos.demo_counter import build_counter

        build_counter(coop, first, today - timedelta(days=1), rng)

        from outlet_pos.demo_pupuk import build_pupuk

        build_pupuk(coop, first, today - timedelta(days=1))

        from outlet_pos.demo_klinik import build_klinik

        build_klinik(coop, first, today - timedelta(days=1))

        from outlet_pos.demo_lokal import build_lokal

        build_lokal(coop, first, today - timedelta(days=1))

    build_assets(coop, start, today)
    close_previous_year(coop, fy - 1, rng)

    # Every month before the last one is closed, as a treasurer would have done — from the
    # first posting, which is a member joining in the year before the fiscal year.
    earliest = db.session.scalar(
        select(func.min(JournalEntry.date)).where(JournalEntry.cooperative_id == coop.id)
    )
    month = min(earliest or start, start).replace(day=1)
    while (nxt := (month.replace(day=28) + timedelta(days=4)).replace(day=1)) < today.replace(
        day=1
    ):
        close_month(coop, month.year, month.month, bendahara)
        month = nxt
    return credentials
