"""Forms of the SHU pages: settings (allocation, capital base, unit weights), distribution
after the annual meeting, the payout search and the payout buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField

from outlet_pos.core.shu.compute import POOL_LABELS
from outlet_pos.forms import TanggalField, opsional, panjang, wajib, wajib_input


class _SettingsBase(FlaskForm):
    include_sukarela = BooleanField(_l("Simpanan sukarela ikut dasar jasa modal"))


def settings_form(units, formdata=None, **kwargs):
    """The settings form with one percentage per allocation pool and one weight per unit
    (built per request: the units are the cooperative's own)."""

    class ShuSettingsForm(_SettingsBase):
        pass

    for key, label in POOL_LABELS.items():
        setattr(
            ShuSettingsForm,
            f"alloc_{key}",
            StringField(
                f"{label} (%)",
                validators=[wajib_input(_l("Wajib diisi (boleh 0).")), panjang(3)],
                render_kw={"inputmode": "numeric", "size": 4},
            ),
        )
    for unit in units:
        setattr(
            ShuSettingsForm,
            f"weight_{unit.id}",
            StringField(
                _l("Bobot %(unit)s (%(pct)s)", unit=unit.name, pct="%"),
                validators=[wajib_input(_l("Wajib diisi (boleh 0).")), panjang(4)],
                render_kw={"inputmode": "numeric", "size": 4},
            ),
        )
    if formdata is None:
        return ShuSettingsForm(formdata=None, **kwargs)
    return ShuSettingsForm(formdata, **kwargs)


class DistributeForm(FlaskForm):
    year = HiddenField(validators=[wajib()])
    rat_date = TanggalField(
        _l("Tanggal RAT"), validators=[wajib_input(_l("Tanggal RAT wajib diisi."))]
    )
    decision_number = StringField(
        _l("Nomor keputusan RAT tentang pembagian SHU"),
        validators=[wajib(_l("Nomor keputusan wajib diisi.")), panjang(100)],
    )


class PayoutSearchForm(FlaskForm):
    """Find a member on the payout list (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Cari nomor atau nama anggota"), validators=[opsional(), panjang(100)])


class PayForm(FlaskForm):
    """The payout buttons: only the CSRF token, and where to return to."""

    q = HiddenField(validators=[opsional(), panjang(100)])
