"""The mentor's weekly digest (ringkasan mingguan) as one PDF: the portfolio at a glance, the
week's sales against the week before, then each cooperative's alerts and overdue follow-ups,
neediest first — something to read on the way to the villages, offline."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer
from reportlab.platypus import Table as RLTable

from outlet_pos.core.documents.charts import bar_chart
from outlet_pos.core.documents.report import FONT_BOLD, MUTED, ReportFrame, header_commands
from outlet_pos.core.documents.slips import para, slip_style
from outlet_pos.core.documents.statements_pdf import Part, render_document
from outlet_pos.core.mentoring.alerts import RED
from outlet_pos.core.mentoring.portfolio import Snapshot, change_text, percent_text
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number

H2 = slip_style("dg-h2", FONT_BOLD, 10.5, 13.5)
BODY = slip_style("dg-body", size=8.8, leading=11.5)
HEAD = slip_style("dg-head", FONT_BOLD, 8, 10)
SMALL = slip_style("dg-small", size=8, leading=10, color=MUTED)
RED_TEXT = slip_style("dg-red", size=8.8, leading=11.5, color=colors.HexColor("#B3261E"))
AMBER_TEXT = slip_style("dg-amber", size=8.8, leading=11.5, color=colors.HexColor("#8A5A00"))
LIGHT = {"merah": "MERAH", "kuning": "KUNING", "hijau": "HIJAU"}
LIGHT_BG = {
    "merah": colors.HexColor("#F9DEDC"),
    "kuning": colors.HexColor("#FCEFC7"),
    "hijau": colors.HexColor("#DCEFE0"),
}


def _summary(snaps: list[Snapshot], width: float) -> RLTable:
    head = ["Koperasi", "Status", "Kesehatan", "Pendapatan 7 hari", "vs 7 hari sebelumnya",
            "Kas & bank", "NPL", "Peringatan"]  # fmt: skip
    rows: list[list[object]] = [[para(h, HEAD) for h in head]]
    for s in snaps:
        rows.append(
            [
                para(s.short_name, BODY),
                LIGHT[s.overall],
                para(s.health_category or "Belum dinilai", BODY),
                format_number(s.sales_week),
                change_text(s.sales_week, s.sales_prev_week),
                format_number(s.cash),
                percent_text(s.npl_bp),
                str(len(s.alerts)),
            ]
        )
    fractions = [0.19, 0.09, 0.17, 0.13, 0.12, 0.13, 0.08, 0.09]
    table = RLTable(rows, colWidths=[f * width for f in fractions], repeatRows=1)
    style = header_commands(8)
    style += [("ALIGN", (3, 0), (-1, -1), "RIGHT")]
    for i, s in enumerate(snaps, start=1):
        style.append(("BACKGROUND", (1, i), (1, i), LIGHT_BG[s.overall]))
        style.append(("LINEBELOW", (0, i), (-1, i), 0.25, colors.HexColor("#C9CDD2")))
    table.setStyle(style)
    return table


def _coop_section(s: Snapshot) -> list[Flowable]:
    head = f"{s.coop.name} — {LIGHT[s.overall]}"
    facts = (
        f"Kesehatan: {s.health_category or 'belum dinilai'}"
        + (f" ({s.health_score}, {tanggal(s.health_on)})" if s.health_score is not None else "")
        + f" · Penjualan terakhir: {tanggal(s.last_sale) if s.last_sale else 'belum ada'}"
        + f" · Buku ditutup s.d.: {s.last_closed_label}"
        + f" · Kunjungan terakhir: {tanggal(s.last_visit) if s.last_visit else 'belum ada'}"
    )
    parts: list[Flowable] = [para(head, H2), para(facts, SMALL), Spacer(1, 3)]
    if not s.alerts:
        parts.append(para("Tidak ada peringatan minggu ini.", BODY))
    for alert in s.alerts:
        style = RED_TEXT if alert.level == RED else AMBER_TEXT
        parts.append(para(f"• [{alert.level.upper()}] {alert.message}", style))
    parts.append(Spacer(1, 8))
    return [KeepTogether(parts)]


def render_digest(user, snaps: list[Snapshot], printed: datetime) -> bytes:
    """The digest for ``user`` over ``snaps`` (already sorted by attention)."""
    days = [s.today for s in snaps]
    end = max(days) if days else printed.date()
    period = f"7 hari s.d. {tanggal(end)}"
    frame = ReportFrame(
        coop_name=f"Pendampingan Koperasi Desa/Kelurahan Merah Putih — {user.full_name}",
        coop_address=f"{len(snaps)} koperasi binaan",
        title="Ringkasan Mingguan Pendampingan",
        period_label=period,
        printed_by=user.full_name,
        printed_at=f"{tanggal(printed)} {printed:%H:%M} UTC",
    )

    def build(width: float, _height: float) -> list[Flowable]:
        red = sum(1 for s in snaps if s.overall == "merah")
        story: list[Flowable] = [
            para(
                f"{len(snaps)} koperasi binaan: {red} perlu tindakan segera (merah), "
                f"{sum(1 for s in snaps if s.overall == 'kuning')} perlu perhatian (kuning), "
                f"{sum(1 for s in snaps if s.overall == 'hijau')} baik (hijau). "
                "Urutan: yang paling membutuhkan pendampingan lebih dahulu.",
                BODY,
            ),
            Spacer(1, 6),
        ]
        if not snaps:
            story.append(para("Belum ada koperasi binaan.", BODY))
            return story
        story += [_summary(snaps, width), Spacer(1, 10)]
        story.append(
            bar_chart(
                "Pendapatan usaha 7 hari terakhir vs 7 hari sebelumnya",
                [s.short_name[:14] for s in snaps],
                {
                    "Minggu ini": [s.sales_week for s in snaps],
                    "Minggu lalu": [s.sales_prev_week for s in snaps],
                },
                width,
                190,
                stacked=False,
            )
        )
        story += [Spacer(1, 10), CondPageBreak(120), para("Rincian per koperasi", H2), Spacer(1, 4)]
        for s in snaps:
            story += _coop_section(s)
        return story

    return render_document(frame, [Part("Ringkasan Mingguan Pendampingan", period, build)])
