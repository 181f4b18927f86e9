"""Fertilizer services: the farmer registry, HET as dated rows, subsidised items, seasons and
the remaining quota a farmer has (DESIGN §3.7). Redemption at the counter is in ``rules``; the
e-RDKK import in ``allocations``."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from importlib import resources

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.inventory.models import Item, ItemUnit
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.pupuk.models import (
    FERTILIZER_TYPES,
    Allocation,
    Farmer,
    HetPrice,
    Redemption,
    SubsidisedItem,
)

SEASON = re.compile(r"^(\d{4})-MT([123])$")
# e-RDKK planting seasons within a calendar year.
SEASON_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}


def season_of(day: date) -> str:
    """The planting season a date falls in: MT1 Jan–Apr, MT2 May–Aug, MT3 Sep–Dec."""
    no = next(n for n, (a, b) in SEASON_MONTHS.items() if a <= day.month <= b)
    return f"{day.year}-MT{no}"


def check_season(text: str) -> str:
    text = (text or "").strip().upper()
    if not SEASON.match(text):
        raise ValidationError("Musim tanam ditulis seperti 2026-MT1 (MT1, MT2 atau MT3).")
    return text


def parse_kg(text: object) -> Decimal:
    raw = str(text if text is not None else "").strip().replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError("Jumlah kg harus angka, mis. 150 atau 12,5.") from None
    if not value.is_finite():
        raise ValidationError("Jumlah kg harus angka, mis. 150 atau 12,5.")
    if value < 0:
        raise ValidationError("Jumlah kg tidak boleh negatif.")
    if value > Decimal(1_000_000):  # before quantize, which raises past 28 digits
        raise ValidationError("Jumlah kg terlalu besar.")
    if value != value.quantize(Decimal("0.001")):
        raise ValidationError("Jumlah kg paling banyak tiga desimal.")
    return value


def check_type(value: str) -> str:
    value = (value or "").strip().lower().replace(" ", "_")
    if value not in FERTILIZER_TYPES:
        raise ValidationError(
            "Jenis pupuk harus salah satu dari: " + ", ".join(FERTILIZER_TYPES) + "."
        )
    return value


# --- HET ------------------------------------------------------------------------------------


def ensure_het(coop: Cooperative) -> None:
    """Seed the HET table shipped with the app (``data/het_pupuk.json``) on first use."""
    if db.session.scalar(select(HetPrice.id).where(HetPrice.cooperative_id == coop.id).limit(1)):
        return
    data = json.loads(resources.files("outlet_pos.data").joinpath("het_pupuk.json").read_text())
    for row in data["het_per_kg"]:
        db.session.add(
            HetPrice(
                cooperative_id=coop.id,
                fertilizer_type=row["type"],
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
                rp_per_kg=row["rp_per_kg"],
                bag_kg=row.get("bag_kg"),
                rp_per_bag=row.get("rp_per_bag"),
                source=data["source"][:300],
            )
        )
    db.session.flush()


def het_on(coop: Cooperative, fertilizer_type: str, day: date) -> HetPrice | None:
    """The HET row valid on ``day`` (the latest start on or before it, not yet ended)."""
    return db.session.scalar(
        select(HetPrice)
        .where(
            HetPrice.cooperative_id == coop.id,
            HetPrice.fertilizer_type == fertilizer_type,
            HetPrice.valid_from <= day,
            (HetPrice.valid_to.is_(None)) | (HetPrice.valid_to >= day),
        )
        .order_by(HetPrice.valid_from.desc())
        .limit(1)
    )


def add_het(
    coop: Cooperative,
    user,
    *,
    fertilizer_type: str,
    valid_from: date,
    rp_per_kg: int,
    bag_kg: int | None = None,
    source: str = "",
) -> HetPrice:
    """A new HET from a regulation: the open row before it ends the day before."""
    fertilizer_type = check_type(fertilizer_type)
    if not isinstance(valid_from, date):
        raise ValidationError("Tanggal berlaku wajib diisi.", field="valid_from")
    if type(rp_per_kg) is not int or not 0 < rp_per_kg <= 1_000_000:
        raise ValidationError("HET per kg harus rupiah bulat.", field="rp_per_kg")
    if bag_kg is not None and (type(bag_kg) is not int or not 0 < bag_kg <= 100):
        raise ValidationError("Isi karung 1–100 kg.", field="bag_kg")
    source = (source or "").strip()
    if len(source) < 5:
        raise ValidationError("Sebutkan dasar hukumnya (nomor Kepmentan).", field="source")
    ensure_het(coop)
    later = db.session.scalar(
        select(HetPrice.id).where(
            HetPrice.cooperative_id == coop.id,
            HetPrice.fertilizer_type == fertilizer_type,
            HetPrice.valid_from >= valid_from,
        )
    )
    if later:
        raise DomainError("Sudah ada HET yang berlaku pada atau setelah tanggal itu.")
    current = het_on(coop, fertilizer_type, valid_from)
    if current is not None:
        current.valid_to = valid_from - timedelta(days=1)
    row = HetPrice(
        cooperative_id=coop.id,
        fertilizer_type=fertilizer_type,
        valid_from=valid_from,
        rp_per_kg=rp_per_kg,
        bag_kg=bag_kg,
        rp_per_bag=rp_per_kg * bag_kg if bag_kg else None,
        source=source[:300],
        created_by_id=user.id if user else None,
    )
    db.session.add(row)
    db.session.flush()
    record(
        "pupuk.het",
        user=user,
        cooperative=coop,
        target=fertilizer_type,
        detail={"from": valid_from.isoformat(), "rp_per_kg": rp_per_kg, "source": source},
    )
    return row


# --- farmers --------------------------------------------------------------------------------


def find_farmer(coop: Cooperative, nik: str) -> Farmer | None:
    return db.session.scalar(
        select(Farmer).where(Farmer.cooperative_id == coop.id, Farmer.nik == (nik or "").strip())
    )


def save_farmer(coop: Cooperative, data: dict, user, farmer: Farmer | None = None) -> Farmer:
    try:
        nik = validate_nik(data.get("nik") or "").nik
    except IdentifierError as err:
        raise ValidationError(str(err), field="nik") from None
    name = (data.get("name") or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Nama petani wajib diisi.", field="name")
    clash = find_farmer(coop, nik)
    if clash is not None and (farmer is None or clash.id != farmer.id):
        raise ValidationError(f"NIK ini sudah terdaftar atas nama {clash.name}.", field="nik")
    land = data.get("land_ha") or Decimal(0)
    if not isinstance(land, Decimal) or land < 0 or land > 1000:
        raise ValidationError("Luas lahan 0–1000 ha.", field="land_ha")
    member_id = None
    member = db.session.scalar(
        select(Member).where(Member.cooperative_id == coop.id, Member.nik == nik)
    )
    if member is not None:
        member_id = member.id  # a farmer who is a member is linked by NIK
    if farmer is None:
        farmer = Farmer(cooperative_id=coop.id)
        db.session.add(farmer)
    before = {"nik": farmer.nik, "name": farmer.name}
    farmer.nik, farmer.name, farmer.member_id = nik, name, member_id
    farmer.poktan = (data.get("poktan") or "").strip()[:100]
    farmer.desa = (data.get("desa") or "").strip()[:100]
    farmer.commodities = (data.get("commodities") or "").strip()[:200]
    farmer.phone = (data.get("phone") or "").strip()[:20]
    farmer.land_ha = land
    farmer.active = bool(data.get("active", True))
    db.session.flush()
    record("pupuk.farmer", user=user, cooperative=coop, target=nik,
           detail={"before": before, "name": name})  # fmt: skip
    return farmer


def quota(coop: Cooperative, farmer: Farmer, day: date | None = None) -> list[Allocation]:
    """The farmer's allocations for the season of ``day`` (default today), by type."""
    season = season_of(day or coop.today())
    return list(
        db.session.scalars(
            select(Allocation)
            .where(Allocation.farmer_id == farmer.id, Allocation.season == season)
            .order_by(Allocation.fertilizer_type)
        )
    )


