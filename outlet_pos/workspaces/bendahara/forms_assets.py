"""Forms of the fixed-asset pages: registering an asset, disposing of it, the monthly run."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.core.assets.models import DISPOSAL_KINDS
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input
from outlet_pos.workspaces.bendahara.forms_expenses import BulanField


def _select(label: str, message: str | None = None) -> SelectField:
    validators = [wajib(message)] if message else [opsional()]
    return SelectField(label, choices=[], validate_choice=False, validators=validators)


class AssetForm(FlaskForm):
    name = StringField(_l("Nama aset"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)])
    code = StringField(_l("Kode/tag (kosongkan: otomatis)"), validators=[opsional(), panjang(30)])
    account = _select(_l("Golongan"), _l("Pilih golongan aset."))
    unit = _select(_l("Unit usaha"))
    acquired_on = TanggalField(
        _l("Tanggal perolehan"), validators=[wajib_input(_l("Tanggal wajib diisi."))]
    )
    cost = RupiahField(_l("Harga perolehan (Rp)"), validators=[wajib(_l("Isi harga perolehan."))])
    residual = RupiahField(_l("Nilai sisa (Rp)"), default="0", validators=[opsional()])
    life_months = StringField(
        _l("Umur manfaat (bulan)"), validators=[wajib(_l("Isi umur manfaat.")), panjang(3)]
    )
    funding = _select(_l("Sumber dana"), _l("Pilih sumber dana."))
    location = StringField(_l("Lokasi"), validators=[opsional(), panjang(120)])
    notes = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])

    def validate_life_months(self, field):
        raw = (field.data or "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 600:
            raise ValidationError(_("Umur manfaat 1 sampai 600 bulan (bilangan bulat)."))

    def validate_cost(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError(_("Harga perolehan harus lebih dari nol."))


class DisposeForm(FlaskForm):
    date = TanggalField(
        _l("Tanggal pelepasan"), validators=[wajib_input(_l("Tanggal wajib diisi."))]
    )
    kind = SelectField(_l("Cara"), choices=DISPOSAL_KINDS, validators=[wajib(_l("Pilih cara."))])
    proceeds = RupiahField(_l("Harga jual (Rp)"), validators=[opsional()])
    proceeds_account = _select(_l("Hasil penjualan masuk ke"))
    reason = StringField(
        _l("Keterangan/alasan"), validators=[wajib(_l("Keterangan wajib diisi.")), panjang(300)]
    )


class DepreciationForm(FlaskForm):
    bulan = BulanField(_l("Bulan"), validators=[wajib(_l("Pilih bulan."))])
