from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

MAX_LINES = 30


class LineForm(Form):
    """One journal line; a row with no account and no amounts is ignored."""

    account = SelectField("Akun", choices=[], validate_choice=False, validators=[opsional()])
    unit = SelectField("Unit", choices=[], validate_choice=False, validators=[opsional()])
    debit = RupiahField("Debit", validators=[opsional()])
    credit = RupiahField("Kredit", validators=[opsional()])
    memo = StringField("Keterangan baris", validators=[opsional(), panjang(200)])

    def is_blank(self) -> bool:
        return (
            not self.account.data
            and not (self.debit.data or "").strip()
            and not (self.credit.data or "").strip()
        )


class ManualEntryForm(FlaskForm):
    date = TanggalField("Tanggal", validators=[wajib_input("Tanggal wajib diisi.")])
    memo = StringField("Keterangan", validators=[wajib("Keterangan wajib diisi."), panjang(500)])
    lines = FieldList(FormField(LineForm), min_entries=4, max_entries=MAX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def validate_lines(self, field):
        used = [sub.form for sub in field if not sub.form.is_blank()]
        bad = False
        for sub in used:
            if not sub.account.data:
                sub.account.errors.append("Pilih akun.")
                bad = True
            d, c = sub.debit.amount, sub.credit.amount
            if sub.debit.errors or sub.credit.errors:
                bad = True
            elif (d or 0) > 0 and (c or 0) > 0:
                sub.credit.errors.append("Isi debit atau kredit saja, tidak keduanya.")
                bad = True
            elif not d and not c:
                sub.debit.errors.append("Isi jumlah debit atau kredit (bukan nol).")
                bad = True
        if bad:
            raise ValidationError("Periksa baris jurnal yang ditandai.")
        if len(used) < 2:
            raise ValidationError("Jurnal harus memiliki paling sedikit dua baris.")


class ReverseForm(FlaskForm):
    date = TanggalField("Tanggal pembalikan", validators=[wajib_input("Tanggal wajib diisi.")])
    reason = StringField("Alasan", validators=[wajib("Alasan wajib diisi."), panjang(300)])


class AccountForm(FlaskForm):
    parent = SelectField(
        "Akun induk", choices=[], validate_choice=False, validators=[wajib("Pilih akun induk.")]
    )
    code = StringField("Kode (6 angka)", validators=[wajib("Kode wajib diisi."), panjang(6)])
    name = StringField("Nama akun", validators=[wajib("Nama wajib diisi."), panjang(200)])


class PeriodForm(FlaskForm):
    year = HiddenField(validators=[wajib()])
    month = HiddenField(validators=[wajib()])
    reason = StringField("Alasan", validators=[opsional(), panjang(300)])


class RangeForm(FlaskForm):
    """Date-range filters on report pages (GET, no CSRF)."""

    class Meta:
        csrf = False

    date_from = TanggalField("Dari tanggal", validators=[opsional()])
    date_to = TanggalField("Sampai tanggal", validators=[opsional()])
    unit = SelectField("Unit usaha", choices=[], validate_choice=False, validators=[opsional()])


class JournalFilterForm(RangeForm):
    account = StringField("Kode akun", validators=[opsional(), panjang(6)])
    source = SelectField("Sumber", choices=[], validate_choice=False, validators=[opsional()])
    q = StringField("Cari nomor/keterangan", validators=[opsional(), panjang(100)])
