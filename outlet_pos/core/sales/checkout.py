"""``checkout``: one sale, one transaction, one journal entry (DESIGN §2.5). Refunds: refunds.py.

checkout: unit rules check each line -> stock issued (FEFO) -> one journal entry (revenue
per unit, member vs non-member; COGS; PPN; tender accounts) -> gapless receipt number.
A retried submit with the same idempotency key returns the first sale.

checkout is the counter's hot path (DESIGN §4.1: a 5-line sale in a few milliseconds, within
3x of raw sqlite3 writing the same rows), so it reads and writes with the prebuilt statements
of ``_Q``, run as ``Prepared`` straight on the DBAPI cursor — one locked read of the shift
(with the cooperative's columns a sale needs), one read of the cart's items, one locked read
of all their stock levels, executemany inserts — instead of ORM queries and a flush per row.
The cooperative is not loaded as an ORM object unless a rare path (an override, a unit hook)
needs it. The ORM objects the unit hooks and callers see (the sale, the items) are still
handed out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import NoResultFound

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.db import Prepared, attach_written, pk, time_ordered_uuid, utcnow
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.inventory.catalog import _SHELVES, default_location
from outlet_pos.core.inventory.models import Item, ItemUnit
from outlet_pos.core.inventory.services import (
    IssueLine,
    inventory_ledger_lines,
    issue_many,
    parse_qty,
    to_base,
)
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.ledger.services import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.sales.common import (
    COGS_ACCOUNT,
    PPN_ACCOUNT,
    REVENUE,
    existing_document,
    lock_row,
    receipt_number,
)
from outlet_pos.core.sales.models import PAYMENT_METHODS, Payment, Sale, SaleLine, Shift
from outlet_pos.core.tenancy import TIMEZONES, BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import allocate, format_rupiah, round_half_up

MAX_LINES = 200
MAX_AMOUNT = 10**12
TENDER_ACCOUNTS = {"tunai": "111100", "qris": "112900", "transfer": "112900", "kredit": "113200"}
# Share of a line a role may discount without a supervisor (percent of the line's price).
DISCOUNT_LIMITS = {
    "kasir": 5,
    "apoteker": 5,
    "petugas_klinik": 5,
    "petugas_logistik": 5,
    "bendahara": 20,
    "pengurus": 100,
    "admin": 100,
}


@dataclass
class CartLine:
    item_id: int
    item_unit_id: int | None = None  # None: the base unit
    qty: object = 1  # Decimal, int or text ("1,5")
    discount: int = 0  # rupiah off this line
    price: int | None = None  # price override (audited; needs permission)
    batch_id: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class PaymentIn:
    method: str
    amount: int
    reference: str = ""


class _Unit(NamedTuple):
    """A unit of measure of a cart item, as the sale reads it."""

    id: int
    name: str
    factor: Decimal
    price_member: int
    price_general: int


@dataclass(slots=True)
class _Item:
    """The columns of an item a sale needs, read by one Core query for the whole cart. It
    stands in for an ORM Item where only columns are read (``to_base``, ``issue_many``,
    ``inventory_ledger_lines``); unit hooks get the real ORM objects."""

    id: int
    cooperative_id: int
    unit_id: int
    sku: str
    name: str
    base_uom: str
    decimals: int
    taxable: bool
    track_batch: bool
    inventory_account: str
    active: bool
    unit_kind: str
    units: list[_Unit]


class _Q:
    """Prebuilt statements of checkout (as in ledger.post): built once, run as ``Prepared``
    on the session's connection."""

    _sh, _ol, _co = Shift.__table__, Outlet.__table__, Cooperative.__table__
    # The shift row is the counter's lock (FOR UPDATE OF shift only, not the outlet or the
    # cooperative; SQLite compiles no FOR UPDATE and is serialised by BEGIN IMMEDIATE).
    shift = Prepared(
        select(
            _sh.c.status,
            _sh.c.user_id,
            _sh.c.cooperative_id,
            _sh.c.outlet_id,
            _ol.c.code,
            _co.c.timezone,
            _co.c.is_pkp,
        )
        .join(_ol, _ol.c.id == _sh.c.outlet_id)
        .join(_co, _co.c.id == _sh.c.cooperative_id)
        .where(_sh.c.id == bindparam("shift"))
        .with_for_update(of=_sh)
    )
    _s = Sale.__table__
    _i, _u, _bu = Item.__table__, ItemUnit.__table__, BusinessUnit.__table__
    items = Prepared(
        select(
            _i.c.id,
            _i.c.cooperative_id,
            _i.c.unit_id,
            _i.c.sku,
            _i.c.name,
            _i.c.base_uom,
            _i.c.decimals,
            _i.c.taxable,
            _i.c.track_batch,
            _i.c.inventory_account,
            _i.c.active,
            _bu.c.kind.label("unit_kind"),
            _u.c.id.label("u_id"),
            _u.c.name.label("u_name"),
            _u.c.factor,
            _u.c.price_member,
            _u.c.price_general,
        )
        .join(_bu, _bu.c.id == _i.c.unit_id)
        .outerjoin(_u, _u.c.item_id == _i.c.id)
        .where(
            _i.c.cooperative_id == bindparam("coop"),
            _i.c.id.in_(bindparam("ids", expanding=True)),
        )
        .order_by(_i.c.id, _u.c.factor, _u.c.id)
    )
    shelves = Prepared(_SHELVES)  # catalog.shelf_locations' query
    insert_sale = Prepared(insert(_s).returning(_s.c.id))
    insert_lines = Prepared(insert(SaleLine.__table__))
    insert_payments = Prepared(insert(Payment.__table__))


