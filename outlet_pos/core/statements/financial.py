"""The cooperative's financial statements per SAK EP, derived from the ledger in SQL.

Four statements and their comparatives (the same dates a year earlier):

- **Laporan Posisi Keuangan** (neraca) at a date. Revenue and expense accounts that the
  year-end close has not yet moved to equity appear as one line, *SHU tahun berjalan*, together
  with account 315100; since every entry balances, assets = liabilities + equity at any date.
- **Laporan Perhitungan Hasil Usaha** over a range, in total and with a column per business
  unit (lines without a unit form the column "Umum"). Year-end closing entries
  (``source == "closing"``) are left out, so a closed year still shows its income statement.
- **Laporan Arus Kas**, direct method: for every entry that touches a cash account, its other
  lines say where the cash came from or went (credit - debit of each counterpart line), so the
  flows add up to the change in cash exactly, with no proportional guessing.
- **Laporan Perubahan Ekuitas**: each equity account's opening balance, movements by kind of
  document, and closing balance.

Every figure carries the account ids it sums, so a page can drill down to the entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.snapshots import cash_counter_movement, movement
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db

CASH_PREFIXES = ("111", "112")  # kas, kas kecil, bank, kliring QRIS/transfer
SHU_CURRENT = "315100"
SHU_UNDISTRIBUTED = "315200"
CLOSING = "closing"


@dataclass
class Line:
    """One figure of a statement; ``amount`` is shown as is (credits already flipped)."""

    label: str
    amount: int
    prior: int | None = None
    code: str = ""
    account_id: int | None = None
    level: int = 1  # 0 section heading, 1 account, 2 sub-total, 3 total
    by_unit: dict[int | None, int] = field(default_factory=dict)

    @property
    def is_total(self) -> bool:
        return self.level >= 2


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)
    total: Line | None = None


@dataclass
class Statement:
    key: str
    title: str
    date_from: date | None
    date_to: date
    prior_from: date | None
    prior_to: date
    sections: list[Section] = field(default_factory=list)
    grand: list[Line] = field(default_factory=list)  # the bottom lines (totals, result)
    units: list[tuple[int | None, str]] = field(default_factory=list)  # per-unit columns
    checks: dict[str, bool] = field(default_factory=dict)


def year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- aggregation -----------------------------------------------------------------------------


def _sums(
    coop_id: int,
    *,
    as_of: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    by_unit: bool = False,
    skip_closing: bool = False,
    accounts: list[int] | None = None,
) -> dict:
    """Signed (debit - credit) sums per account id (and unit), by SQL aggregation.

    Closing entries are few (two per year), so rather than joining every line to its entry
    the sums are taken over the covering index and the closing entries' lines subtracted.
    """
    # Closed months come from their snapshots, open days from the lines (core.ledger.snapshots).
    hi = min(d for d in (as_of, date_to) if d is not None) if (as_of or date_to) else date.max
    out: dict = movement(coop_id, date_from, hi, by_unit=by_unit, accounts=accounts)
    keys = [JournalLine.account_id] + ([JournalLine.unit_id] if by_unit else [])
    amount = func.sum(JournalLine.debit) - func.sum(JournalLine.credit)
    if skip_closing:
        # Found through the entry index (few rows), never by rescanning the period's lines.
        entries = select(JournalEntry.id).where(
            JournalEntry.cooperative_id == coop_id, JournalEntry.source == CLOSING
        )
        if as_of is not None:
            entries = entries.where(JournalEntry.date <= as_of)
        if date_from is not None:
            entries = entries.where(JournalEntry.date >= date_from)
        if date_to is not None:
            entries = entries.where(JournalEntry.date <= date_to)
        rows = db.session.execute(
            select(*keys, amount).where(JournalLine.entry_id.in_(entries)).group_by(*keys)
        )
        for row in rows:
            if accounts is None or row[0] in accounts:
                out[tuple(row[:-1]) if by_unit else row[0]] -= int(row[-1])
    return out


def _closing_sums(coop_id: int, date_from: date, date_to: date) -> dict[int, int]:
    """Signed sums per account of the year-end closing entries dated in the range."""
    closing = select(JournalEntry.id).where(
        JournalEntry.cooperative_id == coop_id,
        JournalEntry.source == CLOSING,
        JournalEntry.date >= date_from,
        JournalEntry.date <= date_to,
    )
    rows = db.session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.debit) - func.sum(JournalLine.credit))
        .where(JournalLine.entry_id.in_(closing))
        .group_by(JournalLine.account_id)
    )
    return {aid: int(v) for aid, v in rows}


def _accounts(coop_id: int) -> dict[int, Account]:
    return {
        a.id: a
        for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop_id))
    }


def _flip(account: Account, signed: int) -> int:
    """Debit-minus-credit as the statement shows it: assets and expenses as debits, the rest as
    credits; contra accounts (accumulated depreciation, allowance) come out negative."""
    natural_debit = account.code[0] in "15679"
    return signed if natural_debit else -signed


# --- neraca ----------------------------------------------------------------------------------

BALANCE_GROUPS = [
    (
        "ASET",
        [("11", "Aset lancar"), ("12", "Aset tidak lancar (aset tetap)"), ("1", "Aset lainnya")],
    ),
    (
        "LIABILITAS",
        [
            ("21", "Liabilitas jangka pendek"),
            ("22", "Liabilitas jangka panjang"),
            ("2", "Liabilitas lainnya"),
        ],
    ),
    ("EKUITAS", [("3", "Ekuitas")]),
]


def _group_of(code: str, groups: list[tuple[str, str]]) -> str | None:
    """The first (most specific) prefix of ``groups`` the code falls in: an account a
    cooperative adds outside the standard ranges (e.g. 131000) still lands in its class."""
    return next((prefix for prefix, _title in groups if code.startswith(prefix)), None)


def balance_sheet(coop: Cooperative, as_of: date, prior_as_of: date | None = None) -> Statement:
    """Laporan Posisi Keuangan at ``as_of`` with the comparative at ``prior_as_of``."""
    prior_as_of = prior_as_of or year_ago(as_of)
    accounts = _accounts(coop.id)
    now = _sums(coop.id, as_of=as_of)
    then = _sums(coop.id, as_of=prior_as_of)
    st = Statement("neraca", "Laporan Posisi Keuangan", None, as_of, None, prior_as_of)

    def result(sums: dict) -> int:
        """SHU tahun berjalan: 315100 plus revenue and expense not yet closed (credit side)."""
        return -sum(v for aid, v in sums.items() if accounts[aid].code[0] in "4567") - sum(
            v for aid, v in sums.items() if accounts[aid].code == SHU_CURRENT
        )

    totals: dict[str, tuple[int, int]] = {}
    for heading, groups in BALANCE_GROUPS:
        sum_now = sum_then = 0
        for prefix, title in groups:
            section = Section(title)
            ids = sorted(
                (
                    aid
                    for aid in set(now) | set(then)
                    if _group_of(accounts[aid].code, groups) == prefix
                ),
                key=lambda aid: accounts[aid].code,
            )
            for aid in ids:
                acc = accounts[aid]
                if acc.code == SHU_CURRENT:
                    continue
                a, b = _flip(acc, now.get(aid, 0)), _flip(acc, then.get(aid, 0))
                if a or b:
                    section.lines.append(Line(acc.name, a, b, acc.code, aid))
            if prefix == "3":
                section.lines.append(
                    Line("SHU tahun berjalan", result(now), result(then), SHU_CURRENT)
                )
            s_now = sum(ln.amount for ln in section.lines)
            s_then = sum(ln.prior or 0 for ln in section.lines)
            section.total = Line(f"Jumlah {title.lower()}", s_now, s_then, level=2)
            st.sections.append(section)
            sum_now += s_now
            sum_then += s_then
        totals[heading] = (sum_now, sum_then)
        st.grand.append(Line(f"JUMLAH {heading}", sum_now, sum_then, level=3))
    liab_eq = (
        totals["LIABILITAS"][0] + totals["EKUITAS"][0],
        totals["LIABILITAS"][1] + totals["EKUITAS"][1],
    )
    st.grand.append(Line("JUMLAH LIABILITAS DAN EKUITAS", *liab_eq, level=3))
    st.checks["seimbang"] = totals["ASET"] == liab_eq
    return st


# --- laporan perhitungan hasil usaha ---------------------------------------------------------

INCOME_GROUPS = [
    ("4", "Pendapatan"),
    ("5", "Beban pokok"),
    ("6", "Beban usaha dan perkoperasian"),
    ("7", "Pajak"),
]


def _unit_columns(coop: Cooperative, sums: dict) -> list[tuple[int | None, str]]:
    units = {
        u.id: u.name
        for u in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id)
        )
    }
    used = {unit for (_aid, unit) in sums}
    # Every unit gets its column, used or not: a unit opened this month shows up at once.
    cols: list[tuple[int | None, str]] = [(uid, units[uid]) for uid in sorted(units)]
    if None in used:
        cols.append((None, "Umum"))
    return cols


def income_statement(
    coop: Cooperative,
    date_from: date,
    date_to: date,
    *,
    prior: tuple[date, date] | None = None,
) -> Statement:
    """Laporan Perhitungan Hasil Usaha for the range, per unit, with a comparative range."""
    prior = prior or (year_ago(date_from), year_ago(date_to))
    accounts = _accounts(coop.id)
    pl = [aid for aid, a in accounts.items() if a.code[0] in "4567"]
    now = _sums(
        coop.id, date_from=date_from, date_to=date_to, by_unit=True, skip_closing=True, accounts=pl
    )
    then = _sums(coop.id, date_from=prior[0], date_to=prior[1], skip_closing=True, accounts=pl)
    st = Statement("phu", "Laporan Perhitungan Hasil Usaha", date_from, date_to, *prior)
    st.units = _unit_columns(coop, now)

    per_account: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for (aid, unit), v in now.items():
        if accounts[aid].code[0] in "4567":
            per_account[aid][unit] += v

    def signed(code_first: str, v: int) -> int:
        return -v if code_first == "4" else v  # revenue as credits, costs as debits

    results: dict[str, Line] = {}
    for prefix, title in INCOME_GROUPS:
        section = Section(title)
        ids = sorted(
            (
                aid
                for aid in set(per_account) | {a for a in then if accounts[a].code[0] == prefix}
                if accounts[aid].code.startswith(prefix)
            ),
            key=lambda aid: accounts[aid].code,
        )
        for aid in ids:
            acc = accounts[aid]
            units = {u: signed(prefix, v) for u, v in per_account.get(aid, {}).items()}
            line = Line(
                acc.name,
                sum(units.values()),
                signed(prefix, then.get(aid, 0)),
                acc.code,
                aid,
                by_unit=units,
            )
            if line.amount or line.prior:
                section.lines.append(line)
        section.total = _sum_line(f"Jumlah {title.lower()}", section.lines, level=2)
        st.sections.append(section)
        results[prefix] = section.total

    gross = _combine("Sisa hasil usaha kotor", results["4"], results["5"], -1)
    before_tax = _combine("SHU sebelum pajak", gross, results["6"], -1)
    after_tax = _combine("SHU setelah pajak (SHU tahun berjalan)", before_tax, results["7"], -1)
    st.grand = [gross, before_tax, after_tax]
    # The unit columns are checked against per-unit ledger balances in the tests
    # (tests/core/test_statements.py); here they are the total's own parts by construction.
    return st


def _sum_line(label: str, lines: list[Line], level: int) -> Line:
    by_unit: dict[int | None, int] = defaultdict(int)
    for ln in lines:
        for u, v in ln.by_unit.items():
            by_unit[u] += v
    return Line(
        label,
        sum(ln.amount for ln in lines),
        sum(ln.prior or 0 for ln in lines),
        level=level,
        by_unit=dict(by_unit),
    )


def _combine(label: str, a: Line, b: Line, sign: int) -> Line:
    units = set(a.by_unit) | set(b.by_unit)
    return Line(
        label,
        a.amount + sign * b.amount,
        (a.prior or 0) + sign * (b.prior or 0),
        level=3,
        by_unit={u: a.by_unit.get(u, 0) + sign * b.by_unit.get(u, 0) for u in units},
    )


def shu_of(coop: Cooperative, date_from: date, date_to: date) -> int:
    """The period's SHU after tax, from the ledger (closing entries excluded)."""
    accounts = _accounts(coop.id)
    pl = [aid for aid, a in accounts.items() if a.code[0] in "4567"]
    sums = _sums(coop.id, date_from=date_from, date_to=date_to, skip_closing=True, accounts=pl)
    return -sum(sums.values())


