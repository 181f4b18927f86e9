from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField

from outlet_pos.forms import TanggalField, opsional, panjang, wajib


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[wajib(), panjang(64)])
    password = PasswordField("Kata sandi", validators=[wajib(), panjang(128)])


class PasswordForm(FlaskForm):
    current = PasswordField("Kata sandi sekarang", validators=[wajib(), panjang(128)])
    password = PasswordField("Kata sandi baru", validators=[wajib(), panjang(128)])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[wajib(), panjang(128)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField("Aksi", validators=[opsional()], choices=[])
    date_from = TanggalField("Dari", validators=[opsional()])
    date_to = TanggalField("Sampai", validators=[opsional()])
    q = StringField("Cari", validators=[opsional(), panjang(64)])
