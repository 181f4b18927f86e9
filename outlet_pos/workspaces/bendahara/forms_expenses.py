"""Forms of the expense pages: an expense or other income, its void, its attachment, the list
filters, recurring templates and the monthly posting of them."""

from __future__ import annotations

import re
import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

KIND_CHOICES = {"expense": _l("Pengeluaran (beban)"), "income": _l("Pendapatan lain")}


def kind_choices() -> dict[str, str]:
    # WTForms takes only plain strings as dict choices: resolved per form, in the user's language.
    return {k: str(v) for k, v in KIND_CHOICES.items()}


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
                raise ValidationError(_("Bulan tidak valid; gunakan format TTTT-BB."))


def _select(label: str, message: str | None = None) -> SelectField:
    validators = [wajib(message)] if message else [opsional()]
    return SelectField(label, choices=[], validate_choice=False, validators=validators)


class ExpenseForm(FlaskForm):
    kind = SelectField(_l("Jenis"), choices=kind_choices, validators=[wajib(_l("Pilih jenis."))])
    date = TanggalField(_l("Tanggal"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    account = _select(_l("Kategori (akun)"), _l("Pilih kategori."))
    amount = RupiahField(_l("Jumlah (Rp)"), validators=[wajib(_l("Isi jumlah."))])
    paid_from = _select(_l("Kas/bank"), _l("Pilih kas atau bank."))
    unit = _select(_l("Unit usaha"))
    payee = StringField(_l("Dibayar kepada / diterima dari"), validators=[opsional(), panjang(120)])
    description = StringField(
        _l("Keterangan"), validators=[wajib(_l("Keterangan wajib diisi.")), panjang(300)]
    )
    reference = StringField(_l("No. nota / referensi"), validators=[opsional(), panjang(64)])
    attachment = FileField(_l("Foto/scan nota (JPG, PNG, PDF; maks. 5 MB)"))
    attachment_token = HiddenField()
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def validate_amount(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError(_("Jumlah harus lebih dari nol."))


class VoidForm(FlaskForm):
    reason = StringField(
        _l("Alasan pembatalan"), validators=[wajib(_l("Alasan wajib diisi.")), panjang(300)]
    )


class AttachForm(FlaskForm):
    attachment = FileField(_l("Foto/scan nota"))


class ExpenseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    bulan = BulanField(_l("Bulan"), validators=[opsional()])
    kategori = _select(_l("Kategori"))
    dari = _select(_l("Kas/bank"))
    jenis = SelectField(
        _l("Jenis"), choices=lambda: {"": _("Semua"), **kind_choices()}, validators=[opsional()]
    )


class RecurringForm(FlaskForm):
    kind = SelectField(_l("Jenis"), choices=kind_choices, validators=[wajib(_l("Pilih jenis."))])
    description = StringField(
        _l("Keterangan"), validators=[wajib(_l("Keterangan wajib diisi.")), panjang(300)]
    )
    payee = StringField(_l("Dibayar kepada / diterima dari"), validators=[opsional(), panjang(120)])
    account = _select(_l("Kategori (akun)"), _l("Pilih kategori."))
    amount = RupiahField(_l("Jumlah per bulan (Rp)"), validators=[wajib(_l("Isi jumlah."))])
    paid_from = _select(_l("Dibayar dari"), _l("Pilih Kas kecil atau bank."))
    unit = _select(_l("Unit usaha"))
    day_of_month = StringField(
        _l("Tanggal tiap bulan"),
        default="1",
        validators=[wajib(_l("Isi tanggal 1–31.")), panjang(2)],
    )
    active = BooleanField(_l("Aktif"), default=True)

    def validate_day_of_month(self, field):
        raw = (field.data or "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 31:
            raise ValidationError(_("Tanggal 1 sampai 31."))

    def validate_amount(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError(_("Jumlah harus lebih dari nol."))


class RecurringPostForm(FlaskForm):
    bulan = BulanField(_l("Bulan"), validators=[wajib(_l("Pilih bulan."))])
