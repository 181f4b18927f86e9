"""Forms of the expense pages: an expense or other income, its void, its attachment, the list
filters, recurring templates and the monthly posting of them."""

from __future__ import annotations

import re
import uuid

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

KIND_CHOICES = {"expense": "Pengeluaran (beban)", "income": "Pendapatan lain"}


def parse_month(raw: str | None) -> tuple[int, int] | None:
    """``2026-05`` (the browser's month input) or ``05/2026`` as (year, month); None if bad."""
    raw = (raw or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw) or re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if not m:
        return None
    a, b = m.groups()
    year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


class BulanField(StringField):
    """A month typed as YYYY-MM; ``.month`` holds (year, month) once valid."""

    month: tuple[int, int] | None = None

    def pre_validate(self, form):
        self.month = None
        if (self.data or "").strip():
            self.month = parse_month(self.data)
            if self.month is None:
                raise ValidationError("Bulan tidak valid; gunakan format TTTT-BB.")


def _select(label: str, message: str | None = None) -> SelectField:
    validators = [wajib(message)] if message else [opsional()]
    return SelectField(label, choices=[], validate_choice=False, validators=validators)


class ExpenseForm(FlaskForm):
    kind = SelectField("Jenis", choices=KIND_CHOICES, validators=[wajib("Pilih jenis.")])
    date = TanggalField("Tanggal", validators=[wajib_input("Tanggal wajib diisi.")])
    account = _select("Kategori (akun)", "Pilih kategori.")
    amount = RupiahField("Jumlah (Rp)", validators=[wajib("Isi jumlah.")])
    paid_from = _select("Kas/bank", "Pilih kas atau bank.")
    unit = _select("Unit usaha")
    payee = StringField("Dibayar kepada / diterima dari", validators=[opsional(), panjang(120)])
    description = StringField("Keterangan", validators=[wajib("Keterangan wajib diisi."),
                                                        panjang(300)])  # fmt: skip
    reference = StringField("No. nota / referensi", validators=[opsional(), panjang(64)])
    attachment = FileField("Foto/scan nota (JPG, PNG, PDF; maks. 5 MB)")
    attachment_token = HiddenField()
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def validate_amount(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError("Jumlah harus lebih dari nol.")


class VoidForm(FlaskForm):
    reason = StringField("Alasan pembatalan", validators=[wajib("Alasan wajib diisi."),
                                                          panjang(300)])  # fmt: skip


class AttachForm(FlaskForm):
    attachment = FileField("Foto/scan nota")


class ExpenseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    bulan = BulanField("Bulan", validators=[opsional()])
    kategori = _select("Kategori")
    dari = _select("Kas/bank")
    jenis = SelectField("Jenis", choices={"": "Semua", **KIND_CHOICES}, validators=[opsional()])


class RecurringForm(FlaskForm):
    kind = SelectField("Jenis", choices=KIND_CHOICES, validators=[wajib("Pilih jenis.")])
    description = StringField("Keterangan", validators=[wajib("Keterangan wajib diisi."),
                                                        panjang(300)])  # fmt: skip
    payee = StringField("Dibayar kepada / diterima dari", validators=[opsional(), panjang(120)])
    account = _select("Kategori (akun)", "Pilih kategori.")
    amount = RupiahField("Jumlah per bulan (Rp)", validators=[wajib("Isi jumlah.")])
    paid_from = _select("Dibayar dari", "Pilih Kas kecil atau bank.")
    unit = _select("Unit usaha")
    day_of_month = StringField("Tanggal tiap bulan", default="1",
                               validators=[wajib("Isi tanggal 1–31."), panjang(2)])  # fmt: skip
    active = BooleanField("Aktif", default=True)

    def validate_day_of_month(self, field):
        raw = (field.data or "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 31:
            raise ValidationError("Tanggal 1 sampai 31.")

    def validate_amount(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError("Jumlah harus lebih dari nol.")


class RecurringPostForm(FlaskForm):
    bulan = BulanField("Bulan", validators=[wajib("Pilih bulan.")])
