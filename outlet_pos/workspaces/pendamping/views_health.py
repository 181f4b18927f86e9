"""Health assessment pages of the current cooperative: the latest score and its history, a new
assessment (figures and scores recomputed for the chosen date, the management questionnaire),
one stored assessment and its PDF. Mentors read the books here; nothing is posted."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.health.models import HealthAssessment
from outlet_pos.core.health.pdf import render_health_pdf
from outlet_pos.core.health.rubric import load
from outlet_pos.core.health.services import (
    NOTE_MAX,
    default_as_of,
    evaluate,
    history,
    save_assessment,
    stored,
)
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.forms import TanggalField, panjang
from outlet_pos.shell.downloads import attachment, report_frame
from outlet_pos.workspaces.pendamping import bp

ANSWER_FIELD = "jawaban"


class AssessmentForm(FlaskForm):
    """Date and note; the questionnaire's checkboxes are read by name (they come from the
    rubric file, so the form does not declare them one by one)."""

    as_of = TanggalField("Tanggal penilaian")
    note = TextAreaField("Catatan pendamping", validators=[panjang(NOTE_MAX)])


def _answers(values) -> dict[str, bool]:
    """Ticked questions (``jawaban`` repeated), from the form or, on a recompute, the query."""
    codes = set(load().question_codes)
    return {code: True for code in values.getlist(ANSWER_FIELD) if code in codes}


@bp.route("/kesehatan")
@requires("health.view")
def health():
    coop = require_cooperative()
    rows = history(coop)
    colours = {name: colour for name, _m, colour in load().categories}
    return render_template(
        "pendamping/health.html",
        rows=rows,
        latest=rows[0] if rows else None,
        colours=colours,
        can_assess=current_user.can("health.assess"),
    )


def _new_page(coop, form: AssessmentForm, answers: dict[str, bool], status: int = 200):
    as_of = form.as_of.data if not form.as_of.errors and form.as_of.data else None
    if as_of is None or as_of > coop.today():
        as_of = default_as_of(coop)
    return render_template(
        "pendamping/health_new.html",
        form=form,
        ev=evaluate(coop, as_of, answers),
        shown_as_of=as_of,
        answers=answers,
        answer_field=ANSWER_FIELD,
    ), status


@bp.route("/kesehatan/baru", methods=["GET", "POST"])
@requires("health.assess")
def health_new():
    coop = require_cooperative()
    if request.method == "GET":
        # Only the date is checked on a recompute; the form keeps its CSRF token for the save.
        form = AssessmentForm(request.args)
        status = 200
        if "as_of" not in request.args:
            form.as_of.data = default_as_of(coop)
        elif form.as_of.validate(form) and form.as_of.data and form.as_of.data > coop.today():
            form.as_of.errors = ["Tanggal penilaian tidak boleh melewati hari ini."]
        if form.as_of.errors:
            status = 400
        return _new_page(coop, form, _answers(request.args), status)
    form = AssessmentForm()
    answers = _answers(request.form)
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            note = form.note.data or ""
            row = run_transaction(save_assessment, coop, form.as_of.data, answers, user, note)
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(
                _(
                    "Penilaian kesehatan %(as_of)s tersimpan: skor %(score)s (%(category)s).",
                    as_of=tanggal(row.as_of),
                    score=str(row.score).replace(".", ","),
                    category=row.category,
                ),
                "success",
            )
            return redirect(url_for("pendamping.health_detail", assessment_id=row.id))
    return _new_page(coop, form, answers, 400)


@bp.route("/kesehatan/<int:assessment_id>")
@requires("health.view")
def health_detail(assessment_id: int):
    row = get_scoped_or_404(HealthAssessment, assessment_id)
    return render_template("pendamping/health_detail.html", row=row, ev=stored(row))


@bp.route("/kesehatan/<int:assessment_id>/pdf")
@requires("health.view")
def health_pdf(assessment_id: int):
    coop = require_cooperative()
    row = get_scoped_or_404(HealthAssessment, assessment_id)
    ev = stored(row)
    frame = report_frame(coop, "Penilaian Kesehatan Koperasi", f"Per {tanggal(row.as_of)}",
                         subtitle=ev.rubric.source)  # fmt: skip
    by = row.assessed_by.full_name if row.assessed_by else ""
    data = render_health_pdf(frame, ev, assessed_by=by, note=row.note)
    return attachment(data, "application/pdf", f"kesehatan-{row.as_of.isoformat()}.pdf")
