"""Report filters (GET, no CSRF): a date range or a date, and a business unit."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from outlet_pos.forms import TanggalField, opsional

SORT_CHOICES = [
    SelectChoice("net", "Penjualan bersih"),
    SelectChoice("margin", "Laba kotor"),
    SelectChoice("qty", "Jumlah terjual"),
]


class RangeFilter(FlaskForm):
    class Meta:
        csrf = False

    date_from = TanggalField("Dari tanggal", validators=[opsional()])
    date_to = TanggalField("Sampai tanggal", validators=[opsional()])
    unit = SelectField("Unit usaha", choices=[], validate_choice=False, validators=[opsional()])


class ItemFilter(RangeFilter):
    sort = SelectField(
        "Urutkan menurut", choices=SORT_CHOICES, validate_choice=False, validators=[opsional()]
    )


class DateFilter(FlaskForm):
    class Meta:
        csrf = False

    as_of = TanggalField("Per tanggal", validators=[opsional()])
    unit = SelectField("Unit usaha", choices=[], validate_choice=False, validators=[opsional()])
