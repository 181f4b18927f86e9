"""Forms of the fisheries and livestock pages. Choices (fish items, members) are filled by the
view from the unit; weights stay text here and are parsed by the services (Decimal, 3 dp)."""

from __future__ import annotations

import uuid

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

    item = _select("Jenis ikan")
    grade = _select("Mutu", {"": "—"} | GRADES)
    weight = StringField("Berat (kg)", validators=[opsional(), panjang(20)])
    price = RupiahField("Harga/kg (kosong = daftar)", validators=[opsional()])

    def is_blank(self) -> bool:
        return not (self.weight.data or "").strip()


class CatchForm(FlaskForm):
    member_id = _select("Nelayan anggota")
    seller_name = StringField("Nama penjual bukan anggota", validators=[opsional(), panjang(200)])
    method = _select("Dibayar", FISH_METHODS, "Pilih cara bayar.")
    lines = FieldList(FormField(CatchLineForm), min_entries=4, max_entries=MAX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class FishVoidForm(FlaskForm):
    reason = StringField("Alasan pembatalan", validators=[wajib(), panjang(300)])


class FishItemForm(FlaskForm):
    name = StringField("Nama ikan", validators=[wajib("Nama ikan wajib diisi."), panjang(120)])
    price_member = RupiahField("Harga jual anggota/kg", validators=[wajib("Isi harga jual.")])
    price_general = RupiahField("Harga jual umum/kg", validators=[wajib("Isi harga jual.")])


class PricesForm(FlaskForm):
    """Only CSRF: the prices come as ``price-<item>-<grade>`` fields the view reads."""


class AnimalForm(FlaskForm):
    tag = StringField("Nomor eartag", validators=[wajib("Nomor eartag wajib diisi."), panjang(30)])
    species = _select("Jenis ternak", {"": "— pilih —"} | SPECIES, "Pilih jenis ternak.")
    sex = _select("Kelamin", {"": "— pilih —"} | SEXES, "Pilih jenis kelamin.")
    cost = RupiahField("Harga beli (Rp)", validators=[wajib("Isi harga beli.")])
    paid_from = _select("Dibayar", PAID_FROM, "Pilih cara bayar.")
    member_id = _select("Penjual anggota")
    seller_name = StringField("Nama penjual bukan anggota", validators=[opsional(), panjang(200)])
    weight = StringField("Bobot awal (kg)", validators=[opsional(), panjang(20)])
    note = StringField("Catatan", validators=[opsional(), panjang(300)])


class CostForm(FlaskForm):
    kind = _select(
        "Jenis biaya", {k: v for k, v in COST_KINDS.items() if k != "beli"}, "Pilih jenis biaya."
    )
    amount = RupiahField("Jumlah (Rp)", validators=[wajib("Isi jumlah.")])
    paid_from = _select("Dibayar", PAID_FROM, "Pilih cara bayar.")
    description = StringField("Keterangan", validators=[opsional(), panjang(200)])
    # one key per form shown: a double submit adds the cost once
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class WeighForm(FlaskForm):
    weight = StringField("Bobot (kg)", validators=[wajib("Isi bobot."), panjang(20)])
    note = StringField("Catatan", validators=[opsional(), panjang(200)])


class SellForm(FlaskForm):
    basis = _select("Dasar harga", SALE_BASES, "Pilih dasar harga.")
    price = RupiahField("Harga (per ekor atau per kg)", validators=[wajib("Isi harga.")])
    weight = StringField("Bobot hidup (kg, bila per kg)", validators=[opsional(), panjang(20)])
    method = _select("Dibayar", {"tunai": "Tunai", "qris": "QRIS"}, "Pilih cara bayar.")
    buyer_member_id = _select("Pembeli anggota")
    buyer_name = StringField("Nama pembeli bukan anggota", validators=[opsional(), panjang(200)])


class DeathForm(FlaskForm):
    note = StringField(
        "Sebab kematian", validators=[wajib("Tuliskan sebab kematian."), panjang(200)]
    )
