"""Reports of the savings-and-loans unit: loan portfolio by collectibility, arrears for field
collection, savings balances, interest and tax withheld, and the subledger reconciliation.

Each report is a query returning plain rows plus a ``Table`` spec of raw cells (int rupiah,
date, text) that the page, the PDF and the workbook all read, so the three never disagree.
Figures come from the unit's services (``loan_risk.portfolio``, ``loans.amount_due``, ...);
nothing here recomputes a rule those services own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import distinct, func, select

from outlet_pos.core.documents import Column, ReportFrame, render_table_report, render_table_xlsx
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number
from outlet_pos.units.simpan_pinjam import loan_risk, loans
from outlet_pos.units.simpan_pinjam.common import policy
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    SAVINGS_ACCOUNTS,
    SAVINGS_KINDS,
    Loan,
    LoanPayment,
    SavingsAccount,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.schedule import METHODS

MONTHS_LONG = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
LOAN_CONTROL = "113300"
# Control accounts in the order of the chart: equity first, then liabilities, then the asset.
RECONCILED = ("311100", "311200", "211200", "211300", LOAN_CONTROL)


# --- table specs, one for the PDF and the workbook ------------------------------------------


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[object]]
    totals: list[object] | None = None
    notes: list[str] = field(default_factory=list)
    landscape: bool = False


def pdf_cell(value: object) -> str:
    """A raw cell as the PDF prints it: amounts grouped, negatives in parentheses, dates
    ``21 Okt 2025``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int):
        return f"({format_number(-value)})" if value < 0 else format_number(value)
    if isinstance(value, date):
        return tanggal(value)
    return str(value)


def render(fmt: str, frame: ReportFrame, table: Table) -> bytes:
    """The report as ``pdf`` or ``xlsx`` bytes (the workbook keeps numbers and dates)."""
    if fmt == "pdf":
        rows = [[pdf_cell(v) for v in row] for row in table.rows]
        totals = [pdf_cell(v) for v in table.totals] if table.totals else None
        return render_table_report(frame, table.columns, rows, totals, table.notes)
    if fmt == "xlsx":
        return render_table_xlsx(frame, table.columns, table.rows, table.totals)
    raise ValueError(fmt)


def percent(value: object) -> str:
    """``Decimal("0.5")`` as ``0,5%``; the policy keeps rates as strings of decimals."""
    text = format(Decimal(str(value)).normalize(), "f")
    return f"{text.replace('.', ',')}%"


def _members(ids: set[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))}


# --- loan portfolio and aging by collectibility ---------------------------------------------


@dataclass
class PortfolioLoan:
    loan: Loan
    member: Member
    outstanding: int
    dpd: int
    cls: str


@dataclass
class ClassRow:
    code: str
    name: str
    rate: str  # allowance rate as the policy holds it ("5")
    count: int = 0
    outstanding: int = 0
    allowance: int = 0
    loans: list[PortfolioLoan] = field(default_factory=list)


@dataclass
class Portfolio:
    day: date
    classes: list[ClassRow]
    allowance_held: int  # credit balance of 113390 at the day

    @property
    def count(self) -> int:
        return sum(c.count for c in self.classes)

    @property
    def outstanding(self) -> int:
        return sum(c.outstanding for c in self.classes)

    @property
    def allowance(self) -> int:
        return sum(c.allowance for c in self.classes)

    @property
    def shortfall(self) -> int:
        return self.allowance - self.allowance_held


def portfolio(coop: Cooperative, day: date) -> Portfolio:
    """Every loan owing at ``day`` by class, with the allowance each class requires: the same
    figures the month-end allowance run posts."""
    rows = loan_risk.portfolio(coop, day)
    _, by_class = loan_risk.required_allowance(coop, day)
    rates = policy(coop)["allowance_percent"]
    classes = {
        code: ClassRow(
            code,
            name,
            str(rates[code]),
            by_class[code]["count"],
            by_class[code]["outstanding"],
            by_class[code]["allowance"],
        )
        for code, name in COLLECTIBILITY.items()
    }
    members = _members({r["loan"].member_id for r in rows})
    for r in sorted(rows, key=lambda r: (-r["dpd"], r["loan"].number)):
        loan = r["loan"]
        classes[r["class"]].loans.append(
            PortfolioLoan(loan, members[loan.member_id], r["outstanding"], r["dpd"], r["class"])
        )
    return Portfolio(day, list(classes.values()), loan_risk.allowance_balance(coop, as_of=day))


