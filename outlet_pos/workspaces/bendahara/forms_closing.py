"""Forms of the closing pages: month close, waive and reopen; daily close and the cash
deposit; year close."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input


class WaiveForm(FlaskForm):
    year = HiddenField(validators=[wajib()])
    month = HiddenField(validators=[wajib()])
    item = HiddenField(validators=[wajib()])
    reason = StringField(_l("Alasan dilewati"), validators=[opsional(), panjang(300)])


class DailyCloseForm(FlaskForm):
    day = HiddenField(validators=[wajib()])
    note = StringField(
        _l("Catatan (wajib jika kas tidak disetor: alasannya)"),
        validators=[opsional(), panjang(300)],
    )


class DepositForm(FlaskForm):
    day = HiddenField(validators=[wajib()])
    bank = SelectField(
        _l("Rekening bank tujuan"),
        choices={},
        validate_choice=False,
        validators=[wajib(_l("Pilih rekening bank."))],
    )
    amount = RupiahField(_l("Jumlah disetor"), validators=[wajib_input(_l("Jumlah wajib diisi."))])
    memo = StringField(
        _l("Keterangan (mis. nomor slip setoran)"), validators=[opsional(), panjang(200)]
    )
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class DayPickForm(FlaskForm):
    """The day shown on the daily-close page (GET, no CSRF)."""

    class Meta:
        csrf = False

    day = TanggalField(_l("Tanggal"), validators=[opsional()])


class YearCloseForm(FlaskForm):
    year = HiddenField(validators=[wajib()])
