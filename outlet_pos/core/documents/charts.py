"""Small charts for printed reports, drawn with reportlab.graphics (no other library).

Pure: plain numbers in, a ``Drawing`` (a flowable) out. Amounts are integer rupiah; axes read
in short Indonesian units ("1,5 jt", "2 M") so a member at the annual meeting can read them.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

__all__ = ["PALETTE", "bar_chart", "line_chart", "pie_chart", "short_amount"]

PALETTE = [
    colors.HexColor("#B3261E"),
    colors.HexColor("#1F4E99"),
    colors.HexColor("#0F7B3F"),
    colors.HexColor("#8A5A00"),
    colors.HexColor("#6B3FA0"),
    colors.HexColor("#00838F"),
    colors.HexColor("#555B62"),
    colors.HexColor("#D98E04"),
]
INK = colors.HexColor("#1F2328")
FONT = "Helvetica"


def short_amount(value: float) -> str:
    """1_500_000 -> "1,5 jt"; 2_000_000_000 -> "2 M"; 25_000 -> "25 rb"."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, unit in ((1e12, "T"), (1e9, "M"), (1e6, "jt"), (1e3, "rb")):
        if value >= size:
            number = f"{value / size:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{sign}{number} {unit}"
    return f"{sign}{int(value)}"


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(
        String(width / 2, height - 12, text, fontName="Helvetica-Bold", fontSize=10,
               textAnchor="middle", fillColor=INK)
    )  # fmt: skip


def _value_axis(axis, values: list[int]) -> None:
    top = max([0, *values])
    bottom = min([0, *values])
    if top == bottom:
        top = bottom + 1
    axis.valueMin = bottom
    axis.valueMax = top * 1.1 if top > 0 else top
    axis.labelTextFormat = short_amount
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.gridStrokeColor = colors.HexColor("#E6E8EB")
    axis.visibleGrid = True


def bar_chart(
    title: str,
    categories: list[str],
    series: dict[str, list[int]],
    width: float,
    height: float,
    *,
    stacked: bool = True,
) -> Drawing:
    """Bars per category (month), one colour per series (unit), with a legend underneath."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    names = list(series) or ["-"]
    data = [series[n] for n in names] if series else [[0] * max(len(categories), 1)]
    chart = VerticalBarChart()
    legend_room = 14 * ((len(names) + 3) // 4)
    chart.x, chart.y = 48, 24 + legend_room
    chart.width, chart.height = width - 60, height - 44 - legend_room
    chart.data = data
    chart.categoryAxis.categoryNames = categories or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(categories) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 6 else "n"
    if stacked:
        chart.categoryAxis.style = "stacked"
    totals = (
        [sum(col) for col in zip(*data, strict=True)] if stacked else [v for s in data for v in s]
    )
    _value_axis(chart.valueAxis, totals or [0])
    chart.barSpacing = 0.5
    chart.groupSpacing = 4
    chart.bars.strokeWidth = 0
    for i in range(len(data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(chart)
    if series:
        legend = Legend()
        legend.x, legend.y = 48, legend_room
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.dx = legend.dy = 7
        legend.deltax = (width - 60) / 4
        legend.fontName = FONT
        legend.fontSize = 7.5
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
        drawing.add(legend)
    return drawing


def pie_chart(title: str, parts: list[tuple[str, int]], width: float, height: float) -> Drawing:
    """A pie of the parts (label, amount) with a legend of labels and percentages beside it."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    shown = [(label, value) for label, value in parts if value > 0]
    whole = sum(v for _l, v in shown)
    if not shown:
        drawing.add(
            String(width / 2, height / 2, "Tidak ada angka untuk digambar.", fontName=FONT,
                   fontSize=9, textAnchor="middle", fillColor=INK)
        )  # fmt: skip
        return drawing
    size = min(height - 34, width * 0.45)
    pie = Pie()
    pie.x, pie.y = 10, (height - 20 - size) / 2
    pie.width = pie.height = size
    pie.data = [v for _l, v in shown]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    for i in range(len(shown)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = size + 30, height - 34
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.dx = legend.dy = 8
    legend.fontName = FONT
    legend.fontSize = 8
    legend.colorNamePairs = [
        (
            PALETTE[i % len(PALETTE)],
            f"{label} {value * 100 / whole:.0f}%".replace(".", ","),
        )
        for i, (label, value) in enumerate(shown)
    ]
    drawing.add(legend)
    return drawing


def line_chart(
    title: str, categories: list[str], values: list[int], width: float, height: float
) -> Drawing:
    """One line over the categories (e.g. cash at each month's end)."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 48, 28
    chart.width, chart.height = width - 60, height - 50
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = categories or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(categories) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 6 else "n"
    _value_axis(chart.valueAxis, values or [0])
    chart.lines[0].strokeColor = PALETTE[1]
    chart.lines[0].strokeWidth = 1.6
    chart.joinedLines = 1
    chart.lines[0].symbol = makeMarker("FilledCircle", size=3)
    drawing.add(chart)
    return drawing
