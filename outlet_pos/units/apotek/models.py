"""Tables of the village pharmacy (apotek desa). ``DrugInfo`` makes an item of the pharmacy
unit a drug: its legal class decides what the counter may sell without a prescription and an
apoteker on duty, and which movements go into the narcotics/psychotropics register.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)

# Golongan obat (Permenkes): the order is the order of strictness.
DRUG_CLASSES = {
    "bebas": "Obat bebas",
    "bebas_terbatas": "Obat bebas terbatas",
    "keras": "Obat keras",
    "oot": "Obat-obat tertentu (OOT)",
    "psikotropika": "Psikotropika",
    "narkotika": "Narkotika",
}
PRESCRIPTION_CLASSES = ("keras", "oot", "psikotropika", "narkotika")  # resep + apoteker
REGISTER_CLASSES = ("psikotropika", "narkotika")  # every movement in the register
DOSAGE_FORMS = {
    "tablet": "Tablet",
    "kapsul": "Kapsul",
    "kaplet": "Kaplet",
    "sirup": "Sirup",
    "suspensi": "Suspensi",
    "salep": "Salep/krim",
    "tetes": "Tetes",
    "injeksi": "Injeksi",
    "serbuk": "Serbuk",
    "lainnya": "Lainnya",
}


class DrugInfo(db.Model):
    """The drug facts of one item (the item itself keeps name, units, prices, batches)."""

    __tablename__ = "drug_info"
    __table_args__ = (UniqueConstraint("cooperative_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    drug_class: Mapped[str] = mapped_column(String(20))
    active_ingredient: Mapped[str] = mapped_column(String(200), default="")
    strength: Mapped[str] = mapped_column(String(60), default="")  # "500 mg", "125 mg/5 ml"
    dosage_form: Mapped[str] = mapped_column(String(20), default="tablet")
    # HET printed on the pack, per base unit (tablet, ml...): a price ceiling at the counter.
    het_per_base: Mapped[int | None] = mapped_column(BigInteger)
    # OOT: the most base units one sale may carry (None: no limit).
    max_per_sale: Mapped[Decimal | None] = mapped_column(QTY)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item = relationship("Item")

    @property
    def class_label(self) -> str:
        return DRUG_CLASSES.get(self.drug_class, self.drug_class)

    @property
    def needs_prescription(self) -> bool:
        return self.drug_class in PRESCRIPTION_CLASSES

    @property
    def in_register(self) -> bool:
        return self.drug_class in REGISTER_CLASSES
