"""The demo's clinic and pharmacy (outlet_pos/demo_klinik*.py), built on a small cooperative
of its own so the test does not pay for a whole demo (the CLI's demo test runs the same
checks on the full demo through tests/demo_klinik_checks.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user
from tests.demo_klinik_checks import check_clinic


@pytest.fixture
def clinic_coop(ctx) -> Cooperative:
    """A cooperative with a clinic and a pharmacy, and the demo's staff usernames."""
    coop = make_coop("Koperasi Desa Merah Putih Sehat")

    def units():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        save_unit(coop, "klinik", "Klinik Desa", "klinik", outlet.id)
        save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)

    run_transaction(units)
    for username, role in [("apoteker", "apoteker"), ("klinik", "petugas_klinik"),
                           ("kasir", "kasir"), ("pengurus", "pengurus"),
                           ("bendahara", "bendahara")]:  # fmt: skip
        make_user(username, role, coop)
    return db.session.get(Cooperative, coop.id)


def test_the_demo_clinic_has_drugs_batches_visits_and_fefo_dispensing(clinic_coop):
    from outlet_pos.demo_klinik import build_klinik

    coop = clinic_coop
    last = coop.today() - timedelta(days=1)
    stats = run_transaction(build_klinik, coop, last - timedelta(days=34), last)
    assert stats["drugs"] == 87  # 79 drugs + 8 clinic consumables from data/demo_obat.csv
    assert stats["patients"] == 25
    # About forty visits per 91 days: a five-week window holds about fifteen.
    assert 10 <= stats["visits"] <= 20, stats
    assert stats["dispensed"] >= stats["prescriptions"] - 1 >= 6, stats
    assert stats["outside"] >= 1 and stats["otc"] >= stats["visits"]
    check_clinic(coop)


def test_a_short_window_still_shows_every_control(clinic_coop):
    """With a few days only (the CI's ``--days``), the register, the OOT drug and the expired
    batch are still there: the cases that show the controls are planned first."""
    from outlet_pos.demo_klinik import build_klinik

    coop = clinic_coop
    last = coop.today() - timedelta(days=1)
    stats = run_transaction(build_klinik, coop, last - timedelta(days=6), last)
    assert stats["visits"] >= 4, stats
    check_clinic(coop)
