"""One row per coached cooperative: the figures a mentor scans first, their traffic lights and
alerts, sorted so the cooperative that needs help most comes first.

Every figure is a handful of grouped queries (the ledger through ``snapshots.movement``, which
reads closed months from their snapshot), so ten cooperatives stay within DESIGN §4.1 (≤ 1 s,
``bench/portfolio.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.db import utcnow
from outlet_pos.core.health.services import latest
from outlet_pos.core.inventory.models import Batch, BatchLevel, Item, StockLevel
from outlet_pos.core.ledger.models import Account, JournalLine, Period
from outlet_pos.core.ledger.snapshots import cash_ids, movement, operating_movement
from outlet_pos.core.mentoring.alerts import AMBER, NEGATIVE_MARGIN, RED, Alert
from outlet_pos.core.mentoring.loans import loan_quality
from outlet_pos.core.mentoring.visits import last_visit, overdue_actions
from outlet_pos.core.parties import Member
from outlet_pos.core.plans.actuals import REVENUE_PREFIXES, month_index_of
from outlet_pos.core.plans.services import target_for
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.models import SavingsAccount

SALES_PREFIXES = ("411", "413", "414")  # sales of goods, clinic and logistics services
# Gross margin per unit: its operating revenue (goods, loan interest and fees, services; not
# other income 418/419) less its cost (5xxxxx: cost of goods, interest paid on savings).
MARGIN_PREFIXES = ("411", "412", "413", "414")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
CATEGORY_WEIGHT = {
    "Sehat": 0,
    "Cukup Sehat": 1,
    "Dalam Pengawasan": 3,
    "Dalam Pengawasan Khusus": 5,
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> tuple[int, int]:
    first = month_start(day) - timedelta(days=1)
    return first.year, first.month


@dataclass
class Snapshot:
    """A cooperative's figures at ``today`` (its own business date)."""

    coop: Cooperative
    today: date
    last_sale: date | None = None
    last_closed: tuple[int, int] | None = None
    cash: int = 0
    sales_mtd: int = 0
    sales_prev_same: int = 0  # last month, days 1..today.day: a fair comparison
    sales_prev_month: int = 0
    sales_week: int = 0  # the last 7 days, for the weekly digest
    sales_prev_week: int = 0
    sales_plan: int | None = None  # this month's target from the business plan
    negative_units: list[tuple[str, int]] = field(default_factory=list)
    loans_total: int = 0
    npl_bp: int | None = None  # basis points
    stock_outs: int = 0
    expiring: int = 0
    expired: int = 0
    wajib_members: int = 0
    wajib_arrears: int = 0
    cash_diffs: list[int] = field(default_factory=list)  # over/short per shift, last 30 days
    health_category: str | None = None
    health_score: Decimal | None = None
    health_on: date | None = None
    last_visit: date | None = None
    overdue_actions: int = 0
    synced: bool = False  # books arrive from an outlet installation (core/sync)
    sync_last: datetime | None = None  # UTC, when the server last applied a batch
    sync_backlog: int = 0  # changes the outlet said were still waiting
    alerts: list[Alert] = field(default_factory=list)

    @property
    def sync_days(self) -> int | None:
        """Whole days since the outlet's books last arrived (None: never, or not synced)."""
        if not self.synced or self.sync_last is None:
            return None
        return max(0, (utcnow() - self.sync_last).days)

    @property
    def days_since_sale(self) -> int | None:
        return (self.today - self.last_sale).days if self.last_sale else None

    @property
    def last_closed_label(self) -> str:
        if self.last_closed is None:
            return "Belum ada"
        year, month = self.last_closed
        return f"{MONTHS[month - 1]} {year}"

    @property
    def attention(self) -> int:
        """Higher needs the mentor sooner: red alerts weigh most, then the health category."""
        red = sum(1 for a in self.alerts if a.level == RED)
        amber = sum(1 for a in self.alerts if a.level == AMBER)
        return red * 10 + amber * 3 + CATEGORY_WEIGHT.get(self.health_category or "", 2)

    @property
    def short_name(self) -> str:
        """The name without the words every cooperative's name shares, for a dense table."""
        name = self.coop.name
        for prefix in ("Koperasi Desa Merah Putih ", "Koperasi Kelurahan Merah Putih "):
            if name.startswith(prefix) and len(name) > len(prefix):
                return name[len(prefix) :]
        return name

    @property
    def score_text(self) -> str:
        return "" if self.health_score is None else f"{self.health_score:.2f}".replace(".", ",")

    @property
    def change_text(self) -> str:
        """This month so far against the same days last month, e.g. ``+12,5%``."""
        return change_text(self.sales_mtd, self.sales_prev_same)

    @property
    def plan_text(self) -> str:
        """This month so far as a share of the month's plan, e.g. ``48,0%``."""
        if not self.sales_plan:
            return ""
        basis = self.sales_mtd * 1000 // self.sales_plan
        return f"{basis // 10},{basis % 10}%"

    @property
    def overall(self) -> str:
        """The row's light: red with any red alert, amber with any amber one, else green."""
        levels = {a.level for a in self.alerts}
        return RED if RED in levels else AMBER if AMBER in levels else "hijau"

    def light(self, code: str) -> str:
        """hijau / kuning / merah for one column, from the alerts raised on it."""
        levels = {a.level for a in self.alerts if a.code == code}
        return RED if RED in levels else AMBER if AMBER in levels else "hijau"


