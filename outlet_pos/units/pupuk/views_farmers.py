"""Farmer pages: the registry with search, registering and editing a farmer, the farmer page
(allocations per season, redemptions with receipts and proxies) and the audited manual
correction of an allocation."""

from __future__ import annotations

from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.shell.actions import act
from outlet_pos.units.pupuk import bp, registry, services
from outlet_pos.units.pupuk.forms import FarmerForm
from outlet_pos.units.pupuk.models import Allocation, Farmer
from outlet_pos.units.pupuk.views_common import kg, user


@bp.route("/petani", endpoint="farmers")
@requires("pupuk.view")
def farmers_list():
    coop = require_cooperative()
    q = request.args.get("q", "")[:100]
    poktan = request.args.get("poktan", "")[:100]
    season = services.season_of(coop.today())
    return render_template(
        "pupuk/farmers.html", rows=registry.search_farmers(coop, q, poktan), q=q, poktan=poktan,
        poktans=registry.poktan_names(coop), total=registry.count_farmers(coop),
        season=season, totals=registry.season_totals(coop, season),
    )  # fmt: skip


def _farmer_form(farmer: Farmer | None):
    coop = require_cooperative()
    form = FarmerForm(obj=farmer)
    if request.method == "GET" and farmer is not None:
        form.land_ha.data = kg(farmer.land_ha)
    if form.validate_on_submit():
        try:
            saved = run_transaction(services.save_farmer, coop, form.values(), user(), farmer)
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(
                _("Petani %(name)s (%(nik)s) tersimpan.", name=saved.name, nik=saved.nik), "success"
            )
            return redirect(url_for("pupuk.farmer_detail", farmer_id=saved.id))
    status = 400 if request.method == "POST" else 200
    return render_template("pupuk/farmer_form.html", form=form, farmer=farmer), status


@bp.route("/petani/baru", methods=["GET", "POST"])
@requires("pupuk.manage")
def farmer_new():
    return _farmer_form(None)


@bp.route("/petani/<int:farmer_id>/ubah", methods=["GET", "POST"])
@requires("pupuk.manage")
def farmer_edit(farmer_id: int):
    return _farmer_form(get_scoped_or_404(Farmer, farmer_id))


@bp.route("/petani/<int:farmer_id>")
@requires("pupuk.view")
def farmer_detail(farmer_id: int):
    coop = require_cooperative()
    farmer = get_scoped_or_404(Farmer, farmer_id)
    return render_template(
        "pupuk/farmer_detail.html", farmer=farmer, season=services.season_of(coop.today()),
        seasons=registry.allocations_by_season(farmer),
        history=registry.redemption_history(farmer),
    )  # fmt: skip


@bp.route("/alokasi/<int:allocation_id>/koreksi", methods=["POST"])
@requires("pupuk.manage")
def allocation_fix(allocation_id: int):
    coop = require_cooperative()
    alloc = get_scoped_or_404(Allocation, allocation_id)
    back = url_for("pupuk.farmer_detail", farmer_id=alloc.farmer_id)
    try:
        new_kg = services.parse_kg(request.form.get("kg", ""))
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    return act(
        back, services.correct_allocation, coop, alloc, new_kg, user(),
        request.form.get("reason", ""),
        done=lambda a: f"Alokasi {a.season} dikoreksi menjadi {kg(a.kg)} kg.",
    )  # fmt: skip


@bp.route("/penebusan/<int:redemption_id>/foto", methods=["POST"])
@requires("pupuk.view")
def redemption_photo_upload(redemption_id: int):
    """Attach the photo of a redemption (the cashier who served it, or pengurus)."""
    from flask import current_app, flash, redirect, request, url_for
    from flask_login import current_user

    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
    from outlet_pos.units.pupuk.models import Redemption
    from outlet_pos.units.pupuk.photos import save_photo

    coop = require_cooperative()
    red = get_scoped_or_404(Redemption, redemption_id)
    back = url_for("pupuk.farmer_detail", farmer_id=red.farmer_id)
    file = request.files.get("photo")
    data = file.read(6 * 1024 * 1024) if file else b""
    try:
        run_transaction(save_photo, coop, red, data, Path(current_app.instance_path),
                        current_user._get_current_object())  # fmt: skip
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Foto penebusan disimpan."), "success")
    return redirect(back)


@bp.route("/penebusan/<int:redemption_id>/foto")
@requires("pupuk.view")
def redemption_photo(redemption_id: int):
    from flask import Response, current_app, flash, redirect, url_for

    from outlet_pos.core.tenancy import get_scoped_or_404
    from outlet_pos.units.pupuk.models import Redemption

    red = get_scoped_or_404(Redemption, redemption_id)
    path = Path(current_app.instance_path) / red.photo_path if red.photo_path else None
    if path is None or not path.is_file():
        flash(_("Penebusan ini belum punya foto."), "warning")
        return redirect(url_for("pupuk.farmer_detail", farmer_id=red.farmer_id))
    # Read whole (at most 5 MB) rather than streamed: no file handle outlives the request.
    mimetype = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[path.suffix[1:]]
    return Response(path.read_bytes(), mimetype=mimetype, headers={"Cache-Control": "no-store"})
