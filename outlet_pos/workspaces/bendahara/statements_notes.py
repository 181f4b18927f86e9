"""Catatan atas laporan keuangan and the year's key figures for the annual meeting (RAT).

Plain values out: the accounting policies as paragraphs of Indonesian text (with this
cooperative's own SHU allocation, loan-loss rates and fiscal year), numbered notes that break
the balance-sheet figures down (cash per account, member loans and their allowance, stock per
unit, fixed assets, members' savings), and the figures and series the RAT pack charts.
Everything is read from the ledger by SQL aggregation; nothing is written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import extract, func, or_, select

from outlet_pos.core.closing.year_end import fiscal_bounds, year_close_of
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.parties import Member
from outlet_pos.core.shu.compute import POOL_LABELS, allocation_of, pools
from outlet_pos.core.statements.financial import CASH_PREFIXES, shu_of
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal

MONTHS = [
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
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
SALES_PREFIXES = ("411", "412", "413", "414")  # sales and service revenue of the units
LOANS, ALLOWANCE = "113300", "113390"
STOCK = ("114100", "114200")
FIXED_COST, ACCUMULATED = ("121",), "121900"
SAVINGS = [
    ("311100", "ekuitas"),
    ("311200", "ekuitas"),
    ("211200", "liabilitas"),
    ("211300", "liabilitas"),
]


@dataclass
class Policy:
    title: str
    paragraphs: list[str]


@dataclass
class NoteLine:
    label: str
    amount: int
    prior: int | None = None
    account_id: int | None = None
    unit_id: int | None = None
    level: int = 1  # 1 detail, 2 sub-total, 3 total


@dataclass
class Detail:
    """A small extra table under a note (e.g. loans by collectibility)."""

    title: str
    headers: list[str]
    rows: list[list[object]]  # str or int (rupiah) cells
    aligns: list[str]


@dataclass
class Note:
    number: int
    title: str
    lines: list[NoteLine] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    detail: Detail | None = None


@dataclass
class Notes:
    as_of: date
    prior_as_of: date
    policies: list[Policy]
    notes: list[Note]


# --- policies --------------------------------------------------------------------------------


def _percent(value: object) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",") + "%"


def _loan_policy(coop: Cooperative) -> dict:
    from outlet_pos.units.simpan_pinjam.common import policy

    return policy(coop)


def accounting_policies(coop: Cooperative) -> list[Policy]:
    """Kebijakan akuntansi, in plain Indonesian, with this cooperative's own settings."""
    start = coop.fiscal_year_start_month or 1
    end = 12 if start == 1 else start - 1
    last_day = 31 if end in (1, 3, 5, 7, 8, 10, 12) else (28 if end == 2 else 30)
    fiscal = f"1 {MONTHS[start - 1]} sampai {last_day} {MONTHS[end - 1]}"
    pol = _loan_policy(coop)
    days = pol["collectibility_days"]
    rates = pol["allowance_percent"]
    bands = [
        ("Lancar", "tidak menunggak", rates["L"]),
        ("Dalam Perhatian Khusus", f"menunggak 1–{days['DPK']} hari", rates["DPK"]),
        (
            "Kurang Lancar",
            f"menunggak {days['DPK'] + 1}–{days['KL']} hari",
            rates["KL"],
        ),
        ("Diragukan", f"menunggak {days['KL'] + 1}–{days['D']} hari", rates["D"]),
        ("Macet", f"menunggak lebih dari {days['D']} hari", rates["M"]),
    ]
    allocation = allocation_of(coop)
    shares = "; ".join(
        f"{POOL_LABELS.get(key, key)} {_percent(value)}" for key, value in allocation.items()
    )
    return [
        Policy(
            "Dasar penyusunan",
            [
                "Laporan keuangan disusun menurut Standar Akuntansi Keuangan Entitas Privat "
                "(SAK EP) dan pedoman akuntansi koperasi (Permenkop UKM Nomor 2 Tahun 2024), "
                "dengan dasar akrual dan biaya historis.",
                f"Tahun buku koperasi berjalan dari {fiscal}. Semua angka disajikan dalam "
                "rupiah penuh (bilangan bulat, tanpa sen). Angka dalam tanda kurung adalah "
                "angka negatif atau pengurang.",
                "Setiap angka berasal dari jurnal di buku besar; jurnal yang sudah dibukukan "
                "tidak pernah diubah atau dihapus, koreksi dilakukan dengan jurnal pembalik.",
            ],
        ),
        Policy(
            "Kas dan setara kas",
            [
                "Kas dan setara kas terdiri atas kas di gerai, kas kecil, rekening bank, dan "
                "dana kliring QRIS/transfer yang belum masuk ke rekening (akun 111xxx dan "
                "112xxx)."
            ],
        ),
        Policy(
            "Persediaan",
            [
                "Persediaan dinilai dengan metode rata-rata tertimbang bergerak (moving "
                "average): setiap penerimaan barang menghitung ulang harga pokok rata-rata, "
                "dan harga pokok penjualan dibukukan pada saat barang terjual. Selisih hasil "
                "stock opname serta barang rusak atau kedaluwarsa dibebankan pada periode "
                "terjadinya."
            ],
        ),
        Policy(
            "Aset tetap dan penyusutan",
            [
                "Aset tetap dicatat sebesar harga perolehan dan disusutkan dengan metode garis "
                "lurus selama umur manfaatnya. Penyusutan dibukukan setiap bulan (debit beban "
                "penyusutan, kredit akumulasi penyusutan); nilai buku adalah harga perolehan "
                "dikurangi akumulasi penyusutan."
            ],
        ),
        Policy(
            "Piutang pinjaman anggota dan cadangan kerugian",
            [
                "Piutang pinjaman anggota disajikan sebesar pokok yang belum dibayar, dikurangi "
                "cadangan kerugian pinjaman. Cadangan disesuaikan setiap akhir bulan menurut "
                "kolektibilitas (hari tunggakan) dengan tarif: "
                + "; ".join(f"{name} ({when}) {_percent(rate)}" for name, when, rate in bands)
                + ".",
                "Pinjaman yang dihapusbukukan dibebankan pada cadangan; kekurangannya menjadi "
                "beban penyisihan piutang.",
            ],
        ),
        Policy(
            "Simpanan anggota",
            [
                "Simpanan pokok dan simpanan wajib adalah modal anggota dan disajikan sebagai "
                "ekuitas, karena tidak dapat diambil selama masih menjadi anggota. Simpanan "
                "sukarela dan simpanan berjangka dapat diambil dan disajikan sebagai "
                "liabilitas jangka pendek.",
                "Bunga simpanan dibebankan sebagai beban pokok; PPh final atas bunga dipotong "
                "sesuai ketentuan dan disetor ke kas negara.",
            ],
        ),
        Policy(
            "Pendapatan dan beban",
            [
                "Pendapatan penjualan diakui pada saat barang diserahkan, dipisahkan antara "
                "penjualan kepada anggota dan kepada bukan anggota (dasar jasa usaha SHU dan "
                "penilaian kesehatan koperasi). Pendapatan jasa pinjaman, provisi dan denda "
                "dicatat pada saat diterima; pendapatan jasa lainnya pada saat jasa diberikan.",
                "Beban diakui pada saat terjadinya. Setiap baris jurnal membawa unit usaha, "
                "sehingga hasil usaha dapat disajikan per unit; baris tanpa unit disajikan "
                "pada kolom Umum.",
            ],
        ),
        Policy(
            "Pajak",
            [
                "Pajak penghasilan final 0,5% dari peredaran bruto setiap bulan (PP 55/2022) "
                "dibebankan pada pos pajak. "
                + (
                    "Koperasi adalah Pengusaha Kena Pajak: PPN keluaran dan masukan dicatat "
                    "terpisah dari pendapatan."
                    if coop.is_pkp
                    else "Koperasi bukan Pengusaha Kena Pajak, sehingga tidak memungut PPN."
                )
            ],
        ),
        Policy(
            "Sisa hasil usaha (SHU)",
            [
                f"SHU tahun buku dibagi menurut anggaran dasar/anggaran rumah tangga: {shares}.",
                "Jasa modal dibagi kepada anggota sebanding dengan simpanan pokok dan wajib pada "
                "akhir tahun buku; jasa usaha sebanding dengan transaksi anggota di setiap unit "
                "usaha. Pembagian memakai metode sisa terbesar sehingga jumlah bagian anggota "
                "sama persis dengan jumlah pos sampai rupiah terakhir.",
            ],
        ),
        Policy(
            "Penutupan tahun buku",
            [
                "Pada hari terakhir tahun buku seluruh saldo pendapatan dan beban ditutup ke "
                "akun 315100 SHU tahun berjalan. Pada hari pertama tahun buku berikutnya saldo "
                "itu dipindahkan ke akun 315200 SHU belum dibagi, yang dipakai saat SHU dibagi "
                "sesudah Rapat Anggota Tahunan (RAT).",
                "Sebelum tahun ditutup, pendapatan dan beban yang belum ditutup disajikan di "
                "neraca sebagai SHU tahun berjalan. Laporan perhitungan hasil usaha tidak "
                "memasukkan jurnal penutupan, sehingga tahun yang sudah ditutup tetap "
                "menampilkan hasil usahanya.",
            ],
        ),
        Policy(
            "Laporan arus kas",
            [
                "Laporan arus kas disusun dengan metode langsung. Setiap jurnal yang menyentuh "
                "kas dan setara kas dikelompokkan menurut akun lawannya: aset tetap (12xxxx) "
                "sebagai aktivitas investasi; modal anggota dan ekuitas lain (3xxxxx), simpanan "
                "sukarela dan berjangka, utang SHU anggota, dana-dana SHU, dan pinjaman bank "
                "sebagai aktivitas pendanaan; selebihnya (pendapatan, beban, piutang termasuk "
                "pinjaman anggota, persediaan, utang usaha, pajak, titipan COD) sebagai "
                "aktivitas operasi. Karena itu jumlah arus kas sama persis dengan perubahan "
                "saldo kas.",
            ],
        ),
    ]


