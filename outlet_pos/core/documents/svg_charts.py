"""Charts for web pages as inline SVG made on the server: no JavaScript library, no CDN, so the
pages work offline on a cheap tablet and print as sharp as the text around them.

Pure: plain integers in, ``markupsafe.Markup`` out. Every label is escaped (a unit may be
called anything). The app's Content-Security-Policy allows no inline ``style=``, so looks come
from SVG presentation attributes (``fill=``, ``font-size=``) and classes in
static/css/charts.css. Coordinates become floats only here, at the drawing step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import Markup, escape

from outlet_pos.core.documents.charts import short_amount
from outlet_pos.money import format_number, format_rupiah

__all__ = [
    "EMPTY_TEXT",
    "PALETTE",
    "bar_chart",
    "bar_line_chart",
    "colour_map",
    "data_table",
    "line_chart",
]

# Okabe & Ito's colour-blind-safe set, with the pale yellow swapped for ink so every colour
# reads on white paper. (charts.PALETTE puts red, green and brown side by side, which a
# red-green colour-blind reader cannot tell apart.)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#1F2328", "#8C939B"]
INK = "#1F2328"
MUTED = "#555B62"
GRID = "#E6E8EB"
EMPTY_TEXT = "Belum ada data"

# A narrow drawing: on a phone (~330 px) text stays near 10 px, on a laptop's half width
# near 15 px. Month labels go on two lines ("Jan" over "26" only where the year changes).
WIDTH = 420
LEFT, RIGHT, TOP = 54, 8, 34
AXIS_ROOM = 36  # month labels under the plot
PLOT_HEIGHT = 180
LEGEND_ROW = 20
TEXT = 12  # axis and legend text in drawing units
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def colour_map(names: Sequence[str], palette: Sequence[str] = PALETTE) -> dict[str, str]:
    """One colour per name in order, so a unit keeps its colour from chart to chart."""
    return {name: palette[i % len(palette)] for i, name in enumerate(names)}


def _n(value: float) -> str:
    """A coordinate with at most one decimal: small markup, no float noise."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ticks(lo: int, hi: int, most: int = 6) -> list[int]:
    """Round tick values (1, 2 or 5 × 10^k apart) covering lo..hi and zero, at most
    ``most`` intervals: the fewest round steps that still fit, so bars fill the plot."""
    lo, hi = min(lo, 0), max(hi, 0)
    if lo == hi:
        hi = lo + 1
    magnitude = 1
    while magnitude * 10 * most <= hi - lo:
        magnitude *= 10
    while True:
        for mult in (1, 2, 5):
            step = mult * magnitude
            start, stop = (lo // step) * step, -((-hi) // step) * step
            if (stop - start) // step <= most:
                return list(range(start, stop + 1, step))
        magnitude *= 10


def _amount(value: int, money: bool) -> str:
    return format_rupiah(value) if money else format_number(value)


def _axis_label(value: int, money: bool) -> str:
    return short_amount(value) if money else format_number(value)


def _chart_id(title: str, categories: Sequence[str], series: object) -> str:
    data = repr((title, list(categories), series)).encode()
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()  # an element id only
    return f"chart-{digest[:10]}"


def _summary(categories: Sequence[str], series: dict[str, list[int]], money: bool) -> str:
    """A sentence per series for screen readers: first, last, highest and lowest month."""
    if not categories:
        return EMPTY_TEXT
    parts = [f"Per bulan, {categories[0]} sampai {categories[-1]}."]
    for name, values in series.items():
        hi = max(range(len(values)), key=lambda i: values[i])
        lo = min(range(len(values)), key=lambda i: values[i])
        parts.append(
            f"{name}: terakhir {_amount(values[-1], money)}; tertinggi "
            f"{_amount(values[hi], money)} ({categories[hi]}), terendah "
            f"{_amount(values[lo], money)} ({categories[lo]})."
        )
    return " ".join(parts)


class _Canvas:
    """The frame shared by every chart: title, value axis with grid, month labels, legend."""

    def __init__(
        self,
        title: str,
        categories: Sequence[str],
        legend: list[tuple[str, str, str]],  # (name, colour, "bar" | "line" | "dash")
        values: list[int],
        money: bool,
        desc: str,
        key: str,
    ) -> None:
        self.title, self.categories, self.money = title, list(categories), money
        self.legend = legend
        self.key = key
        self.plot_w = WIDTH - LEFT - RIGHT
        self.legend_rows = self._legend_layout()
        legend_h = LEGEND_ROW * max(len(self.legend_rows), 0) + (8 if legend else 0)
        self.height = TOP + PLOT_HEIGHT + AXIS_ROOM + legend_h
        self.ticks = _ticks(min(values, default=0), max(values, default=0))
        self.parts: list[str] = []
        self.desc = desc

    # geometry ------------------------------------------------------------------------------
    def y(self, value: int) -> float:
        lo, hi = self.ticks[0], self.ticks[-1]
        return TOP + (hi - value) / (hi - lo) * PLOT_HEIGHT

    def slot(self) -> float:
        return self.plot_w / max(len(self.categories), 1)

    def x_center(self, i: int) -> float:
        return LEFT + self.slot() * (i + 0.5)

    def _legend_layout(self) -> list[list[tuple[float, tuple[str, str, str]]]]:
        rows: list[list[tuple[float, tuple[str, str, str]]]] = []
        x = WIDTH  # force a first row
        for item in self.legend:
            width = 22 + 6.8 * len(item[0])
            if x + width > WIDTH - RIGHT or not rows:
                rows.append([])
                x = 6.0
            rows[-1].append((x, item))
            x += width + 14
        return rows

    # drawing -------------------------------------------------------------------------------
    def frame(self) -> None:
        for tick in self.ticks:
            y = _n(self.y(tick))
            look = (
                f'stroke="{INK}" stroke-width="1.2" class="zero-line"'
                if tick == 0
                else (f'stroke="{GRID}" stroke-width="1"')
            )
            self.parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" {look}/>')
            self.parts.append(
                f'<text x="{LEFT - 5}" y="{y}" dy="0.35em" text-anchor="end" font-size="{TEXT}" '
                f'fill="{MUTED}">{escape(_axis_label(tick, self.money))}</text>'
            )
        base = TOP + PLOT_HEIGHT + 15
        previous = ""
        for i, label in enumerate(self.categories):
            head, _sep, tail = label.rpartition(" ") if " " in label else (label, "", "")
            x = _n(self.x_center(i))
            second = (
                f'<tspan x="{x}" dy="1.15em">{escape(tail)}</tspan>' if tail != previous else ""
            )
            previous = tail
            self.parts.append(
                f'<text x="{x}" y="{base}" text-anchor="middle" font-size="{TEXT}" '
                f'fill="{MUTED}">{escape(head)}{second}</text>'
            )

    def draw_legend(self) -> None:
        top = TOP + PLOT_HEIGHT + AXIS_ROOM + 8
        for r, row in enumerate(self.legend_rows):
            y = top + r * LEGEND_ROW
            for x, (name, colour, kind) in row:
                if kind == "bar":
                    mark = f'<rect x="{_n(x)}" y="{y}" width="12" height="12" fill="{colour}"/>'
                else:
                    dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
                    mark = (
                        f'<line x1="{_n(x)}" x2="{_n(x + 16)}" y1="{y + 6}" y2="{y + 6}" '
                        f'stroke="{colour}" stroke-width="2.5"{dash}/>'
                    )
                self.parts.append(
                    f'{mark}<text x="{_n(x + 20)}" y="{y + 6}" dy="0.35em" '
                    f'font-size="{TEXT}" fill="{INK}">{escape(name)}</text>'
                )

    def svg(self) -> Markup:
        key = self.key
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
            f'viewBox="0 0 {WIDTH} {self.height}" width="100%" '
            f'preserveAspectRatio="xMidYMid meet" role="img" '
            f'aria-labelledby="{key}-t {key}-d" font-family="{escape(FONT)}">'
            f'<title id="{key}-t">{escape(self.title)}</title>'
            f'<desc id="{key}-d">{escape(self.desc)}</desc>'
            f'<text x="4" y="20" font-size="15" font-weight="bold" fill="{INK}" '
            f'aria-hidden="true">{escape(self.title)}</text>'
        )
        # Every label in head and parts went through escape(); key is a hex digest.
        return Markup(head + "".join(self.parts) + "</svg>")  # nosec B704


