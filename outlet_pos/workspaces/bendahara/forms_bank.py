"""Forms of the bank pages: the account register, the CSV column mapping, the statement import,
cash deposits/withdrawals/transfers and posting from a statement line."""

from __future__ import annotations

import uuid

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
        invalid_choice_message="Pilihan tidak valid.",
        invalid_value_message="Pilihan tidak valid.",
        **kwargs,
    )


class BankAccountForm(FlaskForm):
    bank_name = StringField(
        "Nama bank", [wajib("Nama bank wajib diisi."), panjang(60)], render_kw={"list": "banks"}
    )
    account_number = StringField("Nomor rekening", [wajib("Nomor rekening wajib diisi."),
                                                    panjang(40)])  # fmt: skip
    holder_name = StringField("Atas nama", [wajib("Nama pemilik rekening wajib diisi."),
                                            panjang(200)])  # fmt: skip
    opened_on = TanggalField("Tanggal dibuka", [opsional()])
    active = BooleanField("Rekening aktif", default=True)


class MappingForm(FlaskForm):
    delimiter = pilihan("Pemisah kolom", DELIMITERS)
    skip_rows = StringField("Baris dilewati sebelum judul kolom", default="0",
                            validators=[opsional(), panjang(2)])  # fmt: skip
    date_column = StringField("Kolom tanggal", [wajib("Kolom tanggal wajib diisi."), panjang(60)])
    date_format = pilihan("Format tanggal", DATE_FORMATS)
    description_column = StringField(
        "Kolom keterangan", [wajib("Kolom keterangan wajib diisi."), panjang(60)]
    )
    reference_column = StringField("Kolom referensi (boleh kosong)", [opsional(), panjang(60)])
    amount_column = StringField(
        "Kolom jumlah bertanda (+ masuk, − keluar)", [opsional(), panjang(60)]
    )
    debit_column = StringField("Kolom debet (uang keluar)", [opsional(), panjang(60)])
    credit_column = StringField("Kolom kredit (uang masuk)", [opsional(), panjang(60)])
    balance_column = StringField("Kolom saldo (boleh kosong)", [opsional(), panjang(60)])
    number_style = pilihan("Format angka", NUMBER_STYLES)

    def validate_skip_rows(self, field):
        raw = (field.data or "").strip() or "0"
        if not raw.isascii() or not raw.isdigit() or int(raw) > 50:
            raise ValidationError("Isi 0 sampai 50.")

    def values(self) -> dict:
        out = {name: getattr(self, name).data or "" for name in (
            "delimiter", "date_column", "date_format", "description_column", "reference_column",
            "amount_column", "debit_column", "credit_column", "balance_column", "number_style",
        )}  # fmt: skip
        out["skip_rows"] = int((self.skip_rows.data or "0").strip() or 0)
        return out


class ImportForm(FlaskForm):
    file = FileField("Berkas rekening koran (CSV)")
    token = HiddenField()  # names the uploaded file kept for the confirm step
    filename = HiddenField()
    period_start = TanggalField("Periode dari", [opsional()])
    period_end = TanggalField("Periode sampai", [opsional()])


CASH_KINDS = {
    "deposit": "Setor tunai (kas → bank)",
    "withdraw": "Tarik tunai (bank → kas)",
    "transfer": "Pindah antar rekening (bank → bank)",
}


class CashMoveForm(FlaskForm):
    kind = pilihan("Jenis", CASH_KINDS)
    bank = pilihan("Rekening bank", validate_choice=False, validators=[wajib("Pilih rekening.")])
    target = pilihan("Rekening tujuan (pindah antar rekening)", validate_choice=False,
                     validators=[opsional()])  # fmt: skip
    amount = RupiahField("Jumlah (Rp)", [wajib_input("Jumlah wajib diisi.")],
                         render_kw={"inputmode": "numeric"})  # fmt: skip
    date = TanggalField("Tanggal", [wajib_input("Tanggal wajib diisi.")])
    memo = StringField("Keterangan (boleh kosong)", [opsional(), panjang(300)])
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)


class PostLineForm(FlaskForm):
    kind = pilihan("Jenis", validate_choice=False, validators=[wajib("Pilih jenis.")])
    account = pilihan("Akun lain (untuk jenis lainnya)", validate_choice=False,
                      validators=[opsional()])  # fmt: skip
    memo = StringField("Keterangan jurnal (boleh kosong)", [opsional(), panjang(300)])
