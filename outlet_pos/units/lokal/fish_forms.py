"""Forms of the fisheries and livestock pages. Choices (fish items, members) are filled by the
view from the unit; weights stay text here and are parsed by the services (Decimal, 3 dp)."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField

from outlet_pos.forms import RupiahField, opsional, panjang, wajib
from outlet_pos.units.lokal.fish_models import COST_KINDS, FISH_METHODS, GRADES, SEXES, SPECIES
from outlet_pos.units.lokal.livestock import PAID_FROM, SALE_BASES

MAX_LINES = 8


def _select(label: str, choices=None, message: str | None = None) -> SelectField:
    validators = [wajib(message)] if message else [opsional()]
    return SelectField(label, choices=choices or [], validate_choice=False, validators=validators)


class CatchLineForm(Form):
    """One fish line; a row with no weight is ignored."""

    item = _select(_l("Jenis ikan"))
    grade = _select(_l("Mutu"), {"": "—"} | GRADES)
    weight = StringField(_l("Berat (kg)"), validators=[opsional(), panjang(20)])
    price = RupiahField(_l("Harga/kg (kosong = daftar)"), validators=[opsional()])

    def is_blank(self) -> bool:
        return not (self.weight.data or "").strip()


class CatchForm(FlaskForm):
    member_id = _select(_l("Nelayan anggota"))
    seller_name = StringField(
        _l("Nama penjual bukan anggota"), validators=[opsional(), panjang(200)]
    )
    method = _select(_l("Dibayar"), FISH_METHODS, _l("Pilih cara bayar."))
    lines = FieldList(FormField(CatchLineForm), min_entries=4, max_entries=MAX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class FishVoidForm(FlaskForm):
    reason = StringField(_l("Alasan pembatalan"), validators=[wajib(), panjang(300)])


class FishItemForm(FlaskForm):
    name = StringField(
        _l("Nama ikan"), validators=[wajib(_l("Nama ikan wajib diisi.")), panjang(120)]
    )
    price_member = RupiahField(
        _l("Harga jual anggota/kg"), validators=[wajib(_l("Isi harga jual."))]
    )
    price_general = RupiahField(_l("Harga jual umum/kg"), validators=[wajib(_l("Isi harga jual."))])


class PricesForm(FlaskForm):
    """Only CSRF: the prices come as ``price-<item>-<grade>`` fields the view reads."""


class AnimalForm(FlaskForm):
    tag = StringField(
        _l("Nomor eartag"), validators=[wajib(_l("Nomor eartag wajib diisi.")), panjang(30)]
    )
    species = _select(
        _l("Jenis ternak"), lambda: {"": _("— pilih —")} | SPECIES, _l("Pilih jenis ternak.")
    )
    sex = _select(_l("Kelamin"), lambda: {"": _("— pilih —")} | SEXES, _l("Pilih jenis kelamin."))
    cost = RupiahField(_l("Harga beli (Rp)"), validators=[wajib(_l("Isi harga beli."))])
    paid_from = _select(_l("Dibayar"), PAID_FROM, _l("Pilih cara bayar."))
    member_id = _select(_l("Penjual anggota"))
    seller_name = StringField(
        _l("Nama penjual bukan anggota"), validators=[opsional(), panjang(200)]
    )
    weight = StringField(_l("Bobot awal (kg)"), validators=[opsional(), panjang(20)])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])


class CostForm(FlaskForm):
    kind = _select(
        _l("Jenis biaya"),
        {k: v for k, v in COST_KINDS.items() if k != "beli"},
        _l("Pilih jenis biaya."),
    )
    amount = RupiahField(_l("Jumlah (Rp)"), validators=[wajib(_l("Isi jumlah."))])
    paid_from = _select(_l("Dibayar"), PAID_FROM, _l("Pilih cara bayar."))
    description = StringField(_l("Keterangan"), validators=[opsional(), panjang(200)])
    # one key per form shown: a double submit adds the cost once
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class WeighForm(FlaskForm):
    weight = StringField(_l("Bobot (kg)"), validators=[wajib(_l("Isi bobot.")), panjang(20)])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(200)])


class SellForm(FlaskForm):
    basis = _select(_l("Dasar harga"), SALE_BASES, _l("Pilih dasar harga."))
    price = RupiahField(_l("Harga (per ekor atau per kg)"), validators=[wajib(_l("Isi harga."))])
    weight = StringField(_l("Bobot hidup (kg, bila per kg)"), validators=[opsional(), panjang(20)])
    method = _select(
        _l("Dibayar"), lambda: {"tunai": _("Tunai"), "qris": "QRIS"}, _l("Pilih cara bayar.")
    )
    buyer_member_id = _select(_l("Pembeli anggota"))
    buyer_name = StringField(
        _l("Nama pembeli bukan anggota"), validators=[opsional(), panjang(200)]
    )


class DeathForm(FlaskForm):
    note = StringField(
        _l("Sebab kematian"), validators=[wajib(_l("Tuliskan sebab kematian.")), panjang(200)]
    )
