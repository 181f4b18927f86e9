"""Tables of the fisheries and livestock templates of local units (DESIGN §3.11).

Fisheries: the day's price list per fish item and grade, and purchases of catch from fishers
(members or not) with their lines. The fish itself lives in the inventory core (an item of the
unit, stock in kg): these rows only say who sold what at which grade and price, and how they
were paid, beside the one journal entry that moved the money and the stock.

Livestock: each animal is a batch (its ear tag) of one item per species, one head, so the
inventory core holds its value and ``verify`` ties 114100 to it; ``Animal.carrying_cost`` is
that value (purchase cost plus capitalised feed and care), kept in the same transactions that
move it. Weights and costs are histories of the animal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)

GRADES = {"A": "Mutu A", "B": "Mutu B", "C": "Mutu C"}
FISH_METHODS = {"tunai": "Tunai dari laci kasir", "sukarela": "Masuk simpanan sukarela"}
SPECIES = {
    "sapi": "Sapi",
    "kambing": "Kambing",
    "domba": "Domba",
    "kerbau": "Kerbau",
    "ayam": "Ayam",
    "itik": "Itik",
}
SEXES = {"jantan": "Jantan", "betina": "Betina"}
ANIMAL_STATUSES = {"ada": "Ada", "terjual": "Terjual", "mati": "Mati"}
COST_KINDS = {"beli": "Pembelian", "pakan": "Pakan", "perawatan": "Perawatan/obat"}


class FishPrice(db.Model):
    """Today's buying price per kg of one fish item at one grade; one row per day."""

    __tablename__ = "fish_price"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "unit_id", "day", "item_id", "grade"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    day: Mapped[date] = mapped_column(Date)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    grade: Mapped[str] = mapped_column(String(1))
    price: Mapped[int] = mapped_column(BigInteger)  # rupiah per kg
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item = relationship("Item")


class FishPurchase(db.Model):
    """One purchase of catch from one fisher, paid in one way; never edited."""

    __tablename__ = "fish_purchase"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
        Index("ix_fish_purchase_coop_unit_date", "cooperative_id", "unit_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    number: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    seller_name: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))  # tunai | sukarela
    total_weight: Mapped[Decimal] = mapped_column(QTY)
    amount: Mapped[int] = mapped_column(BigInteger)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    savings_txn_id: Mapped[int | None] = mapped_column(ForeignKey("savings_txn.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # a wrong purchase is voided by its counter-entry (never edited): fish out, money back
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(String(300))

    lines: Mapped[list[FishPurchaseLine]] = relationship(
        back_populates="purchase", order_by="FishPurchaseLine.id"
    )
    member = relationship("Member")
    unit = relationship("BusinessUnit")
    entry = relationship("JournalEntry", foreign_keys=[entry_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    voided_by = relationship("User", foreign_keys=[voided_by_id])
    void_entry = relationship("JournalEntry", foreign_keys=[void_entry_id])

    @property
    def method_label(self) -> str:
        return FISH_METHODS.get(self.method, self.method)


class FishPurchaseLine(db.Model):
    """One fish item at one grade: weight × price per kg, rounded to the rupiah."""

    __tablename__ = "fish_purchase_line"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("fish_purchase.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    grade: Mapped[str] = mapped_column(String(1))
    weight: Mapped[Decimal] = mapped_column(QTY)  # kg
    list_price: Mapped[int | None] = mapped_column(BigInteger)  # the day's price, if any
    price: Mapped[int] = mapped_column(BigInteger)  # per kg actually paid
    amount: Mapped[int] = mapped_column(BigInteger)

    purchase: Mapped[FishPurchase] = relationship(back_populates="lines")
    item = relationship("Item")

    @property
    def overridden(self) -> bool:
        return self.list_price != self.price  # no list price: the price was set by hand


class Animal(db.Model):
    """One animal of a livestock unit: a batch (its tag) of its species' item, one head."""

    __tablename__ = "animal"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "unit_id", "tag"),
        CheckConstraint("carrying_cost >= 0", name="carrying_cost_non_negative"),
        Index("ix_animal_coop_unit_status", "cooperative_id", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    tag: Mapped[str] = mapped_column(String(30))
    species: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(10))
    bought_on: Mapped[date] = mapped_column(Date)
    seller_name: Mapped[str] = mapped_column(String(200), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))  # seller, if one
    purchase_cost: Mapped[int] = mapped_column(BigInteger)
    carrying_cost: Mapped[int] = mapped_column(BigInteger)  # its value in stock now
    status: Mapped[str] = mapped_column(String(10), default="ada")
    closed_on: Mapped[date | None] = mapped_column(Date)
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    sale_basis: Mapped[str] = mapped_column(String(5), default="")  # ekor | kg
    sale_weight: Mapped[Decimal | None] = mapped_column(QTY)
    sale_price: Mapped[int | None] = mapped_column(BigInteger)  # per head or per kg
    sale_amount: Mapped[int | None] = mapped_column(BigInteger)
    cost_of_sale: Mapped[int | None] = mapped_column(BigInteger)  # value that left stock
    close_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    weights: Mapped[list[AnimalWeight]] = relationship(
        order_by="[AnimalWeight.day, AnimalWeight.id]"
    )
    costs: Mapped[list[AnimalCost]] = relationship(order_by="[AnimalCost.day, AnimalCost.id]")
    unit = relationship("BusinessUnit")
    member = relationship("Member", foreign_keys=[member_id])
    close_entry = relationship("JournalEntry")

    @property
    def species_label(self) -> str:
        return SPECIES.get(self.species, self.species)

    @property
    def status_label(self) -> str:
        return ANIMAL_STATUSES.get(self.status, self.status)

    @property
    def margin(self) -> int | None:
        if self.sale_amount is None or self.cost_of_sale is None:
            return None
        return self.sale_amount - self.cost_of_sale


class AnimalWeight(db.Model):
    """One weighing: the growth record, and the weight a sale per kg can start from."""

    __tablename__ = "animal_weight"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    animal_id: Mapped[int] = mapped_column(ForeignKey("animal.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    weight: Mapped[Decimal] = mapped_column(QTY)  # kg
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnimalCost(db.Model):
    """Money put into an animal: its purchase, then feed and care, each capitalised into its
    carrying cost with its own journal entry."""

    __tablename__ = "animal_cost"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    animal_id: Mapped[int] = mapped_column(ForeignKey("animal.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # beli | pakan | perawatan
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_from: Mapped[str] = mapped_column(String(10))  # tunai | utang
    description: Mapped[str] = mapped_column(String(200), default="")
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the form's one-time key: a double submit returns the first cost, not a second one
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    @property
    def kind_label(self) -> str:
        return COST_KINDS.get(self.kind, self.kind)
