"""The ledger's contract (DESIGN §2.5): ``post`` is the one way money moves.

Every caller (checkout, savings, the manual journal form, the CLI) goes through ``post``; it
validates, numbers gaplessly per cooperative and year, hash-chains, and flushes. It never
commits: the caller's business action commits once (``run_transaction``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, func, insert, literal_column, select, update
from sqlalchemy import inspect as sa_inspect

from outlet_pos.core.audit import record
from outlet_pos.core.db import Prepared, attach_written, lock_for_update, time_ordered_uuid, utcnow
from outlet_pos.core.errors import (
    DomainError,
    NotFound,
    PeriodLocked,
    UnbalancedEntry,
    ValidationError,
)
from outlet_pos.core.ledger.models import (
    MONTHS_ID,
    TYPE_BY_DIGIT,
    Account,
    JournalEntry,
    JournalLine,
    Period,
)
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db

MAX_AMOUNT = 10**15 - 1  # Rp999 triliun: beyond any cooperative, below BIGINT and float traps
GENESIS_HASH = "0" * 64
_COOP_MAPPER = sa_inspect(Cooperative)
# Control accounts whose balance must equal a subledger: only their documents post to them.
CONTROLLED_ACCOUNTS = {
    "114100": "Akun persediaan hanya berubah lewat penerimaan barang, penjualan atau stok opname.",
    "114200": "Akun persediaan pupuk hanya berubah lewat dokumen persediaan.",
    "113200": "Piutang anggota hanya berubah lewat penjualan kredit dan pelunasannya.",
    "113300": "Piutang pinjaman hanya berubah lewat pencairan, angsuran atau hapus buku pinjaman.",
    "211200": "Simpanan sukarela hanya berubah lewat transaksi simpanan anggota.",
    "211300": "Simpanan berjangka hanya berubah lewat transaksi simpanan anggota.",
    "311100": "Simpanan pokok hanya berubah lewat transaksi simpanan anggota.",
    "311200": "Simpanan wajib hanya berubah lewat transaksi simpanan anggota.",
    "121100": "Aset tetap hanya berubah lewat register aset tetap.",
    "121200": "Aset tetap hanya berubah lewat register aset tetap.",
    "121300": "Aset tetap hanya berubah lewat register aset tetap.",
    "121900": "Akumulasi penyusutan hanya berubah lewat penyusutan dan pelepasan aset.",
}
DOCUMENT_SOURCES = {
    "sale": "Jurnal penjualan dikoreksi lewat retur penjualan, bukan dibalik di sini.",
    "refund": "Jurnal retur penjualan tidak dapat dibalik di sini.",
    "shift": "Jurnal shift kasir tidak dapat dibalik di sini.",
    "purchase": "Jurnal pembelian dikoreksi lewat retur pembelian, bukan dibalik di sini.",
    "stock": "Jurnal persediaan dikoreksi lewat stok opname, bukan dibalik di sini.",
    "savings": "Jurnal simpanan dikoreksi lewat transaksi simpanan, bukan dibalik di sini.",
    "loan": "Jurnal pinjaman dikoreksi lewat transaksi pinjaman, bukan dibalik di sini.",
    "credit": "Jurnal pelunasan kredit belanja tidak dapat dibalik di sini.",
    "closing": "Jurnal penutupan tahun tidak dibalik; tutup tahun lagi setelah koreksi.",
    "shu": "Jurnal pembagian dan pembayaran SHU tidak dapat dibalik di sini.",
    "expense": "Jurnal pengeluaran/pendapatan lain dibatalkan dari halaman transaksinya.",
    "asset": "Jurnal aset tetap dikoreksi lewat register aset (pelepasan), bukan dibalik di sini.",
    "tax": "Jurnal pajak dikoreksi dari halaman Laporan pajak, bukan dibalik di sini.",
    "clinic": "Jurnal tagihan klinik dibatalkan dari halaman tagihannya.",
    "lokal": "Jurnal unit lokal (cold storage, agen) dikoreksi dari halaman unitnya.",
    "logistics": "Jurnal pos & logistik dikoreksi dari halaman COD/kurir, bukan dibalik di sini.",
}


@dataclass(frozen=True)
class LineInput:
    """One side of a posting, as callers hand it to ``post``."""

    account: str | Account
    debit: int
    credit: int
    unit: BusinessUnit | int | None = None
    member: int | None = None
    memo: str = ""


def _as_line(raw: LineInput | Sequence) -> LineInput:
    if isinstance(raw, LineInput):
        return raw
    if not isinstance(raw, Sequence) or not 3 <= len(raw) <= 6:
        raise ValidationError("Baris jurnal harus berisi akun, debit dan kredit.")
    return LineInput(*raw)


def _check_amount(value: object, line_no: int) -> int:
    # bool is an int subclass; floats and Decimals are refused outright: money is integer rupiah.
    if type(value) is not int:
        raise ValidationError(f"Baris {line_no}: jumlah harus rupiah bulat (bukan pecahan).")
    if value < 0:
        raise ValidationError(f"Baris {line_no}: jumlah tidak boleh negatif.")
    if value > MAX_AMOUNT:
        raise ValidationError(f"Baris {line_no}: jumlah terlalu besar.")
    return value


def fiscal_year(coop: Cooperative, day: date) -> int:
    """The fiscal year a date belongs to, named after the calendar year it starts in."""
    start = coop.fiscal_year_start_month or 1
    return day.year if day.month >= start else day.year - 1


def is_period_closed(coop: Cooperative, day: date) -> bool:
    return bool(
        db.session.connection()
        .execute(
            select(Period.closed).where(
                Period.cooperative_id == coop.id,
                Period.year == day.year,
                Period.month == day.month,
            )
        )
        .scalar()
    )


def entry_hash(number: str, day: date, lines: Iterable[tuple[int, int, int]], prev: str) -> str:
    """SHA-256 over the entry's number, date, lines (account id, debit, credit as integer
    strings) and the previous entry's hash, so any row changed behind the application's back
    breaks the chain that ``outlet-pos verify`` walks."""
    body = "|".join([number, day.isoformat(), ";".join(f"{a}:{d}:{c}" for a, d, c in lines), prev])
    return hashlib.sha256(body.encode()).hexdigest()


def post(
    coop: Cooperative | int,
    day: date,
    memo: str,
    lines: Sequence[LineInput | Sequence],
    *,
    source: str,
    source_ref: str = "",
    unit: BusinessUnit | int | None = None,
    user=None,
    idempotency_key: str | None = None,
    reverses: JournalEntry | None = None,
    shift=None,
) -> JournalEntry:
    """Post one balanced journal entry (flush only) and return it.

    Refuses, with one message and nothing written: fewer than two lines, a line with both or
    neither side, non-integer/negative amounts, debits != credits, unknown, inactive or header
    accounts, another cooperative's account or unit, a date in a closed month.
    A repeated ``idempotency_key`` returns the first entry instead of posting again.
    ``coop`` may be given as its id (the counter does, to spare loading the row).
    """
    if not isinstance(day, date):
        raise ValidationError("Tanggal jurnal tidak valid.", field="date")
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError("Keterangan jurnal wajib diisi.", field="memo")
    if len(memo) > 500:
        raise ValidationError("Keterangan jurnal maksimal 500 karakter.", field="memo")
    parsed = [_as_line(raw) for raw in lines]
    if len(parsed) < 2:
        raise UnbalancedEntry("Jurnal harus memiliki paling sedikit dua baris.")
    total_debit = total_credit = 0
    for no, line in enumerate(parsed, start=1):
        debit = _check_amount(line.debit, no)
        credit = _check_amount(line.credit, no)
        if (debit > 0) == (credit > 0):
            raise ValidationError(f"Baris {no}: isi debit atau kredit (salah satu, bukan nol).")
        total_debit += debit
        total_credit += credit
    if total_debit != total_credit:
        raise UnbalancedEntry(
            f"Jurnal tidak seimbang: debit {total_debit:,} ≠ kredit {total_credit:,}.".replace(
                ",", "."
            )
        )

    # Lock the cooperative row: it serialises numbering and the hash chain per cooperative
    # (PostgreSQL FOR UPDATE; SQLite is already serialised by BEGIN IMMEDIATE). This function
    # sits on the counter's hot path, so it runs prebuilt Core statements with bound
    # parameters (``Prepared``: straight on the DBAPI cursor) instead of building ORM queries
    # and flushing a unit of work each time.
    conn = db.session.connection()
    if isinstance(coop, int):
        coop_id = coop
    else:
        # The primary key from the identity map: no reload of an object expired by a commit.
        identity = sa_inspect(coop).identity
        coop_id = identity[0] if identity else coop.id
    prev, start_month = _Q.lock.first(conn, {"coop": coop_id})

    if idempotency_key:
        idempotency_key = idempotency_key.strip()[:64]
        existing = _Q.idem.scalar(conn, {"coop": coop_id, "key": idempotency_key})
        if existing is not None:
            return db.session.get(JournalEntry, existing)

    if source in ("manual", "reversal"):
        for line in parsed:
            code = line.account.code if isinstance(line.account, Account) else line.account
            if code in CONTROLLED_ACCOUNTS:
                raise ValidationError(f"Akun {code}: {CONTROLLED_ACCOUNTS[code]}")
    year = day.year if day.month >= (start_month or 1) else day.year - 1
    unit_ids = {_unit_key(u) for u in [line.unit for line in parsed] + [unit]} - {None}
    member_ids = {line.member for line in parsed if line.member is not None}
    for no, line in enumerate(parsed, start=1):
        if line.member is not None and (type(line.member) is not int or line.member <= 0):
            raise ValidationError(f"Baris {no}: anggota tidak valid.")
    # One read after the lock (so on PostgreSQL it sees the year's numbers as they stand once
    # we hold it): the accounts the lines name, the month's lock, the year's last number and
    # how many of the units are this cooperative's.
    rows = _Q.context.rows(
        conn,
        {
            "coop": coop_id,
            "codes": sorted({ln.account for ln in parsed if isinstance(ln.account, str)}),
            "unit_ids": sorted(unit_ids),
            "member_ids": sorted(member_ids),
            "y": day.year,
            "m": day.month,
            "year": year,
        },
    )
    account_ids = _resolve_accounts(coop_id, parsed, {r.code: r for r in rows if r.id is not None})
    if rows[0].units != len(unit_ids):
        raise ValidationError("Unit usaha tidak dikenal di koperasi ini.")
    # A member's subledger line must be this cooperative's member: another cooperative's
    # member id would put their debt or savings into these books.
    if rows[0].members != len(member_ids):
        raise ValidationError("Anggota tidak dikenal di koperasi ini.")
    units: dict[int | None, int | None] = {uid: uid for uid in unit_ids}
    units[None] = None
    if rows[0].closed:
        raise PeriodLocked(
            f"Periode {MONTHS_ID[day.month - 1]} {day.year} sudah ditutup; "
            "jurnal tidak dapat diposting ke bulan itu.",
            field="date",
        )
    seq = (rows[0].max_seq or 0) + 1
    number = f"JU-{year}-{seq:06d}"
    line_keys = [(account_ids[i], line.debit, line.credit) for i, line in enumerate(parsed)]
    prev = prev or GENESIS_HASH
    digest = entry_hash(number, day, line_keys, prev)
    values = {
        "public_id": time_ordered_uuid(),
        "cooperative_id": coop_id,
        "year": year,
        "seq": seq,
        "number": number,
        "date": day,
        "memo": memo,
        "source": source,
        "source_ref": source_ref[:64],
        "unit_id": units.get(_unit_key(unit)),
        "reverses_id": reverses.id if reverses is not None else None,
        "shift_id": getattr(shift, "id", shift),
        "idempotency_key": idempotency_key or None,
        "created_by_id": getattr(user, "id", user),
        "created_at": utcnow(),
        "prev_hash": prev,
        "hash": digest,
    }
    values["id"] = _Q.insert_entry.scalar(conn, values)
    _Q.insert_lines.many(
        conn,
        [
            {
                "cooperative_id": coop_id,
                "entry_id": values["id"],
                "line_no": no,
                "account_id": account_ids[no - 1],
                "entry_date": day,
                "debit": line.debit,
                "credit": line.credit,
                "unit_id": units.get(_unit_key(line.unit)),
                "member_id": line.member,
                "memo": (line.memo or "")[:200],
            }
            for no, line in enumerate(parsed, start=1)
        ],
    )
    _Q.update_head.run(conn, {"coop_id": coop_id, "digest": digest})
    cached = db.session.identity_map.get(_COOP_MAPPER.identity_key_from_primary_key((coop_id,)))
    if cached is not None:
        db.session.expire(cached, ["ledger_head_hash"])
    # Hand back an ORM object without a SELECT: the row we just wrote, attached as persistent.
    return attach_written(JournalEntry, values)


class _Q:
    """Prebuilt statements for post(); built once, run as ``Prepared`` with bound parameters
    (``FOR UPDATE`` is compiled for PostgreSQL only; SQLite is serialised by BEGIN IMMEDIATE)."""

    _coop = bindparam("coop")
    # FOR NO KEY UPDATE, not FOR UPDATE: it still serialises posters, but does not conflict
    # with the FOR KEY SHARE lock a foreign-key check takes on the cooperative row. With FOR
    # UPDATE, two transactions that had each inserted a row of the cooperative (a new savings
    # account, a sale's lines) deadlocked here, each waiting for the other (bench/soak.py).
    lock = Prepared(
        select(Cooperative.ledger_head_hash, Cooperative.fiscal_year_start_month)
        .where(Cooperative.id == _coop)
        .with_for_update(key_share=True)
    )
    idem = Prepared(
        select(JournalEntry.id).where(
            JournalEntry.cooperative_id == _coop, JournalEntry.idempotency_key == bindparam("key")
        )
    )
    # One row per account the lines name, each carrying the same three figures; the outer
    # join from a one-row table keeps a row (account columns NULL) when none matches.
    _one = select(literal_column("1").label("one")).subquery("one")
    context = Prepared(
        select(
            select(Period.closed)
            .where(
                Period.cooperative_id == _coop,
                Period.year == bindparam("y"),
                Period.month == bindparam("m"),
            )
            .scalar_subquery()
            .label("closed"),
            select(func.max(JournalEntry.seq))
            .where(JournalEntry.cooperative_id == _coop, JournalEntry.year == bindparam("year"))
            .scalar_subquery()
            .label("max_seq"),
            select(func.count())
            .select_from(BusinessUnit)
            .where(
                BusinessUnit.cooperative_id == _coop,
                BusinessUnit.id.in_(bindparam("unit_ids", expanding=True)),
            )
            .scalar_subquery()
            .label("units"),
            select(func.count())
            .select_from(Member)
            .where(
                Member.cooperative_id == _coop,
                Member.id.in_(bindparam("member_ids", expanding=True)),
            )
            .scalar_subquery()
            .label("members"),
            Account.id,
            Account.code,
            Account.cooperative_id,
            Account.is_header,
            Account.active,
        ).select_from(
            _one.outerjoin(
                Account,
                and_(
                    Account.cooperative_id == _coop,
                    Account.code.in_(bindparam("codes", expanding=True)),
                ),
            )
        )
    )
    insert_entry = Prepared(insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id))
    insert_lines = Prepared(insert(JournalLine.__table__))
    update_head = Prepared(
        update(Cooperative.__table__)
        .where(Cooperative.__table__.c.id == bindparam("coop_id"))
        .values(ledger_head_hash=bindparam("digest"))
    )


def _unit_key(unit: BusinessUnit | int | None) -> int | None:
    return unit.id if isinstance(unit, BusinessUnit) else unit


def _resolve_accounts(coop_id: int, parsed: list[LineInput], by_code: dict) -> list[int]:
    """Account ids for the lines (``by_code``: the rows of the codes they name), refusing
    unknown, header, inactive or foreign accounts."""
    result = []
    for no, line in enumerate(parsed, start=1):
        acc = line.account if isinstance(line.account, Account) else by_code.get(line.account)
        if acc is None or acc.cooperative_id != coop_id:
            shown = line.account.code if isinstance(line.account, Account) else line.account
            raise ValidationError(f"Baris {no}: akun {shown} tidak dikenal.")
        if acc.is_header:
            raise ValidationError(
                f"Baris {no}: akun {acc.code} adalah akun induk (header); pilih akun rinciannya."
            )
        if not acc.active:
            raise ValidationError(f"Baris {no}: akun {acc.code} tidak aktif.")
        result.append(acc.id)
    return result


def is_reversed(entry: JournalEntry) -> JournalEntry | None:
    return db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.cooperative_id == entry.cooperative_id,
            JournalEntry.reverses_id == entry.id,
        )
    )


def reverse(entry: JournalEntry, day: date, reason: str, user) -> JournalEntry:
    """Post the mirror image of ``entry`` (the only undo); each entry reverses at most once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan pembalikan wajib diisi.", field="reason")
    if entry.reverses_id is not None:
        raise DomainError("Jurnal pembalik tidak dapat dibalik lagi; buat jurnal baru.")
    # Serialise with other postings of the cooperative before checking "already reversed",
    # so two reversals at once cannot both pass the check.
    db.session.execute(
        lock_for_update(
            select(Cooperative.id).where(Cooperative.id == entry.cooperative_id), key_share=True
        )
    ).scalar_one()
    if is_reversed(entry) is not None:
        raise DomainError(f"Jurnal {entry.number} sudah pernah dibalik.")
    if entry.source in DOCUMENT_SOURCES:
        # The document owns its entry: undoing it here would leave the sale, the stock and
        # the shift's cash disagreeing with the ledger.
        raise DomainError(DOCUMENT_SOURCES[entry.source])
    coop = db.session.get(Cooperative, entry.cooperative_id)
    lines = [
        LineInput(line.account, line.credit, line.debit, line.unit_id, line.member_id, line.memo)
        for line in entry.lines
    ]
    mirror = post(
        coop,
        day,
        f"Pembalikan {entry.number}: {reason}"[:500],
        lines,
        source="reversal",
        source_ref=entry.number,
        unit=entry.unit_id,
        user=user,
        reverses=entry,
    )
    record(
        "journal.reverse",
        user=user,
        cooperative=coop,
        target=entry.number,
        detail={"reversal": mirror.number, "reason": reason},
    )
    return mirror


