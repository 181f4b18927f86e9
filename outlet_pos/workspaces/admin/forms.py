"""Forms of the admin workspace. WTForms has no Indonesian catalogue, so integers and selects
(whose built-in checks speak English) get Indonesian messages here."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from outlet_pos.core import identifiers
from outlet_pos.core.access import ROLES
from outlet_pos.core.tenancy import TIMEZONES, UNIT_KINDS
from outlet_pos.forms import RupiahField, opsional, panjang, wajib, wajib_input

MONTHS = [
    _l("Januari"),
    _l("Februari"),
    _l("Maret"),
    _l("April"),
    _l("Mei"),
    _l("Juni"),
    _l("Juli"),
    _l("Agustus"),
    _l("September"),
    _l("Oktober"),
    _l("November"),
    _l("Desember"),
]
SHU_LABELS = {
    "cadangan": _l("Cadangan"), "jasa_modal": _l("Jasa modal"), "jasa_usaha": _l("Jasa usaha"),
    "pengurus": _l("Dana pengurus"), "karyawan": _l("Dana karyawan"),
    "pendidikan": _l("Dana pendidikan"), "sosial": _l("Dana sosial"),
}  # fmt: skip
SHU_KEYS = tuple(SHU_LABELS)


class AngkaField(IntegerField):
    """A whole number, refused in Indonesian."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()[:10]
        if not raw.isascii() or not raw.isdigit():
            self.data = None
            raise ValueError(_("Isi dengan bilangan bulat (tanpa titik atau koma)."))
        self.data = int(raw)


def pilihan(label: str, choices: dict | None = None, **kwargs) -> SelectField:
    """A select of string values (choices as a shorthand dict, optionally nested for
    optgroups); an unknown value is refused in Indonesian."""
    return SelectField(
        label,
        choices=choices or {},
        invalid_choice_message=_l("Pilihan tidak valid."),
        invalid_value_message=_l("Pilihan tidak valid."),
        **kwargs,
    )


def _rentang(low: int, high: int):
    def check(form, field):
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(_("Harus %(low)s–%(high)s.", low=low, high=high))

    return check


NUMERIC = {"class": "amount", "inputmode": "numeric"}


def persen(key: str) -> AngkaField:
    return AngkaField(
        LazyString(lambda: f"{SHU_LABELS[key]} (%)"),
        render_kw=NUMERIC,
        validators=[wajib_input(_l("Wajib diisi (boleh 0).")), _rentang(0, 100)],
    )


class CooperativeForm(FlaskForm):
    name = StringField(
        _l("Nama koperasi"), validators=[wajib(_l("Nama koperasi wajib diisi.")), panjang(200)]
    )
    legal_number = StringField(_l("Nomor badan hukum"), validators=[opsional(), panjang(100)])
    nik_koperasi = StringField(_l("NIK koperasi"), validators=[opsional(), panjang(40)])
    npwp = StringField(_l("NPWP"), validators=[opsional(), panjang(25)])
    is_pkp = BooleanField(_l("Pengusaha Kena Pajak (PKP)"))
    address = StringField(_l("Alamat"), validators=[opsional(), panjang(300)])
    desa = StringField(_l("Desa/Kelurahan"), validators=[opsional(), panjang(100)])
    kecamatan = StringField(_l("Kecamatan"), validators=[opsional(), panjang(100)])
    kabupaten = StringField(_l("Kabupaten/Kota"), validators=[opsional(), panjang(100)])
    provinsi = StringField(_l("Provinsi"), validators=[opsional(), panjang(100)])
    region_code = StringField(_l("Kode wilayah desa"), validators=[opsional(), panjang(13)])
    timezone = pilihan(
        _l("Zona waktu"),
        {k: f"{k} ({v.split('/')[1]})" for k, v in TIMEZONES.items()},
        default="WIB",
    )
    fiscal_year_start_month = pilihan(
        _l("Awal tahun buku"),
        # A callable: wtforms resolves it per form, so the month names follow the user's language.
        lambda: {str(i): str(name) for i, name in enumerate(MONTHS, start=1)},
        default="1",
    )
    simpanan_pokok_amount = RupiahField(
        _l("Simpanan pokok (Rp)"), validators=[opsional()], render_kw=NUMERIC
    )
    simpanan_wajib_amount = RupiahField(
        _l("Simpanan wajib per bulan (Rp)"), validators=[opsional()], render_kw=NUMERIC
    )
    cadangan = persen("cadangan")
    jasa_modal = persen("jasa_modal")
    jasa_usaha = persen("jasa_usaha")
    pengurus = persen("pengurus")
    karyawan = persen("karyawan")
    pendidikan = persen("pendidikan")
    sosial = persen("sosial")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shu_errors: list[str] = []

    def validate_npwp(self, field):
        # The service checks it again; checking here too shows it with the other mistakes.
        if (field.data or "").strip():
            try:
                identifiers.validate_npwp(field.data)
            except identifiers.IdentifierError as exc:
                raise ValidationError(str(exc)) from None

    def shu_fields(self):
        return [getattr(self, key) for key in SHU_KEYS]

    def shu_allocation(self) -> dict[str, int]:
        return {key: getattr(self, key).data for key in SHU_KEYS}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for f in self.shu_fields():
            # Whitespace passes InputRequired but is no number: the sum below would meet None
            # (found by tests/fuzz).
            if f.data is None and not f.errors:
                f.errors.append(_("Wajib diisi (boleh 0)."))
                ok = False
        if all(f.data is not None and not f.errors for f in self.shu_fields()):
            total = sum(self.shu_allocation().values())
            if total != 100:
                self.shu_errors.append(f"Pembagian SHU harus berjumlah 100%; sekarang {total}%.")
                ok = False
        return ok

    def values(self) -> dict:
        """Plain values for ``onboarding.create_cooperative`` / ``update_cooperative``."""
        return {
            "name": self.name.data,
            "legal_number": self.legal_number.data or "",
            "nik_koperasi": self.nik_koperasi.data or "",
            "npwp": self.npwp.data or "",
            "is_pkp": bool(self.is_pkp.data),
            "address": self.address.data or "",
            "desa": self.desa.data or "",
            "kecamatan": self.kecamatan.data or "",
            "kabupaten": self.kabupaten.data or "",
            "provinsi": self.provinsi.data or "",
            "region_code": self.region_code.data or "",
            "timezone": self.timezone.data,
            "fiscal_year_start_month": int(self.fiscal_year_start_month.data),
            "simpanan_pokok_amount": self.simpanan_pokok_amount.amount or 0,
            "simpanan_wajib_amount": self.simpanan_wajib_amount.amount or 0,
        }


