"""The installation admin's pages: cooperatives (with outlets and units), users and roles.

Thin views: parse a form, call one onboarding service in ``run_transaction``, put a
``DomainError`` beside its field, redirect on success. Admin pages are not tied to the
cooperative the admin is working in, so ids are looked up directly (404 when missing).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import Field

from outlet_pos.core import onboarding
from outlet_pos.core.access import Membership, User, requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.tenancy import DEFAULT_SHU_ALLOCATION, BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import format_number
from outlet_pos.workspaces.admin import bp
from outlet_pos.workspaces.admin.forms import (
    MONTHS,
    SHU_LABELS,
    CooperativeForm,
    GrantRoleForm,
    OutletForm,
    PasswordResetForm,
    UnitForm,
    UserCreateForm,
    UserEditForm,
)


def _actor() -> User:
    return current_user._get_current_object()


def _get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _put_error(form, exc: DomainError, fallback: str | None = None) -> None:
    """A service's message beside the field it names, else beside ``fallback``, else on top."""
    field = getattr(form, exc.field or "", None)
    if not isinstance(field, Field) and fallback:
        field = getattr(form, fallback)
    if isinstance(field, Field):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _status() -> int:
    return 400 if request.method == "POST" else 200


# --- cooperatives ----------------------------------------------------------------------


@bp.route("/koperasi")
@requires("admin.manage")
def cooperatives():
    def count(column, owner):
        return (
            select(func.count(func.distinct(column)))
            .where(owner == Cooperative.id)
            .correlate(Cooperative)
            .scalar_subquery()
        )

    rows = db.session.execute(
        select(
            Cooperative,
            count(Outlet.id, Outlet.cooperative_id),
            count(BusinessUnit.id, BusinessUnit.cooperative_id),
            count(Membership.user_id, Membership.cooperative_id),
        ).order_by(Cooperative.name)
    ).all()
    return render_template("admin/cooperatives.html", rows=rows)


def _coop_form_data(coop: Cooperative | None) -> dict:
    if coop is None:
        return {"timezone": "WIB", "fiscal_year_start_month": "1", **DEFAULT_SHU_ALLOCATION}
    data = {name: getattr(coop, name) for name in onboarding.COOP_FIELDS}
    data["fiscal_year_start_month"] = str(coop.fiscal_year_start_month)
    for key in ("simpanan_pokok_amount", "simpanan_wajib_amount"):
        data[key] = format_number(getattr(coop, key) or 0)
    return {**data, **DEFAULT_SHU_ALLOCATION, **coop.shu_allocation}


@bp.route("/koperasi/baru", methods=["GET", "POST"])
@requires("admin.manage")
def cooperative_new():
    return _cooperative_form(None)


@bp.route("/koperasi/<int:coop_id>/ubah", methods=["GET", "POST"])
@requires("admin.manage")
def cooperative_edit(coop_id: int):
    return _cooperative_form(_get_or_404(Cooperative, coop_id))


def _cooperative_form(coop: Cooperative | None):
    # Only what was typed counts on a POST; the stored values fill the form on a GET.
    form = CooperativeForm(data=_coop_form_data(coop) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if coop is None:
                coop = run_transaction(
                    onboarding.create_cooperative,
                    form.values(),
                    _actor(),
                    shu_allocation=form.shu_allocation(),
                )
                flash(
                    _("Koperasi %(name)s dibuat beserta bagan akunnya.", name=coop.name), "success"
                )
            else:
                run_transaction(
                    onboarding.update_cooperative,
                    coop,
                    form.values(),
                    _actor(),
                    shu_allocation=form.shu_allocation(),
                )
                flash(_("Data %(name)s disimpan.", name=coop.name), "success")
        except DomainError as exc:
            if exc.field is None:
                form.shu_errors.append(exc.message)
            else:
                _put_error(form, exc)
        else:
            return redirect(url_for("admin.cooperative_detail", coop_id=coop.id))
    return render_template("admin/cooperative_form.html", form=form, coop=coop), _status()


@bp.route("/koperasi/<int:coop_id>")
@requires("admin.manage")
def cooperative_detail(coop_id: int):
    return _detail_page(_get_or_404(Cooperative, coop_id))


def _unit_form(coop: Cooperative, unit: BusinessUnit | None = None, **kwargs) -> UnitForm:
    # Prefixed ("unit-code", "gerai-code"): both add-forms share the detail page, and their
    # inputs need distinct ids.
    if unit is not None:
        kwargs["data"] = {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "outlet": str(unit.outlet_id or ""),
            "active": unit.active,
        }
    form = UnitForm(prefix="unit", **kwargs)
    form.outlet.choices = {"": "— tanpa gerai —"} | {
        str(o.id): f"{o.code} · {o.name}" for o in coop.outlets
    }
    return form


def _detail_page(coop: Cooperative, outlet_form=None, unit_form=None):
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.cooperative_id == coop.id)
        .options(selectinload(Membership.user), selectinload(Membership.unit))
        .join(User)
        .order_by(User.username, Membership.id)
    ).all()
    people: dict[int, tuple[User, list[Membership]]] = {}
    for m in memberships:
        people.setdefault(m.user_id, (m.user, []))[1].append(m)
    return render_template(
        "admin/cooperative_detail.html",
        coop=coop,
        people=list(people.values()),
        outlet_form=outlet_form or OutletForm(formdata=None, prefix="gerai"),
        unit_form=unit_form or _unit_form(coop, formdata=None),
        month_name=MONTHS[(coop.fiscal_year_start_month or 1) - 1],
        shu_labels=SHU_LABELS,
    ), _status()


