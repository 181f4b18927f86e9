"""View-model helpers of the selling screen: products and members as the screen needs them,
the cart a browser sends, a supervisor's approval (receipts: receipts.py; X/Z: reports.py).
Plain values in, plain values out; writers flush only (the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import bindparam, func, or_, select

from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.db import Prepared, utcnow
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.inventory.catalog import find_by_barcode, search_items
from outlet_pos.core.inventory.models import Item, ItemUnit, Location, StockLevel
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import (
    DISCOUNT_LIMITS,
    CartLine,
    PaymentIn,
    member_credit_balance,
)
from outlet_pos.core.sales.models import PAYMENT_METHODS, Sale, SaleLine, Shift
from outlet_pos.core.tenancy import Cooperative, Outlet, parse_id
from outlet_pos.extensions import db
from outlet_pos.money import MAX_AMOUNT, MAX_DIGITS
from outlet_pos.units.pupuk import services as pupuk

MAX_CART_LINES = 200
MAX_PAYMENTS = 8
# What a cart may hand the units' checkout hooks (``checkout(extra=...)``): the farmer and
# a proxy redeeming subsidised fertilizer. Nothing else from the browser reaches the rules.
EXTRA_FIELDS = {
    "farmer_nik": 16,
    "proxy_nik": 16,
    "proxy_name": 200,
    "proxy_letter": 300,
    # LPG 3 kg at a local unit's base: the buyer's NIK (and name) recorded per purchase.
    "nik": 16,
    "buyer_name": 200,
}


# --- the drawer ---------------------------------------------------------------------------


def current_shift(coop: Cooperative, user: User) -> Shift | None:
    """The user's open shift in this cooperative (a shift elsewhere does not count here)."""
    return db.session.scalar(
        select(Shift).where(
            Shift.user_id == user.id, Shift.status == "open", Shift.cooperative_id == coop.id
        )
    )


_OPEN_SHIFT_ID = Prepared(
    select(Shift.__table__.c.id).where(
        Shift.__table__.c.user_id == bindparam("user"),
        Shift.__table__.c.status == "open",
        Shift.__table__.c.cooperative_id == bindparam("coop"),
    )
)


def current_shift_id(coop_id: int, user_id: int) -> int | None:
    """``current_shift``'s id only, for the sale (checkout takes the id and locks the row
    itself): a prebuilt statement, no ORM load, on the counter's hot path."""
    return _OPEN_SHIFT_ID.scalar(db.session.connection(), {"user": user_id, "coop": coop_id})


def discount_limit(user: User, coop: Cooperative) -> int:
    """Percent of a line the user may discount without a supervisor."""
    return max((DISCOUNT_LIMITS.get(r, 0) for r in user.roles_in(coop)), default=0)


def counter_outlet(coop: Cooperative, user: User) -> Outlet | None:
    """The outlet the user sells at: their open shift's, else the cooperative's first."""
    shift = current_shift(coop, user)
    if shift is not None:
        return db.session.get(Outlet, shift.outlet_id)
    outlets = active_outlets(coop)
    return outlets[0] if outlets else None


def active_outlets(coop: Cooperative) -> list[Outlet]:
    return list(
        db.session.scalars(
            select(Outlet)
            .where(Outlet.cooperative_id == coop.id, Outlet.active.is_(True))
            .order_by(Outlet.id)
        )
    )


# --- products -----------------------------------------------------------------------------


def _shelves(coop: Cooperative, outlet: Outlet):
    """unit id -> the location the counter sells from (same rule as ``default_location``,
    but read-only: a search never creates a location)."""
    rows = db.session.execute(
        select(Location.id, Location.unit_id)
        .where(
            Location.cooperative_id == coop.id,
            Location.outlet_id == outlet.id,
            Location.active.is_(True),
        )
        .order_by(Location.id)
    ).all()
    general = next((loc_id for loc_id, unit in rows if unit is None), None)
    first = rows[0][0] if rows else None
    by_unit = {}
    for loc_id, unit in rows:
        if unit is not None:
            by_unit.setdefault(unit, loc_id)
    return lambda unit_id: by_unit.get(unit_id, general or first)


