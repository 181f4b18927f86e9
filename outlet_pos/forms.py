"""Form building blocks with messages in Bahasa Indonesia.

WTForms ships no Indonesian catalogue, so every validator here carries its own message;
forms use these instead of the bare WTForms ones.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from outlet_pos.money import MoneyError, parse_rupiah

# Lazy: a form class is built once at import, its messages are read in each request's language.
WAJIB_DIISI = _l("Wajib diisi.")


def wajib(message: str | LazyString = WAJIB_DIISI) -> DataRequired:
    return DataRequired(message=message)


def wajib_input(message: str | LazyString = WAJIB_DIISI) -> InputRequired:
    return InputRequired(message=message)


def panjang(max: int, min: int = -1) -> Length:
    # Lazy, and left for WTForms' Length to fill: it formats its message with min and max.
    if min > 0:
        msg = _l("Panjang harus %(min)d–%(max)d karakter.")
    else:
        msg = _l("Maksimal %(max)d karakter.")
    return Length(min=min, max=max, message=msg)


opsional = Optional


MIN_YEAR, MAX_YEAR = 1900, 2999


class TanggalField(DateField):
    """A date typed as YYYY-MM-DD (the browser's date input) or DD/MM/YYYY."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()[:20]
        for fmt in self.FORMATS:
            try:
                parsed = datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            if not MIN_YEAR <= parsed.year <= MAX_YEAR:
                # Year 0001 parses, but a year before it or a twelve-month window around it
                # does not exist; no cooperative's book reaches that far either way.
                self.data = None
                raise ValueError(
                    _("Tahun harus antara %(low)d dan %(high)d.", low=MIN_YEAR, high=MAX_YEAR)
                )
            self.data = parsed
            return
        self.data = None
        raise ValueError(_("Tanggal tidak valid; gunakan format HH/BB/TTTT."))

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if isinstance(self.data, date) else ""


class RupiahField(StringField):
    """An amount of whole rupiah: ``12.500`` or ``12500``; refuses decimals, signs, exponents."""

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative
        self.amount: int | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.amount = None
        # A form bound to a record keeps the record's integer for a field left out.
        text = str(self.data if self.data is not None else "").strip()
        if not text:
            return
        if len(text) > 30:
            raise ValueError(_("Jumlah terlalu panjang."))
        try:
            self.amount = parse_rupiah(text, allow_negative=self.allow_negative)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None
