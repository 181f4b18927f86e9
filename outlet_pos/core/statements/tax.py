"""Tax reports from the ledger (DESIGN §3.12): PPh final 0.5% of gross turnover per month
(PP 55/2022) with its accrual and payment, PPN per month for a PKP cooperative, and the final
tax withheld on savings interest as the ledger holds it.

Everything is read from journal lines, so the reports agree with the books by construction.
Postings go through ``ledger.post`` with a fixed idempotency key per tax, month and action:
a second click finds the first entry instead of posting twice, and no table of its own is
needed.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, extract, func, or_, select

from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import MONTHS_ID, Account, JournalEntry, JournalLine, Period
from outlet_pos.core.ledger.services import balances, post
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import allocate, format_rupiah, round_half_up

# Gross turnover (peredaran bruto) = the business revenue accounts: sales 4111/4112, service
# revenue 412 (loan interest, fees, penalties), clinic 413, logistics commission 414. Bank
# interest (418) is taxed at source and other income (419) is not turnover.
TURNOVER_PREFIXES = ("411", "412", "413", "414")
TAX_PAYABLE = "211600"
PPH_FINAL_EXPENSE = "711100"
PPN_INPUT = "115100"
PPH_FINAL_PERMILLE = 5  # 0.5%
PETTY_CASH = "111200"
BANK_PREFIX = "1121"
# Kinds of tax a payment may settle, with the label on the page and in the memo.
TAX_KINDS = {
    "pph-final": "PPh final 0,5% (PP 55/2022)",
    "pph-bunga": "PPh final 10% bunga simpanan",
}
SALES_SOURCES = ("sale", "refund")


def month_label(year: int, month: int) -> str:
    return f"{MONTHS_ID[month - 1]} {year}"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def pph_final_of(bruto: int) -> int:
    """0.5% of the month's gross turnover, half up to the rupiah; nothing on a loss month."""
    if bruto <= 0:
        return 0
    return round_half_up(Fraction(bruto * PPH_FINAL_PERMILLE, 1000))


def accrual_key(year: int, month: int) -> str:
    return f"pph-final-{year}-{month:02d}"


def payment_key(kind: str, year: int, month: int) -> str:
    return f"setor-{kind}-{year}-{month:02d}"


def _year_range(year: int):
    return JournalLine.entry_date >= date(year, 1, 1), JournalLine.entry_date <= date(year, 12, 31)


def _month_of_line():
    return extract("month", JournalLine.entry_date)


def _turnover_accounts():
    return or_(*[Account.code.startswith(p) for p in TURNOVER_PREFIXES])


def turnover(coop: Cooperative, year: int) -> dict[tuple[int, int | None, str], int]:
    """Credit minus debit of the turnover accounts per (month, unit id, account code), year-end
    closing entries left out (they move revenue to equity, they are not trade)."""
    rows = db.session.execute(
        select(
            _month_of_line(),
            JournalLine.unit_id,
            Account.code,
            func.sum(JournalLine.credit) - func.sum(JournalLine.debit),
        )
        .join(Account, Account.id == JournalLine.account_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            *_year_range(year),
            _turnover_accounts(),
            JournalEntry.source != "closing",
        )
        .group_by(_month_of_line(), JournalLine.unit_id, Account.code)
    )
    return {(int(m), unit, code): int(amount) for m, unit, code, amount in rows if amount}


def _entries_by_key(coop: Cooperative, keys: list[str]) -> dict[str, JournalEntry]:
    found = db.session.scalars(
        select(JournalEntry).where(
            JournalEntry.cooperative_id == coop.id, JournalEntry.idempotency_key.in_(keys)
        )
    )
    return {e.idempotency_key: e for e in found}


@dataclass
class PphMonth:
    year: int
    month: int
    bruto: int
    tax: int
    ended: bool
    closed: bool = False  # the month is locked: nothing can be posted into it any more
    accrual: JournalEntry | None = None
    payment: JournalEntry | None = None

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def accrued(self) -> int | None:
        return self.accrual.total if self.accrual is not None else None

    @property
    def paid(self) -> int | None:
        return self.payment.total if self.payment is not None else None

    @property
    def differs(self) -> bool:
        """The books moved after the accrual (a late sale or correction in that month)."""
        return self.accrual is not None and self.accrued != self.tax


def pph_final_year(coop: Cooperative, year: int) -> list[PphMonth]:
    """January to December: gross turnover, 0.5% tax, accrual and payment entries."""
    bruto: dict[int, int] = defaultdict(int)
    for (month, _unit, _code), amount in turnover(coop, year).items():
        bruto[month] += amount
    keys = [accrual_key(year, m) for m in range(1, 13)]
    keys += [payment_key("pph-final", year, m) for m in range(1, 13)]
    entries = _entries_by_key(coop, keys)
    today = coop.today()
    closed = set(
        db.session.scalars(
            select(Period.month).where(
                Period.cooperative_id == coop.id, Period.year == year, Period.closed.is_(True)
            )
        )
    )
    return [
        PphMonth(
            year,
            m,
            bruto[m],
            pph_final_of(bruto[m]),
            month_bounds(year, m)[1] < today,
            m in closed,
            entries.get(accrual_key(year, m)),
            entries.get(payment_key("pph-final", year, m)),
        )
        for m in range(1, 13)
    ]