def _money(value: object, label: str) -> int:
    if type(value) is not int or value < 0 or value > MAX_AMOUNT:
        raise ValidationError(f"{label} harus rupiah bulat tidak negatif.", field="amount")
    return value


def _times(price: int, qty: Decimal) -> int:
    """price x qty in whole rupiah, halves up; exact (qty as an integer ratio: a whole
    quantity, the usual case, needs no Fraction at all)."""
    num, den = qty.as_integer_ratio()
    return price * num if den == 1 else round_half_up(Fraction(price * num, den))


def _discount_limit(user: User, coop: Cooperative) -> int:
    return max((DISCOUNT_LIMITS.get(r, 0) for r in user.roles_in(coop)), default=0)


def reserve_member_credit(
    coop: Cooperative, member_id: int, amount: int, *, field: str = "payments"
) -> Member:
    """Lock an active member and check ``amount`` more kredit fits their limit.

    Every desk that lets a member pay later (the counter, clinic bills, cold storage, the
    parcel desk) calls this, so two payments at once cannot both fit and the refusal reads the
    same everywhere. Returns the locked member; the caller posts Dr 113200 with the member."""
    member = lock_row(Member, member_id)
    if member.cooperative_id != coop.id:
        raise ValidationError("Anggota tidak ditemukan.", field=field)
    if member.status != "aktif":
        raise DomainError(
            f"Anggota {member.name} tidak aktif; kredit tidak dapat dipakai.", field=field
        )
    owed = member_credit_balance(coop, member)
    if owed + amount > member.credit_limit:
        room = max(member.credit_limit - owed, 0)
        raise DomainError(
            f"Kredit anggota melebihi batas: sisa plafon {format_rupiah(room)}.", field=field
        )
    return member


def member_credit_balance(coop: Cooperative, member: Member) -> int:
    """What a member owes on kredit belanja: the 113200 lines carrying the member."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                JournalLine.cooperative_id == coop.id,
                Account.code == "113200",
                JournalLine.member_id == member.id,
            )
        )
    )


def _shelf_locations(conn, coop_id: int, outlet_id: int) -> Callable[[int], int | None]:
    """``catalog.shelf_locations`` on the counter's path (its query as ``Prepared``): unit id
    -> the shelf the counter sells from, by the rule of ``default_location`` (the unit's
    location at the outlet, else the general store, else the first); None when the outlet
    has no location yet."""
    rows = _Q.shelves.rows(conn, {"coop": coop_id, "outlet": outlet_id})
    general = next((loc_id for loc_id, unit in rows if unit is None), None)
    fallback = general if general is not None else (rows[0][0] if rows else None)
    by_unit: dict[int, int] = {}
    for loc_id, unit in rows:
        if unit is not None:
            by_unit.setdefault(unit, loc_id)
    return lambda unit_id: by_unit.get(unit_id, fallback)


def _cart_items(conn, coop_id: int, ids: set[int]) -> dict[int, _Item]:
    """The cart's items with their units and business unit kind, in one query."""
    by_id: dict[int, _Item] = {}
    if not ids:
        return by_id
    for row in _Q.items.rows(conn, {"coop": coop_id, "ids": sorted(ids)}):
        item = by_id.get(row.id)
        if item is None:
            item = by_id[row.id] = _Item(
                row.id, row.cooperative_id, row.unit_id, row.sku, row.name, row.base_uom,
                row.decimals, row.taxable, row.track_batch, row.inventory_account, row.active,
                row.unit_kind, [],
            )  # fmt: skip
        if row.u_id is not None:
            item.units.append(
                _Unit(row.u_id, row.u_name, row.factor, row.price_member, row.price_general)
            )
    return by_id


