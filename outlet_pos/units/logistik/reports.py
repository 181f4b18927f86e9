"""What the parcel desk's money pages and reports read: COD still to collect or to hand on,
what each courier partner is owed, parcels by status per month and the agent's commission per
month per courier. Plain queries (SQL aggregation, no per-row Python over a year's parcels) and
``Table`` builders, so the page, the PDF and the workbook show the same figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import extract, func, select

from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.logistik.models import STATUSES, Courier, Parcel
from outlet_pos.units.logistik.money_models import CodMovement, CourierSettlement, ParcelCharge

ROW_LIMIT = 500  # a page lists at most this many parcels; the totals cover them all


@dataclass
class CodRow:
    parcel: Parcel
    collected: int
    remitted: int

    @property
    def to_remit(self) -> int:
        return self.collected - self.remitted

    @property
    def stage(self) -> str:
        if self.collected == 0:
            return "menunggu kurir" if self.parcel.status == "terkirim" else "belum terkirim"
        return "siap diserahkan" if self.to_remit else "selesai"


@dataclass
class CourierDue:
    courier: Courier
    parcels: int
    amount: int


def _moved(coop: Cooperative, kind: str):
    return (
        select(CodMovement.parcel_id, CodMovement.amount)
        .where(CodMovement.cooperative_id == coop.id, CodMovement.kind == kind)
        .subquery()
    )


def cod_rows(
    coop: Cooperative, *, stage: str | None = None, year: int | None = None
) -> list[CodRow]:
    """COD parcels (returned parcels carry none). ``stage`` "tagih" = delivered, not yet
    received from the courier; "serah" = received, not yet handed on; None = every COD parcel
    taken in ``year``, finished ones too, so the report shows collected, remitted and still
    to remit side by side."""
    got, out = _moved(coop, "terima"), _moved(coop, "serah")
    stmt = (
        select(Parcel, func.coalesce(got.c.amount, 0), func.coalesce(out.c.amount, 0))
        .outerjoin(got, got.c.parcel_id == Parcel.id)
        .outerjoin(out, out.c.parcel_id == Parcel.id)
        .where(
            Parcel.cooperative_id == coop.id,
            Parcel.cod_amount > 0,
            Parcel.status != "dikembalikan",
        )
        .order_by(Parcel.business_date, Parcel.id)
        .limit(ROW_LIMIT)
    )
    if stage == "tagih":
        stmt = stmt.where(Parcel.status == "terkirim", got.c.amount.is_(None))
    elif stage == "serah":
        stmt = stmt.where(got.c.amount.is_not(None), out.c.amount.is_(None))
    elif year is not None:
        stmt = stmt.where(extract("year", Parcel.business_date) == year)
    return [CodRow(p, int(c), int(r)) for p, c, r in db.session.execute(stmt).all()]


def cod_totals(coop: Cooperative) -> dict[str, int]:
    """Held now (received, not handed on) and still with couriers (delivered, not received)."""
    mine = CodMovement.cooperative_id == coop.id
    sums = dict(
        db.session.execute(
            select(CodMovement.kind, func.sum(CodMovement.amount)).where(mine)
            .group_by(CodMovement.kind)
        ).all()
    )  # fmt: skip
    got = select(CodMovement.parcel_id).where(mine, CodMovement.kind == "terima")
    with_courier = db.session.scalar(
        select(func.coalesce(func.sum(Parcel.cod_amount), 0)).where(
            Parcel.cooperative_id == coop.id, Parcel.cod_amount > 0,
            Parcel.status == "terkirim", Parcel.id.not_in(got),
        )
    )  # fmt: skip
    held = int(sums.get("terima") or 0) - int(sums.get("serah") or 0)
    return {"held": held, "with_courier": int(with_courier or 0)}


def courier_dues(coop: Cooperative) -> list[CourierDue]:
    """Every active partner (and any inactive one still owed) with its unsettled share."""
    rows = db.session.execute(
        select(Courier, func.count(ParcelCharge.id),
               func.coalesce(func.sum(ParcelCharge.courier_amount), 0))
        .outerjoin(ParcelCharge, (ParcelCharge.courier_id == Courier.id)
                   & ParcelCharge.settlement_id.is_(None) & ParcelCharge.void_entry_id.is_(None)
                   & (ParcelCharge.courier_amount > 0))
        .where(Courier.cooperative_id == coop.id)
        .group_by(Courier.id)
        .order_by(Courier.name)
    ).all()  # fmt: skip
    return [CourierDue(c, int(n), int(a)) for c, n, a in rows if c.active or a]


def recent_settlements(coop: Cooperative, limit: int = 20) -> list[CourierSettlement]:
    return list(
        db.session.scalars(
            select(CourierSettlement)
            .where(CourierSettlement.cooperative_id == coop.id)
            .order_by(CourierSettlement.id.desc())
            .limit(limit)
        )
    )


def status_by_month(coop: Cooperative, year: int) -> list[tuple[int, dict[str, int]]]:
    """[(month, {status: parcels})] for the months of ``year`` that took any parcel in."""
    month = extract("month", Parcel.business_date)
    rows = db.session.execute(
        select(month, Parcel.status, func.count(Parcel.id))
        .where(Parcel.cooperative_id == coop.id, extract("year", Parcel.business_date) == year)
        .group_by(month, Parcel.status)
    ).all()
    table: dict[int, dict[str, int]] = defaultdict(dict)
    for m, status, n in rows:
        table[int(m)][status] = int(n)
    return sorted(table.items())


@dataclass
class CommissionRow:
    month: int
    courier: str
    parcels: int
    fee: int
    insurance: int
    commission: int
    courier_share: int


def commission_by_month(coop: Cooperative, year: int) -> list[CommissionRow]:
    """The agent's commission and the partners' shares per month and courier (by the day the
    sender paid; own-goods deliveries appear under their courier with all of it commission)."""
    month = extract("month", ParcelCharge.date)
    rows = db.session.execute(
        select(month, Courier.name, func.count(ParcelCharge.id),
               func.sum(ParcelCharge.fee_amount), func.sum(ParcelCharge.insurance_amount),
               func.sum(ParcelCharge.commission_amount), func.sum(ParcelCharge.courier_amount))
        .join(Courier, Courier.id == ParcelCharge.courier_id)
        .where(ParcelCharge.cooperative_id == coop.id, extract("year", ParcelCharge.date) == year,
               ParcelCharge.void_entry_id.is_(None))  # refunded: no commission earned
        .group_by(month, Courier.name)
        .order_by(month, Courier.name)
    ).all()  # fmt: skip
    return [CommissionRow(int(m), c, int(n), int(f), int(i), int(k), int(s))
            for m, c, n, f, i, k, s in rows]  # fmt: skip


# --- tables for PDF and Excel -------------------------------------------------------------


def status_table(rows: list[tuple[int, dict[str, int]]]) -> Table:
    counts = [Column(label, 0.14, "right") for label in STATUSES.values()]
    columns = [Column("Bulan", 0.16), *counts, Column("Jumlah", 0.14, "right")]
    body, totals = [], defaultdict(int)
    for month, counts in rows:
        body.append([MONTHS_ID[month - 1]] + [counts.get(s, 0) for s in STATUSES]
                    + [sum(counts.values())])  # fmt: skip
        for s, n in counts.items():
            totals[s] += n
    foot = ["Jumlah"] + [totals.get(s, 0) for s in STATUSES] + [sum(totals.values())]
    note = "Paket menurut bulan diterima di loket, dengan statusnya sekarang."
    return Table(columns, body, foot, [note], landscape=True)


def cod_table(rows: list[CodRow]) -> Table:
    columns = [Column("Resi", 0.16), Column("Tanggal", 0.1), Column("Pengirim", 0.2),
               Column("Tahap", 0.14), Column("COD", 0.1, "right"),
               Column("Diterima", 0.1, "right"), Column("Diserahkan", 0.1, "right"),
               Column("Sisa", 0.1, "right")]  # fmt: skip
    body = [[r.parcel.number, r.parcel.business_date, r.parcel.sender_name, r.stage,
             r.parcel.cod_amount, r.collected, r.remitted, r.to_remit] for r in rows]  # fmt: skip
    foot = ["Jumlah", "", "", "", sum(r.parcel.cod_amount for r in rows),
            sum(r.collected for r in rows), sum(r.remitted for r in rows),
            sum(r.to_remit for r in rows)]  # fmt: skip
    notes = ["Sisa = COD diterima dari kurir yang belum diserahkan ke pengirim (Titipan COD); "
             "paket dikembalikan tidak membawa COD."]  # fmt: skip
    return Table(columns, body, foot, notes, landscape=True)


def commission_table(rows: list[CommissionRow]) -> Table:
    columns = [Column("Bulan", 0.13), Column("Kurir", 0.21), Column("Paket", 0.1, "right"),
               Column("Ongkir", 0.14, "right"), Column("Asuransi", 0.13, "right"),
               Column("Komisi koperasi", 0.15, "right"),
               Column("Bagian kurir", 0.14, "right")]  # fmt: skip
    body = [[MONTHS_ID[r.month - 1], r.courier, r.parcels, r.fee, r.insurance, r.commission,
             r.courier_share] for r in rows]  # fmt: skip
    foot = ["Jumlah", "", sum(r.parcels for r in rows), sum(r.fee for r in rows),
            sum(r.insurance for r in rows), sum(r.commission for r in rows),
            sum(r.courier_share for r in rows)]  # fmt: skip
    notes = [
        "Komisi = ongkir × persentase komisi kurir (dibulatkan ke rupiah terdekat); "
        "asuransi seluruhnya bagian kurir; antar barang koperasi seluruhnya komisi."
    ]
    return Table(columns, body, foot, notes, landscape=True)