@dataclass
class TurnoverLine:
    unit: str
    code: str
    account: str
    amount: int


def turnover_detail(coop: Cooperative, year: int, month: int) -> list[TurnoverLine]:
    """One month's turnover per business unit and account (lines without a unit last)."""
    units = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.cooperative_id == coop.id)
        ).all()
    )
    names = dict(
        db.session.execute(
            select(Account.code, Account.name).where(
                Account.cooperative_id == coop.id, _turnover_accounts()
            )
        ).all()
    )
    rows = [
        TurnoverLine(units.get(unit, "Tanpa unit"), code, names.get(code, code), amount)
        for (m, unit, code), amount in turnover(coop, year).items()
        if m == month
    ]
    return sorted(rows, key=lambda r: (r.unit == "Tanpa unit", r.unit, r.code))


def _month_ended(coop: Cooperative, year: int, month: int) -> date:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError("Bulan pajak tidak valid.")
    last = month_bounds(year, month)[1]
    if last >= coop.today():
        raise DomainError(f"{month_label(year, month)} belum berakhir; pajak dihitung sesudahnya.")
    return last


@dataclass
class Posted:
    entry: JournalEntry
    created: bool  # False: it was already there, nothing new was written


def post_pph_final(coop: Cooperative, year: int, month: int, user) -> Posted:
    """Accrue a finished month's PPh final: Dr 711100, Cr 211600, dated the month's last day.
    Once per month: a second call returns the first entry (``created`` False). The expense is
    spread over the units in proportion to their turnover, for the per-unit income statement."""
    last = _month_ended(coop, year, month)
    key = accrual_key(year, month)
    existing = _entries_by_key(coop, [key]).get(key)
    if existing is not None:
        return Posted(existing, False)
    per_unit: dict[int | None, int] = defaultdict(int)
    for (m, unit, _code), amount in turnover(coop, year).items():
        if m == month:
            per_unit[unit] += amount
    tax = pph_final_of(sum(per_unit.values()))
    if tax == 0:
        raise DomainError(
            f"Tidak ada PPh final untuk {month_label(year, month)}: peredaran bruto nol."
        )
    weights = {u: a for u, a in per_unit.items() if a > 0}
    order = sorted(weights, key=lambda u: (u is None, u or 0))
    shares = allocate(tax, [weights[u] for u in order])
    lines = [(PPH_FINAL_EXPENSE, s, 0, u) for u, s in zip(order, shares, strict=True) if s]
    lines.append((TAX_PAYABLE, 0, tax, None, None, "PPh final 0,5%"))
    entry = post(
        coop,
        last,
        f"PPh final 0,5% (PP 55/2022) {month_label(year, month)}: "
        f"peredaran bruto {format_rupiah(sum(per_unit.values()))}",
        lines,
        source="tax",
        source_ref=key,
        user=user,
        idempotency_key=key,
    )
    return Posted(entry, True)


def payment_accounts(coop: Cooperative) -> dict[str, str]:
    """Where a tax payment may come from: petty cash or a bank account (1121xx)."""
    rows = db.session.scalars(
        select(Account)
        .where(
            Account.cooperative_id == coop.id,
            Account.active.is_(True),
            Account.is_header.is_(False),
            or_(Account.code == PETTY_CASH, Account.code.startswith(BANK_PREFIX)),
        )
        .order_by(Account.code.desc())
    )
    return {a.code: f"{a.code} {a.name}" for a in rows}


def withheld_interest_tax(coop: Cooperative, year: int) -> dict[int, int]:
    """Per month, the 211600 credit posted by the savings interest runs (source "savings")."""
    rows = db.session.execute(
        select(_month_of_line(), func.sum(JournalLine.credit) - func.sum(JournalLine.debit))
        .join(Account, Account.id == JournalLine.account_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            *_year_range(year),
            Account.code == TAX_PAYABLE,
            JournalEntry.source == "savings",
        )
        .group_by(_month_of_line())
    )
    return {int(m): int(a) for m, a in rows if a}


def payment_of(coop: Cooperative, kind: str, year: int, month: int) -> JournalEntry | None:
    key = payment_key(kind, year, month)
    return _entries_by_key(coop, [key]).get(key)


def tax_due(coop: Cooperative, kind: str, year: int, month: int) -> int:
    """What a payment of ``kind`` for the month should be, from the books."""
    if kind == "pph-final":
        key = accrual_key(year, month)
        accrual = _entries_by_key(coop, [key]).get(key)
        return accrual.total if accrual is not None else 0
    if kind == "pph-bunga":
        return withheld_interest_tax(coop, year).get(month, 0)
    raise ValidationError("Jenis pajak tidak dikenal.", field="kind")


