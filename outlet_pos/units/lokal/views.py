"""Pages of local units: the list, opening a unit from a form, a unit's home page with its
catalog, and the LPG logbook (then the cold room and the agent desk)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.expenses.vouchers import VoucherData, render_voucher
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger import JournalEntry
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import (
    BusinessUnit,
    get_scoped_or_404,
    parse_id,
    require_cooperative,
    scoped,
)
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import send_report
from outlet_pos.units.lokal import bp, cold_storage, lpg
from outlet_pos.units.lokal.forms import (
    ColdInForm,
    ColdOutForm,
    ItemForm,
    UnitForm,
)
from outlet_pos.units.lokal.models import TEMPLATES, ColdStorageLot, LocalUnitProfile, profile_of
from outlet_pos.units.lokal.units import (
    add_item,
    create_local_unit,
    local_units,
    month_figures,
    set_subsidised_items,
)
from outlet_pos.units.lokal.units import unit_items as catalog_of

UNIT_FIELDS = ("name", "code", "outlet", "template", "flows", "limit_per_nik_per_day", "het",
               "rate_per_crate_per_day")  # fmt: skip
# Pages each template offers on the unit's home page (endpoint, label).
TEMPLATE_PAGES = {
    "lpg": [("lokal.lpg_log", "Logbook harian LPG")],
    "cold_storage": [("lokal.cold_storage", "Cold storage: titipan krat")],
    "agen": [("lokal.agent", "Transaksi agen PPOB/bank")],
}


def user():
    return current_user._get_current_object()


def place(form, exc: DomainError, fields: tuple[str, ...]) -> None:
    name = (exc.field or "").removeprefix("fee_")
    target = getattr(form, exc.field or "", None) if exc.field else None
    if target is not None and (exc.field in fields or exc.field.startswith("fee_")):
        target.errors.append(exc.message)
    elif name in fields:
        getattr(form, name).errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def local_unit_or_redirect(unit_id: int, template: str | None = None):
    """(unit, profile, None), or (None, None, redirect) for a unit of this cooperative that is
    not such a local unit; another cooperative's unit is a 404."""
    unit = get_scoped_or_404(BusinessUnit, unit_id)
    profile = profile_of(unit) if unit.kind == "lokal" else None
    if profile is None or (template and profile.template != template):
        label = TEMPLATES[template][0] if template else "unit lokal"
        flash(
            _(
                "%(name)s bukan %(label)s yang dibuat dari formulir unit lokal.",
                name=unit.name,
                label=label,
            ),
            "warning",
        )
        return None, None, redirect(url_for("lokal.units"))
    return unit, profile, None


@bp.route("/")
@requires("local.operate")
def units():
    coop = require_cooperative()
    return render_template("lokal/units.html", rows=local_units(coop), templates=TEMPLATES,
                           can_manage=current_user.can("local.manage", coop))  # fmt: skip


def _unit_form_page(coop, form: UnitForm, status: int = 200):
    from outlet_pos.core.tenancy import Outlet

    outlets = db.session.scalars(
        scoped(Outlet).where(Outlet.active.is_(True)).order_by(Outlet.id)
    ).all()
    form.outlet.choices = {"": "— tanpa gerai —"} | {str(o.id): o.name for o in outlets}
    template = form.template.data if form.template.data in TEMPLATES else "umum"
    return render_template("lokal/unit_new.html", form=form, template=template,
                           templates=TEMPLATES), status  # fmt: skip


@bp.route("/baru", methods=["GET", "POST"])
@requires("local.manage")
def unit_new():
    coop = require_cooperative()
    form = UnitForm()
    if request.method == "GET":
        chosen = request.args.get("template", "umum")
        chosen = chosen if chosen in TEMPLATES else "umum"
        _label, flows, settings, _desc = TEMPLATES[chosen]
        form.template.data, form.flows.data = chosen, list(flows)
        form.limit_per_nik_per_day.data = settings.get("limit_per_nik_per_day", 2)
        form.het.data = str(settings.get("het", 18000))
        form.rate_per_crate_per_day.data = str(settings.get("rate_per_crate_per_day", 5000))
        return _unit_form_page(coop, form)
    _unit_form_page(coop, form)  # fills the outlet choices before validating
    if form.validate_on_submit():
        outlet = form.outlet.data
        try:
            unit = run_transaction(
                create_local_unit, coop, user(), name=form.name.data, code=form.code.data,
                outlet_id=parse_id(outlet),
                template=form.template.data, flows=form.flows.data or [],
                settings=form.settings(),
            )  # fmt: skip
        except DomainError as exc:
            place(form, exc, UNIT_FIELDS)
        else:
            flash(
                _("Unit %(name)s dibuka; tambahkan barang atau jasanya.", name=unit.name), "success"
            )
            return redirect(url_for("lokal.unit", unit_id=unit.id))
    return _unit_form_page(coop, form, 400)


