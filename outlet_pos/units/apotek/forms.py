"""Forms of the pharmacy pages (Indonesian messages; WTForms ships none)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField

from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import parse_qty
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input
from outlet_pos.units.apotek.dispense import PAY_METHODS
from outlet_pos.units.apotek.models import DOSAGE_FORMS, DRUG_CLASSES

NUMERIC = {"class": "amount", "inputmode": "decimal"}
RX_LINES = 6


class QtyField(StringField):
    """A quantity: ``20`` or ``2,5`` -> ``.qty`` (Decimal), refused in Indonesian."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", NUMERIC)
        super().__init__(*args, **kwargs)
        self.qty: Decimal | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.qty = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            qty = parse_qty(text)
        except DomainError as exc:
            raise ValueError(_("Isi dengan angka, mis. 10 atau 2,5.")) from exc
        if qty <= 0:
            raise ValueError(_("Harus lebih dari nol."))
        self.qty = qty


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label, choices=choices or {}, invalid_choice_message=_l("Pilihan tidak valid."), **kwargs
    )


class PackForm(Form):
    """A pack the drug is also sold in (strip, box), priced as a whole pack."""

    name = StringField(_l("Kemasan"), validators=[opsional(), panjang(20)])
    factor = QtyField(_l("Isi (satuan dasar)"))
    price_member = RupiahField(_l("Harga anggota"))
    price_general = RupiahField(_l("Harga umum"))

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip()


class DrugForm(FlaskForm):
    sku = StringField(_l("Kode (SKU)"), validators=[wajib(_l("Kode wajib diisi.")), panjang(40)])
    name = StringField(_l("Nama obat"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)])
    drug_class = pilihan(_l("Golongan"), DRUG_CLASSES, validators=[wajib(_l("Pilih golongan."))])
    class_reason = StringField(
        _l("Alasan perubahan golongan"), validators=[opsional(), panjang(300)]
    )
    active_ingredient = StringField(_l("Zat aktif"), validators=[opsional(), panjang(200)])
    strength = StringField(_l("Kekuatan"), validators=[opsional(), panjang(60)])
    dosage_form = pilihan(_l("Bentuk sediaan"), DOSAGE_FORMS)
    base_uom = StringField(
        _l("Satuan dasar"),
        default="tablet",
        validators=[wajib(_l("Satuan dasar wajib diisi.")), panjang(20)],
    )
    price_member = RupiahField(
        _l("Harga anggota per satuan dasar"), validators=[wajib(_l("Isi harga."))]
    )
    price_general = RupiahField(
        _l("Harga umum per satuan dasar"), validators=[wajib(_l("Isi harga."))]
    )
    het_per_base = RupiahField(_l("HET per satuan dasar"))
    max_per_sale = QtyField(_l("Batas per penjualan (OOT)"))
    packs = FieldList(FormField(PackForm), min_entries=2, max_entries=2)
    taxable = BooleanField(_l("Kena PPN (bila PKP)"), default=False)
    active = BooleanField(_l("Aktif dijual"), default=True)


class DrugFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cari"), validators=[opsional(), panjang(60)])
    golongan = pilihan(
        _l("Golongan"), {"": "Semua golongan", **DRUG_CLASSES}, validators=[opsional()]
    )


class RxLineForm(Form):
    item = SelectField(_l("Obat"), choices=[], validate_choice=False)
    qty = QtyField(_l("Jumlah"))
    dosage = StringField(_l("Aturan pakai"), validators=[opsional(), panjang(200)])

    def is_blank(self) -> bool:
        return not (self.item.data or "")


class OutsideRxForm(FlaskForm):
    patient = pilihan(_l("Pasien terdaftar"), [])
    patient_name = StringField(
        _l("Nama pasien (bila belum terdaftar)"), validators=[opsional(), panjang(200)]
    )
    prescriber = StringField(
        _l("Dokter/bidan penulis resep"),
        validators=[wajib(_l("Penulis resep wajib diisi.")), panjang(200)],
    )
    prescriber_note = StringField(_l("SIP / fasilitas"), validators=[opsional(), panjang(200)])
    written_on = TanggalField(
        _l("Tanggal resep"), validators=[wajib_input(_l("Tanggal wajib diisi."))]
    )
    lines = FieldList(FormField(RxLineForm), min_entries=RX_LINES, max_entries=RX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class DispenseForm(FlaskForm):
    method = pilihan(_l("Cara bayar"), PAY_METHODS, default="tunai")
    tendered = RupiahField(_l("Uang diterima (tunai)"))
    reference = StringField(_l("No. referensi QRIS"), validators=[opsional(), panjang(64)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Alasan pembatalan"), validators=[wajib(_l("Alasan wajib diisi.")), panjang(300)]
    )


class ActionForm(FlaskForm):
    """A button only (CSRF)."""
