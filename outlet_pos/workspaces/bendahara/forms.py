from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

MAX_LINES = 30


class LineForm(Form):
    """One journal line; a row with no account and no amounts is ignored."""

    account = SelectField(_l("Akun"), choices=[], validate_choice=False, validators=[opsional()])
    unit = SelectField(_l("Unit"), choices=[], validate_choice=False, validators=[opsional()])
    debit = RupiahField(_l("Debit"), validators=[opsional()])
    credit = RupiahField(_l("Kredit"), validators=[opsional()])
    memo = StringField(_l("Keterangan baris"), validators=[opsional(), panjang(200)])

    def is_blank(self) -> bool:
        return (
            not self.account.data
            and not (self.debit.data or "").strip()
            and not (self.credit.data or "").strip()
        )


class ManualEntryForm(FlaskForm):
    date = TanggalField(_l("Tanggal"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    memo = StringField(
        _l("Keterangan"), validators=[wajib(_l("Keterangan wajib diisi.")), panjang(500)]
    )
    lines = FieldList(FormField(LineForm), min_entries=4, max_entries=MAX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def validate_lines(self, field):
        used = [sub.form for sub in field if not sub.form.is_blank()]
        bad = False
        for sub in used:
            if not sub.account.data:
                sub.account.errors.append(_("Pilih akun."))
                bad = True
            d, c = sub.debit.amount, sub.credit.amount
            if sub.debit.errors or sub.credit.errors:
                bad = True
            elif (d or 0) > 0 and (c or 0) > 0:
                sub.credit.errors.append(_("Isi debit atau kredit saja, tidak keduanya."))
                bad = True
            elif not d and not c:
                sub.debit.errors.append(_("Isi jumlah debit atau kredit (bukan nol)."))
                bad = True
        if bad:
            raise ValidationError(_("Periksa baris jurnal yang ditandai."))
        if len(used) < 2:
            raise ValidationError(_("Jurnal harus memiliki paling sedikit dua baris."))


class ReverseForm(FlaskForm):
    date = TanggalField(
        _l("Tanggal pembalikan"), validators=[wajib_input(_l("Tanggal wajib diisi."))]
    )
    reason = StringField(_l("Alasan"), validators=[wajib(_l("Alasan wajib diisi.")), panjang(300)])


class AccountForm(FlaskForm):
    parent = SelectField(
        _l("Akun induk"),
        choices=[],
        validate_choice=False,
        validators=[wajib(_l("Pilih akun induk."))],
    )
    code = StringField(
        _l("Kode (6 angka)"), validators=[wajib(_l("Kode wajib diisi.")), panjang(6)]
    )
    name = StringField(_l("Nama akun"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)])


class PeriodForm(FlaskForm):
    year = HiddenField(validators=[wajib()])
    month = HiddenField(validators=[wajib()])
    reason = StringField(_l("Alasan"), validators=[opsional(), panjang(300)])


class RangeForm(FlaskForm):
    """Date-range filters on report pages (GET, no CSRF)."""

    class Meta:
        csrf = False

    date_from = TanggalField(_l("Dari tanggal"), validators=[opsional()])
    date_to = TanggalField(_l("Sampai tanggal"), validators=[opsional()])
    unit = SelectField(_l("Unit usaha"), choices=[], validate_choice=False, validators=[opsional()])


class JournalFilterForm(RangeForm):
    account = StringField(_l("Kode akun"), validators=[opsional(), panjang(6)])
    source = SelectField(_l("Sumber"), choices=[], validate_choice=False, validators=[opsional()])
    q = StringField(_l("Cari nomor/keterangan"), validators=[opsional(), panjang(100)])
