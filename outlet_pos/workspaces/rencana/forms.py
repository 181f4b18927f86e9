"""Forms of the business-plan pages. The entry form has one sub-form per (unit, metric) row,
built for the cooperative's own units, so errors sit next to the amount that caused them and
what the user typed is kept."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, RadioField, StringField
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField

MODES = {"tahunan": "Setahun (dibagi rata)", "bulanan": "Per bulan"}
MAX_GROWTH = Decimal(1000)


class PlanRowForm(Form):
    """One metric of one unit: an annual amount spread over the months, or 12 amounts."""

    cara = RadioField(_l("Cara isi"), choices=MODES, validate_choice=False)
    tahunan = RupiahField(_l("Target setahun"))


for _i in range(1, 13):
    setattr(PlanRowForm, f"b{_i}", RupiahField(f"Bulan {_i}"))


def month_fields(row: Form) -> list:
    return [row[f"b{i}"] for i in range(1, 13)]


def plan_form(keys: list[str], formdata=None, data: dict | None = None) -> FlaskForm:
    """A form with one ``PlanRowForm`` per row key (``u12_sales``, ``koperasi_members``)."""

    class PlanForm(FlaskForm):
        pass

    for key in keys:
        setattr(PlanForm, key, FormField(PlanRowForm))
    if formdata is None:
        return PlanForm(data=data or {})
    return PlanForm(formdata=formdata)


def parse_growth(raw: str | None) -> Decimal:
    """A growth percentage typed as ``10``, ``7,5`` or ``-5``; refuses junk and extremes."""
    text = (raw or "").strip().replace(",", ".").rstrip("%").strip() or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("Pertumbuhan harus berupa angka persen, mis. 10 atau 7,5.")
        ) from None
    if not value.is_finite() or not -100 <= value <= MAX_GROWTH:
        raise ValidationError(
            _("Pertumbuhan harus antara %(low)s dan %(high)s.", low="-100%", high="1.000%")
        )
    return value


class GrowthForm(FlaskForm):
    """The "copy last year's actuals" helper (GET): only fills the form, saves nothing."""

    class Meta:
        csrf = False

    tumbuh = StringField(_l("Pertumbuhan dari realisasi tahun lalu (%)"))