def fish_pages(profile: LocalUnitProfile) -> list[tuple[str, str]]:
    """The fisheries/livestock helper's pages for this unit, whichever exist (by endpoint)."""
    if profile.template not in ("perikanan", "peternakan"):
        return []
    prefix = "lokal.fish" if profile.template == "perikanan" else "lokal.livestock"
    found = []
    for rule in current_app.url_map.iter_rules():
        if (rule.endpoint.startswith(prefix) and "GET" in (rule.methods or ())
                and set(rule.arguments) <= {"unit_id"}):  # fmt: skip
            doc = (current_app.view_functions[rule.endpoint].__doc__ or "").strip()
            found.append((rule.endpoint, doc.splitlines()[0] if doc else rule.endpoint))
    return sorted(set(found))


def _unit_page(coop, unit, profile, form: ItemForm | None = None, status: int = 200):
    pages = TEMPLATE_PAGES.get(profile.template, []) + fish_pages(profile)
    subsidised = (lpg.subsidised_ids(coop.id, unit.id, profile.settings)
                  if profile.template == "lpg" else None)  # fmt: skip
    return render_template(
        "lokal/unit.html", unit=unit, profile=profile, items=catalog_of(coop, unit),
        subsidised=subsidised,
        figures=month_figures(coop, unit, coop.today()), today=coop.today(), pages=pages,
        form=form or ItemForm(formdata=None), can_manage=current_user.can("local.manage", coop),
    ), status  # fmt: skip


@bp.route("/<int:unit_id>")
@requires("local.operate")
def unit(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id)
    if back is not None:
        return back
    return _unit_page(coop, found, profile)


@bp.route("/<int:unit_id>/barang", methods=["POST"])
@requires("local.manage")
def item_new(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id)
    if back is not None:
        return back
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = run_transaction(
                add_item, coop, found, user(), name=form.name.data, sku=form.sku.data,
                base_uom=form.base_uom.data, price_member=form.price_member.amount,
                price_general=form.price_general.amount,
            )  # fmt: skip
        except DomainError as exc:
            place(form, exc, ("name", "sku", "base_uom", "price_member", "price_general"))
        else:
            flash(_(
"%(name)s (%(sku)s) masuk katalog; dijual di layar kasir biasa.", name=item.name, sku=item.sku,
),
                  "success")  # fmt: skip
            return redirect(url_for("lokal.unit", unit_id=unit_id))
    return _unit_page(coop, found, profile, form, 400)


@bp.route("/<int:unit_id>/lpg/subsidi", methods=["POST"])
@requires("local.manage")
def lpg_subsidised(unit_id: int):
    """Which items of the LPG base the NIK, limit and HET apply to."""
    coop = require_cooperative()
    found, _profile, back = local_unit_or_redirect(unit_id, "lpg")
    if back is not None:
        return back
    here = url_for("lokal.unit", unit_id=unit_id)
    if not FlaskForm().validate_on_submit():  # only the CSRF token to check
        flash(_("Formulir kedaluwarsa; muat ulang halaman."), "error")
        return redirect(here)
    ids = [i for i in map(parse_id, request.form.getlist("item_id")) if i is not None]
    return act(here, set_subsidised_items, coop, found, user(), ids,
               done="Daftar barang bersubsidi disimpan.")  # fmt: skip


def _day_arg(coop) -> date:
    try:
        return date.fromisoformat(request.args.get("tanggal", ""))
    except ValueError:
        return coop.today()


@bp.route("/<int:unit_id>/lpg")
@requires("local.operate")
def lpg_log(unit_id: int):
    coop = require_cooperative()
    found, _profile, back = local_unit_or_redirect(unit_id, "lpg")
    if back is not None:
        return back
    day = _day_arg(coop)
    rows = lpg.daily_log(coop, found, day)
    table = Table(
        [Column("No", 0.06, "right"), Column("NIK", 0.3), Column("Nama pembeli", 0.38),
         Column("Tabung", 0.1, "right"), Column("Jumlah", 0.16, "right")],
        [[i, r.masked, r.name or "-", fmt_qty(r.qty), r.amount] for i, r in enumerate(rows, 1)],
        ["", f"Jumlah {len(rows)} NIK", "", fmt_qty(sum((r.qty for r in rows), Decimal(0))),
         sum(r.amount for r in rows)],
        [f"Unit {found.name}. NIK ditampilkan 4 digit terakhir."],
    )  # fmt: skip
    exported = send_report(coop, table, "Logbook Pangkalan LPG 3 kg", tanggal(day),
                           f"logbook-lpg-{found.code}-{day.isoformat()}")  # fmt: skip
    if exported is not None:
        return exported
    return render_template("lokal/lpg_log.html", unit=found, rows=rows, day=day,
                           total_qty=sum((r.qty for r in rows), Decimal(0)),
                           total_amount=sum(r.amount for r in rows))  # fmt: skip


