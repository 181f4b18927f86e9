"""Livestock (template "peternakan", DESIGN §3.11): the animal register, buying, feeding and
care, weighing, selling per head or per kg, and deaths.

Each animal is inventory of its unit: one item per species (base unit "ekor", tracked by
batch, kept inactive so the ordinary counter cannot sell it at a catalogue price) and one
batch per animal (its ear tag), one head. The inventory core therefore holds its value and
``verify`` keeps 114100 of the unit equal to the herd's value with no check of our own.

Feed and care are CAPITALISED into the animal's carrying cost (Dr 114100 / Cr cash or Utang
usaha), not expensed: the animal is held for sale and what it eats is what it will be sold
for, so its margin at sale is sale price - (purchase + feed + care). In stock this is the
head leaving and re-entering its batch at the higher value (the ``transfer`` pair the core
uses for a move, here in place), because the core moves value only together with a quantity.

Entries (one per action, source "stock"):
- buy:   Dr 114100 (unit; the seller's member id, which SHU counts as sold to the
         cooperative) / Cr 111100 (shift) or 211100 Utang usaha;
- feed:  Dr 114100 (unit) / Cr 111100 (shift) or 211100;
- sale:  Dr 111100 or 112900 (shift) / Cr 411100 member or 411200 non-member (unit, member);
         Dr 511100 / Cr 114100 the carrying cost (unit) — one entry;
- death: Dr 617100 / Cr 114100 the carrying cost (unit).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Batch, Item, Location
from outlet_pos.core.inventory.services import issue, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.common import COGS_ACCOUNT, REVENUE, lock_row
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.lokal.fish_common import (
    INVENTORY,
    SOURCE,
    check_amount,
    counter_shift,
    line_amount,
    member_of,
    parse_weight,
    paying_side,
    unit_location,
)
from outlet_pos.units.lokal.fish_models import (
    COST_KINDS,
    SEXES,
    SPECIES,
    Animal,
    AnimalCost,
    AnimalWeight,
)

WRITE_OFF = "617100"
PAID_FROM = {"tunai": "Tunai dari laci kasir", "utang": "Utang usaha (bayar nanti)"}
SALE_METHODS = {"tunai": shifts.CASH_ACCOUNT, "qris": "112900"}
SALE_BASES = {"ekor": "Per ekor", "kg": "Per kg bobot hidup"}
ONE = Decimal(1)


def species_item(coop: Cooperative, unit: BusinessUnit, species: str) -> Item:
    """The unit's item for one species, made on the first animal of that species."""
    if species not in SPECIES:
        raise ValidationError("Pilih jenis ternak.", field="species")
    sku = f"TRK-{unit.code}-{species}"[:40]
    item = db.session.scalar(select(Item).where(Item.cooperative_id == coop.id, Item.sku == sku))
    if item is None:
        item = save_item(
            coop,
            unit=unit,
            sku=sku,
            name=f"{SPECIES[species]} ({unit.name})"[:200],
            base_uom="ekor",
            units=[UnitSpec("ekor", ONE, 0, 0)],
            category="Ternak",
            decimals=0,
            taxable=False,
            track_batch=True,
            active=False,
        )
    elif item.unit_id != unit.id:
        raise DomainError(f"Kode barang {sku} sudah dipakai unit lain.")
    return item


