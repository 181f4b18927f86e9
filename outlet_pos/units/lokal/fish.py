"""Fisheries (template "perikanan", DESIGN §3.11): the day's buying prices and buying catch
from fishers by weight and grade.

A purchase is one business action and one journal entry (DESIGN §3.2 "buying from a member"):
- the fish goes into stock at the price paid (inventory ``receive`` with ``total_cost``), so
  Dr 114100 carries the fish unit and, for a member, the member id: ``member_bases`` counts
  those lines as goods the member sold to the cooperative (SHU participation);
- paid ``tunai``: Cr 111100 carrying the buyer's open shift (the drawer count expects it);
- paid ``sukarela``: Cr 211200 through the savings service ``apply_moves``, which keeps the
  member's SavingsAccount.balance and its SavingsTxn in the same entry (verify ties them).
Selling the fish on needs nothing here: the items sell through the ordinary checkout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import check_base_qty, fmt_qty, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.lokal.fish_common import (
    INVENTORY,
    MAX_PRICE,
    SOURCE,
    counter_shift,
    drawer_has,
    line_amount,
    parse_weight,
    unit_location,
    void_reason,
)
from outlet_pos.units.lokal.fish_models import (
    FISH_METHODS,
    GRADES,
    FishPrice,
    FishPurchase,
    FishPurchaseLine,
)


def fish_items(coop: Cooperative, unit: BusinessUnit) -> list[Item]:
    """The unit's items weighed in kg: what the price list and the purchase form offer."""
    return list(
        db.session.scalars(
            select(Item)
            .where(
                Item.cooperative_id == coop.id,
                Item.unit_id == unit.id,
                Item.base_uom == "kg",
                Item.active.is_(True),
            )
            .order_by(Item.name)
        )
    )


