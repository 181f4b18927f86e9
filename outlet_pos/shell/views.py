"""Views of the shell. Thin: parse, call a service, flash, redirect."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import or_, select

from outlet_pos.app import LANGUAGES
from outlet_pos.core.access import LOGIN_ONLY, Membership, User, authenticate, public, requires
from outlet_pos.core.audit import ACTION_LABELS, AuditEvent, record
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.tenancy import Cooperative, parse_id, require_cooperative
from outlet_pos.extensions import db, limiter
from outlet_pos.shell import bp
from outlet_pos.shell.forms import AuditFilterForm, LoginForm, PasswordForm


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("shell.home")


def _utc_start(coop: Cooperative, day) -> datetime:
    """Midnight of a business date in the cooperative's zone, as the naive UTC we store."""
    return datetime.combine(day, time.min, tzinfo=coop.zone).astimezone(UTC).replace(tzinfo=None)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = run_transaction(
            authenticate, form.username.data, form.password.data, request.remote_addr or ""
        )
        if result.user is None:
            form.password.errors.append(result.message)
            return render_template("shell/login.html", form=form), 401
        user = result.user
        # A fresh session at login: an attacker-planted session id is worth nothing after it.
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("shell/login.html", form=form), status


@bp.route("/keluar", methods=["POST"])
@requires(LOGIN_ONLY)
def logout():
    user_id = current_user.id

    def action() -> None:
        # Sessions live in signed cookies, so clearing this one leaves any copy of it valid:
        # a new session token ends every session of the user, the copies with it.
        db.session.get(User, user_id).session_token = secrets.token_hex(8)
        record("logout", user=user_id)

    run_transaction(action)
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("shell.login"))


@bp.route("/")
@requires(LOGIN_ONLY)
def home():
    coop = g.cooperative
    if coop is None:
        if not current_user.is_admin and current_user.mentored():
            return redirect(url_for("pendamping.portfolio"))  # a mentor starts with all of theirs
        return redirect(url_for("shell.choose_cooperative"))
    from outlet_pos.workspaces.bendahara.queries import dashboard_figures

    figures = dashboard_figures(coop) if current_user.can("ledger.view") else None
    return render_template("shell/home.html", coop=coop, figures=figures)


@bp.route("/koperasi", methods=["GET", "POST"])
@requires(LOGIN_ONLY)
def choose_cooperative():
    coops = current_user.cooperatives()
    if request.method == "POST":
        chosen = parse_id(request.form.get("cooperative_id"))
        coop = db.session.get(Cooperative, chosen) if chosen else None
        if coop is None or not current_user.roles_in(coop):
            abort(404)
        session["coop_id"] = coop.id
        flash(_("Sekarang bekerja di %(name)s.", name=coop.name), "success")
        return redirect(url_for("shell.home"))
    return render_template("shell/choose.html", coops=coops)


@bp.route("/bahasa/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/akun-saya/kata-sandi", methods=["GET", "POST"])
@requires(LOGIN_ONLY)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if not user.check_password(form.current.data):
            form.current.errors.append("Kata sandi sekarang salah.")
        elif form.password.data != form.confirm.data:
            form.confirm.errors.append("Kedua kata sandi baru tidak sama.")
        else:
            try:

                def action():
                    user.set_password(form.password.data)
                    record("password.change", user=user, target=user.username)

                run_transaction(action)
            except DomainError as exc:
                form.password.errors.append(exc.message)
            else:
                login_user(user)  # the session token changed with the password
                flash(_("Kata sandi berhasil diganti."), "success")
                return redirect(url_for("shell.home"))
    return render_template("shell/password.html", form=form), 400 if form.errors else 200


@bp.route("/audit")
@requires("audit.view")
def audit_log():
    coop = require_cooperative()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Semua aksi")] + sorted(ACTION_LABELS.items(), key=lambda i: i[1])
    # Logins and user administration are not tied to one cooperative: show those done by or
    # to this cooperative's people.
    people = select(Membership.user_id).where(Membership.cooperative_id == coop.id)
    names = select(User.username).where(User.id.in_(people))
    stmt = (
        select(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(
            or_(
                AuditEvent.cooperative_id == coop.id,
                AuditEvent.cooperative_id.is_(None)
                & (AuditEvent.user_id.in_(people) | AuditEvent.target.in_(names)),
            )
        )
    )
    if form.validate():
        if form.action.data:
            stmt = stmt.where(AuditEvent.action == form.action.data)
        if form.date_from.data:
            stmt = stmt.where(AuditEvent.at >= _utc_start(coop, form.date_from.data))
        if form.date_to.data:
            stmt = stmt.where(
                AuditEvent.at < _utc_start(coop, form.date_to.data + timedelta(days=1))
            )
        if form.q.data:
            like = f"%{form.q.data}%"
            stmt = stmt.where(or_(AuditEvent.target.ilike(like), User.username.ilike(like)))
    events = db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(500)).all()
    return render_template("shell/audit.html", form=form, events=events)
