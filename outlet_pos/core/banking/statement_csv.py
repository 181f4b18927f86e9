"""Bank statement CSV import: a column mapping saved per bank account, a preview, then an
all-or-nothing import.

Amounts become integer rupiah exactly, never through a float: "1.234.567,00" (Indonesian
style) or "1,234,567.00"; cents must be zero. Lines already imported from an overlapping
statement are recognised by a fingerprint per bank account (date, amount, description,
reference and the running balance, or the line's occurrence number within the file when the
bank gives no balance) and skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.banking.models import (
    BankAccount,
    BankCsvMapping,
    BankStatement,
    BankStatementLine,
)
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.ledger.services import MAX_AMOUNT
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
DELIMITERS = {",": "Koma (,)", ";": "Titik koma (;)", "\t": "Tab", "|": "Garis tegak (|)"}
DATE_FORMATS = {
    "%d/%m/%Y": "31/12/2025",
    "%d-%m-%Y": "31-12-2025",
    "%d/%m/%y": "31/12/25",
    "%Y-%m-%d": "2025-12-31",
    "%d %b %Y": "31 Dec 2025",
    "%m/%d/%Y": "12/31/2025",
}
NUMBER_STYLES = {"id": "1.234.567,00 (titik ribuan, koma desimal)",
                 "en": "1,234,567.00 (koma ribuan, titik desimal)"}  # fmt: skip
DEFAULT_MAPPING = {
    "delimiter": ",", "skip_rows": 0, "date_column": "Tanggal", "date_format": "%d/%m/%Y",
    "description_column": "Keterangan", "reference_column": "", "amount_column": "",
    "debit_column": "Debet", "credit_column": "Kredit", "balance_column": "Saldo",
    "number_style": "id",
}  # fmt: skip
FIELDS = list(DEFAULT_MAPPING)


def mapping_for(account: BankAccount) -> BankCsvMapping | None:
    return db.session.scalar(
        select(BankCsvMapping).where(
            BankCsvMapping.cooperative_id == account.cooperative_id,
            BankCsvMapping.bank_account_id == account.id,
        )
    )


def mapping_values(account: BankAccount) -> dict:
    saved = mapping_for(account)
    if saved is None:
        return dict(DEFAULT_MAPPING)
    return {name: getattr(saved, name) for name in FIELDS}


def save_mapping(coop: Cooperative, account: BankAccount, values: dict, user) -> BankCsvMapping:
    """Check and save the column mapping of one bank account (created or replaced)."""
    clean = {name: values.get(name, DEFAULT_MAPPING[name]) for name in FIELDS}
    for name in FIELDS:
        if isinstance(clean[name], str) and name != "delimiter":
            clean[name] = clean[name].strip()[:60]
    if clean["delimiter"] not in DELIMITERS:
        raise ValidationError("Pilih pemisah kolom.", field="delimiter")
    if clean["date_format"] not in DATE_FORMATS:
        raise ValidationError("Pilih format tanggal.", field="date_format")
    if clean["number_style"] not in NUMBER_STYLES:
        raise ValidationError("Pilih format angka.", field="number_style")
    skip = clean["skip_rows"]
    if type(skip) is not int or not 0 <= skip <= 50:
        raise ValidationError("Baris dilewati 0 sampai 50.", field="skip_rows")
    for name, label in (("date_column", "tanggal"), ("description_column", "keterangan")):
        if not clean[name]:
            raise ValidationError(f"Kolom {label} wajib diisi.", field=name)
    if clean["amount_column"]:
        clean["debit_column"] = clean["credit_column"] = ""
    elif not (clean["debit_column"] and clean["credit_column"]):
        raise ValidationError(
            "Isi kolom jumlah (bertanda), atau kolom debet dan kolom kredit.",
            field="amount_column",
        )
    mapping = mapping_for(account)
    if mapping is None:
        mapping = BankCsvMapping(cooperative_id=coop.id, bank_account_id=account.id)
        db.session.add(mapping)
    for name, value in clean.items():
        setattr(mapping, name, value)
    db.session.flush()
    record("bank.mapping_save", user=user, cooperative=coop, target=account.label)
    return mapping


# --- parsing ----------------------------------------------------------------------------------

_AMOUNT_NOISE = re.compile(r"(?i)^(rp\.?|idr)\s*|\s+")
_INDICATOR = re.compile(r"(?i)\s*(cr|db|d|k)\.?$")


def parse_amount(text: str, style: str) -> int:
    """Integer rupiah from a bank's number text; ValueError with an Indonesian message."""
    raw = (text or "").strip()
    sign = 1
    match = _INDICATOR.search(raw)
    if match and any(ch.isdigit() for ch in raw[: match.start()]):
        sign = -1 if match.group(1).lower() in ("db", "d") else 1
        raw = raw[: match.start()]
    raw = _AMOUNT_NOISE.sub("", raw)
    if raw.startswith("(") and raw.endswith(")"):
        sign, raw = -sign, raw[1:-1]
    if raw.startswith("-"):
        sign, raw = -sign, raw[1:]
    elif raw.startswith("+"):
        raw = raw[1:]
    thousands, decimal = (".", ",") if style == "id" else (",", ".")
    whole, dec = raw, ""
    if decimal in raw:
        whole, dec = raw.rsplit(decimal, 1)
        if not re.fullmatch(r"\d{1,2}", dec):
            raise ValueError(f"angka '{text.strip()}' tidak sesuai format")
    if thousands in whole:
        if not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})+", whole):
            raise ValueError(f"angka '{text.strip()}' tidak sesuai format")
        whole = whole.replace(thousands, "")
    if not whole.isascii() or not whole.isdigit():
        raise ValueError(f"angka '{text.strip()}' tidak sesuai format")
    if dec and int(dec) != 0:
        raise ValueError(f"jumlah '{text.strip()}' memiliki sen; rupiah harus bulat")
    value = int(whole)
    if value > MAX_AMOUNT:
        raise ValueError("jumlah terlalu besar")
    return sign * value


