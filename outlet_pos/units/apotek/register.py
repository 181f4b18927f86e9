"""The narcotics/psychotropics register, written by listening to the inventory core.

Every stock move of a batch-tracked item passes through ``on_move``; for an item whose
``DrugInfo`` class is psikotropika or narkotika it adds one ``RegisterEntry`` in the same
transaction. The core never knows the pharmacy exists; the pharmacy never writes a move.

The listener runs for every batch-tracked move (milk in the grocery too), so it must stay
cheap: the drug class is looked up once per item per transaction (cached on the session,
keyed by the transaction), without autoflush, and nothing is flushed here — the entry points
at its move through the relationship, so the foreign key fills when the transaction flushes.

``verify`` then holds the register to the stock: per item and per batch the register adds up
to the stock moves, every move has its row, and the running balance ends at what is on hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.db import is_sqlite, lock_for_update
from outlet_pos.core.inventory.models import Item, StockLevel, StockMove
from outlet_pos.core.inventory.services import add_move_listener, fmt_qty
from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import REGISTER_CLASSES, DrugInfo
from outlet_pos.units.apotek.prescription_models import Prescription, PrescriptionDispense
from outlet_pos.units.apotek.register_models import RegisterEntry

_CACHE = "apotek_register_classes"


def _cache() -> tuple[dict[int, str | None], set[str], set]:
    """This transaction's scratch: drug class per item, the sources (``sale:<number>``)
    that wrote register rows, and the items whose row is locked. Keyed by the transaction
    object, so a new transaction (which may see a class changed meanwhile) starts empty."""
    session = db.session()
    tx = session.get_transaction()
    cache = session.info.get(_CACHE)
    if cache is None or cache[0] is not tx:
        cache = (tx, {}, set(), set())
        session.info[_CACHE] = cache
    return cache[1], cache[2], cache[3]


def _drug_class(item: Item) -> str | None:
    """The item's drug class, once per transaction."""
    classes = _cache()[0]
    if item.id not in classes:
        with db.session.no_autoflush:
            classes[item.id] = db.session.scalar(
                select(DrugInfo.drug_class).where(
                    DrugInfo.cooperative_id == item.cooperative_id, DrugInfo.item_id == item.id
                )
            )
    return classes[item.id]


def _stock_after(item: Item) -> Decimal:
    """The item's stock over all locations once this move is applied. The inventory core has
    already changed the (locked, in-session) level it moves; loading the level rows as ORM
    objects returns that in-memory copy, so no flush is needed to see it."""
    with db.session.no_autoflush:
        levels = db.session.scalars(select(StockLevel).where(StockLevel.item_id == item.id))
        return sum((lv.on_hand for lv in levels), Decimal(0))


def _lock_item(item: Item) -> None:
    """Lock the drug's ``DrugInfo`` row (PostgreSQL; a no-op on SQLite, whose writers are
    serial) before reading the stock for ``balance_after``: the inventory core locks only
    the level of the location it moves, so two moves of one drug at two locations could
    otherwise each read the other's old level and write balances that do not chain. Once
    per item per transaction (a deadlock with a move the other way is retried by
    ``run_transaction``)."""
    locked = _cache()[2]
    if is_sqlite() or item.id in locked:
        return
    with db.session.no_autoflush:
        db.session.execute(
            lock_for_update(
                select(DrugInfo.id).where(
                    DrugInfo.cooperative_id == item.cooperative_id, DrugInfo.item_id == item.id
                )
            )
        )
    locked.add(item.id)


def on_move(move: StockMove, item: Item) -> None:
    """Add the register row of ``move`` if ``item`` is a psikotropika/narkotika drug."""
    if _drug_class(item) not in REGISTER_CLASSES:
        return
    _lock_item(item)
    _cache()[1].add(move.source)
    db.session.add(
        RegisterEntry(
            cooperative_id=move.cooperative_id,
            item_id=item.id,
            batch_id=move.batch_id,
            move=move,
            date=move.date,
            kind=move.kind,
            qty=move.qty,
            balance_after=_stock_after(item),
            source=move.source,
            patient_name="",
            prescriber="",
        )
    )


def annotate(
    coop_id: int,
    source: str,
    *,
    prescription_id: int | None = None,
    patient_name: str = "",
    prescriber: str = "",
) -> int:
    """Name the prescription, patient and prescriber on the register rows of one business
    action (``source`` as the moves carry it, e.g. ``"sale:<number>"``): the dispensing code
    calls this from its ``after_checkout`` hook, in the sale's transaction. Returns the number
    of rows named (0 when the sale held no register drug)."""
    db.session.flush()
    rows = db.session.scalars(
        select(RegisterEntry).where(
            RegisterEntry.cooperative_id == coop_id, RegisterEntry.source == source[:64]
        )
    ).all()
    for row in rows:
        row.prescription_id = prescription_id
        row.patient_name = (patient_name or "").strip()[:200]
        row.prescriber = (prescriber or "").strip()[:200]
    return len(rows)


def _prescription_of(sale_id: int):
    """The prescription a sale dispensed (the dispensing hook records it per sale line)."""
    return db.session.scalar(
        select(Prescription)
        .join(PrescriptionDispense, PrescriptionDispense.prescription_id == Prescription.id)
        .where(PrescriptionDispense.sale_id == sale_id)
        .order_by(PrescriptionDispense.id)
        .limit(1)
    )


def _annotate_from(coop_id: int, source: str, sale_id: int) -> None:
    rx = _prescription_of(sale_id)
    if rx is not None:
        annotate(
            coop_id,
            source,
            prescription_id=rx.id,
            patient_name=rx.display_name,
            prescriber=rx.prescriber,
        )


