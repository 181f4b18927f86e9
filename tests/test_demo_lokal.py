"""The demo's parcel desk and local units (outlet_pos/demo_lokal*.py), built on a small
cooperative of its own so the test does not pay for a whole demo (the CLI's demo test runs the
same checks on the full demo through tests/demo_lokal_checks.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user
from tests.demo_lokal_checks import check_lokal

# (name, NIK, desa, occupation): river fishers and other villagers.
MEMBERS = [
    ("Sumarni", "6402114501800001", "Sukamaju", "Pedagang"),
    ("Joko Susilo", "6402110302750002", "Sukamaju", "Petani padi"),
    ("Ratna Dewi", "6402115003820003", "Separi", "Ibu rumah tangga"),
    ("Agus Salim", "6402110404790004", "Sukamaju", "Petani sawit"),
    ("Wahyuni", "6402114505850005", "Bukit Raya", "Pedagang"),
    ("Hendra Gunawan", "6402110606810006", "Sukamaju", "Pekebun karet"),
    ("Darmaji", "6402110707770007", "Sukamaju", "Nelayan sungai"),
    ("Slamet", "6402110808720008", "Sukamaju", "Nelayan sungai"),
    ("Mulyadi", "6402110909740009", "Separi", "Nelayan sungai"),
    ("Warsito", "6402111010800010", "Sukamaju", "Peternak"),
    ("Tukiman", "6402111111700011", "Sukamaju", "Peternak"),
    ("Sarno", "6402111212690012", "Sukamaju", "Petani padi"),
    ("Siti Aminah", "6402115201880013", "Sukamaju", "Penjahit"),
    ("Iwan Setiawan", "6402110302900014", "Sukamaju", "Perajin rotan"),
]


@pytest.fixture
def lokal_coop(ctx) -> Cooperative:
    """A cooperative in Kutai Kartanegara with the demo's parcel desk and fisheries units
    (made in code, as demo.py does), the demo's staff usernames and fourteen members."""
    from outlet_pos.units.simpan_pinjam.members import register_member

    coop = make_coop("Koperasi Desa Merah Putih Pesisir", provinsi="Kalimantan Timur",
                     kabupaten="Kutai Kartanegara")  # fmt: skip
    users = {}
    for username, role in [("logistik", "petugas_logistik"), ("kasir2", "kasir"),
                           ("pengurus", "pengurus"), ("bendahara", "bendahara")]:  # fmt: skip
        users[username] = make_user(username, role, coop)

    def setup():
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        save_unit(coop, "logistik", "Pos & Logistik", "logistik", outlet.id)
        save_unit(coop, "perikanan", "Perikanan", "lokal", outlet.id)
        for n, (name, nik, desa, job) in enumerate(MEMBERS):
            register_member(
                coop, {"name": name, "nik": nik, "desa": desa, "occupation": job,
                       "address": f"RT {n + 1:02d} {desa}", "phone": f"08125{n:07d}"},
                users["pengurus"], pay_pokok=False, day=date(2024, 1, 2),
            )  # fmt: skip

    run_transaction(setup)
    return db.session.get(Cooperative, coop.id)


def test_the_demo_desk_and_local_units_trade_and_verify(lokal_coop):
    from outlet_pos.demo_lokal import build_lokal

    coop = lokal_coop
    last = coop.today() - timedelta(days=1)
    stats = run_transaction(build_lokal, coop, last - timedelta(days=20), last)
    assert stats["parcels"] == 30 and stats["deliveries"] >= 2, stats
    assert stats["cod_remitted"] >= 3 and stats["courier_settlements"] == 2, stats
    assert stats["fish_sukarela"] >= 1 and stats["fish_tunai"] >= 1, stats
    assert stats["animals"] == 4 and stats["animals_sold"] == 1, stats
    check_lokal(coop)
    # The demo's code-made fisheries unit was given its profile, not duplicated.
    assert (
        db.session.scalar(
            select(func.count(BusinessUnit.id)).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "lokal"
            )
        )
        == 5
    )


def test_a_short_window_still_shows_every_flow(lokal_coop):
    """With a week only, the desk still has delivered, returned and held-COD parcels, and
    every local unit trades."""
    from outlet_pos.demo_lokal import build_lokal

    coop = lokal_coop
    last = coop.today() - timedelta(days=1)
    run_transaction(build_lokal, coop, last - timedelta(days=6), last)
    check_lokal(coop)
