"""Demo data of the village clinic and pharmacy (issue 6): the drug catalog of
``data/demo_obat.csv`` with batches from two PBF (some close to expiry, one already expired and
still on the shelf), the clinic's consumables and tariff list, patients (some of them members),
and — in :mod:`outlet_pos.demo_klinik_days` — the clinic's and the pharmacy's days.

Everything goes through the services the pages use (goods receipts, the drug master, visits,
prescriptions, dispensing through checkout, bills), so the demo's books, stock and the
narcotics/psychotropics register pass ``outlet-pos verify`` like real ones must.

Speed: the demo is built inside CI tests (``--days 20``), so the clinic's activity covers only
the counter's window (``first`` .. ``last``) and at most the last 91 days of it, with about
forty visits per three months, scaled down for a shorter window.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.ledger import balances
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db

# Pedagang besar farmasi: the licensed wholesalers a village pharmacy must buy drugs from.
PBF = [
    ("PBF-01", "PT Kimia Farma Trading & Distribution Cab. Samarinda", "0541-742100", 30),
    ("PBF-02", "PT Anugerah Pharmindo Lestari Cab. Samarinda", "0541-201550", 30),
]
TARIFFS = [
    ("PU", "Pemeriksaan umum", 25_000),
    ("TENSI", "Cek tensi", 5_000),
    ("CGD", "Cek gula darah", 20_000),
    ("RL", "Rawat luka", 35_000),
    ("NEB", "Nebulizer", 50_000),
    ("SKS", "Surat keterangan sehat", 25_000),
]
# Drugs that carry a batch close to expiry (the expiry page's 30/60/90-day alerts) and the
# one whose oldest batch has already expired on the shelf (slow movers, so they stay).
NEAR_EXPIRY = ("OB-VITC500", "OB-PCTDRP", "OK-LORAT", "OK-FUROS", "OB-BEDAK", "OK-GLIM")
EXPIRED = "OB-KALK"
PATIENT_NAMES = [
    ("Sumarni", "P"), ("Joko Susilo", "L"), ("Ratna Dewi", "P"), ("Agus Salim", "L"),
    ("Wahyuni", "P"), ("Hendra Gunawan", "L"), ("Lestari Ningsih", "P"), ("Bayu Aji", "L"),
    ("Sri Mulyani", "P"), ("Ahmad Fauzi", "L"), ("Nurhayati", "P"), ("Rudi Hartono", "L"),
    ("Fitri Handayani", "P"), ("Arif Rahman", "L"), ("Yuliana", "P"), ("Darto", "L"),
    ("Siti Aminah", "P"), ("Iwan Setiawan", "L"), ("Maryam", "P"), ("Dimas Pratama", "L"),
]  # fmt: skip


@dataclass
class DrugRow:
    """One line of ``data/demo_obat.csv``; money per base unit (tablet, ml, tube)."""

    sku: str
    name: str
    drug_class: str  # a DRUG_CLASSES key, or "bmhp" (clinic consumable, not a drug)
    ingredient: str
    strength: str
    form: str
    base_uom: str
    packs: list[tuple[str, Decimal]]
    cost: int
    price_general: int
    price_member: int
    het: int | None
    max_per_sale: Decimal | None


def load_drugs() -> list[DrugRow]:
    text = resources.files("outlet_pos.data").joinpath("demo_obat.csv").read_text()
    rows = []
    for r in csv.DictReader(text.splitlines()):
        packs = [
            (r[f"{p}_uom"], Decimal(r[f"{p}_factor"])) for p in ("pack", "box") if r[f"{p}_uom"]
        ]
        rows.append(
            DrugRow(
                r["sku"], r["name"], r["class"], r["ingredient"], r["strength"], r["form"],
                r["base_uom"], packs, int(r["cost"]), int(r["price_general"]),
                int(r["price_member"]), int(r["het"]) if r["het"] else None,
                Decimal(r["max_per_sale"]) if r["max_per_sale"] else None,
            )
        )  # fmt: skip
    return rows


@dataclass
class Clinic:
    """What the day-by-day part needs: the units, people and catalog built here."""

    coop: Cooperative
    outlet: Outlet
    apotek: BusinessUnit
    klinik: BusinessUnit
    apoteker: User
    petugas: User
    kasir: User
    pengurus: User
    drugs: dict[str, tuple[Item, DrugRow]]
    tariffs: dict[str, object]
    patients: list
    rng: random.Random


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _unit(coop: Cooperative, kind: str) -> BusinessUnit:
    return db.session.scalar(
        select(BusinessUnit)
        .where(BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == kind)
        .order_by(BusinessUnit.id)
    )


def build_klinik(coop: Cooperative, first: date, last: date, seed: int = 2606) -> dict:
    """The clinic and pharmacy of the demo, with activity on days ``first`` .. ``last``
    (capped to the last 91 days); returns counts for the tests. Its own random sequence, so
    adding the clinic left the rest of the demo's figures as they were."""
    # Seeded: the demo comes out the same on every run (no secret).
    rng = random.Random(seed)  # nosec B311
    start = max(first, last - timedelta(days=91))
    stock_day = start - timedelta(days=3)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    clinic = Clinic(
        coop=coop, outlet=outlet, apotek=_unit(coop, "apotek"), klinik=_unit(coop, "klinik"),
        apoteker=_user("apoteker"), petugas=_user("klinik"), kasir=_user("kasir"),
        pengurus=_user("pengurus"), drugs={}, tariffs={}, patients=[], rng=rng,
    )  # fmt: skip
    clinic.drugs = build_catalog(clinic)
    stock_up(clinic, stock_day, last)
    clinic.tariffs = build_tariffs(clinic)
    clinic.patients = build_patients(clinic, stock_day)
    from outlet_pos.demo_klinik_days import run_days

    stats = run_days(clinic, start, last)
    pay_pbf_bills(clinic, last)
    return {"drugs": len(clinic.drugs), "patients": len(clinic.patients), **stats}


# --- catalog -------------------------------------------------------------------------------


def build_catalog(clinic: Clinic) -> dict[str, tuple[Item, DrugRow]]:
    """Drugs into the pharmacy unit through the drug master (batch-tracked, with their
    DrugInfo), consumables into the clinic unit. Pack prices are the base price times the
    pack's content."""
    from outlet_pos.units.apotek.drugs import save_drug

    out = {}
    for row in load_drugs():
        units = [UnitSpec(row.base_uom, Decimal(1), row.price_member, row.price_general)]
        for name, factor in row.packs:
            units.append(
                UnitSpec(name, factor, int(row.price_member * factor),
                         int(row.price_general * factor))
            )  # fmt: skip
        values = dict(
            sku=row.sku, name=row.name, base_uom=row.base_uom, units=units,
            category=_category(row), taxable=False,  # medicines: PPN-exempt in the demo
            reorder_point=Decimal(row.packs[0][1] * 2 if row.packs else 5),
        )  # fmt: skip
        if row.drug_class == "bmhp":
            item = save_item(clinic.coop, unit=clinic.klinik, user=clinic.pengurus, **values)
        else:
            item = save_drug(
                clinic.coop, clinic.pengurus, values,
                {"drug_class": row.drug_class, "active_ingredient": row.ingredient,
                 "strength": row.strength, "dosage_form": row.form,
                 "het_per_base": row.het, "max_per_sale": row.max_per_sale},
            )  # fmt: skip
        out[row.sku] = (item, row)
    return out


def _category(row: DrugRow) -> str:
    if row.drug_class == "bmhp":
        return "Bahan medis habis pakai"
    from outlet_pos.units.apotek.models import DRUG_CLASSES

    return DRUG_CLASSES[row.drug_class]


# --- stock ---------------------------------------------------------------------------------


def _opening_qty(row: DrugRow, rng: random.Random) -> int:
    """Base units of one batch: one or two boxes of tablets, a dozen bottles of syrup, a
    box or two of tubes and bottles, a few boxes of sachets."""
    if row.base_uom == "ml":
        return int(row.packs[0][1]) * rng.randint(8, 14)
    if not row.packs:
        return rng.randint(10, 20)
    box = int(row.packs[-1][1])
    if box >= 100:
        return box * rng.randint(1, 2)
    return box * rng.randint(5, 8) if box <= 10 else box * rng.randint(1, 2)


def stock_up(clinic: Clinic, day: date, last: date) -> list:
    """Two deliveries from the PBF before the window opens, so each drug has two batches: an
    older one (near expiry for a few, already expired for one) and a fresh one; a third
    batch of the fast movers arrives a month into the window."""
    from outlet_pos.core.purchasing.receipts import ReceiptLineIn, receive_goods
    from outlet_pos.core.purchasing.services import save_supplier

    coop, rng, today = clinic.coop, clinic.rng, clinic.coop.today()
    suppliers = [
        save_supplier(coop, code, name, "", phone, "Samarinda", terms, clinic.pengurus)
        for code, name, phone, terms in PBF
    ]
    old_day = day - timedelta(days=21)
    receipts = []
    for n, when in enumerate((old_day, day)):
        lines = []
        for sku, (item, row) in sorted(clinic.drugs.items()):
            qty = _opening_qty(row, rng)
            batch, expiry = "", None
            if item.track_batch:
                if n == 0 and sku == EXPIRED:
                    # Bought long ago, expired a fortnight before today and not yet written off.
                    expiry = max(when + timedelta(days=1), today - timedelta(days=14))
                elif n == 0 and sku in NEAR_EXPIRY:
                    expiry = today + timedelta(days=rng.randint(20, 80))
                elif n == 0:
                    expiry = today + timedelta(days=rng.randint(180, 400))
                else:
                    expiry = today + timedelta(days=rng.randint(420, 900))
                batch = f"{sku.split('-')[1][:5]}{when:%y%m}{n + 1}"
            elif n == 0:
                continue  # consumables: one delivery is enough
            lines.append(
                ReceiptLineIn(item.id, item.base.id, Decimal(qty), qty * row.cost, batch, expiry)
            )
        supplier = suppliers[n % 2]
        for part in range(0, len(lines), 40):
            receipts.append(
                receive_goods(
                    coop, supplier, clinic.outlet, lines[part : part + 40], user=clinic.pengurus,
                    day=when, supplier_ref=f"FKT-{when:%y%m%d}-{part // 40 + 1}",
                )
            )  # fmt: skip
    restock = day + timedelta(days=30)
    if restock <= last:
        fast = ["OB-PCT500", "OK-AMOX500", "OB-ANTTAB", "OK-METF", "OK-AMLO5", "OB-CTM"]
        lines = []
        for sku in fast:
            item, row = clinic.drugs[sku]
            qty = int(row.packs[-1][1]) * 2
            lines.append(
                ReceiptLineIn(
                    item.id, item.base.id, Decimal(qty), qty * row.cost,
                    f"{sku.split('-')[1][:5]}{restock:%y%m}3",
                    today + timedelta(days=rng.randint(500, 900)),
                )
            )  # fmt: skip
        receipts.append(
            receive_goods(
                coop, suppliers[0], clinic.outlet, lines, user=clinic.pengurus, day=restock,
                supplier_ref=f"FKT-{restock:%y%m%d}-1",
            )
        )  # fmt: skip
    return receipts


