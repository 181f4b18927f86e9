"""Trend charts of the current cooperative: sales and gross margin per unit, cash, active
members and loan quality for twelve months, as a page (server-made SVG) and as a PDF.

Read-only: both routes only read the books (``core.mentoring.trends``), so the mentor, the
board and the treasurer see the same figures (permission ``sales.report``).
"""

from __future__ import annotations

import re
from datetime import date

from flask import render_template, request

from outlet_pos.core.access import requires
from outlet_pos.core.mentoring.trends import Trends, charts, month_label, monthly
from outlet_pos.core.mentoring.trends_pdf import render_trends_pdf
from outlet_pos.core.tenancy import Cooperative, require_cooperative
from outlet_pos.shell.downloads import attachment, report_frame
from outlet_pos.workspaces.pendamping import bp

PERM = "sales.report"
MONTHS = 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TITLE = "Grafik Tren Koperasi"


def end_of(coop: Cooperative, text: str | None) -> tuple[date, str]:
    """The last day to chart from ``?akhir=YYYY-MM`` (month end, or today for this month or a
    later one) and an error to show when the text is not a month (then: up to today)."""
    today = coop.today()
    match = _MONTH.match((text or "").strip())
    if not text:
        return today, ""
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        return today, "Bulan akhir harus berbentuk TTTT-BB, misalnya 2025-06."
    year, month = int(match.group(1)), int(match.group(2))
    if (year, month) >= (today.year, today.month):
        return today, ""
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = date.fromordinal(nxt.toordinal() - 1)
    return min(last, today), ""


def _period(trends: Trends) -> str:
    (y0, m0), (y1, m1) = trends.months[0], trends.months[-1]
    return f"{month_label(y0, m0)} – {month_label(y1, m1)}"


@bp.route("/grafik")
@requires(PERM)
def trends():
    coop = require_cooperative()
    end, error = end_of(coop, request.args.get("akhir"))
    data = monthly(coop, end, MONTHS)
    return render_template(
        "pendamping/trends.html",
        trends=data,
        charts=charts(data),
        period=_period(data),
        akhir=f"{end:%Y-%m}",
        error=error,
    )


@bp.route("/grafik/pdf")
@requires(PERM)
def trends_pdf():
    coop = require_cooperative()
    end, _error = end_of(coop, request.args.get("akhir"))
    data = monthly(coop, end, MONTHS)
    frame = report_frame(coop, TITLE, _period(data))
    return attachment(
        render_trends_pdf(frame, data), "application/pdf", f"grafik-tren-{end:%Y-%m}.pdf"
    )
