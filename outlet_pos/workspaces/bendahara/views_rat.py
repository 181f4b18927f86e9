"""The pack for the annual members' meeting (RAT): a page that says what is in it and whether
the year is ready (closed, SHU shared out), and the PDF itself (``?fmt=pdf``)."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField
from wtforms.validators import NumberRange

from outlet_pos.core.access import requires
from outlet_pos.core.closing.models import YearClose
from outlet_pos.core.closing.year_end import fiscal_bounds, year_close_of
from outlet_pos.core.documents.rat_pack import render_rat_pack
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.shu.services import distribution_of
from outlet_pos.core.tenancy import require_cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.forms import opsional
from outlet_pos.shell.downloads import attachment, report_frame
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.statements_notes import rat_pack_data


class YearForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(
        "Tahun buku",
        validators=[opsional(), NumberRange(2000, 2100, message="Tahun 2000–2100.")],
    )


@bp.route("/paket-rat")
@requires("ledger.view")
def rat_pack():
    from outlet_pos.workspaces.bendahara.views_statements import _signature

    coop = require_cooperative()
    form = YearForm(request.args)
    form.validate()
    closed_years = list(
        db.session.scalars(
            select(YearClose.year)
            .where(YearClose.cooperative_id == coop.id)
            .order_by(YearClose.year.desc())
        )
    )
    default = closed_years[0] if closed_years else fiscal_year(coop, coop.today()) - 1
    year = form.year.data if form.year.data and not form.year.errors else default
    form.year.data = year
    first, last = fiscal_bounds(coop, year)
    if request.args.get("fmt") == "pdf":
        frame = report_frame(
            coop,
            f"Paket RAT {year}",
            f"{tanggal(first)} – {tanggal(last)}",
            subtitle=f"Badan hukum nomor {coop.legal_number}" if coop.legal_number else "",
        )
        data = render_rat_pack(frame, rat_pack_data(coop, year), _signature(coop))
        return attachment(data, "application/pdf", f"paket-rat-{year}.pdf")
    return render_template(
        "bendahara/statements/rat_pack.html",
        form=form,
        year=year,
        first=first,
        last=last,
        closed=year_close_of(coop, year),
        distribution=distribution_of(coop, year),
        ended=last < coop.today(),
        closed_years=closed_years,
    )
