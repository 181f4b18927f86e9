"""The demo's savings and loans (simpan pinjam): about sixty members who joined over the year
before the fiscal year and during it, a year of simpanan, and 25 loans in every collectibility
class — all through the unit's own services, so the member subledgers tie to the control
accounts (113300, 211200, 211300, 311100, 311200) and ``outlet-pos verify`` passes.

History is told as dated events played in date order (a heap), because the services read the
state as it stands: a withdrawal can only take what is in the account that day, the month-end
interest and loan-loss allowance look at the month just finished, and a payment's allocation
depends on what earlier payments left. Cash moves inside a teller's shift, opened for each
service day, topped up from the bank before a cash payout and banked at the close. Before the
fiscal year everything went through the bank (no shifts then) and no savings interest or
allowance is posted, so that year holds member savings only.

Loan dates are worked back from today so the portfolio lands in every class whatever the date
(early in a fiscal year the oldest loans therefore start in the year before it).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.shifts import cash_movement, close_shift, expected_cash, open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import (
    interest,
    loan_products,
    loan_risk,
    loans,
    repayment,
    savings,
    term_deposits,
    wajib,
)
from outlet_pos.units.simpan_pinjam.common import add_months
from outlet_pos.units.simpan_pinjam.members import register_member
from outlet_pos.units.simpan_pinjam.models import Loan

# name, sex (the NIK carries it too)
MEMBERS = [
    ("Ahmad Fauzi", "L"),
    ("Siti Aminah", "P"),
    ("Budi Santoso", "L"),
    ("Sri Wahyuni", "P"),
    ("Muhammad Rizal", "L"),
    ("Nurhayati", "P"),
    ("Agus Salim", "L"),
    ("Rahmawati", "P"),
    ("Hendra Gunawan", "L"),
    ("Yuliana Pratiwi", "P"),
    ("Darmawan", "L"),
    ("Fitriani", "P"),
    ("Syamsul Bahri", "L"),
    ("Kartini", "P"),
    ("La Ode Hasan", "L"),
    ("Wa Ode Sitti", "P"),
    ("Iwan Setiawan", "L"),
    ("Maria Goreti", "P"),
    ("Yohanes Bura", "L"),
    ("Ratna Sari", "P"),
    ("H. Muhammad Arsyad", "L"),
    ("Hj. Fatimah Zahra", "P"),
    ("Andi Baso Tang", "L"),
    ("Suharti", "P"),
    ("Slamet Riyadi", "L"),
    ("Endang Lestari", "P"),
    ("Supriyadi", "L"),
    ("Sumiati", "P"),
    ("Joko Susilo", "L"),
    ("Nur Aini", "P"),
    ("Yusran", "L"),
    ("Rosmiati", "P"),
    ("Abdul Rahman", "L"),
    ("Hasnah", "P"),
    ("Fransiskus Lejau", "L"),
    ("Juliana Lusang", "P"),
    ("Rahmat Hidayat", "L"),
    ("Dewi Sartika", "P"),
    ("Wahyudi", "L"),
    ("Mariam", "P"),
    ("Samsuddin", "L"),
    ("Murni", "P"),
    ("Hamzah", "L"),
    ("Sitti Rahmah", "P"),
    ("Eko Prasetyo", "L"),
    ("Wahyuningsih", "P"),
    ("Aris Munandar", "L"),
    ("Erna Susanti", "P"),
    ("Ismail Marzuki", "L"),
    ("Nurul Hidayah", "P"),
    ("Bambang Sutrisno", "L"),
    ("Asmawati", "P"),
    ("Rudi Hartono", "L"),
    ("Rukmini", "P"),
    ("Suparman", "L"),
    ("Sulastri", "P"),
    ("Daeng Mappuji", "L"),
    ("Hartini", "P"),
    ("Antonius Ngau", "L"),
    ("Yuyun Yuningsih", "P"),
]
WIVES = ["Sumarni", "Halimah", "Nurjannah", "Siti Maryam", "Rohani", "Sri Mulyani", "Jumiati"]
HUSBANDS = ["Syahrani", "Ahmad Jais", "Sukardi", "Herman", "Muhammad Saleh", "Paulus Lidung"]
CHILDREN = ["Rizky", "Putri", "Fajar", "Nabila", "Dimas", "Aulia", "Reza", "Intan"]
OCCUPATIONS = [
    "Petani padi",
    "Petani sawit",
    "Pekebun karet",
    "Nelayan sungai",
    "Pedagang",
    "Peternak ayam",
    "Guru honorer",
    "Buruh tani",
    "Tukang kayu",
    "Penjahit",
    "Sopir",
    "Perangkat desa",
]
NEIGHBOUR_DESA = ["Bangun Rejo", "Manunggal Jaya", "Kerta Buana", "Separi"]
DUSUN = ["Karya Bakti", "Sumber Rejo", "Harapan Baru", "Tanjung Harapan"]
PHONE_PREFIXES = ["0812", "0813", "0821", "0852", "0853", "0857", "0878"]

POKOK_JOINERS_BEFORE = 40  # of the 60 joined in the year before the fiscal year
ARREARS = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4]  # months of wajib behind, one member each

# Event order within one day: members join before they pay, loans are applied for, decided,
# paid out and repaid before the month-end interest and allowance look at the month.
JOIN, WAJIB, SAVE, APPLY, DECIDE, DISBURSE, REPAY, RISK, INTEREST, ALLOWANCE = range(10)


@dataclass
class LoanPlan:
    """One loan's story. ``dpd`` works the disbursement back from today so the first unpaid
    installment is that many days late; otherwise ``ago`` is the disbursement's age in days.
    ``pays`` installments are paid (None: every one that falls due)."""

    code: str
    principal: int
    months: int
    purpose: str
    ago: int = 0
    dpd: int = 0
    pays: int | None = None
    late: bool = False  # pays some days after the grace period (penalties)
    disburse_via: str = "transfer"
    repay_via: str = "transfer"
    collateral: str = ""
    partial: bool = False  # one part-payment on the first missed installment
    payoff_after: int | None = None  # days after the last paid installment: early payoff
    restructure_ago: int | None = None
    writeoff_ago: int | None = None
    # filled while the story runs
    loan: Loan | None = None
    phase: int = 0
    paid: int = 0
    disbursed: date | None = None
    last_paid: date | None = None


LOANS = [
    # Lancar: paid as they fall due (some a little late, with penalties)
    LoanPlan("PRODUKTIF", 10_000_000, 12, "Tambah modal toko kelontong", ago=300,
             collateral="BPKB sepeda motor KT 4521 AB"),
    LoanPlan("PRODUKTIF", 8_000_000, 18, "Beli bibit sawit 200 batang", ago=250, late=True,
             repay_via="tunai", collateral="Sertifikat tanah kebun 1 ha"),
    LoanPlan("PRODUKTIF", 5_000_000, 12, "Modal usaha amplang dan kerupuk", ago=160,
             repay_via="tunai"),
    LoanPlan("PRODUKTIF", 10_000_000, 24, "Perbaikan perahu dan mesin ketinting", ago=75,
             collateral="Surat kepemilikan perahu"),
    LoanPlan("KONSUMTIF", 3_000_000, 10, "Biaya masuk SMA anak", ago=200,
             disburse_via="tunai", repay_via="tunai"),
    LoanPlan("KONSUMTIF", 2_000_000, 6, "Perbaikan atap rumah", ago=100, late=True,
             disburse_via="tunai", repay_via="tunai"),
    LoanPlan("KONSUMTIF", 4_000_000, 12, "Biaya persalinan", ago=40, repay_via="tunai"),
    LoanPlan("MUSIMAN", 6_000_000, 6, "Pupuk dan obat padi musim gadu", ago=120),
    LoanPlan("MUSIMAN", 7_500_000, 9, "Sewa traktor dan bibit jagung", ago=20),
    LoanPlan("PRODUKTIF", 6_000_000, 12, "Modal warung makan", ago=130, late=True,
             repay_via="tunai"),
    # Restructured after a failed harvest, paid on the new schedule since
    LoanPlan("MUSIMAN", 8_000_000, 12, "Pupuk dan benih padi musim rendeng", ago=280, pays=2,
             restructure_ago=95),
    # Paid off: two at term, one early after the harvest
    LoanPlan("KONSUMTIF", 1_500_000, 3, "Biaya khitanan anak", ago=290,
             disburse_via="tunai", repay_via="tunai"),
    LoanPlan("PRODUKTIF", 5_000_000, 6, "Modal jualan pakaian keliling", ago=270),
    LoanPlan("MUSIMAN", 6_000_000, 6, "Bibit dan pupuk cabai", ago=230, pays=2, payoff_after=20),
    # Dalam Perhatian Khusus (1-90 days)
    LoanPlan("PRODUKTIF", 7_000_000, 12, "Beli mesin jahit obras", dpd=25, pays=4),
    LoanPlan("KONSUMTIF", 2_500_000, 8, "Beli sepeda motor bekas", dpd=55, pays=3,
             repay_via="tunai"),
    LoanPlan("MUSIMAN", 5_000_000, 6, "Pupuk sawit semester dua", dpd=80, pays=2),
    LoanPlan("PRODUKTIF", 9_000_000, 12, "Kandang dan bibit ayam petelur", dpd=40, pays=1,
             partial=True, collateral="BPKB mobil pikap KT 8812 CB"),
    # Kurang Lancar (91-120)
    LoanPlan("KONSUMTIF", 3_000_000, 10, "Biaya berobat orang tua", dpd=105, pays=3,
             repay_via="tunai"),
    LoanPlan("PRODUKTIF", 6_000_000, 12, "Modal bengkel sepeda motor", dpd=100, pays=2),
    # Diragukan (121-180)
    LoanPlan("MUSIMAN", 4_000_000, 8, "Bibit semangka dan mulsa", dpd=150, pays=1),
    LoanPlan("PRODUKTIF", 5_000_000, 12, "Modal dagang ikan asin", dpd=135, pays=2),
    # Macet (over 180)
    LoanPlan("KONSUMTIF", 2_000_000, 6, "Biaya pernikahan anak", dpd=215, pays=1,
             disburse_via="tunai"),
    LoanPlan("PRODUKTIF", 8_000_000, 12, "Keramba ikan nila", dpd=200, pays=1,
             collateral="Sertifikat tanah pekarangan"),
    # Written off: the borrower left the district, nothing to collect
    LoanPlan("PRODUKTIF", 6_000_000, 12, "Modal usaha rumah makan", ago=330, pays=1,
             writeoff_ago=30),
]  # fmt: skip


@dataclass
class Person:
    """A member-to-be and the habits the story gives them."""

    name: str
    sex: str
    join: date
    arrears: int = 0
    saver: float = 0.3  # chance of a sukarela deposit in a month
    member: Member | None = None
    wajib_paid: int = 0
    borrower: bool = False
    notes: dict = field(default_factory=dict)


def _nik(rng: random.Random, sex: str, serial: int) -> tuple[str, date]:
    """A NIK of Kutai Kartanegara (64.02) that passes validation, and the birth date in it."""
    birth = date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (40 if sex == "P" else 0)
    return f"640211{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}", birth


class Story:
    """Dated events, played in date order, with the teller's drawer for the cash ones."""

    FLOAT = 500_000

    def __init__(self, coop: Cooperative, rng: random.Random, start: date, today: date):
        self.coop, self.rng, self.start, self.today = coop, rng, start, today
        self.last = today - timedelta(days=1)
        self.queue: list = []
        self.seq = itertools.count()
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User).where(
                    User.username.in_(("kasir", "bendahara", "pengurus", "pengurus2"))
                )
            )
        }
        self.kasir, self.bendahara = users["kasir"], users["bendahara"]
        self.pengurus, self.pengurus2 = users["pengurus"], users["pengurus2"]
        self.outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        self.shift: Shift | None = None
        self.stats = {"shifts": 0}

    def at(self, day: date, order: int, fn: Callable, *args) -> None:
        """Put an event on the calendar; what would fall after yesterday has not happened."""
        if day > self.last:
            return
        heapq.heappush(self.queue, (day, order, next(self.seq), fn, args))

    def run(self) -> None:
        while self.queue:
            day, _order, _seq, fn, args = heapq.heappop(self.queue)
            fn(self, day, *args)
        self.close_drawer()

    # --- the teller's drawer ------------------------------------------------------------

    def via(self, day: date, wanted: str = "tunai") -> tuple[str, Shift | None]:
        """Cash inside the day's shift from the fiscal year on; the bank before it."""
        if wanted != "tunai" or day < self.start:
            return "transfer", None
        return "tunai", self.drawer(day)

    def drawer(self, day: date) -> Shift:
        if self.shift is not None and self.shift.business_date != day:
            self.close_drawer()
        if self.shift is None:
            self.shift = open_shift(self.coop, self.kasir, self.outlet, self.FLOAT, day=day)
            self.shift.opened_at = self._clock(day, 13)
            self.stats["shifts"] += 1
        return self.shift

    def top_up(self, day: date, amount: int) -> None:
        """Fetch cash from the bank before paying out more than the drawer holds."""
        shift = self.drawer(day)
        short = amount - expected_cash(shift)
        if short > 0:
            fetch = -(-short // 100_000) * 100_000
            cash_movement(
                shift,
                self.kasir,
                "in",
                fetch,
                "112100",
                "Ambil uang dari bank untuk pembayaran simpan pinjam",
                day=day,
            )

    def close_drawer(self) -> None:
        """Bank what is above the float, count, close."""
        shift, self.shift = self.shift, None
        if shift is None:
            return
        day = shift.business_date
        extra = expected_cash(shift) - self.FLOAT
        if extra > 0:
            cash_movement(
                shift,
                self.kasir,
                "out",
                extra,
                "112100",
                "Setor kas simpan pinjam ke bank",
                day=day,
            )
        close_shift(shift, self.kasir, expected_cash(shift), day=day)
        shift.closed_at = self._clock(day, 15)

    def _clock(self, day: date, hour: int) -> datetime:
        local = datetime.combine(day, time(hour, self.rng.randint(0, 50)), tzinfo=self.coop.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    def service_day(self, day: date) -> date:
        """Savings business at the counter is on Tuesdays and Fridays (before: any day)."""
        if day < self.start:
            return day
        shifted = day
        while shifted.weekday() not in (1, 4):
            shifted += timedelta(days=1)
        return shifted if shifted <= self.last else day


# --- members and savings ----------------------------------------------------------------------


def _people(rng: random.Random, start: date, today: date) -> list[Person]:
    # Anchor joining on the fiscal year, but never so late that the oldest loans (worked back
    # from today) would come before their borrowers joined.
    anchor = min(start, today - timedelta(days=300))
    last = today - timedelta(days=8)
    before = sorted(
        anchor - timedelta(days=rng.randint(15, 365)) for _ in range(POKOK_JOINERS_BEFORE)
    )
    span = max(1, (last - anchor).days)
    during = sorted(
        anchor + timedelta(days=rng.randint(3, span))
        for _ in range(len(MEMBERS) - POKOK_JOINERS_BEFORE)
    )
    people = []
    for (name, sex), join in zip(MEMBERS, before + during, strict=True):
        saver = rng.choice([0.85, 0.6, 0.4, 0.2, 0.05])
        people.append(Person(name, sex, join, saver=saver))
    for person, months in zip(
        rng.sample(people[:POKOK_JOINERS_BEFORE], len(ARREARS)), ARREARS, strict=True
    ):
        person.arrears = months
    return people


def _member_data(rng: random.Random, person: Person, serial: int) -> dict:
    nik, birth = _nik(rng, person.sex, serial)
    if person.sex == "L":
        heir = rng.choice([(rng.choice(WIVES), "Istri")] * 3 + [(rng.choice(CHILDREN), "Anak")])
    else:
        heir = rng.choice([(rng.choice(HUSBANDS), "Suami")] * 3 + [(rng.choice(CHILDREN), "Anak")])
    own_desa = rng.random() < 0.8
    surname = person.name.split()[-1]
    return {
        "name": person.name,
        "nik": nik,
        "birth_date": birth,
        "address": (
            f"RT {rng.randint(1, 12):02d} Dusun {rng.choice(DUSUN)}"
            if own_desa
            else f"RT {rng.randint(1, 9):02d}"
        ),
        "desa": "Sukamaju" if own_desa else rng.choice(NEIGHBOUR_DESA),
        "phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randint(10_000_000, 99_999_999)}",
        "occupation": rng.choice(OCCUPATIONS),
        "heir_name": heir[0] if heir[1] != "Anak" else f"{heir[0]} {surname}",
        "heir_relation": heir[1],
    }


def _join(story: Story, day: date, person: Person, serial: int) -> None:
    via, shift = story.via(day)
    person.member = register_member(
        story.coop,
        _member_data(story.rng, person, serial),
        story.kasir,
        via=via,
        shift=shift,
        day=day,
    )


def _collect_wajib(story: Story, day: date, people: list[Person]) -> None:
    """The monthly wajib collection, one entry for everyone paying; members in arrears have
    stopped paying for their last months."""
    payments = []
    for p in people:
        if p.member is None or p.join > day:
            continue
        owed = wajib.months_between(p.join, day)
        if p.arrears:
            owed = min(owed, wajib.months_between(p.join, story.today) - p.arrears)
        if owed > p.wajib_paid:
            payments.append((p.member.id, owed - p.wajib_paid))
            p.wajib_paid = owed
    if payments:
        via, shift = story.via(day)
        wajib.pay_wajib(story.coop, payments, story.kasir, via=via, shift=shift, day=day)


def _sukarela_in(story: Story, day: date, person: Person, amount: int) -> None:
    account = savings.account_for(story.coop, person.member, "sukarela")
    via, shift = story.via(day, "tunai" if story.rng.random() < 0.7 else "transfer")
    savings.deposit(story.coop, account, amount, story.kasir, via=via, shift=shift, day=day)


def _sukarela_out(story: Story, day: date, person: Person, share: float) -> None:
    account = savings.account_for(story.coop, person.member, "sukarela")
    amount = int(account.balance * share) // 10_000 * 10_000
    if amount < 50_000:
        return
    via, shift = story.via(day)
    if shift is not None:
        story.top_up(day, amount)
    savings.withdraw(story.coop, account, amount, story.kasir, via=via, shift=shift, day=day)


def _open_term(story: Story, day: date, person: Person, code: str, amount: int) -> None:
    product = savings.ensure_products(story.coop)[code]
    via, shift = story.via(day, "tunai" if amount <= 5_000_000 else "transfer")
    person.notes["bilyet"] = term_deposits.open_term_deposit(
        story.coop, person.member, product, amount, story.kasir, via=via, shift=shift, day=day
    )


def _close_term(story: Story, day: date, person: Person) -> None:
    term_deposits.close_term_deposit(
        story.coop, person.notes["bilyet"], story.bendahara, via="transfer", day=day
    )


def _month_starts(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = add_months(month, 1)


def _plan_savings(story: Story, people: list[Person]) -> None:
    rng, last = story.rng, story.last
    for serial, person in enumerate(people, start=1):
        story.at(person.join, JOIN, _join, person, serial)
    first = min(p.join for p in people)
    for month in _month_starts(first, last):
        collection = min(month.replace(day=5), last)
        if collection >= month:
            story.at(collection, WAJIB, _collect_wajib, people)
    for person in people:
        for month in _month_starts(person.join, last):
            end = min(add_months(month, 1) - timedelta(days=1), last)
            begin = max(month, person.join)
            if begin > end:
                continue
            if rng.random() < person.saver:
                day = story.service_day(begin + timedelta(days=rng.randint(0, (end - begin).days)))
                amount = rng.choice([50_000, 100_000, 150_000, 200_000, 250_000, 300_000, 500_000])
                if rng.random() < 0.08:  # harvest money
                    amount = rng.randint(10, 40) * 100_000
                story.at(day, SAVE, _sukarela_in, person, amount)
            if rng.random() < 0.12:
                day = story.service_day(begin + timedelta(days=rng.randint(0, (end - begin).days)))
                story.at(day, SAVE, _sukarela_out, person, rng.choice([0.3, 0.5, 0.7]))
    # Berjangka: a walet trader's big placement (its interest is above the tax threshold), one
    # matured and paid out, one closed early with the penalty, two still running.
    savers = [p for p in people[:POKOK_JOINERS_BEFORE] if p.name != "H. Muhammad Arsyad"]
    arsyad = next(p for p in people if p.name == "H. Muhammad Arsyad")
    matured, early, running_a, running_b = rng.sample(savers, 4)
    start = story.start
    story.at(max(arsyad.join, start + timedelta(days=20)), SAVE, _open_term, arsyad, "BJ12",
             60_000_000)  # fmt: skip
    opened = max(matured.join + timedelta(days=10), story.today - timedelta(days=400))
    story.at(opened, SAVE, _open_term, matured, "BJ06", 10_000_000)
    if add_months(opened, 6) <= last:
        story.at(add_months(opened, 6), SAVE, _close_term, matured)
    opened = max(early.join + timedelta(days=10), story.today - timedelta(days=270))
    story.at(opened, SAVE, _open_term, early, "BJ12", 15_000_000)
    story.at(story.today - timedelta(days=45), SAVE, _close_term, early)
    story.at(story.today - timedelta(days=100), SAVE, _open_term, running_a, "BJ06", 20_000_000)
    story.at(story.today - timedelta(days=60), SAVE, _open_term, running_b, "BJ12", 5_000_000)


# --- loans ------------------------------------------------------------------------------------


def _plan_loans(story: Story, people: list[Person]) -> None:
    rng = story.rng
    # Copies: the story writes each loan's progress into its plan, and the demo may be built
    # more than once in a process (the tests do).
    for plan in [replace(p) for p in LOANS]:
        if plan.dpd:
            # The first unpaid installment (number pays + 1) fell due ``dpd`` days ago.
            disbursed = add_months(story.today - timedelta(days=plan.dpd), -(plan.pays + 1))
        else:
            disbursed = story.today - timedelta(days=plan.ago)
        applied = disbursed - timedelta(days=rng.randint(3, 9))
        eligible = [
            p for p in people if not p.borrower and p.join <= applied - timedelta(days=45)
        ] or [p for p in people if not p.borrower and p.join <= applied]
        person = rng.choice(eligible)
        person.borrower = True
        plan.disbursed = disbursed
        story.at(applied, APPLY, _apply, plan, person)
        story.at(applied + timedelta(days=rng.randint(1, 2)), DECIDE, _decide, plan)
        story.at(disbursed, DISBURSE, _disburse, plan)
        if plan.restructure_ago:
            story.at(story.today - timedelta(days=plan.restructure_ago), RISK, _restructure, plan)
        if plan.writeoff_ago:
            day = story.today - timedelta(days=plan.writeoff_ago)
            story.at(day - timedelta(days=5), RISK, _request_writeoff, plan)
            story.at(day, RISK, _approve_writeoff, plan)


def _apply(story: Story, day: date, plan: LoanPlan, person: Person) -> None:
    product = next(p for p in loan_products.ensure_products(story.coop) if p.code == plan.code)
    plan.loan = loans.apply(
        story.coop,
        person.member,
        product,
        plan.principal,
        plan.months,
        story.pengurus,
        purpose=plan.purpose,
        monthly_income=story.rng.randint(8, 32) * 250_000,
        collateral_note=plan.collateral,
        day=day,
    )


def _decide(story: Story, day: date, plan: LoanPlan) -> None:
    loans.decide(story.coop, plan.loan, True, story.pengurus2, "Layak, usaha berjalan", day=day)


def _disburse(story: Story, day: date, plan: LoanPlan) -> None:
    via, shift = story.via(day, plan.disburse_via)
    if shift is not None:
        story.top_up(day, plan.principal)
    user = story.kasir if shift is not None else story.bendahara
    loans.disburse(story.coop, plan.loan, user, via=via, shift=shift, day=day)
    _next_payment(story, plan)


def _next_payment(story: Story, plan: LoanPlan) -> None:
    """Put the loan's next repayment on the calendar, if its story has one."""
    loan = plan.loan
    if loan.status != "aktif":
        return
    insts = loans.open_installments(loan)
    if not insts:
        return
    inst = insts[0]
    limit = plan.pays if plan.phase == 0 else None
    if limit is not None and plan.paid >= limit:
        if plan.payoff_after and plan.paid == limit:
            story.at(plan.last_paid + timedelta(days=plan.payoff_after), REPAY, _payoff, plan)
        elif plan.partial and plan.paid == limit:
            story.at(inst.due_date + timedelta(days=10), REPAY, _part_payment, plan)
        return
    grace = 7 if plan.code == "MUSIMAN" else 3
    delay = story.rng.choice([2, 6, 9, 13]) if plan.late else story.rng.randint(0, grace)
    day = min(inst.due_date + timedelta(days=delay), story.last)
    if day < inst.due_date:
        return  # falls due today or later
    story.at(day, REPAY, _repay, plan)


def _repay(story: Story, day: date, plan: LoanPlan) -> None:
    amount = repayment.amount_due(plan.loan, day)["total"]
    if amount > 0:
        via, shift = story.via(day, plan.repay_via)
        repayment.repay(story.coop, plan.loan, amount, story.kasir, via=via, shift=shift, day=day)
    plan.paid += 1
    plan.last_paid = day
    _next_payment(story, plan)


def _part_payment(story: Story, day: date, plan: LoanPlan) -> None:
    amount = repayment.amount_due(plan.loan, day)["total"] * 2 // 5 // 1_000 * 1_000
    if amount > 0 and day <= story.last:
        via, shift = story.via(day, plan.repay_via)
        repayment.repay(story.coop, plan.loan, amount, story.kasir, via=via, shift=shift, day=day)


def _payoff(story: Story, day: date, plan: LoanPlan) -> None:
    via, shift = story.via(day, plan.repay_via)
    repayment.repay(
        story.coop, plan.loan, None, story.kasir, via=via, shift=shift, day=day, payoff=True
    )


def _restructure(story: Story, day: date, plan: LoanPlan) -> None:
    loan_risk.restructure(
        story.coop,
        plan.loan,
        story.pengurus2,
        months=10,
        annual_rate=Decimal(plan.loan.annual_rate),
        method=plan.loan.method,
        reason="Gagal panen akibat banjir; jadwal angsuran disusun ulang 10 bulan",
        day=day,
    )
    plan.phase, plan.paid = 1, 0
    _next_payment(story, plan)


def _request_writeoff(story: Story, day: date, plan: LoanPlan) -> None:
    loan_risk.request_writeoff(
        story.coop,
        plan.loan,
        story.pengurus,
        "Peminjam pindah ke luar daerah dan tidak dapat dihubungi; jaminan tidak ada",
    )


def _approve_writeoff(story: Story, day: date, plan: LoanPlan) -> None:
    loan_risk.approve_writeoff(story.coop, plan.loan, story.pengurus2, day=day)


# --- month end --------------------------------------------------------------------------------


def _interest(story: Story, day: date) -> None:
    interest.credit_interest(story.coop, day.year, day.month, story.bendahara)


def _allowance(story: Story, day: date) -> None:
    loan_risk.post_allowance(story.coop, day.year, day.month, story.bendahara)


def build_simpin(coop: Cooperative, start: date, seed: int = 2025) -> dict:
    """Members, a year of savings and the loan portfolio, played up to yesterday. ``start``
    is the fiscal year's first day; interest and allowance are posted for each finished month
    from it."""
    # Seeded: the demo comes out the same on every run (no secret).
    rng = random.Random(seed)  # nosec B311
    today = coop.today()
    story = Story(coop, rng, start, today)
    savings.ensure_products(coop)
    loan_products.ensure_products(coop)
    people = _people(rng, start, today)
    _plan_savings(story, people)
    _plan_loans(story, people)
    for month in _month_starts(start, story.last):
        month_end = add_months(month, 1) - timedelta(days=1)
        if month_end < today:
            story.at(month_end, INTEREST, _interest)
            story.at(month_end, ALLOWANCE, _allowance)
    story.run()
    return {
        "members": len(people),
        "loans": len(LOANS),
        "shifts": story.stats["shifts"],
    }
