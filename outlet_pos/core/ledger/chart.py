"""The standard chart of accounts (SAK EP, Permenkop UKM 2/2024), seeded per cooperative.

Headers group the accounts for the statements; postings go only to detail accounts. Lines
carry a unit dimension, so one chart gives a profit-and-loss per business unit.
"""

from __future__ import annotations

from outlet_pos.core.ledger.models import TYPE_BY_DIGIT, Account
from outlet_pos.extensions import db

# (code, name, parent code or None, is_header, contra)
STANDARD_CHART: list[tuple[str, str, str | None, bool, bool]] = [
    ("100000", "ASET", None, True, False),
    ("110000", "Aset lancar", "100000", True, False),
    ("111100", "Kas", "110000", False, False),
    ("111200", "Kas kecil", "110000", False, False),
    ("112100", "Bank", "110000", False, False),
    ("112900", "Kliring QRIS/transfer", "110000", False, False),
    ("113100", "Piutang usaha", "110000", False, False),
    ("113200", "Piutang anggota (kredit belanja)", "110000", False, False),
    ("113300", "Piutang pinjaman anggota", "110000", False, False),
    ("113390", "Cadangan kerugian pinjaman", "110000", False, True),
    ("113400", "Piutang bunga/jasa", "110000", False, False),
    ("114100", "Persediaan", "110000", False, False),
    ("114200", "Persediaan pupuk bersubsidi", "110000", False, False),
    ("115100", "PPN masukan", "110000", False, False),
    ("116100", "Biaya dibayar di muka", "110000", False, False),
    ("120000", "Aset tetap", "100000", True, False),
    ("121100", "Bangunan gerai", "120000", False, False),
    ("121200", "Peralatan", "120000", False, False),
    ("121300", "Kendaraan", "120000", False, False),
    ("121900", "Akumulasi penyusutan", "120000", False, True),
    ("200000", "LIABILITAS", None, True, False),
    ("210000", "Liabilitas jangka pendek", "200000", True, False),
    ("211100", "Utang usaha", "210000", False, False),
    ("211200", "Simpanan sukarela", "210000", False, False),
    ("211300", "Simpanan berjangka", "210000", False, False),
    ("211400", "Utang bunga simpanan", "210000", False, False),
    ("211500", "Titipan COD", "210000", False, False),
    ("211600", "Utang pajak (PPN keluaran, PPh)", "210000", False, False),
    ("211700", "Utang SHU anggota", "210000", False, False),
    (
        "211800",
        "Dana pengurus, karyawan, pendidikan, sosial, pembangunan daerah kerja",
        "210000",
        False,
        False,
    ),
    ("211900", "Utang mitra kurir", "210000", False, False),
    ("212100", "Titipan dana agen (PPOB/bank)", "210000", False, False),
    ("220000", "Liabilitas jangka panjang", "200000", True, False),
    ("221100", "Pinjaman bank", "220000", False, False),
    ("300000", "EKUITAS", None, True, False),
    ("311100", "Simpanan pokok", "300000", False, False),
    ("311200", "Simpanan wajib", "300000", False, False),
    ("312100", "Hibah", "300000", False, False),
    ("313100", "Cadangan umum", "300000", False, False),
    ("313200", "Cadangan risiko", "300000", False, False),
    ("314100", "Modal penyertaan", "300000", False, False),
    ("315100", "SHU tahun berjalan", "300000", False, False),
    ("315200", "SHU belum dibagi", "300000", False, False),
    ("400000", "PENDAPATAN", None, True, False),
    ("411100", "Penjualan — anggota", "400000", False, False),
    ("411200", "Penjualan — non-anggota", "400000", False, False),
    ("412100", "Pendapatan jasa pinjaman", "400000", False, False),
    ("412200", "Pendapatan provisi/administrasi", "400000", False, False),
    ("412300", "Pendapatan denda", "400000", False, False),
    ("413100", "Pendapatan jasa klinik", "400000", False, False),
    ("414100", "Pendapatan jasa logistik/komisi", "400000", False, False),
    ("415100", "Pendapatan sewa & jasa unit lokal", "400000", False, False),
    ("416100", "Pendapatan fee agen (PPOB/bank)", "400000", False, False),
    ("418100", "Pendapatan bunga bank", "400000", False, False),
    ("419100", "Pendapatan lain (selisih kas lebih)", "400000", False, False),
    ("419200", "Pendapatan lain-lain", "400000", False, False),
    ("500000", "BEBAN POKOK", None, True, False),
    ("511100", "Harga pokok penjualan (HPP)", "500000", False, False),
    ("512100", "Beban bunga simpanan", "500000", False, False),
    ("600000", "BEBAN USAHA DAN PERKOPERASIAN", None, True, False),
    ("611100", "Beban gaji", "600000", False, False),
    ("612100", "Beban listrik & air", "600000", False, False),
    ("612200", "Beban telepon & internet", "600000", False, False),
    ("612300", "Beban alat tulis & perlengkapan", "600000", False, False),
    ("612400", "Beban transportasi", "600000", False, False),
    ("612500", "Beban pemeliharaan & perbaikan", "600000", False, False),
    ("613100", "Beban sewa", "600000", False, False),
    ("614100", "Beban penyusutan", "600000", False, False),
    ("615100", "Beban penyisihan piutang", "600000", False, False),
    ("616100", "Selisih kas kurang", "600000", False, False),
    ("617100", "Selisih/rusak/kedaluwarsa persediaan", "600000", False, False),
    ("618100", "Beban administrasi bank", "600000", False, False),
    ("619100", "Beban lain-lain", "600000", False, False),
    ("621100", "Beban rapat anggota (RAT)", "600000", False, False),
    ("621200", "Beban pendidikan", "600000", False, False),
    ("700000", "PAJAK", None, True, False),
    ("711100", "PPh final (PP 55/2022)", "700000", False, False),
    ("711200", "Pajak final bunga bank", "700000", False, False),
]


def normal_side(code: str, contra: bool = False) -> str:
    side = "D" if TYPE_BY_DIGIT[code[0]] in ("asset", "expense") else "C"
    if contra:
        side = "C" if side == "D" else "D"
    return side


def seed_chart(coop_id: int) -> int:
    """Create the standard chart for a new cooperative (flush only). Returns accounts made."""
    by_code: dict[str, Account] = {}
    for code, name, parent, header, contra in STANDARD_CHART:
        acc = Account(
            cooperative_id=coop_id,
            code=code,
            name=name,
            type=TYPE_BY_DIGIT[code[0]],
            normal_side=normal_side(code, contra),
            parent=by_code.get(parent) if parent else None,
            is_header=header,
            active=True,
        )
        db.session.add(acc)
        by_code[code] = acc
    db.session.flush()
    return len(by_code)