def buy_animal(
    coop: Cooperative,
    unit: BusinessUnit,
    user,
    *,
    tag: str,
    species: str,
    sex: str,
    cost: int,
    paid_from: str,
    seller_name: str = "",
    member_id: int | None = None,
    weight: object = None,
    note: str = "",
) -> Animal:
    """Register a bought animal into stock at its cost, with one entry (flush only)."""
    tag = (tag or "").strip().upper()
    if not tag or len(tag) > 30:
        raise ValidationError("Nomor eartag wajib diisi (maksimal 30 karakter).", field="tag")
    if sex not in SEXES:
        raise ValidationError("Pilih jenis kelamin.", field="sex")
    cost = check_amount(cost, "cost")
    clash = db.session.scalar(
        select(Animal.id).where(
            Animal.cooperative_id == coop.id, Animal.unit_id == unit.id, Animal.tag == tag
        )
    )
    if clash is not None:
        raise ValidationError(f"Eartag {tag} sudah terdaftar di unit ini.", field="tag")
    member = member_of(coop, member_id, "member")
    seller = member.name if member else (seller_name or "").strip()[:200]
    start_weight = parse_weight(weight) if weight not in (None, "") else None
    item = species_item(coop, unit, species)
    credit, shift = paying_side(coop, user, paid_from, cost)
    day = coop.today()
    location = unit_location(coop, unit, shift or shifts.open_shift_for(user, coop=coop))
    receive(location, item, ONE, cost, day=day, source=f"ternak:{tag}", batch=tag)
    batch_id = db.session.scalar(
        select(Batch.id).where(Batch.item_id == item.id, Batch.code == tag)
    )
    entry = post(
        coop,
        day,
        f"Beli {SPECIES[species].lower()} {tag}" + (f" dari {seller}" if seller else ""),
        [
            LineInput(INVENTORY, cost, 0, unit.id, getattr(member, "id", None), tag),
            LineInput(credit, 0, cost),
        ],
        source=SOURCE,
        source_ref=f"ternak:{tag}",
        unit=unit.id,
        user=user,
        shift=shift,
    )
    animal = Animal(
        cooperative_id=coop.id,
        unit_id=unit.id,
        item_id=item.id,
        batch_id=batch_id,
        location_id=location.id,
        tag=tag,
        species=species,
        sex=sex,
        bought_on=day,
        seller_name=seller,
        member_id=getattr(member, "id", None),
        purchase_cost=cost,
        carrying_cost=cost,
        status="ada",
        note=(note or "").strip()[:300],
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(animal)
    db.session.flush()
    db.session.add(
        AnimalCost(
            cooperative_id=coop.id,
            animal_id=animal.id,
            day=day,
            kind="beli",
            amount=cost,
            paid_from=paid_from,
            description=f"Beli dari {seller}"[:200],
            entry_id=entry.id,
            created_by_id=getattr(user, "id", None),
        )
    )
    if start_weight is not None:
        db.session.add(
            AnimalWeight(
                cooperative_id=coop.id,
                animal_id=animal.id,
                day=day,
                weight=start_weight,
                note="Bobot saat dibeli",
                created_by_id=getattr(user, "id", None),
            )
        )
    db.session.flush()
    record("livestock.buy", user=user, cooperative=coop, target=tag, detail={"cost": cost})
    return animal


def _live(coop: Cooperative, animal: Animal) -> Animal:
    """Lock the animal and check it is still in the herd (two sales at once: one wins)."""
    if animal.cooperative_id != coop.id:
        raise DomainError("Ternak tidak ditemukan.")
    animal = lock_row(Animal, animal.id)
    if animal.status != "ada":
        raise DomainError(f"Ternak {animal.tag} sudah {animal.status_label.lower()}.")
    return animal


def _take_out(animal: Animal, day: date, kind: str, source: str) -> int:
    """The head leaves its batch; returns the value that left (its carrying cost)."""
    location = db.session.get(Location, animal.location_id)
    item = db.session.get(Item, animal.item_id)
    chunks = issue(
        location,
        item,
        ONE,
        day=day,
        source=source,
        kind=kind,
        batch_id=animal.batch_id,
        allow_expired=True,
        total_cost=animal.carrying_cost,
    )
    return sum(c.cost for c in chunks)


def add_cost(
    coop: Cooperative,
    animal: Animal,
    user,
    *,
    kind: str,
    amount: int,
    paid_from: str,
    description: str = "",
    idempotency_key: str | None = None,
) -> AnimalCost:
    """Feed or care bought for one animal, capitalised into its carrying cost.

    ``idempotency_key`` is the form's one-time key: a double submit returns the first cost
    instead of paying the drawer out twice."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        done = db.session.scalar(
            select(AnimalCost).where(
                AnimalCost.cooperative_id == coop.id, AnimalCost.idempotency_key == key
            )
        )
        if done is not None:
            return done
    if kind not in COST_KINDS or kind == "beli":
        raise ValidationError("Pilih jenis biaya: pakan atau perawatan.", field="kind")
    amount = check_amount(amount)
    animal = _live(coop, animal)
    credit, shift = paying_side(coop, user, paid_from, amount)
    day = coop.today()
    source = f"pakan:{animal.tag}"
    before = _take_out(animal, day, "transfer_out", source)
    location = db.session.get(Location, animal.location_id)
    item = db.session.get(Item, animal.item_id)
    receive(
        location,
        item,
        ONE,
        before + amount,
        day=day,
        source=source,
        kind="transfer_in",
        batch=animal.tag,
    )
    text = (description or "").strip()[:200] or COST_KINDS[kind]
    entry = post(
        coop,
        day,
        f"{COST_KINDS[kind]} ternak {animal.tag}: {text}"[:500],
        [(INVENTORY, amount, 0, animal.unit_id, None, animal.tag), (credit, 0, amount)],
        source=SOURCE,
        source_ref=source,
        unit=animal.unit_id,
        user=user,
        shift=shift,
    )
    animal.carrying_cost = before + amount
    cost = AnimalCost(
        cooperative_id=coop.id,
        animal_id=animal.id,
        day=day,
        kind=kind,
        amount=amount,
        paid_from=paid_from,
        description=text,
        entry_id=entry.id,
        created_by_id=getattr(user, "id", None),
        idempotency_key=key,
    )
    db.session.add(cost)
    db.session.flush()
    return cost


def weigh(coop: Cooperative, animal: Animal, user, weight: object, note: str = "") -> AnimalWeight:
    """Record a weighing (no money moves)."""
    animal = _live(coop, animal)
    row = AnimalWeight(
        cooperative_id=coop.id,
        animal_id=animal.id,
        day=coop.today(),
        weight=parse_weight(weight),
        note=(note or "").strip()[:200],
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    return row


def sell_animal(
    coop: Cooperative,
    animal: Animal,
    user,
    *,
    basis: str,
    price: int,
    method: str = "tunai",
    weight: object = None,
    buyer_member_id: int | None = None,
    buyer_name: str = "",
    approver=None,
) -> Animal:
    """Sell one animal at the counter in the shift: revenue and its cost in one entry.

    Below its carrying cost the sale is a loss the unit's manager decides: a cashier is
    refused unless a local.manage ``approver`` is given."""
    if basis not in SALE_BASES:
        raise ValidationError("Pilih dasar harga: per ekor atau per kg.", field="basis")
    if method not in SALE_METHODS:
        raise ValidationError("Pilih cara bayar.", field="method")
    price = check_amount(price, "price")
    sale_weight = parse_weight(weight) if basis == "kg" else None
    amount = price if basis == "ekor" else line_amount(sale_weight, price)
    animal = _live(coop, animal)
    if amount < animal.carrying_cost and not any(
        who is not None and who.can("local.manage", coop) for who in (user, approver)
    ):
        raise DomainError(
            f"Harga {format_rupiah(amount)} di bawah nilai ternak "
            f"{format_rupiah(animal.carrying_cost)}; penjualan rugi perlu persetujuan pengurus.",
            field="price",
        )
    buyer = member_of(coop, buyer_member_id, "buyer_member")
    shift = counter_shift(coop, user)
    day = coop.today()
    cost = _take_out(animal, day, "sale", f"jual-ternak:{animal.tag}")
    revenue = REVENUE["member" if buyer else "general"]
    member_id = getattr(buyer, "id", None)
    lines = [
        LineInput(SALE_METHODS[method], amount, 0, None, None, animal.tag),
        LineInput(revenue, 0, amount, animal.unit_id, member_id, animal.tag),
    ]
    if cost:
        lines += [
            LineInput(COGS_ACCOUNT, cost, 0, animal.unit_id, None, animal.tag),
            LineInput(INVENTORY, 0, cost, animal.unit_id, None, animal.tag),
        ]
    name = buyer.name if buyer else (buyer_name or "").strip()[:200]
    entry = post(
        coop,
        day,
        f"Jual {animal.species_label.lower()} {animal.tag}" + (f" kepada {name}" if name else ""),
        lines,
        source=SOURCE,
        source_ref=f"jual-ternak:{animal.tag}",
        unit=animal.unit_id,
        user=user,
        shift=shift,
    )
    animal.status, animal.closed_on, animal.close_entry_id = "terjual", day, entry.id
    animal.buyer_member_id, animal.buyer_name = member_id, name
    animal.sale_basis, animal.sale_weight, animal.sale_price = basis, sale_weight, price
    animal.sale_amount, animal.cost_of_sale, animal.carrying_cost = amount, cost, 0
    if sale_weight is not None:
        db.session.add(
            AnimalWeight(
                cooperative_id=coop.id,
                animal_id=animal.id,
                day=day,
                weight=sale_weight,
                note="Bobot saat dijual",
                created_by_id=getattr(user, "id", None),
            )
        )
    db.session.flush()
    record(
        "livestock.sell",
        user=user,
        cooperative=coop,
        target=animal.tag,
        detail={"amount": amount, "cost": cost, "basis": basis},
    )
    return animal


def record_death(coop: Cooperative, animal: Animal, user, note: str) -> Animal:
    """A dead animal leaves stock; its carrying cost is written off to 617100."""
    note = (note or "").strip()
    if len(note) < 3:
        raise ValidationError("Tuliskan sebab kematian.", field="note")
    animal = _live(coop, animal)
    day = coop.today()
    cost = _take_out(animal, day, "write_off", f"mati:{animal.tag}")
    entry = None
    if cost:
        entry = post(
            coop,
            day,
            f"Ternak {animal.tag} mati: {note}"[:500],
            [
                (WRITE_OFF, cost, 0, animal.unit_id, None, animal.tag),
                (INVENTORY, 0, cost, animal.unit_id, None, animal.tag),
            ],
            source=SOURCE,
            source_ref=f"mati:{animal.tag}",
            unit=animal.unit_id,
            user=user,
        )
    animal.status, animal.closed_on = "mati", day
    animal.close_entry_id = entry.id if entry else None
    animal.cost_of_sale, animal.carrying_cost = cost, 0
    animal.note = f"{animal.note} · Mati: {note}".strip(" ·")[:300]
    db.session.flush()
    record(
        "livestock.death",
        user=user,
        cooperative=coop,
        target=animal.tag,
        detail={"cost": cost, "note": note},
    )
    return animal


def herd(coop: Cooperative, unit: BusinessUnit, status: str | None = None) -> list[Animal]:
    stmt = select(Animal).where(Animal.cooperative_id == coop.id, Animal.unit_id == unit.id)
    if status:
        stmt = stmt.where(Animal.status == status)
    return list(db.session.scalars(stmt.order_by(Animal.status, Animal.tag)))
