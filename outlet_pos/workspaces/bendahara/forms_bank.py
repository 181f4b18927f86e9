"""Forms of the bank pages: the account register, the CSV column mapping, the statement import,
cash deposits/withdrawals/transfers and posting from a statement line."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.core.banking.statement_csv import DATE_FORMATS, DELIMITERS, NUMBER_STYLES
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input


def pilihan(label: str, choices=None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message=_l("Pilihan tidak valid."),
        invalid_value_message=_l("Pilihan tidak valid."),
        **kwargs,
    )


class BankAccountForm(FlaskForm):
    bank_name = StringField(
        _l("Nama bank"),
        [wajib(_l("Nama bank wajib diisi.")), panjang(60)],
        render_kw={"list": "banks"},
    )
    account_number = StringField(
        _l("Nomor rekening"), [wajib(_l("Nomor rekening wajib diisi.")), panjang(40)]
    )
    holder_name = StringField(
        _l("Atas nama"), [wajib(_l("Nama pemilik rekening wajib diisi.")), panjang(200)]
    )
    opened_on = TanggalField(_l("Tanggal dibuka"), [opsional()])
    active = BooleanField(_l("Rekening aktif"), default=True)


class MappingForm(FlaskForm):
    delimiter = pilihan(_l("Pemisah kolom"), DELIMITERS)
    skip_rows = StringField(
        _l("Baris dilewati sebelum judul kolom"), default="0", validators=[opsional(), panjang(2)]
    )
    date_column = StringField(
        _l("Kolom tanggal"), [wajib(_l("Kolom tanggal wajib diisi.")), panjang(60)]
    )
    date_format = pilihan(_l("Format tanggal"), DATE_FORMATS)
    description_column = StringField(
        _l("Kolom keterangan"), [wajib(_l("Kolom keterangan wajib diisi.")), panjang(60)]
    )
    reference_column = StringField(_l("Kolom referensi (boleh kosong)"), [opsional(), panjang(60)])
    amount_column = StringField(
        _l("Kolom jumlah bertanda (+ masuk, − keluar)"), [opsional(), panjang(60)]
    )
    debit_column = StringField(_l("Kolom debet (uang keluar)"), [opsional(), panjang(60)])
    credit_column = StringField(_l("Kolom kredit (uang masuk)"), [opsional(), panjang(60)])
    balance_column = StringField(_l("Kolom saldo (boleh kosong)"), [opsional(), panjang(60)])
    number_style = pilihan(_l("Format angka"), NUMBER_STYLES)

    def validate_skip_rows(self, field):
        raw = (field.data or "").strip() or "0"
        if not raw.isascii() or not raw.isdigit() or int(raw) > 50:
            raise ValidationError(_("Isi 0 sampai 50."))

    def values(self) -> dict:
        out = {name: getattr(self, name).data or "" for name in (
            "delimiter", "date_column", "date_format", "description_column", "reference_column",
            "amount_column", "debit_column", "credit_column", "balance_column", "number_style",
        )}  # fmt: skip
        out["skip_rows"] = int((self.skip_rows.data or "0").strip() or 0)
        return out


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas rekening koran (CSV)"))
    token = HiddenField()  # names the uploaded file kept for the confirm step
    filename = HiddenField()
    period_start = TanggalField(_l("Periode dari"), [opsional()])
    period_end = TanggalField(_l("Periode sampai"), [opsional()])


CASH_KINDS = {
    "deposit": _l("Setor tunai (kas → bank)"),
    "withdraw": _l("Tarik tunai (bank → kas)"),
    "transfer": _l("Pindah antar rekening (bank → bank)"),
}


def cash_kinds() -> dict[str, str]:
    # WTForms takes only plain strings as dict choices: resolved per form, in the user's language.
    return {k: str(v) for k, v in CASH_KINDS.items()}


class CashMoveForm(FlaskForm):
    kind = pilihan(_l("Jenis"), cash_kinds)
    bank = pilihan(
        _l("Rekening bank"), validate_choice=False, validators=[wajib(_l("Pilih rekening."))]
    )
    target = pilihan(
        _l("Rekening tujuan (pindah antar rekening)"),
        validate_choice=False,
        validators=[opsional()],
    )
    amount = RupiahField(
        _l("Jumlah (Rp)"),
        [wajib_input(_l("Jumlah wajib diisi."))],
        render_kw={"inputmode": "numeric"},
    )
    date = TanggalField(_l("Tanggal"), [wajib_input(_l("Tanggal wajib diisi."))])
    memo = StringField(_l("Keterangan (boleh kosong)"), [opsional(), panjang(300)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class PostLineForm(FlaskForm):
    kind = pilihan(_l("Jenis"), validate_choice=False, validators=[wajib(_l("Pilih jenis."))])
    account = pilihan(
        _l("Akun lain (untuk jenis lainnya)"), validate_choice=False, validators=[opsional()]
    )
    memo = StringField(_l("Keterangan jurnal (boleh kosong)"), [opsional(), panjang(300)])
