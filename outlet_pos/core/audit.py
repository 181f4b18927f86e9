"""Audit trail: who did what sensitive thing, when, and from which address.

Rows are appended in the same transaction as the action they describe, so an action that
rolls back leaves no audit row claiming it happened (a failed login is its own action).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

ACTION_LABELS = {
    "api.token_create": "Token API dibuat",
    "api.token_revoke": "Token API dicabut",
    "login.success": "Masuk",
    "login.failed": "Gagal masuk",
    "login.locked": "Masuk ditolak (akun terkunci)",
    "login.lockout": "Akun dikunci",
    "logout": "Keluar",
    "password.change": "Ganti kata sandi",
    "user.create": "Pengguna dibuat",
    "user.update": "Pengguna diubah",
    "user.unlock": "Akun dibuka kuncinya",
    "role.grant": "Peran diberikan",
    "role.revoke": "Peran dicabut",
    "journal.manual": "Jurnal manual",
    "journal.reverse": "Pembalikan jurnal",
    "period.close": "Tutup bulan",
    "period.reopen": "Buka kembali bulan",
    "account.create": "Akun dibuat",
    "account.update": "Akun diubah",
    "cooperative.create": "Koperasi dibuat",
    "cooperative.update": "Koperasi diubah",
    "outlet.save": "Gerai disimpan",
    "unit.save": "Unit usaha disimpan",
    "backup": "Cadangan data",
    "shift.open": "Buka shift",
    "shift.close": "Tutup shift",
    "shift.cash_in": "Kas masuk (shift)",
    "shift.cash_out": "Kas keluar (shift)",
    "sale.refund": "Retur penjualan",
    "sale.reprint": "Cetak ulang struk",
    "sale.discount_override": "Diskon di atas batas (disetujui)",
    "sale.price_override": "Ubah harga di kasir",
    "item.create": "Barang dibuat",
    "item.update": "Barang diubah",
    "item.price_change": "Perubahan harga",
    "stock.count.post": "Stok opname diposting",
    "stock.count.create": "Stok opname dibuat",
    "stock.count.submit": "Stok opname diajukan",
    "stock.count.cancel": "Stok opname dibatalkan",
    "catalog.import": "Impor katalog",
    "stock.write_off": "Penghapusan stok",
    "stock.transfer": "Transfer stok",
    "supplier.create": "Pemasok dibuat",
    "supplier.update": "Pemasok diubah",
    "goods_receipt.create": "Penerimaan barang",
    "supplier_bill.pay": "Pembayaran tagihan pemasok",
    "purchase_return.create": "Retur pembelian",
    "purchase_order.create": "Pesanan pembelian dibuat",
    "purchase_order.cancel": "Pesanan pembelian dibatalkan",
    "approval.granted": "Persetujuan diberikan",
    "approval.failed": "Persetujuan ditolak",
    "sale.print": "Cetak struk",
    "member.register": "Anggota didaftarkan",
    "member.update": "Data anggota diubah",
    "member.leave": "Anggota keluar",
    "simpin.product": "Produk simpanan disimpan",
    "simpin.loan_product": "Produk pinjaman disimpan",
    "simpin.policy": "Kebijakan simpan pinjam diubah",
    "simpin.interest": "Bunga simpanan dikreditkan",
    "simpin.allowance": "Cadangan kerugian pinjaman",
    "simpin.loan_apply": "Pengajuan pinjaman",
    "simpin.loan_approve": "Keputusan pinjaman",
    "simpin.loan_reject": "Pinjaman ditolak",
    "simpin.loan_disburse": "Pencairan pinjaman",
    "simpin.loan_restructure": "Restrukturisasi pinjaman",
    "simpin.writeoff_request": "Usulan hapus buku pinjaman",
    "simpin.writeoff": "Hapus buku pinjaman",
    "pupuk.farmer": "Data petani disimpan",
    "pupuk.photo": "Foto petani/penebusan",
    "pupuk.het": "HET pupuk diubah",
    "pupuk.item": "Barang pupuk bersubsidi diatur",
    "pupuk.allocation_import": "Impor alokasi e-RDKK",
    "pupuk.allocation_fix": "Koreksi alokasi pupuk",
    "expense.record": "Pengeluaran/pendapatan lain dicatat",
    "expense.void": "Pengeluaran dibatalkan",
    "expense.attach": "Nota dilampirkan",
    "expense.recurring": "Pengeluaran rutin disimpan",
    "expense.recurring_post": "Pengeluaran rutin dibukukan",
    "asset.register": "Aset tetap didaftarkan",
    "asset.depreciation": "Penyusutan diposting",
    "asset.dispose": "Aset tetap dilepas",
    "bank.account_create": "Rekening bank dibuat",
    "bank.account_update": "Rekening bank diubah",
    "bank.mapping_save": "Format CSV bank disimpan",
    "bank.statement_import": "Rekening koran diimpor",
    "bank.auto_match": "Pencocokan otomatis rekening koran",
    "bank.match": "Baris rekening koran dicocokkan",
    "bank.unmatch": "Pencocokan dibatalkan",
    "day.close": "Tutup harian",
    "period.waive": "Butir tutup bulan dilewati",
    "year.close": "Tutup tahun buku",
    "year.close_again": "Tutup tahun buku (sisa koreksi)",
    "shu.settings": "Pengaturan SHU diubah",
    "shu.distribute": "Pembagian SHU",
    "shu.pay": "Pembayaran SHU anggota",
    "tax.post": "Pajak dibukukan",
    "tax.pay": "Setoran pajak",
    "mentor.thresholds": "Ambang peringatan pendamping diubah",
    "health.assess": "Penilaian kesehatan koperasi",
    "mentoring.visit": "Catatan kunjungan pendampingan",
    "mentoring.action": "Status tindak lanjut pendampingan",
    "plan.save": "Rencana bisnis disimpan",
    "clinic.bill": "Tagihan klinik dibayar",
    "clinic.bill.void": "Tagihan klinik dibatalkan",
    "clinic.patient.register": "Pasien didaftarkan",
    "clinic.patient.update": "Data pasien diubah",
    "clinic.consumable": "Bahan habis pakai klinik dipakai",
    "clinic.prescriber.save": "Penulis resep klinik disimpan",
    "clinic.prescription": "Resep klinik dikirim ke apotek",
    "clinic.service.add": "Layanan klinik ditambahkan",
    "clinic.service.remove": "Layanan klinik dihapus",
    "clinic.visit.amend": "Rekam medis dikoreksi",
    "clinic.referral": "Surat rujukan dibuat",
    "clinic.tariff.save": "Tarif layanan klinik disimpan",
    "clinic.visit.cancel": "Kunjungan klinik dibatalkan",
    "clinic.visit.finish": "Pemeriksaan klinik selesai",
    "clinic.visit.record": "Rekam medis dicatat",
    "clinic.visit.register": "Pasien masuk antrean klinik",
    "pharmacy.duty_start": "Apoteker mulai bertugas",
    "pharmacy.duty_end": "Apoteker selesai bertugas",
    "pharmacy.write_off_expired": "Obat kedaluwarsa dihapus dari stok",
    "drug.create": "Obat baru didaftarkan",
    "drug.update": "Data obat diubah",
    "rx.create": "Resep dicatat",
    "rx.cancel": "Resep dibatalkan",
    "rx.dispense": "Resep dilayani",
    "rx.refund": "Retur obat resep",
    "fish.prices": "Harga ikan hari ini disimpan",
    "fish.purchase": "Pembelian ikan dari nelayan",
    "fish.purchase.void": "Pembatalan pembelian ikan",
    "livestock.buy": "Ternak dibeli",
    "livestock.sell": "Ternak dijual",
    "livestock.death": "Ternak mati (dihapus dari stok)",
    "local.agent.settle": "Setoran dana agen ke penyedia",
    "local.agent.void": "Transaksi agen/PPOB dibatalkan",
    "local.agent.txn": "Transaksi agen/PPOB",
    "local.cold.in": "Peti masuk cold storage",
    "local.cold.out": "Peti keluar cold storage (ditagih)",
    "local.unit.create": "Unit lokal dibuka",
    "local.unit.settings": "Pengaturan unit lokal diubah",
    "logistics.cod_in": "COD diterima dari kurir",
    "logistics.cod_out": "COD diserahkan ke pengirim",
    "logistics.courier_paid": "Pembayaran ke mitra kurir",
    "logistics.intake_paid": "Ongkos kirim dibayar",
    "logistics.intake_void": "Ongkos kirim dibatalkan (dikembalikan ke pengirim)",
    "parcel.courier": "Mitra kurir disimpan",
    "parcel.intake": "Paket diterima",
    "parcel.status": "Status paket diubah",
    "parcel.tariff": "Tarif zona ditambahkan",
}


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    ip: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user = relationship("User")

    @property
    def detail(self) -> dict[str, Any]:
        return json.loads(self.detail_json or "{}")

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def record(
    action: str,
    *,
    user: Any = None,
    cooperative: Any = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append an audit row (flush only; the caller's transaction commits it)."""
    if ip is None and has_request_context():
        ip = request.remote_addr or ""
    event = AuditEvent(
        cooperative_id=getattr(cooperative, "id", cooperative),
        user_id=getattr(user, "id", user),
        action=action,
        target=target[:120],
        detail_json=json.dumps(detail or {}, default=str, ensure_ascii=False),
        ip=(ip or "")[:64],
    )
    db.session.add(event)
    return event
