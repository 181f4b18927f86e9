"""The health assessment as a PDF: the same content as the detail page (score, category, a
bar chart of aspect scores against their maxima, each component with its ratio, band and
score, advice for weak components, and the figures with where they come from).

Pure: an :class:`~outlet_pos.core.health.services.Evaluation` and plain strings in, bytes out;
built on the letterhead and "Halaman X dari Y" of the shared report frame.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from outlet_pos.core.documents.charts import bar_chart
from outlet_pos.core.documents.report import (
    FONT,
    FONT_BOLD,
    HEAD_BG,
    INK,
    MUTED,
    RULE,
    ReportFrame,
    _markup,
    _style,
)
from outlet_pos.core.documents.statements_pdf import Part, render_document
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah

_H2 = _style("hl-h2", FONT_BOLD, 10.5, 13.5)
_BODY = _style("hl-body", FONT, 9, 12)
_CELL = _style("hl-cell", FONT, 8.5, 10.5)
_CELL_R = _style("hl-cell-r", FONT, 8.5, 10.5, "right")
_HEAD = _style("hl-head", FONT_BOLD, 8.5, 10.5)
_HEAD_R = _style("hl-head-r", FONT_BOLD, 8.5, 10.5, "right")
_SMALL = _style("hl-small", FONT, 8, 10, color=MUTED)
_SCORE = _style("hl-score", FONT_BOLD, 16, 20)
COLOURS = {"ok": "#0F7B3F", "warn": "#8A5A00", "red": "#B3261E"}
# Seven aspects side by side: short names keep the axis labels level and off the legend.
SHORT = {"kualitas_aktiva": "Kualitas aktiva", "kemandirian": "Kemandirian", "jatidiri": "Jatidiri"}


def _p(text: str, style=_CELL) -> Paragraph:
    return Paragraph(_markup(text), style)


def _num(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def _table(rows: list[list], widths: list[float], bold_rows: tuple[int, ...] = ()) -> Table:
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r in bold_rows:
        commands.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F6F7")))
    return Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT", repeatRows=1)


def _summary(ev, usable: float, assessed_by: str, note: str) -> list[Flowable]:
    colour = COLOURS.get(ev.colour, "#1F2328")
    lo, hi = ev.window
    out: list[Flowable] = [
        Paragraph(
            f"Skor {_num(ev.score)} dari 100 — "
            f"<font color='{colour}'>{_markup(ev.category)}</font>",
            _SCORE,
        ),
        Spacer(1, 2 * mm),
        _p(
            f"Tanggal penilaian {tanggal(ev.as_of)}; saldo pada tanggal itu, arus selama "
            f"{tanggal(lo)} – {tanggal(hi)}.",
            _BODY,
        ),  # fmt: skip
        _p(f"Pedoman: {ev.rubric.source} ({ev.rubric.title}).", _SMALL),
        _p(
            "Kategori: Sehat ≥ 80; Cukup Sehat 66 – < 80; Dalam Pengawasan 51 – < 66; "
            "Dalam Pengawasan Khusus < 51. Pita nilai bersifat sementara (provisional).",
            _SMALL,
        ),  # fmt: skip
    ]
    if assessed_by:
        out.append(_p(f"Dinilai oleh: {assessed_by}", _SMALL))
    if note:
        out += [Spacer(1, 1.5 * mm), _p(f"Catatan pendamping: {note}", _BODY)]
    chart = bar_chart(
        "Skor per aspek dibanding skor maksimum",
        [SHORT.get(a.code, a.name) for a in ev.aspects],
        {"Skor": [float(a.score) for a in ev.aspects],
         "Maksimum": [float(a.weight) for a in ev.aspects]},
        usable,
        62 * mm,
        stacked=False,
    )  # fmt: skip
    for item in chart.contents:
        if isinstance(item, VerticalBarChart):
            item.categoryAxis.labels.angle = 0
            item.categoryAxis.labels.boxAnchor = "n"
    out += [Spacer(1, 4 * mm), chart, Spacer(1, 3 * mm)]
    return out


def _aspect_block(aspect, usable: float) -> list[Flowable]:
    widths = [usable * w for w in (0.06, 0.42, 0.16, 0.2, 0.16)]
    rows: list[list] = [[_p("No", _HEAD), _p("Komponen", _HEAD), _p("Rasio", _HEAD_R),
                         _p("Pita / nilai", _HEAD), _p("Skor / maks", _HEAD_R)]]  # fmt: skip
    for c in aspect.components:
        name = c.name + (f"\n{c.note}" if c.note else "")
        band = f"{c.band_text}\nnilai {_num(c.band_value)}"
        rows.append([_p(c.code), _p(name), _p(c.ratio_text, _CELL_R), _p(band),
                     _p(f"{_num(c.score)} / {c.max}", _CELL_R)])  # fmt: skip
    rows.append([_p(""), _p("Jumlah aspek", _HEAD), _p(""), _p(""),
                 _p(f"{_num(aspect.score)} / {aspect.weight}", _CELL_R)])  # fmt: skip
    title = _p(f"{aspect.name} (bobot {aspect.weight})", _H2)
    advice = [_p(f"Saran {c.code}: {c.advice}", _SMALL) for c in aspect.components if c.weak]
    table = _table(rows, widths, bold_rows=(len(rows) - 1,))
    return [CondPageBreak(30 * mm), title, Spacer(1, 1.5 * mm), table, *advice, Spacer(1, 4 * mm)]


def _questions(ev, usable: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(40 * mm), _p("Kuesioner manajemen", _H2)]
    for c in ev.components:
        if not c.questions:
            continue
        rows = [[_p("Pertanyaan", _HEAD), _p("Jawaban", _HEAD)]]
        rows += [[_p(text), _p("Ya" if yes else "Tidak")] for _code, text, yes in c.questions]
        out += [Spacer(1, 2 * mm), _p(f"{c.code} {c.name}: {c.ratio_text}", _BODY),
                _table(rows, [usable * 0.86, usable * 0.14])]  # fmt: skip
    return out


def _figures(ev, usable: float) -> list[Flowable]:
    rows = [[_p("Angka", _HEAD), _p("Nilai", _HEAD_R), _p("Asal angka", _HEAD)]]
    for f in ev.figures.values():
        rows.append([_p(f.label), _p(format_rupiah(f.value), _CELL_R), _p(f.explanation, _SMALL)])
    return [CondPageBreak(40 * mm), _p("Angka dari pembukuan", _H2), Spacer(1, 1.5 * mm),
            _table(rows, [usable * 0.3, usable * 0.2, usable * 0.5])]  # fmt: skip


def render_health_pdf(frame: ReportFrame, ev, *, assessed_by: str = "", note: str = "") -> bytes:
    """The assessment ``ev`` (an Evaluation, stored or fresh) as an A4 PDF."""

    def build(usable: float, _height: float) -> list[Flowable]:
        story = _summary(ev, usable, assessed_by, note)
        for aspect in ev.aspects:
            story += _aspect_block(aspect, usable)
        story += _figures(ev, usable)
        story += _questions(ev, usable)
        return [KeepTogether(story[:1]), *story[1:]]

    part = Part(frame.title, frame.period_label, build, subtitle=frame.subtitle)
    return render_document(frame, [part], title=f"{frame.title} — {frame.period_label}")
