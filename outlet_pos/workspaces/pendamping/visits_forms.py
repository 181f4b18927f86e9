"""Forms of the visit notes: the note with its rows of follow-up actions (no JavaScript: a
fixed number of rows, empty ones ignored), and the small status form of one action."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)

from outlet_pos.core.mentoring.visit_models import MODES, STATUSES
from outlet_pos.core.mentoring.visits import MAX_ACTIONS, MAX_TEXT
from outlet_pos.forms import TanggalField, opsional, panjang, wajib, wajib_input

NEW_ROWS = 5  # rows on a new note
SPARE_ROWS = 3  # blank rows added after the existing actions when editing


class ActionRow(Form):
    """One follow-up row; a sub-form, so no CSRF token of its own."""

    id = HiddenField()
    description = StringField(_l("Tindakan"), validators=[opsional(), panjang(300)])
    owner = StringField(_l("Penanggung jawab"), validators=[opsional(), panjang(120)])
    due_date = TanggalField(_l("Batas waktu"), validators=[opsional()])
    remove = BooleanField(_l("Hapus"))


class VisitForm(FlaskForm):
    visit_date = TanggalField(
        _l("Tanggal kunjungan"), validators=[wajib_input(_l("Tanggal kunjungan wajib diisi."))]
    )
    mode = SelectField(
        _l("Cara pendampingan"), choices=MODES, validators=[wajib(_l("Pilih cara."))]
    )
    topics = StringField(
        _l("Topik"), validators=[wajib(_l("Topik wajib diisi.")), panjang(300)],
        description=_l("Mis. Tutup buku, stok opname"),
    )  # fmt: skip
    findings = TextAreaField(_l("Temuan"), validators=[opsional(), panjang(MAX_TEXT)])
    recommendations = TextAreaField(_l("Rekomendasi"), validators=[opsional(), panjang(MAX_TEXT)])
    actions = FieldList(FormField(ActionRow), min_entries=NEW_ROWS, max_entries=MAX_ACTIONS + 5)

    def values(self) -> dict[str, Any]:
        """The plain values a service takes (rows in form order, so a service's
        ``actions-<i>-<field>`` points back at the right row)."""
        return {
            "visit_date": self.visit_date.data,
            "mode": self.mode.data,
            "topics": self.topics.data or "",
            "findings": self.findings.data or "",
            "recommendations": self.recommendations.data or "",
            "actions": [
                {
                    "id": row.form.id.data or None,
                    "description": row.form.description.data or "",
                    "owner": row.form.owner.data or "",
                    "due_date": row.form.due_date.data,
                    "remove": bool(row.form.remove.data),
                }
                for row in self.actions.entries
            ],
        }

    def pad(self, rows: int) -> None:
        while len(self.actions.entries) < min(rows, self.actions.max_entries or rows):
            self.actions.append_entry()

    def place_error(self, field: str | None, message: str) -> None:
        """Put a service's refusal beside the field it names."""
        name = field or ""
        if name.startswith("actions-"):
            _, idx, sub = name.split("-", 2)
            if idx.isascii() and idx.isdigit() and int(idx) < len(self.actions.entries):
                target = getattr(self.actions.entries[int(idx)].form, sub, None)
                if target is not None:
                    target.errors = [*target.errors, message]
                    return
        target = getattr(self, name, None) if name in self._fields else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            self.form_errors.append(message)


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=STATUSES, validators=[wajib(_l("Pilih status."))])
    note = StringField(_l("Catatan"), validators=[opsional(), panjang(300)])
    back = HiddenField()
