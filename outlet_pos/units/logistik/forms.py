"""Forms of the parcel desk. They only turn text into plain values and show messages beside
their fields; ``parcels``/``tariffs`` check every value again."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
    courier_id = SelectField(_l("Kurir"), choices=[], validate_choice=False,
                             validators=[wajib(_l("Pilih kurir."))])  # fmt: skip
    service = SelectField(_l("Layanan"), choices=lambda: {"": _("— pilih —")} | SERVICES,
                          validators=[wajib(_l("Pilih layanan."))])  # fmt: skip
    sender_name = StringField(
        _l("Nama pengirim"), validators=[wajib(_l("Nama pengirim wajib diisi.")), panjang(200)]
    )
    sender_phone = StringField(_l("Telepon pengirim"), validators=[opsional(), panjang(20)])
    sender_address = StringField(_l("Alamat pengirim"), validators=[opsional(), panjang(300)])
    sender_member = StringField(_l("Nomor anggota/NIK pengirim (opsional)"),
                                validators=[opsional(), panjang(20)])  # fmt: skip
    receiver_name = StringField(
        _l("Nama penerima"), validators=[wajib(_l("Nama penerima wajib diisi.")), panjang(200)]
    )
    receiver_phone = StringField(
        _l("Telepon penerima"), validators=[wajib(_l("Isi telepon penerima.")), panjang(20)]
    )
    receiver_address = StringField(
        _l("Alamat penerima (jalan, RT/RW)"),
        validators=[wajib(_l("Isi alamat penerima.")), panjang(300)],
    )
    receiver_desa = StringField(_l("Desa/kelurahan"), validators=[opsional(), panjang(100)])
    receiver_kabupaten = StringField(_l("Kabupaten/kota"), validators=[opsional(), panjang(100)])
    receiver_provinsi = SelectField(_l("Provinsi"), choices=[], validate_choice=False,
                                    validators=[wajib(_l("Pilih provinsi tujuan."))])  # fmt: skip
    contents = StringField(_l("Isi paket"), validators=[opsional(), panjang(200)])
    actual_kg = _num(_l("Berat aktual (kg)"))
    length_cm = _num(_l("Panjang (cm)"))
    width_cm = _num(_l("Lebar (cm)"))
    height_cm = _num(_l("Tinggi (cm)"))
    insurance_value = RupiahField(_l("Nilai barang untuk asuransi (Rp, opsional)"),
                                  validators=[opsional()])  # fmt: skip
    cod_amount = RupiahField(_l("COD ditagih ke penerima (Rp, opsional)"), validators=[opsional()])
    method = SelectField(_l("Cara bayar ongkir"), choices=PAY_METHODS,
                         validators=[wajib(_l("Pilih cara bayar."))])  # fmt: skip
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
    code = StringField(_l("Kode"), validators=[wajib(_l("Kode wajib diisi.")), panjang(20)])
    name = StringField(_l("Nama kurir"), validators=[wajib(_l("Nama wajib diisi.")), panjang(120)])
    # "% d" reads as a printf conversion to pybabel's placeholder check: "%" goes in as a value.
    commission_percent = StringField(_l("Komisi agen (%(pct)s dari ongkir)", pct="%"), default="10",
                                     validators=[wajib(_l("Isi komisi.")), panjang(8)])  # fmt: skip
    rounding_kg = SelectField(_l("Pembulatan berat ke atas"), choices={"1": "per 1 kg",
                              "0.5": "per 0,5 kg"}, default="1")  # fmt: skip
    insurance_rate_percent = StringField(
        _l("Tarif asuransi (%(pct)s dari nilai barang)", pct="%"),
        default="0.2",
        validators=[wajib(_l("Isi tarif.")), panjang(8)],
    )
    insurance_min = RupiahField(_l("Asuransi minimum (Rp)"), default="1000",
                                validators=[wajib(_l("Isi minimum."))])  # fmt: skip
    active = BooleanField(_l("Aktif"), default=True)


class TariffForm(FlaskForm):
    courier = SelectField(_l("Kurir"), choices=[], validate_choice=False,
                          validators=[wajib(_l("Pilih kurir."))])  # fmt: skip
    service = SelectField(_l("Layanan"), choices=lambda: {"": _("— pilih —")} | SERVICES,
                          validators=[wajib(_l("Pilih layanan."))])  # fmt: skip
    zone = SelectField(_l("Zona"), choices=lambda: {"": _("— pilih —")} | ZONES,
                       validators=[wajib(_l("Pilih zona."))])  # fmt: skip
    first_kg = RupiahField(_l("Tarif kg pertama (Rp)"), validators=[wajib(_l("Isi tarif."))])
    next_kg = RupiahField(_l("Tarif kg berikutnya (Rp)"), validators=[wajib(_l("Isi tarif."))])
    valid_from = TanggalField(_l("Berlaku mulai"), validators=[wajib(_l("Isi tanggal berlaku."))])
    eta_days = StringField(_l("Estimasi (hari)"), validators=[opsional(), panjang(20)])


class StatusForm(FlaskForm):
    status = SelectField(_l("Status baru"), choices=lambda: {"": _("— pilih —")} | STATUSES,
                         validators=[wajib(_l("Pilih status baru."))])  # fmt: skip
    place = StringField(_l("Tempat"), validators=[opsional(), panjang(120)])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])


class VoidForm(FlaskForm):
    reason = StringField(
        _l("Alasan pembatalan"), validators=[wajib(_l("Tuliskan alasan pembatalan.")), panjang(300)]
    )


class ScanForm(StatusForm):
    code = StringField(_l("Nomor resi"), validators=[wajib(_l("Pindai atau ketik nomor resi.")),
                                                panjang(40)],
                       render_kw={"autocomplete": "off", "autofocus": True})  # fmt: skip
