"""The clinic's reports (``clinic.report``): visits per month, diagnoses by ICD-10 chapter and
code (counts only — never a patient's name: the report reaches the pengurus, the pengawas and
the bendahara), and revenue per service from paid bills.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.klinik.services import icd10
from outlet_pos.units.klinik.visit_models import ClinicBill, Visit, VisitService


@dataclass(frozen=True)
class MonthRow:
    month: int
    visits: int  # all registered except cancelled
    patients: int  # distinct patients
    cancelled: int


def visits_per_month(coop: Cooperative, year: int) -> list[MonthRow]:
    """Twelve rows; a cancelled visit counts only as cancelled."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows: dict[int, list] = {m: [0, set(), 0] for m in range(1, 13)}
    for day, patient_id, status in db.session.execute(
        select(Visit.business_date, Visit.patient_id, Visit.status).where(
            Visit.cooperative_id == coop.id, Visit.business_date.between(start, end)
        )
    ):
        row = rows[day.month]
        if status == "batal":
            row[2] += 1
        else:
            row[0] += 1
            row[1].add(patient_id)
    return [MonthRow(m, r[0], len(r[1]), r[2]) for m, r in rows.items()]


@dataclass(frozen=True)
class DiagnosisRow:
    chapter: str
    chapter_name: str
    code: str
    name: str
    count: int


def diagnoses(coop: Cooperative, start: date, end: date) -> list[DiagnosisRow]:
    """Diagnosed visits per ICD-10 code between two dates, by chapter then code."""
    counts = db.session.execute(
        select(Visit.icd10_code, func.count())
        .where(
            Visit.cooperative_id == coop.id,
            Visit.business_date.between(start, end),
            Visit.status != "batal",
            Visit.icd10_code != "",
        )
        .group_by(Visit.icd10_code)
    ).all()
    out = []
    for code, count in counts:
        roman, chapter = icd10.chapter_of(code)
        out.append(DiagnosisRow(roman, chapter, code, icd10.name_of(code) or "", int(count)))
    order = {roman: i for i, (_lo, _hi, roman, _n) in enumerate(icd10.CHAPTERS)}
    return sorted(out, key=lambda r: (order.get(r.chapter, 99), -r.count, r.code))


@dataclass(frozen=True)
class ServiceRow:
    name: str
    qty: int
    amount: int


def revenue_per_service(coop: Cooperative, start: date, end: date) -> list[ServiceRow]:
    """Services of bills paid (not voided) between two dates, by bill date."""
    rows = db.session.execute(
        select(VisitService.name, func.sum(VisitService.qty), func.sum(VisitService.amount))
        .join(ClinicBill, ClinicBill.visit_id == VisitService.visit_id)
        .where(
            ClinicBill.cooperative_id == coop.id,
            ClinicBill.status == "lunas",
            ClinicBill.date.between(start, end),
        )
        .group_by(VisitService.name)
        .order_by(func.sum(VisitService.amount).desc(), VisitService.name)
    ).all()
    return [ServiceRow(name, int(qty), int(amount)) for name, qty, amount in rows]
