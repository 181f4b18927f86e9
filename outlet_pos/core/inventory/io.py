"""The catalog in and out of spreadsheets (CSV and Excel), and bulk price changes.

Export writes one row per item; import reads the same columns back, so an exported file
edited in a spreadsheet and imported again changes exactly what was edited. Import is in two
steps: ``preview_import`` checks every row and reports each problem with its row number (in
Indonesian), ``apply_import`` writes all rows through ``catalog.save_item`` or none.

Columns: sku, name, unit (business unit code), category, base_uom, decimals, taxable,
track_batch, reorder_point, price_member, price_general (base unit), barcodes (";"), and
extra_units: ``name:factor:price_member:price_general:barcode1|barcode2`` joined by ";".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit, StockMove
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import MoneyError, parse_rupiah, round_half_up

COLUMNS = [
    "sku",
    "name",
    "unit",
    "category",
    "base_uom",
    "decimals",
    "taxable",
    "track_batch",
    "reorder_point",
    "price_member",
    "price_general",
    "barcodes",
    "extra_units",
]
REQUIRED = ["sku", "name", "unit", "base_uom", "price_member", "price_general"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
YES = {"ya", "y", "yes", "1", "true", "benar"}
NO = {"tidak", "t", "no", "n", "0", "false", "salah", ""}


# --- export -------------------------------------------------------------------------------------


def _qty_text(qty: Decimal) -> str:
    """``10`` or ``2,5``: the Indonesian decimal comma, no thousands separator (so it reads
    back unambiguously)."""
    q = qty.normalize()
    text = f"{q:f}"
    return text.replace(".", ",")


def safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_rows(coop: Cooperative) -> list[list[object]]:
    """Every item of the cooperative as export rows (values, not yet text), by SKU."""
    units = {
        u.id: u.code
        for u in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id)
        )
    }
    codes: dict[int, list[str]] = {}
    for unit_id, code in db.session.execute(
        select(ItemBarcode.item_unit_id, ItemBarcode.code)
        .where(ItemBarcode.cooperative_id == coop.id)
        .order_by(ItemBarcode.id)
    ):
        codes.setdefault(unit_id, []).append(code)
    out = []
    items = db.session.scalars(
        select(Item).where(Item.cooperative_id == coop.id).order_by(Item.sku)
    ).all()
    for item in items:
        base = next((u for u in item.units if u.factor == 1), None)
        extras = [u for u in item.units if u is not base]
        out.append(
            [
                item.sku,
                item.name,
                units.get(item.unit_id, ""),
                item.category,
                item.base_uom,
                item.decimals,
                "ya" if item.taxable else "tidak",
                "ya" if item.track_batch else "tidak",
                _qty_text(item.reorder_point),
                base.price_member if base else 0,
                base.price_general if base else 0,
                ";".join(codes.get(base.id, [])) if base else "",
                ";".join(
                    f"{u.name}:{_qty_text(u.factor)}:{u.price_member}:{u.price_general}:"
                    + "|".join(codes.get(u.id, []))
                    for u in extras
                ),
            ]
        )
    return out


def export_csv(coop: Cooperative) -> bytes:
    """UTF-8 with BOM (so Excel opens the accents right), comma-separated, formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in export_rows(coop):
        writer.writerow([safe_cell(str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(coop: Cooperative) -> bytes:
    """One sheet, header in row 1; prices and decimals as numbers, everything else as literal
    text (a name starting with "=" stays text, never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Katalog"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(export_rows(coop), start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, int):
                cell.value = value
                continue
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            cell.value = text
            cell.data_type = "s"
            if text.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
    widths = (14, 36, 12, 16, 10, 9, 9, 11, 13, 13, 13, 24, 40)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    row: int  # the row number in the spreadsheet (the header is row 1)
    sku: str
    action: str = "create"  # "create" | "update"
    values: dict = field(default_factory=dict)  # save_item keyword arguments, unit as id
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    filename: str
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file itself

    @property
    def row_errors(self) -> list[tuple[int, str]]:
        return [(r.row, e) for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not self.row_errors

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.action == "create" and not r.errors)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.action == "update" and not r.errors)


def _unquote(text: str) -> str:
    """Undo ``safe_cell``: an apostrophe in front of a formula character was ours."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return _unquote(str(value).strip())


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # bytes no text encoding reads: a binary file named .csv
        raise ValidationError("Berkas CSV tidak dapat dibaca.", field="file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(n, [_cell_text(v) for v in row]) for n, row in enumerate(reader, start=1)]
    except csv.Error:  # a line past the csv module's field limit
        raise ValidationError("Berkas CSV tidak dapat dibaca.", field="file") from None


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise ValidationError("Berkas Excel tidak dapat dibaca.", field="file") from None
    ws = wb.worksheets[0]
    rows = []
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if n > MAX_ROWS + 50:
            break
        rows.append((n, [_cell_text(v) for v in row]))
    wb.close()
    return rows


def _flag(text: str, label: str, errors: list[str], default: bool) -> bool:
    value = text.strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    errors.append(f"Kolom {label} harus 'ya' atau 'tidak', bukan '{text[:20]}'.")
    return default


def _price(text: str, label: str, errors: list[str]) -> int:
    if not text.strip():
        errors.append(f"{label} wajib diisi.")
        return 0
    try:
        return parse_rupiah(text)
    except MoneyError as exc:
        errors.append(f"{label} '{text[:20]}' tidak valid: {exc}")
        return 0


def _decimal(text: str, label: str, errors: list[str], *, positive: bool = False) -> Decimal:
    raw = text.strip().replace(" ", "")
    if not raw:
        return Decimal(0)
    norm = raw.replace(",", ".")
    try:
        value = Decimal(norm)
        if norm.count(".") > 1 or "e" in norm.lower() or not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(f"{label} '{raw[:20]}' bukan angka.")
        return Decimal(0)
    if value < 0 or (positive and value <= 0):
        errors.append(
            f"{label} harus lebih dari nol." if positive else f"{label} tidak boleh negatif."
        )
        return Decimal(0)
    return value


def _extra_units(text: str, errors: list[str]) -> list[UnitSpec]:
    specs = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        bits = part.split(":")
        if len(bits) not in (4, 5) or not bits[0].strip():
            errors.append(
                f"Satuan tambahan '{part[:40]}' harus berbentuk "
                "nama:isi:harga_anggota:harga_umum[:barcode|barcode]."
            )
            continue
        name = bits[0].strip()
        factor = _decimal(bits[1], f"Isi satuan {name}", errors, positive=True)
        member = _price(bits[2], f"Harga anggota per {name}", errors)
        general = _price(bits[3], f"Harga umum per {name}", errors)
        codes = [c.strip() for c in bits[4].split("|") if c.strip()] if len(bits) == 5 else []
        specs.append(UnitSpec(name, factor, member, general, codes))
    return specs


def _has_history(item_id: int) -> bool:
    return bool(db.session.scalar(select(StockMove.id).where(StockMove.item_id == item_id)))


def preview_import(coop: Cooperative, file_bytes: bytes, filename: str) -> ImportPreview:
    """Read and check a catalog file without writing anything.

    Refuses the file itself (wrong type, too big, missing columns) with a ValidationError;
    problems in rows are collected per row with the row number, so the user can fix them all
    in one go.
    """
    name = (filename or "").strip()
    lower = name.lower()
    if not file_bytes:
        raise ValidationError("Pilih berkas CSV atau Excel.", field="file")
    if len(file_bytes) > MAX_BYTES:
        raise ValidationError("Berkas terlalu besar (maksimal 2 MB).", field="file")
    if lower.endswith(".csv"):
        raw_rows = _read_csv(file_bytes)
    elif lower.endswith(".xlsx"):
        raw_rows = _read_xlsx(file_bytes)
    else:
        raise ValidationError("Format berkas harus CSV (.csv) atau Excel (.xlsx).", field="file")
    header_at = next(
        (i for i, (_, cells) in enumerate(raw_rows[:20]) if cells and cells[0].lower() == "sku"),
        None,
    )
    if header_at is None:
        raise ValidationError(
            "Baris judul kolom (sku, name, unit, ...) tidak ditemukan.", field="file"
        )
    header = [c.strip().lower() for c in raw_rows[header_at][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(f"Kolom wajib tidak ada: {', '.join(missing)}.", field="file")
    body = raw_rows[header_at + 1 :]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"Paling banyak {MAX_ROWS} baris per impor.", field="file")

    units = {
        u.code.lower(): u
        for u in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id)
        )
    }
    items = {
        i.sku: i for i in db.session.scalars(select(Item).where(Item.cooperative_id == coop.id))
    }
    owners = {
        code: sku
        for code, sku in db.session.execute(
            select(ItemBarcode.code, Item.sku)
            .join(Item, Item.id == ItemBarcode.item_id)
            .where(ItemBarcode.cooperative_id == coop.id)
        )
    }
    preview = ImportPreview(filename=name)
    seen_sku: dict[str, int] = {}
    seen_code: dict[str, int] = {}
    for number, cells in body:
        if not any(c.strip() for c in cells):
            continue
        get = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header)}
        errors: list[str] = []
        sku = get.get("sku", "").strip()
        row = ImportRow(row=number, sku=sku, errors=errors)
        preview.rows.append(row)
        if not sku:
            errors.append("SKU wajib diisi.")
        elif len(sku) > 40:
            errors.append("SKU maksimal 40 karakter.")
        elif sku in seen_sku:
            errors.append(f"SKU {sku} muncul dua kali (juga di baris {seen_sku[sku]}).")
        else:
            seen_sku[sku] = number
        item_name = get.get("name", "").strip()
        if not item_name:
            errors.append("Nama barang wajib diisi.")
        elif len(item_name) > 200:
            errors.append("Nama barang maksimal 200 karakter.")
        unit_code = get.get("unit", "").strip()
        unit = units.get(unit_code.lower())
        if unit is None:
            errors.append(
                f"Unit usaha '{unit_code[:30]}' tidak dikenal."
                if unit_code
                else "Unit usaha wajib diisi."
            )
        base_uom = get.get("base_uom", "").strip()
        if not base_uom or len(base_uom) > 20:
            errors.append("Satuan dasar wajib diisi (maksimal 20 karakter).")
        dec_text = get.get("decimals", "").strip() or "0"
        decimals = int(dec_text) if dec_text in ("0", "1", "2", "3") else 0
        if dec_text not in ("0", "1", "2", "3"):
            errors.append(f"Desimal harus 0 sampai 3, bukan '{dec_text[:10]}'.")
        existing = items.get(sku)
        taxable = _flag(
            get.get("taxable", ""), "taxable", errors, existing.taxable if existing else True
        )
        track = _flag(
            get.get("track_batch", ""),
            "track_batch",
            errors,
            existing.track_batch if existing else False,
        )
        reorder = _decimal(get.get("reorder_point", ""), "Titik pesan ulang", errors)
        member = _price(get.get("price_member", ""), "Harga anggota", errors)
        general = _price(get.get("price_general", ""), "Harga umum", errors)
        base_codes = [c.strip() for c in get.get("barcodes", "").split(";") if c.strip()]
        specs = [UnitSpec(base_uom, Decimal(1), member, general, base_codes)]
        specs += _extra_units(get.get("extra_units", ""), errors)
        names = [s.name.strip().lower() for s in specs]
        if len(set(names)) != len(names):
            errors.append("Nama satuan tidak boleh kembar (termasuk satuan dasar).")
        for spec in specs:
            for code in spec.barcodes:
                if len(code) > 40 or not code.isascii():
                    errors.append(f"Barcode {code[:40]} tidak valid.")
                elif code in seen_code:
                    errors.append(f"Barcode {code} juga dipakai di baris {seen_code[code]}.")
                elif owners.get(code, sku) != sku:
                    errors.append(f"Barcode {code} sudah dipakai barang lain (SKU {owners[code]}).")
                else:
                    seen_code[code] = number
        if existing is not None:
            row.action = "update"
            if _has_history(existing.id):
                if existing.base_uom != base_uom:
                    errors.append("Satuan dasar tidak dapat diubah setelah ada mutasi stok.")
                old = {u.name.lower(): u.factor for u in existing.units}
                for spec in specs:
                    if spec.name.lower() in old and old[spec.name.lower()] != spec.factor:
                        errors.append(
                            f"Isi satuan {spec.name} tidak dapat diubah setelah ada mutasi stok."
                        )
        row.values = {
            "unit_id": unit.id if unit else None,
            "sku": sku,
            "name": item_name,
            "category": get.get("category", "").strip()[:80],
            "base_uom": base_uom,
            "decimals": decimals,
            "taxable": taxable,
            "track_batch": track,
            "reorder_point": reorder,
            "units": specs,
        }
    if not preview.rows:
        preview.errors.append("Berkas tidak berisi baris barang.")
    return preview


def apply_import(coop: Cooperative, preview: ImportPreview, user) -> tuple[int, int]:
    """Write every row of a clean preview through ``save_item``; the first refusal refuses
    the whole import (the caller's transaction rolls back). Returns (created, updated)."""
    if not preview.ok:
        raise ValidationError("Perbaiki semua kesalahan di berkas sebelum mengimpor.")
    created = updated = 0
    for row in preview.rows:
        values = dict(row.values)
        unit = db.session.get(BusinessUnit, values.pop("unit_id"))
        existing = db.session.scalar(
            select(Item).where(Item.cooperative_id == coop.id, Item.sku == row.sku)
        )
        extra = {}
        if existing is not None:
            extra = {"inventory_account": existing.inventory_account, "active": existing.active}
        try:
            save_item(coop, unit=unit, item=existing, user=user, **values, **extra)
        except DomainError as exc:
            raise ValidationError(f"Baris {row.row}: {exc.message}") from None
        if existing is None:
            created += 1
        else:
            updated += 1
    record(
        "catalog.import",
        user=user,
        cooperative=coop,
        target=preview.filename[:120],
        detail={"created": created, "updated": updated},
    )
    return created, updated


# --- bulk price change --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceChange:
    item: Item
    unit: ItemUnit
    old_member: int
    new_member: int
    old_general: int
    new_general: int


TARGETS = {"both": "Harga anggota dan umum", "member": "Harga anggota", "general": "Harga umum"}
MODES = {"percent": "Persen (%)", "fixed": "Rupiah per satuan dasar"}
ROUNDINGS = (1, 100, 500, 1000)


def _round_to(amount: Fraction, step: int) -> int:
    return round_half_up(amount / step) * step


def preview_price_change(
    coop: Cooperative,
    *,
    unit_id: int | None = None,
    category: str | None = None,
    target: str = "both",
    mode: str = "percent",
    change: Decimal | int = Decimal(0),
    rounding: int = 1,
) -> list[PriceChange]:
    """New prices for the active items of a business unit and/or category (read only).

    ``percent``: every unit of measure's price times (1 + change/100). ``fixed``: ``change``
    rupiah per base unit, so a carton of 12 moves 12 times as much. Results are rounded half
    up to ``rounding`` rupiah. A price that would fall below zero refuses the whole change.
    """
    if target not in TARGETS:
        raise ValidationError("Pilih harga yang diubah.", field="target")
    if mode not in MODES:
        raise ValidationError("Pilih cara perubahan harga.", field="mode")
    if rounding not in ROUNDINGS:
        raise ValidationError("Pembulatan tidak dikenal.", field="rounding")
    change = Decimal(change)
    if not change:
        raise ValidationError("Perubahan harga tidak boleh nol.", field="change")
    if mode == "percent" and not Decimal(-100) < change <= Decimal(1000):
        raise ValidationError(
            "Perubahan persen harus di atas -100% dan paling tinggi 1000%.", field="change"
        )
    if mode == "fixed" and change != change.to_integral_value():
        raise ValidationError("Perubahan rupiah harus bilangan bulat.", field="change")
    stmt = select(Item).where(Item.cooperative_id == coop.id, Item.active.is_(True))
    if unit_id:
        stmt = stmt.where(Item.unit_id == unit_id)
    if category:
        stmt = stmt.where(Item.category == category)
    out = []
    for item in db.session.scalars(stmt.order_by(Item.name, Item.id)):
        for u in item.units:

            def new(old: int, u=u) -> int:
                if mode == "percent":
                    value = Fraction(old) * (1 + Fraction(change) / 100)
                else:
                    value = Fraction(old) + Fraction(change) * Fraction(u.factor)
                return _round_to(value, rounding)

            nm = new(u.price_member) if target in ("both", "member") else u.price_member
            ng = new(u.price_general) if target in ("both", "general") else u.price_general
            if nm < 0 or ng < 0:
                raise ValidationError(
                    f"Harga {item.name} per {u.name} menjadi negatif; kurangi perubahannya.",
                    field="change",
                )
            out.append(PriceChange(item, u, u.price_member, nm, u.price_general, ng))
    return out


def apply_price_change(coop: Cooperative, user, **criteria) -> int:
    """Apply ``preview_price_change(coop, **criteria)``; one audit row per item
    ("item.price_change", old and new prices of each unit). Returns the items changed."""
    changes = [
        c
        for c in preview_price_change(coop, **criteria)
        if (c.old_member, c.old_general) != (c.new_member, c.new_general)
    ]
    if not changes:
        raise ValidationError("Tidak ada harga yang berubah.")
    per_item: dict[int, list[PriceChange]] = {}
    for c in changes:
        c.unit.price_member, c.unit.price_general = c.new_member, c.new_general
        per_item.setdefault(c.item.id, []).append(c)
    db.session.flush()
    for group in per_item.values():
        record(
            "item.price_change",
            user=user,
            cooperative=coop,
            target=group[0].item.sku,
            detail={
                "units": {
                    c.unit.name: {
                        "old": [c.old_member, c.old_general],
                        "new": [c.new_member, c.new_general],
                    }
                    for c in group
                }
            },
        )
    return len(per_item)
