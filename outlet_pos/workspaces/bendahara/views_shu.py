"""SHU pages of the treasurer's desk: the closed year's simulation (pools, every member's base
figures and shares), the settings, the distribution after the annual meeting, the payout list
(cash at the counter or into sukarela), each member's slip and the full list for the meeting."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from outlet_pos.core.access import requires
from outlet_pos.core.closing.models import YearClose
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents.report import Column
from outlet_pos.core.documents.shu_slip import ShuSlipData, render_shu_slip
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.shifts import open_shift_for
from outlet_pos.core.shu.compute import POOL_LABELS, allocation_of, settings_of
from outlet_pos.core.shu.models import ShuDistribution, ShuShare
from outlet_pos.core.shu.services import distribute, distribution_of, pay_cash, simulation_for
from outlet_pos.core.shu.settings import save_settings
from outlet_pos.core.tenancy import (
    BusinessUnit,
    Cooperative,
    get_scoped_or_404,
    require_cooperative,
)
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import attachment, send_report
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_shu import (
    DistributeForm,
    PayForm,
    PayoutSearchForm,
    settings_form,
)
from outlet_pos.workspaces.bendahara.purchasing_helpers import user
from outlet_pos.workspaces.bendahara.shu_payout import pay_into_sukarela
from outlet_pos.workspaces.bendahara.views_closing import fix_link

MEMBER_POOLS = ("jasa_modal", "jasa_usaha")


@dataclass
class Row:
    share_id: int | None
    number: str
    name: str
    capital_base: int
    transactions: int
    jasa_modal: int
    jasa_usaha: int
    total: int
    by_unit: dict = field(default_factory=dict)
    paid_on: object = None
    paid_via: str = ""


@dataclass
class ShuView:
    year: int
    shu: int
    allocation: dict[str, int]
    pools: dict[str, int]
    rows: list[Row]
    unshared: dict[str, int]
    distribution: ShuDistribution | None
    units: dict  # unit id -> name, for the per-unit transaction columns (simulation only)

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.rows)

    def unit_total(self, unit_id) -> int:
        return sum(r.by_unit.get(unit_id, 0) for r in self.rows)

    @property
    def outstanding(self) -> int:
        return sum(r.total for r in self.rows if r.paid_on is None)


def _arg_int(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None


def _closed_years(coop: Cooperative) -> list[int]:
    return list(
        db.session.scalars(
            select(YearClose.year)
            .where(YearClose.cooperative_id == coop.id)
            .order_by(YearClose.year.desc())
        )
    )


def _units(coop: Cooperative) -> list[BusinessUnit]:
    return list(
        db.session.scalars(
            select(BusinessUnit)
            .where(BusinessUnit.cooperative_id == coop.id)
            .order_by(BusinessUnit.id)
        )
    )


def _view(coop: Cooperative, year: int) -> ShuView:
    """The distributed figures as stored, or (before the RAT) the simulation from the books."""
    dist = distribution_of(coop, year)
    if dist is not None:
        names = dict(
            db.session.execute(
                select(Member.id, Member.name).where(Member.cooperative_id == coop.id)
            ).all()
        )
        rows = [
            Row(s.id, s.member_number, names.get(s.member_id, ""), s.capital_base,
                s.transactions, s.jasa_modal, s.jasa_usaha, s.total,
                paid_on=s.paid_on, paid_via=s.paid_via)
            for s in dist.shares
        ]  # fmt: skip
        pools = json.loads(dist.pools_json)
        return ShuView(year, dist.shu_amount, json.loads(dist.allocation_json), pools, rows,
                       {}, dist, {})  # fmt: skip
    sim = simulation_for(coop, year)
    rows = [
        Row(None, b.number, b.name, b.capital_base, b.transactions, b.jasa_modal, b.jasa_usaha,
            b.total, by_unit=b.by_unit)
        for b in sim.members
    ]  # fmt: skip
    used = sorted({u for r in rows for u in r.by_unit}, key=lambda u: (u is None, u or 0))
    names = {u.id: u.name for u in _units(coop)}
    units = {u: names.get(u, "Tanpa unit") if u is not None else "Tanpa unit" for u in used}
    return ShuView(year, sim.shu, sim.allocation, sim.pools, rows, sim.unshared, None, units)


def _settings_form(coop: Cooperative, formdata=None):
    units = [u for u in _units(coop) if u.active]
    form = settings_form(units, formdata)
    if formdata is None:
        allocation = allocation_of(coop)
        for key in POOL_LABELS:
            getattr(form, f"alloc_{key}").data = str(allocation.get(key, 0))
        settings = settings_of(coop)
        weights = json.loads(settings.unit_weights_json or "{}")
        form.include_sukarela.data = settings.include_sukarela
        for unit in units:
            getattr(form, f"weight_{unit.id}").data = str(weights.get(str(unit.id), 100))
    return form, units


def _shu_page(coop: Cooperative, year: int | None, *, forms=None, status=200):
    forms = forms or {}
    years = _closed_years(coop)
    year = year if year in years else (years[0] if years else None)
    view, error = None, ""
    if year is not None:
        try:
            view = _view(coop, year)
        except DomainError as exc:
            error = exc.message
    if view is not None:
        sent = send_report(
            coop, _meeting_table(view), "Daftar Pembagian SHU Anggota", f"Tahun buku {year}",
            f"shu-{year}", subtitle=f"SHU {_rp(view.shu)}",
        )  # fmt: skip
        if sent is not None:
            return sent
    settings, units = forms.get("settings") or _settings_form(coop)
    distribute_form = forms.get("distribute") or DistributeForm(formdata=None)
    distribute_form.year.data = year
    return render_template(
        "bendahara/shu/index.html",
        years=years,
        year=year,
        view=view,
        error=error,
        labels=POOL_LABELS,
        settings_form=settings,
        settings_units=units,
        distribute_form=distribute_form,
        pay_form=PayForm(formdata=None),
        today=coop.today(),
    ), status


def _rp(amount: int) -> str:
    return format_rupiah(amount)


@bp.route("/shu")
@requires("ledger.view")
def shu():
    coop = require_cooperative()
    return _shu_page(coop, _arg_int("year"))


@bp.route("/shu/pengaturan", methods=["POST"])
@requires("shu.manage")
def shu_settings():
    coop = require_cooperative()
    year = _arg_int("year")
    form, units = _settings_form(coop, request.form)
    if form.validate_on_submit():
        allocation = {k: getattr(form, f"alloc_{k}").data or "" for k in POOL_LABELS}
        weights = {u.id: getattr(form, f"weight_{u.id}").data or "" for u in units}
        try:
            run_transaction(
                save_settings, coop, allocation, bool(form.include_sukarela.data), weights, user()
            )
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(_("Pengaturan SHU disimpan."), "success")
            return redirect(url_for("bendahara.shu", year=year))
    return _shu_page(coop, year, forms={"settings": (form, units)}, status=400)


@bp.route("/shu/bagikan", methods=["POST"])
@requires("shu.manage")
def shu_distribute():
    coop = require_cooperative()
    form = DistributeForm()
    raw = (form.year.data or "").strip()
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
    if year is None:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(url_for("bendahara.shu"))
    back = url_for("bendahara.shu", year=year)
    if form.validate_on_submit():
        try:
            result = run_transaction(
                distribute, coop, year, form.rat_date.data, form.decision_number.data, user()
            )
        except DomainError as exc:
            target = {"rat_date": form.rat_date, "decision_number": form.decision_number}.get(
                exc.field or ""
            )
            if target is None:
                flash(exc.message, "error")
                return redirect(back)
            target.errors.append(exc.message)
        else:
            if not result.posted:
                flash(
                    _("SHU tahun %(year)s sudah dibagikan; tidak ada perubahan.", year=year), "info"
                )
            else:
                flash(
                    _(
                        "SHU tahun %(year)s dibagikan sesuai keputusan RAT %(decision_number)s.",
                        year=year,
                        decision_number=result.distribution.decision_number,
                    ),
                    "success",
                )
            return redirect(back)
    return _shu_page(coop, year, forms={"distribute": form}, status=400)


# --- payouts ---------------------------------------------------------------------------------


def _distributed_years(coop: Cooperative) -> list[int]:
    return list(
        db.session.scalars(
            select(ShuDistribution.year)
            .where(ShuDistribution.cooperative_id == coop.id)
            .order_by(ShuDistribution.year.desc())
        )
    )


@bp.route("/shu/pembayaran")
@requires("shu.pay")
def shu_payouts():
    coop = require_cooperative()
    years = _distributed_years(coop)
    year = _arg_int("year")
    year = year if year in years else (years[0] if years else None)
    search = PayoutSearchForm(request.args)
    search.validate()
    q = (search.q.data or "").strip()
    dist = distribution_of(coop, year) if year is not None else None
    shares, outstanding, unpaid = [], 0, 0
    if dist is not None:
        stmt = (
            select(ShuShare, Member)
            .join(Member, Member.id == ShuShare.member_id)
            .where(ShuShare.cooperative_id == coop.id, ShuShare.distribution_id == dist.id)
            .order_by(ShuShare.member_number)
        )
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(func.lower(Member.member_number).like(like), func.lower(Member.name).like(like))
            )
        shares = db.session.execute(stmt.limit(200)).all()
        outstanding, unpaid = db.session.execute(
            select(func.coalesce(func.sum(ShuShare.total), 0), func.count(ShuShare.id)).where(
                ShuShare.distribution_id == dist.id,
                ShuShare.paid_on.is_(None),
                ShuShare.total > 0,
            )
        ).one()
    shift = open_shift_for(current_user)
    return render_template(
        "bendahara/shu/payouts.html",
        years=years,
        year=year,
        dist=dist,
        shares=shares,
        q=q,
        search=search,
        outstanding=int(outstanding),
        unpaid=int(unpaid),
        shift=shift if shift is not None and shift.cooperative_id == coop.id else None,
        pay_form=PayForm(formdata=None, q=q),
        shift_link=fix_link("kasir.shift", {}),
    )


def _share_or_404(coop: Cooperative, share_id: int) -> ShuShare:
    return get_scoped_or_404(ShuShare, share_id, coop)


def _back(share: ShuShare) -> str:
    q = (request.form.get("q") or "").strip()[:100]
    return url_for("bendahara.shu_payouts", year=share.distribution.year, q=q or None)


@bp.route("/shu/bagian/<int:shu_share_id>/tunai", methods=["POST"])
@requires("shu.pay")
def shu_pay_cash(shu_share_id: int):
    coop = require_cooperative()
    share = _share_or_404(coop, shu_share_id)
    back = _back(share)
    if not PayForm().validate_on_submit():
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(back)
    shift = open_shift_for(current_user)
    if shift is not None and shift.cooperative_id != coop.id:
        shift = None
    return act(back, pay_cash, coop, share.id, user(), shift,
               done=lambda s: f"SHU {s.member_number} {_rp(s.total)} dibayar tunai.")  # fmt: skip


@bp.route("/shu/bagian/<int:shu_share_id>/sukarela", methods=["POST"])
@requires("shu.manage")
def shu_pay_sukarela(shu_share_id: int):
    coop = require_cooperative()
    share = _share_or_404(coop, shu_share_id)
    back = _back(share)
    if not PayForm().validate_on_submit():
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(back)
    done = "SHU {} {} masuk ke simpanan sukarela."
    return act(back, pay_into_sukarela, coop, share.id, user(),
               done=lambda s: done.format(s.member_number, _rp(s.total)))  # fmt: skip


@bp.route("/shu/bagian/<int:shu_share_id>/slip")
@requires("shu.pay")
def shu_slip(shu_share_id: int):
    coop = require_cooperative()
    share = _share_or_404(coop, shu_share_id)
    dist = share.distribution
    member = db.session.get(Member, share.member_id)
    pools = json.loads(dist.pools_json or "{}")
    local = coop.local_time(utcnow())
    via = {"tunai": "tunai", "sukarela": "ke simpanan sukarela"}.get(share.paid_via, share.paid_via)
    data = ShuSlipData(
        coop_name=coop.name,
        coop_address=", ".join(p for p in (coop.address, coop.desa, coop.kabupaten) if p),
        year=dist.year,
        member_number=share.member_number,
        member_name=member.name if member else "",
        capital_base=share.capital_base,
        transactions=share.transactions,
        jasa_modal=share.jasa_modal,
        jasa_usaha=share.jasa_usaha,
        total=share.total,
        pool_jasa_modal=int(pools.get("jasa_modal", 0)),
        pool_jasa_usaha=int(pools.get("jasa_usaha", 0)),
        rat=f"RAT {tanggal(dist.rat_date)} · keputusan {dist.decision_number}",
        paid=f"SUDAH DIBAYAR {via} pada {tanggal(share.paid_on)}" if share.paid_on else "",
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} "
        f"oleh {current_user.full_name}",
    )
    name = f"slip-shu-{dist.year}-{share.member_number}.pdf".replace("/", "-")
    return attachment(render_shu_slip(data), "application/pdf", name)


# --- the full list for the meeting -----------------------------------------------------------


def _meeting_table(view: ShuView) -> Table:
    units = list(view.units.items())
    columns = [Column("No. anggota", 0.09), Column("Nama", 0.18),
               Column("Dasar modal", 0.1, "right")]  # fmt: skip
    columns += [Column(f"Transaksi {name}", 0.09, "right") for _u, name in units]
    columns += [
        Column("Transaksi (tertimbang)", 0.1, "right"),
        Column("Jasa modal", 0.09, "right"),
        Column("Jasa usaha", 0.09, "right"),
        Column("Jumlah SHU", 0.1, "right"),
    ]
    if view.distribution is not None:
        columns.append(Column("Dibayar", 0.1))
    rows = []
    for r in view.rows:
        row = [r.number, r.name, r.capital_base]
        row += [r.by_unit.get(u, 0) for u, _name in units]
        row += [r.transactions, r.jasa_modal, r.jasa_usaha, r.total]
        if view.distribution is not None:
            row.append(f"{r.paid_via} {tanggal(r.paid_on)}" if r.paid_on else "belum")
        rows.append(row)
    totals = ["Jumlah", f"{len(view.rows)} anggota", view.total("capital_base")]
    totals += [view.unit_total(u) for u, _name in units]
    totals += [view.total("transactions"), view.total("jasa_modal"), view.total("jasa_usaha"),
               view.total("total")]  # fmt: skip
    if view.distribution is not None:
        totals.append(f"sisa {_rp(view.outstanding)}")
    notes = [f"SHU tahun buku {view.year}: {_rp(view.shu)}."]
    notes += [
        f"{POOL_LABELS.get(k, k)} {view.allocation.get(k, 0)}%: {_rp(v)}"
        for k, v in view.pools.items()
    ]
    if view.distribution is not None:
        d = view.distribution
        notes.append(f"Dibagikan sesuai RAT {tanggal(d.rat_date)}, keputusan {d.decision_number}.")
    else:
        notes.append("Simulasi: belum dibagikan (menunggu keputusan RAT).")
    return Table(columns, rows, totals, notes, landscape=True)
