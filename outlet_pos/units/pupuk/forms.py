"""Forms of the fertilizer pages, with Indonesian messages (WTForms' own are English)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField

from outlet_pos.forms import TanggalField, panjang, wajib
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES


class DesimalField(StringField):
    """A decimal as people type it (``0,75`` or ``0.75``); ``qty`` holds the Decimal."""

    def __init__(self, *args, places: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places
        self.qty: Decimal | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.qty = None
        text = (self.data or "").strip().replace(" ", "")
        if not text:
            return
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
            if not value.is_finite() or "e" in text.lower():
                raise InvalidOperation
            # quantize raises InvalidOperation, not ValueError, past 28 digits
            exact = value == value.quantize(Decimal(1).scaleb(-self.places))
        except InvalidOperation:
            raise ValueError(_("Isi dengan angka, mis. 0,75.")) from None
        if not exact:
            raise ValueError(
                _("Paling banyak %(places)s angka di belakang koma.", places=self.places)
            )
        if value < 0:
            raise ValueError(_("Tidak boleh negatif."))
        self.qty = value


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message=_l("Pilihan tidak valid."),
        invalid_value_message=_l("Pilihan tidak valid."),
        **kwargs,
    )


class FarmerForm(FlaskForm):
    name = StringField(
        _l("Nama petani (sesuai KTP)"), [wajib(_l("Nama petani wajib diisi.")), panjang(200)]
    )
    nik = StringField(
        _l("NIK"),
        [wajib(_l("NIK wajib diisi (16 angka sesuai KTP)."))],
        render_kw={"inputmode": "numeric", "maxlength": 16},
    )
    poktan = StringField(_l("Kelompok tani (poktan)"), [panjang(100)])
    desa = StringField(_l("Desa"), [panjang(100)])
    land_ha = DesimalField(_l("Luas lahan (ha)"), render_kw={"inputmode": "decimal"})
    commodities = StringField(_l("Komoditas"), [panjang(200)])
    phone = StringField(_l("Nomor HP"), [panjang(20)], render_kw={"inputmode": "tel"})
    active = BooleanField(_l("Aktif (boleh menebus)"), default=True)

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "nik": self.nik.data,
            "poktan": self.poktan.data,
            "desa": self.desa.data,
            "land_ha": self.land_ha.qty or Decimal(0),
            "commodities": self.commodities.data,
            "phone": self.phone.data,
            "active": self.active.data,
        }


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas e-RDKK (CSV atau Excel .xlsx)"))
    token = HiddenField()  # names the uploaded file kept for the confirm step
    filename = HiddenField()


class HetForm(FlaskForm):
    fertilizer_type = pilihan(_l("Jenis pupuk"), dict(FERTILIZER_TYPES))
    valid_from = TanggalField(_l("Berlaku mulai"), [wajib(_l("Tanggal berlaku wajib diisi."))])
    rp_per_kg = StringField(
        _l("HET per kg (Rp)"),
        [wajib(_l("HET per kg wajib diisi."))],
        render_kw={"inputmode": "numeric"},
    )
    bag_kg = StringField(_l("Isi karung (kg, boleh kosong)"), render_kw={"inputmode": "numeric"})
    source = StringField(_l("Dasar hukum (nomor Kepmentan)"), [wajib(), panjang(300)])


def whole_number(text: str | None, label: str, field: str) -> int | None:
    """``"1.800"`` or ``"1800"`` as 1800; empty as None; anything else refused by name."""
    from outlet_pos.core.errors import ValidationError

    raw = (text or "").strip().replace(".", "").replace(" ", "")
    if raw.lower().startswith("rp"):
        raw = raw[2:]
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise ValidationError(f"{label} harus bilangan bulat, mis. 1.800.", field=field)
    return int(raw)


def month_of(text: str | None, default: date) -> date:
    """``2026-02`` as the first of that month; anything else gives ``default``'s month."""
    parts = (text or "").split("-")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        year, month = int(parts[0]), int(parts[1])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return default.replace(day=1)
