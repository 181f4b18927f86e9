"""Reports of the fertilizer unit (DESIGN §3.7, issue 5): the monthly redemption report per
type and per farmer group (with the plain CSV for upload), allocation against redeemed per
farmer for a season, the farmers who have not redeemed yet, and the movement of subsidised
stock per type in a month.

Each report is a query returning plain rows plus a ``Table`` of raw cells (int rupiah or kg
when whole, date, text) that the page, the PDF and the workbook all read, so the three never
disagree. Redeemed kg come from the redemption records (refunds are negative records), stock
from the inventory core's moves; nothing here recomputes a rule the services own.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table, pdf_cell  # noqa: F401 - the units' reports build these
from outlet_pos.core.inventory.models import StockMove
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_number
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES, Allocation, Farmer, Redemption
from outlet_pos.units.pupuk.models import SubsidisedItem as Subsidised

MONTHS = MONTHS_ID  # January..December in Indonesian
NO_GROUP = "(tanpa poktan)"
CSV_COLUMNS = ["tanggal", "nik", "nama", "poktan", "desa", "jenis", "kg", "nomor struk", "kuasa"]


def kg_cell(value: Decimal) -> int | str:
    """Whole kg as a number (the workbook sums it); a fraction as Indonesian text."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else fmt_qty(value)


def month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# --- monthly redemption ---------------------------------------------------------------------


@dataclass
class RedemptionLine:
    day: date
    farmer: Farmer
    fertilizer_type: str
    kg: Decimal
    amount: int
    receipt: str
    proxy_nik: str
    proxy_name: str
    proxy_letter: str


@dataclass
class Monthly:
    first: date
    lines: list[RedemptionLine]
    by_type: dict[str, dict]  # type -> {kg, amount, count, farmers}
    by_group: dict[str, dict[str, Decimal]]  # poktan -> type -> kg
    group_farmers: dict[str, int]


def monthly(coop: Cooperative, first: date) -> Monthly:
    """Every redemption (and refund) dated in the month of ``first``."""
    rows = db.session.execute(
        select(Redemption, Farmer, Sale.number)
        .join(Farmer, Farmer.id == Redemption.farmer_id)
        .join(Sale, Sale.id == Redemption.sale_id)
        .where(
            Redemption.cooperative_id == coop.id,
            Redemption.day >= first,
            Redemption.day <= month_end(first),
        )
        .order_by(Redemption.day, Redemption.id)
    ).all()
    lines = [
        RedemptionLine(
            r.day,
            f,
            r.fertilizer_type,
            r.kg,
            r.amount,
            number,
            r.proxy_nik,
            r.proxy_name,
            r.proxy_letter,
        )
        for r, f, number in rows
    ]
    by_type: dict[str, dict] = {}
    by_group: dict[str, dict[str, Decimal]] = defaultdict(dict)
    farmers_of: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        t = by_type.setdefault(
            line.fertilizer_type, {"kg": Decimal(0), "amount": 0, "count": 0, "farmers": set()}
        )
        t["kg"] += line.kg
        t["amount"] += line.amount
        t["count"] += 1 if line.kg > 0 else 0
        t["farmers"].add(line.farmer.id)
        group = line.farmer.poktan or NO_GROUP
        cell = by_group[group]
        cell[line.fertilizer_type] = cell.get(line.fertilizer_type, Decimal(0)) + line.kg
        farmers_of[group].add(line.farmer.id)
    ordered = {k: by_type[k] for k in FERTILIZER_TYPES if k in by_type}
    for t in ordered.values():
        t["farmers"] = len(t["farmers"])
    groups = dict(sorted(by_group.items()))
    return Monthly(first, lines, ordered, groups, {g: len(s) for g, s in farmers_of.items()})


