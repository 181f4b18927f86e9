"""Sinkron: on an outlet, register with the district server and push now; on a server, issue
registration codes, watch the outlets arrive, and publish master data.

Thin views over ``core.sync``; the same actions exist as ``outlet-pos sync ...`` commands.
"""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import StringField

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sync import master, outlet, server
from outlet_pos.core.sync.models import MasterData, SyncInstallation
from outlet_pos.core.tenancy import TIMEZONES, Cooperative
from outlet_pos.extensions import db
from outlet_pos.forms import opsional, panjang, wajib
from outlet_pos.workspaces.admin import bp
from outlet_pos.workspaces.admin.forms import pilihan


class RegisterForm(FlaskForm):
    server_url = StringField(_l("Alamat server kabupaten"), [wajib(), panjang(300)])
    code = StringField(_l("Kode pendaftaran"), [wajib(), panjang(40)])


class SyncNowForm(FlaskForm):
    pass


class IssueCodeForm(FlaskForm):
    name = StringField(_l("Nama koperasi"), [wajib(), panjang(200)])
    timezone = pilihan(
        _l("Zona waktu"), {k: f"{k} ({v.split('/')[1]})" for k, v in TIMEZONES.items()}
    )


class PublishForm(FlaskForm):
    kind = pilihan(_l("Jenis data induk"), dict(master.KINDS))
    file = FileField(_l("Berkas JSON"))
    note = StringField(_l("Catatan"), [opsional(), panjang(300)])


def _server_admin() -> bool:
    """A district server's installation-wide actions (codes, master data, every outlet) are
    for installation admins only, never for a cooperative-level admin role (which an outlet's
    own data could claim)."""
    return bool(current_app.config.get("SYNC_SERVER")) and bool(current_user.is_admin)


def _page(**forms):
    is_server = _server_admin()
    ctx: dict = {"is_server": is_server, **forms}
    if is_server:
        ctx["installations"] = db.session.execute(
            select(SyncInstallation, Cooperative)
            .join(Cooperative, Cooperative.id == SyncInstallation.cooperative_id)
            .order_by(SyncInstallation.id.desc())
        ).all()
        ctx["issue_form"] = forms.get("issue_form") or IssueCodeForm(formdata=None)
        ctx["publish_form"] = forms.get("publish_form") or PublishForm(formdata=None)
    link = outlet.link_for()
    ctx["link"] = link
    ctx["status"] = outlet.status(link.cooperative_id) if link else None
    ctx["register_form"] = forms.get("register_form") or RegisterForm(formdata=None)
    ctx["now_form"] = SyncNowForm(formdata=None)
    ctx["masters"] = db.session.scalars(
        select(MasterData).order_by(MasterData.kind, MasterData.version.desc())
    ).all()
    ctx["kinds"] = master.KINDS
    return render_template("admin/sync.html", **ctx)


@bp.route("/sinkron")
@requires("admin.manage")
def sync_page():
    return _page()


@bp.route("/sinkron/daftar", methods=["POST"])
@requires("admin.manage")
def sync_register():
    form = RegisterForm()
    if form.validate_on_submit():
        coops = db.session.scalars(select(Cooperative).order_by(Cooperative.id)).all()
        if len(coops) != 1:
            form.form_errors.append(
                "Gerai yang didaftarkan harus memuat tepat satu koperasi "
                f"(di sini ada {len(coops)})."
            )
        else:
            try:
                outlet.register(coops[0], form.server_url.data.strip(), form.code.data.strip())
            except DomainError as exc:
                form.form_errors.append(exc.message)
            else:
                flash(_("Gerai terdaftar. Riwayat pembukuan mengantre untuk dikirim."), "success")
                return redirect(url_for("admin.sync_page"))
    return _page(register_form=form), 400


@bp.route("/sinkron/kirim", methods=["POST"])
@requires("admin.manage")
def sync_now():
    form = SyncNowForm()
    if form.validate_on_submit():
        try:
            result = outlet.sync_once()
        except DomainError as exc:
            flash(
                _(
                    "Sinkron gagal: %(message)s Tidak ada data yang hilang; coba lagi.",
                    message=exc.message,
                ),
                "error",
            )
        else:
            flash(
                _(
                    "Terkirim %(records)s perubahan dalam %(batches)s batch; sisa antrean "
                    "%(backlog)s.",
                    records=result.records,
                    batches=result.batches,
                    backlog=result.backlog,
                ),
                "success",
            )
    return redirect(url_for("admin.sync_page"))


@bp.route("/sinkron/kode", methods=["POST"])
@requires("admin.manage")
def sync_issue_code():
    if not current_app.config.get("SYNC_SERVER"):
        return redirect(url_for("admin.sync_page"))
    if not _server_admin():
        abort(403)
    form = IssueCodeForm()
    if form.validate_on_submit():
        try:
            coop, code = run_transaction(
                server.issue_code, form.name.data, timezone=form.timezone.data
            )
        except DomainError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(
                _(
                    "Kode pendaftaran untuk %(name)s: %(code)s — berlaku %(days)s hari, "
                    "sekali pakai. Catat sekarang; kode tidak ditampilkan lagi.",
                    name=coop.name,
                    code=code,
                    days=server.CODE_DAYS,
                ),
                "success",
            )
            return redirect(url_for("admin.sync_page"))
    return _page(issue_form=form), 400


@bp.route("/sinkron/data-induk", methods=["POST"])
@requires("admin.manage")
def sync_publish():
    if not current_app.config.get("SYNC_SERVER"):
        return redirect(url_for("admin.sync_page"))
    if not _server_admin():
        abort(403)
    form = PublishForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            payload = json.loads(upload.read(master.MAX_PAYLOAD + 1)) if upload else None
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            form.file.errors.append("Unggah berkas JSON yang sah.")
        else:
            try:
                row = run_transaction(master.publish, form.kind.data, payload, form.note.data)
            except DomainError as exc:
                form.file.errors.append(exc.message)
            else:
                flash(
                    _(
                        "%(kind)s versi %(version)s diterbitkan.",
                        kind=master.KINDS[row.kind],
                        version=row.version,
                    ),
                    "success",
                )
                return redirect(url_for("admin.sync_page"))
    return _page(publish_form=form), 400
