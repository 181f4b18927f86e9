"""A year of one portfolio cooperative's books, told through the real services.

The cheap way to a year: the opening balance, members and their savings, loans and their
repayments through the savings-and-loans services (so the member subledgers tie to their
control accounts), sales as one recap a week of the sales book (buku penjualan, as village
cooperatives keep it for bulk orders), running costs through the expense book, and only the
last days through the real counter (stock, shifts, checkouts; ``demo_portfolio_counter``) —
a few dozen checkouts per cooperative rather than thousands, so ten cooperatives build in
seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from outlet_pos.core.access import User
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.demo_portfolio_profiles import LoanSpec, Profile
from outlet_pos.demo_simpin import CHILDREN, HUSBANDS, MEMBERS, OCCUPATIONS, PHONE_PREFIXES, WIVES
from outlet_pos.units.simpan_pinjam import loans, repayment, savings, wajib
from outlet_pos.units.simpan_pinjam.common import add_months

FOUNDERS_PCT = 65  # members who joined on the founding day; the rest join over the year


@dataclass
class Books:
    """What the builder steps share about one cooperative."""

    coop: Cooperative
    profile: Profile
    rng: random.Random
    pengurus: User
    kasir: User
    outlet: Outlet
    units: dict[str, BusinessUnit]
    today: date
    start: date  # the first day of the books: a year before this month
    sales_end: date  # the last day with sales (long ago for a dormant cooperative)
    counter_from: date  # the counter's first day (the sales book runs all along)
    members: list[Member] = field(default_factory=list)
    behind: dict[int, int] = field(default_factory=dict)  # member id -> months of wajib owed
    scarce: set[int] = field(default_factory=set)  # items the counter sells out

    @property
    def last(self) -> date:
        return self.today - timedelta(days=1)


def month_starts(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = add_months(month, 1)


# --- opening balance ----------------------------------------------------------------------


def open_books(b: Books) -> None:
    """The founding balance sheet; undistributed SHU (315200) balances it. Member savings
    are not in it: they come through the members' own accounts below."""
    p = b.profile
    lines = [
        ("111100", p.cash, 0, None),
        ("112100", p.bank, 0, None),
        ("121100", p.building, 0, None),
        ("121200", p.equipment, 0, None),
        ("221100", 0, p.bank_loan, None),
        ("312100", 0, p.grant, None),
        ("313100", 0, p.reserve, None),
    ]
    lines = [ln for ln in lines if ln[1] or ln[2]]
    gap = sum(ln[1] - ln[2] for ln in lines)
    lines.append(("315200", 0, gap, None) if gap > 0 else ("315200", -gap, 0, None))
    post(b.coop, b.start, "Saldo awal (neraca pembukaan)", lines, source="opening",
         user=b.pengurus)  # fmt: skip


# --- members and savings ------------------------------------------------------------------


def _member_data(b: Books, name: str, sex: str, serial: int) -> dict:
    rng = b.rng
    region = b.profile.region_code.replace(".", "")[:6]
    birth = date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (40 if sex == "P" else 0)
    heirs = [(rng.choice(WIVES if sex == "L" else HUSBANDS), "Istri" if sex == "L" else "Suami")]
    heir = rng.choice(heirs * 3 + [(rng.choice(CHILDREN), "Anak")])
    return {
        "name": name,
        "nik": f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}",
        "birth_date": birth,
        "address": f"RT {rng.randint(1, 9):02d} RW {rng.randint(1, 5):02d}",
        "desa": b.profile.desa,
        "phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randint(10_000_000, 99_999_999)}",
        "occupation": rng.choice(OCCUPATIONS),
        "heir_name": heir[0],
        "heir_relation": heir[1],
    }


