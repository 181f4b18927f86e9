"""The named figures the rubric's formulas read, taken from one cooperative's books at a date.

Balances are at ``as_of``; flows (revenue, costs, loans disbursed, SHU shared) cover the twelve
months ending at ``as_of`` so an assessment in any month is comparable with one a year later.
Year-end closing entries are left out of the flows: they move the year's revenue and costs to
SHU tahun berjalan, and counting them would wipe a closed year's activity out of the window.
All figures are integer rupiah; the one that needs a percentage (ATMR, member share of SHU) is
rounded half up to the rupiah once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.health.rubric import Rubric
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.snapshots import movement, operating_movement
from outlet_pos.core.mentoring.loans import loan_quality
from outlet_pos.core.shu.compute import allocation_of
from outlet_pos.core.shu.models import ShuDistribution
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.simpan_pinjam.models import Loan


@dataclass(frozen=True)
class FigureDef:
    code: str
    label: str
    explanation: str


FIGURES = [
    FigureDef(
        "total_aset",
        "Total aset",
        "Saldo semua akun 1xxxxx (aset, setelah akumulasi penyusutan dan cadangan kerugian).",
    ),
    FigureDef(
        "total_kewajiban",
        "Total kewajiban",
        "Saldo semua akun 2xxxxx (liabilitas jangka pendek dan panjang).",
    ),
    FigureDef(
        "kewajiban_lancar",
        "Kewajiban lancar",
        "Saldo akun 21xxxx (utang usaha, simpanan sukarela dan berjangka, utang pajak, dll.).",
    ),
    FigureDef(
        "modal_sendiri",
        "Modal sendiri",
        "Total aset dikurangi total kewajiban; termasuk hasil usaha tahun berjalan.",
    ),
    FigureDef(
        "kas_bank",
        "Kas dan bank",
        "Saldo akun 111xxx (kas) dan 112xxx (bank, kliring).",
    ),
    FigureDef(
        "pinjaman_diberikan",
        "Pinjaman diberikan",
        "Sisa pokok semua pinjaman yang sudah dicairkan (buku simpan pinjam).",
    ),
    FigureDef(
        "pinjaman_anggota",
        "Pinjaman kepada anggota",
        "Sisa pokok pinjaman kepada anggota; di aplikasi ini semua pinjaman diberikan kepada "
        "anggota.",
    ),
    FigureDef(
        "rpm",
        "Risiko pinjaman bermasalah (RPM)",
        "50% kurang lancar + 75% diragukan + 100% macet, dari sisa pokok menurut kolektibilitas.",
    ),
    FigureDef(
        "pinjaman_berisiko",
        "Pinjaman berisiko",
        "Sisa pokok pinjaman kurang lancar, diragukan dan macet (tanpa pembobotan).",
    ),
    FigureDef(
        "cadangan_risiko",
        "Cadangan risiko",
        "Saldo 313200 cadangan risiko ditambah cadangan kerugian pinjaman 113390.",
    ),
    FigureDef(
        "atmr",
        "Aset tertimbang menurut risiko (ATMR)",
        "Saldo aset dikali bobot risiko per kelompok akun dari berkas rubrik (kas/bank 0%, "
        "piutang dan persediaan 100%, aset tetap 70%).",
    ),
    FigureDef(
        "dana_diterima",
        "Dana yang diterima",
        "Simpanan sukarela dan berjangka, simpanan pokok dan wajib, hibah, modal penyertaan "
        "dan pinjaman bank.",
    ),
    FigureDef(
        "simpanan_pokok_wajib",
        "Simpanan pokok dan wajib",
        "Saldo akun 311100 dan 311200.",
    ),
    FigureDef(
        "partisipasi_bruto",
        "Partisipasi bruto anggota",
        "12 bulan: penjualan kepada anggota (411100) dan pendapatan jasa, provisi dan denda "
        "pinjaman (4121xx–4123xx).",
    ),
    FigureDef(
        "pendapatan_non_anggota",
        "Pendapatan dari bukan anggota",
        "12 bulan: penjualan kepada bukan anggota (411200).",
    ),
    FigureDef(
        "beban_operasi_anggota",
        "Beban operasi anggota",
        "12 bulan: HPP dikali porsi penjualan kepada anggota, ditambah beban bunga simpanan "
        "(512100).",
    ),
    FigureDef(
        "beban_usaha",
        "Beban usaha",
        "12 bulan: semua akun 6xxxxx.",
    ),
    FigureDef(
        "shu_kotor",
        "SHU kotor",
        "12 bulan: pendapatan (4xxxxx) dikurangi beban pokok (5xxxxx).",
    ),
    FigureDef(
        "biaya_karyawan",
        "Biaya karyawan",
        "12 bulan: gaji (611100).",
    ),
    FigureDef(
        "volume_pinjaman",
        "Volume pinjaman",
        "12 bulan: pokok pinjaman yang dicairkan.",
    ),
    FigureDef(
        "shu_sebelum_pajak",
        "SHU sebelum pajak",
        "12 bulan: pendapatan dikurangi beban pokok dan beban usaha.",
    ),
    FigureDef(
        "shu_setelah_pajak",
        "SHU setelah pajak",
        "12 bulan: SHU sebelum pajak dikurangi pajak (7xxxxx).",
    ),
    FigureDef(
        "shu_bagian_anggota",
        "SHU bagian anggota",
        "SHU setelah pajak dikali persentase jasa modal + jasa usaha dalam pembagian SHU koperasi.",
    ),
    FigureDef(
        "pendapatan_usaha",
        "Pendapatan usaha",
        "12 bulan: semua akun 4xxxxx.",
    ),
    FigureDef(
        "biaya_operasional",
        "Biaya operasional",
        "12 bulan: beban pokok dan beban usaha (5xxxxx dan 6xxxxx).",
    ),
    FigureDef(
        "pea",
        "Promosi ekonomi anggota (PEA)",
        "12 bulan: beban bunga simpanan (512100) ditambah jasa modal dan jasa usaha SHU yang "
        "dibagikan (RAT dalam 12 bulan).",
    ),
]
FIGURE_DEFS = {f.code: f for f in FIGURES}

DANA_DITERIMA = ("211200", "211300", "311100", "311200", "312100", "314100", "221100")
MEMBER_REVENUE_PREFIXES = ("411100", "4121", "4122", "4123")


def window(as_of: date) -> tuple[date, date]:
    """The twelve months ending at ``as_of``: from the day after the same date a year back."""
    try:
        start = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - 1, day=28)
    return start + timedelta(days=1), as_of


def _flows(coop_id: int, lo: date, hi: date, ids: list[int]) -> dict[int, int]:
    """debit - credit per account over lo..hi without the year-end closing entries."""
    return operating_movement(coop_id, lo, hi, accounts=ids)


def compute(coop: Cooperative, as_of: date, rubric: Rubric) -> dict[str, int]:
    """Every figure of :data:`FIGURES` for ``coop`` at ``as_of`` (no writes)."""
    accounts = db.session.execute(
        select(Account.id, Account.code).where(Account.cooperative_id == coop.id)
    ).all()
    code_of = dict(accounts)
    balance: dict[str, int] = {}
    for account_id, amount in movement(coop.id, None, as_of).items():
        if account_id in code_of:
            balance[code_of[account_id]] = int(amount)

    def bal(*prefixes: str) -> int:
        """debit - credit of the accounts whose codes start with any prefix."""
        return sum(v for code, v in balance.items() if code.startswith(prefixes))

    lo, hi = window(as_of)
    pl_ids = [i for i, code in accounts if code[:1] in "4567"]
    flow: dict[str, int] = {}
    for account_id, amount in _flows(coop.id, lo, hi, pl_ids).items():
        flow[code_of[account_id]] = int(amount)

    def rev(*prefixes: str) -> int:
        return -sum(v for code, v in flow.items() if code.startswith(prefixes))

    def cost(*prefixes: str) -> int:
        return sum(v for code, v in flow.items() if code.startswith(prefixes))

    f: dict[str, int] = {}
    f["total_aset"] = bal("1")
    f["total_kewajiban"] = -bal("2")
    f["kewajiban_lancar"] = -bal("21")
    f["modal_sendiri"] = f["total_aset"] - f["total_kewajiban"]
    f["kas_bank"] = bal("111", "112")
    quality = loan_quality(coop, as_of)
    f["pinjaman_diberikan"] = quality.total
    f["pinjaman_anggota"] = quality.total  # every loan in the loan book is to a member
    f["rpm"] = quality.risky
    f["pinjaman_berisiko"] = quality.non_performing
    f["cadangan_risiko"] = -bal("313200") + abs(bal("113390"))
    assets = [(code, v) for code, v in balance.items() if code[:1] == "1"]
    weighted = sum((Fraction(v * rubric.atmr_weight(code), 100) for code, v in assets), Fraction(0))
    f["atmr"] = round_half_up(weighted)
    f["dana_diterima"] = -bal(*DANA_DITERIMA)
    f["simpanan_pokok_wajib"] = -bal("311100", "311200")

    member_sales, other_sales = rev("411100"), rev("411200")
    f["partisipasi_bruto"] = rev(*MEMBER_REVENUE_PREFIXES)
    f["pendapatan_non_anggota"] = other_sales
    sales = member_sales + other_sales
    hpp_member = Fraction(cost("5111") * member_sales, sales) if sales else Fraction(0)
    f["beban_operasi_anggota"] = round_half_up(hpp_member) + cost("512100")
    f["beban_usaha"] = cost("6")
    f["pendapatan_usaha"] = rev("4")
    f["shu_kotor"] = f["pendapatan_usaha"] - cost("5")
    f["biaya_karyawan"] = cost("611100")
    f["shu_sebelum_pajak"] = f["shu_kotor"] - f["beban_usaha"]
    f["shu_setelah_pajak"] = f["shu_sebelum_pajak"] - cost("7")
    allocation = allocation_of(coop)
    member_pct = int(allocation.get("jasa_modal", 0)) + int(allocation.get("jasa_usaha", 0))
    f["shu_bagian_anggota"] = round_half_up(Fraction(f["shu_setelah_pajak"] * member_pct, 100))
    f["biaya_operasional"] = cost("5", "6")
    f["volume_pinjaman"] = int(
        db.session.scalar(
            select(func.coalesce(func.sum(Loan.principal), 0)).where(
                Loan.cooperative_id == coop.id,
                Loan.disbursed_on.is_not(None),
                Loan.disbursed_on >= lo,
                Loan.disbursed_on <= hi,
            )
        )
    )
    shared = 0
    for (pools_json,) in db.session.execute(
        select(ShuDistribution.pools_json).where(
            ShuDistribution.cooperative_id == coop.id,
            ShuDistribution.rat_date >= lo,
            ShuDistribution.rat_date <= hi,
        )
    ):
        pools = json.loads(pools_json or "{}")
        shared += int(pools.get("jasa_modal", 0)) + int(pools.get("jasa_usaha", 0))
    f["pea"] = cost("512100") + shared
    return {d.code: f[d.code] for d in FIGURES}
