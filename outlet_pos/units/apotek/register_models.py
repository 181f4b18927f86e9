"""The narcotics and psychotropics register (buku register narkotika/psikotropika).

The law asks a pharmacy to account for every tablet of these drugs: where it came from, to
whom it went, on whose prescription, and what is left. The register is written by a stock-move
listener (``register.py``), one row per stock move of such an item, in the same transaction as
the move; so it can never tell a different story from the stock, and ``outlet-pos verify``
proves it does not.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)


class RegisterEntry(db.Model):
    """One movement of a psikotropika/narkotika item, signed (+ in, - out), in base units."""

    __tablename__ = "drug_register"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "move_id"),
        # The running balance and the monthly report read one item's rows in order.
        Index("ix_drug_register_item", "cooperative_id", "item_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    move_id: Mapped[int] = mapped_column(ForeignKey("stock_move.id"))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # the stock move's kind (receive, sale, ...)
    qty: Mapped[Decimal] = mapped_column(QTY)
    # The item's stock over all locations right after this move (what the book says is left).
    balance_after: Mapped[Decimal] = mapped_column(QTY)
    source: Mapped[str] = mapped_column(String(64), default="")  # "sale:<number>", ...
    # Set when the movement is a dispensing against a prescription (plain id: the register
    # outlives any change to the prescription tables, and holds the text it needs below).
    prescription_id: Mapped[int | None] = mapped_column(Integer)
    patient_name: Mapped[str] = mapped_column(String(200), default="")
    prescriber: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    move = relationship("StockMove")
    item = relationship("Item")
    batch = relationship("Batch")