# --- notes -----------------------------------------------------------------------------------


def _accounts_by_code(coop: Cooperative) -> dict[str, Account]:
    return {
        a.code: a
        for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop.id))
    }


def _shown(code: str, signed: int) -> int:
    """Debit-minus-credit as a statement shows it: assets as debits, the rest as credits."""
    return signed if code[0] in "15679" else -signed


def _unit_balances(coop: Cooperative, account_id: int, as_of: date) -> dict[int | None, int]:
    rows = db.session.execute(
        select(JournalLine.unit_id, func.sum(JournalLine.debit - JournalLine.credit))
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id == account_id,
            JournalLine.entry_date <= as_of,
        )
        .group_by(JournalLine.unit_id)
    )
    return {unit: int(v) for unit, v in rows}


def _allowance_run(coop: Cooperative, as_of: date):
    from outlet_pos.units.simpan_pinjam.models import AllowanceRun

    return db.session.scalar(
        select(AllowanceRun)
        .where(
            AllowanceRun.cooperative_id == coop.id,
            or_(
                AllowanceRun.year < as_of.year,
                (AllowanceRun.year == as_of.year) & (AllowanceRun.month <= as_of.month),
            ),
        )
        .order_by(AllowanceRun.year.desc(), AllowanceRun.month.desc())
        .limit(1)
    )


def notes_of(coop: Cooperative, as_of: date, prior_as_of: date) -> Notes:
    """The notes to the balance sheet at ``as_of`` with the comparative at ``prior_as_of``."""
    accounts = _accounts_by_code(coop)
    now = balances(coop, as_of=as_of)
    then = balances(coop, as_of=prior_as_of)

    def line(code: str, label: str | None = None, level: int = 1) -> NoteLine:
        acc = accounts.get(code)
        return NoteLine(
            label or (acc.name if acc else code),
            _shown(code, now.get(code, 0)),
            _shown(code, then.get(code, 0)),
            acc.id if acc else None,
            level=level,
        )

    def total(label: str, lines: list[NoteLine]) -> NoteLine:
        return NoteLine(
            label,
            sum(ln.amount for ln in lines),
            sum(ln.prior or 0 for ln in lines),
            level=3,
        )

    notes: list[Note] = []

    # 1. cash and cash equivalents, per account
    cash = [
        line(code)
        for code in sorted(accounts)
        if code.startswith(CASH_PREFIXES)
        and not accounts[code].is_header
        and (now.get(code) or then.get(code))
    ]
    notes.append(
        Note(
            1,
            "Kas dan setara kas",
            [*cash, total("Jumlah kas dan setara kas", cash)],
            [
                "Saldo menurut buku besar; rekening bank dicocokkan dengan rekening koran "
                "setiap bulan."
            ],  # fmt: skip
        )
    )

    # 2. member loans and their allowance
    loans = [line(LOANS), line(ALLOWANCE, "Dikurangi: cadangan kerugian pinjaman")]
    note = Note(2, "Piutang pinjaman anggota", [*loans, total("Piutang pinjaman bersih", loans)])
    run = _allowance_run(coop, as_of)
    if run is not None:
        from outlet_pos.units.simpan_pinjam.models import COLLECTIBILITY

        detail = json.loads(run.detail_json or "{}")
        rates = _loan_policy(coop)["allowance_percent"]
        rows: list[list[object]] = []
        for code, name in COLLECTIBILITY.items():
            bucket = detail.get(code, {})
            rows.append(
                [
                    name,
                    str(bucket.get("count", 0)),
                    int(bucket.get("outstanding", 0)),
                    _percent(rates.get(code, 0)),
                    int(bucket.get("allowance", 0)),
                ]
            )
        rows.append(
            [
                "Jumlah",
                str(sum(int(detail.get(c, {}).get("count", 0)) for c in COLLECTIBILITY)),
                sum(int(detail.get(c, {}).get("outstanding", 0)) for c in COLLECTIBILITY),
                "",
                run.required,
            ]
        )
        note.detail = Detail(
            f"Kolektibilitas pada akhir bulan {MONTHS[run.month - 1]} {run.year}",
            ["Kolektibilitas", "Jumlah pinjaman", "Pokok terutang", "Tarif", "Cadangan"],
            rows,
            ["left", "right", "right", "right", "right"],
        )
    else:
        note.remarks.append("Belum ada perhitungan cadangan akhir bulan sampai tanggal ini.")
    notes.append(note)

    # 3. stock, per unit
    units = {
        u.id: u.name
        for u in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id)
        )
    }
    stock: list[NoteLine] = []
    for code in STOCK:
        acc = accounts.get(code)
        if acc is None:
            continue
        by_now = _unit_balances(coop, acc.id, as_of)
        by_then = _unit_balances(coop, acc.id, prior_as_of)
        for unit in sorted(set(by_now) | set(by_then), key=lambda u: (u is None, u or 0)):
            a, b = by_now.get(unit, 0), by_then.get(unit, 0)
            if a or b:
                where = units.get(unit, "tanpa unit") if unit is not None else "tanpa unit"
                stock.append(NoteLine(f"{acc.name} — {where}", a, b, acc.id, unit))
    notes.append(
        Note(
            3,
            "Persediaan",
            [*stock, total("Jumlah persediaan", stock)],
            ["Dinilai dengan harga pokok rata-rata tertimbang bergerak."],
        )
    )

    # 4. fixed assets
    cost = [
        line(code)
        for code in sorted(accounts)
        if code.startswith(FIXED_COST)
        and code != ACCUMULATED
        and not accounts[code].is_header
        and (now.get(code) or then.get(code))
    ]
    cost_total = total("Jumlah harga perolehan", cost)
    cost_total.level = 2
    acc_line = line(ACCUMULATED, "Dikurangi: akumulasi penyusutan")
    book = NoteLine(
        "Nilai buku aset tetap",
        cost_total.amount + acc_line.amount,
        (cost_total.prior or 0) + (acc_line.prior or 0),
        level=3,
    )
    notes.append(
        Note(
            4,
            "Aset tetap",
            [*cost, cost_total, acc_line, book],
            ["Disusutkan dengan metode garis lurus selama umur manfaat, setiap bulan."],
        )
    )

    # 5. members' savings
    equity = [line(code) for code, kind in SAVINGS if kind == "ekuitas"]
    liability = [line(code) for code, kind in SAVINGS if kind == "liabilitas"]
    eq_total = total("Jumlah simpanan pada ekuitas", equity)
    li_total = total("Jumlah simpanan pada liabilitas", liability)
    eq_total.level = li_total.level = 2
    everything = NoteLine(
        "Jumlah simpanan anggota",
        eq_total.amount + li_total.amount,
        (eq_total.prior or 0) + (li_total.prior or 0),
        level=3,
    )
    members_now = member_count(coop, as_of)
    members_then = member_count(coop, prior_as_of)
    notes.append(
        Note(
            5,
            "Simpanan anggota",
            [*equity, eq_total, *liability, li_total, everything],
            [
                "Simpanan pokok dan wajib adalah ekuitas; simpanan sukarela dan berjangka "
                "adalah liabilitas.",
                f"Jumlah anggota: {members_now} pada {tanggal(as_of)} "
                f"({members_then} pada {tanggal(prior_as_of)}).",
            ],
        )
    )
    return Notes(as_of, prior_as_of, accounting_policies(coop), notes)


def member_count(coop: Cooperative, day: date) -> int:
    """Members who had joined by ``day`` and had not left by then."""
    return int(
        db.session.scalar(
            select(func.count(Member.id)).where(
                Member.cooperative_id == coop.id,
                Member.join_date <= day,
                or_(Member.left_on.is_(None), Member.left_on > day),
            )
        )
        or 0
    )


# --- key figures of the year, for the annual meeting -----------------------------------------


@dataclass
class YearFigures:
    year: int
    date_from: date
    date_to: date
    closed: bool
    members: int
    members_prior: int
    sales: int  # sales and service revenue of the units (411-414)
    sales_prior: int
    shu: int
    shu_prior: int
    assets: int
    assets_prior: int
    loans: int  # member loans outstanding (gross)
    loans_prior: int
    savings: int  # pokok + wajib + sukarela + berjangka
    savings_prior: int
    months: list[str]  # "Jan 2025", ...
    sales_by_unit: dict[str, list[int]]  # unit name -> monthly amounts
    cash_month_end: list[int]
    pools: dict[str, int]  # SHU allocation pool -> amount


def _closing_ids(coop: Cooperative):
    return select(JournalEntry.id).where(
        JournalEntry.cooperative_id == coop.id, JournalEntry.source == "closing"
    )


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def year_figures(coop: Cooperative, year: int) -> YearFigures:
    first, last = fiscal_bounds(coop, year)
    p_first, p_last = fiscal_bounds(coop, year - 1)
    by_code = _accounts_by_code(coop)
    now, then = balances(coop, as_of=last), balances(coop, as_of=p_last)

    def held(codes, sums) -> int:
        return sum(_shown(c, sums.get(c, 0)) for c in codes)

    def assets(sums) -> int:
        return sum(v for c, v in sums.items() if c[0] == "1")

    sales_ids = [a.id for c, a in by_code.items() if c.startswith(SALES_PREFIXES)]
    cash_ids = [a.id for c, a in by_code.items() if c.startswith(CASH_PREFIXES)]

    def sales_total(a: date, b: date) -> int:
        if not sales_ids:
            return 0
        return int(
            db.session.scalar(
                select(func.coalesce(func.sum(JournalLine.credit - JournalLine.debit), 0)).where(
                    JournalLine.cooperative_id == coop.id,
                    JournalLine.account_id.in_(sales_ids),
                    JournalLine.entry_date >= a,
                    JournalLine.entry_date <= b,
                    JournalLine.entry_id.not_in(_closing_ids(coop)),
                )
            )
        )

    months = _months(first, last)
    index = {ym: i for i, ym in enumerate(months)}
    y_col, m_col = extract("year", JournalLine.entry_date), extract("month", JournalLine.entry_date)
    units = {
        u.id: u.name
        for u in db.session.scalars(
            select(BusinessUnit)
            .where(BusinessUnit.cooperative_id == coop.id)
            .order_by(BusinessUnit.id)
        )
    }
    series: dict[str, list[int]] = {}
    if sales_ids:
        rows = db.session.execute(
            select(
                JournalLine.unit_id, y_col, m_col, func.sum(JournalLine.credit - JournalLine.debit)
            )
            .where(
                JournalLine.cooperative_id == coop.id,
                JournalLine.account_id.in_(sales_ids),
                JournalLine.entry_date >= first,
                JournalLine.entry_date <= last,
                JournalLine.entry_id.not_in(_closing_ids(coop)),
            )
            .group_by(JournalLine.unit_id, y_col, m_col)
        )
        per: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
        for unit, y, m, v in rows:
            name = units.get(unit, "Umum") if unit is not None else "Umum"
            per[name][index[(int(y), int(m))]] += int(v)
        ordered = [*units.values(), "Umum"]
        series = {n: per[n] for n in ordered if n in per and any(per[n])}
    cash_end = [0] * len(months)
    if cash_ids:
        opening = int(
            db.session.scalar(
                select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
                    JournalLine.cooperative_id == coop.id,
                    JournalLine.account_id.in_(cash_ids),
                    JournalLine.entry_date < first,
                )
            )
        )
        moves = [0] * len(months)
        rows = db.session.execute(
            select(y_col, m_col, func.sum(JournalLine.debit - JournalLine.credit))
            .where(
                JournalLine.cooperative_id == coop.id,
                JournalLine.account_id.in_(cash_ids),
                JournalLine.entry_date >= first,
                JournalLine.entry_date <= last,
            )
            .group_by(y_col, m_col)
        )
        for y, m, v in rows:
            moves[index[(int(y), int(m))]] += int(v)
        running = opening
        for i, v in enumerate(moves):
            running += v
            cash_end[i] = running
    closed = year_close_of(coop, year)
    prior_closed = year_close_of(coop, year - 1)
    shu = closed.shu_amount if closed else shu_of(coop, first, last)
    shu_prior = prior_closed.shu_amount if prior_closed else shu_of(coop, p_first, p_last)
    return YearFigures(
        year=year,
        date_from=first,
        date_to=last,
        closed=closed is not None,
        members=member_count(coop, last),
        members_prior=member_count(coop, p_last),
        sales=sales_total(first, last),
        sales_prior=sales_total(p_first, p_last),
        shu=shu,
        shu_prior=shu_prior,
        assets=assets(now),
        assets_prior=assets(then),
        loans=held([LOANS], now),
        loans_prior=held([LOANS], then),
        savings=held([c for c, _ in SAVINGS], now),
        savings_prior=held([c for c, _ in SAVINGS], then),
        months=[f"{MONTHS_SHORT[m - 1]} {y}" for y, m in months],
        sales_by_unit=series,
        cash_month_end=cash_end,
        pools=pools(shu, allocation_of(coop)),
    )