def add_fish_item(
    coop: Cooperative, unit: BusinessUnit, name: str, price_member: int, price_general: int, user
) -> Item:
    """A fish item of the unit, stock in kg to 3 decimals, sold per kg at the counter."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Nama ikan wajib diisi.", field="name")
    seq = next_value(coop.id, "IKAN-SKU", str(unit.id))
    return save_item(
        coop,
        unit=unit,
        sku=f"IKN-{unit.code}-{seq:03d}"[:40],
        name=name,
        base_uom="kg",
        units=[UnitSpec("kg", Decimal(1), price_member, price_general)],
        category="Ikan",
        decimals=3,
        taxable=False,  # fresh fish: basic food, no PPN (PP 49/2022)
        user=user,
    )


def prices_for(coop: Cooperative, unit: BusinessUnit, day: date) -> dict[tuple[int, str], int]:
    """{(item id, grade): price per kg} set for ``day``."""
    return {
        (p.item_id, p.grade): p.price
        for p in db.session.scalars(
            select(FishPrice).where(
                FishPrice.cooperative_id == coop.id,
                FishPrice.unit_id == unit.id,
                FishPrice.day == day,
            )
        )
    }


def set_prices(
    coop: Cooperative,
    unit: BusinessUnit,
    day: date,
    prices: dict[tuple[int, str], int | None],
    user,
) -> int:
    """Set (or clear, with ``None``) the day's price per kg of item × grade; returns how many
    prices the day now has. Purchases already made keep the price they were paid.

    Only a manager (local.manage) sets them: the price list is what the cashier pays fishers
    from the drawer, so the one paying out must not also set the price."""
    if user is None or not user.can("local.manage", coop):
        raise DomainError("Harga ikan hanya diubah oleh pengelola unit; kasir hanya membacanya.")
    items = {i.id: i for i in fish_items(coop, unit)}
    existing = {
        (p.item_id, p.grade): p
        for p in db.session.scalars(
            select(FishPrice).where(
                FishPrice.cooperative_id == coop.id,
                FishPrice.unit_id == unit.id,
                FishPrice.day == day,
            )
        )
    }
    for (item_id, grade), price in prices.items():
        if item_id not in items or grade not in GRADES:
            raise ValidationError("Jenis ikan atau mutu tidak dikenal.", field="prices")
        if price is not None and (type(price) is not int or not 0 < price <= MAX_PRICE):
            raise ValidationError(
                f"Harga {items[item_id].name} mutu {grade} harus rupiah bulat lebih dari nol.",
                field="prices",
            )
        row = existing.get((item_id, grade))
        if price is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = FishPrice(
                cooperative_id=coop.id, unit_id=unit.id, day=day, item_id=item_id, grade=grade
            )
            db.session.add(row)
        row.price = price
        row.set_by_id = getattr(user, "id", None)
    db.session.flush()
    record(
        "fish.prices",
        user=user,
        cooperative=coop,
        target=f"{unit.code} {day.isoformat()}",
        detail={f"{i}-{g}": p for (i, g), p in prices.items()},
    )
    return len(prices_for(coop, unit, day))


@dataclass(frozen=True)
class CatchLine:
    """One line as the form gives it: item, grade, weight text, optional price override."""

    item_id: int
    grade: str
    weight: object
    price: int | None = None


def _priced_lines(coop, unit, day, lines: list[CatchLine], user) -> list[FishPurchaseLine]:
    if not lines:
        raise ValidationError("Isi paling sedikit satu baris ikan.", field="lines")
    items = {i.id: i for i in fish_items(coop, unit)}
    listed = prices_for(coop, unit, day)
    may_override = user is not None and user.can("local.manage", coop)
    out = []
    for no, ln in enumerate(lines):
        field = f"lines-{no}-weight"
        item = items.get(ln.item_id)
        if item is None:
            raise ValidationError(f"Baris {no + 1}: pilih jenis ikan.", field=f"lines-{no}-item")
        if ln.grade not in GRADES:
            raise ValidationError(f"Baris {no + 1}: pilih mutu.", field=f"lines-{no}-grade")
        weight = check_base_qty(item, parse_weight(ln.weight, field))
        list_price = listed.get((item.id, ln.grade))
        price = list_price
        if ln.price is not None and ln.price != list_price:
            if not may_override:
                raise DomainError(
                    f"Baris {no + 1}: harga di luar daftar harga hari ini hanya boleh diubah "
                    "oleh pengurus.",
                    field=f"lines-{no}-price",
                )
            if type(ln.price) is not int or not 0 < ln.price <= MAX_PRICE:
                raise ValidationError(
                    f"Baris {no + 1}: harga harus lebih dari nol.", field=f"lines-{no}-price"
                )
            price = ln.price
        if price is None:
            raise DomainError(
                f"Belum ada harga hari ini untuk {item.name} mutu {ln.grade}; isi daftar harga "
                "harian dulu.",
                field=f"lines-{no}-grade",
            )
        out.append(
            FishPurchaseLine(
                cooperative_id=coop.id,
                item_id=item.id,
                grade=ln.grade,
                weight=weight,
                list_price=list_price,
                price=price,
                amount=line_amount(weight, price),
            )
        )
        out[-1].item = item
    return out


def _seller(coop: Cooperative, member_id: int | None, name: str) -> tuple[Member | None, str]:
    if member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None or member.cooperative_id != coop.id:
            raise ValidationError("Anggota tidak ditemukan.", field="member")
        if member.status != "aktif":
            raise DomainError(f"{member.name} bukan anggota aktif.", field="member")
        return member, member.name
    name = (name or "").strip()
    if len(name) < 2 or len(name) > 200:
        raise ValidationError("Pilih anggota nelayan atau tulis nama penjual.", field="seller_name")
    return None, name


def buy_catch(
    coop: Cooperative,
    unit: BusinessUnit,
    user,
    *,
    lines: list[CatchLine],
    method: str,
    member_id: int | None = None,
    seller_name: str = "",
    idempotency_key: str | None = None,
) -> FishPurchase:
    """Buy catch from one fisher (flush only): stock in at the price paid, one entry, paid
    from the drawer or into the member's sukarela. A refusal writes nothing."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        done = db.session.scalar(
            select(FishPurchase).where(
                FishPurchase.cooperative_id == coop.id, FishPurchase.idempotency_key == key
            )
        )
        if done is not None:
            return done
    if method not in FISH_METHODS:
        raise ValidationError("Pilih cara bayar.", field="method")
    member, name = _seller(coop, member_id, seller_name)
    if method == "sukarela" and member is None:
        raise DomainError("Pembayaran ke simpanan sukarela hanya untuk anggota.", field="method")
    day = coop.today()
    priced = _priced_lines(coop, unit, day, lines, user)
    amount = sum(ln.amount for ln in priced)
    if amount <= 0:
        raise DomainError("Jumlah pembelian nol; periksa berat dan harga.", field="lines")
    shift = counter_shift(coop, user) if method == "tunai" else None
    if shift is not None:
        drawer_has(shift, amount)
    number = f"IKN-{day.year}-{next_value(coop.id, 'IKN', str(day.year)):06d}"
    location = unit_location(coop, unit, shift or shifts.open_shift_for(user, coop=coop))
    debits = []
    for ln in priced:
        receive(location, ln.item, ln.weight, ln.amount, day=day, source=f"fish:{number}")
        if ln.amount:
            memo = f"{ln.item.name} {ln.grade} {fmt_qty(ln.weight)} kg"
            debits.append(
                LineInput(INVENTORY, ln.amount, 0, unit.id, getattr(member, "id", None), memo)
            )
    memo = f"{number} beli ikan dari {name}"[:500]
    txn = None
    if method == "tunai":
        entry = post(
            coop,
            day,
            memo,
            [*debits, (shifts.CASH_ACCOUNT, 0, amount)],
            source=SOURCE,
            source_ref=number,
            unit=unit.id,
            user=user,
            shift=shift,
        )
    else:
        from outlet_pos.units.simpan_pinjam import savings

        account = savings.account_for(coop, member, "sukarela")
        move = savings.Move(account, amount, "setor", memo=f"Hasil ikan {number}")
        txn = savings.apply_moves(coop, day, memo, [move], debits, user=user, source=SOURCE)[0]
        entry = txn.entry_id
    purchase = FishPurchase(
        cooperative_id=coop.id,
        unit_id=unit.id,
        number=number,
        date=day,
        member_id=getattr(member, "id", None),
        seller_name=name,
        method=method,
        total_weight=sum((ln.weight for ln in priced), Decimal(0)),
        amount=amount,
        shift_id=shift.id if shift else None,
        entry_id=getattr(entry, "id", entry),
        savings_txn_id=txn.id if txn else None,
        idempotency_key=key,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(purchase)
    db.session.flush()
    for ln in priced:
        ln.purchase_id = purchase.id
        db.session.add(ln)
    db.session.flush()
    overrides = [ln.item.name for ln in priced if ln.overridden]
    record(
        "fish.purchase",
        user=user,
        cooperative=coop,
        target=number,
        detail={"amount": amount, "method": method, "price_override": overrides},
    )
    return purchase


def purchases_of(coop: Cooperative, unit: BusinessUnit, limit: int = 200) -> list[FishPurchase]:
    return list(
        db.session.scalars(
            select(FishPurchase)
            .where(FishPurchase.cooperative_id == coop.id, FishPurchase.unit_id == unit.id)
            .order_by(FishPurchase.id.desc())
            .limit(limit)
        )
    )


def void_purchase(coop: Cooperative, purchase: FishPurchase, user, reason: str) -> FishPurchase:
    """Void a wrong purchase by its counter-entry (flush only): the fish leaves stock at the
    value it came in at and the money comes back the way it went out.

    Only a manager (local.manage) may: the buyer who typed it must not make money vanish.
    Refused when the fish is no longer all in stock (sold or counted away: the correction is
    then a stock count, not a void), when the member's sukarela no longer holds the amount,
    or, for a cash purchase, without an open shift of the manager's own to take the cash
    back into. A refusal writes nothing."""
    from outlet_pos.core.inventory.models import Location, StockMove
    from outlet_pos.core.inventory.services import issue
    from outlet_pos.core.ledger.models import JournalEntry
    from outlet_pos.core.ledger.services import is_reversed
    from outlet_pos.core.sales.common import lock_row

    reason = void_reason(coop, user, reason, "pembelian ikan")
    if purchase.cooperative_id != coop.id:
        raise ValidationError("Pembelian ikan tidak ditemukan.")
    purchase = lock_row(FishPurchase, purchase.id)
    if purchase.void_entry_id is not None:
        raise DomainError(f"{purchase.number} sudah dibatalkan.")
    entry = db.session.get(JournalEntry, purchase.entry_id)
    if entry is None or is_reversed(entry) is not None:
        raise DomainError("Jurnal pembelian ini sudah dibalik.")
    day = coop.today()
    shift = counter_shift(coop, user) if purchase.method == "tunai" else None

    # 1. The fish out of the shelf it came into, at the value it came in at.
    moves = {
        m.item_id: m
        for m in db.session.scalars(
            select(StockMove).where(
                StockMove.cooperative_id == coop.id,
                StockMove.source == f"fish:{purchase.number}",
            )
        )
    }
    credits: list[LineInput] = []
    for ln in purchase.lines:
        move = moves.get(ln.item_id)
        if move is None:
            raise DomainError("Catatan stok pembelian ini tidak ditemukan.")
        # By order of moves, not quantity: once anything of this fish has left that shelf
        # since the purchase (a sale, a count), the shelf may hold another fisher's catch.
        gone = db.session.scalar(
            select(StockMove.id).where(
                StockMove.cooperative_id == coop.id,
                StockMove.item_id == ln.item_id,
                StockMove.location_id == move.location_id,
                StockMove.id > move.id,
                StockMove.qty < 0,
            ).limit(1)
        )
        if gone is not None:
            raise DomainError(
                f"{ln.item.name} sudah keluar dari stok sejak pembelian ini (terjual atau "
                "dihitung ulang); pembelian tidak dapat dibatalkan. Koreksi lewat stok opname.",
                field="reason",
            )
        try:
            chunks = issue(
                db.session.get(Location, move.location_id), ln.item, ln.weight, day=day,
                source=f"fish-void:{purchase.number}", kind="purchase_return",
                total_cost=ln.amount,
            )  # fmt: skip
        except DomainError:
            raise DomainError(
                f"{ln.item.name} dari pembelian ini tidak lagi ada di stok (sudah terjual atau "
                "dihitung ulang); koreksi lewat stok opname.",
                field="reason",
            ) from None
        cost = sum(c.cost for c in chunks)
        memo = f"Batal {ln.item.name} {ln.grade} {fmt_qty(ln.weight)} kg"
        # The member's line undoes the purchase's line exactly, so the member keeps no SHU
        # participation from it; where the stock left at another value (the core keeps a
        # sound level), the gap is a stock difference on lines without the member, and the
        # inventory account still moves by exactly the cost that left.
        if ln.amount:
            credits.append(LineInput(INVENTORY, 0, ln.amount, purchase.unit_id,
                                     purchase.member_id, memo))  # fmt: skip
        gap = ln.amount - cost
        if gap > 0:
            credits += [LineInput(INVENTORY, gap, 0, purchase.unit_id, None, memo),
                        LineInput("617100", 0, gap, purchase.unit_id)]  # fmt: skip
        elif gap < 0:
            credits += [LineInput(INVENTORY, 0, -gap, purchase.unit_id, None, memo),
                        LineInput("617100", -gap, 0, purchase.unit_id)]  # fmt: skip

    # 2. The money back the way it went out: into the drawer, or out of the member's sukarela.
    memo = f"Batal {purchase.number} beli ikan dari {purchase.seller_name}: {reason}"[:500]
    if purchase.method == "tunai":
        counter = post(coop, day, memo, [(shifts.CASH_ACCOUNT, purchase.amount, 0), *credits],
                       source=SOURCE, source_ref=purchase.number, unit=purchase.unit_id,
                       user=user, reverses=entry, shift=shift)  # fmt: skip
        counter_id = counter.id
    else:
        from outlet_pos.units.simpan_pinjam import savings
        from outlet_pos.units.simpan_pinjam.models import SavingsTxn

        paid = db.session.get(SavingsTxn, purchase.savings_txn_id)
        if paid is None:
            raise DomainError("Setoran simpanan pembelian ini tidak ditemukan.")
        move = savings.Move(paid.account, -purchase.amount, "tarik",
                            memo=f"Batal hasil ikan {purchase.number}")  # fmt: skip
        try:
            txn = savings.apply_moves(coop, day, memo, [move], credits, user=user,
                                      source=SOURCE)[0]  # fmt: skip
        except DomainError as exc:
            raise DomainError(
                f"Simpanan sukarela anggota tidak cukup untuk menarik kembali "
                f"{format_rupiah(purchase.amount)} ({exc.message})",
                field="reason",
            ) from None
        # The savings service posts the counter-entry; it is tied to the purchase by
        # void_entry_id (source "stock" entries are never reversed by hand).
        counter_id = txn.entry_id
    purchase.void_entry_id = counter_id
    purchase.voided_by_id = user.id
    purchase.voided_at = utcnow()
    purchase.void_reason = reason
    db.session.flush()
    record("fish.purchase.void", user=user, cooperative=coop, target=purchase.number,
           detail={"amount": purchase.amount, "method": purchase.method,
                   "reason": reason})  # fmt: skip
    return purchase
