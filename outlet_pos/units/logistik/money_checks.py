"""The parcel desk's subledger invariants for ``outlet-pos verify`` (registered by the
blueprint): the two liability accounts equal what the money tables say they hold, so a row
changed behind the application's back, or a manual entry to either account, is reported."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.logistik.models import Parcel
from outlet_pos.units.logistik.money import COD, PAYABLE
from outlet_pos.units.logistik.money_models import CodMovement, CourierSettlement, ParcelCharge


def account_balance(coop: Cooperative, code: str) -> int:
    """Credit minus debit of one (liability) account over the whole ledger."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.credit - JournalLine.debit), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.cooperative_id == coop.id, Account.code == code)
        )
    )


def _sum(column, *where) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)))


def check_cod(coop: Cooperative) -> Iterator[str]:
    """211500 = COD received − COD handed on; each parcel's movements match its COD amount."""
    mine = CodMovement.cooperative_id == coop.id
    held = _sum(CodMovement.amount, mine, CodMovement.kind == "terima") - _sum(
        CodMovement.amount, mine, CodMovement.kind == "serah"
    )
    book = account_balance(coop, COD)
    if book != held:
        yield f"211500 Titipan COD {format_rupiah(book)} ≠ COD dipegang {format_rupiah(held)}"
    rows = db.session.execute(
        select(Parcel.number, Parcel.cod_amount, CodMovement.kind, CodMovement.amount)
        .join(Parcel, Parcel.id == CodMovement.parcel_id)
        .where(mine)
    ).all()
    for number, cod, kind, amount in rows:
        if amount != cod:
            yield f"paket {number}: COD {kind} {format_rupiah(amount)} ≠ {format_rupiah(cod)}"


def check_courier_payable(coop: Cooperative) -> Iterator[str]:
    """211900 = partners' shares of every standing (not voided) charge − every settlement;
    each settlement pays exactly the charges it lists."""
    # A voided charge was reversed in full (Dr 211900 its share), so it no longer counts.
    owed = _sum(ParcelCharge.courier_amount, ParcelCharge.cooperative_id == coop.id,
                ParcelCharge.void_entry_id.is_(None))  # fmt: skip
    paid = _sum(CourierSettlement.amount, CourierSettlement.cooperative_id == coop.id)
    book = account_balance(coop, PAYABLE)
    if book != owed - paid:
        yield (f"211900 Utang mitra kurir {format_rupiah(book)} ≠ bagian kurir belum dibayar "
               f"{format_rupiah(owed - paid)}")  # fmt: skip
    rows = db.session.execute(
        select(CourierSettlement.number, CourierSettlement.amount,
               func.coalesce(func.sum(ParcelCharge.courier_amount), 0))
        .outerjoin(ParcelCharge, ParcelCharge.settlement_id == CourierSettlement.id)
        .where(CourierSettlement.cooperative_id == coop.id)
        .group_by(CourierSettlement.id, CourierSettlement.number, CourierSettlement.amount)
    ).all()  # fmt: skip
    for number, amount, listed in rows:
        if amount != listed:
            yield f"{number}: dibayar {format_rupiah(amount)} ≠ paketnya {format_rupiah(listed)}"


def register() -> None:
    from outlet_pos.core.verify import register_check

    register_check("Titipan COD = COD diterima − diserahkan", check_cod)
    register_check("Utang mitra kurir = bagian kurir − setoran ke kurir", check_courier_payable)
