"""Forms of the local-unit pages: opening a unit, adding an item to its catalog, cold-room
check-in/out, agent transactions and the settlement with the provider."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from outlet_pos.forms import RupiahField, TanggalField, panjang, wajib
from outlet_pos.units.lokal.agent import TYPES
from outlet_pos.units.lokal.cold_storage import METHODS
from outlet_pos.units.lokal.models import FLOWS, TEMPLATES
from outlet_pos.units.lokal.units import AGENT_TYPE_FEES


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (the flows a unit uses)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UnitForm(FlaskForm):
    name = StringField("Nama unit", validators=[wajib(), panjang(200)])
    code = StringField("Kode unit", validators=[wajib(), panjang(30)])
    outlet = SelectField("Gerai", choices={})
    template = SelectField("Template", choices={k: v[0] for k, v in TEMPLATES.items()})
    flows = CheckboxesField("Alur usaha", choices=dict(FLOWS))
    limit_per_nik_per_day = IntegerField(
        "Batas tabung per NIK per hari", validators=[Optional(), NumberRange(1, 100)]
    )
    het = RupiahField("HET per tabung")
    rate_per_crate_per_day = RupiahField("Tarif per krat per hari")
    fee_pulsa = RupiahField("Fee bawaan pulsa")
    fee_token_listrik = RupiahField("Fee bawaan token listrik")
    fee_bpjs = RupiahField("Fee bawaan BPJS")
    fee_tarik_tunai = RupiahField("Fee bawaan tarik tunai")
    fee_setor_tunai = RupiahField("Fee bawaan setor tunai")
    fee_transfer = RupiahField("Fee bawaan transfer")

    def settings(self) -> dict:
        """The raw settings of the chosen template, for the service to check."""
        return {
            "limit_per_nik_per_day": self.limit_per_nik_per_day.data,
            "het": self.het.amount,
            "rate_per_crate_per_day": self.rate_per_crate_per_day.amount,
            "types": {c: getattr(self, f"fee_{c}").amount for c in AGENT_TYPE_FEES},
        }


class ItemForm(FlaskForm):
    name = StringField("Nama barang/jasa", validators=[wajib(), panjang(200)])
    sku = StringField("SKU (kosongkan: otomatis)", validators=[panjang(40)])
    base_uom = StringField("Satuan", validators=[wajib(), panjang(20)])
    price_member = RupiahField("Harga anggota", validators=[wajib()])
    price_general = RupiahField("Harga umum", validators=[wajib()])


class ColdInForm(FlaskForm):
    owner_name = StringField("Nama pemilik", validators=[panjang(200)])
    member_number = StringField("Nomor anggota (bila anggota)", validators=[panjang(20)])
    crates = IntegerField("Jumlah krat", validators=[wajib(), NumberRange(1, 100_000)])
    day = TanggalField("Tanggal masuk", validators=[wajib()])
    note = StringField("Catatan", validators=[panjang(300)])


class ColdOutForm(FlaskForm):
    method = SelectField("Cara bayar", choices=dict(METHODS))


class AgentForm(FlaskForm):
    txn_type = SelectField("Jenis transaksi", choices={k: v[0] for k, v in TYPES.items()})
    amount = RupiahField("Nominal", validators=[wajib()])
    fee = RupiahField("Fee")
    customer = StringField("Pelanggan / nomor tujuan", validators=[panjang(200)])
    reference = StringField("Nomor referensi", validators=[panjang(100)])
    # one key per form shown: a double submit records the transaction once
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class AgentVoidForm(FlaskForm):
    txn_id = IntegerField("Transaksi", validators=[wajib()])
    reason = StringField("Alasan pembatalan", validators=[wajib(), panjang(300)])


class SettleForm(FlaskForm):
    bank_account = SelectField("Dari/ke rekening", choices={})
