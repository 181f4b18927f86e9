"""Forms of the purchasing pages: suppliers, goods receipts, bill payments, returns, orders."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input

MAX_LINES = 50


class SupplierForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[wajib(_l("Kode wajib diisi.")), panjang(20)])
    name = StringField(
        _l("Nama pemasok"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)]
    )
    npwp = StringField(_l("NPWP"), validators=[opsional(), panjang(25)])
    phone = StringField(_l("Telepon"), validators=[opsional(), panjang(20)])
    address = StringField(_l("Alamat"), validators=[opsional(), panjang(300)])
    payment_terms_days = StringField(
        _l("Jangka bayar (hari)"), default="0", validators=[opsional(), panjang(3)]
    )

    def validate_payment_terms_days(self, field):
        raw = (field.data or "").strip() or "0"
        if not raw.isascii() or not raw.isdigit() or int(raw) > 365:
            raise ValidationError(_("Jangka bayar 0 sampai 365 hari (bilangan bulat)."))
        self.terms = int(raw)


class ReceiptLineForm(Form):
    """One received line; a row with no item and no quantity is ignored."""

    item = StringField(_l("Barang"), validators=[opsional(), panjang(60)])
    unit = StringField(_l("Satuan"), validators=[opsional(), panjang(20)])
    qty = StringField(_l("Jumlah"), validators=[opsional(), panjang(20)])
    cost = RupiahField(_l("Harga total (Rp)"), validators=[opsional()])
    batch = StringField(_l("Batch"), validators=[opsional(), panjang(40)])
    expiry = TanggalField(_l("Kedaluwarsa"), validators=[opsional()])

    def is_blank(self) -> bool:
        return not any(
            (getattr(self, f).data or "").strip() for f in ("item", "qty", "cost", "batch")
        )


class ReceiptForm(FlaskForm):
    supplier = SelectField(
        _l("Pemasok"), choices=[], validate_choice=False, validators=[wajib(_l("Pilih pemasok."))]
    )
    outlet = SelectField(_l("Gerai"), choices=[], validate_choice=False, validators=[opsional()])
    date = TanggalField(_l("Tanggal terima"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    supplier_ref = StringField(
        _l("No. surat jalan / faktur pemasok"), validators=[opsional(), panjang(60)]
    )
    paid = SelectField(
        _l("Pembayaran"),
        # Built per form (wtforms calls it), so the labels follow the user's language.
        choices=lambda: [
            SelectChoice("", _("Utang (tempo)")),
            SelectChoice("111100", _("Lunas: tunai dari kas")),
            SelectChoice("112100", _("Lunas: transfer bank")),
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
                sub.item.errors.append(_("Pilih barang."))
                bad = True
            if not (sub.qty.data or "").strip():
                sub.qty.errors.append(_("Isi jumlah."))
                bad = True
            if sub.cost.amount is None and not sub.cost.errors:
                sub.cost.errors.append(_("Isi harga total baris (0 bila gratis)."))
            if sub.cost.errors or sub.expiry.errors:
                bad = True
        if bad:
            raise ValidationError(_("Periksa baris barang yang ditandai."))
        if not used:
            raise ValidationError(_("Isi paling sedikit satu baris barang."))


class PayForm(FlaskForm):
    amount = RupiahField(_l("Jumlah bayar (Rp)"), validators=[wajib(_l("Isi jumlah bayar."))])
    account = SelectField(
        _l("Bayar dari"),
        choices=lambda: [
            SelectChoice("112100", _("Bank (transfer)")),
            SelectChoice("111100", _("Kas (tunai)")),
        ],
        validate_choice=False,
        validators=[wajib(_l("Pilih kas atau bank."))],
    )
    date = TanggalField(_l("Tanggal bayar"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    reference = StringField(_l("Referensi / no. bukti"), validators=[opsional(), panjang(64)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class ReturnForm(FlaskForm):
    date = TanggalField(_l("Tanggal retur"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    reason = StringField(
        _l("Alasan retur"), validators=[wajib(_l("Alasan wajib diisi.")), panjang(300)]
    )


class OrderLineForm(Form):
    item = StringField(_l("Barang"), validators=[opsional(), panjang(60)])
    unit = StringField(_l("Satuan"), validators=[opsional(), panjang(20)])
    qty = StringField(_l("Jumlah"), validators=[opsional(), panjang(20)])
    cost = RupiahField(_l("Harga satuan (Rp)"), validators=[opsional()])

    def is_blank(self) -> bool:
        return not any((getattr(self, f).data or "").strip() for f in ("item", "qty", "cost"))


class OrderForm(FlaskForm):
    supplier = SelectField(
        _l("Pemasok"), choices=[], validate_choice=False, validators=[wajib(_l("Pilih pemasok."))]
    )
    outlet = SelectField(_l("Gerai"), choices=[], validate_choice=False, validators=[opsional()])
    date = TanggalField(_l("Tanggal pesan"), validators=[wajib_input(_l("Tanggal wajib diisi."))])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])
    lines = FieldList(FormField(OrderLineForm), min_entries=3, max_entries=MAX_LINES)

    def validate_lines(self, field):
        used = [sub.form for sub in field if not sub.form.is_blank()]
        bad = False
        for sub in used:
            for f, msg in ((sub.item, _("Pilih barang.")), (sub.qty, _("Isi jumlah."))):
                if not (f.data or "").strip():
                    f.errors.append(msg)
                    bad = True
            if sub.cost.amount is None and not sub.cost.errors:
                sub.cost.errors.append(_("Isi harga satuan."))
            if sub.cost.errors:
                bad = True
        if bad:
            raise ValidationError(_("Periksa baris yang ditandai."))
        if not used:
            raise ValidationError(_("Isi paling sedikit satu baris barang."))


class CancelOrderForm(FlaskForm):
    order = HiddenField(validators=[wajib()])


class AgingForm(FlaskForm):
    class Meta:
        csrf = False

    as_of = TanggalField(_l("Per tanggal"), validators=[opsional()])
