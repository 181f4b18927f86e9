"""Report filters (GET, no CSRF): a date range or a date, and a business unit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from outlet_pos.forms import TanggalField, opsional

SORT_CHOICES = [
    SelectChoice("net", _l("Penjualan bersih")),
    SelectChoice("margin", _l("Laba kotor")),
    SelectChoice("qty", _l("Jumlah terjual")),
]


class RangeFilter(FlaskForm):
    class Meta:
        csrf = False

    date_from = TanggalField(_l("Dari tanggal"), validators=[opsional()])
    date_to = TanggalField(_l("Sampai tanggal"), validators=[opsional()])
    unit = SelectField(_l("Unit usaha"), choices=[], validate_choice=False, validators=[opsional()])


class ItemFilter(RangeFilter):
    sort = SelectField(
        _l("Urutkan menurut"), choices=SORT_CHOICES, validate_choice=False, validators=[opsional()]
    )


class DateFilter(FlaskForm):
    class Meta:
        csrf = False

    as_of = TanggalField(_l("Per tanggal"), validators=[opsional()])
    unit = SelectField(_l("Unit usaha"), choices=[], validate_choice=False, validators=[opsional()])
