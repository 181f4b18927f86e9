"""Forms of the purchasing pages: suppliers, goods receipts, bill payments, returns, orders."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

MAX_LINES = 50


class SupplierForm(FlaskForm):
    code = StringField("Kode", validators=[wajib("Kode wajib diisi."), panjang(20)])
    name = StringField("Nama pemasok", validators=[wajib("Nama wajib diisi."), panjang(200)])
    npwp = StringField("NPWP", validators=[opsional(), panjang(25)])
    phone = StringField("Telepon", validators=[opsional(), panjang(20)])
    address = StringField("Alamat", validators=[opsional(), panjang(300)])
    payment_terms_days = StringField(
        "Jangka bayar (hari)", default="0", validators=[opsional(), panjang(3)]
    )

    def validate_payment_terms_days(self, field):
        raw = (field.data or "").strip() or "0"
        if not raw.isascii() or not raw.isdigit() or int(raw) > 365:
            raise ValidationError("Jangka bayar 0 sampai 365 hari (bilangan bulat).")
        self.terms = int(raw)


class ReceiptLineForm(Form):
    """One received line; a row with no item and no quantity is ignored."""

    item = StringField("Barang", validators=[opsional(), panjang(60)])
    unit = StringField("Satuan", validators=[opsional(), panjang(20)])
    qty = StringField("Jumlah", validators=[opsional(), panjang(20)])
    cost = RupiahField("Harga total (Rp)", validators=[opsional()])
    batch = StringField("Batch", validators=[opsional(), panjang(40)])
    expiry = TanggalField("Kedaluwarsa", validators=[opsional()])

    def is_blank(self) -> bool:
        return not any(
            (getattr(self, f).data or "").strip() for f in ("item", "qty", "cost", "batch")
        )


class ReceiptForm(FlaskForm):
    supplier = SelectField(
        "Pemasok", choices=[], validate_choice=False, validators=[wajib("Pilih pemasok.")]
    )
    outlet = SelectField("Gerai", choices=[], validate_choice=False, validators=[opsional()])
    date = TanggalField("Tanggal terima", validators=[wajib_input("Tanggal wajib diisi.")])
    supplier_ref = StringField(
        "No. surat jalan / faktur pemasok", validators=[opsional(), panjang(60)]
    )
    paid = SelectField(
        "Pembayaran",
        choices=[
            SelectChoice("", "Utang (tempo)"),
            SelectChoice("111100", "Lunas: tunai dari kas"),
            SelectChoice("112100", "Lunas: transfer bank"),
        ],
        validate_choice=False,
        validators=[opsional()],
    )
    order = HiddenField()
    lines = FieldList(FormField(ReceiptLineForm), min_entries=3, max_entries=MAX_LINES)
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    def validate_lines(self, field):
        used = [sub.form for sub in field if not sub.form.is_blank()]
        bad = False
        for sub in used:
            if not (sub.item.data or "").strip():
                sub.item.errors.append("Pilih barang.")
                bad = True
            if not (sub.qty.data or "").strip():
                sub.qty.errors.append("Isi jumlah.")
                bad = True
            if sub.cost.amount is None and not sub.cost.errors:
                sub.cost.errors.append("Isi harga total baris (0 bila gratis).")
            if sub.cost.errors or sub.expiry.errors:
                bad = True
        if bad:
            raise ValidationError("Periksa baris barang yang ditandai.")
        if not used:
            raise ValidationError("Isi paling sedikit satu baris barang.")


class PayForm(FlaskForm):
    amount = RupiahField("Jumlah bayar (Rp)", validators=[wajib("Isi jumlah bayar.")])
    account = SelectField(
        "Bayar dari",
        choices=[SelectChoice("112100", "Bank (transfer)"), SelectChoice("111100", "Kas (tunai)")],
        validate_choice=False,
        validators=[wajib("Pilih kas atau bank.")],
    )
    date = TanggalField("Tanggal bayar", validators=[wajib_input("Tanggal wajib diisi.")])
    reference = StringField("Referensi / no. bukti", validators=[opsional(), panjang(64)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class ReturnForm(FlaskForm):
    date = TanggalField("Tanggal retur", validators=[wajib_input("Tanggal wajib diisi.")])
    reason = StringField("Alasan retur", validators=[wajib("Alasan wajib diisi."), panjang(300)])


class OrderLineForm(Form):
    item = StringField("Barang", validators=[opsional(), panjang(60)])
    unit = StringField("Satuan", validators=[opsional(), panjang(20)])
    qty = StringField("Jumlah", validators=[opsional(), panjang(20)])
    cost = RupiahField("Harga satuan (Rp)", validators=[opsional()])

    def is_blank(self) -> bool:
        return not any((getattr(self, f).data or "").strip() for f in ("item", "qty", "cost"))


class OrderForm(FlaskForm):
    supplier = SelectField(
        "Pemasok", choices=[], validate_choice=False, validators=[wajib("Pilih pemasok.")]
    )
    outlet = SelectField("Gerai", choices=[], validate_choice=False, validators=[opsional()])
    date = TanggalField("Tanggal pesan", validators=[wajib_input("Tanggal wajib diisi.")])
    note = StringField("Catatan", validators=[opsional(), panjang(300)])
    lines = FieldList(FormField(OrderLineForm), min_entries=3, max_entries=MAX_LINES)

    def validate_lines(self, field):
        used = [sub.form for sub in field if not sub.form.is_blank()]
        bad = False
        for sub in used:
            for f, msg in ((sub.item, "Pilih barang."), (sub.qty, "Isi jumlah.")):
                if not (f.data or "").strip():
                    f.errors.append(msg)
                    bad = True
            if sub.cost.amount is None and not sub.cost.errors:
                sub.cost.errors.append("Isi harga satuan.")
            if sub.cost.errors:
                bad = True
        if bad:
            raise ValidationError("Periksa baris yang ditandai.")
        if not used:
            raise ValidationError("Isi paling sedikit satu baris barang.")


class CancelOrderForm(FlaskForm):
    order = HiddenField(validators=[wajib()])


class AgingForm(FlaskForm):
    class Meta:
        csrf = False

    as_of = TanggalField("Per tanggal", validators=[opsional()])
