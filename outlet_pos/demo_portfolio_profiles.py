"""The ten cooperatives of ``outlet-pos demo --portfolio``: who they are and how they are doing.

Each profile is a plain description the builder (``demo_portfolio_books``) turns into a year
of books through the real services. The knobs are the ones the health rubric (Perdep Deputi
Pengawasan 06/Per/Dep.6/IV/2016) and the mentor's alerts read, so the portfolio shows every
kind of cooperative a mentor meets: capital structure (own capital vs a bank loan), loan
quality (installments 200+ days late are Macet), margins (a unit selling below cost), cash vs
short-term debt, member vs non-member sales, dormant counters, wajib arrears, stock-outs,
drugs close to expiry and months left open.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoanSpec:
    """One loan. ``dpd``: the first unpaid installment fell due that many days ago, after
    ``pays`` paid ones; otherwise the loan was paid out ``ago`` days ago and is paid on time."""

    code: str
    principal: int
    months: int
    purpose: str
    ago: int = 0
    dpd: int = 0
    pays: int = 0


@dataclass(frozen=True)
class Profile:
    slug: str  # "01".."10": the users' numbers (pengurus01, kasir01)
    desa: str
    kecamatan: str
    kabupaten: str
    provinsi: str
    region_code: str  # kode wilayah desa; its first six digits start the members' NIK
    timezone: str
    chair: str  # ketua pengurus (user pengurusNN)
    cashier: str  # kasir (user kasirNN)
    members: int
    pokok: int
    wajib: int
    # opening balance (neraca pembukaan), rupiah
    cash: int
    bank: int
    building: int
    equipment: int
    grant: int  # hibah (312100)
    bank_loan: int  # pinjaman bank (221100)
    reserve: int  # cadangan umum (313100)
    # the sales book: monthly revenue now, its change over the year, cost, member share
    revenue: int
    growth_pct: int  # revenue a year ago = revenue * 100 / (100 + growth_pct)
    cost_pct: int  # cost of goods sold as a percent of revenue
    member_pct: int  # share of sales to members
    salaries: int  # monthly
    unpaid_pct: int = 0  # share of each week's supplier bill left unpaid (short-term debt)
    arrears_share: int = 10  # percent of members behind with wajib
    arrears_months: int = 2
    savers_pct: int = 30  # percent of members holding simpanan sukarela
    loans: tuple[LoanSpec, ...] = ()
    dormant_days: int = 0  # > 0: the last sale was this many days ago
    open_months: int = 0  # the last finished months left open
    stockouts: int = 0  # items sold out at the counter
    pharmacy: bool = False
    expiring: int = 0  # drugs whose batch expires within ~2 months
    fish_unit: bool = False  # a fisheries unit buying catch above what it sells for
    bmpp_pct: str = ""  # a loan policy laxer than the default 15% of own capital
    saving_scale: int = 1  # how large members' sukarela deposits are (x Rp100.000-2.000.000)
    # Puts the bank balance above this many per mille of current liabilities into ``asset``
    # (0: none): the rubric's cash ratio is best at 10-15% (125), idle money scores low; a
    # struggling cooperative that sank its cash into equipment keeps only a few percent.
    cash_permille: int = 0
    asset: tuple[str, str] = ("Mobil boks distribusi sembako", "121300")
    management_yes: int = 70  # percent of the management questionnaire answered "ya"
    short_cash: int = 0  # a cashier's shortage at one shift close
    notes: tuple[str, ...] = field(default_factory=tuple)  # the mentor's assessment note


def _good_loans(scale: int) -> tuple[LoanSpec, ...]:
    """A healthy book: paid on time."""
    return (
        LoanSpec("PRODUKTIF", 8 * scale, 12, "Tambah modal warung kelontong", ago=240),
        LoanSpec("PRODUKTIF", 6 * scale, 12, "Modal usaha keripik singkong", ago=150),
        LoanSpec("MUSIMAN", 5 * scale, 6, "Pupuk dan benih padi", ago=100),
        LoanSpec("KONSUMTIF", 2 * scale, 10, "Biaya sekolah anak", ago=180),
        LoanSpec("KONSUMTIF", 3 * scale, 6, "Perbaikan rumah", ago=60),
    )


M = 1_000_000

PROFILES: list[Profile] = [
    Profile(
        "01", "Sidomulyo", "Godean", "Sleman", "DI Yogyakarta", "34.04.04.2001", "WIB",
        "Ir. Sutrisno Hadi", "Wulan Sari", members=40, pokok=100_000, wajib=25_000,
        cash=5 * M, bank=40 * M, building=100 * M, equipment=12 * M, grant=20 * M,
        bank_loan=100 * M, reserve=20 * M, revenue=95 * M, growth_pct=35, cost_pct=82,
        member_pct=80, salaries=5 * M, arrears_share=5, arrears_months=1, savers_pct=50,
        saving_scale=5, cash_permille=125, management_yes=90,
        loans=_good_loans(M)
        + (
            LoanSpec("PRODUKTIF", 10 * M, 12, "Penggilingan padi keliling", ago=200),
            LoanSpec("PRODUKTIF", 10 * M, 18, "Kios bahan bangunan", ago=120),
            LoanSpec("MUSIMAN", 8 * M, 6, "Sewa lahan dan bibit cabai", ago=45),
            LoanSpec("PRODUKTIF", 4 * M, 12, "Kandang ayam kampung", dpd=20, pays=6),
        ),
        pharmacy=True,
        notes=("Modal sendiri kuat, pinjaman lancar, anggota aktif berbelanja dan menabung.",),
    ),
    Profile(
        "02", "Tanjung Batu", "Pulau Derawan", "Berau", "Kalimantan Timur", "64.05.07.2003",
        "WITA", "H. Syahrial Effendi", "Nurul Fadilah", members=18, pokok=50_000, wajib=10_000,
        cash=1 * M, bank=30 * M, building=25 * M, equipment=6 * M, grant=10 * M,
        bank_loan=50 * M, reserve=0, revenue=22 * M, growth_pct=-45, cost_pct=98, member_pct=15,
        salaries=2_500_000, unpaid_pct=40, arrears_share=60, arrears_months=5, savers_pct=10,
        loans=(
            LoanSpec("PRODUKTIF", 3 * M, 12, "Modal kapal motor nelayan", dpd=250, pays=1),
            LoanSpec("KONSUMTIF", 2 * M, 10, "Biaya pernikahan", dpd=240, pays=1),
            LoanSpec("PRODUKTIF", 2_500_000, 12, "Usaha rumput laut", dpd=220, pays=1),
            LoanSpec("MUSIMAN", 1_500_000, 6, "Jaring dan perahu", dpd=150, pays=1),
            LoanSpec("KONSUMTIF", 1 * M, 6, "Biaya berobat", dpd=40, pays=2),
        ),
        dormant_days=40, open_months=2, stockouts=3, short_cash=35_000, bmpp_pct="40",
        cash_permille=30, asset=("Mesin es balok dan freezer ikan", "121200"),
        management_yes=20,
        notes=("Modal dari utang bank, pinjaman macet, menjual hampir tanpa margin, gerai "
               "tutup lebih dari sebulan, kas habis untuk mesin es.",),
    ),
    Profile(
        "03", "Situ Udik", "Cibungbulang", "Bogor", "Jawa Barat", "32.01.11.2004", "WIB",
        "Dede Supriatna", "Neng Rina Marlina", members=32, pokok=100_000, wajib=20_000,
        cash=4 * M, bank=45 * M, building=0, equipment=9 * M, grant=40 * M, bank_loan=10 * M,
        reserve=5 * M, revenue=70 * M, growth_pct=12, cost_pct=84, member_pct=55,
        salaries=5_500_000, arrears_share=12, arrears_months=2, savers_pct=30,
        loans=_good_loans(M)[:3]
        + (
            LoanSpec("KONSUMTIF", 2 * M, 10, "Beli sepeda motor bekas", dpd=55, pays=3),
            LoanSpec("PRODUKTIF", 3 * M, 12, "Modal bengkel las", dpd=100, pays=2),
        ),
        stockouts=4,
        management_yes=80,
        notes=("Usaha tumbuh, beberapa angsuran tertunggak, stok sering habis.",),
    ),
    Profile(
        "04", "Lamteuba Droe", "Seulimeum", "Aceh Besar", "Aceh", "11.06.05.2010", "WIB",
        "Tgk. Muhammad Yusuf", "Cut Nyak Rahmah", members=24, pokok=100_000, wajib=15_000,
        cash=2 * M, bank=38 * M, building=0, equipment=7 * M, grant=30 * M, bank_loan=15 * M,
        reserve=0, revenue=35 * M, growth_pct=-30, cost_pct=88, member_pct=35,
        salaries=4_500_000, unpaid_pct=15, arrears_share=45, arrears_months=4, savers_pct=15,
        loans=(
            LoanSpec("MUSIMAN", 3 * M, 6, "Bibit kopi dan pupuk", ago=90),
            LoanSpec("PRODUKTIF", 4 * M, 12, "Modal kedai kopi", dpd=130, pays=2),
            LoanSpec("KONSUMTIF", 1_500_000, 8, "Biaya khitanan anak", dpd=70, pays=3),
        ),
        dormant_days=24, open_months=2,
        management_yes=55,
        notes=("Gerai tidak berjualan beberapa minggu, banyak anggota menunggak simpanan "
               "wajib.",),
    ),
    Profile(
        "05", "Waiheru", "Baguala", "Kota Ambon", "Maluku", "81.71.05.1003", "WIT",
        "Johanis Latuheru", "Maria Pattinama", members=28, pokok=100_000, wajib=20_000,
        cash=1_500_000, bank=12 * M, building=30 * M, equipment=10 * M, grant=45 * M,
        bank_loan=5 * M, reserve=0, revenue=55 * M, growth_pct=10, cost_pct=85,
        member_pct=50, salaries=6 * M, unpaid_pct=30, arrears_share=15, savers_pct=45,
        loans=_good_loans(M)[:4],
        pharmacy=True, expiring=3, short_cash=60_000, cash_permille=40,
        asset=("Gudang pendingin (cold storage) ikan", "121100"),
        management_yes=70,
        notes=("Kas tertanam di gudang pendingin, kurang dari utang jangka pendek; obat "
               "apotek hampir kedaluwarsa.",),
    ),
    Profile(
        "06", "Sungai Ambawang Kuala", "Sungai Ambawang", "Kubu Raya", "Kalimantan Barat",
        "61.12.03.2001", "WIB", "Abang Hairul Saleh", "Siti Khadijah", members=30,
        pokok=100_000, wajib=20_000, cash=3 * M, bank=35 * M, building=20 * M, equipment=8 * M,
        grant=40 * M, bank_loan=20 * M, reserve=0, revenue=50 * M, growth_pct=5,
        cost_pct=86, member_pct=45, salaries=5 * M, arrears_share=20, arrears_months=3,
        loans=(
            LoanSpec("PRODUKTIF", 5 * M, 12, "Kebun sawit plasma", dpd=240, pays=1),
            LoanSpec("PRODUKTIF", 4 * M, 12, "Keramba ikan", dpd=205, pays=2),
            LoanSpec("MUSIMAN", 3 * M, 6, "Pupuk karet", dpd=160, pays=1),
            LoanSpec("KONSUMTIF", 2 * M, 10, "Biaya kuliah anak", dpd=110, pays=3),
            LoanSpec("PRODUKTIF", 4 * M, 12, "Modal toko pakaian", ago=200),
        ),
        open_months=2,
        management_yes=35,
        notes=("Pinjaman macet besar; pembukuan dua bulan terakhir belum ditutup.",),
    ),
    Profile(
        "07", "Oelnasi", "Kupang Tengah", "Kupang", "Nusa Tenggara Timur", "53.01.11.2004",
        "WITA", "Yohanes Nenobais", "Ance Tefa", members=14, pokok=50_000, wajib=10_000,
        cash=2 * M, bank=19 * M, building=0, equipment=5 * M, grant=25 * M, bank_loan=0,
        reserve=0, revenue=30 * M, growth_pct=60, cost_pct=85, member_pct=10,
        salaries=3 * M, arrears_share=20, savers_pct=10,
        loans=(LoanSpec("KONSUMTIF", 1 * M, 6, "Biaya sekolah", ago=80),),
        stockouts=2,
        management_yes=60,
        notes=("Koperasi muda: pembeli kebanyakan bukan anggota, partisipasi anggota rendah.",),
    ),
    Profile(
        "08", "Pematang Johar", "Labuhan Deli", "Deli Serdang", "Sumatera Utara",
        "12.07.21.2005", "WIB", "Drs. Ahmad Nasution", "Rosmawati Siregar", members=45,
        pokok=150_000, wajib=30_000, cash=8 * M, bank=90 * M, building=120 * M,
        equipment=15 * M, grant=80 * M, bank_loan=120 * M, reserve=25 * M, revenue=120 * M,
        growth_pct=25, cost_pct=81, member_pct=78, salaries=7 * M, arrears_share=4,
        arrears_months=1, savers_pct=50, saving_scale=5, cash_permille=125,
        management_yes=85, loans=_good_loans(2 * M) + _good_loans(M)[:2],
        pharmacy=True,
        notes=("Gerai ramai, anggota setia, simpan pinjam lancar.",),
    ),
    Profile(
        "09", "Sereh", "Sentani", "Jayapura", "Papua", "91.03.01.2003", "WIT",
        "Yakob Ohee", "Debora Wally", members=20, pokok=100_000, wajib=20_000,
        cash=2 * M, bank=18 * M, building=20 * M, equipment=8 * M, grant=35 * M, bank_loan=10 * M,
        reserve=0, revenue=45 * M, growth_pct=0, cost_pct=87, member_pct=40,
        salaries=5 * M, unpaid_pct=20, arrears_share=25, arrears_months=3,
        loans=(
            LoanSpec("PRODUKTIF", 3 * M, 12, "Kios pinang dan sayur", ago=200),
            LoanSpec("KONSUMTIF", 2 * M, 10, "Biaya adat", dpd=95, pays=4),
        ),
        open_months=2, stockouts=5, short_cash=75_000,
        management_yes=55,
        notes=("Stok sering kosong, bulan belum ditutup, selisih kas di gerai.",),
    ),
    Profile(
        "10", "Mappadeceng", "Mappedeceng", "Luwu Utara", "Sulawesi Selatan", "73.22.08.2005",
        "WITA", "Andi Muh. Ridwan", "Hasnawati", members=26, pokok=100_000, wajib=20_000,
        cash=3 * M, bank=35 * M, building=20 * M, equipment=10 * M, grant=50 * M, bank_loan=5 * M,
        reserve=5 * M, revenue=60 * M, growth_pct=15, cost_pct=84, member_pct=55,
        salaries=5 * M, arrears_share=10, savers_pct=30,
        loans=_good_loans(M)[:3]
        + (LoanSpec("MUSIMAN", 3 * M, 6, "Benih kakao", dpd=60, pays=2),),
        fish_unit=True,
        management_yes=75,
        notes=("Unit perikanan membeli ikan lebih mahal dari harga jualnya (rugi kotor).",),
    ),
]  # fmt: skip
