"""The five trend charts of one cooperative as an A4 PDF, for a mentor's visit or the board.

Pure: a ``ReportFrame`` (letterhead) and ``Trends`` in, PDF bytes out. The charts are drawn
by ``core.documents.charts`` (reportlab) from the same ``trends.charts`` descriptions the page
draws as SVG, then given the page's colours so a unit has one colour on screen and on paper.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from outlet_pos.core.documents.charts import bar_chart, line_chart
from outlet_pos.core.documents.report import FONT, FONT_BOLD, MUTED, ReportFrame, _markup, _style
from outlet_pos.core.documents.statements_pdf import Part, render_document
from outlet_pos.core.documents.svg_charts import EMPTY_TEXT
from outlet_pos.core.mentoring.trends import TrendChart, Trends, charts

__all__ = ["render_trends_pdf"]

_CAPTION = _style("trend-caption", FONT, 8.5, 11, color=MUTED)
_HEAD = _style("trend-head", FONT_BOLD, 10, 13)
_EMPTY = _style("trend-empty", FONT, 9, 12, color=MUTED)
PER_PAGE = 3  # five charts on two pages
CAPTION_ROOM = 17 * mm  # caption, spacing and reportlab's own rounding


def _recolour(drawing: Drawing, chart: TrendChart) -> Drawing:
    """Give the reportlab drawing the SVG's colours (series in the same order)."""
    shades = [colors.HexColor(chart.colours[name]) for name in chart.series]
    for part in drawing.contents:
        if isinstance(part, VerticalBarChart):
            for i, shade in enumerate(shades):
                part.bars[i].fillColor = shade
        elif isinstance(part, HorizontalLineChart):
            for i, shade in enumerate(shades):
                part.lines[i].strokeColor = shade
        elif isinstance(part, Legend):
            part.colorNamePairs = list(zip(shades, chart.series, strict=True))
    return drawing


def _empty(chart: TrendChart) -> bool:
    return not any(v for values in chart.series.values() for v in values)


def chart_flowables(chart: TrendChart, width: float, height: float) -> list[Flowable]:
    """One chart with its caption, kept on one page."""
    if _empty(chart):
        body: list[Flowable] = [
            Paragraph(_markup(chart.title), _HEAD),
            Spacer(1, 1.5 * mm),
            Paragraph(EMPTY_TEXT + ".", _EMPTY),
        ]
    elif chart.kind == "line":
        (name, values), *_ = chart.series.items()
        body = [_recolour(line_chart(chart.title, chart.categories, values, width, height),
                          chart)]  # fmt: skip
    else:
        drawing = bar_chart(
            chart.title,
            chart.categories,
            chart.series,
            width,
            height,
            stacked=chart.stacked,
        )
        body = [_recolour(drawing, chart)]
    body += [Spacer(1, 1 * mm), Paragraph(_markup(chart.caption), _CAPTION), Spacer(1, 5 * mm)]
    return [KeepTogether(body)]


def render_trends_pdf(frame: ReportFrame, trends: Trends) -> bytes:
    """Sales, gross margin, cash, members and loan quality month by month, on A4 portrait."""

    def build(usable: float, frame_height: float) -> list[Flowable]:
        height = max(50 * mm, frame_height / PER_PAGE - CAPTION_ROOM)
        out: list[Flowable] = []
        for chart in charts(trends):
            out += chart_flowables(chart, usable, height)
        return out

    part = Part(frame.title, frame.period_label, build, subtitle=frame.subtitle)
    return render_document(frame, [part], title=f"{frame.title} — {frame.coop_name}")