def product_rows(
    coop: Cooperative, outlet: Outlet | None, items: list[Item], chosen_unit: int | None = None
) -> list[dict]:
    """Items as the selling screen needs them: units with both prices, stock on the shelf."""
    if not items:
        return []
    ids = [i.id for i in items]
    units: dict[int, list[ItemUnit]] = {}
    for u in db.session.scalars(
        select(ItemUnit).where(ItemUnit.item_id.in_(ids)).order_by(ItemUnit.factor, ItemUnit.id)
    ):
        units.setdefault(u.item_id, []).append(u)
    # Subsidised fertilizer: the screen asks for the farmer's NIK when the cart holds it.
    subsidised = pupuk.subsidised_types(coop, ids)
    # LPG 3 kg: the screen asks for the buyer's NIK when the cart holds it.
    from outlet_pos.units.lokal.lpg import lpg_items

    lpg = lpg_items(coop, ids)
    stock: dict[tuple[int, int], Decimal] = {}
    shelf = _shelves(coop, outlet) if outlet is not None else (lambda _u: None)
    for item_id, loc_id, on_hand in db.session.execute(
        select(StockLevel.item_id, StockLevel.location_id, StockLevel.on_hand).where(
            StockLevel.item_id.in_(ids)
        )
    ):
        stock[(item_id, loc_id)] = on_hand
    out = []
    for item in items:
        rows = units.get(item.id, [])
        if not rows:
            continue
        base = next((u for u in rows if u.factor == 1), rows[0])
        on_hand = stock.get((item.id, shelf(item.unit_id)), Decimal(0))
        out.append(
            {
                "id": item.id,
                "name": item.name,
                "sku": item.sku,
                "base_uom": item.base_uom,
                "decimals": item.decimals,
                "stock": fmt_qty(Decimal(on_hand)),
                "stock_base": f"{Decimal(on_hand).normalize():f}",
                "unit_id": chosen_unit if chosen_unit else base.id,
                "subsidised": subsidised.get(item.id),
                "lpg": lpg.get(item.id),
                "units": [
                    {
                        "id": u.id,
                        "name": u.name,
                        "factor": f"{u.factor.normalize():f}",
                        "price_member": u.price_member,
                        "price_general": u.price_general,
                    }
                    for u in rows
                ],
            }
        )
    return out


def search_products(coop: Cooperative, outlet: Outlet | None, text: str) -> dict:
    """A scanned barcode first (its own unit of measure), else name/SKU matches."""
    text = (text or "").strip()[:60]
    if not text:
        return {"items": [], "barcode": False, "exact": False}
    hit = find_by_barcode(coop, text)
    if hit is not None and hit[0].active:
        item, unit = hit
        rows = product_rows(coop, outlet, [item], unit.id)
        return {"items": rows, "barcode": True, "exact": True}
    items = search_items(coop, text, 12)
    # A typed SKU is as good as a scan: that item first, and the screen adds it at once.
    exact = [i for i in items if i.sku.lower() == text.lower()]
    items = exact + [i for i in items if i not in exact]
    return {"items": product_rows(coop, outlet, items), "barcode": False, "exact": bool(exact)}


def top_products(coop: Cooperative, outlet: Outlet | None, limit: int = 8) -> list[dict]:
    """Quick keys: the most sold items of the last 30 days, else the first items by name."""
    since = coop.today() - timedelta(days=30)
    ids = list(
        db.session.scalars(
            select(SaleLine.item_id)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .join(Item, Item.id == SaleLine.item_id)
            .where(
                Sale.cooperative_id == coop.id,
                Sale.kind == "sale",
                Sale.date >= since,
                Item.active.is_(True),
            )
            .group_by(SaleLine.item_id)
            .order_by(func.count(SaleLine.id).desc(), SaleLine.item_id)
            .limit(limit)
        )
    )
    if len(ids) < limit:
        more = db.session.scalars(
            select(Item.id)
            .where(Item.cooperative_id == coop.id, Item.active.is_(True), Item.id.not_in(ids))
            .order_by(func.lower(Item.name))
            .limit(limit - len(ids))
        )
        ids += list(more)
    items = {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(ids)))}
    return product_rows(coop, outlet, [items[i] for i in ids if i in items])


