"""``outlet-pos verify``: recompute every invariant from scratch (DESIGN §4.2).

A separate pass that trusts nothing the application maintained, in the spirit of Beancount's
balance checks. Each check yields human-readable violations; none means the books hold.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import GENESIS_HASH, entry_hash
from outlet_pos.core.ledger.snapshots import check_snapshots
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def check_entries_balance(coop: Cooperative) -> Iterator[str]:
    rows = db.session.execute(
        select(
            JournalEntry.number,
            func.count(JournalLine.id),
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
        .outerjoin(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalEntry.cooperative_id == coop.id)
        .group_by(JournalEntry.id, JournalEntry.number)
        .having(
            (
                func.coalesce(func.sum(JournalLine.debit), 0)
                != func.coalesce(func.sum(JournalLine.credit), 0)
            )
            | (func.count(JournalLine.id) < 2)
        )
    )
    for number, count, debit, credit in rows:
        yield f"jurnal {number} tidak seimbang: {count} baris, debit {debit}, kredit {credit}"


def check_trial_balance(coop: Cooperative) -> Iterator[str]:
    debit, credit = db.session.execute(
        select(
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        ).where(JournalLine.cooperative_id == coop.id)
    ).one()
    if debit != credit:
        yield f"neraca saldo tidak nol: debit {debit}, kredit {credit}"


def check_lines_consistent(coop: Cooperative) -> Iterator[str]:
    """Lines must belong to their entry's cooperative, date, and a detail account of it."""
    rows = db.session.execute(
        select(JournalEntry.number, JournalLine.line_no)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            (JournalEntry.cooperative_id != coop.id)
            | (Account.cooperative_id != coop.id)
            | (JournalLine.entry_date != JournalEntry.date),
        )
    )
    for number, line_no in rows:
        yield f"jurnal {number} baris {line_no}: koperasi, akun atau tanggal tidak cocok"


def check_hash_chain(coop: Cooperative) -> Iterator[str]:
    from outlet_pos.core.sync.server import account_key_map

    # A cooperative synced from its outlet hashed the outlet's account ids, not ours.
    accounts = account_key_map(coop.id)
    prev = GENESIS_HASH
    lines: dict[int, list[tuple[int, int, int]]] = {}
    for entry_id, account_id, debit, credit in db.session.execute(
        select(JournalLine.entry_id, JournalLine.account_id, JournalLine.debit, JournalLine.credit)
        .where(JournalLine.cooperative_id == coop.id)
        .order_by(JournalLine.entry_id, JournalLine.line_no)
    ):
        if accounts is not None:
            account_id = accounts.get(account_id, -1)
        lines.setdefault(entry_id, []).append((account_id, debit, credit))
    last = GENESIS_HASH
    for e in db.session.execute(
        select(
            JournalEntry.id,
            JournalEntry.number,
            JournalEntry.date,
            JournalEntry.prev_hash,
            JournalEntry.hash,
        )
        .where(JournalEntry.cooperative_id == coop.id)
        .order_by(JournalEntry.id)
    ):
        if e.prev_hash != prev:
            yield f"jurnal {e.number}: rantai hash terputus (hash sebelumnya tidak cocok)"
        expected = entry_hash(e.number, e.date, lines.get(e.id, []), e.prev_hash)
        if expected != e.hash:
            yield f"jurnal {e.number}: isi jurnal berubah di luar aplikasi (hash tidak cocok)"
        prev = e.hash
        last = e.hash
    if (coop.ledger_head_hash or GENESIS_HASH) != last:
        yield "ujung rantai hash koperasi tidak cocok dengan jurnal terakhir"


def check_numbers_gapless(coop: Cooperative) -> Iterator[str]:
    rows = db.session.execute(
        select(
            JournalEntry.year, func.count(), func.min(JournalEntry.seq), func.max(JournalEntry.seq)
        )
        .where(JournalEntry.cooperative_id == coop.id)
        .group_by(JournalEntry.year)
    )
    for year, count, low, high in rows:
        if low != 1 or high != count:
            yield (
                f"nomor jurnal tahun {year} tidak berurutan: {count} jurnal, nomor {low}..{high}"
            )


def check_stock_levels(coop: Cooperative) -> Iterator[str]:
    """Each stock level (quantity and value) equals the sum of its moves."""
    from outlet_pos.core.inventory.models import Item, StockLevel, StockMove

    moves = {
        (i, loc): (q, v)
        for i, loc, q, v in db.session.execute(
            select(
                StockMove.item_id,
                StockMove.location_id,
                func.sum(StockMove.qty),
                func.sum(StockMove.value),
            )
            .where(StockMove.cooperative_id == coop.id)
            .group_by(StockMove.item_id, StockMove.location_id)
        )
    }
    for lvl, sku in db.session.execute(
        select(StockLevel, Item.sku)
        .join(Item, Item.id == StockLevel.item_id)
        .where(StockLevel.cooperative_id == coop.id)
    ):
        q, v = moves.pop((lvl.item_id, lvl.location_id), (0, 0))
        if lvl.on_hand != q or lvl.value != v:
            yield (
                f"stok {sku} di lokasi {lvl.location_id}: tercatat {lvl.on_hand} / "
                f"{lvl.value}, jumlah mutasi {q} / {v}"
            )
    for (item_id, loc), (q, v) in moves.items():
        if q or v:
            yield f"barang {item_id} di lokasi {loc}: ada mutasi {q} / {v} tanpa saldo stok"