class RegisterHooks:
    """Checkout hooks that copy the prescription, patient and prescriber onto the register
    rows of a dispensing. They run after the dispensing rules (registered first), which have
    linked the sale to its prescription; a sale without a register drug costs a set lookup."""

    def check_line(self, line, ctx) -> None:
        return None

    def after_checkout(self, sale, ctx) -> None:
        source = f"sale:{sale.number}"
        if source in _cache()[1]:
            _annotate_from(sale.cooperative_id, source, sale.id)

    def after_refund(self, refund, original, returned: dict, _ctx) -> None:
        source = f"refund:{refund.number}"
        if source in _cache()[1]:
            # The goods came back from the original dispensing: same prescription.
            _annotate_from(refund.cooperative_id, source, original.id)


HOOKS = RegisterHooks()


# --- verify -------------------------------------------------------------------------------------


def _register_items(coop: Cooperative) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Item.id, Item.name)
            .join(DrugInfo, DrugInfo.item_id == Item.id)
            .where(
                DrugInfo.cooperative_id == coop.id,
                DrugInfo.drug_class.in_(REGISTER_CLASSES),
            )
        ).all()
    )


def _sums(model, coop: Cooperative, items: list[int], key) -> dict:
    return {
        tuple(row[:-1]): row[-1]
        for row in db.session.execute(
            select(*key, func.sum(model.qty))
            .where(model.cooperative_id == coop.id, model.item_id.in_(items))
            .group_by(*key)
        ).all()
    }


def check_register(coop: Cooperative) -> Iterator[str]:
    """Register narkotika/psikotropika = stock moves, per item and batch, row by row."""
    names = _register_items(coop)
    if not names:
        return
    items = sorted(names)
    zero = Decimal(0)
    for key_r, key_m, what in (
        ((RegisterEntry.item_id,), (StockMove.item_id,), "obat"),
        (
            (RegisterEntry.item_id, RegisterEntry.batch_id),
            (StockMove.item_id, StockMove.batch_id),
            "batch",
        ),
    ):
        reg = _sums(RegisterEntry, coop, items, key_r)
        moves = _sums(StockMove, coop, items, key_m)
        for key in sorted(set(reg) | set(moves), key=lambda k: tuple(x or 0 for x in k)):
            r, m = reg.get(key) or zero, moves.get(key) or zero
            if r != m:
                label = names.get(key[0], key[0])
                if what == "batch":
                    label = f"{label} batch #{key[1]}"
                yield f"{label}: register {fmt_qty(r)}, mutasi stok {fmt_qty(m)}"
    # Every move has exactly its row, with the same item, batch and quantity.
    unmatched = db.session.execute(
        select(StockMove.id, StockMove.item_id)
        .outerjoin(RegisterEntry, RegisterEntry.move_id == StockMove.id)
        .where(
            StockMove.cooperative_id == coop.id,
            StockMove.item_id.in_(items),
            RegisterEntry.id.is_(None),
        )
        .limit(20)
    ).all()
    for move_id, item_id in unmatched:
        yield f"{names[item_id]}: mutasi stok #{move_id} tidak ada di register"
    wrong = db.session.execute(
        select(RegisterEntry.id, RegisterEntry.item_id)
        .join(StockMove, StockMove.id == RegisterEntry.move_id)
        .where(
            RegisterEntry.cooperative_id == coop.id,
            (StockMove.item_id != RegisterEntry.item_id)
            | (StockMove.qty != RegisterEntry.qty)
            | (func.coalesce(StockMove.batch_id, 0) != func.coalesce(RegisterEntry.batch_id, 0)),
        )
        .limit(20)
    ).all()
    for entry_id, item_id in wrong:
        yield f"{names.get(item_id, item_id)}: baris register #{entry_id} berbeda dari mutasinya"
    yield from _check_balances(coop, names)


def _check_balances(coop: Cooperative, names: dict[int, str]) -> Iterator[str]:
    """The running balance steps by each row's quantity and ends at what is on hand."""
    on_hand = dict(
        db.session.execute(
            select(StockLevel.item_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.cooperative_id == coop.id, StockLevel.item_id.in_(sorted(names)))
            .group_by(StockLevel.item_id)
        ).all()
    )
    rows = db.session.execute(
        select(
            RegisterEntry.item_id, RegisterEntry.id, RegisterEntry.qty, RegisterEntry.balance_after
        )
        .where(RegisterEntry.cooperative_id == coop.id)
        .order_by(RegisterEntry.item_id, RegisterEntry.id)
    ).all()
    last: dict[int, Decimal] = {}
    for item_id, entry_id, qty, balance in rows:
        before = last.get(item_id, Decimal(0))
        if before + qty != balance:
            yield (
                f"{names.get(item_id, item_id)}: baris register #{entry_id} bersaldo "
                f"{fmt_qty(balance)}, seharusnya {fmt_qty(before + qty)}"
            )
        last[item_id] = balance
    for item_id in sorted(names):
        book = last.get(item_id, Decimal(0))
        stock = on_hand.get(item_id) or Decimal(0)
        if book != stock:
            yield f"{names[item_id]}: saldo register {fmt_qty(book)}, stok {fmt_qty(stock)}"


def register() -> None:
    """Listen to stock moves and add the verify check (called once at import)."""
    from outlet_pos.core.verify import register_check

    add_move_listener(on_move)
    unit_rules.register("apotek", HOOKS)
    register_check("Register narkotika/psikotropika = mutasi stok", check_register)