class OutletForm(FlaskForm):
    code = StringField(_l("Kode gerai"), validators=[wajib(_l("Kode wajib diisi.")), panjang(20)])
    name = StringField(_l("Nama gerai"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)])
    address = StringField(_l("Alamat"), validators=[opsional(), panjang(300)])


class UnitForm(FlaskForm):
    code = StringField(_l("Kode unit"), validators=[wajib(_l("Kode wajib diisi.")), panjang(30)])
    name = StringField(_l("Nama unit"), validators=[wajib(_l("Nama wajib diisi.")), panjang(200)])
    kind = pilihan(_l("Jenis unit"), dict(UNIT_KINDS))
    outlet = pilihan(_l("Gerai"), default="")
    active = BooleanField(_l("Aktif"), default=True)


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("Nama pengguna"), validators=[wajib(_l("Nama pengguna wajib diisi.")), panjang(64)]
    )
    full_name = StringField(
        _l("Nama lengkap"), validators=[wajib(_l("Nama lengkap wajib diisi.")), panjang(200)]
    )
    password = PasswordField(
        _l("Kata sandi"), validators=[wajib(_l("Kata sandi wajib diisi.")), panjang(128)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi"), validators=[wajib(_l("Ulangi kata sandi.")), panjang(128)]
    )
    is_admin = BooleanField(_l("Admin sistem (mengelola koperasi dan pengguna)"))

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_("Kedua kata sandi tidak sama."))


class UserEditForm(FlaskForm):
    full_name = StringField(
        _l("Nama lengkap"), validators=[wajib(_l("Nama lengkap wajib diisi.")), panjang(200)]
    )
    active = BooleanField(_l("Akun aktif (boleh masuk)"))
    is_admin = BooleanField(_l("Admin sistem"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("Kata sandi baru"), validators=[wajib(_l("Kata sandi wajib diisi.")), panjang(128)]
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[wajib(_l("Ulangi kata sandi.")), panjang(128)]
    )

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_("Kedua kata sandi tidak sama."))


# "admin" is a flag on the user, not a role held in a cooperative.
# Built per form (wtforms calls it) so the placeholder follows the user's language.
def role_choices() -> dict[str, str]:
    # Role names translated like the role_label filter does (marked in app.ROLE_NAMES).
    return {"": _("— pilih peran —")} | {k: _(v) for k, v in ROLES.items() if k != "admin"}


class GrantRoleForm(FlaskForm):
    # "Koperasi" alone is the (plural) menu entry; a lambda keeps this one lazy and extractable.
    cooperative = pilihan(
        LazyString(lambda: pgettext("singular", "Koperasi")),
        validators=[wajib(_l("Pilih koperasi."))],
    )
    role = pilihan(_l("Peran"), role_choices, validators=[wajib(_l("Pilih peran."))])
    unit = pilihan(_l("Hanya untuk unit (opsional)"), default="")