# --- cold storage ---------------------------------------------------------------------------


def _cold_page(coop, unit, profile, in_form=None, status: int = 200):
    today = coop.today()
    in_form = in_form or ColdInForm(formdata=None, day=today)
    lots = cold_storage.in_room(coop, unit)
    return render_template(
        "lokal/cold_storage.html", unit=unit, profile=profile, lots=lots, today=today,
        charge=lambda lot: cold_storage.charge(lot, today), days=cold_storage.storage_days,
        done=cold_storage.recent_out(coop, unit), in_form=in_form,
        out_form=ColdOutForm(formdata=None), crates=sum(lot.crates for lot in lots),
    ), status  # fmt: skip


@bp.route("/<int:unit_id>/cold-storage", endpoint="cold_storage")
@requires("local.operate")
def cold_storage_page(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id, "cold_storage")
    return back or _cold_page(coop, found, profile)


@bp.route("/<int:unit_id>/cold-storage/masuk", methods=["POST"])
@requires("local.operate")
def cold_checkin(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id, "cold_storage")
    if back is not None:
        return back
    form = ColdInForm()
    if form.validate_on_submit():
        member = None
        number = (form.member_number.data or "").strip()
        if number:
            member = db.session.scalar(scoped(Member).where(Member.member_number == number))
            if member is None:
                form.member_number.errors.append("Nomor anggota tidak ditemukan.")
        if not form.member_number.errors:
            try:
                lot = run_transaction(
                    cold_storage.check_in, coop, found, user(), owner_name=form.owner_name.data,
                    crates=form.crates.data, day=form.day.data,
                    member_id=member.id if member else None, note=form.note.data,
                )  # fmt: skip
            except DomainError as exc:
                place(form, exc, ("owner_name", "crates", "day", "note"))
            else:
                flash(
                    _(
                        "%(number)s: %(crates)s krat milik %(owner_name)s masuk.",
                        number=lot.number,
                        crates=lot.crates,
                        owner_name=lot.owner_name,
                    ),
                    "success",
                )
                return redirect(url_for("lokal.cold_storage", unit_id=unit_id))
    return _cold_page(coop, found, profile, form, 400)


@bp.route("/titipan/<int:lot_id>/keluar", methods=["POST"])
@requires("local.operate")
def cold_checkout(lot_id: int):
    coop = require_cooperative()
    lot = get_scoped_or_404(ColdStorageLot, lot_id)
    form = ColdOutForm()
    back = url_for("lokal.cold_storage", unit_id=lot.unit_id)
    if not form.validate_on_submit():
        flash(_("Pilih cara bayar."), "error")
        return redirect(back)
    return act(back, cold_storage.check_out, coop, lot, user(), method=form.method.data,
               done=lambda x: f"{x.number} keluar: {x.crates} krat × {x.days} hari = "
               f"{format_rupiah(x.amount)} ditagih.")  # fmt: skip


@bp.route("/titipan/<int:lot_id>/kuitansi.pdf")
@requires("local.operate")
def cold_receipt(lot_id: int):
    coop = require_cooperative()
    lot = get_scoped_or_404(ColdStorageLot, lot_id)
    if lot.checked_out is None:
        flash(
            _("%(number)s belum dikeluarkan; kuitansi dibuat saat krat keluar.", number=lot.number),
            "warning",
        )
        return redirect(url_for("lokal.cold_storage", unit_id=lot.unit_id))
    entry = db.session.get(JournalEntry, lot.entry_id)
    local = coop.local_time(utcnow())
    data = VoucherData(
        coop_name=coop.name,
        coop_address=", ".join(p for p in (coop.address, coop.desa, coop.kabupaten) if p),
        kind="income", number=lot.number, date=tanggal(lot.checked_out), amount=lot.amount,
        counterparty=lot.owner_name + (f" ({lot.member.member_number})" if lot.member else ""),
        description=f"Sewa cold storage {lot.crates} krat × {lot.days} hari × "
        f"{format_rupiah(lot.rate)} ({tanggal(lot.checked_in)} – {tanggal(lot.checked_out)})",
        category="415100 Pendapatan sewa & jasa unit lokal",
        cash_account="Kas laci (shift)" if lot.payment == "tunai" else "Piutang anggota (kredit)",
        unit=lot.unit.name, journal=entry.number if entry else "",
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} oleh "
        f"{current_user.full_name}",
    )  # fmt: skip
    return Response(render_voucher(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{lot.number}.pdf"'})  # fmt: skip