def balances(
    coop: Cooperative,
    *,
    as_of: date | None = None,
    date_from: date | None = None,
    period: tuple[int, int] | None = None,
    unit: BusinessUnit | int | None = None,
) -> dict[str, int]:
    """Signed balances (debit - credit) per account code, by SQL aggregation.

    ``as_of`` includes everything up to that date; ``date_from`` narrows to a range;
    ``period=(year, month)`` is one month's movement.
    """
    conds = [JournalLine.cooperative_id == coop.id]
    if period is not None:
        import calendar

        y, m = period
        conds += [
            JournalLine.entry_date >= date(y, m, 1),
            JournalLine.entry_date <= date(y, m, calendar.monthrange(y, m)[1]),
        ]
    if as_of is not None:
        conds.append(JournalLine.entry_date <= as_of)
    if date_from is not None:
        conds.append(JournalLine.entry_date >= date_from)
    if unit is not None:
        conds.append(JournalLine.unit_id == _unit_key(unit))
    rows = db.session.execute(
        select(Account.code, func.sum(JournalLine.debit) - func.sum(JournalLine.credit))
        .join(Account, Account.id == JournalLine.account_id)
        .where(and_(*conds))
        .group_by(Account.code)
    )
    return {code: int(amount) for code, amount in rows}


