"""Forms of the clinic pages. Values are checked again by the services (the forms only turn
text into plain values and show messages beside their fields)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField

from outlet_pos.core.errors import DomainError
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib
from outlet_pos.units.klinik.models import SEXES
from outlet_pos.units.klinik.visit_models import BILL_METHODS, PROFESSIONS


def place_error(form: FlaskForm, exc: DomainError) -> None:
    """A service's message beside the field it names, else at the top of the form."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


class PatientForm(FlaskForm):
    name = StringField(
        _l("Nama pasien"), validators=[wajib(_l("Nama pasien wajib diisi.")), panjang(200)]
    )
    nik = StringField(_l("NIK (opsional)"), validators=[opsional(), panjang(16)])
    member_number = StringField(_l("Nomor anggota koperasi (opsional)"),
                                validators=[opsional(), panjang(20)])  # fmt: skip
    birth_date = TanggalField(_l("Tanggal lahir"), validators=[opsional()])
    sex = SelectField(_l("Jenis kelamin"), choices=lambda: {"": _("— pilih —")} | SEXES,
                      validators=[wajib(_l("Pilih jenis kelamin."))])  # fmt: skip
    address = StringField(_l("Alamat"), validators=[opsional(), panjang(300)])
    phone = StringField(_l("Telepon"), validators=[opsional(), panjang(20)])
    allergies = TextAreaField(_l("Alergi obat/makanan"), validators=[opsional(), panjang(2000)])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("name", "nik", "member_number", "birth_date", "sex", "address", "phone",
                 "allergies")}  # fmt: skip


class QueueForm(FlaskForm):
    patient = StringField(
        _l("Nomor RM atau NIK pasien"), validators=[wajib(_l("Isi nomor RM/NIK.")), panjang(20)]
    )


class RecordForm(FlaskForm):
    complaint = TextAreaField(_l("Keluhan"), validators=[opsional(), panjang(4000)])
    systolic = StringField(_l("Sistolik (mmHg)"), validators=[opsional(), panjang(6)])
    diastolic = StringField(_l("Diastolik (mmHg)"), validators=[opsional(), panjang(6)])
    pulse = StringField(_l("Nadi (x/menit)"), validators=[opsional(), panjang(6)])
    temperature = StringField(_l("Suhu (°C)"), validators=[opsional(), panjang(6)])
    weight = StringField(_l("Berat (kg)"), validators=[opsional(), panjang(8)])
    height = StringField(_l("Tinggi (cm)"), validators=[opsional(), panjang(8)])
    spo2 = StringField(_l("Saturasi O₂ (%)"), validators=[opsional(), panjang(6)])
    examination = TextAreaField(_l("Pemeriksaan fisik"), validators=[opsional(), panjang(4000)])
    icd10_code = StringField(_l("Kode ICD-10"), validators=[opsional(), panjang(10)],
                             render_kw={"list": "icd10-list", "autocomplete": "off"})  # fmt: skip
    diagnosis_text = StringField(_l("Diagnosis"), validators=[opsional(), panjang(300)])
    notes = TextAreaField(_l("Catatan / terapi"), validators=[opsional(), panjang(4000)])
    # Only once the visit is finished or billed: the record then changes by amendment.
    amend_reason = StringField(_l("Alasan koreksi"), validators=[opsional(), panjang(300)])

    FIELDS = ("complaint", "systolic", "diastolic", "pulse", "temperature", "weight", "height",
              "spo2", "examination", "icd10_code", "diagnosis_text", "notes")  # fmt: skip

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}

    def fill(self, visit) -> None:
        for name in self.FIELDS:
            value = getattr(visit, name)
            getattr(self, name).data = "" if value is None else str(value)


class ServiceForm(FlaskForm):
    tariff = SelectField(_l("Layanan"), choices=[], validate_choice=False,
                         validators=[wajib(_l("Pilih layanan."))])  # fmt: skip
    qty = IntegerField(_l("Jumlah"), default=1, validators=[wajib(_l("Isi jumlah."))])


class ConsumableForm(FlaskForm):
    item = SelectField(_l("Bahan habis pakai"), choices=[], validate_choice=False,
                       validators=[wajib(_l("Pilih barang."))])  # fmt: skip
    qty = StringField(_l("Jumlah"), validators=[wajib(_l("Isi jumlah.")), panjang(20)])


class PrescriptionForm(FlaskForm):
    prescriber = SelectField(_l("Penulis resep"), choices=[], validate_choice=False)
    note = StringField(_l("Catatan untuk apoteker"), validators=[opsional(), panjang(500)])


class PrescriberForm(FlaskForm):
    name = StringField(_l("Nama (dengan gelar)"), validators=[wajib(_l("Nama wajib diisi.")),
                                                         panjang(200)])  # fmt: skip
    profession = SelectField(_l("Profesi"), choices=PROFESSIONS,
                             validators=[wajib(_l("Pilih profesi."))])  # fmt: skip
    license_no = StringField(
        _l("Nomor SIP/STR"), validators=[wajib(_l("Nomor SIP/STR wajib diisi.")), panjang(60)]
    )
    active = BooleanField(_l("Aktif"), default=True)


class ReferralForm(FlaskForm):
    to = StringField(_l("Dirujuk ke (puskesmas/RS)"), validators=[wajib(_l("Isi tujuan rujukan.")),
                                                             panjang(200)])  # fmt: skip
    reason = TextAreaField(_l("Alasan rujukan"), validators=[wajib(_l("Isi alasan rujukan.")),
                                                         panjang(2000)])  # fmt: skip
    summary = TextAreaField(_l("Ringkasan pemeriksaan & terapi yang sudah diberikan"),
                            validators=[opsional(), panjang(4000)])  # fmt: skip


class BillForm(FlaskForm):
    method = SelectField(
        _l("Cara bayar"), choices=BILL_METHODS, validators=[wajib(_l("Pilih cara bayar."))]
    )


class VoidForm(FlaskForm):
    reason = StringField(_l("Alasan pembatalan"), validators=[wajib(_l("Tuliskan alasannya.")),
                                                          panjang(300)])  # fmt: skip


class TariffForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[wajib(_l("Kode wajib diisi.")), panjang(20)])
    name = StringField(
        _l("Nama layanan"), validators=[wajib(_l("Nama wajib diisi.")), panjang(120)]
    )
    price = RupiahField(_l("Tarif (Rp)"), validators=[wajib(_l("Isi tarif."))])
    active = BooleanField(_l("Aktif"), default=True)