def correct_allocation(
    coop: Cooperative, allocation: Allocation, kg: Decimal, user, reason: str
) -> Allocation:
    """A manual correction of an imported allocation, audited; never below what was taken."""
    if allocation.cooperative_id != coop.id:
        raise DomainError("Alokasi tidak ditemukan.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Alasan koreksi wajib diisi.", field="reason")
    if kg < allocation.redeemed_kg:
        raise DomainError(
            f"Alokasi tidak boleh di bawah yang sudah ditebus ({allocation.redeemed_kg} kg)."
        )
    before = allocation.kg
    allocation.kg = kg
    db.session.flush()
    record("pupuk.allocation_fix", user=user, cooperative=coop, target=f"alokasi {allocation.id}",
           detail={"before": str(before), "after": str(kg), "reason": reason})  # fmt: skip
    return allocation


# --- subsidised items -----------------------------------------------------------------------


def mark_subsidised(coop: Cooperative, item: Item, fertilizer_type: str | None, user) -> None:
    """Name an item's fertilizer type (or clear it). Subsidised stock is its own: the item
    must sell by the kg (sacks as an extra unit) and be held in 114200."""
    if item.cooperative_id != coop.id:
        raise DomainError("Barang tidak ditemukan.")
    row = db.session.get(SubsidisedItem, item.id)
    if not fertilizer_type:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        return
    fertilizer_type = check_type(fertilizer_type)
    unit = db.session.get(BusinessUnit, item.unit_id)
    if unit is None or unit.kind != "pupuk":
        raise DomainError("Pupuk bersubsidi harus barang unit Pupuk & Saprotan.")
    if item.inventory_account != "114200":
        raise DomainError("Pupuk bersubsidi harus memakai akun persediaan 114200.")
    if (item.base_uom or "").lower() != "kg":
        raise DomainError(
            "Satuan dasar pupuk bersubsidi harus kg (karung sebagai satuan tambahan)."
        )
    if row is None:
        row = SubsidisedItem(item_id=item.id, cooperative_id=coop.id)
        db.session.add(row)
    row.fertilizer_type = fertilizer_type
    db.session.flush()
    record("pupuk.item", user=user, cooperative=coop, target=item.sku,
           detail={"type": fertilizer_type})  # fmt: skip


