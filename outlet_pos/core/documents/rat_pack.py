"""The pack for the annual members' meeting (Rapat Anggota Tahunan): one PDF with a cover, the
year's key figures and charts, the four statements against the year before, the notes, and
the SHU table with every member's share.

Pure: the gathered figures in (``workspaces.bendahara.statements_notes.RatPackData``, read by
attribute), bytes out. The members' SHU table is laid out one page at a time
(:func:`statements_pdf.paged_table`), so 2,000 members take a second or two, not minutes.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from outlet_pos.core.documents.charts import bar_chart, line_chart, pie_chart
from outlet_pos.core.documents.report import (
    ACCENT,
    CELL_LEADING,
    CELL_SIZE,
    FONT,
    FONT_BOLD,
    HEAD_BG,
    INK,
    MUTED,
    RULE,
    Column,
    ReportFrame,
    _markup,
    _style,
)
from outlet_pos.core.documents.statements_pdf import (
    Part,
    Signature,
    amount_text,
    notes_part,
    paged_table,
    render_document,
    signature_block,
    statement_part,
    statement_table,
)
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number

__all__ = ["render_rat_pack"]

_COVER_NAME = _style("cover-name", FONT_BOLD, 20, 25, "center")
_COVER_TITLE = _style("cover-title", FONT_BOLD, 26, 32, "center", ACCENT)
_COVER_YEAR = _style("cover-year", FONT_BOLD, 16, 21, "center")
_COVER_TEXT = _style("cover-text", FONT, 10, 14, "center", MUTED)
_H2 = _style("rat-h2", FONT_BOLD, 10, 13)
_BODY = _style("rat-body", FONT, 9, 12.5)
_SMALL = _style("rat-small", FONT, 8, 10.5, color=MUTED)
_TOC = _style("rat-toc", FONT, 10.5, 16)

POOL_LABELS = {
    "cadangan": "Cadangan umum",
    "jasa_modal": "Jasa modal anggota",
    "jasa_usaha": "Jasa usaha anggota",
    "pengurus": "Dana pengurus",
    "karyawan": "Dana karyawan",
    "pendidikan": "Dana pendidikan",
    "sosial": "Dana sosial / pembangunan daerah kerja",
}

PIE_LABELS = {
    "cadangan": "Cadangan",
    "jasa_modal": "Jasa modal",
    "jasa_usaha": "Jasa usaha",
    "pengurus": "Pengurus",
    "karyawan": "Karyawan",
    "pendidikan": "Pendidikan",
    "sosial": "Sosial",
}


def _change(now: int, then: int) -> str:
    if not then:
        return "–"
    pct = (now - then) * 100 / abs(then)
    return f"{pct:+.1f}%".replace(".", ",")


def _cover(frame: ReportFrame, year: int, contents: list[str], legal: str) -> Part:
    def build(usable: float, height: float) -> list[Flowable]:
        rule = Table([[""]], colWidths=[usable * 0.6], rowHeights=[3],
                     style=TableStyle([("LINEABOVE", (0, 0), (-1, -1), 2, ACCENT)]))  # fmt: skip
        out: list[Flowable] = [
            Spacer(1, height * 0.16),
            Paragraph(_markup(frame.coop_name), _COVER_NAME),
            Spacer(1, 3 * mm),
        ]
        if frame.coop_address:
            out.append(Paragraph(_markup(frame.coop_address), _COVER_TEXT))
        if legal:
            out.append(Paragraph(_markup(legal), _COVER_TEXT))
        out += [
            Spacer(1, 16 * mm),
            rule,
            Spacer(1, 8 * mm),
            Paragraph("LAPORAN PERTANGGUNGJAWABAN PENGURUS", _COVER_YEAR),
            Spacer(1, 4 * mm),
            Paragraph("Rapat Anggota Tahunan", _COVER_TITLE),
            Spacer(1, 4 * mm),
            Paragraph(f"Tahun Buku {year}", _COVER_YEAR),
            Spacer(1, 8 * mm),
            rule,
            Spacer(1, 16 * mm),
            Paragraph("<b>Isi</b>", _TOC),
        ]
        out += [Paragraph(f"{i}. {_markup(text)}", _TOC) for i, text in enumerate(contents, 1)]
        return out

    return Part("", "", build, letterhead=False)


def _figures_part(data) -> Part:
    fig = data.figures

    def build(usable: float, height: float) -> list[Flowable]:
        rows = [
            ["Uraian", str(fig.year), str(fig.year - 1), "Perubahan"],
            ["Jumlah anggota (orang)", format_number(fig.members), format_number(fig.members_prior),
             _change(fig.members, fig.members_prior)],
            ["Penjualan dan pendapatan jasa unit", amount_text(fig.sales),
             amount_text(fig.sales_prior), _change(fig.sales, fig.sales_prior)],
            ["Sisa hasil usaha (SHU)", amount_text(fig.shu), amount_text(fig.shu_prior),
             _change(fig.shu, fig.shu_prior)],
            ["Jumlah aset akhir tahun", amount_text(fig.assets), amount_text(fig.assets_prior),
             _change(fig.assets, fig.assets_prior)],
            ["Pinjaman anggota beredar", amount_text(fig.loans), amount_text(fig.loans_prior),
             _change(fig.loans, fig.loans_prior)],
            ["Simpanan anggota", amount_text(fig.savings), amount_text(fig.savings_prior),
             _change(fig.savings, fig.savings_prior)],
        ]  # fmt: skip
        key = Table(
            rows,
            colWidths=[usable * 0.43, usable * 0.21, usable * 0.21, usable * 0.15],
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 9.5, 12),
                    ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5, 12),
                    ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            ),
            hAlign="LEFT",
        )
        status = (
            "Tahun buku sudah ditutup."
            if fig.closed
            else "Tahun buku belum ditutup: angka SHU adalah hasil usaha sementara."
        )
        chart_h = (height - 70 * mm) / 2
        bars = bar_chart(
            "Penjualan dan pendapatan jasa per bulan, per unit usaha",
            [m.split()[0] for m in fig.months],
            fig.sales_by_unit,
            usable,
            max(chart_h, 55 * mm),
        )
        pie = pie_chart(
            "Pembagian SHU menurut pos",
            [(PIE_LABELS.get(k, k), v) for k, v in fig.pools.items()],
            usable * 0.5,
            max(chart_h, 55 * mm),
        )
        line = line_chart(
            "Saldo kas dan setara kas akhir bulan",
            [m.split()[0] for m in fig.months],
            fig.cash_month_end,
            usable * 0.5,
            max(chart_h, 55 * mm),
        )
        pair = Table([[pie, line]], colWidths=[usable * 0.5, usable * 0.5],
                     style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
        return [
            key,
            Spacer(1, 2 * mm),
            Paragraph(_markup(status), _SMALL),
            Spacer(1, 5 * mm),
            bars,
            Spacer(1, 3 * mm),
            pair,
        ]

    return Part(
        f"Ikhtisar Tahun Buku {fig.year}",
        f"{tanggal(fig.date_from)} – {tanggal(fig.date_to)}",
        build,
    )


SHU_COLUMNS = [
    Column("No", 0.05, "right"),
    Column("Nomor anggota", 0.11),
    Column("Nama", 0.24),
    Column("Modal (simpanan)", 0.12, "right"),
    Column("Transaksi", 0.12, "right"),
    Column("Jasa modal", 0.12, "right"),
    Column("Jasa usaha", 0.12, "right"),
    Column("Jumlah SHU", 0.12, "right"),
]


def _shu_part(data, sign: Signature | None) -> Part:
    sim = data.simulation
    year = data.year

    def build(usable: float, height: float) -> list[Flowable]:
        if sim is None:
            return [
                Paragraph("SHU anggota belum dapat dihitung", _H2),
                Spacer(1, 2 * mm),
                Paragraph(
                    _markup(
                        (data.shu_message or f"Tahun buku {year} belum ditutup.")
                        + " Tabel SHU anggota disusun dari tahun buku yang sudah ditutup; "
                        "tutup tahun dahulu di menu Tutup tahun, lalu cetak ulang paket ini."
                    ),
                    _BODY,
                ),
            ]
        dist = data.distribution
        if dist is not None:
            state = (
                f"Dibagikan menurut keputusan RAT nomor {dist.decision_number} tanggal "
                f"{tanggal(dist.rat_date)}."
            )
        else:
            state = "Simulasi: SHU belum dibagikan; angka menunggu keputusan RAT."
        pool_rows = [["Pos pembagian", "Persentase", "Jumlah"]]
        for key, amount in sim.pools.items():
            pct = f"{sim.allocation.get(key, 0)}%".replace(".", ",")
            pool_rows.append([POOL_LABELS.get(key, key), pct, amount_text(amount)])
        pool_rows.append(["Jumlah SHU tahun buku", "100%", amount_text(sim.shu)])
        pools = Table(
            pool_rows,
            colWidths=[usable * 0.5, usable * 0.18, usable * 0.22],
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_LEADING),
                    ("FONT", (0, 0), (-1, 0), FONT_BOLD, CELL_SIZE, CELL_LEADING),
                    ("FONT", (0, -1), (-1, -1), FONT_BOLD, CELL_SIZE, CELL_LEADING),
                    ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            ),
            hAlign="LEFT",
        )
        members = sim.members
        rows = [
            [
                str(i),
                m.number,
                m.name,
                amount_text(m.capital_base),
                amount_text(m.transactions),
                amount_text(m.jasa_modal),
                amount_text(m.jasa_usaha),
                amount_text(m.total),
            ]
            for i, m in enumerate(members, start=1)
        ]
        totals = [
            "",
            "",
            f"Jumlah ({len(members)} anggota)",
            amount_text(sum(m.capital_base for m in members)),
            amount_text(sum(m.transactions for m in members)),
            amount_text(sum(m.jasa_modal for m in members)),
            amount_text(sum(m.jasa_usaha for m in members)),
            amount_text(sum(m.total for m in members)),
        ]
        out: list[Flowable] = [
            Paragraph(_markup(state), _BODY),
            Spacer(1, 3 * mm),
            pools,
            Spacer(1, 4 * mm),
            Paragraph("Bagian SHU setiap anggota", _H2),
            Paragraph(
                "Jasa modal sebanding dengan simpanan pokok dan wajib akhir tahun; jasa usaha "
                "sebanding dengan transaksi anggota (pembelian, jasa pinjaman, penjualan "
                "kepada koperasi). Pembagian memakai metode sisa terbesar.",
                _SMALL,
            ),
            Spacer(1, 2 * mm),
        ]
        if members:
            out.append(paged_table(SHU_COLUMNS, rows, totals, usable, height))
        else:
            out.append(Paragraph("Tidak ada anggota dengan modal atau transaksi.", _BODY))
        for key, amount in sim.unshared.items():
            out.append(
                Paragraph(
                    _markup(
                        f"{POOL_LABELS.get(key, key)} {amount_text(amount)} tidak dapat dibagi "
                        "karena tidak ada anggota yang memiliki dasar pembagiannya; jumlah itu "
                        "ditambahkan ke cadangan umum."
                    ),
                    _SMALL,
                )
            )
        if sign is not None:
            out.append(signature_block(sign, usable))
        return out

    return Part(f"Pembagian SHU Tahun Buku {year}", "Sisa hasil usaha untuk anggota", build)


def render_rat_pack(frame: ReportFrame, data, signature: Signature | None = None) -> bytes:
    """The whole pack as one A4 PDF (the per-unit income statement in landscape)."""
    st = data.statements
    tables = [
        statement_table(st["neraca"]),
        statement_table(st["phu"]),
        statement_table(st["phu"], per_unit=True),
        statement_table(st["arus_kas"]),
        statement_table(st["ekuitas"]),
    ]
    contents = [
        "Ikhtisar tahun buku: angka pokok dan grafik",
        *[t.title for t in tables],
        "Catatan atas laporan keuangan",
        "Pembagian SHU dan bagian setiap anggota",
    ]
    parts: list[Part] = [
        _cover(frame, data.year, contents, frame.subtitle),
        _figures_part(data),
        *[statement_part(t, signature) for t in tables],
        notes_part(
            data.notes,
            f"Per {tanggal(data.notes.as_of)} dengan pembanding {tanggal(data.notes.prior_as_of)}",
        ),
        _shu_part(data, signature),
    ]
    return render_document(
        frame, parts, title=f"Paket RAT tahun buku {data.year} — {frame.coop_name}"
    )