def _empty(title: str, key: str) -> Markup:
    height = TOP + PLOT_HEIGHT // 2
    # The title is escaped; key is a hex digest.
    return Markup(  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-empty" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{key}-t {key}-d" font-family="{escape(FONT)}">'
        f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{EMPTY_TEXT}</desc>'
        f'<text x="4" y="20" font-size="15" font-weight="bold" fill="{INK}" '
        f'aria-hidden="true">{escape(title)}</text>'
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{height - TOP - 8}" '
        f'fill="none" stroke="{GRID}" stroke-dasharray="4 4"/>'
        f'<text x="{WIDTH // 2}" y="{(TOP + height) // 2}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">{EMPTY_TEXT}</text></svg>'
    )


def _is_empty(categories: Sequence[str], series: dict[str, list[int]]) -> bool:
    return not categories or not any(v for values in series.values() for v in values)


def _tip(name: str, category: str, value: int, money: bool) -> str:
    return f"<title>{escape(name)} · {escape(category)}: {escape(_amount(value, money))}</title>"


def _bars(
    canvas: _Canvas,
    series: dict[str, list[int]],
    colours: dict[str, str],
    stacked: bool,
    money: bool,
) -> None:
    """Stacked: positives pile up from zero, negatives hang below it; else bars side by side."""
    slot = canvas.slot()
    names = list(series)
    for i, category in enumerate(canvas.categories):
        up = down = 0
        for k, name in enumerate(names):
            value = series[name][i]
            if stacked:
                width = slot * 0.64
                x = canvas.x_center(i) - width / 2
                base = up if value >= 0 else down
                y0, y1 = canvas.y(base), canvas.y(base + value)
                if value >= 0:
                    up += value
                else:
                    down += value
            else:
                width = slot * 0.8 / len(names)
                x = canvas.x_center(i) - slot * 0.4 + k * width
                y0, y1 = canvas.y(0), canvas.y(value)
            if value == 0:
                continue
            top, height = min(y0, y1), abs(y1 - y0)
            sign = "neg" if value < 0 else "pos"
            canvas.parts.append(
                f'<rect class="bar bar-{sign}" x="{_n(x)}" y="{_n(top)}" '
                f'width="{_n(max(width - 1, 1))}" height="{_n(max(height, 0.5))}" '
                f'fill="{colours[name]}">{_tip(name, category, value, money)}</rect>'
            )


