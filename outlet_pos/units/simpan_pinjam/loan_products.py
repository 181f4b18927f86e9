"""Loan products: rate, method, term range, fees, daily penalty and grace days. Existing
loans keep the terms they were given; a product change only affects new applications."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import LoanProduct
from outlet_pos.units.simpan_pinjam.schedule import METHODS, parse_rate

DEFAULT_PRODUCTS = [
    # code, name, rate, method, min/max months, admin fee, provisi %, penalty %/day, grace
    ("PRODUKTIF", "Pinjaman Modal Usaha", "18", "anuitas", 3, 24, 25_000, "1", "0.1", 3),
    ("KONSUMTIF", "Pinjaman Kebutuhan Anggota", "12", "flat", 1, 12, 10_000, "0.5", "0.1", 3),
    ("MUSIMAN", "Pinjaman Musim Tanam", "15", "efektif", 3, 12, 10_000, "0.5", "0.05", 7),
]


def ensure_products(coop: Cooperative) -> list[LoanProduct]:
    rows = list(
        db.session.scalars(
            select(LoanProduct)
            .where(LoanProduct.cooperative_id == coop.id)
            .order_by(LoanProduct.code)
        )
    )
    if not rows:
        for code, name, rate, method, lo, hi, fee, prov, pen, grace in DEFAULT_PRODUCTS:
            db.session.add(
                LoanProduct(
                    cooperative_id=coop.id,
                    code=code,
                    name=name,
                    annual_rate=Decimal(rate),
                    method=method,
                    min_months=lo,
                    max_months=hi,
                    admin_fee=fee,
                    provisi_percent=Decimal(prov),
                    penalty_daily_percent=Decimal(pen),
                    grace_days=grace,
                )
            )
        db.session.flush()
        return ensure_products(coop)
    return rows


def save_product(
    coop: Cooperative, user, product: LoanProduct | None = None, **values
) -> LoanProduct:
    """Create or change a loan product. Existing loans keep the terms they were given."""
    code = (values.get("code") or "").strip().upper()
    name = (values.get("name") or "").strip()
    if not code or len(code) > 20:
        raise ValidationError("Kode produk wajib diisi (maks. 20 karakter).", field="code")
    if not name:
        raise ValidationError("Nama produk wajib diisi.", field="name")
    rate = parse_rate(str(values.get("annual_rate", "")))
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError("Bunga harus 0–100 persen setahun.", field="annual_rate")
    method = values.get("method")
    if method not in METHODS:
        raise ValidationError("Metode harus flat, efektif atau anuitas.", field="method")
    lo, hi = values.get("min_months"), values.get("max_months")
    if type(lo) is not int or type(hi) is not int or not 1 <= lo <= hi <= 360:
        raise ValidationError(
            "Jangka waktu: 1 ≤ minimal ≤ maksimal ≤ 360 bulan.", field="min_months"
        )
    fee = values.get("admin_fee", 0)
    if type(fee) is not int or fee < 0:
        raise ValidationError("Biaya administrasi harus rupiah bulat.", field="admin_fee")
    provisi = parse_rate(str(values.get("provisi_percent", "0")))
    penalty = parse_rate(str(values.get("penalty_daily_percent", "0")))
    if not Decimal(0) <= provisi <= Decimal(10):
        raise ValidationError("Provisi 0–10 persen.", field="provisi_percent")
    if not Decimal(0) <= penalty <= Decimal(1):
        raise ValidationError("Denda 0–1 persen per hari.", field="penalty_daily_percent")
    grace = values.get("grace_days", 0)
    if type(grace) is not int or not 0 <= grace <= 60:
        raise ValidationError("Masa tenggang 0–60 hari.", field="grace_days")
    clash = db.session.scalar(
        select(LoanProduct.id).where(
            LoanProduct.cooperative_id == coop.id, LoanProduct.code == code
        )
    )
    if clash and (product is None or clash != product.id):
        raise ValidationError(f"Kode {code} sudah dipakai.", field="code")
    if product is None:
        product = LoanProduct(cooperative_id=coop.id)
        db.session.add(product)
    product.code, product.name, product.annual_rate, product.method = code, name, rate, method
    product.min_months, product.max_months, product.admin_fee = lo, hi, fee
    product.provisi_percent, product.penalty_daily_percent, product.grace_days = (
        provisi,
        penalty,
        grace,
    )
    product.active = bool(values.get("active", True))
    db.session.flush()
    record(
        "simpin.loan_product", user=user, cooperative=coop, target=code, detail={"rate": str(rate)}
    )
    return product
