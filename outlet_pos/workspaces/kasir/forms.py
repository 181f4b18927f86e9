"""Forms of the cashier's pages (the selling screen itself posts JSON)."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from outlet_pos.core.sales.models import DENOMINATIONS
from outlet_pos.core.sales.shifts import CASH_COUNTER_ACCOUNTS
from outlet_pos.forms import RupiahField, opsional, panjang, wajib, wajib_input
from outlet_pos.money import format_rupiah


class OpenShiftForm(FlaskForm):
    outlet = SelectField(_l("Gerai"), coerce=int, choices=[], validate_choice=False)
    float_amount = RupiahField(
        _l("Modal awal di laci (uang kembalian)"),
        validators=[wajib_input(_l("Modal awal wajib diisi."))],
    )

    def validate_float_amount(self, field):
        if field.amount is None or field.amount < 0:
            from wtforms.validators import ValidationError

            raise ValidationError(_("Modal awal harus rupiah bulat, mis. 200.000"))


class CashMoveForm(FlaskForm):
    direction = SelectField(
        _l("Arah"),
        choices=[
            SelectChoice("out", _l("Kas keluar dari laci")),
            SelectChoice("in", _l("Kas masuk ke laci")),
        ],
        validate_choice=False,
    )
    amount = RupiahField(_l("Jumlah"), validators=[wajib_input(_l("Jumlah wajib diisi."))])
    account = SelectField(
        _l("Tujuan / asal"),
        choices=[
            SelectChoice("", _l("— pilih —")),
            *(SelectChoice(code, label) for code, label in CASH_COUNTER_ACCOUNTS.items()),
        ],
        validate_choice=False,
        validators=[wajib(_l("Pilih tujuan/asal kas."))],
    )
    reason = StringField(_l("Alasan"), validators=[wajib(_l("Alasan wajib diisi.")), panjang(200)])


class CountField(StringField):
    """How many notes or coins of one value: a whole number, blank is none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = 0
        self.filled = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        self.count = 0
        self.filled = bool(text)
        if not text:
            return
        if not text.isdigit() or len(text) > 6:
            raise ValueError(_("Isi jumlah lembar/keping dengan angka bulat."))
        self.count = int(text)


class CloseShiftForm(FlaskForm):
    note = StringField(_l("Catatan (opsional)"), validators=[opsional(), panjang(300)])

    def denomination_fields(self):
        return [(value, getattr(self, f"d{value}")) for value in DENOMINATIONS]

    def counts(self) -> dict[int, int]:
        return {value: f.count for value, f in self.denomination_fields() if f.count}

    def anything_counted(self) -> bool:
        return any(f.filled for _v, f in self.denomination_fields())


for _value in DENOMINATIONS:
    setattr(
        CloseShiftForm,
        f"d{_value}",
        CountField(format_rupiah(_value), validators=[opsional()]),
    )


class RefundForm(FlaskForm):
    reason = StringField(
        _l("Alasan retur"), validators=[wajib(_l("Alasan retur wajib diisi.")), panjang(300)]
    )
    approver_username = StringField(
        _l("Nama pengguna penyetuju"), validators=[opsional(), panjang(64)]
    )
    approver_password = PasswordField(
        _l("Kata sandi penyetuju"), validators=[opsional(), panjang(128)]
    )
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)