def _lines(
    canvas: _Canvas,
    series: dict[str, list[int]],
    colours: dict[str, str],
    money: bool,
    dashed: bool = False,
) -> None:
    for name, values in series.items():
        points = [(canvas.x_center(i), canvas.y(v)) for i, v in enumerate(values)]
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        canvas.parts.append(
            f'<polyline class="line" fill="none" stroke="{colours[name]}" stroke-width="2.5" '
            f'stroke-linejoin="round"{dash} points="'
            + " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            + '"/>'
        )
        for (x, y), category, value in zip(points, canvas.categories, values, strict=True):
            canvas.parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="#FFFFFF" '
                f'stroke="{colours[name]}" stroke-width="2">'
                f"{_tip(name, category, value, money)}</circle>"
            )


def _checked(categories: Sequence[str], series: dict[str, list[int]]) -> None:
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)}")


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, list[int]],
    *,
    stacked: bool = True,
    money: bool = True,
    colours: dict[str, str] | None = None,
    desc: str = "",
) -> Markup:
    """Bars per category (month), one colour per series (unit), legend underneath."""
    _checked(categories, series)
    key = _chart_id(title, categories, series)
    if _is_empty(categories, series):
        return _empty(title, key)
    colours = {**colour_map(list(series)), **(colours or {})}
    if stacked:
        values = [sum(v for v in col if v > 0) for col in zip(*series.values(), strict=True)]
        values += [sum(v for v in col if v < 0) for col in zip(*series.values(), strict=True)]
    else:
        values = [v for s in series.values() for v in s]
    legend = [(name, colours[name], "bar") for name in series]
    canvas = _Canvas(title, categories, legend, values, money,
                     desc or _summary(categories, series, money), key)  # fmt: skip
    canvas.frame()
    _bars(canvas, series, colours, stacked, money)
    canvas.draw_legend()
    return canvas.svg()


