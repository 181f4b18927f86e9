"""The soak's cooperative: built through the same services the pages use, small enough to
build in seconds, big enough that a five-minute soak never runs out of anything.

Why not ``outlet-pos demo``: the demo plays months of history (half a minute or more on this
machine) and has two cashiers; the soak wants N cashiers, stock and quota that cannot run
out (a refusal for want of stock would hide the answer we look for), and known starting
figures, so every balance afterwards is predictable from the workers' logs alone.

All prices are multiples of Rp100 (fertilizer is sold by the sack), so a shift's cash can be
counted in notes and coins at the close.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

ITEMS = 30  # sembako items
ITEM_STOCK = 1_000_000  # pieces of each
MEMBERS = 30
LOANS = 20
LOAN_PRINCIPAL = 50_000_000
FARMERS = 20
QUOTA_KG = 500_000  # per farmer, type and season
CAPITAL = 3_000_000_000  # opening grant in the bank: the loans' BMPP limit is a share of it
# (sku, name, type, kg per sack, HET per kg) as in the HET table shipped with the app
FERTILIZER = [
    ("SK-UREA", "Urea bersubsidi uji", "urea", 50, 1_800),
    ("SK-NPK", "NPK bersubsidi uji", "npk", 50, 1_840),
    ("SK-ORG", "Organik bersubsidi uji", "organik", 40, 640),
]
FERTILIZER_STOCK_KG = 5_000_000


def _nik(serial: int) -> str:
    """A valid-looking NIK (region 640211, a birth date, a non-zero serial)."""
    day, month, year = serial % 28 + 1, serial % 12 + 1, 60 + serial % 30
    return f"640211{day:02d}{month:02d}{year:02d}{1000 + serial:04d}"


def build_world(url: str, cashiers: int, password: str, seed: int) -> dict:
    """Migrate the empty database at ``url`` and build the cooperative; return what the
    workers and the checker need to know about it (ids, prices, starting figures)."""
    from flask_migrate import upgrade

    from outlet_pos import create_app
    from outlet_pos.core.db import run_transaction
    from outlet_pos.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "soak-setup"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        world = run_transaction(_build, cashiers, password, random.Random(seed))
        db.session.remove()
        db.engine.dispose()
    return world


def _build(cashiers: int, password: str, rng: random.Random) -> dict:
    from outlet_pos.core.ledger import post
    from outlet_pos.core.onboarding import (
        create_cooperative,
        create_user,
        grant_role,
        save_outlet,
        save_unit,
    )

    coop = create_cooperative(
        {
            "name": "Koperasi Uji Tahan",
            "timezone": "WIB",
            "simpanan_pokok_amount": 100_000,
            "simpanan_wajib_amount": 20_000,
        }
    )
    outlet = save_outlet(coop, "UT1", "Gerai Uji Tahan")
    units = {
        kind: save_unit(coop, code, name, kind, outlet.id)
        for code, name, kind in (
            ("sembako", "Sembako", "sembako"),
            ("pupuk", "Pupuk", "pupuk"),
            ("simpin", "Simpan Pinjam", "simpan_pinjam"),
        )
    }
    approver = create_user("penyetuju", "Penyetuju Retur", password)
    grant_role(approver, coop, "pengurus")
    clerk = create_user("pengelola", "Pengelola Pinjaman", password)
    grant_role(clerk, coop, "bendahara")
    workers = []
    for k in range(1, cashiers + 1):
        user = create_user(f"kasir{k}", f"Kasir Uji {k}", password)
        grant_role(user, coop, "kasir")
        workers.append({"username": user.username, "id": user.id})
    today = coop.today()
    post(
        coop,
        today,
        "Hibah modal awal (uji tahan)",
        [("112100", CAPITAL, 0), ("312100", 0, CAPITAL)],
        source="opening",
        user=clerk,
    )
    world = {
        "coop_id": coop.id,
        "outlet_id": outlet.id,
        "day": today.isoformat(),
        "password": password,
        "approver": approver.username,
        "cashiers": workers,
        "items": _sembako(coop, outlet, units["sembako"], clerk, rng),
        "fertilizer": _fertilizer(coop, outlet, units["pupuk"], approver),
    }
    world["farmers"] = _farmers(coop, approver)
    world["members"], world["loans"] = _members_and_loans(coop, approver, clerk)
    return world


def _stock_in(coop, location, item, qty: Decimal, cost: int, user) -> None:
    """Goods in and their value on the books, as a goods receipt would post them."""
    from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
    from outlet_pos.core.ledger import post

    day = coop.today()
    receive(location, item, qty, cost, day=day, source="soak")
    lines = inventory_ledger_lines([(item, cost)], debit_account="211100", inventory_side="debit")
    post(coop, day, f"Penerimaan {item.name}", lines, source="stock", user=user)


def _sembako(coop, outlet, unit, user, rng: random.Random) -> list[dict]:
    from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item

    location = default_location(coop, outlet, unit)
    items = []
    for i in range(ITEMS):
        member_price = rng.randrange(1_000, 50_000, 500)
        general = member_price + 500
        item = save_item(
            coop,
            unit=unit,
            sku=f"UT{i:03d}",
            name=f"Barang uji {i:03d}",
            base_uom="pcs",
            taxable=False,
            units=[UnitSpec("pcs", Decimal(1), member_price, general)],
        )
        _stock_in(
            coop, location, item, Decimal(ITEM_STOCK), ITEM_STOCK * member_price * 4 // 5, user
        )
        items.append(
            {
                "id": item.id,
                "name": item.name,
                "price": general,
                "member_price": member_price,
                "stock": ITEM_STOCK,
            }
        )
    return items


def _fertilizer(coop, outlet, unit, user) -> list[dict]:
    from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
    from outlet_pos.units.pupuk import services

    services.ensure_het(coop)
    location = default_location(coop, outlet, unit)
    out = []
    for sku, name, ftype, bag, het in FERTILIZER:
        item = save_item(
            coop,
            unit=unit,
            sku=sku,
            name=name,
            base_uom="kg",
            decimals=3,
            taxable=False,
            inventory_account="114200",
            units=[
                UnitSpec("kg", Decimal(1), het, het),
                UnitSpec(f"karung {bag} kg", Decimal(bag), het * bag, het * bag),
            ],
        )
        services.mark_subsidised(coop, item, ftype, user)
        _stock_in(
            coop,
            location,
            item,
            Decimal(FERTILIZER_STOCK_KG),
            FERTILIZER_STOCK_KG * (het - 90),
            user,
        )
        sack = next(u for u in item.units if u.factor == bag)
        out.append(
            {
                "id": item.id,
                "name": name,
                "type": ftype,
                "sack_unit_id": sack.id,
                "bag_kg": bag,
                "sack_price": het * bag,
                "stock": FERTILIZER_STOCK_KG,
            }
        )
    return out


def _farmers(coop, user) -> list[str]:
    from outlet_pos.extensions import db
    from outlet_pos.units.pupuk import services
    from outlet_pos.units.pupuk.models import Allocation

    today = coop.today()
    # The soak may cross midnight into a new season: the next day's season has quota too.
    seasons = {services.season_of(today), services.season_of(today + timedelta(days=1))}
    niks = []
    for i in range(FARMERS):
        nik = _nik(5000 + i)
        farmer = services.save_farmer(
            coop,
            {
                "nik": nik,
                "name": f"Petani Uji {i:02d}",
                "poktan": "Tani Uji",
                "land_ha": Decimal(2),
            },
            user,
        )
        for season in seasons:
            for _sku, _name, ftype, _bag, _het in FERTILIZER:
                db.session.add(
                    Allocation(
                        cooperative_id=coop.id,
                        farmer_id=farmer.id,
                        fertilizer_type=ftype,
                        season=season,
                        kg=Decimal(QUOTA_KG),
                    )
                )
        niks.append(nik)
    db.session.flush()
    return niks


def _members_and_loans(coop, approver, clerk) -> tuple[list[int], list[dict]]:
    from outlet_pos.units.simpan_pinjam import loan_products, loans, savings
    from outlet_pos.units.simpan_pinjam.members import register_member

    savings.ensure_products(coop)
    product = next(p for p in loan_products.ensure_products(coop) if p.code == "KONSUMTIF")
    members, out_loans = [], []
    for i in range(MEMBERS):
        member = register_member(
            coop,
            {
                "name": f"Anggota Uji {i:02d}",
                "nik": _nik(100 + i),
                "address": "RT 01",
                "desa": "Sukamaju",
                "phone": f"08123{i:07d}",
                "occupation": "Petani",
                "heir_name": "Ahli Waris",
                "heir_relation": "Anak",
            },
            clerk,
            pay_pokok=False,
        )
        members.append(member.id)
        if i < LOANS:
            loan = loans.apply(
                coop,
                member,
                product,
                LOAN_PRINCIPAL,
                12,
                clerk,
                purpose="Modal uji tahan",
                monthly_income=10_000_000,
            )
            loans.decide(coop, loan, True, approver, "Layak")
            loans.disburse(coop, loan, clerk, via="transfer")
            out_loans.append({"id": loan.id, "member_id": member.id, "principal": LOAN_PRINCIPAL})
    return members, out_loans


def main() -> None:
    """Run as its own process by ``soak.py``, so the orchestrator never holds a connection."""
    import argparse
    import json
    import logging
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--cashiers", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' chatter
    world = build_world(args.url, args.cashiers, args.password, args.seed)
    args.out.write_text(json.dumps(world, indent=1))


if __name__ == "__main__":
    main()
