"""Demo days of the fisheries and livestock units (part of :mod:`outlet_pos.demo_lokal`).

Fisheries: each counter day the pengurus sets the day's buying price per kg and grade, member
fishers bring their catch — paid from the drawer or, for some, into their simpanan sukarela
(both count as the member's participation for SHU) — and the fish is sold on by the kg at the
counter through the ordinary checkout. Livestock: a few animals bought from members and a
trader, fed and weighed on later days, and one goat sold per kg of live weight.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.shifts import expected_cash

if TYPE_CHECKING:
    from outlet_pos.demo_lokal import Demo

# (name, buying price per kg for grades A/B/C, counter price member/general per kg)
FISH = [
    ("Ikan nila", (32_000, 27_000, 22_000), (36_000, 38_000)),
    ("Ikan patin", (26_000, 22_000, 18_000), (30_000, 32_000)),
    ("Ikan baung", (60_000, 52_000, 45_000), (68_000, 72_000)),
    ("Udang galah", (95_000, 82_000, 70_000), (110_000, 118_000)),
]
GRADES = ("A", "B", "C")
# (tag, species, sex, cost, weight kg at purchase, seller: member index or trader name)
ANIMALS = [
    ("KB-001", "kambing", "jantan", 2_150_000, "28,5", 0),
    ("KB-002", "kambing", "betina", 1_900_000, "24,0", 1),
    ("DB-001", "domba", "jantan", 1_450_000, "22,5", 2),
    ("SP-001", "sapi", "jantan", 14_500_000, "265", "Pedagang sapi Pasar Hewan Loa Kulu"),
]


def _fishers(demo: Demo) -> list[Member]:
    """Members who fish for a living (the demo's river fishers), else a few members."""
    fishers = [m for m in demo.members if "nelayan" in (m.occupation or "").lower()]
    return (fishers + [m for m in demo.members[6:] if m not in fishers])[:5]


def setup_fish(demo: Demo) -> None:
    """The fisheries' catalog: fish weighed in kg, sold per kg at the counter."""
    from outlet_pos.units.lokal.fish import add_fish_item

    unit = demo.units["perikanan"]
    for name, _buy, (member, general) in FISH:
        demo.items[name] = add_fish_item(demo.coop, unit, name, member, general, demo.pengurus)


def fish_day(demo: Demo, day: date, n: int, days: int) -> None:
    """The day's price list, two or three fishers' catch, and the fish sold on."""
    from outlet_pos.units.lokal.fish import CatchLine, buy_catch, set_prices

    coop, unit, rng = demo.coop, demo.units["perikanan"], demo.rng
    swing = rng.choice([-1_000, 0, 0, 1_000, 2_000])  # the day's market
    prices = {(demo.items[name].id, g): p + swing
              for name, buy, _sell in FISH for g, p in zip(GRADES, buy, strict=True)}  # fmt: skip
    set_prices(coop, unit, day, prices, demo.pengurus)
    bought: dict[str, Decimal] = {}
    fishers = _fishers(demo)
    for k, fisher in enumerate(rng.sample(fishers, k=min(len(fishers), rng.choice([2, 3])))):
        lines = []
        for name, _buy, _sell in rng.sample(FISH, k=rng.choice([1, 2])):
            kg = Decimal(rng.randint(40, 220)) / 10 if name != "Udang galah" else Decimal(
                rng.randint(15, 60)) / 10  # fmt: skip
            lines.append(CatchLine(demo.items[name].id, rng.choice(["A", "A", "B", "C"]), kg))
            bought[name] = bought.get(name, Decimal(0)) + kg
        # Every other fisher saves the catch money: paid into simpanan sukarela.
        method = "sukarela" if (n + k) % 2 == 0 else "tunai"
        buy_catch(coop, unit, demo.kasir, lines=lines, method=method, member_id=fisher.id)
        demo.count("fish_purchases")
        demo.count(f"fish_{method}")
    # Sold on at the counter the same day: about two thirds of the catch, by the kg.
    for name, kg in sorted(bought.items()):
        item = demo.items[name]
        left = (kg * 2 / 3).quantize(Decimal("0.1"))
        while left >= Decimal("0.5"):
            qty = min(left, Decimal(rng.randint(10, 60)) / 10)
            member = rng.choice([None, None, *demo.members[:3]])
            price = FISH[[f[0] for f in FISH].index(name)][2][0 if member else 1]
            pay = -(-int(qty * price) // 1_000) * 1_000 + 1_000  # rounded up: change is given
            checkout(demo.shift, [CartLine(item.id, qty=qty)], [PaymentIn("tunai", pay)],
                     user=demo.kasir, member=member, day=day)  # fmt: skip
            demo.count("fish_sales")
            left -= qty


def livestock_day(demo: Demo, day: date, n: int, days: int) -> None:
    """First day: the animals come in. Later days: feed and weighing. Last day: the billy
    goat is weighed and sold per kg of live weight."""
    from outlet_pos.units.lokal import livestock

    coop, unit = demo.coop, demo.units["ternak"]
    if n == 0:
        sellers = [m for m in demo.members if m not in _fishers(demo)][-3:]
        for tag, species, sex, cost, weight, seller in ANIMALS:
            member = sellers[seller] if isinstance(seller, int) and seller < len(sellers) else None
            paid = "tunai" if cost <= expected_cash(demo.shift) - 500_000 else "utang"
            clerk = demo.kasir if paid == "tunai" else demo.pengurus  # on credit: the pengurus
            livestock.buy_animal(
                coop, unit, clerk, tag=tag, species=species, sex=sex, cost=cost,
                paid_from=paid, member_id=member.id if member else None,
                seller_name="" if member else str(seller), weight=weight,
                note="Dibeli untuk penggemukan",
            )  # fmt: skip
            demo.count("animals")
        return
    herd = livestock.herd(coop, unit, "ada")
    weights = {}
    for animal in herd:
        grown = Decimal(n) * (Decimal("1.2") if animal.species != "sapi" else Decimal(9))
        start = animal.weights[0].weight if animal.weights else Decimal(20)
        weights[animal.tag] = start + grown
        livestock.weigh(coop, animal, demo.kasir, weights[animal.tag], note="Timbang rutin")
        feed = 60_000 if animal.species != "sapi" else 250_000
        paid = "tunai" if feed <= expected_cash(demo.shift) - 200_000 else "utang"
        clerk = demo.kasir if paid == "tunai" else demo.pengurus  # on credit: the pengurus
        livestock.add_cost(coop, animal, clerk, kind="pakan", amount=feed, paid_from=paid,
                           description="Rumput, konsentrat dan ampas tahu")  # fmt: skip
    if n == days - 1:
        goat = next((a for a in herd if a.tag == "KB-001"), None)
        if goat is not None:
            livestock.sell_animal(coop, goat, demo.kasir, basis="kg", price=80_000,
                                  weight=weights[goat.tag], method="tunai",
                                  buyer_name="Pak Haji Mansur (aqiqah)")  # fmt: skip
            demo.count("animals_sold")