# --- arus kas --------------------------------------------------------------------------------

CASH_FLOW_GROUPS = [
    ("operasi", "Arus kas dari aktivitas operasi"),
    ("investasi", "Arus kas dari aktivitas investasi"),
    ("pendanaan", "Arus kas dari aktivitas pendanaan"),
]


def cash_flow_group(code: str) -> str:
    """Where a counterpart account puts a cash flow. Member capital, members' savings deposits,
    bank loans, SHU paid out and the funds are financing; fixed assets are investing;
    everything else (revenue, costs, receivables incl. member loans, stock, payables, taxes,
    COD) is operating."""
    if code.startswith("12"):
        return "investasi"
    if code[0] == "3" or code.startswith(("22", "2112", "2113", "2117", "2118")):
        return "pendanaan"
    return "operasi"


def is_cash(code: str) -> bool:
    return code.startswith(CASH_PREFIXES)


def cash_flow(
    coop: Cooperative, date_from: date, date_to: date, *, prior: tuple[date, date] | None = None
) -> Statement:
    """Laporan Arus Kas (direct method) over the range; ends at the cash balance on ``date_to``."""
    prior = prior or (year_ago(date_from), year_ago(date_to))
    accounts = _accounts(coop.id)
    cash_ids = [aid for aid, a in accounts.items() if is_cash(a.code) and not a.is_header]
    st = Statement("arus_kas", "Laporan Arus Kas", date_from, date_to, *prior)

    def flows(start: date, end: date) -> dict[int, int]:
        return cash_counter_movement(coop.id, start, end) if cash_ids else {}

    def cash_at(day: date) -> int:
        # Only the cash accounts' lines: four full-ledger reads cost seconds at 1M lines.
        sums = movement(coop.id, None, day, accounts=cash_ids) if cash_ids else {}
        return sum(sums.get(aid, 0) for aid in cash_ids)

    now, then = flows(date_from, date_to), flows(*prior)
    net_now = net_then = 0
    for key, title in CASH_FLOW_GROUPS:
        section = Section(title)
        ids = sorted(
            (aid for aid in set(now) | set(then) if cash_flow_group(accounts[aid].code) == key),
            key=lambda aid: accounts[aid].code,
        )
        for aid in ids:
            a, b = now.get(aid, 0), then.get(aid, 0)
            if a or b:
                section.lines.append(
                    Line(_flow_label(accounts[aid], a), a, b, accounts[aid].code, aid)
                )
        section.total = _sum_line(f"Kas bersih dari aktivitas {key}", section.lines, level=2)
        st.sections.append(section)
        net_now += section.total.amount
        net_then += section.total.prior or 0
    open_now, open_then = (
        cash_at(date_from - timedelta(days=1)),
        cash_at(prior[0] - timedelta(days=1)),
    )
    close_now, close_then = cash_at(date_to), cash_at(prior[1])
    st.grand = [
        Line("Kenaikan (penurunan) kas bersih", net_now, net_then, level=2),
        Line("Kas dan setara kas awal periode", open_now, open_then, level=2),
        Line("Kas dan setara kas akhir periode", open_now + net_now, open_then + net_then, level=3),
    ]
    st.checks["sama dengan saldo kas"] = (
        open_now + net_now == close_now and open_then + net_then == close_then
    )
    return st