def parse_date(text: str, fmt: str) -> date:
    raw = (text or "").strip()
    for candidate in (raw, raw.split(" ")[0] if raw else raw):
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"tanggal '{raw}' tidak sesuai format {DATE_FORMATS.get(fmt, fmt)}")


@dataclass
class ParsedLine:
    line_no: int
    date: date
    description: str
    reference: str
    amount: int
    balance: int | None
    fingerprint: str = ""
    duplicate: bool = False


@dataclass
class Preview:
    filename: str
    lines: list[ParsedLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: int = 0  # blank, summary or zero lines

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def new_lines(self) -> list[ParsedLine]:
        return [ln for ln in self.lines if not ln.duplicate]

    @property
    def duplicates(self) -> int:
        return sum(1 for ln in self.lines if ln.duplicate)

    @property
    def period(self) -> tuple[date, date] | None:
        if not self.lines:
            return None
        days = [ln.date for ln in self.lines]
        return min(days), max(days)

    @property
    def total_in(self) -> int:
        return sum(ln.amount for ln in self.new_lines if ln.amount > 0)

    @property
    def total_out(self) -> int:
        return -sum(ln.amount for ln in self.new_lines if ln.amount < 0)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _column(headers: list[str], spec: str, label: str) -> int:
    """The index of a column named by its header (any case) or by its number (1 = first)."""
    if spec.isascii() and spec.isdigit() and len(spec) <= 4 and 1 <= int(spec) <= len(headers):
        return int(spec) - 1
    wanted = spec.strip().casefold()
    for i, name in enumerate(headers):
        if name.strip().casefold() == wanted:
            return i
    shown = ", ".join(h.strip() for h in headers if h.strip())
    raise ValidationError(
        f"Kolom {label} '{spec}' tidak ada di berkas (kolom yang ada: {shown}). "
        "Periksa format CSV rekening ini.",
        field="file",
    )


def parse_statement(raw: bytes, mapping: dict, filename: str = "", today=None) -> Preview:
    """Read a statement file with a mapping; every bad line is reported with its number."""
    try:
        return _parse_statement(raw, mapping, filename, today)
    except csv.Error:
        # A line past the csv module's field limit, or another file renamed .csv.
        raise ValidationError(
            "Berkas bukan CSV yang dapat dibaca (baris rusak atau terlalu panjang).", field="file"
        ) from None


def _parse_statement(raw: bytes, mapping: dict, filename: str, today) -> Preview:
    preview = Preview(filename=filename)
    if len(raw) > MAX_BYTES:
        raise ValidationError("Berkas terlalu besar (maksimal 5 MB).", field="file")
    # newline="": a carriage return inside a field is data, not a broken line (csv docs).
    reader = csv.reader(io.StringIO(_decode(raw), newline=""), delimiter=mapping["delimiter"])
    rows = iter(reader)
    try:
        for _ in range(mapping["skip_rows"]):
            next(rows)
        headers = next(rows)
    except StopIteration:
        raise ValidationError(
            "Berkas kosong atau baris judul tidak ditemukan.", field="file"
        ) from None
    col = {
        key: _column(headers, mapping[f"{key}_column"], label) if mapping[f"{key}_column"] else None
        for key, label in (("date", "tanggal"), ("description", "keterangan"),
                           ("reference", "referensi"), ("amount", "jumlah"),
                           ("debit", "debet"), ("credit", "kredit"), ("balance", "saldo"))
    }  # fmt: skip
    needed = max(col[k] for k in ("date", "amount", "debit", "credit") if col[k] is not None)
    style = mapping["number_style"]
    for row in rows:
        line_no = reader.line_num

        def cell(key: str, row=row) -> str:
            idx = col[key]
            return row[idx].strip() if idx is not None and idx < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        label = cell("date")
        if not any(cell(k) for k in ("amount", "debit", "credit")) or (
            label and not any(ch.isdigit() for ch in label)
        ):
            preview.ignored += 1  # a summary line such as "Saldo Awal" or "Total Mutasi Debet"
            continue
        if len(preview.lines) >= MAX_LINES:
            raise ValidationError(f"Berkas lebih dari {MAX_LINES} baris.", field="file")
        problems = []
        try:
            day = parse_date(cell("date"), mapping["date_format"])
            if today is not None and day > today:
                problems.append(f"tanggal {day:%d/%m/%Y} setelah hari ini")
        except ValueError as exc:
            problems.append(str(exc))
            day = None
        amount = balance = None
        try:
            if col["amount"] is not None:
                amount = parse_amount(cell("amount") or "0", style)
            else:
                amount = parse_amount(cell("credit") or "0", style) - parse_amount(
                    cell("debit") or "0", style
                )
            if col["balance"] is not None and cell("balance"):
                balance = parse_amount(cell("balance"), style)
        except ValueError as exc:
            problems.append(str(exc))
        if needed >= len(row):
            problems.append(f"baris hanya {len(row)} kolom, perlu {needed + 1}")
        if problems:
            preview.errors.append(f"Baris {line_no}: " + "; ".join(problems) + ".")
            continue
        if amount == 0:
            preview.ignored += 1
            continue
        description = " ".join(cell("description").split())[:300]
        reference = " ".join(cell("reference").split())[:100]
        preview.lines.append(ParsedLine(line_no, day, description, reference, amount, balance))
    _fingerprint(preview.lines)
    return preview


def _fingerprint(lines: list[ParsedLine]) -> None:
    seen: dict[tuple, int] = {}
    for ln in lines:
        key = (ln.date.isoformat(), ln.amount, ln.description.casefold(), ln.reference.casefold())
        if ln.balance is not None:
            tail = f"b{ln.balance}"
        else:
            seen[key] = seen.get(key, 0) + 1
            tail = f"n{seen[key]}"
        body = "|".join([*(str(k) for k in key), tail])
        ln.fingerprint = hashlib.sha256(body.encode()).hexdigest()


def preview_statement(account: BankAccount, raw: bytes, filename: str) -> Preview:
    """Parse with the account's saved mapping and mark lines imported before."""
    coop = db.session.get(Cooperative, account.cooperative_id)
    preview = parse_statement(raw, mapping_values(account), filename, today=coop.today())
    known: set[str] = set()
    prints = [ln.fingerprint for ln in preview.lines]
    for start in range(0, len(prints), 500):
        known.update(
            db.session.scalars(
                select(BankStatementLine.fingerprint).where(
                    BankStatementLine.cooperative_id == account.cooperative_id,
                    BankStatementLine.bank_account_id == account.id,
                    BankStatementLine.fingerprint.in_(prints[start : start + 500]),
                )
            )
        )
    for ln in preview.lines:
        ln.duplicate = ln.fingerprint in known
    return preview


def import_statement(
    coop: Cooperative,
    account: BankAccount,
    raw: bytes,
    filename: str,
    user,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
) -> BankStatement:
    """Import the file whole or not at all; lines already imported are skipped."""
    if account.cooperative_id != coop.id:
        raise ValidationError("Rekening bank tidak dikenal.")
    preview = preview_statement(account, raw, filename)
    if preview.errors:
        more = len(preview.errors) - 5
        tail = f" (dan {more} baris lain)" if more > 0 else ""
        raise ValidationError(
            "Berkas ditolak, tidak ada yang disimpan: " + " ".join(preview.errors[:5]) + tail,
            field="file",
        )
    if not preview.lines:
        raise ValidationError("Berkas tidak berisi transaksi.", field="file")
    first, last = preview.period
    start, end = period_start or first, period_end or last
    if start > first or end < last or start > end:
        raise ValidationError(
            f"Periode rekening koran harus mencakup semua baris ({first:%d/%m/%Y}–"
            f"{last:%d/%m/%Y}).",
            field="period_start",
        )
    statement = BankStatement(
        cooperative_id=coop.id,
        bank_account_id=account.id,
        file_name=(filename or "")[:200],
        period_start=start,
        period_end=end,
        line_count=len(preview.new_lines),
        skipped_count=preview.duplicates,
        imported_by_id=getattr(user, "id", user),
    )
    db.session.add(statement)
    db.session.flush()
    db.session.add_all(
        BankStatementLine(
            cooperative_id=coop.id, bank_account_id=account.id, statement_id=statement.id,
            line_no=ln.line_no, date=ln.date, description=ln.description,
            reference=ln.reference, amount=ln.amount, balance=ln.balance,
            fingerprint=ln.fingerprint, status="unmatched",
        )
        for ln in preview.new_lines
    )  # fmt: skip
    db.session.flush()
    record("bank.statement_import", user=user, cooperative=coop, target=account.label,
           detail={"file": filename, "lines": statement.line_count,
                   "skipped": statement.skipped_count})  # fmt: skip
    return statement
