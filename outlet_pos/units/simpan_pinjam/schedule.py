"""Loan installment schedules (DESIGN §3.4): flat, efektif (menurun) and anuitas.

Pure arithmetic, no database: the simulator, the JSON API and loan disbursement all call
``build_schedule`` so a member sees at the counter exactly what the loan will carry.

Arithmetic is exact (``Fraction``) and only the published figures are rounded, each to whole
rupiah half up; the last installment's principal is whatever is still outstanding, so the
principal column always sums to the amount lent.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from outlet_pos.core.errors import ValidationError
from outlet_pos.money import round_half_up

METHODS = {
    "flat": "Flat",
    "efektif": "Efektif (menurun)",
    "anuitas": "Anuitas",
}
MAX_PRINCIPAL = 10**12  # Rp1 triliun: far above any village loan, far below overflow
MAX_MONTHS = 360
MAX_RATE = Decimal(100)
RATE_TEXT = re.compile(r"^\d{1,3}(\.\d{1,4})?$")


@dataclass(frozen=True)
class Installment:
    no: int
    principal: int
    interest: int
    payment: int
    outstanding_after: int

    def as_dict(self) -> dict:
        return asdict(self)


def monthly_rate(annual_rate_percent: Decimal | int | str) -> Fraction:
    return Fraction(Decimal(str(annual_rate_percent))) / 1200


def check_terms(principal: object, annual_rate: object, months: object, method: object) -> None:
    """Refuse terms no schedule can be built from, naming the field at fault."""
    if type(principal) is not int or not 0 < principal <= MAX_PRINCIPAL:
        raise ValidationError(
            "Pokok pinjaman harus rupiah bulat lebih dari nol.", field="principal"
        )
    if not isinstance(annual_rate, (int, Decimal)) or isinstance(annual_rate, bool):
        raise ValidationError("Bunga per tahun harus angka.", field="annual_rate")
    if not Decimal(0) <= Decimal(annual_rate) <= MAX_RATE:
        raise ValidationError("Bunga per tahun harus antara 0 dan 100 persen.", field="annual_rate")
    if type(months) is not int or not 1 <= months <= MAX_MONTHS:
        raise ValidationError(f"Jangka waktu harus 1 sampai {MAX_MONTHS} bulan.", field="months")
    if method not in METHODS:
        raise ValidationError("Metode harus flat, efektif atau anuitas.", field="method")


def parse_rate(raw: str | Decimal | None) -> Decimal:
    """A rate typed by a person: ``18``, ``16.5`` or ``16,5``; or the product's own Decimal,
    which a form bound to the product keeps for a field the submission left out."""
    text = f"{raw.normalize():f}" if isinstance(raw, Decimal) else (raw or "")
    text = text.strip().replace(",", ".")
    # Plain decimals only: an exponent such as 1e-999999999 would pass the range check and
    # then take forever to turn into an exact fraction.
    if not RATE_TEXT.match(text):
        raise ValidationError(
            "Bunga per tahun harus angka, mis. 18 atau 16,5.", field="annual_rate"
        )
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("Bunga per tahun harus angka.", field="annual_rate") from None
    if not value.is_finite():
        raise ValidationError("Bunga per tahun harus angka.", field="annual_rate")
    return value


def build_schedule(
    principal: int, annual_rate: Decimal | int, months: int, method: str
) -> list[Installment]:
    check_terms(principal, annual_rate, months, method)
    i = monthly_rate(annual_rate)
    even_principal = round_half_up(Fraction(principal, months))
    flat_interest = round_half_up(principal * i)
    if method == "anuitas":
        if i == 0:
            payment = even_principal
        else:
            payment = round_half_up(principal * i / (1 - (1 + i) ** -months))
    outstanding = principal
    rows: list[Installment] = []
    for no in range(1, months + 1):
        if method == "flat":
            interest = flat_interest
            part = even_principal
        elif method == "efektif":
            interest = round_half_up(outstanding * i)
            part = even_principal
        else:
            interest = round_half_up(outstanding * i)
            part = payment - interest
        # The last installment takes the residue; no earlier one may overshoot what is owed.
        part = outstanding if no == months else max(0, min(part, outstanding))
        outstanding -= part
        rows.append(Installment(no, part, interest, part + interest, outstanding))
    return rows


def summarize(rows: list[Installment]) -> dict:
    return {
        "installments": [row.as_dict() for row in rows],
        "total_principal": sum(r.principal for r in rows),
        "total_interest": sum(r.interest for r in rows),
        "total_payment": sum(r.payment for r in rows),
    }