def portfolio_table(p: Portfolio) -> Table:
    columns = [
        Column("Kolektibilitas / pinjaman", 0.16),
        Column("Anggota", 0.22),
        Column("Metode", 0.09),
        Column("Tgl cair", 0.10),
        Column("Hari tunggak", 0.08, "right"),
        Column("Jumlah", 0.07, "right"),
        Column("Sisa pokok", 0.12, "right"),
        Column("Tarif", 0.06, "right"),
        Column("Cadangan wajib", 0.12, "right"),
    ]
    rows: list[list[object]] = []
    for c in p.classes:
        rows.append(
            [
                f"{c.name} ({c.code})",
                None,
                None,
                None,
                None,
                c.count,
                c.outstanding,
                percent(c.rate),
                c.allowance,
            ]
        )
        for pl in c.loans:
            rows.append(
                [
                    f"  {pl.loan.number}",
                    f"{pl.member.member_number} {pl.member.name}",
                    METHODS.get(pl.loan.method, pl.loan.method),
                    pl.loan.disbursed_on,
                    pl.dpd,
                    None,
                    pl.outstanding,
                    None,
                    None,
                ]
            )
    totals = ["Jumlah", None, None, None, None, p.count, p.outstanding, None, p.allowance]
    notes = [
        f"Cadangan kerugian pinjaman tercatat (akun 113390) per {tanggal(p.day)}: "
        f"{format_number(p.allowance_held)}; kekurangan (kelebihan) terhadap cadangan wajib: "
        f"{pdf_cell(p.shortfall)}.",
        "Kolektibilitas menurut hari tunggak angsuran tertua yang belum lunas; tarif cadangan "
        "menurut kebijakan koperasi. Cadangan dihitung per golongan.",
    ]
    return Table(columns, rows, totals, notes, landscape=True)


# --- arrears for field collection -----------------------------------------------------------


@dataclass
class ArrearsRow:
    loan: Loan
    member: Member
    installments: int  # installments due and not fully paid
    oldest_due: date
    dpd: int
    penalty: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal

    @property
    def desa(self) -> str:
        return self.member.desa or "(tanpa desa)"


def arrears(coop: Cooperative, day: date) -> list[ArrearsRow]:
    """Running loans with an installment past due at ``day``, with what to collect today
    (penalty, interest, principal of every installment due), sorted by desa for the round."""
    active = list(
        db.session.scalars(
            select(Loan).where(Loan.cooperative_id == coop.id, Loan.status == "aktif")
        )
    )
    members = _members({loan.member_id for loan in active})
    rows = []
    for loan in active:
        due = loans.amount_due(loan, day)
        if due["days_past_due"] <= 0:
            continue
        owing = [i for i in loans.open_installments(loan) if i.due_date <= day]
        rows.append(
            ArrearsRow(
                loan,
                members[loan.member_id],
                len(owing),
                min(i.due_date for i in owing),
                due["days_past_due"],
                due["penalty"],
                due["interest"],
                due["principal"],
            )
        )
    rows.sort(
        key=lambda r: (not r.member.desa, r.desa.lower(), r.member.name.lower(), r.loan.number)
    )
    return rows


def arrears_table(rows: list[ArrearsRow]) -> Table:
    columns = [
        Column("Desa", 0.10),
        Column("Anggota", 0.17),
        Column("Telepon", 0.10),
        Column("Pinjaman", 0.10),
        Column("Angs.", 0.05, "right"),
        Column("Jatuh tempo", 0.09),
        Column("Hari", 0.05, "right"),
        Column("Denda", 0.08, "right"),
        Column("Bunga", 0.08, "right"),
        Column("Pokok", 0.09, "right"),
        Column("Total tagihan", 0.10, "right"),
    ]
    body = [
        [
            r.desa,
            f"{r.member.member_number} {r.member.name}",
            r.member.phone or "",
            r.loan.number,
            r.installments,
            r.oldest_due,
            r.dpd,
            r.penalty,
            r.interest,
            r.principal,
            r.total,
        ]
        for r in rows
    ]
    totals = [
        "Jumlah",
        f"{len(rows)} pinjaman",
        None,
        None,
        sum(r.installments for r in rows),
        None,
        None,
        sum(r.penalty for r in rows),
        sum(r.interest for r in rows),
        sum(r.principal for r in rows),
        sum(r.total for r in rows),
    ]
    notes = [
        "Tagihan = denda, bunga dan pokok semua angsuran yang sudah jatuh tempo; denda dihitung "
        "sampai tanggal laporan. Jatuh tempo = angsuran tertua yang belum lunas."
    ]
    return Table(columns, body, totals, notes, landscape=True)


# --- savings balances per member and type ---------------------------------------------------


