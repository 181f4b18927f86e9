"""Forms of the local-unit pages: opening a unit, adding an item to its catalog, cold-room
check-in/out, agent transactions and the settlement with the provider."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
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
    name = StringField(_l("Nama unit"), validators=[wajib(), panjang(200)])
    code = StringField(_l("Kode unit"), validators=[wajib(), panjang(30)])
    outlet = SelectField(_l("Gerai"), choices={})
    template = SelectField(_l("Template"), choices={k: v[0] for k, v in TEMPLATES.items()})
    flows = CheckboxesField(_l("Alur usaha"), choices=dict(FLOWS))
    limit_per_nik_per_day = IntegerField(
        _l("Batas tabung per NIK per hari"), validators=[Optional(), NumberRange(1, 100)]
    )
    het = RupiahField(_l("HET per tabung"))
    rate_per_crate_per_day = RupiahField(_l("Tarif per krat per hari"))
    fee_pulsa = RupiahField(_l("Fee bawaan pulsa"))
    fee_token_listrik = RupiahField(_l("Fee bawaan token listrik"))
    fee_bpjs = RupiahField(_l("Fee bawaan BPJS"))
    fee_tarik_tunai = RupiahField(_l("Fee bawaan tarik tunai"))
    fee_setor_tunai = RupiahField(_l("Fee bawaan setor tunai"))
    fee_transfer = RupiahField(_l("Fee bawaan transfer"))

    def settings(self) -> dict:
        """The raw settings of the chosen template, for the service to check."""
        return {
            "limit_per_nik_per_day": self.limit_per_nik_per_day.data,
            "het": self.het.amount,
            "rate_per_crate_per_day": self.rate_per_crate_per_day.amount,
            "types": {c: getattr(self, f"fee_{c}").amount for c in AGENT_TYPE_FEES},
        }


class ItemForm(FlaskForm):
    name = StringField(_l("Nama barang/jasa"), validators=[wajib(), panjang(200)])
    sku = StringField(_l("SKU (kosongkan: otomatis)"), validators=[panjang(40)])
    base_uom = StringField(_l("Satuan"), validators=[wajib(), panjang(20)])
    price_member = RupiahField(_l("Harga anggota"), validators=[wajib()])
    price_general = RupiahField(_l("Harga umum"), validators=[wajib()])


class ColdInForm(FlaskForm):
    owner_name = StringField(_l("Nama pemilik"), validators=[panjang(200)])
    member_number = StringField(_l("Nomor anggota (bila anggota)"), validators=[panjang(20)])
    crates = IntegerField(_l("Jumlah krat"), validators=[wajib(), NumberRange(1, 100_000)])
    day = TanggalField(_l("Tanggal masuk"), validators=[wajib()])
    note = StringField(_l("Catatan"), validators=[panjang(300)])


class ColdOutForm(FlaskForm):
    method = SelectField(_l("Cara bayar"), choices=dict(METHODS))


class AgentForm(FlaskForm):
    txn_type = SelectField(_l("Jenis transaksi"), choices={k: v[0] for k, v in TYPES.items()})
    amount = RupiahField(_l("Nominal"), validators=[wajib()])
    fee = RupiahField(_l("Fee"))
    customer = StringField(_l("Pelanggan / nomor tujuan"), validators=[panjang(200)])
    reference = StringField(_l("Nomor referensi"), validators=[panjang(100)])
    # one key per form shown: a double submit records the transaction once
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class AgentVoidForm(FlaskForm):
    txn_id = IntegerField(_l("Transaksi"), validators=[wajib()])
    reason = StringField(_l("Alasan pembatalan"), validators=[wajib(), panjang(300)])


class SettleForm(FlaskForm):
    bank_account = SelectField(_l("Dari/ke rekening"), choices={})