def _outlet_of(coop: Cooperative, outlet_id: int) -> Outlet:
    outlet = _get_or_404(Outlet, outlet_id)
    if outlet.cooperative_id != coop.id:
        abort(404)
    return outlet


@bp.route("/koperasi/<int:coop_id>/gerai", methods=["POST"])
@requires("admin.manage")
def outlet_new(coop_id: int):
    return _save_outlet(_get_or_404(Cooperative, coop_id), None)


@bp.route("/koperasi/<int:coop_id>/gerai/<int:outlet_id>", methods=["GET", "POST"])
@requires("admin.manage")
def outlet_edit(coop_id: int, outlet_id: int):
    coop = _get_or_404(Cooperative, coop_id)
    return _save_outlet(coop, _outlet_of(coop, outlet_id))


def _save_outlet(coop: Cooperative, outlet: Outlet | None):
    form = OutletForm(obj=outlet if request.method == "GET" else None, prefix="gerai")
    if form.validate_on_submit():
        try:
            saved = run_transaction(
                onboarding.save_outlet,
                coop,
                form.code.data,
                form.name.data,
                form.address.data or "",
                user=_actor(),
                outlet=outlet,
            )
        except DomainError as exc:
            _put_error(form, exc, fallback="code")
        else:
            flash(_("Gerai %(code)s disimpan.", code=saved.code), "success")
            return redirect(url_for("admin.cooperative_detail", coop_id=coop.id))
    if outlet is None:
        return _detail_page(coop, outlet_form=form)
    return render_template("admin/outlet_form.html", form=form, coop=coop, outlet=outlet), _status()


@bp.route("/koperasi/<int:coop_id>/unit", methods=["POST"])
@requires("admin.manage")
def unit_new(coop_id: int):
    return _save_unit(_get_or_404(Cooperative, coop_id), None)


@bp.route("/koperasi/<int:coop_id>/unit/<int:unit_id>", methods=["GET", "POST"])
@requires("admin.manage")
def unit_edit(coop_id: int, unit_id: int):
    coop = _get_or_404(Cooperative, coop_id)
    unit = _get_or_404(BusinessUnit, unit_id)
    if unit.cooperative_id != coop.id:
        abort(404)
    return _save_unit(coop, unit)


