"""Visit notes (log pendampingan) of the current cooperative: the log with its follow-up
actions, recording and editing a note (mentor), following an action up (pengurus or mentor),
the printable record of one visit and the whole log as PDF or Excel."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.mentoring.visit_models import STATUSES, MentorVisit, VisitAction
from outlet_pos.core.mentoring.visits import (
    FILTERS,
    action_counts,
    can_edit,
    last_visit,
    record_visit,
    set_action_status,
    update_visit,
    visit_log,
)
from outlet_pos.core.mentoring.visits_pdf import render_visit_pdf, visit_document
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import report_frame, send_report
from outlet_pos.workspaces.pendamping import bp
from outlet_pos.workspaces.pendamping.visits_forms import (
    NEW_ROWS,
    SPARE_ROWS,
    StatusForm,
    VisitForm,
)

PER_PAGE = 20


def user():
    return current_user._get_current_object()


def _filter() -> str:
    status = request.args.get("status", "semua")
    return status if status in FILTERS else "semua"


@bp.route("/catatan")
@requires("mentoring.view")
def visits():
    coop = require_cooperative()
    today = coop.today()
    status = _filter()
    raw = request.args.get("hal", "1")
    page = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10_000 else 1
    rows, total = visit_log(coop, today, status, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return render_template(
        "pendamping/visits.html",
        visits=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        status=status,
        filters=FILTERS,
        counts=action_counts(coop, today),
        last=last_visit(coop),
        today=today,
        statuses=STATUSES,
    )


@bp.route("/catatan/ekspor")
@requires("mentoring.view")
def visits_export():
    coop = require_cooperative()
    today = coop.today()
    status = _filter()
    rows, _total = visit_log(coop, today, status, limit=None)
    subtitle = "" if status == "semua" else f"Hanya kunjungan: {FILTERS[status].lower()}"
    exported = send_report(coop, _table(rows, today), "Log Pendampingan",
                           f"Sampai dengan {tanggal(today)}", f"log-pendampingan-{today}",
                           subtitle=subtitle)  # fmt: skip
    return exported if exported is not None else redirect(url_for("pendamping.visits"))


def _table(rows: list[MentorVisit], today) -> Table:
    """One row per visit; its actions listed in one cell, so the log reads like the page."""
    columns = [
        Column("Tanggal", 0.09), Column("Cara", 0.08), Column("Pendamping", 0.1),
        Column("Topik", 0.14), Column("Temuan", 0.2), Column("Rekomendasi", 0.17),
        Column("Tindak lanjut", 0.22),
    ]  # fmt: skip
    body = []
    for v in rows:
        lines = [
            f"• {a.description} — {a.owner or '-'}, s.d. {tanggal(a.due_date)} "
            f"[{a.status_label(today)}]"
            for a in v.actions
        ]
        body.append([v.visit_date, v.mode_label, v.mentor.full_name if v.mentor else "",
                     v.topics, v.findings, v.recommendations, "\n".join(lines)])  # fmt: skip
    late = sum(1 for v in rows for a in v.actions if a.is_overdue(today))
    notes = [f"{len(rows)} kunjungan; {late} tindak lanjut terlambat per {tanggal(today)}."]
    return Table(columns, body, None, notes, landscape=True)


def _form_page(form: VisitForm, visit: MentorVisit | None = None, status: int = 200):
    actions = {a.id: a for a in visit.actions} if visit is not None else {}
    today = require_cooperative().today()
    return render_template("pendamping/visit_form.html", form=form, visit=visit,
                           actions=actions, today=today), status  # fmt: skip


@bp.route("/catatan/baru", methods=["GET", "POST"])
@requires("mentoring.manage")
def visit_new():
    coop = require_cooperative()
    form = VisitForm()
    if request.method == "GET":
        form.visit_date.data = coop.today()
        return _form_page(form)
    if form.validate_on_submit():
        try:
            visit = run_transaction(record_visit, coop, user(), **_new_values(form))
        except DomainError as exc:
            form.place_error(exc.field, exc.message)
        else:
            flash(
                _(
                    "Catatan kunjungan %(visit_date)s tersimpan.",
                    visit_date=tanggal(visit.visit_date),
                ),
                "success",
            )
            return redirect(url_for("pendamping.visit_detail", visit_id=visit.id))
    form.pad(NEW_ROWS)
    return _form_page(form, status=400)


def _new_values(form: VisitForm) -> dict:
    values = form.values()
    values["actions"] = [{k: v for k, v in row.items() if k not in ("id", "remove")}
                         for row in values["actions"]]  # fmt: skip
    return values


@bp.route("/catatan/<int:visit_id>")
@requires("mentoring.view")
def visit_detail(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(MentorVisit, visit_id)
    return render_template("pendamping/visit_detail.html", v=visit, today=coop.today(),
                           editable=can_edit(visit, user()),
                           statuses=STATUSES)  # fmt: skip


@bp.route("/catatan/<int:visit_id>/ubah", methods=["GET", "POST"])
@requires("mentoring.manage")
def visit_edit(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(MentorVisit, visit_id)
    if not can_edit(visit, user()):
        abort(403)
    if request.method == "GET":
        form = VisitForm(data={
            "visit_date": visit.visit_date, "mode": visit.mode, "topics": visit.topics,
            "findings": visit.findings, "recommendations": visit.recommendations,
            "actions": [{"id": str(a.id), "description": a.description, "owner": a.owner,
                         "due_date": a.due_date} for a in visit.actions],
        })  # fmt: skip
        form.pad(max(NEW_ROWS, len(visit.actions) + SPARE_ROWS))
        return _form_page(form, visit)
    form = VisitForm()
    if form.validate_on_submit():
        try:
            run_transaction(update_visit, coop, visit, user(), **form.values())
        except DomainError as exc:
            form.place_error(exc.field, exc.message)
        else:
            flash(_("Perubahan catatan kunjungan tersimpan."), "success")
            return redirect(url_for("pendamping.visit_detail", visit_id=visit_id))
    visit = get_scoped_or_404(MentorVisit, visit_id)
    form.pad(max(NEW_ROWS, len(visit.actions) + SPARE_ROWS))
    return _form_page(form, visit, 400)


@bp.route("/tindak-lanjut/<int:action_id>/status", methods=["POST"])
@requires("mentoring.follow_up")
def action_status(action_id: int):
    coop = require_cooperative()
    action = get_scoped_or_404(VisitAction, action_id)
    form = StatusForm()
    back = url_for("pendamping.visits")
    if form.back.data == "detail":
        back = url_for("pendamping.visit_detail", visit_id=action.visit_id)
    if not form.validate_on_submit():
        # Form messages are lazy (read in the user's language): str() them, keep only messages.
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs
                       if isinstance(e, (str, LazyString)))
              or _("Pilih status."), "error")  # fmt: skip
        return redirect(back)
    return act(back, set_action_status, coop, action, user(), form.status.data,
               form.note.data or "",
               done=lambda a: f"Tindak lanjut \u201c{a.description}\u201d: "
                              f"{a.status_label().lower()}.")  # fmt: skip


@bp.route("/catatan/<int:visit_id>/pdf")
@requires("mentoring.view")
def visit_pdf(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(MentorVisit, visit_id)
    frame = report_frame(coop, "Catatan Pendampingan", f"Kunjungan {tanggal(visit.visit_date)}",
                         subtitle=visit.topics)  # fmt: skip
    data = visit_document(visit, coop.today(), place=coop.desa)
    name = f"catatan-pendampingan-{visit.visit_date}.pdf"
    return Response(render_visit_pdf(frame, data), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip
