"""A small cooperative whose health figures and score are worked out by hand, shared by the
service test (tests/core/test_health.py) and the page test (tests/workspaces/...pages.py).

Books (all through the ledger or the simpan pinjam services; as_of 31 Dec 2025, so the
twelve-month window is 1 Jan – 31 Dec 2025):

    2024-12-15  sale to non-members           Dr 112100  4.000.000 / Cr 411200   (before window)
    2025-01-02  hibah                         Dr 112100 100.000.000 / Cr 312100
    2025-01-03  wajib (member, transfer)      Dr 112100  20.000.000 / Cr 311200
    2025-01-03  sukarela (member, transfer)   Dr 112100  30.000.000 / Cr 211200
    2025-01-10  hibah set aside as reserve    Dr 312100   1.000.000 / Cr 313200
    2025-02-01  equipment (asset register)    Dr 121200  20.000.000 / Cr 112100
    2025-02-02  vehicle (asset register)      Dr 121300   5.000.000 / Cr 112100
    2025-02-02  supplier credit               Dr 112100   5.000.000 / Cr 211100
    2025-03-01  bank loan received            Dr 112100  15.000.000 / Cr 221100
    2025-04-01  sales                         Dr 112100  50.000.000 / Cr 411100 40 jt, 411200 10 jt
    2025-04-02  goods sold (cost)             Dr 511100  30.000.000 / Cr 112100
    2025-05-01  salaries, electricity         Dr 611100 6 jt, 612100 2 jt / Cr 112100 8.000.000
    2025-05-02  savings interest paid         Dr 512100   1.000.000 / Cr 112100
    2025-06-02  loan of 10.000.000, 12 months, no fees, never repaid (Dr 113300 / Cr 112100)
    2025-07-01  loan-loss allowance           Dr 615100   2.000.000 / Cr 113390
    2025-12-20  final tax                     Dr 711100     250.000 / Cr 211600
    2026-01-15  sale after as_of              Dr 112100   1.000.000 / Cr 411100   (after as_of)
"""

from __future__ import annotations

from datetime import date

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import post
from outlet_pos.extensions import db

AS_OF = date(2025, 12, 31)

# Figures at 31 Dec 2025, by hand:
#   kas_bank = 4 + 100 + 20 + 30 - 20 - 5 + 5 + 15 + 50 - 30 - 8 - 1 - 10 = 150 jt
#   total_aset = 150 + 10 (loan) - 2 (allowance) + 20 + 5 = 183 jt
#   kewajiban_lancar = 30 (sukarela) + 5 (utang usaha) + 0,25 (pajak) = 35,25 jt
#   total_kewajiban = 35,25 + 15 (bank) = 50,25 jt;  modal_sendiri = 183 - 50,25 = 132,75 jt
#   atmr = 0 x 150 + 100% x (10 - 2) + 70% x (20 + 5) = 8 + 17,5 = 25,5 jt
#   loan: first installment due 2 Jul 2025, unpaid -> 182 days past due -> Macet:
#     pinjaman_diberikan = pinjaman_berisiko = rpm = 10 jt (100% of Macet)
#   cadangan_risiko = 1 (313200) + 2 (113390) = 3 jt
#   dana_diterima = 30 + 20 + 99 (hibah) + 15 = 164 jt;  simpanan_pokok_wajib = 20 jt
#   flows 2025: partisipasi_bruto 40 jt; non-anggota 10 jt (the 2024 and 2026 sales are out)
#   beban_operasi_anggota = 30 x 40/50 + 1 = 25 jt; beban_usaha = 6 + 2 + 2 = 10 jt
#   pendapatan_usaha 50; shu_kotor = 50 - 31 = 19; shu_sebelum_pajak = 19 - 10 = 9 jt
#   shu_setelah_pajak 8,75 jt; shu_bagian_anggota = 40% (20 jasa modal + 20 jasa usaha) = 3,5 jt
#   biaya_operasional = 31 + 10 = 41 jt; volume_pinjaman 10 jt; biaya_karyawan 6 jt; pea 1 jt
JT = 1_000_000
FIGURES = {
    "total_aset": 183 * JT, "total_kewajiban": 50_250_000, "kewajiban_lancar": 35_250_000,
    "modal_sendiri": 132_750_000, "kas_bank": 150 * JT, "pinjaman_diberikan": 10 * JT,
    "pinjaman_anggota": 10 * JT, "rpm": 10 * JT, "pinjaman_berisiko": 10 * JT,
    "cadangan_risiko": 3 * JT, "atmr": 25_500_000, "dana_diterima": 164 * JT,
    "simpanan_pokok_wajib": 20 * JT, "partisipasi_bruto": 40 * JT,
    "pendapatan_non_anggota": 10 * JT, "beban_operasi_anggota": 25 * JT,
    "beban_usaha": 10 * JT, "shu_kotor": 19 * JT, "biaya_karyawan": 6 * JT,
    "volume_pinjaman": 10 * JT, "shu_sebelum_pajak": 9 * JT, "shu_setelah_pajak": 8_750_000,
    "shu_bagian_anggota": 3_500_000, "pendapatan_usaha": 50 * JT, "biaya_operasional": 41 * JT,
    "pea": 1 * JT,
}  # fmt: skip

# Component scores (band value x weight / 100), by hand:
#   1a 132,75/183 = 72,54% -> 60-<80 -> 50 x 6 = 3,00     1b 1327,5% -> 100 x 6 = 6,00
#   1c 132,75/25,5 = 520,6% -> >=8 -> 100 x 3 = 3,00
#   2a 100% -> 100 x 10 = 10,00    2b rpm/pinjaman 100% -> >=45 -> 0
#   2c 3/10 = 30% -> 30 x 5 = 1,50 2d 100% > 30 -> 25 x 5 = 1,25
#   4a 25/40 = 62,5% -> <70 -> 100 x 4 = 4,00    4b 10/19 = 52,63% -> 75 x 4 = 3,00
#   4c 6/10 = 60% -> >=15 -> 25 x 2 = 0,50
#   5a 150/35,25 = 425,5% -> >=20 -> 25 x 10 = 2,50   5b 10/164 = 6,1% -> 25 x 5 = 1,25
#   6a 9/183 = 4,92% -> <5 -> 25 x 3 = 0,75   6b 3,5/132,75 = 2,64% -> 0,75
#   6c 50/41 = 121,95% -> 100-<125 -> 50 x 4 = 2,00
#   7a 40/50 = 80% -> 100 x 5 = 5,00   7b 1/20 = 5% -> 5-<7,5 -> 50 x 5 = 2,50
#   manajemen (ANSWERS): umum 6/12 x 3 = 1,50; kelembagaan 6/6 x 3 = 3,00; permodalan 0;
#     aktiva 5/10 x 3 = 1,50; likuiditas 1/5 x 3 = 0,60  -> 6,60
#   total = 12 + 12,75 + 6,60 + 7,5 + 3,75 + 3,5 + 7,5 = 53,60 -> Dalam Pengawasan
SCORES = {
    "1a": "3.00", "1b": "6.00", "1c": "3.00", "2a": "10.00", "2b": "0.00", "2c": "1.50",
    "2d": "1.25", "3a": "1.50", "3b": "3.00", "3c": "0.00", "3d": "1.50", "3e": "0.60",
    "4a": "4.00", "4b": "3.00", "4c": "0.50", "5a": "2.50", "5b": "1.25", "6a": "0.75",
    "6b": "0.75", "6c": "2.00", "7a": "5.00", "7b": "2.50",
}  # fmt: skip
ASPECTS = {
    "permodalan": "12.00",
    "kualitas_aktiva": "12.75",
    "manajemen": "6.60",
    "efisiensi": "7.50",
    "likuiditas": "3.75",
    "kemandirian": "3.50",
    "jatidiri": "7.50",
}
TOTAL = "53.60"
CATEGORY = "Dalam Pengawasan"

ANSWERS = (
    {f"umum_{i:02d}": True for i in range(1, 7)}
    | {f"kelembagaan_{i:02d}": True for i in range(1, 7)}
    | {f"aktiva_{i:02d}": True for i in range(1, 6)}
    | {"likuiditas_01": True, "permodalan_01": False}
)


def build(coop) -> None:
    """Write the books above into ``coop`` (one transaction per business action), entered by
    its own treasurer and approved by its own board member (a mentor posts nothing)."""
    from outlet_pos.units.simpan_pinjam import loan_products, loans, savings
    from outlet_pos.units.simpan_pinjam.members import register_member
    from tests.conftest import make_user

    user = make_user(f"hb-bendahara-{coop.id}", "bendahara", coop)
    board = make_user(f"hb-pengurus-{coop.id}", "pengurus", coop)

    def manual(day: date, memo: str, lines: list) -> None:
        run_transaction(post, coop, day, memo, lines, source="manual")

    manual(date(2024, 12, 15), "Penjualan lama", [("112100", 4 * JT, 0), ("411200", 0, 4 * JT)])
    manual(date(2025, 1, 2), "Hibah", [("112100", 100 * JT, 0), ("312100", 0, 100 * JT)])

    def member_savings():
        member = register_member(
            coop, {"name": "Anggota Satu", "nik": "3201011205850001"}, user,
            pay_pokok=False, via="transfer", day=date(2025, 1, 3),
        )  # fmt: skip
        wajib = savings.account_for(coop, member, "wajib")
        savings.deposit(coop, wajib, 20 * JT, user, via="transfer", day=date(2025, 1, 3))
        sukarela = savings.account_for(coop, member, "sukarela")
        savings.deposit(coop, sukarela, 30 * JT, user, via="transfer", day=date(2025, 1, 3))
        return member

    member = run_transaction(member_savings)
    manual(date(2025, 1, 10), "Cadangan risiko", [("312100", JT, 0), ("313200", 0, JT)])
    from outlet_pos.core.assets.services import register_asset

    for name, account, cost, day in (("Etalase dan timbangan", "121200", 20 * JT, 1),
                                     ("Motor roda tiga", "121300", 5 * JT, 2)):  # fmt: skip
        run_transaction(register_asset, coop, user, name=name, account=account,
                        acquired_on=date(2025, 2, day), cost=cost, life_months=48,
                        funding="112100")  # fmt: skip
    manual(date(2025, 2, 2), "Utang usaha", [("112100", 5 * JT, 0), ("211100", 0, 5 * JT)])
    manual(date(2025, 3, 1), "Pinjaman bank", [("112100", 15 * JT, 0), ("221100", 0, 15 * JT)])
    manual(date(2025, 4, 1), "Penjualan",
           [("112100", 50 * JT, 0), ("411100", 0, 40 * JT), ("411200", 0, 10 * JT)])  # fmt: skip
    manual(date(2025, 4, 2), "HPP", [("511100", 30 * JT, 0), ("112100", 0, 30 * JT)])
    manual(date(2025, 5, 1), "Gaji dan listrik",
           [("611100", 6 * JT, 0), ("612100", 2 * JT, 0), ("112100", 0, 8 * JT)])  # fmt: skip
    manual(date(2025, 5, 2), "Bunga simpanan", [("512100", JT, 0), ("112100", 0, JT)])

    def loan():
        product = loan_products.ensure_products(coop)[0]
        product.admin_fee, product.provisi_percent = 0, 0
        m = db.session.merge(member)
        applied = loans.apply(coop, m, product, 10 * JT, 12, user, purpose="Modal usaha",
                              day=date(2025, 6, 1))  # fmt: skip
        loans.decide(coop, applied, True, board, day=date(2025, 6, 1))
        loans.disburse(coop, applied, user, via="transfer", day=date(2025, 6, 2))

    run_transaction(loan)
    manual(date(2025, 7, 1), "Penyisihan", [("615100", 2 * JT, 0), ("113390", 0, 2 * JT)])
    manual(date(2025, 12, 20), "PPh final", [("711100", 250_000, 0), ("211600", 0, 250_000)])
    manual(date(2026, 1, 15), "Penjualan 2026", [("112100", JT, 0), ("411100", 0, JT)])
