"""The mentor's portfolio, one cooperative's dashboard, the alert thresholds and the weekly
digest PDF. A mentor reaches a cooperative only among those they coach (404 otherwise); opening
its dashboard makes it the current cooperative, so every report page that follows reads its
books with the mentor's read-only role."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.mentoring import alerts
from outlet_pos.core.mentoring import portfolio as book
from outlet_pos.core.mentoring.digest import render_digest
from outlet_pos.core.mentoring.portfolio import percent_text, snapshot
from outlet_pos.core.mentoring.trends import monthly
from outlet_pos.core.mentoring.visits import open_actions
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import attachment
from outlet_pos.workspaces.pendamping import bp

PERM = "mentor.portfolio"
LIGHTS = ("merah", "kuning", "hijau")


def _user():
    return current_user._get_current_object()


def mentored_or_404(coop_id: int) -> Cooperative:
    """A cooperative this user coaches; any other id is a 404, never a 403, so ids of
    cooperatives one does not coach reveal nothing."""
    coop = db.session.get(Cooperative, coop_id)
    if coop is None or not (current_user.is_admin or coop in current_user.mentored()):
        abort(404)
    return coop


@bp.route("/")
@requires(PERM)
def index():
    """Kept for old links; the portfolio lives at ``pendamping.portfolio``."""
    return redirect(url_for("pendamping.portfolio"))


@bp.route("/portofolio")
@requires(PERM)
def portfolio():
    thresholds = alerts.thresholds_for(_user())
    snaps = book.portfolio(_user(), thresholds)
    counts = {light: sum(1 for s in snaps if s.overall == light) for light in LIGHTS}
    return render_template(
        "pendamping/portfolio.html",
        snaps=snaps,
        counts=counts,
        thresholds=thresholds,
        percent_text=percent_text,
    )


@bp.route("/koperasi/<int:coop_id>")
@requires(PERM)
def coop(coop_id: int):
    target = mentored_or_404(coop_id)
    if current_user.roles_in(target):
        session["coop_id"] = target.id
        g.cooperative = target
    snap = snapshot(target, alerts.thresholds_for(_user()))
    trends = monthly(target, snap.today)
    return render_template(
        "pendamping/coop.html",
        coop=target,
        snap=snap,
        open_actions=open_actions(target),
        percent_text=percent_text,
        trends=trends,
        links=_links(),
    )


# The cooperative's own pages a mentor may read, in the order a review goes.
REPORT_LINKS = [
    ("pendamping.health", "Penilaian kesehatan", "health.view"),
    ("pendamping.visits", "Catatan pendampingan", "mentoring.view"),
    ("rencana.plan", "Rencana bisnis", "plan.view"),
    ("pendamping.trends", "Grafik kinerja", "sales.report"),
    ("bendahara.statements", "Laporan keuangan", "ledger.view"),
    ("bendahara.trial_balance_page", "Neraca saldo", "ledger.view"),
    ("bendahara.journal_list", "Jurnal", "ledger.view"),
    ("bendahara.periods", "Tutup bulan", "ledger.view"),
    ("bendahara.shu", "SHU anggota", "ledger.view"),
    ("laporan.sales", "Laporan penjualan", "sales.report"),
    ("sembako.stock", "Stok", "stock.view"),
    ("simpin.reports", "Laporan simpan pinjam", "simpin.report"),
    ("pupuk.reports", "Laporan penebusan pupuk", "pupuk.report"),
]


def _links() -> list[tuple[str, str]]:
    built = current_app.view_functions
    return [
        (ep, label) for ep, label, perm in REPORT_LINKS if ep in built and current_user.can(perm)
    ]


@bp.route("/peringatan", methods=["GET", "POST"])
@requires(PERM)
def alert_settings():
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in alerts.THRESHOLDS}
        values[alerts.NEGATIVE_MARGIN] = request.form.get(alerts.NEGATIVE_MARGIN, "")
        return act(
            url_for("pendamping.alert_settings"),
            alerts.save_thresholds,
            _user(),
            values,
            done="Ambang peringatan disimpan.",
        )
    return render_template(
        "pendamping/alert_settings.html",
        specs=alerts.THRESHOLDS,
        values=alerts.thresholds_for(_user()),
        defaults=alerts.defaults(),
        negative_key=alerts.NEGATIVE_MARGIN,
    )


@bp.route("/ringkasan-mingguan.pdf")
@requires(PERM)
def digest():
    user = _user()
    try:
        snaps = book.portfolio(user, alerts.thresholds_for(user))
        data = render_digest(user, snaps, utcnow())
    except DomainError as exc:  # pragma: no cover - nothing here refuses today
        abort(400, exc.message)
    return attachment(data, "application/pdf", "ringkasan-pendampingan.pdf")