def monthly_table(data: Monthly) -> Table:
    types = list(data.by_type) or list(FERTILIZER_TYPES)[:2]
    columns = [Column("Kelompok tani", 3.0), Column("Petani", 1.0, "right")]
    columns += [Column(f"{FERTILIZER_TYPES[t]} (kg)", 1.4, "right") for t in types]
    columns.append(Column("Jumlah (kg)", 1.4, "right"))
    rows = []
    for group, cells in data.by_group.items():
        total = sum(cells.values(), Decimal(0))
        rows.append(
            [
                group,
                data.group_farmers[group],
                *[kg_cell(cells.get(t, Decimal(0))) for t in types],
                kg_cell(total),
            ]
        )
    all_kg = sum((v["kg"] for v in data.by_type.values()), Decimal(0))
    totals = [
        "Jumlah",
        sum(data.group_farmers.values()),
        *[kg_cell(data.by_type.get(t, {}).get("kg", Decimal(0))) for t in types],
        kg_cell(all_kg),
    ]
    notes = [
        f"{FERTILIZER_TYPES[t]}: {fmt_qty(v['kg'])} kg, Rp{format_number(v['amount'])}, "
        f"{v['count']} penebusan oleh {v['farmers']} petani."
        for t, v in data.by_type.items()
    ]
    notes.append("Kg bersih: penebusan dikurangi retur pada bulan yang sama.")
    return Table(columns, rows, totals, notes, landscape=len(types) > 3)


def monthly_csv(data: Monthly) -> bytes:
    """One row per redemption in a plain layout for upload: ISO date, kg with a decimal
    point, the type's code, the receipt number and the proxy's NIK (empty if none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in data.lines:
        writer.writerow(
            [
                line.day.isoformat(),
                line.farmer.nik,
                line.farmer.name,
                line.farmer.poktan,
                line.farmer.desa,
                line.fertilizer_type,
                f"{line.kg.normalize():f}",
                line.receipt,
                line.proxy_nik,
            ]
        )
    return buffer.getvalue().encode("utf-8")


# --- allocation vs redeemed, not redeemed -----------------------------------------------------


def allocation_rows(coop: Cooperative, season: str) -> list[tuple[Farmer, Allocation]]:
    return list(
        db.session.execute(
            select(Farmer, Allocation)
            .join(Allocation, Allocation.farmer_id == Farmer.id)
            .where(Allocation.cooperative_id == coop.id, Allocation.season == season)
            .order_by(Farmer.poktan, Farmer.name, Farmer.id, Allocation.fertilizer_type)
        ).all()
    )


def allocation_table(rows: list[tuple[Farmer, Allocation]]) -> Table:
    columns = [
        Column("Petani", 3.0),
        Column("NIK", 2.2),
        Column("Poktan", 2.0),
        Column("Jenis", 1.8),
        Column("Alokasi (kg)", 1.3, "right"),
        Column("Ditebus (kg)", 1.3, "right"),
        Column("Sisa (kg)", 1.3, "right"),
        Column("%", 0.8, "right"),
    ]
    out, total_a, total_r = [], Decimal(0), Decimal(0)
    for farmer, a in rows:
        pct = int(a.redeemed_kg * 100 / a.kg) if a.kg else 0
        out.append(
            [
                farmer.name,
                farmer.nik,
                farmer.poktan,
                FERTILIZER_TYPES[a.fertilizer_type],
                kg_cell(a.kg),
                kg_cell(a.redeemed_kg),
                kg_cell(a.remaining_kg),
                pct,
            ]
        )
        total_a += a.kg
        total_r += a.redeemed_kg
    pct = int(total_r * 100 / total_a) if total_a else 0
    totals = [
        "Jumlah",
        "",
        "",
        "",
        kg_cell(total_a),
        kg_cell(total_r),
        kg_cell(total_a - total_r),
        pct,
    ]
    return Table(columns, out, totals, landscape=True)


def not_redeemed(coop: Cooperative, season: str) -> list[tuple[Farmer, Decimal, list[str]]]:
    """Farmers with an allocation this season who have redeemed nothing of it yet."""
    rows = db.session.execute(
        select(Farmer, func.sum(Allocation.kg), func.sum(Allocation.redeemed_kg))
        .join(Allocation, Allocation.farmer_id == Farmer.id)
        .where(Allocation.cooperative_id == coop.id, Allocation.season == season, Allocation.kg > 0)
        .group_by(Farmer.id)
        .order_by(Farmer.poktan, Farmer.name)
    ).all()
    idle = [(f, Decimal(a)) for f, a, r in rows if not r]
    types: dict[int, list[str]] = defaultdict(list)
    if idle:
        for fid, t in db.session.execute(
            select(Allocation.farmer_id, Allocation.fertilizer_type)
            .where(
                Allocation.season == season,
                Allocation.kg > 0,
                Allocation.farmer_id.in_([f.id for f, _ in idle]),
            )
            .order_by(Allocation.fertilizer_type)
        ):
            types[fid].append(FERTILIZER_TYPES[t])
    return [(f, a, types[f.id]) for f, a in idle]


def not_redeemed_table(rows) -> Table:
    columns = [
        Column("Petani", 3.0),
        Column("NIK", 2.2),
        Column("Poktan", 2.0),
        Column("Desa", 2.0),
        Column("HP", 1.8),
        Column("Jenis dialokasikan", 3.0),
        Column("Alokasi (kg)", 1.4, "right"),
    ]
    out = [
        [f.name, f.nik, f.poktan, f.desa, f.phone, ", ".join(types), kg_cell(a)]
        for f, a, types in rows
    ]
    total = sum((a for _, a, _ in rows), Decimal(0))
    return Table(
        columns,
        out,
        ["Jumlah", f"{len(rows)} petani", "", "", "", "", kg_cell(total)],
        landscape=True,
    )


# --- subsidised stock movement --------------------------------------------------------------

STOCK_GROUPS = {"receive": "received", "opening": "received", "sale": "sold", "refund": "returned"}


def stock_movement(coop: Cooperative, first: date) -> dict[str, dict[str, Decimal]]:
    """Per fertilizer type, in kg: opening, received, sold (redeemed, positive), returned by
    farmers, other (counts, write-offs, returns to the supplier, transfers), closing."""
    last = month_end(first)
    base = (
        select(Subsidised.fertilizer_type, StockMove.kind, func.sum(StockMove.qty))
        .join(Subsidised, Subsidised.item_id == StockMove.item_id)
        .where(StockMove.cooperative_id == coop.id)
        .group_by(Subsidised.fertilizer_type, StockMove.kind)
    )
    out: dict[str, dict[str, Decimal]] = {}

    def row(t: str) -> dict[str, Decimal]:
        keys = ("opening", "received", "sold", "returned", "other", "closing")
        return out.setdefault(t, dict.fromkeys(keys, Decimal(0)))

    for t, _kind, qty in db.session.execute(base.where(StockMove.date < first)):
        row(t)["opening"] += Decimal(qty)
    for t, kind, qty in db.session.execute(
        base.where(StockMove.date >= first, StockMove.date <= last)
    ):
        group = STOCK_GROUPS.get(kind, "other")
        row(t)[group] += -Decimal(qty) if group == "sold" else Decimal(qty)
    for r in out.values():
        r["closing"] = r["opening"] + r["received"] - r["sold"] + r["returned"] + r["other"]
    return {t: out[t] for t in FERTILIZER_TYPES if t in out}


def stock_table(data: dict[str, dict[str, Decimal]]) -> Table:
    keys = ("opening", "received", "sold", "returned", "other", "closing")
    columns = [
        Column("Jenis", 2.4),
        Column("Stok awal", 1.4, "right"),
        Column("Diterima", 1.4, "right"),
        Column("Ditebus", 1.4, "right"),
        Column("Retur petani", 1.4, "right"),
        Column("Lainnya", 1.4, "right"),
        Column("Stok akhir", 1.4, "right"),
    ]
    rows = [[FERTILIZER_TYPES[t], *[kg_cell(r[k]) for k in keys]] for t, r in data.items()]
    totals = ["Jumlah", *[kg_cell(sum((r[k] for r in data.values()), Decimal(0))) for k in keys]]
    notes = [
        "Semua angka dalam kg (satuan dasar barang bersubsidi).",
        "Lainnya: selisih stok opname, penghapusan, retur ke pemasok dan transfer.",
    ]
    return Table(columns, rows, totals, notes)