@dataclass
class SavingsRow:
    member: Member
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass
class SavingsReport:
    day: date
    rows: list[SavingsRow]

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(r.by_kind[k] for r in self.rows) for k in SAVINGS_KINDS}

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def savings_at(coop: Cooperative, day: date) -> dict[tuple[int, str], int]:
    """Balance per (member, kind) at the end of ``day``: the sum of the transactions up to it
    (an account's balance is always the sum of its transactions; verify checks it)."""
    rows = db.session.execute(
        select(
            SavingsAccount.member_id,
            SavingsAccount.kind,
            func.coalesce(func.sum(SavingsTxn.amount), 0),
        )
        .join(SavingsTxn, SavingsTxn.account_id == SavingsAccount.id)
        .where(SavingsAccount.cooperative_id == coop.id, SavingsTxn.day <= day)
        .group_by(SavingsAccount.member_id, SavingsAccount.kind)
    )
    return {(member_id, kind): int(total) for member_id, kind, total in rows}


def savings_balances(coop: Cooperative, day: date) -> SavingsReport:
    """Every member with savings at ``day``, and every active member (a zero row shows who has
    not saved yet)."""
    held = savings_at(coop, day)
    with_money = {m for (m, _), amount in held.items() if amount}
    members = db.session.scalars(
        select(Member)
        .where(
            Member.cooperative_id == coop.id,
            (Member.status == "aktif") | Member.id.in_(with_money or {0}),
            Member.join_date <= day,
        )
        .order_by(Member.member_number)
    )
    rows = [
        SavingsRow(m, {kind: held.get((m.id, kind), 0) for kind in SAVINGS_KINDS}) for m in members
    ]
    return SavingsReport(day, rows)


def savings_table(report: SavingsReport) -> Table:
    columns = [
        Column("No. anggota", 0.11),
        Column("Nama", 0.22),
        Column("Desa", 0.13),
        *[
            Column(label.replace("Simpanan ", "").capitalize(), 0.11, "right")
            for label in SAVINGS_KINDS.values()
        ],
        Column("Jumlah", 0.12, "right"),
    ]
    rows = [
        [
            r.member.member_number,
            r.member.name + ("" if r.member.status == "aktif" else f" ({r.member.status})"),
            r.member.desa,
            *[r.by_kind[k] for k in SAVINGS_KINDS],
            r.total,
        ]
        for r in report.rows
    ]
    totals = ["Jumlah", f"{len(rows)} anggota", None, *report.totals.values(), report.total]
    notes = [
        "Pokok dan wajib adalah ekuitas (311100, 311200); sukarela dan berjangka adalah "
        "liabilitas (211200, 211300). Jumlah per jenis sama dengan saldo akun kontrolnya "
        "(lihat laporan rekonsiliasi)."
    ]
    return Table(columns, rows, totals, notes, landscape=True)


# --- interest and final tax withheld per month ----------------------------------------------


@dataclass
class InterestMonth:
    month: int
    interest: int = 0
    tax: int = 0
    members: int = 0  # members credited with interest
    taxed: int = 0  # members whose interest was above the threshold

    @property
    def net(self) -> int:
        return self.interest - self.tax

    @property
    def label(self) -> str:
        return MONTHS_LONG[self.month - 1]


def interest_by_month(coop: Cooperative, year: int) -> list[InterestMonth]:
    """Interest credited and 10% final tax withheld, per month of ``year``, from the savings
    transactions (``bunga`` and ``pajak``) — the figures on the members' passbooks."""
    months = {m: InterestMonth(m) for m in range(1, 13)}
    rows = db.session.execute(
        select(
            SavingsTxn.day,
            SavingsTxn.kind,
            func.sum(SavingsTxn.amount),
            func.count(distinct(SavingsAccount.member_id)),
        )
        .join(SavingsAccount, SavingsAccount.id == SavingsTxn.account_id)
        .where(
            SavingsTxn.cooperative_id == coop.id,
            SavingsTxn.kind.in_(("bunga", "pajak")),
            SavingsTxn.day >= date(year, 1, 1),
            SavingsTxn.day <= date(year, 12, 31),
        )
        .group_by(SavingsTxn.day, SavingsTxn.kind)
    )
    for day, kind, amount, count in rows:
        row = months[day.month]
        if kind == "bunga":
            row.interest += int(amount)
            row.members += int(count)
        else:
            row.tax -= int(amount)
            row.taxed += int(count)
    return list(months.values())


