from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField

from outlet_pos.forms import TanggalField, opsional, panjang, wajib


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[wajib(), panjang(64)])
    password = PasswordField(_l("Kata sandi"), validators=[wajib(), panjang(128)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi sekarang"), validators=[wajib(), panjang(128)])
    password = PasswordField(_l("Kata sandi baru"), validators=[wajib(), panjang(128)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[wajib(), panjang(128)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Aksi"), validators=[opsional()], choices=[])
    date_from = TanggalField(_l("Dari"), validators=[opsional()])
    date_to = TanggalField(_l("Sampai"), validators=[opsional()])
    q = StringField(_l("Cari"), validators=[opsional(), panjang(64)])