def build_members(b: Books) -> None:
    """Founders on the first day, the rest over the year; pokok by transfer on joining."""
    from outlet_pos.units.simpan_pinjam.members import register_member

    rng, p = b.rng, b.profile
    people = rng.sample(MEMBERS, p.members)
    founders = max(3, p.members * FOUNDERS_PCT // 100)
    span = max(1, (b.last - b.start).days - 70)
    joins = [b.start] * founders + sorted(
        b.start + timedelta(days=rng.randint(10, span)) for _ in range(p.members - founders)
    )
    for serial, ((name, sex), day) in enumerate(zip(people, joins, strict=True), start=1):
        data = _member_data(b, name, sex, serial)
        member = register_member(b.coop, data, b.kasir, via="transfer", day=day)
        b.members.append(member)
    behind = rng.sample(b.members[:founders], max(1, founders * p.arrears_share // 100))
    b.behind = {m.id: p.arrears_months + rng.randint(0, 1) for m in behind}
    # Simpanan sukarela: a few savers, one or two deposits each, by transfer.
    for m in rng.sample(b.members, max(1, p.members * p.savers_pct // 100)):
        account = savings.account_for(b.coop, m, "sukarela")
        for _ in range(rng.randint(1, 2)):
            day = m.join_date + timedelta(days=rng.randint(5, max(6, (b.last - m.join_date).days)))
            amount = rng.choice([100_000, 250_000, 500_000, 750_000, 1_000_000, 2_000_000])
            amount *= p.saving_scale
            savings.deposit(b.coop, account, amount, b.kasir, via="transfer", day=min(day, b.last))


def collect_wajib(b: Books) -> int:
    """The wajib collection: a collector goes round every three months and members pay the
    quarter ahead (never past this month); members behind stopped paying some months ago.
    Quarterly rather than monthly keeps the build fast (each payment is a savings move)."""
    this_month = b.today.replace(day=1)
    first = add_months(this_month, -1)
    while add_months(first, -3) >= b.start:
        first = add_months(first, -3)
    now_due = {m.id: wajib.months_between(m.join_date, b.today) for m in b.members}
    paid: dict[int, int] = {}
    count = 0
    month = first
    while month < this_month:
        day = month.replace(day=5)
        payments = []
        for m in b.members:
            if m.join_date > day:
                continue
            owed = min(wajib.months_between(m.join_date, day) + 2, now_due[m.id])
            if m.id in b.behind:
                owed = min(owed, now_due[m.id] - b.behind[m.id])
            if owed > paid.get(m.id, 0):
                payments.append((m.id, owed - paid.get(m.id, 0)))
                paid[m.id] = owed
        if payments:
            wajib.pay_wajib(b.coop, payments, b.kasir, via="transfer", day=day)
            count += 1
        month = add_months(month, 3)
    return count


# --- loans --------------------------------------------------------------------------------


def build_loans(b: Books) -> int:
    """Each loan applied for by the cashier's entry, approved by the pengurus (four eyes),
    paid out by transfer and repaid on its schedule until the borrower stopped paying."""
    from outlet_pos.units.simpan_pinjam import loan_products

    if b.profile.bmpp_pct:
        from outlet_pos.units.simpan_pinjam.common import save_policy

        save_policy(b.coop, {"bmpp_percent": b.profile.bmpp_pct}, b.pengurus)
    products = {p.code: p for p in loan_products.ensure_products(b.coop)}
    borrowers = [m for m in b.members if m.join_date == b.start]
    b.rng.shuffle(borrowers)
    repaid = 0
    for spec, member in zip(b.profile.loans, borrowers, strict=False):
        repaid += _one_loan(b, spec, member, products[spec.code])
    return repaid


def _one_loan(b: Books, spec: LoanSpec, member: Member, product) -> int:
    if spec.dpd:
        # The first unpaid installment (number pays + 1) fell due ``dpd`` days ago.
        disbursed = add_months(b.today - timedelta(days=spec.dpd), -(spec.pays + 1))
    else:
        disbursed = b.today - timedelta(days=spec.ago)
    disbursed = max(disbursed, b.start + timedelta(days=12))
    applied = disbursed - timedelta(days=b.rng.randint(3, 8))
    loan = loans.apply(
        b.coop, member, product, spec.principal, spec.months, b.kasir, purpose=spec.purpose,
        monthly_income=b.rng.randint(8, 24) * 250_000, day=applied,
    )  # fmt: skip
    loans.decide(b.coop, loan, True, b.pengurus, "Layak, usaha berjalan", day=applied)
    loans.disburse(b.coop, loan, b.pengurus, via="transfer", day=disbursed)
    paid = 0
    while loan.status == "aktif" and (not spec.dpd or paid < spec.pays):
        insts = loans.open_installments(loan)
        if not insts:
            break
        day = insts[0].due_date + timedelta(days=b.rng.randint(0, 3))
        if day > b.last:
            break
        amount = repayment.amount_due(loan, day)["total"]
        repayment.repay(b.coop, loan, amount, b.kasir, via="transfer", day=day)
        paid += 1
    return paid


def post_allowances(b: Books) -> None:
    """The loan-loss allowance at every month-end since the first loan (DESIGN §3.4)."""
    from outlet_pos.units.simpan_pinjam.loan_risk import post_allowance

    if not b.profile.loans:
        return
    for month in month_starts(b.start, b.last):
        end = add_months(month, 1) - timedelta(days=1)
        if end < b.today:
            post_allowance(b.coop, end.year, end.month, b.pengurus)


# --- the sales book and running costs ------------------------------------------------------


def _revenue(b: Books, month: date) -> int:
    """This month's sales: the profile's level now, worked back along its growth."""
    p = b.profile
    then = p.revenue * 100 // (100 + p.growth_pct)
    age = (b.today.year - month.year) * 12 + b.today.month - month.month  # 0..12
    level = p.revenue + (then - p.revenue) * age // 12
    return level * b.rng.randint(92, 108) // 100


def _weeks(first_month: date, until: date):
    """The sales book's pages: days 1-7, 8-14, 15-21 and 22 to the month's end, up to
    ``until``. Weekly rather than monthly, so this month's sales compare with the same days
    of last month in the portfolio."""
    for month in month_starts(first_month, until):
        days_in = (add_months(month, 1) - month).days
        for lo, hi in ((1, 7), (8, 14), (15, 21), (22, days_in)):
            first, end = month.replace(day=lo), min(month.replace(day=hi), until)
            if first <= end:
                yield month, first, end, days_in


def post_recaps(b: Books) -> int:
    """One recap per week of the sales book up to the last day with sales, with every
    member's purchases on its own line (their SHU jasa usaha), banked the same day; the
    suppliers paid but for the profile's unpaid share. The book goes on beside the counter:
    bulk orders (warung, member groups) are still written there, the counter takes walk-in
    retail, so this month's sales compare with last month's."""
    p, coop = b.profile, b.coop
    sembako, fish = b.units["sembako"].id, b.units.get("perikanan")
    count = 0
    for month, first, end, days_in in _weeks(b.start, b.sales_end):
        revenue = _revenue(b, month) * ((end - first).days + 1) // days_in
        buyers = [m for m in b.members if m.join_date <= end and b.rng.random() < 0.5]
        weights = [b.rng.randint(1, 6) for _ in buyers]
        member_total = revenue * p.member_pct // 100 if buyers else 0
        lines = []
        for m, w in zip(buyers, weights, strict=True):
            amount = member_total * w // sum(weights) // 500 * 500
            if amount > 0:
                lines.append(("411100", 0, amount, sembako, m.id, f"Belanja {m.member_number}"))
        member_total = sum(ln[2] for ln in lines)
        cost = revenue * p.cost_pct // 100
        lines += [("411200", 0, revenue - member_total, sembako), ("511100", cost, 0, sembako)]
        fish_sales = fish_cost = 0
        if fish is not None:
            fish_sales = revenue * 18 // 100 // 1000 * 1000
            fish_cost = fish_sales * 112 // 100  # catch bought above what it sells for
            lines += [("411200", 0, fish_sales, fish.id), ("511100", fish_cost, 0, fish.id)]
        takings = revenue + fish_sales
        label = f"{first:%d}–{end:%d/%m/%Y}"
        post(coop, end, f"Rekap buku penjualan {label}",
             [("111100", takings, 0, None), *lines, ("211100", 0, cost + fish_cost, None)],
             source="manual", user=b.pengurus)  # fmt: skip
        post(coop, end, f"Setor hasil penjualan {label} ke bank",
             [("112100", takings, 0), ("111100", 0, takings)], source="manual",
             user=b.pengurus)  # fmt: skip
        paid = (cost + fish_cost) * (100 - p.unpaid_pct) // 100
        post(coop, end, f"Bayar pemasok {label}", [("211100", paid, 0), ("112100", 0, paid)],
             source="manual", user=b.pengurus)  # fmt: skip
        count += 1
    return count


def record_costs(b: Books) -> int:
    """Salaries and electricity every month through the expense book, paid from the bank."""
    from outlet_pos.core.expenses.services import record_expense

    count = 0
    for month in month_starts(b.start, b.last):
        costs = [
            (8, "612100", b.rng.randint(35, 80) * 10_000, "Bayar listrik & air gerai", "PLN"),
            (24, "611100", b.profile.salaries, "Gaji karyawan gerai", "Karyawan gerai"),
        ]
        for offset, account, amount, text, payee in costs:
            day = month + timedelta(days=offset)
            if day <= b.last:
                record_expense(
                    b.coop, b.pengurus, kind="expense", day=day, account=account, amount=amount,
                    paid_from="112100", description=text, unit=b.units["sembako"], payee=payee,
                )  # fmt: skip
                count += 1
    return count


def invest_surplus(b: Books, as_of: date) -> int:
    """Put the bank balance above ``cash_permille`` of current liabilities at ``as_of`` into
    the profile's asset, bought that day. A healthy cooperative does not
    leave its surplus idle (the rubric's cash ratio is best at 10-15% of current liabilities);
    a struggling one sank its cash into equipment and now cannot pay its suppliers.
    Returns the price paid (0: none)."""
    from outlet_pos.core.assets.services import register_asset
    from outlet_pos.core.ledger import balances

    p = b.profile
    bal = balances(b.coop, as_of=as_of)
    cash = sum(v for code, v in bal.items() if code.startswith(("111", "112")))
    current = -sum(v for code, v in bal.items() if code.startswith("21"))
    price = min(cash - current * p.cash_permille // 1000, bal.get("112100", 0) - 1_000_000)
    price = price // 1_000_000 * 1_000_000
    if price <= 0:
        return 0
    name, account = p.asset
    register_asset(
        b.coop, b.pengurus, name=name, account=account, acquired_on=as_of, cost=price,
        life_months=96, funding="112100", unit=b.units["sembako"],
        location=f"Gerai {p.desa}",
    )  # fmt: skip
    return price