def interest_table(rows: list[InterestMonth], year: int) -> Table:
    columns = [
        Column("Bulan", 0.16),
        Column("Anggota menerima bunga", 0.16, "right"),
        Column("Bunga", 0.17, "right"),
        Column("Anggota dipotong pajak", 0.16, "right"),
        Column("PPh final 10%", 0.17, "right"),
        Column("Bunga bersih", 0.17, "right"),
    ]
    body = [[f"{r.label} {year}", r.members, r.interest, r.taxed, r.tax, r.net] for r in rows]
    totals = [
        "Jumlah",
        None,
        sum(r.interest for r in rows),
        None,
        sum(r.tax for r in rows),
        sum(r.net for r in rows),
    ]
    notes = [
        "PPh final 10% dipotong bila bunga simpanan seorang anggota dalam sebulan melebihi "
        "Rp240.000, dan disetor dari akun 211600 Utang pajak."
    ]
    return Table(columns, body, totals, notes)


# --- reconciliation of member subledgers to control accounts --------------------------------


@dataclass
class ReconRow:
    code: str
    name: str
    ledger: int  # on the account's normal side
    subledger: int
    items: int  # accounts or loans carrying a balance

    @property
    def difference(self) -> int:
        return self.ledger - self.subledger

    @property
    def ok(self) -> bool:
        return self.difference == 0


def loans_at(coop: Cooperative, day: date) -> tuple[int, int]:
    """Principal owed at the end of ``day`` and the number of loans owing it, in three
    aggregates: lent up to the day, less principal repaid, less written off by then."""
    lent = select(Loan.id, Loan.principal).where(
        Loan.cooperative_id == coop.id, Loan.disbursed_on.is_not(None), Loan.disbursed_on <= day
    )
    owed = {loan_id: int(principal) for loan_id, principal in db.session.execute(lent)}
    for loan_id, paid in db.session.execute(
        select(LoanPayment.loan_id, func.sum(LoanPayment.principal))
        .where(LoanPayment.cooperative_id == coop.id, LoanPayment.day <= day)
        .group_by(LoanPayment.loan_id)
    ):
        if loan_id in owed:
            owed[loan_id] -= int(paid)
    for loan_id, amount in db.session.execute(
        select(Loan.id, Loan.written_off).where(
            Loan.cooperative_id == coop.id,
            Loan.status == "hapus_buku",
            Loan.closed_on <= day,
        )
    ):
        if loan_id in owed:
            owed[loan_id] -= int(amount)
    return sum(owed.values()), sum(1 for v in owed.values() if v)


def reconciliation(coop: Cooperative, day: date) -> list[ReconRow]:
    """Each control account's ledger balance beside the sum of its member subledger at
    ``day``; any difference is a fault ``outlet-pos verify`` also reports."""
    ledger = balances(coop, as_of=day)
    names = dict(
        db.session.execute(
            select(Account.code, Account.name).where(
                Account.cooperative_id == coop.id, Account.code.in_(RECONCILED)
            )
        ).all()
    )
    held = savings_at(coop, day)
    rows = []
    for kind, code in SAVINGS_ACCOUNTS.items():
        amounts = [v for (_, k), v in held.items() if k == kind]
        rows.append(
            ReconRow(
                code,
                names.get(code, SAVINGS_KINDS[kind]),
                -ledger.get(code, 0),
                sum(amounts),
                sum(1 for v in amounts if v),
            )
        )
    owed, count = loans_at(coop, day)
    rows.append(
        ReconRow(
            LOAN_CONTROL,
            names.get(LOAN_CONTROL, "Piutang pinjaman anggota"),
            ledger.get(LOAN_CONTROL, 0),
            owed,
            count,
        )
    )
    order = {code: i for i, code in enumerate(RECONCILED)}
    return sorted(rows, key=lambda r: order[r.code])


def reconciliation_table(rows: list[ReconRow]) -> Table:
    columns = [
        Column("Akun kontrol", 0.34),
        Column("Rekening / pinjaman", 0.13, "right"),
        Column("Buku besar", 0.16, "right"),
        Column("Buku pembantu", 0.16, "right"),
        Column("Selisih", 0.12, "right"),
        Column("Status", 0.09),
    ]
    body = [
        [
            f"{r.code} {r.name}",
            r.items,
            r.ledger,
            r.subledger,
            r.difference,
            "cocok" if r.ok else "TIDAK COCOK",
        ]
        for r in rows
    ]
    notes = [
        "Buku besar menurut sisi normal akun (simpanan: kredit; piutang pinjaman: debit). "
        "Buku pembantu = jumlah saldo rekening simpanan anggota per jenis dan sisa pokok "
        "pinjaman. Selisih selain nol harus diperiksa: jalankan outlet-pos verify."
    ]
    return Table(columns, body, None, notes)


def by_desa(rows: list[ArrearsRow]) -> list[tuple[str, list[ArrearsRow]]]:
    """Arrears rows grouped by desa, in the order of the list (already sorted by desa)."""
    groups: dict[str, list[ArrearsRow]] = defaultdict(list)
    for r in rows:
        groups[r.desa].append(r)
    return list(groups.items())
