"""The "Token API" page: pengurus and admin make tokens for the cooperative's users and
revoke them; every user sees and revokes their own. The secret is shown once, in the answer
to the POST that made it (never in a flash message: those travel in the session cookie).

Thin views over ``outlet_pos.api.tokens``, one transaction per action.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError as FormError

from outlet_pos.api import tokens
from outlet_pos.core.access import Membership, User, requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError, NotFound
from outlet_pos.core.tenancy import Cooperative, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.forms import panjang, wajib
from outlet_pos.workspaces.admin import bp


class TokenForm(FlaskForm):
    user_id = SelectField("Pengguna", coerce=str, validate_choice=False)
    device_name = StringField(
        "Nama perangkat", validators=[wajib("Nama perangkat wajib diisi."), panjang(80)]
    )
    scopes = SelectMultipleField(
        "Cakupan", choices={name: name for name in tokens.SCOPES}, validate_choice=False
    )
    validity_days = SelectField(
        "Masa berlaku",
        choices={str(d): label for d, label in tokens.VALIDITY_DAYS.items()},
        default="90",
        validate_choice=False,
    )

    def validate_user_id(self, field) -> None:
        raw = field.data or ""
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise FormError("Pilih pengguna.")

    def validate_scopes(self, field) -> None:
        if not field.data:
            raise FormError("Pilih paling sedikit satu cakupan.")

    def validate_validity_days(self, field) -> None:
        if field.data not in {str(days) for days in tokens.VALIDITY_DAYS}:
            raise FormError("Masa berlaku tidak dikenal.")


def _users(coop: Cooperative) -> list[User]:
    """Active users holding a role in this cooperative (a token is only for them)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cooperative_id == coop.id, User.active.is_(True))
            .distinct()
            .order_by(User.username)
        )
    )


def _page(coop: Cooperative, form: TokenForm | None, *, created=None, status: int = 200):
    actor = current_user._get_current_object()
    manager = actor.can(tokens.MANAGE, coop)
    users = _users(coop) if manager else []
    if form is None and manager:
        form = TokenForm(formdata=None)
    if form is not None:
        form.user_id.choices = {"": "— pilih pengguna —"} | {
            str(u.id): f"{u.username} · {u.full_name}" for u in users
        }
    grantable = {u.id: tokens.grantable_scopes(u, coop) for u in users}
    return render_template(
        "admin/api_tokens.html",
        coop=coop,
        form=form,
        manager=manager,
        rows=tokens.visible_tokens(coop, actor),
        scopes=tokens.SCOPES,
        grantable=grantable,
        users=users,
        created=created,
        now=utcnow(),
    ), status


@bp.route("/token-api")
@requires("home")
def api_tokens():
    return _page(require_cooperative(), None)


@bp.route("/token-api/baru", methods=["POST"])
@requires(tokens.MANAGE)
def api_token_new():
    coop = require_cooperative()
    form = TokenForm()
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data))
        try:
            token, secret = run_transaction(
                tokens.create_token,
                coop,
                user,
                form.device_name.data,
                form.scopes.data,
                int(form.validity_days.data),
                actor=current_user._get_current_object(),
            )
        except DomainError as exc:
            field = getattr(form, exc.field or "", None) or form.device_name
            field.errors = [*field.errors, exc.message]
        else:
            created = {
                "secret": secret,
                "device": token.device_name,
                "username": user.username,
                "scopes": token.scope_list,
            }
            return _page(coop, None, created=created)
    return _page(coop, form, status=400)


@bp.route("/token-api/<int:token_id>/cabut", methods=["POST"])
@requires("home")
def api_token_revoke(token_id: int):
    coop = require_cooperative()
    try:
        token = run_transaction(
            tokens.revoke_token, coop, token_id, actor=current_user._get_current_object()
        )
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(
            _(
                "Token %(prefix)s… untuk %(device_name)s dicabut.",
                prefix=token.prefix,
                device_name=token.device_name,
            ),
            "success",
        )
    return redirect(url_for("admin.api_tokens"))