def add_account(coop: Cooperative, parent: Account, code: str, name: str, user) -> Account:
    """Add a child account under ``parent``; a parent with postings cannot get children,
    because its history would then sit on a header that reports must not post to."""
    code = (code or "").strip()
    name = (name or "").strip()
    if parent.cooperative_id != coop.id:
        raise NotFound("Akun induk tidak ditemukan.")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise ValidationError("Kode akun harus 6 angka.", field="code")
    if code[0] != parent.code[0] or code[0] not in TYPE_BY_DIGIT:
        raise ValidationError(
            f"Kode akun harus diawali {parent.code[0]} seperti akun induknya.", field="code"
        )
    if not name or len(name) > 200:
        raise ValidationError("Nama akun wajib diisi (maksimal 200 karakter).", field="name")
    if db.session.scalar(
        select(Account.id).where(Account.cooperative_id == coop.id, Account.code == code)
    ):
        raise ValidationError(f"Kode akun {code} sudah dipakai.", field="code")
    if not parent.is_header:
        if db.session.scalar(select(JournalLine.id).where(JournalLine.account_id == parent.id)):
            raise ValidationError(
                f"Akun {parent.code} sudah memiliki transaksi, tidak dapat diberi sub-akun.",
                field="parent",
            )
        parent.is_header = True
    acc = Account(
        cooperative_id=coop.id,
        code=code,
        name=name,
        type=parent.type,
        normal_side=parent.normal_side,
        parent_id=parent.id,
        is_header=False,
        active=True,
    )
    db.session.add(acc)
    db.session.flush()
    record("account.create", user=user, cooperative=coop, target=code, detail={"name": name})
    return acc


def set_account_active(account: Account, active: bool, user) -> None:
    """Deactivate (or reactivate) an account; a non-zero balance must be moved out first."""
    if not active:
        bal = db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
                JournalLine.account_id == account.id
            )
        )
        if bal:
            raise ValidationError(
                f"Akun {account.code} masih bersaldo; pindahkan saldonya sebelum menonaktifkan."
            )
    account.active = active
    record(
        "account.update",
        user=user,
        cooperative=account.cooperative_id,
        target=account.code,
        detail={"active": active},
    )
    db.session.flush()
