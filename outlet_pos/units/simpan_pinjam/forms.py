"""Forms of the simpan pinjam pages, with Indonesian messages, and the small parsing helpers
the one-field action forms (setor, tarik, bayar) share."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField

from outlet_pos.core.errors import ValidationError
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib
from outlet_pos.money import MoneyError, parse_rupiah
from outlet_pos.units.simpan_pinjam.common import VIAS
from outlet_pos.units.simpan_pinjam.schedule import METHODS


class AngkaField(IntegerField):
    """A whole number with an Indonesian message (WTForms' own is English)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        if not text.isdigit() or len(text) > 6:
            self.data = None
            raise ValueError("Isi dengan bilangan bulat, mis. 12.")
        self.data = int(text)


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message="Pilihan tidak valid.",
        invalid_value_message="Pilihan tidak valid.",
        **kwargs,
    )


class MemberForm(FlaskForm):
    name = StringField("Nama lengkap (sesuai KTP)", [wajib(), panjang(200)])
    nik = StringField(
        "NIK",
        [wajib("NIK wajib diisi (16 angka sesuai KTP).")],
        render_kw={"inputmode": "numeric", "maxlength": 16},
    )
    birth_date = TanggalField("Tanggal lahir", [opsional()])
    address = StringField("Alamat (RT/RW, dusun)", [panjang(300)])
    desa = StringField("Desa/kelurahan", [panjang(100)])
    phone = StringField("Nomor HP", [panjang(20)], render_kw={"inputmode": "tel"})
    occupation = StringField("Pekerjaan", [panjang(100)])
    heir_name = StringField("Nama ahli waris", [panjang(200)])
    heir_relation = StringField("Hubungan ahli waris", [panjang(50)])
    pay_pokok = BooleanField("Bayar simpanan pokok sekarang", default=True)
    via = pilihan("Cara bayar", dict(VIAS), default="tunai")

    def values(self) -> dict:
        return {
            k: getattr(self, k).data
            for k in (
                "name",
                "nik",
                "birth_date",
                "address",
                "desa",
                "phone",
                "occupation",
                "heir_name",
                "heir_relation",
            )
        }


class LoanForm(FlaskForm):
    member = StringField("Nomor anggota", [wajib("Isi nomor anggota.")])
    product = pilihan("Produk pinjaman", coerce=int)
    principal = RupiahField("Jumlah pinjaman", [wajib()])
    months = AngkaField("Jangka waktu (bulan)", [wajib("Isi jangka waktu.")])
    purpose = StringField("Tujuan pinjaman", [wajib(), panjang(200)])
    monthly_income = RupiahField("Penghasilan per bulan", [opsional()])
    collateral_note = TextAreaField("Jaminan (keterangan)", [panjang(300)])


class LoanProductForm(FlaskForm):
    code = StringField("Kode", [wajib(), panjang(20)])
    name = StringField("Nama produk", [wajib(), panjang(100)])
    annual_rate = StringField("Bunga per tahun (%)", [wajib()], render_kw={"inputmode": "decimal"})
    method = pilihan("Metode", dict(METHODS))
    min_months = AngkaField("Jangka minimal (bulan)", [wajib()])
    max_months = AngkaField("Jangka maksimal (bulan)", [wajib()])
    admin_fee = RupiahField("Biaya administrasi", [opsional()])
    provisi_percent = StringField("Provisi (%)", default="0")
    penalty_daily_percent = StringField("Denda per hari (%)", default="0")
    grace_days = AngkaField("Masa tenggang (hari)", default=0)
    active = BooleanField("Aktif", default=True)


def form_amount(name: str = "amount") -> int:
    """A rupiah amount from a one-field action form, refused in Indonesian."""
    try:
        return parse_rupiah(request.form.get(name, ""))
    except MoneyError as exc:
        raise ValidationError(str(exc) or "Jumlah tidak valid.", field=name) from None


def form_int(name: str, label: str, lo: int = 1, hi: int = 360) -> int:
    text = (request.form.get(name) or "").strip()
    digits = text.isascii() and text.isdigit() and len(text) <= 9
    if not digits or not lo <= int(text) <= hi:
        raise ValidationError(f"{label} harus angka {lo}–{hi}.", field=name)
    return int(text)


def form_via() -> str:
    via = request.form.get("via", "tunai")
    if via not in VIAS:
        raise ValidationError("Pilih cara bayar.", field="via")
    return via


class SavingsProductForm(FlaskForm):
    code = StringField("Kode", [wajib(), panjang(20)])
    name = StringField("Nama produk", [wajib(), panjang(100)])
    kind = pilihan("Jenis simpanan")
    annual_rate = StringField("Bunga per tahun (%)", [wajib()], render_kw={"inputmode": "decimal"})
    interest_basis = pilihan("Dasar bunga sukarela")
    term_months = AngkaField("Jangka berjangka (bulan)", default=0)
    early_penalty_percent = StringField("Penalti cair sebelum jatuh tempo (%)", default="0")
