"""Forms of the fixed-asset pages: registering an asset, disposing of it, the monthly run."""

from __future__ import annotations

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
    name = StringField("Nama aset", validators=[wajib("Nama wajib diisi."), panjang(200)])
    code = StringField("Kode/tag (kosongkan: otomatis)", validators=[opsional(), panjang(30)])
    account = _select("Golongan", "Pilih golongan aset.")
    unit = _select("Unit usaha")
    acquired_on = TanggalField("Tanggal perolehan",
                               validators=[wajib_input("Tanggal wajib diisi.")])  # fmt: skip
    cost = RupiahField("Harga perolehan (Rp)", validators=[wajib("Isi harga perolehan.")])
    residual = RupiahField("Nilai sisa (Rp)", default="0", validators=[opsional()])
    life_months = StringField("Umur manfaat (bulan)",
                              validators=[wajib("Isi umur manfaat."), panjang(3)])  # fmt: skip
    funding = _select("Sumber dana", "Pilih sumber dana.")
    location = StringField("Lokasi", validators=[opsional(), panjang(120)])
    notes = StringField("Catatan", validators=[opsional(), panjang(300)])

    def validate_life_months(self, field):
        raw = (field.data or "").strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 600:
            raise ValidationError("Umur manfaat 1 sampai 600 bulan (bilangan bulat).")

    def validate_cost(self, field):
        if field.amount is not None and field.amount <= 0:
            raise ValidationError("Harga perolehan harus lebih dari nol.")


class DisposeForm(FlaskForm):
    date = TanggalField("Tanggal pelepasan", validators=[wajib_input("Tanggal wajib diisi.")])
    kind = SelectField("Cara", choices=DISPOSAL_KINDS, validators=[wajib("Pilih cara.")])
    proceeds = RupiahField("Harga jual (Rp)", validators=[opsional()])
    proceeds_account = _select("Hasil penjualan masuk ke")
    reason = StringField("Keterangan/alasan", validators=[wajib("Keterangan wajib diisi."),
                                                          panjang(300)])  # fmt: skip


class DepreciationForm(FlaskForm):
    bulan = BulanField("Bulan", validators=[wajib("Pilih bulan.")])
