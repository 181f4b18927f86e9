"""Forms of the catalog and stock pages, with Indonesian messages (WTForms has none)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField

from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import INVENTORY_ACCOUNTS
from outlet_pos.core.inventory.io import MODES, ROUNDINGS, TARGETS
from outlet_pos.core.inventory.services import parse_qty
from outlet_pos.forms import RupiahField, opsional, panjang, wajib

MAX_EXTRA_UNITS = 6
NUMERIC = {"class": "amount", "inputmode": "decimal"}


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    """A select whose unknown value is refused in Indonesian."""
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message=_l("Pilihan tidak valid."),
        invalid_value_message=_l("Pilihan tidak valid."),
        **kwargs,
    )


class JumlahField(StringField):
    """A quantity: ``2``, ``1,5`` or ``1.5`` -> ``.qty`` (Decimal), refused in Indonesian."""

    def __init__(self, *args, allow_zero: bool = False, **kwargs):
        kwargs.setdefault("render_kw", NUMERIC)
        super().__init__(*args, **kwargs)
        self.allow_zero = allow_zero
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
            raise ValueError(_("Isi dengan angka, mis. 12 atau 2,5.")) from exc
        if qty < 0 or (qty == 0 and not self.allow_zero):
            raise ValueError(
                _("Harus lebih dari nol.") if not self.allow_zero else _("Tidak boleh negatif.")
            )
        self.qty = qty


class ExtraUnitForm(Form):
    """A pack the item is also sold in (carton, sack), with its own prices and barcodes."""

    name = StringField(_l("Nama satuan"), validators=[opsional(), panjang(20)])
    factor = JumlahField(_l("Isi (satuan dasar)"), validators=[opsional()])
    price_member = RupiahField(_l("Harga anggota"), validators=[opsional()], render_kw=NUMERIC)
    price_general = RupiahField(_l("Harga umum"), validators=[opsional()], render_kw=NUMERIC)
    barcodes = StringField(_l("Barcode"), validators=[opsional(), panjang(300)])

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip()
            for f in (self.name, self.factor, self.price_member, self.price_general, self.barcodes)
        )


class ItemForm(FlaskForm):
    sku = StringField(_l("SKU"), validators=[wajib(_l("SKU wajib diisi.")), panjang(40)])
    name = StringField(
        _l("Nama barang"), validators=[wajib(_l("Nama barang wajib diisi.")), panjang(200)]
    )
    unit = pilihan(
        _l("Unit usaha"), validate_choice=False, validators=[wajib(_l("Pilih unit usaha."))]
    )
    category = StringField(_l("Kategori"), validators=[opsional(), panjang(80)])
    base_uom = StringField(
        _l("Satuan dasar"), validators=[wajib(_l("Satuan dasar wajib diisi.")), panjang(20)]
    )
    decimals = pilihan(
        _l("Desimal satuan dasar"),
        {"0": "0 — utuh (pcs, botol)", "1": "1", "2": "2", "3": "3 — kg, liter"},
        default="0",
    )
    price_member = RupiahField(
        _l("Harga anggota"), validators=[wajib(_l("Harga anggota wajib diisi."))], render_kw=NUMERIC
    )
    price_general = RupiahField(
        _l("Harga umum"), validators=[wajib(_l("Harga umum wajib diisi."))], render_kw=NUMERIC
    )
    barcodes = StringField(_l("Barcode satuan dasar"), validators=[opsional(), panjang(300)])
    reorder_point = JumlahField(_l("Titik pesan ulang"), validators=[opsional()], allow_zero=True)
    inventory_account = pilihan(
        _l("Akun persediaan"), {k: f"{k} {v}" for k, v in INVENTORY_ACCOUNTS.items()}
    )
    taxable = BooleanField(_l("Kena PPN (jika koperasi PKP)"), default=True)
    track_batch = BooleanField(_l("Lacak batch dan tanggal kedaluwarsa"))
    active = BooleanField(_l("Aktif dijual"), default=True)
    extra = FieldList(FormField(ExtraUnitForm), min_entries=3, max_entries=MAX_EXTRA_UNITS)

    def validate_extra(self, field):
        bad = False
        for sub in field:
            f = sub.form
            if f.is_blank():
                continue
            if not (f.name.data or "").strip():
                f.name.errors.append(_("Nama satuan wajib diisi."))
                bad = True
            if f.factor.qty is None and not f.factor.errors:
                f.factor.errors.append(_("Isi satuan wajib diisi."))
                bad = True
            for price in (f.price_member, f.price_general):
                if price.amount is None and not price.errors:
                    price.errors.append(_("Harga wajib diisi."))
                    bad = True
            bad = bad or any(x.errors for x in (f.factor, f.price_member, f.price_general))
        if bad:
            from wtforms.validators import ValidationError

            raise ValidationError(_("Periksa satuan tambahan yang ditandai."))


def split_codes(text: str | None) -> list[str]:
    """Barcodes typed with ';', ',' or spaces between them."""
    return [c for c in (text or "").replace(",", ";").replace(" ", ";").split(";") if c.strip()]


class ItemFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cari"), validators=[opsional(), panjang(60)])
    unit = pilihan(_l("Unit usaha"), validate_choice=False)
    category = pilihan(_l("Kategori"), validate_choice=False)
    active = pilihan(
        _l("Status"), {"": "Semua", "1": "Aktif", "0": "Nonaktif"}, validate_choice=False
    )


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas CSV atau Excel (.xlsx)"))
    token = HiddenField()  # names the uploaded file kept for the confirm step
    filename = HiddenField()


class BulkPriceForm(FlaskForm):
    unit = pilihan(_l("Unit usaha"), validate_choice=False)
    category = pilihan(_l("Kategori"), validate_choice=False)
    target = pilihan(_l("Harga yang diubah"), dict(TARGETS), default="both")
    mode = pilihan(_l("Cara"), dict(MODES), default="percent")
    change = StringField(
        _l("Perubahan"), validators=[wajib(_l("Isi besar perubahan."))], render_kw=NUMERIC
    )
    rounding = pilihan(
        _l("Bulatkan ke"),
        {
            str(r): "Rp1 (tanpa pembulatan)" if r == 1 else f"Rp{r:,}".replace(",", ".")
            for r in ROUNDINGS
        },
        default="100",
    )
    fingerprint = HiddenField()  # of the previewed changes: apply only what was seen

    def parsed_change(self) -> Decimal | None:
        text = (self.change.data or "").strip().replace(" ", "")
        if self.mode.data == "fixed":
            text = text.replace(".", "")  # "-1.000" is a thousand rupiah
        try:
            value = parse_qty(text.lstrip("+-")) * (-1 if text.startswith("-") else 1)
        except DomainError:
            self.change.errors.append(_("Isi dengan angka, mis. 5, -2,5 atau -1.000."))
            return None
        return value


class StockFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cari"), validators=[opsional(), panjang(60)])
    location = pilihan(_l("Lokasi"), validate_choice=False)
    unit = pilihan(_l("Unit usaha"), validate_choice=False)
    category = pilihan(_l("Kategori"), validate_choice=False)
    status = pilihan(
        _l("Status stok"),
        {"": "Semua", "low": "Perlu pesan ulang", "out": "Habis"},
        validate_choice=False,
    )


class TransferForm(FlaskForm):
    item = StringField(
        _l("Barang (SKU atau barcode)"),
        validators=[wajib(_l("Pilih barang.")), panjang(60)],
        render_kw={"list": "sembako-items", "autocomplete": "off"},
    )
    source = pilihan(
        _l("Dari lokasi"), validate_choice=False, validators=[wajib(_l("Pilih lokasi asal."))]
    )
    target = pilihan(
        _l("Ke lokasi"), validate_choice=False, validators=[wajib(_l("Pilih lokasi tujuan."))]
    )
    qty = JumlahField(_l("Jumlah (satuan dasar)"), validators=[wajib(_l("Isi jumlah."))])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])


class WriteOffForm(FlaskForm):
    item = StringField(
        _l("Barang (SKU atau barcode)"),
        validators=[wajib(_l("Pilih barang.")), panjang(60)],
        render_kw={"list": "sembako-items", "autocomplete": "off"},
    )
    location = pilihan(_l("Lokasi"), validate_choice=False, validators=[wajib(_l("Pilih lokasi."))])
    batch = StringField(
        _l("Nomor batch (kosongkan: yang paling dulu kedaluwarsa)"),
        validators=[opsional(), panjang(40)],
    )
    qty = JumlahField(_l("Jumlah (satuan dasar)"), validators=[wajib(_l("Isi jumlah."))])
    reason = StringField(
        _l("Alasan"), validators=[wajib(_l("Alasan penghapusan wajib diisi.")), panjang(300)]
    )


class CountCreateForm(FlaskForm):
    location = pilihan(_l("Lokasi"), validate_choice=False, validators=[wajib(_l("Pilih lokasi."))])
    category = pilihan(_l("Kategori (kosongkan: semua barang)"), validate_choice=False)
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])


class CountCancelForm(FlaskForm):
    reason = StringField(_l("Alasan pembatalan"), validators=[opsional(), panjang(300)])


class StockCardForm(FlaskForm):
    class Meta:
        csrf = False

    lokasi = pilihan(_l("Lokasi"), validate_choice=False)
