"""PDF and Excel table reports: page furniture, paging, escaping, number types, injection."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from outlet_pos.core.documents import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    Column,
    ReportFrame,
    render_table_report,
    render_table_xlsx,
    sheet_title,
)

FRAME = ReportFrame(
    coop_name="Koperasi Desa Merah Putih Sumber Makmur",
    coop_address="Jl. Raya Wonorejo No. 12, Kec. Singosari, Kab. Malang",
    title="Neraca Saldo",
    period_label="1 Jan 2025 – 31 Mar 2025",
    printed_by="Siti Rahayu",
    printed_at="30 Nov 2026 09:15 WITA",
)
COLUMNS = [
    Column("Kode", 0.14),
    Column("Nama akun", 0.46),
    Column("Debit", 0.2, "right"),
    Column("Kredit", 0.2, "right"),
]
PDFTOTEXT = "/usr/bin/pdftotext"


def rupiah(amount: int) -> str:
    text = f"{abs(amount):,}".replace(",", ".")
    return f"({text})" if amount < 0 else text


def thousand_rows() -> list[list[str]]:
    return [
        [f"{100000 + i}", f"Akun {i:04d} Penjualan — anggota", rupiah(i * 1000), rupiah(-i)]
        for i in range(1, 1001)
    ]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def pdf_text(pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        [PDFTOTEXT, *args, "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def need_pdftotext() -> None:
    if not shutil.which(PDFTOTEXT):
        pytest.skip(f"{PDFTOTEXT} not found (apt-get install poppler-utils) to read the PDF text")


@pytest.fixture(scope="module")
def thousand_row_pdf() -> bytes:
    return render_table_report(
        FRAME,
        COLUMNS,
        thousand_rows(),
        totals=["", "Jumlah", "500.500.000", "(500.500)"],
        notes=["Saldo dalam kurung adalah saldo kredit."],
    )


def test_a_thousand_row_report_is_a_pdf_of_about_forty_rows_a_page(thousand_row_pdf):
    assert thousand_row_pdf.startswith(b"%PDF-")
    assert thousand_row_pdf.rstrip().endswith(b"%%EOF")
    assert 20 <= page_count(thousand_row_pdf) <= 30


def test_every_page_says_halaman_x_dari_y_and_repeats_the_letterhead_and_header(
    thousand_row_pdf,
):
    need_pdftotext()
    pages = page_count(thousand_row_pdf)
    text = pdf_text(thousand_row_pdf)
    assert f"Halaman 1 dari {pages}" in text
    assert f"Halaman {pages} dari {pages}" in text
    assert re.findall(r"Halaman (\d+) dari (\d+)", text) == [
        (str(page), str(pages)) for page in range(1, pages + 1)
    ]
    assert text.count("Koperasi Desa Merah Putih Sumber Makmur") == pages
    assert text.count("Dicetak 30 Nov 2026 09:15 WITA oleh Siti Rahayu") == pages
    assert text.count("Nama akun") == pages


def test_paging_keeps_every_row_once_and_puts_totals_and_notes_at_the_end(thousand_row_pdf):
    need_pdftotext()
    text = pdf_text(thousand_row_pdf)
    found = re.findall(r"Akun (\d{4}) Penjualan", text)
    assert found == [f"{i:04d}" for i in range(1, 1001)]
    last_page = text.split("\f")[page_count(thousand_row_pdf) - 1]
    assert "Jumlah" in last_page and "500.500.000" in last_page
    assert "Saldo dalam kurung adalah saldo kredit." in last_page


def test_special_characters_and_long_text_in_cells_do_not_break_the_pdf():
    rows = [
        ["<b>", "a < b & c > d </para> <br/> &amp; —", "1.000", "(5.000)"],
        ["x" * 300, "kata " * 3000, "9" * 80, "=1+1"],
        ["\x00\x07\ttab", "baris satu\nbaris dua\r\nbaris tiga", "😀 中文", None],
        ["  111100", "    Kas (sub-akun, menjorok)", "", ""],
    ]
    frame = ReportFrame(
        coop_name="Koperasi <Sejahtera> & Co " * 10,
        coop_address="Jl. A & B <No. 1>",
        title="Buku Besar",
        period_label="Jan – Mar 2025",
        printed_by="Budi & <Ani>",
        printed_at="1 Apr 2025 08:00 WIB",
        subtitle="111100 Kas <utama>",
        landscape=True,
    )
    pdf = render_table_report(frame, COLUMNS, rows, notes=["<script>alert(1)</script> & co"])
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) >= 2  # the very tall row cannot share the first page
    need_pdftotext()
    text = pdf_text(pdf)
    for literal in (
        "<b>",
        "a < b & c > d </para> <br/> &amp;",
        "111100 Kas <utama>",
        "<script>alert(1)</script> & co",
        "Budi & <Ani>",
        "baris dua",
    ):
        assert literal in text


def test_long_cell_text_wraps_inside_the_page():
    rows = [["1", "Piutang usaha pupuk bersubsidi kelompok tani " * 8, "1.000", "-"]] * 3
    pdf = render_table_report(FRAME, COLUMNS, rows)
    need_pdftotext()
    html = pdf_text(pdf, "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    word = r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"'
    right_edges = [float(x) for x in re.findall(word, html)]
    assert right_edges and max(right_edges) <= page_width - 15 * 72 / 25.4 + 0.5


def test_an_empty_report_still_has_its_frame_and_says_there_is_no_data():
    pdf = render_table_report(FRAME, COLUMNS, [])
    assert page_count(pdf) == 1
    need_pdftotext()
    assert "Tidak ada data" in pdf_text(pdf)


def test_rows_with_the_wrong_number_of_cells_are_refused():
    with pytest.raises(ValueError, match="row 1 has 2 cells"):
        render_table_report(FRAME, COLUMNS, [["1", "Kas"]])
    with pytest.raises(ValueError, match="row 1 has 2 cells"):
        render_table_xlsx(FRAME, COLUMNS, [["1", "Kas"]])


def load(xlsx: bytes):
    return load_workbook(io.BytesIO(xlsx)).active


def find_row(ws, first_value: object) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_value:
            return row[0].row
    raise AssertionError(f"no row starts with {first_value!r}")


def test_the_workbook_reopens_with_integer_amounts_in_the_rupiah_format():
    rows = [
        ["111100", "Kas", 1_234_567, -5_000, date(2025, 3, 31)],
        ["411100", "Penjualan — anggota", 0, 12_500_000_000, date(2025, 1, 2)],
    ]
    columns = [*COLUMNS, Column("Tanggal", 0.15, "center")]
    totals = ["", "Jumlah", 1_234_567, 12_499_995_000, None]
    ws = load(render_table_xlsx(FRAME, columns, rows, totals))
    head = find_row(ws, "Kode")
    assert [c.value for c in ws[head]] == ["Kode", "Nama akun", "Debit", "Kredit", "Tanggal"]
    assert all(c.font.b for c in ws[head])
    kas = ws[head + 1]
    assert kas[0].value == "111100" and kas[0].data_type == "s"
    assert type(kas[2].value) is int and kas[2].value == 1_234_567
    assert type(kas[3].value) is int and kas[3].value == -5_000
    assert kas[2].number_format == AMOUNT_FORMAT == "#,##0;(#,##0)"
    assert kas[4].value.date() == date(2025, 3, 31) and kas[4].number_format == DATE_FORMAT
    assert ws.cell(head + 2, 4).value == 12_500_000_000
    total_row = ws[head + 3]
    assert total_row[1].value == "Jumlah" and all(c.font.b for c in total_row)
    assert type(total_row[3].value) is int and total_row[3].value == 12_499_995_000
    assert ws.freeze_panes == f"A{head + 1}"
    assert ws.cell(1, 1).value == FRAME.coop_name
    texts = [ws.cell(r, 1).value for r in range(1, head)]
    assert FRAME.title in texts and FRAME.period_label in texts
    assert "Dicetak 30 Nov 2026 09:15 WITA oleh Siti Rahayu" in texts


def test_formula_like_text_stays_text_in_the_workbook():
    rows = [
        ["=1+1", "+62 812", "-Rp5.000", "@SUM(A1)"],
        ["#N/A", '=HYPERLINK("x")', "(5.000)", "1"],
    ]
    ws = load(render_table_xlsx(FRAME, COLUMNS, rows))
    head = find_row(ws, "Kode")
    for row_number, values in enumerate(rows, start=head + 1):
        for cell, value in zip(ws[row_number], values, strict=True):
            assert cell.value == value and cell.data_type == "s"
    assert ws.cell(head + 1, 1).quotePrefix


def test_sheet_names_are_cleaned_and_cut_to_31_characters():
    assert sheet_title("Neraca Saldo") == "Neraca Saldo"
    assert sheet_title("Laporan [Q1]: Kas/Bank? *semua* \\ unit sembako dan pupuk") == (
        "Laporan Q1 KasBank semua unit s"
    )
    assert sheet_title("'[]:*?/\\'") == "Laporan"
    long_title = "Laporan Arus Kas Unit Simpan Pinjam dan Sembako 2025"
    ws = load(render_table_xlsx(replace(FRAME, title=long_title), COLUMNS, []))
    assert ws.title == long_title[:31]