def _accounts(coop_id: int) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            select(Account.id, Account.code).where(
                Account.cooperative_id == coop_id, Account.is_header.is_(False)
            )
        ).all()
    )


def _last_sale(coop_id: int, sales_ids: list[int]) -> date | None:
    if not sales_ids:
        return None
    return db.session.scalar(
        select(func.max(JournalLine.entry_date)).where(
            JournalLine.cooperative_id == coop_id,
            JournalLine.account_id.in_(sales_ids),
            JournalLine.credit > 0,
        )
    )


def _last_closed(coop_id: int) -> tuple[int, int] | None:
    row = db.session.execute(
        select(Period.year, Period.month)
        .where(Period.cooperative_id == coop_id, Period.closed.is_(True))
        .order_by(Period.year.desc(), Period.month.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _sales(coop_id: int, ids: list[int], lo: date, hi: date) -> int:
    return -sum(operating_movement(coop_id, lo, hi, accounts=ids).values()) if ids else 0


def _negative_units(coop: Cooperative, ids: list[int], lo: date, hi: date) -> list[tuple[str, int]]:
    """Units whose sales minus cost of sales were negative in ``lo..hi``."""
    margin: dict[int | None, int] = {}
    for (_account, unit_id), signed in operating_movement(
        coop.id, lo, hi, by_unit=True, accounts=ids
    ).items():
        margin[unit_id] = margin.get(unit_id, 0) - signed
    names = {u.id: u.name for u in coop.units}
    return [(names.get(u, "Umum"), m) for u, m in margin.items() if m < 0 and u is not None]


def _stock(coop_id: int, today: date, expiry_days: int) -> tuple[int, int, int]:
    stocked = (
        select(StockLevel.item_id, func.sum(StockLevel.on_hand).label("qty"))
        .where(StockLevel.cooperative_id == coop_id)
        .group_by(StockLevel.item_id)
        .subquery()
    )
    outs = db.session.scalar(
        select(func.count())
        .select_from(stocked)
        .join(Item, Item.id == stocked.c.item_id)
        .where(Item.active.is_(True), stocked.c.qty <= 0)
    )
    rows = db.session.execute(
        select(Batch.expiry, func.count(func.distinct(Batch.id)))
        .join(BatchLevel, BatchLevel.batch_id == Batch.id)
        .where(
            Batch.cooperative_id == coop_id,
            Batch.expiry.is_not(None),
            Batch.expiry <= today + timedelta(days=expiry_days),
            BatchLevel.on_hand > 0,
        )
        .group_by(Batch.expiry)
    ).all()
    expired = sum(n for day, n in rows if day < today)
    expiring = sum(n for day, n in rows if day >= today)
    return int(outs or 0), expiring, expired


def _wajib(coop: Cooperative, today: date, months_behind: int) -> tuple[int, int]:
    """Members at least ``months_behind`` monthly amounts behind, and their total arrears
    (the same arithmetic as ``simpan_pinjam.wajib.wajib_status``, in two queries)."""
    amount = coop.simpanan_wajib_amount
    if not amount:
        return 0, 0
    from outlet_pos.units.simpan_pinjam.wajib import months_between

    paid = dict(
        db.session.execute(
            select(SavingsAccount.member_id, SavingsAccount.balance).where(
                SavingsAccount.cooperative_id == coop.id, SavingsAccount.kind == "wajib"
            )
        ).all()
    )
    count = total = 0
    for member_id, joined in db.session.execute(
        select(Member.id, Member.join_date).where(
            Member.cooperative_id == coop.id, Member.status == "aktif"
        )
    ):
        arrears = max(0, months_between(joined, today) * amount - paid.get(member_id, 0))
        if arrears and arrears >= months_behind * amount:
            count += 1
            total += arrears
    return count, total


def _cash_diffs(coop_id: int, today: date) -> list[int]:
    return [
        int(counted) - int(expected)
        for counted, expected in db.session.execute(
            select(Shift.counted_cash, Shift.expected_cash).where(
                Shift.cooperative_id == coop_id,
                Shift.business_date >= today - timedelta(days=30),
                Shift.counted_cash.is_not(None),
                Shift.expected_cash.is_not(None),
            )
        )
    ]


def _extras(snap: Snapshot) -> None:
    """Figures kept by the other parts of the mentor's view: health, visits, the plan."""
    coop, today = snap.coop, snap.today
    assessment = latest(coop)
    if assessment is not None:
        snap.health_category = assessment.category
        snap.health_score = Decimal(assessment.score)
        snap.health_on = assessment.as_of
    visit = last_visit(coop)
    snap.last_visit = visit.visit_date if visit else None
    snap.overdue_actions = len(overdue_actions(coop, today))
    year, index = month_index_of(coop, today)
    snap.sales_plan = target_for(coop, year, index, "sales")


def snapshot(coop: Cooperative, thresholds: dict[str, int], today: date | None = None) -> Snapshot:
    """The cooperative's portfolio figures at its business date, with alerts."""
    today = today or coop.today()
    snap = Snapshot(coop, today)
    accounts = _accounts(coop.id)
    sales_ids = [i for i, code in accounts if code.startswith(SALES_PREFIXES)]
    # Monthly figures compare with the business plan, so they count what the plan counts:
    # operating revenue of every unit (goods, loan income, services).
    revenue_ids = [i for i, code in accounts if code.startswith(REVENUE_PREFIXES)]
    margin_ids = [
        i for i, code in accounts if code.startswith(MARGIN_PREFIXES) or code.startswith("5")
    ]
    snap.last_sale = _last_sale(coop.id, sales_ids)
    snap.last_closed = _last_closed(coop.id)
    snap.cash = sum(movement(coop.id, None, today, accounts=cash_ids(coop.id)).values())
    first = month_start(today)
    prev_first = month_start(first - timedelta(days=1))
    snap.sales_mtd = _sales(coop.id, revenue_ids, first, today)
    snap.sales_prev_month = _sales(coop.id, revenue_ids, prev_first, first - timedelta(days=1))
    same_day = min(today.day, (first - timedelta(days=1)).day)
    snap.sales_prev_same = _sales(
        coop.id, revenue_ids, prev_first, prev_first.replace(day=same_day)
    )
    snap.sales_week = _sales(coop.id, revenue_ids, today - timedelta(days=6), today)
    snap.sales_prev_week = _sales(
        coop.id, revenue_ids, today - timedelta(days=13), today - timedelta(days=7)
    )
    snap.negative_units = _negative_units(coop, margin_ids, prev_first, first - timedelta(days=1))
    quality = loan_quality(coop, today)
    snap.loans_total, snap.npl_bp = quality.total, quality.npl_basis_points
    snap.stock_outs, snap.expiring, snap.expired = _stock(coop.id, today, thresholds["expiry_days"])
    snap.wajib_members, snap.wajib_arrears = _wajib(coop, today, thresholds["wajib_months"])
    snap.cash_diffs = _cash_diffs(coop.id, today)
    _extras(snap)
    _sync_state(snap)
    snap.alerts = evaluate(snap, thresholds)
    return snap


SYNC_LATE_DAYS = 3


def _sync_state(snap: Snapshot) -> None:
    """On a district server: when this cooperative's outlet last delivered its books."""
    from outlet_pos.core.sync.models import SyncInstallation

    inst = db.session.scalar(
        select(SyncInstallation).where(
            SyncInstallation.cooperative_id == snap.coop.id, SyncInstallation.status == "active"
        )
    )
    if inst is not None:
        snap.synced = True
        snap.sync_last = inst.last_applied_at
        snap.sync_backlog = inst.reported_backlog


def evaluate(snap: Snapshot, t: dict[str, int]) -> list[Alert]:
    """The alerts ``snap`` raises under the thresholds ``t``, most urgent first."""
    out: list[Alert] = []
    if snap.synced and (snap.sync_days is None or snap.sync_days >= SYNC_LATE_DAYS):
        when = "belum pernah" if snap.sync_days is None else f"{snap.sync_days} hari lalu"
        out.append(
            Alert(
                "sync",
                AMBER,
                f"Data gerai terakhir tiba {when}; angka di sini bisa tertinggal "
                f"({snap.sync_backlog} perubahan menunggu di gerai).",
            )
        )
    days = snap.days_since_sale
    if days is None:
        out.append(Alert("sales", RED, "Belum pernah ada penjualan tercatat."))
    elif days >= t["no_sales_days"]:
        out.append(
            Alert(
                "sales", RED, f"Tidak ada penjualan {days} hari (sejak {tanggal(snap.last_sale)})."
            )
        )
    year, month = previous_month(snap.today)
    if (snap.last_closed or (0, 0)) < (year, month) and snap.today.day > t["close_by_day"]:
        out.append(
            Alert(
                "closing",
                RED,
                f"Buku {MONTHS[month - 1]} {year} belum ditutup "
                f"(batas tanggal {t['close_by_day']}).",
            )
        )
    worst = max((abs(d) for d in snap.cash_diffs), default=0)
    if worst > t["cash_diff_limit"]:
        shifts = sum(1 for d in snap.cash_diffs if abs(d) > t["cash_diff_limit"])
        out.append(
            Alert(
                "cash",
                RED,
                f"{shifts} shift dengan selisih kas di atas {format_rupiah(t['cash_diff_limit'])}"
                f" dalam 30 hari (terbesar {format_rupiah(worst)}).",
            )
        )
    if t.get(NEGATIVE_MARGIN, 1):
        for name, margin in snap.negative_units:
            out.append(
                Alert(
                    "margin",
                    RED,
                    f"Laba kotor unit {name} bulan lalu negatif: {format_rupiah(margin)}.",
                )
            )
    if snap.npl_bp is not None and snap.npl_bp > t["npl_percent"] * 100:
        out.append(
            Alert("npl", RED, f"NPL {percent_text(snap.npl_bp)}, di atas {t['npl_percent']}%.")
        )
    if snap.expired:
        out.append(Alert("expiry", RED, f"{snap.expired} batch sudah kedaluwarsa masih di stok."))
    if snap.expiring:
        out.append(
            Alert(
                "expiry",
                AMBER,
                f"{snap.expiring} batch kedaluwarsa dalam {t['expiry_days']} hari.",
            )
        )
    if snap.wajib_members:
        out.append(
            Alert(
                "wajib",
                AMBER,
                f"{snap.wajib_members} anggota menunggak simpanan wajib ≥ {t['wajib_months']} bulan"
                f" ({format_rupiah(snap.wajib_arrears)}).",
            )
        )
    if snap.stock_outs >= t["stock_out_items"]:
        out.append(Alert("stock", AMBER, f"{snap.stock_outs} barang habis stok."))
    if snap.overdue_actions:
        out.append(
            Alert("visits", AMBER, f"{snap.overdue_actions} tindak lanjut pendampingan terlambat.")
        )
    return sorted(out, key=lambda a: a.level != RED)


def change_text(now: int, before: int) -> str:
    """Growth from ``before`` to ``now`` to one decimal, signed; "–" without a base."""
    if before <= 0:
        return "–"
    tenths = (now - before) * 1000 // before
    sign = "+" if tenths >= 0 else "−"
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole},{frac}%"


def percent_text(basis_points: int | None) -> str:
    if basis_points is None:
        return "–"
    whole, frac = divmod(basis_points, 100)
    return f"{whole},{frac:02d}%"


def portfolio(user, thresholds: dict[str, int]) -> list[Snapshot]:
    """Every cooperative the user coaches, neediest first."""
    snaps = [snapshot(coop, thresholds) for coop in user.mentored()]
    return sorted(snaps, key=lambda s: (-s.attention, s.coop.name))
