"""Forms of the clinic pages. Values are checked again by the services (the forms only turn
text into plain values and show messages beside their fields)."""

from __future__ import annotations

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
    name = StringField("Nama pasien", validators=[wajib("Nama pasien wajib diisi."), panjang(200)])
    nik = StringField("NIK (opsional)", validators=[opsional(), panjang(16)])
    member_number = StringField("Nomor anggota koperasi (opsional)",
                                validators=[opsional(), panjang(20)])  # fmt: skip
    birth_date = TanggalField("Tanggal lahir", validators=[opsional()])
    sex = SelectField("Jenis kelamin", choices={"": "— pilih —"} | SEXES,
                      validators=[wajib("Pilih jenis kelamin.")])  # fmt: skip
    address = StringField("Alamat", validators=[opsional(), panjang(300)])
    phone = StringField("Telepon", validators=[opsional(), panjang(20)])
    allergies = TextAreaField("Alergi obat/makanan", validators=[opsional(), panjang(2000)])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("name", "nik", "member_number", "birth_date", "sex", "address", "phone",
                 "allergies")}  # fmt: skip


class QueueForm(FlaskForm):
    patient = StringField("Nomor RM atau NIK pasien", validators=[wajib("Isi nomor RM/NIK."),
                                                                  panjang(20)])  # fmt: skip


class RecordForm(FlaskForm):
    complaint = TextAreaField("Keluhan", validators=[opsional(), panjang(4000)])
    systolic = StringField("Sistolik (mmHg)", validators=[opsional(), panjang(6)])
    diastolic = StringField("Diastolik (mmHg)", validators=[opsional(), panjang(6)])
    pulse = StringField("Nadi (x/menit)", validators=[opsional(), panjang(6)])
    temperature = StringField("Suhu (°C)", validators=[opsional(), panjang(6)])
    weight = StringField("Berat (kg)", validators=[opsional(), panjang(8)])
    height = StringField("Tinggi (cm)", validators=[opsional(), panjang(8)])
    spo2 = StringField("Saturasi O₂ (%)", validators=[opsional(), panjang(6)])
    examination = TextAreaField("Pemeriksaan fisik", validators=[opsional(), panjang(4000)])
    icd10_code = StringField("Kode ICD-10", validators=[opsional(), panjang(10)],
                             render_kw={"list": "icd10-list", "autocomplete": "off"})  # fmt: skip
    diagnosis_text = StringField("Diagnosis", validators=[opsional(), panjang(300)])
    notes = TextAreaField("Catatan / terapi", validators=[opsional(), panjang(4000)])
    # Only once the visit is finished or billed: the record then changes by amendment.
    amend_reason = StringField("Alasan koreksi", validators=[opsional(), panjang(300)])

    FIELDS = ("complaint", "systolic", "diastolic", "pulse", "temperature", "weight", "height",
              "spo2", "examination", "icd10_code", "diagnosis_text", "notes")  # fmt: skip

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}

    def fill(self, visit) -> None:
        for name in self.FIELDS:
            value = getattr(visit, name)
            getattr(self, name).data = "" if value is None else str(value)


class ServiceForm(FlaskForm):
    tariff = SelectField("Layanan", choices=[], validate_choice=False,
                         validators=[wajib("Pilih layanan.")])  # fmt: skip
    qty = IntegerField("Jumlah", default=1, validators=[wajib("Isi jumlah.")])


class ConsumableForm(FlaskForm):
    item = SelectField("Bahan habis pakai", choices=[], validate_choice=False,
                       validators=[wajib("Pilih barang.")])  # fmt: skip
    qty = StringField("Jumlah", validators=[wajib("Isi jumlah."), panjang(20)])


class PrescriptionForm(FlaskForm):
    prescriber = SelectField("Penulis resep", choices=[], validate_choice=False)
    note = StringField("Catatan untuk apoteker", validators=[opsional(), panjang(500)])


class PrescriberForm(FlaskForm):
    name = StringField("Nama (dengan gelar)", validators=[wajib("Nama wajib diisi."),
                                                         panjang(200)])  # fmt: skip
    profession = SelectField("Profesi", choices=PROFESSIONS,
                             validators=[wajib("Pilih profesi.")])  # fmt: skip
    license_no = StringField("Nomor SIP/STR", validators=[wajib("Nomor SIP/STR wajib diisi."),
                                                          panjang(60)])  # fmt: skip
    active = BooleanField("Aktif", default=True)


class ReferralForm(FlaskForm):
    to = StringField("Dirujuk ke (puskesmas/RS)", validators=[wajib("Isi tujuan rujukan."),
                                                             panjang(200)])  # fmt: skip
    reason = TextAreaField("Alasan rujukan", validators=[wajib("Isi alasan rujukan."),
                                                         panjang(2000)])  # fmt: skip
    summary = TextAreaField("Ringkasan pemeriksaan & terapi yang sudah diberikan",
                            validators=[opsional(), panjang(4000)])  # fmt: skip


class BillForm(FlaskForm):
    method = SelectField(
        "Cara bayar", choices=BILL_METHODS, validators=[wajib("Pilih cara bayar.")]
    )


class VoidForm(FlaskForm):
    reason = StringField("Alasan pembatalan", validators=[wajib("Tuliskan alasannya."),
                                                          panjang(300)])  # fmt: skip


class TariffForm(FlaskForm):
    code = StringField("Kode", validators=[wajib("Kode wajib diisi."), panjang(20)])
    name = StringField("Nama layanan", validators=[wajib("Nama wajib diisi."), panjang(120)])
    price = RupiahField("Tarif (Rp)", validators=[wajib("Isi tarif.")])
    active = BooleanField("Aktif", default=True)