def check_batch_levels(coop: Cooperative) -> Iterator[str]:
    from outlet_pos.core.inventory.models import BatchLevel, Item, StockLevel

    batches = dict(
        ((i, loc), q)
        for i, loc, q in db.session.execute(
            select(BatchLevel.item_id, BatchLevel.location_id, func.sum(BatchLevel.on_hand))
            .where(BatchLevel.cooperative_id == coop.id)
            .group_by(BatchLevel.item_id, BatchLevel.location_id)
        )
    )
    for lvl, sku in db.session.execute(
        select(StockLevel, Item.sku)
        .join(Item, Item.id == StockLevel.item_id)
        .where(StockLevel.cooperative_id == coop.id, Item.track_batch.is_(True))
    ):
        if batches.get((lvl.item_id, lvl.location_id), 0) != lvl.on_hand:
            yield f"stok {sku}: jumlah per batch tidak sama dengan stok lokasi"


def check_inventory_accounts(coop: Cooperative) -> Iterator[str]:
    """The inventory accounts, per business unit, equal the value of the stock."""
    from outlet_pos.core.inventory.models import Item, StockLevel

    stock: dict[tuple[str, int | None], int] = {}
    for account, unit_id, value in db.session.execute(
        select(Item.inventory_account, Item.unit_id, func.sum(StockLevel.value))
        .join(Item, Item.id == StockLevel.item_id)
        .where(StockLevel.cooperative_id == coop.id)
        .group_by(Item.inventory_account, Item.unit_id)
    ):
        stock[(account, unit_id)] = int(value)
    ledger: dict[tuple[str, int | None], int] = {}
    for code, unit_id, amount in db.session.execute(
        select(Account.code, JournalLine.unit_id, func.sum(JournalLine.debit - JournalLine.credit))
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == coop.id, Account.code.in_(["114100", "114200"]))
        .group_by(Account.code, JournalLine.unit_id)
    ):
        ledger[(code, unit_id)] = int(amount)
    for key in sorted(set(stock) | set(ledger), key=str):
        if stock.get(key, 0) != ledger.get(key, 0):
            yield (
                f"akun {key[0]} unit {key[1]}: buku besar {ledger.get(key, 0)}, "
                f"nilai stok {stock.get(key, 0)}"
            )


def check_shift_cash(coop: Cooperative) -> Iterator[str]:
    """Each closed shift's counted cash = its float + the cash lines of its entries."""
    from outlet_pos.core.sales.models import Shift
    from outlet_pos.core.sales.shifts import ledger_cash

    for shift in db.session.scalars(
        select(Shift).where(Shift.cooperative_id == coop.id, Shift.status == "closed")
    ):
        cash = shift.float_amount + ledger_cash(shift)
        if shift.counted_cash != cash:
            yield f"shift {shift.id}: kas dihitung {shift.counted_cash}, kas menurut buku {cash}"


def check_receipt_numbers(coop: Cooperative) -> Iterator[str]:
    """Receipt numbers are unique and gapless per outlet per day."""
    from outlet_pos.core.sales.models import Sale

    seen: dict[tuple[int, str], list[int]] = {}
    for outlet_id, number in db.session.execute(
        select(Sale.outlet_id, Sale.number).where(Sale.cooperative_id == coop.id)
    ):
        prefix, _, seq = number.rpartition("-")
        seen.setdefault((outlet_id, prefix), []).append(int(seq))
    for (_outlet, prefix), seqs in sorted(seen.items()):
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            yield f"nomor struk {prefix}: {len(seqs)} struk tetapi nomor {min(seqs)}..{max(seqs)}"


def check_sales_posted(coop: Cooperative) -> Iterator[str]:
    """Every sale has its journal entry, and payments less change equal its total."""
    from outlet_pos.core.sales.models import Payment, Sale

    paid = dict(
        db.session.execute(
            select(Payment.sale_id, func.sum(Payment.amount))
            .where(Payment.cooperative_id == coop.id)
            .group_by(Payment.sale_id)
        ).all()
    )
    for sale in db.session.scalars(select(Sale).where(Sale.cooperative_id == coop.id)):
        if sale.entry_id is None:
            yield f"struk {sale.number} tidak memiliki jurnal"
        if paid.get(sale.id, 0) - sale.change_amount != sale.total:
            yield f"struk {sale.number}: pembayaran tidak sama dengan total"


CHECKS = [
    ("Setiap jurnal seimbang", check_entries_balance),
    ("Neraca saldo berjumlah nol", check_trial_balance),
    ("Baris jurnal konsisten", check_lines_consistent),
    ("Rantai hash jurnal utuh", check_hash_chain),
    ("Saldo bulan tertutup = jurnalnya", check_snapshots),
    ("Nomor jurnal tanpa celah", check_numbers_gapless),
    ("Saldo stok = jumlah mutasi", check_stock_levels),
    ("Stok per batch = stok lokasi", check_batch_levels),
    ("Akun persediaan = nilai stok", check_inventory_accounts),
    ("Kas shift tertutup = kas menurut buku", check_shift_cash),
    ("Nomor struk tanpa celah", check_receipt_numbers),
    ("Setiap struk terjurnal dan lunas", check_sales_posted),
]


def register_check(label: str, check) -> None:
    """Let a unit add the invariants of its own subledgers (the core never imports units)."""
    if all(existing != label for existing, _ in CHECKS):
        CHECKS.append((label, check))


def verify_all() -> list[tuple[str, str, list[str]]]:
    """Run every check for every cooperative: [(cooperative, check, violations)]."""
    results = []
    for coop in db.session.scalars(select(Cooperative).order_by(Cooperative.id)):
        for label, check in CHECKS:
            results.append((coop.name, label, list(check(coop))))
    return results