# --- the annual meeting pack -----------------------------------------------------------------


@dataclass
class RatPackData:
    year: int
    figures: YearFigures
    statements: dict  # key -> financial.Statement (neraca, phu, arus_kas, ekuitas)
    notes: Notes
    simulation: object | None  # shu.compute.Simulation, when the year is closed
    shu_message: str  # why there is no SHU table, when there is none
    distribution: object | None  # shu.models.ShuDistribution, when already shared out


def rat_pack_data(coop: Cooperative, year: int) -> RatPackData:
    """Everything the RAT pack prints for fiscal ``year``: the year's figures and series, the
    four statements against the year before, the notes, and the SHU simulation."""
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.shu.services import distribution_of, simulation_for
    from outlet_pos.core.statements.financial import (
        balance_sheet,
        cash_flow,
        equity_changes,
        income_statement,
    )

    first, last = fiscal_bounds(coop, year)
    p_first, p_last = fiscal_bounds(coop, year - 1)
    statements = {
        "neraca": balance_sheet(coop, last, p_last),
        "phu": income_statement(coop, first, last, prior=(p_first, p_last)),
        "arus_kas": cash_flow(coop, first, last, prior=(p_first, p_last)),
        "ekuitas": equity_changes(coop, first, last),
    }
    simulation, message = None, ""
    try:
        simulation = simulation_for(coop, year)
    except DomainError as err:
        message = str(err)
    return RatPackData(
        year=year,
        figures=year_figures(coop, year),
        statements=statements,
        notes=notes_of(coop, last, p_last),
        simulation=simulation,
        shu_message=message,
        distribution=distribution_of(coop, year),
    )
