"""Forms of the simpan pinjam pages, with Indonesian messages, and the small parsing helpers
the one-field action forms (setor, tarik, bayar) share."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
            raise ValueError(_("Isi dengan bilangan bulat, mis. 12."))
        self.data = int(text)


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message=_l("Pilihan tidak valid."),
        invalid_value_message=_l("Pilihan tidak valid."),
        **kwargs,
    )


class MemberForm(FlaskForm):
    name = StringField(_l("Nama lengkap (sesuai KTP)"), [wajib(), panjang(200)])
    nik = StringField(
        _l("NIK"),
        [wajib(_l("NIK wajib diisi (16 angka sesuai KTP)."))],
        render_kw={"inputmode": "numeric", "maxlength": 16},
    )
    birth_date = TanggalField(_l("Tanggal lahir"), [opsional()])
    address = StringField(_l("Alamat (RT/RW, dusun)"), [panjang(300)])
    desa = StringField(_l("Desa/kelurahan"), [panjang(100)])
    phone = StringField(_l("Nomor HP"), [panjang(20)], render_kw={"inputmode": "tel"})
    occupation = StringField(_l("Pekerjaan"), [panjang(100)])
    heir_name = StringField(_l("Nama ahli waris"), [panjang(200)])
    heir_relation = StringField(_l("Hubungan ahli waris"), [panjang(50)])
    pay_pokok = BooleanField(_l("Bayar simpanan pokok sekarang"), default=True)
    via = pilihan(_l("Cara bayar"), dict(VIAS), default="tunai")

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
    member = StringField(_l("Nomor anggota"), [wajib(_l("Isi nomor anggota."))])
    product = pilihan(_l("Produk pinjaman"), coerce=int)
    principal = RupiahField(_l("Jumlah pinjaman"), [wajib()])
    months = AngkaField(_l("Jangka waktu (bulan)"), [wajib(_l("Isi jangka waktu."))])
    purpose = StringField(_l("Tujuan pinjaman"), [wajib(), panjang(200)])
    monthly_income = RupiahField(_l("Penghasilan per bulan"), [opsional()])
    collateral_note = TextAreaField(_l("Jaminan (keterangan)"), [panjang(300)])


class LoanProductForm(FlaskForm):
    code = StringField(_l("Kode"), [wajib(), panjang(20)])
    name = StringField(_l("Nama produk"), [wajib(), panjang(100)])
    annual_rate = StringField(
        _l("Bunga per tahun (%)"), [wajib()], render_kw={"inputmode": "decimal"}
    )
    method = pilihan(_l("Metode"), dict(METHODS))
    min_months = AngkaField(_l("Jangka minimal (bulan)"), [wajib()])
    max_months = AngkaField(_l("Jangka maksimal (bulan)"), [wajib()])
    admin_fee = RupiahField(_l("Biaya administrasi"), [opsional()])
    provisi_percent = StringField(_l("Provisi (%)"), default="0")
    penalty_daily_percent = StringField(_l("Denda per hari (%)"), default="0")
    grace_days = AngkaField(_l("Masa tenggang (hari)"), default=0)
    active = BooleanField(_l("Aktif"), default=True)


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
    code = StringField(_l("Kode"), [wajib(), panjang(20)])
    name = StringField(_l("Nama produk"), [wajib(), panjang(100)])
    kind = pilihan(_l("Jenis simpanan"))
    annual_rate = StringField(
        _l("Bunga per tahun (%)"), [wajib()], render_kw={"inputmode": "decimal"}
    )
    interest_basis = pilihan(_l("Dasar bunga sukarela"))
    term_months = AngkaField(_l("Jangka berjangka (bulan)"), default=0)
    early_penalty_percent = StringField(_l("Penalti cair sebelum jatuh tempo (%)"), default="0")
