"""Forms of the pharmacy pages (Indonesian messages; WTForms ships none)."""

from __future__ import annotations

import uuid
from decimal import Decimal

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
            raise ValueError("Isi dengan angka, mis. 10 atau 2,5.") from exc
        if qty <= 0:
            raise ValueError("Harus lebih dari nol.")
        self.qty = qty


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label, choices=choices or {}, invalid_choice_message="Pilihan tidak valid.", **kwargs
    )


class PackForm(Form):
    """A pack the drug is also sold in (strip, box), priced as a whole pack."""

    name = StringField("Kemasan", validators=[opsional(), panjang(20)])
    factor = QtyField("Isi (satuan dasar)")
    price_member = RupiahField("Harga anggota")
    price_general = RupiahField("Harga umum")

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip()


class DrugForm(FlaskForm):
    sku = StringField("Kode (SKU)", validators=[wajib("Kode wajib diisi."), panjang(40)])
    name = StringField("Nama obat", validators=[wajib("Nama wajib diisi."), panjang(200)])
    drug_class = pilihan("Golongan", DRUG_CLASSES, validators=[wajib("Pilih golongan.")])
    class_reason = StringField("Alasan perubahan golongan", validators=[opsional(), panjang(300)])
    active_ingredient = StringField("Zat aktif", validators=[opsional(), panjang(200)])
    strength = StringField("Kekuatan", validators=[opsional(), panjang(60)])
    dosage_form = pilihan("Bentuk sediaan", DOSAGE_FORMS)
    base_uom = StringField(
        "Satuan dasar",
        default="tablet",
        validators=[wajib("Satuan dasar wajib diisi."), panjang(20)],
    )
    price_member = RupiahField("Harga anggota per satuan dasar", validators=[wajib("Isi harga.")])
    price_general = RupiahField("Harga umum per satuan dasar", validators=[wajib("Isi harga.")])
    het_per_base = RupiahField("HET per satuan dasar")
    max_per_sale = QtyField("Batas per penjualan (OOT)")
    packs = FieldList(FormField(PackForm), min_entries=2, max_entries=2)
    taxable = BooleanField("Kena PPN (bila PKP)", default=False)
    active = BooleanField("Aktif dijual", default=True)


class DrugFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Cari", validators=[opsional(), panjang(60)])
    golongan = pilihan("Golongan", {"": "Semua golongan", **DRUG_CLASSES}, validators=[opsional()])


class RxLineForm(Form):
    item = SelectField("Obat", choices=[], validate_choice=False)
    qty = QtyField("Jumlah")
    dosage = StringField("Aturan pakai", validators=[opsional(), panjang(200)])

    def is_blank(self) -> bool:
        return not (self.item.data or "")


class OutsideRxForm(FlaskForm):
    patient = pilihan("Pasien terdaftar", [])
    patient_name = StringField(
        "Nama pasien (bila belum terdaftar)", validators=[opsional(), panjang(200)]
    )
    prescriber = StringField(
        "Dokter/bidan penulis resep", validators=[wajib("Penulis resep wajib diisi."), panjang(200)]
    )
    prescriber_note = StringField("SIP / fasilitas", validators=[opsional(), panjang(200)])
    written_on = TanggalField("Tanggal resep", validators=[wajib_input("Tanggal wajib diisi.")])
    lines = FieldList(FormField(RxLineForm), min_entries=RX_LINES, max_entries=RX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class DispenseForm(FlaskForm):
    method = pilihan("Cara bayar", PAY_METHODS, default="tunai")
    tendered = RupiahField("Uang diterima (tunai)")
    reference = StringField("No. referensi QRIS", validators=[opsional(), panjang(64)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class CancelForm(FlaskForm):
    reason = StringField(
        "Alasan pembatalan", validators=[wajib("Alasan wajib diisi."), panjang(300)]
    )


class ActionForm(FlaskForm):
    """A button only (CSRF)."""