def line_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, list[int]],
    *,
    money: bool = True,
    colours: dict[str, str] | None = None,
    desc: str = "",
) -> Markup:
    """One line per series over the categories (cash at each month end, members)."""
    _checked(categories, series)
    key = _chart_id(title, categories, series)
    if _is_empty(categories, series):
        return _empty(title, key)
    colours = {**colour_map(list(series)), **(colours or {})}
    values = [v for s in series.values() for v in s]
    legend = [(name, colours[name], "line") for name in series]
    canvas = _Canvas(title, categories, legend, values, money,
                     desc or _summary(categories, series, money), key)  # fmt: skip
    canvas.frame()
    _lines(canvas, series, colours, money)
    canvas.draw_legend()
    return canvas.svg()


def bar_line_chart(
    title: str,
    categories: Sequence[str],
    bars: dict[str, list[int]],
    line: dict[str, list[int]],
    *,
    money: bool = True,
    colours: dict[str, str] | None = None,
    desc: str = "",
) -> Markup:
    """Bars (e.g. actual per month) with a dashed line over them (e.g. the plan's target)."""
    _checked(categories, bars)
    _checked(categories, line)
    both = {**bars, **line}
    key = _chart_id(title, categories, both)
    if _is_empty(categories, both):
        return _empty(title, key)
    colours = {**colour_map([*bars, *line]), **(colours or {})}
    values = [sum(v for v in col if v > 0) for col in zip(*bars.values(), strict=True)]
    values += [sum(v for v in col if v < 0) for col in zip(*bars.values(), strict=True)]
    values += [v for s in line.values() for v in s]
    legend = [(n, colours[n], "bar") for n in bars] + [(n, colours[n], "dash") for n in line]
    canvas = _Canvas(title, categories, legend, values, money,
                     desc or _summary(categories, both, money), key)  # fmt: skip
    canvas.frame()
    _bars(canvas, bars, colours, True, money)
    _lines(canvas, line, colours, money, dashed=True)
    canvas.draw_legend()
    return canvas.svg()


def data_table(
    title: str,
    categories: Sequence[str],
    series: dict[str, list[int]],
    *,
    money: bool = True,
    first_column: str = "Bulan",
) -> Markup:
    """The chart's numbers as an HTML table (months down, series across) for readers who
    cannot see the drawing, or want the exact figures."""
    _checked(categories, series)
    head = "".join(f'<th scope="col" class="num">{escape(n)}</th>' for n in series)
    rows = "".join(
        f'<tr><th scope="row">{escape(c)}</th>'
        + "".join(f'<td class="num">{escape(_amount(s[i], money))}</td>' for s in series.values())
        + "</tr>"
        for i, c in enumerate(categories)
    )
    # Every cell, heading and the caption are escaped.
    return Markup(  # nosec B704
        f'<table class="data chart-table"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(first_column)}</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
