"""Demo data of the parcel desk and the local units (issue 7, DESIGN §3.10–§3.11).

The local units are opened through the same service as the "unit lokal" form
(``units.lokal.units.create_local_unit``) — an LPG 3 kg base, a cold room, a BRILink/PPOB
agent desk and a livestock unit — and the demo's "perikanan" unit is given its fisheries
profile. Then the counter window (``first`` .. ``last``) is replayed day by day on its own
dates: the local counter's shift (LPG to buyers with a NIK, crates in and out of the cold
room, agent transactions and their settlement, catch bought from member fishers — some paid
into their sukarela —, fish sold on, animals bought, fed, weighed and one sold per kg, a few
of the day's sales delivered to members' houses) and the parcel desk's shift
(:mod:`outlet_pos.demo_lokal_parcels`).

Everything goes through the services the pages use, so the books pass ``outlet-pos verify``.
Speed: the demo is built inside CI tests (``--days 20``), so activity is planned on a handful
of days spread over the window (more for a longer window, never more than a dozen).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db

LPG_HET = 18_000
LPG_COST = 15_500  # what the base pays the Pertamina agent per refill
# "token_listrik" is prepaid electricity sold at the agent desk, not a password.
AGENT_FEES = {"pulsa": 2_000, "token_listrik": 3_000, "bpjs": 2_500, "tarik_tunai": 5_000,  # nosec B105
              "setor_tunai": 3_000, "transfer": 6_500}  # fmt: skip
# (type, amount choices): a village agent desk's ordinary day.
AGENT_MIX = [
    ("pulsa", [10_000, 25_000, 50_000]),
    ("token_listrik", [20_000, 50_000, 100_000]),
    ("bpjs", [35_000, 70_000, 105_000]),
    ("tarik_tunai", [100_000, 200_000, 300_000]),
    ("setor_tunai", [250_000, 500_000]),
    ("transfer", [150_000, 400_000, 750_000]),
]
LPG_BUYERS = ["Bu Warsini", "Pak Darto", "Bu Sulastri", "Warung Makan Bu Ida", "Pak Jumain",
              "Bu Karsih", "Pak Samsudin", "Bu Tini", "Pak Ruslan", "Bu Ponirah",
              "Pak Kasiran", "Bu Nanik"]  # fmt: skip
COLD_OWNERS = ["Pengepul Ikan Pak Harun", "UD Sumber Laut", "Bu Marni (pedagang pasar)"]


@contextmanager
def business_day(coop: Cooperative, day: date) -> Iterator[None]:
    """Make ``coop.today()`` answer ``day`` while a past day is replayed: the services date
    what they write by the cooperative's today, as a page would (an instance attribute
    shadowing the method; removed again whatever happens)."""
    coop.today = lambda: day  # type: ignore[method-assign]
    try:
        yield
    finally:
        del coop.today


def clock(coop: Cooperative, day: date, hour: int, minute: int = 0) -> datetime:
    """A local clock time of ``day`` as stored (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=coop.zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def spread(first: date, last: date, count: int) -> list[date]:
    """``count`` days spread evenly over ``first`` .. ``last``, the last one being ``last``."""
    span = (last - first).days
    count = max(1, min(count, span + 1))
    if count == 1:
        return [last]
    return sorted({last - timedelta(days=round(i * span / (count - 1))) for i in range(count)})


@dataclass
class Demo:
    """What every part of the build needs: the cooperative, its people, the plan of days."""

    coop: Cooperative
    outlet: Outlet
    rng: random.Random
    pengurus: User
    kasir: User  # the local units' counter
    petugas: User  # the parcel desk
    bendahara: User
    members: list[Member]
    units: dict[str, BusinessUnit] = field(default_factory=dict)
    items: dict[str, object] = field(default_factory=dict)
    shift: Shift | None = None
    deliveries: list[Sale] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n


def _user(username: str, fallback: User | None = None) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None and fallback is None:
        raise LookupError(f"demo user {username} missing")
    return user or fallback


def build_lokal(coop: Cooperative, first: date, last: date, seed: int = 2027) -> dict:
    """Open the local units, set up the parcel desk and replay ``first`` .. ``last``."""
    from outlet_pos.demo_lokal_fish import setup_fish
    from outlet_pos.demo_lokal_parcels import desk_day, plan_parcels, setup_desk

    pengurus = _user("pengurus")
    demo = Demo(
        coop=coop,
        outlet=db.session.scalar(
            select(Outlet).where(Outlet.cooperative_id == coop.id).order_by(Outlet.id)
        ),
        # Seeded: the demo comes out the same on every run (no secret).
        rng=random.Random(seed),  # nosec B311
        pengurus=pengurus,
        kasir=_user("kasir2", _user("kasir", pengurus)),
        petugas=_user("logistik", pengurus),
        bendahara=_user("bendahara", pengurus),
        members=list(
            db.session.scalars(
                select(Member)
                .where(Member.cooperative_id == coop.id, Member.status == "aktif")
                .order_by(Member.id)
                .limit(40)
            )
        ),
    )
    span = (last - first).days
    local_days = spread(first, last, max(3, min(8, span // 6)))
    desk_days = spread(first, last, max(4, min(12, span // 3)))
    demo.stats["local_days"], demo.stats["desk_days"] = len(local_days), len(desk_days)
    setup_desk(demo, first - timedelta(days=45), desk_days[len(desk_days) // 2])
    with business_day(coop, local_days[0]):
        open_units(demo)
        setup_fish(demo)
        _stock_lpg(demo, local_days[0], 12 * len(local_days))
    plan = plan_parcels(demo, desk_days)
    for day in sorted(set(local_days) | set(desk_days)):
        with business_day(coop, day):
            if day in local_days:
                n = local_days.index(day)
                _counter_day(demo, day, n, len(local_days))
            if day in desk_days:
                desk_day(demo, plan, desk_days.index(day), day)
    # The fisheries' price list for today, so the purchase form is ready to use.
    from outlet_pos.units.lokal.fish import prices_for, set_prices

    unit = demo.units["perikanan"]
    prices = prices_for(coop, unit, last)
    if prices:
        set_prices(coop, unit, coop.today(), prices, demo.pengurus)
    return demo.stats


# --- the local units ----------------------------------------------------------------------


def open_units(demo: Demo) -> None:
    """The units a pengurus opens from the "unit lokal" form, and their catalogs."""
    from outlet_pos.units.lokal.units import add_item, create_local_unit

    coop, outlet = demo.coop, demo.outlet
    specs = [
        ("lpg", "LPG 3 kg", "lpg", ["jual"], {"limit_per_nik_per_day": 2, "het": LPG_HET}),
        ("dingin", "Cold storage", "cold_storage", ["sewa"], {"rate_per_crate_per_day": 4_000}),
        ("agen", "Agen BRILink/PPOB", "agen", ["fee_agen"], {"types": AGENT_FEES}),
        ("ternak", "Peternakan", "peternakan", ["jual", "beli_anggota"], {}),
    ]
    for code, name, template, flows, settings in specs:
        demo.units[code] = create_local_unit(
            coop, demo.pengurus, name=name, code=code, outlet_id=outlet.id, template=template,
            flows=flows, settings=settings,
        )  # fmt: skip
    demo.units["perikanan"] = fisheries_unit(demo)
    demo.items["lpg"] = add_item(
        coop, demo.units["lpg"], demo.pengurus, name="LPG 3 kg (isi ulang)", base_uom="tabung",
        price_member=LPG_HET, price_general=LPG_HET, sku="LPG-3KG",
    )  # fmt: skip


def fisheries_unit(demo: Demo) -> BusinessUnit:
    """The demo's "perikanan" unit (made in code by ``demo.py``) with its fisheries profile,
    or a fisheries unit opened from the form when the cooperative has none.

    The local-units service only opens NEW units; a unit made before it existed gets its
    profile here, with the service's own settings check and audit trail."""
    from outlet_pos.core.audit import record
    from outlet_pos.units.lokal.models import TEMPLATES, LocalUnitProfile, profile_of
    from outlet_pos.units.lokal.units import clean_settings, create_local_unit

    coop = demo.coop
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.code == "perikanan"
        )
    )
    if unit is None:
        return create_local_unit(
            coop, demo.pengurus, name="Perikanan", code="perikanan", outlet_id=demo.outlet.id,
            template="perikanan", flows=["jual", "beli_anggota"], settings={},
        )  # fmt: skip
    if profile_of(unit) is None:
        profile = LocalUnitProfile(unit_id=unit.id, cooperative_id=coop.id, template="perikanan",
                                   created_by_id=demo.pengurus.id)  # fmt: skip
        profile.flows = TEMPLATES["perikanan"][1]
        profile.settings = clean_settings("perikanan", {})
        db.session.add(profile)
        db.session.flush()
        record("local.unit.create", user=demo.pengurus, cooperative=coop, target=unit.code,
               detail={"template": "perikanan", "flows": profile.flows})  # fmt: skip
    return unit


def _stock_lpg(demo: Demo, day: date, qty: int) -> None:
    """The base's refills from the Pertamina agent, paid by bank transfer."""
    coop, item = demo.coop, demo.items["lpg"]
    location = default_location(coop, demo.outlet, demo.units["lpg"])
    receive(location, item, Decimal(qty), qty * LPG_COST, day=day, source="demo")
    post(coop, day, f"Penerimaan {qty} tabung LPG 3 kg dari agen Pertamina (transfer)",
         inventory_ledger_lines([(item, qty * LPG_COST)], debit_account="112100",
                                inventory_side="debit"),
         source="stock", user=demo.pengurus)  # fmt: skip


# --- one day at the local units' counter -------------------------------------------------


def _counter_day(demo: Demo, day: date, n: int, days: int) -> None:
    """Morning to evening at the local counter: catch bought, LPG and fish sold, crates in
    and out, the agent desk, the herd; the shift closes balanced."""
    from outlet_pos.demo_lokal_fish import fish_day, livestock_day

    coop, kasir = demo.coop, demo.kasir
    shift = open_shift(coop, kasir, demo.outlet, 2_500_000, day=day)
    shift.opened_at = clock(coop, day, 7, 10)
    demo.shift = shift
    fish_day(demo, day, n, days)
    _lpg_day(demo, day, n)
    _cold_day(demo, day, n, days)
    _agent_day(demo, day, n, days)
    livestock_day(demo, day, n, days)
    _deliveries(demo, day)
    close_shift(shift, kasir, expected_cash(shift), day=day)
    shift.closed_at = clock(coop, day, 17, 5)
    demo.shift = None


def _lpg_day(demo: Demo, day: date, n: int) -> None:
    """Buyers show their KTP; one or two tabung each (the base's limit is two a day), at the
    HET. A member's order is delivered to the house."""
    rng, item = demo.rng, demo.items["lpg"]
    buyers = [(_buyer_nik(i), name, None) for i, name in enumerate(LPG_BUYERS)]
    buyers += [(m.nik, m.name, m) for m in demo.members[:4]]
    for nik, name, member in rng.sample(buyers, k=min(len(buyers), 5)):
        qty = rng.choice([1, 1, 2])
        sale = checkout(
            demo.shift, [CartLine(item.id, qty=qty)], [PaymentIn("tunai", qty * LPG_HET)],
            user=demo.kasir, member=member, extra={"nik": nik, "buyer_name": name}, day=day,
        )  # fmt: skip
        demo.count("lpg_sales")
        if member is not None and len(demo.deliveries) < min(4, 1 + n):
            demo.deliveries.append(sale)


def _buyer_nik(i: int) -> str:
    """A NIK of Kutai Kartanegara (64.02) for a non-member LPG buyer; women's day + 40."""
    day = 3 + i * 2 if i % 2 == 0 else 43 + i
    return f"640211{day:02d}{(i % 12) + 1:02d}{70 + i:02d}{100 + i:04d}"


def _cold_day(demo: Demo, day: date, n: int, days: int) -> None:
    """Crates come in on the first days and leave (billed) on later ones; some stay."""
    from outlet_pos.units.lokal import cold_storage
    from outlet_pos.units.lokal.models import ColdStorageLot

    coop, unit = demo.coop, demo.units["dingin"]
    if n in (0, 1, days - 1):
        owners = [(o, None) for o in COLD_OWNERS] + [(m.name, m) for m in demo.members[4:6]]
        owner, member = owners[(n * 2) % len(owners)]
        for who, mem in ((owner, member), owners[(n * 2 + 1) % len(owners)]):
            # a cashier may date a check-in at most a day back; the history is the pengurus's
            clerk = demo.kasir if (coop.today() - day).days <= 1 else demo.pengurus
            cold_storage.check_in(coop, unit, clerk, owner_name=who,
                                  crates=demo.rng.randint(3, 12), day=day,
                                  member_id=mem.id if mem else None,
                                  note="Ikan segar es curah")  # fmt: skip
            demo.count("cold_in")
    if 0 < n < days - 1:
        lot = db.session.scalar(
            select(ColdStorageLot)
            .where(ColdStorageLot.unit_id == unit.id, ColdStorageLot.checked_out.is_(None),
                   ColdStorageLot.checked_in < day)
            .order_by(ColdStorageLot.id)
            .limit(1)
        )  # fmt: skip
        if lot is not None:
            cold_storage.check_out(coop, lot, demo.kasir, method="tunai", day=day)
            demo.count("cold_out")


def _agent_day(demo: Demo, day: date, n: int, days: int) -> None:
    """A few transactions a day; the last day has the whole mix and is settled with the
    provider by bank transfer at the end of it."""
    from outlet_pos.units.lokal import agent

    coop, unit, rng = demo.coop, demo.units["agen"], demo.rng
    mix = AGENT_MIX if n == days - 1 else rng.sample(AGENT_MIX, k=3)
    for k, (txn_type, amounts) in enumerate(mix):
        customer = rng.choice(LPG_BUYERS)
        txn = agent.record_txn(
            coop, unit, demo.kasir, txn_type=txn_type, amount=rng.choice(amounts),
            fee=AGENT_FEES[txn_type], customer=customer,
            reference=f"REF{day:%y%m%d}{rng.randint(1000, 9999)}",
        )  # fmt: skip
        txn.created_at = clock(coop, day, 9 + k, rng.randint(0, 59))
        demo.count("agent_txns")
    if n == days - 1:
        agent.settle(coop, unit, demo.bendahara, bank_account="112100")
        demo.count("agent_settlements")


def _deliveries(demo: Demo, day: date) -> None:
    """The day's member orders go to their houses with the cooperative's own courier: free
    for a member within the desa, Rp5.000 further out; delivered the same afternoon."""
    from outlet_pos.demo_lokal_parcels import deliver

    for sale in [s for s in demo.deliveries if s.date == day]:
        deliver(demo, sale, day)