def _flow_label(account: Account, amount: int) -> str:
    code = account.code
    if code.startswith("41"):
        return f"Penerimaan {account.name.lower()}"
    if code[0] in "567":
        return f"Pembayaran {account.name.lower()}"
    return account.name


# --- perubahan ekuitas -----------------------------------------------------------------------

EQUITY_ROWS = [
    ("savings", "Setoran dan pengembalian simpanan anggota"),
    ("shu", "Pembagian SHU"),
    ("result", "SHU periode berjalan"),
    ("closing", "Penutupan tahun buku (reklasifikasi)"),
    ("other", "Lain-lain (hibah, penyertaan, koreksi)"),
]


def equity_changes(coop: Cooperative, date_from: date, date_to: date) -> Statement:
    """Laporan Perubahan Ekuitas: a column per equity account, rows by kind of movement."""
    accounts = _accounts(coop.id)
    equity = {aid: a for aid, a in accounts.items() if a.code[0] == "3" and not a.is_header}
    pl_ids = {aid for aid, a in accounts.items() if a.code[0] in "4567"}
    st = Statement("ekuitas", "Laporan Perubahan Ekuitas", date_from, date_to, None, date_to)
    opening = _sums(coop.id, as_of=date_from - timedelta(days=1))
    source_kind = case(
        (JournalEntry.source == "savings", "savings"),
        (JournalEntry.source == "shu", "shu"),
        (JournalEntry.source == CLOSING, "closing"),
        else_="other",
    )
    rows = db.session.execute(
        select(
            JournalLine.account_id, source_kind, func.sum(JournalLine.credit - JournalLine.debit)
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.entry_date >= date_from,
            JournalLine.entry_date <= date_to,
            JournalLine.account_id.in_(list(equity)),
        )
        .group_by(JournalLine.account_id, source_kind)
    )
    moves: dict[tuple[int, str], int] = defaultdict(int)
    for aid, kind, v in rows:
        moves[(aid, kind)] += int(v)
    # One pass over the period (and the few closing entries), one over what came before: the
    # closing balances are opening + period, checked against the neraca's own arithmetic.
    period = _sums(coop.id, date_from=date_from, date_to=date_to)
    closing_part = _closing_sums(coop.id, date_from, date_to)
    pl_period = sum(v for aid, v in period.items() if aid in pl_ids)
    pl_closing_entries = sum(v for aid, v in closing_part.items() if aid in pl_ids)
    result = -(pl_period - pl_closing_entries)
    # The SHU column is 315100 plus unclosed revenue/expense: closing moves between them net
    # to zero inside it, so only the result and the reclassification show.
    shu_id = next((aid for aid, a in equity.items() if a.code == SHU_CURRENT), None)
    cols = sorted(equity, key=lambda aid: equity[aid].code)
    pl_closing = -pl_closing_entries  # what closing entries took out of revenue/expense
    section = Section("Perubahan ekuitas")
    open_line = Line("Saldo awal", 0, level=2)
    for aid in cols:
        v = -opening.get(aid, 0)
        if aid == shu_id:
            v -= sum(opening.get(p, 0) for p in pl_ids)
        open_line.by_unit[aid] = v
    section.lines.append(open_line)
    for kind, label in EQUITY_ROWS:
        line = Line(label, 0)
        for aid in cols:
            if kind == "result":
                v = result if aid == shu_id else 0
            else:
                v = moves.get((aid, kind), 0)
                if kind == "closing" and aid == shu_id:
                    v += pl_closing
            line.by_unit[aid] = v
        if any(line.by_unit.values()):
            section.lines.append(line)
    closing = Line("Saldo akhir", 0, level=3)
    for aid in cols:
        closing.by_unit[aid] = sum(ln.by_unit.get(aid, 0) for ln in section.lines)
    for ln in [*section.lines, closing]:
        ln.amount = sum(ln.by_unit.values())
    section.total = closing
    st.sections.append(section)
    st.units = [(aid, equity[aid].name) for aid in cols]
    # The neraca's equity at date_to: equity accounts plus unclosed revenue and expense.
    equity_end = -sum(opening.get(aid, 0) + period.get(aid, 0) for aid in set(equity) | pl_ids)
    st.checks["sama dengan neraca"] = closing.amount == equity_end
    return st