def het_message(het: HetPrice) -> str:
    bag = f" ({format_rupiah(het.rp_per_bag)}/{het.bag_kg} kg)" if het.rp_per_bag else ""
    return f"{format_rupiah(het.rp_per_kg)}/kg{bag}"


def subsidy_problems(item: Item, unit: BusinessUnit | None) -> list[str]:
    """Why ``mark_subsidised`` would refuse this item, for the items page to show before
    anyone tries (the same three rules, read-only)."""
    problems = []
    if unit is None or unit.kind != "pupuk":
        problems.append("Bukan barang unit Pupuk & Saprotan.")
    if item.inventory_account != "114200":
        problems.append(f"Akun persediaan {item.inventory_account}, harus 114200.")
    if (item.base_uom or "").lower() != "kg":
        problems.append(f"Satuan dasar {item.base_uom}, harus kg (karung satuan tambahan).")
    return problems


# --- the counter --------------------------------------------------------------------------
# Read-only views the cashier's screen needs (workspaces/kasir calls these; it never reads
# the unit's tables itself). The checkout hooks in ``rules`` stay the ones that decide.


def subsidised_types(coop: Cooperative, item_ids: list[int]) -> dict[int, str]:
    """item id -> fertilizer type, for those of ``item_ids`` that are subsidised fertilizer,
    so the selling screen knows when to ask for the farmer's NIK."""
    if not item_ids:
        return {}
    return dict(
        db.session.execute(
            select(SubsidisedItem.item_id, SubsidisedItem.fertilizer_type).where(
                SubsidisedItem.cooperative_id == coop.id, SubsidisedItem.item_id.in_(item_ids)
            )
        ).all()
    )


