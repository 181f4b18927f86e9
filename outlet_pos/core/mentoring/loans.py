"""Loan quality of a whole cooperative at a date, in three queries.

``simpan_pinjam.loan_risk.portfolio`` answers the same question loan by loan (two queries per
loan), which is right for the allowance run but too slow to repeat for ten cooperatives and
twelve month-ends. This module gives the same classes from grouped queries; a test holds the
two to the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.common import policy
from outlet_pos.units.simpan_pinjam.loans import classify
from outlet_pos.units.simpan_pinjam.models import COLLECTIBILITY, Loan, LoanInstallment, LoanPayment

# Perdep 06/2016: risky loans weigh half of Kurang Lancar, three quarters of Diragukan and all
# of Macet (fixtures/health.json "risky_loans_rule").
RISK_WEIGHTS = {"KL": 50, "D": 75, "M": 100}  # percent
NON_PERFORMING = ("KL", "D", "M")


@dataclass
class LoanQuality:
    """Outstanding principal and loan count per collectibility class at one date."""

    day: date
    outstanding: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLLECTIBILITY, 0))
    count: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLLECTIBILITY, 0))
    member_ids: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.outstanding.values())

    @property
    def non_performing(self) -> int:
        return sum(self.outstanding[c] for c in NON_PERFORMING)

    @property
    def npl_basis_points(self) -> int | None:
        """Non-performing share in hundredths of a percent (integer), None without loans."""
        if not self.total:
            return None
        return (self.non_performing * 10_000 + self.total // 2) // self.total

    @property
    def risky(self) -> int:
        return risky_loans(self.outstanding["KL"], self.outstanding["D"], self.outstanding["M"])


def risky_loans(kurang_lancar: int, diragukan: int, macet: int) -> int:
    """Pinjaman bermasalah (RPM) = 50% KL + 75% D + 100% M, rounded half up to the rupiah."""
    amounts = {"KL": kurang_lancar, "D": diragukan, "M": macet}
    hundredths = sum(amounts[c] * pct for c, pct in RISK_WEIGHTS.items())
    return (hundredths + 50) // 100


def loan_quality(coop: Cooperative, day: date) -> LoanQuality:
    """Every loan owing at the end of ``day`` classified by days past due, as the allowance
    run classifies it (``loan_risk.portfolio``)."""
    pol = policy(coop)
    paid = (
        select(LoanPayment.loan_id, func.coalesce(func.sum(LoanPayment.principal), 0).label("p"))
        .where(LoanPayment.cooperative_id == coop.id, LoanPayment.day <= day)
        .group_by(LoanPayment.loan_id)
        .subquery()
    )
    loans = db.session.execute(
        select(Loan.id, Loan.member_id, Loan.principal, Loan.status, Loan.closed_on, paid.c.p)
        .outerjoin(paid, paid.c.loan_id == Loan.id)
        .where(
            Loan.cooperative_id == coop.id,
            Loan.disbursed_on.is_not(None),
            Loan.disbursed_on <= day,
        )
    ).all()
    owing: dict[int, tuple[int, int]] = {}
    for loan_id, member_id, principal, status, closed_on, paid_principal in loans:
        if status == "hapus_buku" and closed_on is not None and closed_on <= day:
            continue
        left = principal - int(paid_principal or 0)
        if left > 0:
            owing[loan_id] = (member_id, left)
    oldest: dict[int, date] = {}
    if owing:
        oldest = dict(
            db.session.execute(
                select(LoanInstallment.loan_id, func.min(LoanInstallment.due_date))
                .join(Loan, Loan.id == LoanInstallment.loan_id)
                .where(
                    Loan.cooperative_id == coop.id,
                    LoanInstallment.due_date < day,
                    LoanInstallment.status != "diganti",
                    LoanInstallment.paid_on.is_(None) | (LoanInstallment.paid_on > day),
                )
                .group_by(LoanInstallment.loan_id)
            ).all()
        )
    quality = LoanQuality(day)
    for loan_id, (member_id, left) in owing.items():
        due = oldest.get(loan_id)
        dpd = (day - due).days if due is not None else 0
        code = classify(dpd, pol)
        quality.outstanding[code] += left
        quality.count[code] += 1
        quality.member_ids.add(member_id)
    return quality
