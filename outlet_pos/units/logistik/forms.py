"""Forms of the parcel desk. They only turn text into plain values and show messages beside
their fields; ``parcels``/``tariffs`` check every value again."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField

from outlet_pos.core.errors import DomainError
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib
from outlet_pos.units.logistik.models import SERVICES, STATUSES, ZONES
from outlet_pos.units.logistik.money_models import PAY_METHODS
from outlet_pos.units.logistik.tariffs import provinces


def place_error(form: FlaskForm, exc: DomainError) -> None:
    """A service's message beside the field it names, else at the top of the form."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def _num(label: str) -> StringField:
    return StringField(label, validators=[opsional(), panjang(12)],
                       render_kw={"inputmode": "decimal", "autocomplete": "off"})  # fmt: skip


class IntakeForm(FlaskForm):
    courier_id = SelectField("Kurir", choices=[], validate_choice=False,
                             validators=[wajib("Pilih kurir.")])  # fmt: skip
    service = SelectField("Layanan", choices={"": "— pilih —"} | SERVICES,
                          validators=[wajib("Pilih layanan.")])  # fmt: skip
    sender_name = StringField("Nama pengirim", validators=[wajib("Nama pengirim wajib diisi."),
                                                           panjang(200)])  # fmt: skip
    sender_phone = StringField("Telepon pengirim", validators=[opsional(), panjang(20)])
    sender_address = StringField("Alamat pengirim", validators=[opsional(), panjang(300)])
    sender_member = StringField("Nomor anggota/NIK pengirim (opsional)",
                                validators=[opsional(), panjang(20)])  # fmt: skip
    receiver_name = StringField("Nama penerima", validators=[wajib("Nama penerima wajib diisi."),
                                                             panjang(200)])  # fmt: skip
    receiver_phone = StringField("Telepon penerima", validators=[wajib("Isi telepon penerima."),
                                                                 panjang(20)])  # fmt: skip
    receiver_address = StringField(
        "Alamat penerima (jalan, RT/RW)",
        validators=[wajib("Isi alamat penerima."), panjang(300)],
    )
    receiver_desa = StringField("Desa/kelurahan", validators=[opsional(), panjang(100)])
    receiver_kabupaten = StringField("Kabupaten/kota", validators=[opsional(), panjang(100)])
    receiver_provinsi = SelectField("Provinsi", choices=[], validate_choice=False,
                                    validators=[wajib("Pilih provinsi tujuan.")])  # fmt: skip
    contents = StringField("Isi paket", validators=[opsional(), panjang(200)])
    actual_kg = _num("Berat aktual (kg)")
    length_cm = _num("Panjang (cm)")
    width_cm = _num("Lebar (cm)")
    height_cm = _num("Tinggi (cm)")
    insurance_value = RupiahField("Nilai barang untuk asuransi (Rp, opsional)",
                                  validators=[opsional()])  # fmt: skip
    cod_amount = RupiahField("COD ditagih ke penerima (Rp, opsional)", validators=[opsional()])
    method = SelectField("Cara bayar ongkir", choices=PAY_METHODS,
                         validators=[wajib("Pilih cara bayar.")])  # fmt: skip
    # A fresh uuid each time the form is shown; a double submit repeats it (parcels.intake).
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)

    TEXT = ("courier_id", "service", "sender_name", "sender_phone", "sender_address",
            "sender_member", "receiver_name", "receiver_phone", "receiver_address",
            "receiver_desa", "receiver_kabupaten", "receiver_provinsi", "contents",
            "actual_kg", "length_cm", "width_cm", "height_cm", "method",
            "idempotency_key")  # fmt: skip

    def fill_choices(self, couriers) -> None:
        self.courier_id.choices = [("", "— pilih kurir —")] + [
            (str(c.id), c.name) for c in couriers
        ]
        self.receiver_provinsi.choices = [("", "— pilih provinsi —")] + [
            (p.name, p.name) for p in provinces()
        ]

    def values(self) -> dict:
        values = {name: getattr(self, name).data for name in self.TEXT}
        values["insurance_value"] = self.insurance_value.amount or 0
        values["cod_amount"] = self.cod_amount.amount or 0
        return values


class CourierForm(FlaskForm):
    code = StringField("Kode", validators=[wajib("Kode wajib diisi."), panjang(20)])
    name = StringField("Nama kurir", validators=[wajib("Nama wajib diisi."), panjang(120)])
    commission_percent = StringField("Komisi agen (% dari ongkir)", default="10",
                                     validators=[wajib("Isi komisi."), panjang(8)])  # fmt: skip
    rounding_kg = SelectField("Pembulatan berat ke atas", choices={"1": "per 1 kg",
                              "0.5": "per 0,5 kg"}, default="1")  # fmt: skip
    insurance_rate_percent = StringField("Tarif asuransi (% dari nilai barang)", default="0.2",
                                         validators=[wajib("Isi tarif."), panjang(8)])  # fmt: skip
    insurance_min = RupiahField("Asuransi minimum (Rp)", default="1000",
                                validators=[wajib("Isi minimum.")])  # fmt: skip
    active = BooleanField("Aktif", default=True)


class TariffForm(FlaskForm):
    courier = SelectField("Kurir", choices=[], validate_choice=False,
                          validators=[wajib("Pilih kurir.")])  # fmt: skip
    service = SelectField("Layanan", choices={"": "— pilih —"} | SERVICES,
                          validators=[wajib("Pilih layanan.")])  # fmt: skip
    zone = SelectField("Zona", choices={"": "— pilih —"} | ZONES,
                       validators=[wajib("Pilih zona.")])  # fmt: skip
    first_kg = RupiahField("Tarif kg pertama (Rp)", validators=[wajib("Isi tarif.")])
    next_kg = RupiahField("Tarif kg berikutnya (Rp)", validators=[wajib("Isi tarif.")])
    valid_from = TanggalField("Berlaku mulai", validators=[wajib("Isi tanggal berlaku.")])
    eta_days = StringField("Estimasi (hari)", validators=[opsional(), panjang(20)])


class StatusForm(FlaskForm):
    status = SelectField("Status baru", choices={"": "— pilih —"} | STATUSES,
                         validators=[wajib("Pilih status baru.")])  # fmt: skip
    place = StringField("Tempat", validators=[opsional(), panjang(120)])
    note = StringField("Catatan", validators=[opsional(), panjang(300)])


class VoidForm(FlaskForm):
    reason = StringField("Alasan pembatalan", validators=[wajib("Tuliskan alasan pembatalan."),
                                                         panjang(300)])  # fmt: skip


class ScanForm(StatusForm):
    code = StringField("Nomor resi", validators=[wajib("Pindai atau ketik nomor resi."),
                                                panjang(40)],
                       render_kw={"autocomplete": "off", "autofocus": True})  # fmt: skip