def checkout(
    shift: Shift,
    lines: list[CartLine],
    payments: list[PaymentIn],
    *,
    user: User,
    member: Member | None = None,
    customer_name: str = "",
    receipt_discount: int = 0,
    idempotency_key: str | None = None,
    approver: User | None = None,
    extra: dict | None = None,
    day=None,
) -> Sale:
    """Sell ``lines`` in ``shift``; everything or nothing (the caller's transaction).

    ``day`` is the business date; pages never pass it (it is today in the cooperative's
    zone). The demo and imports of past sales do.
    """
    # Core statements do not autoflush: anything the caller changed in this transaction
    # must be in the database before we read it.
    db.session.flush()
    conn = db.session.connection()
    key = (idempotency_key or "").strip()[:64] or None
    shift_id, user_id = pk(shift), pk(user)
    # The shift row is the counter's lock: a sale and the shift's close never interleave, and
    # a retried submit waits for the first one, then finds it.
    locked = _Q.shift.first(conn, {"shift": shift_id})
    if locked is None:
        raise NoResultFound("No row was found when one was required")
    coop_id = locked.cooperative_id
    first = existing_document(coop_id, key, "sale")
    if first is not None:
        return first
    coops: list[Cooperative] = []

    def coop() -> Cooperative:
        """The cooperative as an ORM object, loaded only for the rare paths that need one
        (permissions, unit hooks, a member's credit, a first shelf)."""
        if not coops:
            coops.append(db.session.get(Cooperative, coop_id))
        return coops[0]

    if locked.status != "open":
        raise DomainError("Shift sudah ditutup; buka shift baru untuk berjualan.")
    if locked.user_id != user_id:
        raise DomainError("Shift ini milik kasir lain.")
    if not lines:
        raise ValidationError("Keranjang masih kosong.", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paling banyak {MAX_LINES} baris per struk.", field="lines")
    if member is not None and (member.cooperative_id != coop_id or member.status != "aktif"):
        raise ValidationError("Anggota tidak ditemukan atau tidak aktif.", field="member")
    receipt_discount = _money(receipt_discount, "Diskon struk")
    tier = "member" if member is not None else "general"
    # The business date: today in the cooperative's zone (as Cooperative.today()).
    day = day or datetime.now(ZoneInfo(TIMEZONES.get(locked.timezone, "Asia/Jakarta"))).date()
    outlet_id = locked.outlet_id
    context: list[unit_rules.CheckoutContext] = []

    def ctx() -> unit_rules.CheckoutContext:
        """The unit hooks' context, built only when a unit has hooks (the shift re-read
        under the lock we hold, as the hooks expect a current row)."""
        if not context:
            fresh = db.session.get(Shift, shift_id, populate_existing=True)
            context.append(
                unit_rules.CheckoutContext(
                    coop=coop(), shift=fresh, user=user, member=member, day=day, extra=extra or {}
                )
            )
        return context[0]

    limits: list[int] = []

    def discount_limits() -> list[int]:
        """[cashier, approver] discount limits, read (the roles) only when a discount asks."""
        if not limits:
            limits.append(_discount_limit(user, coop()))
            limits.append(_discount_limit(approver, coop()) if approver is not None else 0)
        return limits

    # 1. Price every line and let the unit rules look at it.
    priced = []
    by_id = _cart_items(conn, coop_id, {c.item_id for c in lines if isinstance(c.item_id, int)})
    for no, cart in enumerate(lines, start=1):
        item = by_id.get(cart.item_id)
        if item is None:
            raise NotFound(f"Baris {no}: barang tidak ditemukan.")
        if not item.active:
            raise ValidationError(f"Baris {no}: {item.name} tidak aktif dijual.")
        unit = next(
            (
                u
                for u in item.units
                if (u.id == cart.item_unit_id if cart.item_unit_id else u.factor == 1)
            ),
            None,
        )
        if unit is None:
            raise ValidationError(f"Baris {no}: satuan {item.name} tidak dikenal.", field="unit")
        qty = parse_qty(cart.qty)
        base_qty = to_base(item, unit, qty)
        list_price = unit.price_member if tier == "member" else unit.price_general
        price = list_price
        if cart.price is not None and cart.price != list_price:
            price = _money(cart.price, f"Baris {no}: harga")
            if not (
                user.can("pos.price_override", coop())
                or (approver is not None and approver.can("pos.price_override", coop()))
            ):
                raise PermissionDenied(f"Baris {no}: mengubah harga perlu persetujuan pengurus.")
        gross = _times(price, qty)
        discount = _money(cart.discount, f"Baris {no}: diskon")
        if discount > gross:
            raise ValidationError(f"Baris {no}: diskon melebihi harga.", field="discount")
        if discount and gross and discount * 100 > gross * discount_limits()[0]:
            if discount * 100 > gross * discount_limits()[1]:
                raise PermissionDenied(
                    f"Baris {no}: diskon melebihi batas Anda ({discount_limits()[0]}%); "
                    "minta persetujuan pengurus."
                )
            record(
                "sale.discount_override",
                user=approver,
                cooperative=coop_id,
                target=item.sku,
                detail={"cashier": user.username, "discount": discount},
            )
        hooks = unit_rules.rules_for(item.unit_kind)
        if hooks:
            lc = unit_rules.LineContext(
                item=db.session.get(Item, item.id),
                item_unit=db.session.get(ItemUnit, unit.id),
                business_unit=db.session.get(BusinessUnit, item.unit_id),
                qty=qty,
                base_qty=base_qty,
                unit_price=price,
                list_price=list_price,
                total=gross - discount,
                extra=cart.extra,
            )
            for hook in hooks:
                hook.check_line(lc, ctx())
        if price != list_price:
            record(
                "sale.price_override",
                user=approver or user,
                cooperative=coop_id,
                target=item.sku,
                detail={"list": list_price, "price": price, "cashier": user.username},
            )
        priced.append(
            (no, cart, item, unit, qty, base_qty, list_price, price, discount, gross - discount)
        )

    subtotal = sum(p[9] for p in priced)
    if receipt_discount > subtotal:
        raise ValidationError("Diskon struk melebihi total belanja.", field="receipt_discount")
    if receipt_discount and receipt_discount * 100 > subtotal * discount_limits()[0]:
        if receipt_discount * 100 > subtotal * discount_limits()[1]:
            raise PermissionDenied("Diskon struk melebihi batas Anda; minta persetujuan pengurus.")
        record(
            "sale.discount_override",
            user=approver,
            cooperative=coop_id,
            target="struk",
            detail={"cashier": user.username, "receipt_discount": receipt_discount},
        )
    shares = (
        allocate(receipt_discount, [p[9] for p in priced])
        if receipt_discount
        else [0 for _ in priced]
    )
    totals = [p[9] - s for p, s in zip(priced, shares, strict=True)]
    total = subtotal - receipt_discount
    if total <= 0:
        raise ValidationError("Total penjualan harus lebih dari nol.", field="lines")

    # 2. PPN inside tax-inclusive prices (PKP only; exempt goods carry none).
    taxed = [
        t if (locked.is_pkp and p[2].taxable) else 0 for p, t in zip(priced, totals, strict=True)
    ]
    tax = round_half_up(Fraction(sum(taxed) * 11, 111))
    line_tax = allocate(tax, taxed) if tax else [0 for _ in priced]

    # 3. Payments: non-cash up to the total, cash covers the rest and may give change.
    paid = defaultdict(int)
    refs = []
    for p in payments:
        if p.method not in PAYMENT_METHODS:
            raise ValidationError("Cara bayar tidak dikenal.", field="payments")
        amount = _money(p.amount, f"Pembayaran {PAYMENT_METHODS[p.method]}")
        if amount == 0:
            continue
        if p.method in ("qris", "transfer") and not (p.reference or "").strip():
            raise ValidationError(
                f"Nomor referensi {PAYMENT_METHODS[p.method]} wajib diisi.", field="payments"
            )
        paid[p.method] += amount
        refs.append((p.method, amount, (p.reference or "").strip()[:64]))
    non_cash = paid["qris"] + paid["transfer"] + paid["kredit"]
    if non_cash > total:
        raise ValidationError("Pembayaran non-tunai melebihi total belanja.", field="payments")
    if non_cash + paid["tunai"] < total:
        short = total - non_cash - paid["tunai"]
        raise ValidationError(f"Pembayaran kurang {format_rupiah(short)}.", field="payments")
    change = paid["tunai"] - (total - non_cash)
    if paid["kredit"]:
        if member is None:
            raise ValidationError("Kredit belanja hanya untuk anggota.", field="payments")
        member = reserve_member_credit(coop(), member.id, paid["kredit"])

    # 4. Receipt number, then stock out of each unit's shelf: all the cart's stock levels
    # locked at once in item order (issue_many), so two cashiers never deadlock.
    number = receipt_number(coop_id, outlet_id, locked.code, day)
    shelf = _shelf_locations(conn, coop_id, outlet_id)
    locations: dict[int, int] = {}
    for p in priced:
        bu_id = p[2].unit_id
        if bu_id not in locations:
            loc_id = shelf(bu_id)
            if loc_id is None:  # no shelf at this outlet yet: the general store, created
                loc_id = default_location(
                    coop(), db.session.get(Outlet, outlet_id), db.session.get(BusinessUnit, bu_id)
                ).id
            locations[bu_id] = loc_id
    chunks = issue_many(
        [IssueLine(p[2], locations[p[2].unit_id], p[5], p[1].batch_id) for p in priced],
        day=day,
        source=f"sale:{number}",
    )
    costs = [sum(c.cost for c in line_chunks) for line_chunks in chunks]

    # 5. One journal entry for the whole sale.
    member_id = member.id if member is not None else None
    entry_lines: list[tuple] = []
    if paid["tunai"] - change:
        entry_lines.append(("111100", paid["tunai"] - change, 0))
    for method in ("qris", "transfer"):
        if paid[method]:
            entry_lines.append(
                (TENDER_ACCOUNTS[method], paid[method], 0, None, None, PAYMENT_METHODS[method])
            )
    if paid["kredit"]:
        entry_lines.append(("113200", paid["kredit"], 0, None, member_id))
    revenue: dict[int, int] = defaultdict(int)
    for idx, p in enumerate(priced):
        revenue[p[2].unit_id] += totals[idx] - line_tax[idx]
    for unit_id, amount in sorted(revenue.items()):
        if amount:
            entry_lines.append((REVENUE[tier], 0, amount, unit_id, member_id))
    if tax:
        entry_lines.append((PPN_ACCOUNT, 0, tax))
    entry_lines += inventory_ledger_lines(
        [(p[2], costs[idx]) for idx, p in enumerate(priced)], debit_account=COGS_ACCOUNT
    )
    entry = post(
        coop_id,
        day,
        f"Penjualan {number}",
        entry_lines,
        source="sale",
        source_ref=number,
        user=user_id,
        shift=shift_id,
    )

    # 6. The sale, its lines and payments: one INSERT each (executemany for the rows).
    values = {
        "public_id": time_ordered_uuid(),
        "cooperative_id": coop_id,
        "outlet_id": outlet_id,
        "shift_id": shift_id,
        "kind": "sale",
        "number": number,
        "date": day,
        "created_at": utcnow(),
        "cashier_id": user_id,
        "member_id": member_id,
        "customer_name": (customer_name or "")[:120],
        "price_tier": tier,
        "subtotal": subtotal,
        "discount_amount": receipt_discount,
        "total": total,
        "tax_amount": tax,
        "dpp_amount": sum(taxed) - tax,
        "paid_amount": sum(paid.values()),
        "change_amount": change,
        "status": "paid",
        "entry_id": pk(entry),
        "idempotency_key": key,
        "refund_of_id": None,
        "reason": "",
        "approved_by_id": pk(approver) if approver is not None else None,
        "reprints": 0,
    }
    values["id"] = sale_id = _Q.insert_sale.scalar(conn, values)
    _Q.insert_lines.many(
        conn,
        [
            {
                "cooperative_id": coop_id,
                "sale_id": sale_id,
                "line_no": no,
                "item_id": item.id,
                "item_unit_id": unit.id,
                "business_unit_id": item.unit_id,
                "name": item.name,
                "unit_name": unit.name,
                "qty": qty,
                "base_qty": base_qty,
                "list_price": list_price,
                "unit_price": price,
                "discount_amount": discount + shares[idx],
                "total": totals[idx],
                "tax_amount": line_tax[idx],
                "cost": costs[idx],
                "refunded_qty": Decimal(0),
                "refund_of_line_id": None,
            }
            for idx, (no, _c, item, unit, qty, base_qty, list_price, price, discount, _t) in (
                enumerate(priced)
            )
        ],
    )
    if refs:
        _Q.insert_payments.many(
            conn,
            [
                {
                    "cooperative_id": coop_id,
                    "sale_id": sale_id,
                    "method": method,
                    "amount": amount,
                    "reference": ref,
                }
                for method, amount, ref in refs
            ],
        )
    sale = attach_written(Sale, values)
    for kind in sorted({p[2].unit_kind for p in priced}):
        for hook in unit_rules.rules_for(kind):
            hook.after_checkout(sale, ctx())
    return sale