# --- members ------------------------------------------------------------------------------


def member_row(coop: Cooperative, member: Member) -> dict:
    owed = member_credit_balance(coop, member)
    return {
        "id": member.id,
        "number": member.member_number,
        "name": member.name,
        "desa": member.desa,
        "credit_limit": member.credit_limit,
        "owed": owed,
        "room": max(member.credit_limit - owed, 0),
    }


def find_members(coop: Cooperative, text: str, limit: int = 10) -> list[dict]:
    """Active members by member number or NIK (exact) or by name (part of it)."""
    text = (text or "").strip()[:60]
    if len(text) < 2:
        return []
    members = db.session.scalars(
        select(Member)
        .where(
            Member.cooperative_id == coop.id,
            Member.status == "aktif",
            or_(
                func.lower(Member.member_number) == text.lower(),
                Member.nik == text,
                func.lower(Member.name).like(f"%{text.lower()}%"),
            ),
        )
        .order_by(func.lower(Member.member_number) != text.lower(), Member.name)
        .limit(limit)
    ).all()
    return [member_row(coop, m) for m in members]


# --- the cart a browser sends -------------------------------------------------------------


@dataclass
class CartRequest:
    lines: list[CartLine]
    payments: list[PaymentIn]
    member_id: int | None
    receipt_discount: int
    idempotency_key: str
    approver_username: str
    approver_password: str
    extra: dict[str, str]


def _int(value: object, label: str, field: str) -> int:
    if value is None or value == "":
        return 0
    if type(value) is int and 0 <= value <= MAX_AMOUNT:
        return value
    digits = value.strip().replace(".", "") if isinstance(value, str) else ""
    # ASCII digits only ("²".isdigit() is true), and no more than a rupiah amount can hold.
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS:
        return int(digits)
    raise ValidationError(f"{label} harus rupiah bulat tidak negatif.", field=field)


def _id(value: object, label: str) -> int:
    ident = parse_id(value) if type(value) in (int, str) else None
    if ident is None:
        raise ValidationError(f"{label} tidak valid.", field="lines")
    return ident


