"""Demo data of the fertilizer unit: subsidised urea, NPK and organic fertilizer in 114200,
ordinary farm inputs, 40 farmers in four farmer groups (some of them members) with this
season's e-RDKK allocations, and redemptions at the counter through ``checkout`` — some by a
proxy with a letter of authority — each day in a cashier's shift that closes balanced."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
from outlet_pos.core.ledger.services import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services
from outlet_pos.units.pupuk.models import Allocation

POKTAN = ["Tani Makmur", "Sri Rejeki", "Subur Jaya", "Mekar Sari"]
DESA = ["Sukamaju", "Manunggal Jaya", "Separi", "Bukit Raya"]
FIRST = ["Sutrisno", "Wagiman", "Suparman", "Ngadiman", "Samsul", "Rusdi", "Paijo", "Sukirman",
         "Darmaji", "Slamet", "Mulyadi", "Warsito", "Tukiman", "Sarno", "Jumadi", "Kasmin",
         "Parman", "Senen", "Tugiyo", "Karto"]  # fmt: skip
LAST = ["", " Hadi", " Santoso", " Wibowo", " Saputra"]
# (sku, name, type, kg per sack, HET per kg)
SUBSIDISED = [
    ("PS-UREA", "Urea bersubsidi", "urea", 50, 1_800),
    ("PS-NPK", "NPK Phonska bersubsidi", "npk", 50, 1_840),
    ("PS-ORG", "Pupuk organik Petroganik bersubsidi", "organik", 40, 640),
]
# Allocation per hectare per season (kg), as the e-RDKK plans it.
PER_HA = {"urea": 200, "npk": 150, "organik": 400}


def _nik(rng: random.Random, serial: int) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(55, 99)
    return f"640211{day:02d}{month:02d}{year:02d}{7000 + serial:04d}"


def build_pupuk(coop: Cooperative, first: date, last: date, seed: int = 2026) -> dict:
    """Everything above, with redemptions on days between ``first`` and ``last`` that fall in
    the current season (so the counter's quota page has something to show)."""
    # Seeded: the demo comes out the same on every run (no secret).
    rng = random.Random(seed)  # nosec B311
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "pupuk"
        )
    )
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    kasir = db.session.scalar(select(User).where(User.username == "kasir"))
    pengurus = db.session.scalar(select(User).where(User.username == "pengurus"))
    services.ensure_het(coop)
    season = services.season_of(last)
    season_start = max(first, _season_start(last))
    stock_day = season_start - timedelta(days=3)
    location = default_location(coop, outlet, unit)

    items = {}
    for sku, name, ftype, bag, het in SUBSIDISED:
        item = save_item(
            coop, unit=unit, sku=sku, name=name, base_uom="kg", decimals=3, taxable=False,
            inventory_account="114200", category="Pupuk bersubsidi",
            units=[UnitSpec("kg", Decimal(1), het, het),
                   UnitSpec(f"karung {bag} kg", Decimal(bag), het * bag, het * bag)],
        )  # fmt: skip
        services.mark_subsidised(coop, item, ftype, pengurus)
        qty = Decimal(20_000 if ftype != "organik" else 16_000)
        cost = int(qty) * (het - 90)  # the kiosk margin below HET
        receive(location, item, qty, cost, day=stock_day, source="demo")
        post(coop, stock_day, f"Penerimaan {name} dari distributor",
             inventory_ledger_lines([(item, cost)], debit_account="211100",
                                    inventory_side="debit"),
             source="stock", user=pengurus)  # fmt: skip
        items[ftype] = (item, bag, het)
    # Ordinary farm inputs: seed, a pesticide with batches and expiry (sold FEFO), a tool, and
    # non-subsidised fertilizer by the kg or the sack.
    inputs = [
        ("BNH-INP32", "Benih padi Inpari 32 (5 kg)", "pcs", 80_000, 65_000, None),
        ("PST-DECIS", "Insektisida Decis 25 EC 100 ml", "botol", 48_000, 39_000, "batch"),
        ("CGK", "Cangkul baja", "pcs", 95_000, 72_000, None),
        ("NPK-MTR", "NPK Mutiara 16-16-16 (non-subsidi)", "kg", 17_000, 14_500, "sack"),
    ]
    for sku, name, base, price, cost, kind in inputs:
        units = [UnitSpec(base, Decimal(1), price, price)]
        if kind == "sack":
            units.append(UnitSpec("karung 50 kg", Decimal(50), price * 50 - 25_000,
                                  price * 50 - 25_000))  # fmt: skip
        item = save_item(
            coop, unit=unit, sku=sku, name=name, base_uom=base, category="Saprotan",
            decimals=3 if base == "kg" else 0, track_batch=kind == "batch", units=units,
        )  # fmt: skip
        qty = 500 if kind == "sack" else 40
        if kind == "batch":
            for batch, expiry, n in (("DC-2401", date(last.year + 1, 3, 31), 15),
                                     ("DC-2407", date(last.year + 2, 9, 30), 25)):  # fmt: skip
                receive(location, item, Decimal(n), n * cost, day=stock_day, source="demo",
                        batch=batch, expiry=expiry)  # fmt: skip
        else:
            receive(location, item, Decimal(qty), qty * cost, day=stock_day, source="demo")
        post(coop, stock_day, f"Penerimaan {name}",
             inventory_ledger_lines([(item, qty * cost)], debit_account="211100",
                                    inventory_side="debit"),
             source="stock", user=pengurus)  # fmt: skip

    members = list(
        db.session.scalars(
            select(Member).where(Member.cooperative_id == coop.id).order_by(Member.id).limit(12)
        )
    )
    farmers = []
    for i in range(40):
        member = members[i] if i < len(members) and i % 3 == 0 else None
        name = member.name if member else f"{FIRST[i % 20]}{LAST[i % 5]}"
        nik = member.nik if member else _nik(rng, i)
        land = Decimal(rng.choice([25, 40, 50, 75, 100, 125, 150, 200])) / 100
        farmer = services.save_farmer(
            coop,
            {"nik": nik, "name": name, "poktan": POKTAN[i % 4], "desa": DESA[i % 4],
             "land_ha": land, "commodities": rng.choice(["Padi", "Padi, jagung", "Jagung"]),
             "phone": f"0813{rng.randint(10_000_000, 99_999_999)}"},
            pengurus,
        )  # fmt: skip
        for ftype, per_ha in PER_HA.items():
            db.session.add(
                Allocation(cooperative_id=coop.id, farmer_id=farmer.id, fertilizer_type=ftype,
                           season=season, kg=(land * per_ha).quantize(Decimal(1))))  # fmt: skip
        farmers.append(farmer)
    db.session.flush()

    # Redemptions: 26 farmers come once or twice in the season, buying whole sacks within
    # their quota; every fifth comes through a proxy with a letter of authority.
    days = [season_start + timedelta(days=d) for d in range((last - season_start).days + 1)]
    plan = []
    for n, farmer in enumerate(farmers[:26]):
        for _visit in range(rng.choice([1, 1, 2])):
            plan.append((rng.choice(days), n, farmer))
    plan.sort(key=lambda p: (p[0], p[1]))
    redeemed = 0
    for day in sorted({p[0] for p in plan}):
        shift = open_shift(coop, kasir, outlet, 500_000, day=day)
        for _day, n, farmer in (p for p in plan if p[0] == day):
            lines = []
            for alloc in services.quota(coop, farmer, day):
                item, bag, het = items[alloc.fertilizer_type]
                sacks = int(alloc.remaining_kg // bag)
                if sacks <= 0 or rng.random() < 0.3:
                    continue
                sack_unit = next(u for u in item.units if u.factor == bag)
                lines.append(CartLine(item.id, item_unit_id=sack_unit.id,
                                      qty=rng.randint(1, min(sacks, 4))))  # fmt: skip
            if not lines:
                continue
            extra = {"farmer_nik": farmer.nik}
            if n % 5 == 4:
                extra |= {
                    "proxy_nik": _nik(rng, 500 + n),
                    "proxy_name": "Istri/anak petani",
                    "proxy_letter": f"Surat kuasa bermeterai {n}/{day:%m}/{day:%Y}",
                }
            total = 0
            for c in lines:
                _item, bag, het = items[_type_of(items, c.item_id)]
                total += int(c.qty) * bag * het
            checkout(shift, lines, [PaymentIn("tunai", total)], user=kasir, extra=extra, day=day)
            redeemed += 1
        close_shift(shift, kasir, expected_cash(shift), day=day)
    return {"farmers": len(farmers), "redemptions": redeemed, "season": season}


def _type_of(items: dict, item_id: int) -> str:
    return next(t for t, (item, _bag, _het) in items.items() if item.id == item_id)


def _season_start(day: date) -> date:
    start_month = {1: 1, 2: 5, 3: 9}[int(services.season_of(day)[-1])]
    return date(day.year, start_month, 1)