def _save_unit(coop: Cooperative, unit: BusinessUnit | None):
    form = _unit_form(coop, unit if request.method == "GET" else None)
    if form.validate_on_submit():
        outlet_id = int(form.outlet.data) if form.outlet.data else None
        try:
            saved = run_transaction(
                onboarding.save_unit,
                coop,
                form.code.data,
                form.name.data,
                form.kind.data,
                outlet_id,
                user=_actor(),
                unit=unit,
                active=bool(form.active.data) if unit else True,
            )
        except DomainError as exc:
            _put_error(form, exc, fallback="code")
        else:
            flash(_("Unit %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("admin.cooperative_detail", coop_id=coop.id))
    if unit is None:
        return _detail_page(coop, unit_form=form)
    return render_template("admin/unit_form.html", form=form, coop=coop, unit=unit), _status()


# --- users and roles -------------------------------------------------------------------


def _roles_by_coop(user: User) -> list[tuple[Cooperative, list[Membership]]]:
    groups: dict[int, tuple[Cooperative, list[Membership]]] = {}
    for m in sorted(user.memberships, key=lambda m: (m.cooperative.name, m.id)):
        groups.setdefault(m.cooperative_id, (m.cooperative, []))[1].append(m)
    return list(groups.values())


@bp.route("/pengguna")
@requires("admin.manage")
def users():
    people = db.session.scalars(
        select(User)
        .order_by(User.username)
        .options(
            selectinload(User.memberships).selectinload(Membership.cooperative),
            selectinload(User.memberships).selectinload(Membership.unit),
        )
    ).all()
    rows = [(u, _roles_by_coop(u)) for u in people]
    return render_template("admin/users.html", rows=rows, now=utcnow())


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@requires("admin.manage")
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = run_transaction(
                onboarding.create_user,
                form.username.data,
                form.full_name.data,
                form.password.data,
                is_admin=bool(form.is_admin.data),
                actor=_actor(),
            )
        except DomainError as exc:
            _put_error(form, exc, fallback="username")
        else:
            flash(
                _(
                    "Pengguna %(username)s dibuat. Berikan perannya di bawah.",
                    username=user.username,
                ),
                "success",
            )
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form), _status()


def _grant_form(**kwargs) -> GrantRoleForm:
    form = GrantRoleForm(**kwargs)
    coops = db.session.scalars(
        select(Cooperative).order_by(Cooperative.name).options(selectinload(Cooperative.units))
    ).all()
    form.cooperative.choices = {"": "— pilih koperasi —"} | {str(c.id): c.name for c in coops}
    units: dict = {"": "— semua unit —"}
    for c in coops:
        group = c.name if c.name not in units else f"{c.name} ({c.id})"
        if c.units:
            units[group] = {str(u.id): u.name for u in c.units}
    form.unit.choices = units
    return form


def _user_page(user: User, *, edit=None, password=None, grant=None):
    edit = edit or UserEditForm(
        formdata=None,
        data={"full_name": user.full_name, "active": user.active, "is_admin": user.is_admin},
    )
    return render_template(
        "admin/user_edit.html",
        user=user,
        roles=_roles_by_coop(user),
        now=utcnow(),
        edit_form=edit,
        password_form=password or PasswordResetForm(formdata=None),
        grant_form=grant or _grant_form(formdata=None),
    ), _status()


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@requires("admin.manage")
def user_edit(user_id: int):
    user = _get_or_404(User, user_id)
    form = UserEditForm()
    if form.validate_on_submit():
        try:
            changes = run_transaction(
                onboarding.update_user,
                user,
                form.full_name.data,
                active=bool(form.active.data),
                is_admin=bool(form.is_admin.data),
                actor=_actor(),
            )
        except DomainError as exc:
            _put_error(form, exc, fallback="full_name")
        else:
            flash(
                _("Data %(username)s disimpan.", username=user.username)
                if changes
                else _("Tidak ada perubahan."),
                "success" if changes else "info",
            )
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, edit=form if request.method == "POST" else None)


@bp.route("/pengguna/<int:user_id>/kata-sandi", methods=["POST"])
@requires("admin.manage")
def user_password(user_id: int):
    user = _get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            run_transaction(onboarding.reset_password, user, form.password.data, _actor())
        except DomainError as exc:
            _put_error(form, exc, fallback="password")
        else:
            if user.id == current_user.id:
                login_user(user)  # the session token changed with the password
            flash(
                _(
                    "Kata sandi %(username)s diganti; sesi lamanya berakhir.",
                    username=user.username,
                ),
                "success",
            )
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, password=form)


@bp.route("/pengguna/<int:user_id>/buka-kunci", methods=["POST"])
@requires("admin.manage")
def user_unlock(user_id: int):
    user = _get_or_404(User, user_id)
    run_transaction(onboarding.unlock_user, user, _actor())
    flash(_("Akun %(username)s dibuka kuncinya.", username=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/pengguna/<int:user_id>/peran", methods=["POST"])
@requires("admin.manage")
def role_grant(user_id: int):
    user = _get_or_404(User, user_id)
    form = _grant_form()
    if form.validate_on_submit():
        coop = _get_or_404(Cooperative, int(form.cooperative.data))
        unit = _get_or_404(BusinessUnit, int(form.unit.data)) if form.unit.data else None
        try:
            m = run_transaction(
                onboarding.grant_role, user, coop, form.role.data, unit, actor=_actor()
            )
        except DomainError as exc:
            _put_error(form, exc, fallback="role")
        else:
            flash(
                _(
                    "%(username)s kini %(role)s di %(name)s.",
                    username=user.username,
                    role=_(m.role_label),
                    name=coop.name,
                ),
                "success",
            )
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, grant=form)


@bp.route("/pengguna/<int:user_id>/peran/<int:membership_id>/cabut", methods=["POST"])
@requires("admin.manage")
def role_revoke(user_id: int, membership_id: int):
    membership = _get_or_404(Membership, membership_id)
    if membership.user_id != user_id:
        abort(404)
    # The form names the role the admin saw, so a stale page (SQLite may reuse the id of a
    # deleted row) never revokes something else.
    if request.form.get("role") != membership.role:
        flash(_("Peran ini sudah berubah sejak halaman dibuka; periksa lagi lalu ulangi."), "error")
        return _user_page(membership.user)
    label, coop_name = membership.role_label, membership.cooperative.name
    run_transaction(onboarding.revoke_role, membership, actor=_actor())
    flash(_("Peran %(role)s di %(name)s dicabut.", role=_(label), name=coop_name), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))
