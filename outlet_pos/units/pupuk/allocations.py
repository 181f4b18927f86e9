"""The e-RDKK allocation import: a CSV or Excel file of (NIK, fertilizer type, season, kg),
checked row by row before anything is written (DESIGN §3.7).

``preview_allocations`` reads the file and checks every row against the registry without
writing: NIK format, type, season, kg, rows repeated in the file, an unknown NIK without a name
to register it, and a new allocation below what the farmer already redeemed. The summary counts
farmers new/updated and allocations new/changed/unchanged, and the kg per type.

``apply_allocations`` is all or nothing: it reads the file again inside the caller's
transaction (the registry may have moved since the preview), refuses the whole file when any
row is wrong, and otherwise registers the new farmers and upserts the allocations, audited.
A partial import would leave the kiosk with half an e-RDKK that nobody can tell apart from
the full one, so a file with errors is fixed and uploaded again.

Columns (header row, any order, case-insensitive): nik, jenis, musim, kg; optional nama,
poktan, desa (used to register a farmer not yet known and to update the group/village of a
known one).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES, Allocation, Farmer
from outlet_pos.units.pupuk.services import check_season, check_type, parse_kg, save_farmer

REQUIRED = ("nik", "jenis", "musim", "kg")
OPTIONAL = ("nama", "poktan", "desa")
# Headers as other tools write them, mapped to ours.
ALIASES = {
    "jenis_pupuk": "jenis",
    "jenis pupuk": "jenis",
    "pupuk": "jenis",
    "musim_tanam": "musim",
    "musim tanam": "musim",
    "mt": "musim",
    "alokasi": "kg",
    "alokasi_kg": "kg",
    "alokasi (kg)": "kg",
    "nama_petani": "nama",
    "nama petani": "nama",
    "kelompok_tani": "poktan",
    "kelompok tani": "poktan",
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass
class AllocationRow:
    row: int  # row number in the spreadsheet (the header is row 1 in a plain file)
    nik: str
    name: str = ""
    poktan: str = ""
    desa: str = ""
    fertilizer_type: str = ""
    season: str = ""
    kg: Decimal | None = None
    farmer: str = ""  # "baru" (registered by this import) | "terdaftar"
    action: str = ""  # "baru" | "ubah" | "sama"
    old_kg: Decimal | None = None
    redeemed_kg: Decimal = Decimal(0)
    errors: list[str] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return FERTILIZER_TYPES.get(self.fertilizer_type, self.fertilizer_type)


@dataclass
class AllocationPreview:
    filename: str
    rows: list[AllocationRow] = field(default_factory=list)
    farmers_new: int = 0
    farmers_updated: int = 0

    @property
    def error_rows(self) -> list[AllocationRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def kg_by_type(self) -> dict[str, Decimal]:
        """Total kg the valid rows allocate, per type, in the order of ``FERTILIZER_TYPES``."""
        totals: dict[str, Decimal] = {}
        for r in self.rows:
            if not r.errors and r.kg is not None:
                totals[r.fertilizer_type] = totals.get(r.fertilizer_type, Decimal(0)) + r.kg
        return {t: totals[t] for t in FERTILIZER_TYPES if t in totals}


# --- reading the file -------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps a NIK typed as a number as a float; 16 digits still fit exactly.
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, [_text(v) for v in row]) for n, row in enumerate(reader, start=1)]


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise ValidationError("Berkas Excel tidak dapat dibaca.", field="file") from None
    rows = []
    for n, row in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
        if n > MAX_ROWS + 50:
            break
        rows.append((n, [_text(v) for v in row]))
    wb.close()
    return rows


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(row number, {column: text})``; the file itself refused with
    a ValidationError on ``file`` (type, size, header, too many rows)."""
    if not data:
        raise ValidationError("Pilih berkas CSV atau Excel.", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationError("Berkas terlalu besar (maksimal 5 MB).", field="file")
    lower = (filename or "").lower()
    if lower.endswith(".csv"):
        raw = _read_csv(data)
    elif lower.endswith(".xlsx"):
        raw = _read_xlsx(data)
    else:
        raise ValidationError("Format berkas harus CSV (.csv) atau Excel (.xlsx).", field="file")

    def norm(cell: str) -> str:
        name = cell.strip().lower()
        return ALIASES.get(name, name)

    header_at = next(
        (i for i, (_, cells) in enumerate(raw[:20]) if "nik" in [norm(c) for c in cells]), None
    )
    if header_at is None:
        raise ValidationError(
            "Baris judul kolom (nik, jenis, musim, kg) tidak ditemukan.", field="file"
        )
    header = [norm(c) for c in raw[header_at][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(f"Kolom wajib tidak ada: {', '.join(missing)}.", field="file")
    body = [
        (n, {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col})
        for n, cells in raw[header_at + 1 :]
        if any(c.strip() for c in cells)
    ]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"Paling banyak {MAX_ROWS} baris per impor.", field="file")
    if not body:
        raise ValidationError("Berkas tidak berisi baris alokasi.", field="file")
    return body


# --- checking ---------------------------------------------------------------------------------


def _check_field(fn, value, errors: list[str], prefix: str = ""):
    try:
        return fn(value)
    except ValidationError as exc:
        errors.append(prefix + exc.message)
        return None


def _check_nik(text: str, errors: list[str]) -> str | None:
    try:
        return validate_nik(text).nik
    except IdentifierError as exc:
        errors.append(f"{exc}.")
        return None


def preview_allocations(coop: Cooperative, data: bytes, filename: str) -> AllocationPreview:
    """Check every row of an e-RDKK file against the registry, writing nothing."""
    body = read_rows(data, filename)
    farmers = {
        f.nik: f for f in db.session.scalars(select(Farmer).where(Farmer.cooperative_id == coop.id))
    }
    existing = {
        (a.farmer_id, a.fertilizer_type, a.season): a
        for a in db.session.scalars(select(Allocation).where(Allocation.cooperative_id == coop.id))
    }
    preview = AllocationPreview(filename=(filename or "").strip())
    seen: dict[tuple[str, str, str], int] = {}
    new_farmers: dict[str, AllocationRow] = {}  # NIK -> the first row that names them
    touched: set[str] = set()
    for number, get in body:
        errors: list[str] = []
        row = AllocationRow(
            row=number,
            nik=get.get("nik", "").strip(),
            name=get.get("nama", "").strip()[:200],
            poktan=get.get("poktan", "").strip()[:100],
            desa=get.get("desa", "").strip()[:100],
            errors=errors,
        )
        preview.rows.append(row)
        nik = _check_nik(row.nik, errors)
        ftype = _check_field(check_type, get.get("jenis", ""), errors)
        if ftype is None and get.get("jenis", "").strip():
            errors[-1] = f"Jenis pupuk '{get['jenis'][:30]}' tidak dikenal. " + errors[-1]
        season = _check_field(check_season, get.get("musim", ""), errors)
        kg = _check_field(parse_kg, get.get("kg", ""), errors)
        row.fertilizer_type, row.season, row.kg = ftype or "", season or "", kg
        if nik is None:
            continue
        if ftype and season:
            key = (nik, ftype, season)
            if key in seen:
                errors.append(
                    f"Alokasi {FERTILIZER_TYPES[ftype]} {season} untuk NIK ini muncul dua kali "
                    f"(juga di baris {seen[key]})."
                )
            else:
                seen[key] = number
        farmer = farmers.get(nik)
        if farmer is None:
            first = new_farmers.get(nik)
            if first is None and not row.name:
                errors.append(
                    "NIK belum terdaftar sebagai petani; isi kolom nama untuk mendaftarkannya."
                )
            elif first is None:
                new_farmers[nik] = row
            elif row.name and row.name != first.name:
                errors.append(f"Nama berbeda dengan baris {first.row} ({first.name}).")
            row.farmer, row.action = "baru", "baru"
            continue
        row.farmer = "terdaftar"
        row.name = row.name or farmer.name  # shown in the preview; the registry keeps its own
        if (row.poktan and row.poktan != farmer.poktan) or (row.desa and row.desa != farmer.desa):
            touched.add(nik)
        alloc = existing.get((farmer.id, ftype, season)) if ftype and season else None
        if alloc is None:
            row.action = "baru"
        else:
            row.old_kg, row.redeemed_kg = alloc.kg, alloc.redeemed_kg
            row.action = "sama" if kg is not None and kg == alloc.kg else "ubah"
            if kg is not None and kg < alloc.redeemed_kg:
                errors.append(
                    f"Alokasi {kg.normalize():f} kg di bawah yang sudah ditebus "
                    f"({alloc.redeemed_kg.normalize():f} kg)."
                )
        if row.action != "sama":
            touched.add(nik)
    bad = {r.nik for r in preview.rows if r.errors}
    preview.farmers_new = sum(1 for nik in new_farmers if nik not in bad)
    preview.farmers_updated = sum(1 for nik in touched if nik not in bad)
    return preview


# --- applying ---------------------------------------------------------------------------------


def apply_allocations(coop: Cooperative, data: bytes, filename: str, user) -> AllocationPreview:
    """Register new farmers and upsert every allocation of the file, or write nothing.

    Flush only; the caller commits. Existing allocations are locked while they change so a
    redemption at the counter cannot slip below the new figure in between.
    """
    preview = preview_allocations(coop, data, filename)
    if not preview.ok:
        raise DomainError(
            f"{len(preview.error_rows)} baris bermasalah; tidak ada yang disimpan. "
            "Perbaiki berkas lalu unggah lagi."
        )
    farmers: dict[str, Farmer] = {}
    for row in preview.rows:
        farmer = farmers.get(row.nik)
        if farmer is None:
            farmer = _farmer_for(coop, row, user)
            farmers[row.nik] = farmer
        alloc = db.session.execute(
            lock_for_update(
                select(Allocation).where(
                    Allocation.farmer_id == farmer.id,
                    Allocation.fertilizer_type == row.fertilizer_type,
                    Allocation.season == row.season,
                )
            ).execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if alloc is None:
            db.session.add(
                Allocation(
                    cooperative_id=coop.id,
                    farmer_id=farmer.id,
                    fertilizer_type=row.fertilizer_type,
                    season=row.season,
                    kg=row.kg,
                    redeemed_kg=Decimal(0),
                )
            )
        elif alloc.kg != row.kg:
            if row.kg < alloc.redeemed_kg:
                raise DomainError(
                    f"Baris {row.row}: alokasi di bawah yang sudah ditebus "
                    f"({alloc.redeemed_kg.normalize():f} kg); tidak ada yang disimpan."
                )
            alloc.kg = row.kg
    db.session.flush()
    changes = Counter(r.action for r in preview.rows)
    record(
        "pupuk.allocation_import",
        user=user,
        cooperative=coop,
        target=preview.filename[:120],
        detail={
            "rows": len(preview.rows),
            "farmers_new": preview.farmers_new,
            "farmers_updated": preview.farmers_updated,
            "new": changes["baru"],
            "changed": changes["ubah"],
            "unchanged": changes["sama"],
            "kg": {t: str(kg) for t, kg in preview.kg_by_type.items()},
            "changes": [
                {"nik": r.nik, "type": r.fertilizer_type, "season": r.season,
                 "before": str(r.old_kg), "after": str(r.kg)}
                for r in preview.rows if r.action == "ubah"
            ][:500],
        },
    )  # fmt: skip
    return preview


def _farmer_for(coop: Cooperative, row: AllocationRow, user) -> Farmer:
    """The row's farmer: registered now when new; a known one gets the file's group and
    village when the file names them (e-RDKK is the source of those)."""
    farmer = db.session.scalar(
        select(Farmer).where(Farmer.cooperative_id == coop.id, Farmer.nik == row.nik)
    )
    if farmer is None:
        return save_farmer(
            coop, {"nik": row.nik, "name": row.name, "poktan": row.poktan, "desa": row.desa}, user
        )
    poktan, desa = row.poktan or farmer.poktan, row.desa or farmer.desa
    if (poktan, desa) != (farmer.poktan, farmer.desa):
        data = {
            "nik": farmer.nik, "name": farmer.name, "poktan": poktan, "desa": desa,
            "land_ha": farmer.land_ha, "commodities": farmer.commodities,
            "phone": farmer.phone, "active": farmer.active,
        }  # fmt: skip
        save_farmer(coop, data, user, farmer)
    return farmer