def _extra(raw: object) -> dict[str, str]:
    """The unit inputs of a cart (the farmer's NIK, a proxy), as trimmed strings."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("Data petani tidak terbaca; muat ulang halaman.", field="farmer_nik")
    out = {}
    for key, limit in EXTRA_FIELDS.items():
        value = raw.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise ValidationError("Data petani tidak terbaca; muat ulang halaman.", field=key)
        value = value.strip()
        if len(value) > limit:
            # Refused, never cut: a NIK typed with one digit too many must not become another
            # valid-looking NIK.
            raise ValidationError(
                f"Isian {key} terlalu panjang (paling banyak {limit}).", field=key
            )
        if value:
            out[key] = value
    return out


def parse_cart(body: object) -> CartRequest:
    """The JSON body of a checkout, checked for shape; the business rules are checkout's."""
    if not isinstance(body, dict):
        raise ValidationError("Data transaksi tidak terbaca; muat ulang halaman.", field="lines")
    raw_lines = body.get("lines") or []
    raw_payments = body.get("payments") or []
    if not isinstance(raw_lines, list) or not isinstance(raw_payments, list):
        raise ValidationError("Data transaksi tidak terbaca; muat ulang halaman.", field="lines")
    if not raw_lines:
        raise ValidationError("Keranjang masih kosong.", field="lines")
    if len(raw_lines) > MAX_CART_LINES or len(raw_payments) > MAX_PAYMENTS:
        raise ValidationError("Terlalu banyak baris dalam satu transaksi.", field="lines")
    lines = []
    for no, row in enumerate(raw_lines, start=1):
        if not isinstance(row, dict):
            raise ValidationError(f"Baris {no} tidak valid.", field="lines")
        qty = row.get("qty", "1")
        if not isinstance(qty, str | int) or isinstance(qty, bool):
            raise ValidationError(f"Baris {no}: jumlah tidak valid.", field="qty")
        price = row.get("price")
        lines.append(
            CartLine(
                item_id=_id(row.get("item_id"), f"Baris {no}: barang"),
                item_unit_id=_id(row["item_unit_id"], f"Baris {no}: satuan")
                if row.get("item_unit_id")
                else None,
                qty=str(qty),
                discount=_int(row.get("discount"), f"Baris {no}: diskon", "discount"),
                price=None if price in (None, "") else _int(price, f"Baris {no}: harga", "price"),
            )
        )
    payments = []
    for row in raw_payments:
        if not isinstance(row, dict) or row.get("method") not in PAYMENT_METHODS:
            raise ValidationError("Cara bayar tidak dikenal.", field="payments")
        label = PAYMENT_METHODS[row["method"]]
        amount = _int(row.get("amount"), f"Pembayaran {label}", "payments")
        if amount:
            payments.append(PaymentIn(row["method"], amount, str(row.get("reference") or "")[:64]))
    approver = body.get("approver") if isinstance(body.get("approver"), dict) else {}
    member_id = body.get("member_id")
    return CartRequest(
        lines=lines,
        payments=payments,
        member_id=_id(member_id, "Anggota") if member_id not in (None, "", 0) else None,
        receipt_discount=_int(body.get("receipt_discount"), "Diskon struk", "receipt_discount"),
        idempotency_key=str(body.get("idempotency_key") or "").strip()[:64],
        approver_username=str(approver.get("username") or "").strip().lower()[:64],
        approver_password=str(approver.get("password") or "")[:128],
        extra=_extra(body.get("extra")),
    )


# --- a supervisor's approval --------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    user: User | None
    message: str = ""


def verify_approver(
    coop: Cooperative, cashier: User, username: str, password: str, permission: str, action: str
) -> Approval:
    """Check a supervisor's username and password at the counter (flush only).

    Like a login, a failure is returned, not raised, so the caller commits the failure count
    and its audit row; repeated failures lock the supervisor's account as a login would.
    """
    if not username or not password:
        return Approval(None, "Isi nama pengguna dan kata sandi penyetuju.")
    approver = db.session.scalar(select(User).where(User.username == username))
    now = utcnow()
    refused = "Nama pengguna atau kata sandi penyetuju salah."
    if approver is None or not approver.active:
        record("approval.failed", user=cashier, cooperative=coop, detail={"approver": username})
        return Approval(None, refused)
    if approver.locked_until and approver.locked_until > now:
        return Approval(None, "Akun penyetuju sedang dikunci karena terlalu banyak percobaan.")
    if not approver.check_password(password):
        approver.failed_logins += 1
        if approver.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            approver.locked_until = now + timedelta(minutes=minutes)
            approver.failed_logins = 0
        record(
            "approval.failed",
            user=cashier,
            cooperative=coop,
            target=action,
            detail={"approver": username},
        )
        db.session.flush()
        return Approval(None, refused)
    if approver.id == cashier.id or not approver.can(permission, coop):
        return Approval(None, f"{approver.full_name} tidak berwenang menyetujui {action}.")
    approver.failed_logins = 0
    db.session.flush()
    return Approval(approver)


def audit_approval(coop: Cooperative, approver: User, cashier: User, action: str, target: str):
    record(
        "approval.granted",
        user=approver,
        cooperative=coop,
        target=target,
        detail={"action": action, "cashier": cashier.username},
    )