def pay_pbf_bills(clinic: Clinic, last: date) -> None:
    """The treasurer pays the PBF's bills that fell due, by bank transfer when the bank
    holds enough (a demo's cash must never go negative)."""
    from outlet_pos.core.purchasing.bills import pay_bill
    from outlet_pos.core.purchasing.models import Supplier, SupplierBill

    bendahara = _user("bendahara") or clinic.pengurus
    bills = db.session.scalars(
        select(SupplierBill)
        .join(Supplier, Supplier.id == SupplierBill.supplier_id)
        .where(
            SupplierBill.cooperative_id == clinic.coop.id,
            SupplierBill.status == "open",
            Supplier.code.in_([code for code, *_ in PBF]),
        )
        .order_by(SupplierBill.id)
    ).all()
    for bill in bills:
        due = bill.amount - bill.paid_amount
        day = min(bill.due_date, last)
        if day <= bill.date or bill.due_date > last:
            continue
        if balances(clinic.coop, as_of=day).get("112100", 0) >= due:
            pay_bill(bill, due, "112100", user=bendahara, day=day, reference=f"TRF-{bill.number}")


# --- tariffs and patients ------------------------------------------------------------------


DOCTOR = ("dr. Rahmat Hidayat", "SIP 503/0217/DINKES/2025")


def build_tariffs(clinic: Clinic) -> dict[str, object]:
    """The clinic's price list, through the tariff page's service, and its doctor (the
    prescriber its prescriptions name, with the SIP the pharmacy must see)."""
    from outlet_pos.units.klinik.services.prescribers import save_prescriber
    from outlet_pos.units.klinik.services.treatment import save_tariff

    save_prescriber(clinic.coop, clinic.pengurus, name=DOCTOR[0], profession="dokter",
                    license_no=DOCTOR[1])  # fmt: skip
    return {
        code: save_tariff(clinic.coop, clinic.pengurus, code=code, name=name, price=price)
        for code, name, price in TARIFFS
    }


def build_patients(clinic: Clinic, day: date) -> list:
    """About 25 patients through the desk's registration: a third are members (name, NIK
    and birth date from the member book), the rest villagers, a few children without NIK,
    one with a drug allergy."""
    from outlet_pos.units.klinik.services.patients import register_patient

    rng, coop = clinic.rng, clinic.coop
    members = db.session.scalars(
        select(Member).where(Member.cooperative_id == coop.id).order_by(Member.id).limit(40)
    ).all()
    out = []
    for n in range(25):
        member = members[n * 3] if n < 8 and n * 3 < len(members) else None
        if member is not None:
            data = dict(
                nik=member.nik, member_number=member.member_number, name=member.name,
                birth_date=member.birth_date, sex=member.sex, address=member.address,
                phone=member.phone,
            )  # fmt: skip
        else:
            name, sex = PATIENT_NAMES[n % len(PATIENT_NAMES)]
            child = n % 7 == 3
            age = rng.randint(3, 12) if child else rng.randint(19, 72)
            born = date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
            nik = ""
            if not child and n % 2 == 0:
                dd = born.day + (40 if sex == "P" else 0)
                nik = f"640211{dd:02d}{born:%m%y}{5000 + n:04d}"
            data = dict(
                nik=nik, name=f"An. {name}" if child else name, birth_date=born, sex=sex,
                address=f"RT {rng.randint(1, 12):02d} Desa Sukamaju",
                phone="" if child else f"0852{rng.randint(10_000_000, 99_999_999)}",
            )  # fmt: skip
        if n == 5:
            data["allergies"] = "Alergi amoksisilin (gatal-gatal)"
        out.append(register_patient(coop, clinic.petugas, data))
    return out