def pay_tax(
    coop: Cooperative,
    kind: str,
    year: int,
    month: int,
    *,
    day: date,
    amount: int,
    account: str,
    reference: str,
    user,
) -> Posted:
    """Record a month's tax deposit (setoran): Dr 211600 Utang pajak, Cr petty cash or bank,
    with the billing code / NTPN in the memo. Once per tax and month (the same idempotency
    rule as the accrual); never more than the tax due nor than 211600 holds."""
    if kind not in TAX_KINDS:
        raise ValidationError("Jenis pajak tidak dikenal.", field="kind")
    last = _month_ended(coop, year, month)
    key = payment_key(kind, year, month)
    existing = _entries_by_key(coop, [key]).get(key)
    if existing is not None:
        return Posted(existing, False)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError("Isi kode billing atau NTPN dari bukti setor.", field="reference")
    if len(reference) > 40 or not reference.replace("-", "").isalnum():
        raise ValidationError("Kode billing/NTPN berisi huruf dan angka saja.", field="reference")
    if account not in payment_accounts(coop):
        raise ValidationError("Pilih kas kecil atau rekening bank.", field="account")
    if not isinstance(day, date) or day <= last or day > coop.today():
        raise ValidationError(
            f"Tanggal setor sesudah {month_label(year, month)} dan tidak melewati hari ini.",
            field="date",
        )
    if type(amount) is not int or amount <= 0:
        raise ValidationError("Jumlah setor harus lebih dari nol.", field="amount")
    due = tax_due(coop, kind, year, month)
    if due == 0:
        what = "Bukukan dulu PPh final bulan ini." if kind == "pph-final" else "Tidak ada pajak."
        raise DomainError(f"Belum ada {TAX_KINDS[kind]} {month_label(year, month)}. {what}")
    if amount > due:
        raise ValidationError(
            f"Jumlah setor melebihi pajak terutang {format_rupiah(due)}.", field="amount"
        )
    owed = -balances(coop, as_of=day).get(TAX_PAYABLE, 0)
    if amount > owed:
        raise ValidationError(
            f"Saldo Utang pajak (211600) per tanggal itu hanya {format_rupiah(max(owed, 0))}.",
            field="amount",
        )
    entry = post(
        coop,
        day,
        f"Setor {TAX_KINDS[kind]} {month_label(year, month)}, kode billing/NTPN {reference}",
        [
            (TAX_PAYABLE, amount, 0, None, None, TAX_KINDS[kind]),
            (account, 0, amount, None, None, reference),
        ],
        source="tax",
        source_ref=reference,
        user=user,
        idempotency_key=key,
    )
    return Posted(entry, True)


@dataclass
class PpnMonth:
    year: int
    month: int
    dpp: int  # tax base of taxed sales, net of refunds (from the sale documents)
    output: int  # PPN keluaran: 211600 from sales less refunds (ledger)
    output_docs: int  # the same from the sale documents, to show they tie
    input: int  # PPN masukan: the 115100 movement of the month
    carried_in: int  # excess input carried from the previous month (kompensasi)

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def net(self) -> int:
        return self.output - self.input - self.carried_in

    @property
    def to_pay(self) -> int:
        return max(self.net, 0)

    @property
    def carried_out(self) -> int:
        return max(-self.net, 0)


def ppn_year(coop: Cooperative, year: int) -> list[PpnMonth]:
    """PPN keluaran and masukan per month; excess input carries to the next month (within the
    year; an opening carry from the year before is not brought in)."""
    output: dict[int, int] = defaultdict(int)
    vat_in: dict[int, int] = defaultdict(int)
    rows = db.session.execute(
        select(
            _month_of_line(),
            Account.code,
            func.sum(JournalLine.credit) - func.sum(JournalLine.debit),
        )
        .join(Account, Account.id == JournalLine.account_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            *_year_range(year),
            or_(
                and_(Account.code == TAX_PAYABLE, JournalEntry.source.in_(SALES_SOURCES)),
                Account.code == PPN_INPUT,
            ),
            JournalEntry.source != "closing",
        )
        .group_by(_month_of_line(), Account.code)
    )
    for m, code, amount in rows:
        if code == TAX_PAYABLE:
            output[int(m)] += int(amount)
        else:
            vat_in[int(m)] -= int(amount)
    docs: dict[tuple[int, str], tuple[int, int]] = {}
    for m, kind, dpp, tax in db.session.execute(
        select(
            extract("month", Sale.date),
            Sale.kind,
            func.sum(Sale.dpp_amount),
            func.sum(Sale.tax_amount),
        )
        .where(
            Sale.cooperative_id == coop.id,
            Sale.date >= date(year, 1, 1),
            Sale.date <= date(year, 12, 31),
        )
        .group_by(extract("month", Sale.date), Sale.kind)
    ):
        docs[(int(m), kind)] = (int(dpp or 0), int(tax or 0))
    result, carry = [], 0
    for m in range(1, 13):
        sold, back = docs.get((m, "sale"), (0, 0)), docs.get((m, "refund"), (0, 0))
        row = PpnMonth(year, m, sold[0] - back[0], output[m], sold[1] - back[1], vat_in[m], carry)
        carry = row.carried_out
        result.append(row)
    return result