def _sack_units(coop: Cooperative, types: set[str]) -> dict[str, tuple[str, Decimal]]:
    """type -> (name, kg) of the biggest pack a subsidised item of that type sells in."""
    out: dict[str, tuple[str, Decimal]] = {}
    rows = db.session.execute(
        select(SubsidisedItem.fertilizer_type, ItemUnit.name, ItemUnit.factor)
        .join(ItemUnit, ItemUnit.item_id == SubsidisedItem.item_id)
        .join(Item, Item.id == SubsidisedItem.item_id)
        .where(
            SubsidisedItem.cooperative_id == coop.id,
            SubsidisedItem.fertilizer_type.in_(types),
            Item.active.is_(True),
            ItemUnit.factor > 1,
        )
        .order_by(ItemUnit.factor.desc(), ItemUnit.id)
    )
    for ftype, name, factor in rows:
        out.setdefault(ftype, (name, Decimal(factor)))
    return out


def _kg(value: Decimal) -> str:
    """A plain decimal string ("150", "12.5") the screen can do exact arithmetic on."""
    return f"{Decimal(value).normalize():f}"


def counter_view(coop: Cooperative, nik: str, day: date | None = None) -> dict | None:
    """The farmer behind ``nik`` and what they may still redeem in the season of ``day``:
    per type the allocation, what was taken, what is left (also in whole sacks) and the HET
    valid that day. ``None`` when no active farmer of this cooperative has that NIK (the
    counter refuses them: "belum terdaftar"); ``ValidationError`` for a malformed NIK."""
    try:
        nik = validate_nik(nik or "").nik
    except IdentifierError as err:
        raise ValidationError(str(err), field="nik") from None
    farmer = find_farmer(coop, nik)
    if farmer is None or not farmer.active:
        return None
    day = day or coop.today()
    allocations = quota(coop, farmer, day)
    sacks = _sack_units(coop, {a.fertilizer_type for a in allocations})
    rows = []
    for alloc in allocations:
        left = max(alloc.remaining_kg, Decimal(0))
        het = het_on(coop, alloc.fertilizer_type, day)
        sack = sacks.get(alloc.fertilizer_type)
        rows.append(
            {
                "type": alloc.fertilizer_type,
                "label": FERTILIZER_TYPES.get(alloc.fertilizer_type, alloc.fertilizer_type),
                "allocated_kg": _kg(alloc.kg),
                "redeemed_kg": _kg(alloc.redeemed_kg),
                "remaining_kg": _kg(left),
                "sack": {
                    "name": sack[0],
                    "kg": _kg(sack[1]),
                    "whole": int(left // sack[1]),
                    "rest_kg": _kg(left % sack[1]),
                }
                if sack
                else None,
                "het": {
                    "rp_per_kg": het.rp_per_kg,
                    "bag_kg": het.bag_kg,
                    "rp_per_bag": het.rp_per_bag,
                    "text": het_message(het),
                }
                if het
                else None,
            }
        )
    member = farmer.member
    return {
        "farmer": {
            "nik": farmer.nik,
            "name": farmer.name,
            "poktan": farmer.poktan,
            "desa": farmer.desa,
            "member_number": member.member_number if member else "",
        },
        "season": season_of(day),
        "allocations": rows,
    }


def mask_nik(nik: str) -> str:
    """A NIK for paper that leaves the kiosk: region code and serial, the birth date hidden
    (the full NIK stays in the redemption record)."""
    nik = (nik or "").strip()
    return nik[:6] + "*" * 6 + nik[12:] if len(nik) == 16 else nik


def receipt_notes(sale_id: int) -> list[str]:
    """Lines a receipt prints for the redemptions of a sale (or the quota a refund gave
    back): who redeemed, and who collected for them under a letter of authority."""
    rows = db.session.scalars(
        select(Redemption).where(Redemption.sale_id == sale_id).order_by(Redemption.id)
    ).all()
    notes: list[str] = []
    for row in rows:
        farmer = row.farmer
        head = "Penebusan pupuk bersubsidi" if row.kg > 0 else "Kuota pupuk dikembalikan"
        text = f"{head}: {farmer.name} (NIK {mask_nik(farmer.nik)})"
        if row.proxy_nik:
            who = row.proxy_name or "-"
            text += f", kuasa: {who} (NIK {mask_nik(row.proxy_nik)}), surat: {row.proxy_letter}"
        if text not in notes:
            notes.append(text)
    return notes
