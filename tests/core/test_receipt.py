"""Thermal receipts (58/80 mm): page size, content, copies, refunds, tax, wrapping, no overlaps."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from itertools import combinations
from xml.etree import ElementTree

import pytest
from reportlab.lib.units import mm

from outlet_pos.core.documents import ReceiptData, ReceiptLine, ReceiptPayment, render_receipt
from tests.conftest import skip_or_fail

PDFTOTEXT = "/usr/bin/pdftotext"
PDFTOPPM = "/usr/bin/pdftoppm"
ZBARIMG = "/usr/bin/zbarimg"
PUBLIC_ID = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"

LINES = [
    ReceiptLine("Beras Premium Cap Padi Emas 5 kg", "1 karung", 78_000, 0, 78_000),
    ReceiptLine("Minyak Goreng Sawit Pouch 2 Liter", "2 pcs", 36_500, 3_000, 70_000, True),
    ReceiptLine("Gula Pasir Lokal", "1,5 kg", 17_500, 0, 26_250),
    ReceiptLine("Sabun Cuci Piring Jeruk Nipis 800 ml", "3 pcs", 14_900, 0, 44_700, True),
    ReceiptLine("Kopi Bubuk Robusta Lampung 200 g", "2 pcs", 21_000, 0, 42_000, True),
]
SALE = ReceiptData(
    coop_name="Koperasi Desa Merah Putih Sumber Makmur",
    coop_address="Jl. Raya Wonorejo No. 12, Kec. Singosari, Kab. Malang",
    npwp="0012 3456 7890 1234",
    is_pkp=True,
    outlet_name="Gerai Wonorejo",
    unit_name="Sembako",
    cashier="Siti Rahayu",
    printed_local="30 Nov 2026 14:05 WITA",
    number="GR01-20261130-0007",
    public_id=PUBLIC_ID,
    lines=LINES,
    subtotal=260_950,
    receipt_discount=950,
    total=260_000,
    tax=15_529,
    dpp=141_171,
    payments=[
        ReceiptPayment("QRIS", 200_000, "QR-2611301405-88231"),
        ReceiptPayment("Tunai", 70_000),
    ],
    change=10_000,
    member_number="KDMP-0001",
    member_name="Budi Santoso",
)
NOT_PKP = replace(SALE, is_pkp=False, tax=0, dpp=0)
HUGE = replace(
    NOT_PKP,
    coop_name="Koperasi Produsen Tani Makmur Jaya Sentosa Abadi Desa Sukamaju Kecamatan Cibeber",
    lines=[
        *LINES,
        ReceiptLine(
            "Pupuk NPK Phonska Plus Kemasan Karung 50 kg Untuk Petani Terdaftar RDKK",
            "1.000 karung",
            999_999,
            999_999_999,
            999_999_999,
        ),
    ],
    subtotal=999_999_999,
    receipt_discount=999_999_999,
    total=999_999_999,
    payments=[ReceiptPayment("Kredit anggota", 999_999_999, "BRI 0123-01-000123-50-1 a.n. Budi")],
    change=999_999_999,
)


def page_box(pdf: bytes) -> tuple[float, float]:
    match = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert match is not None, "no /MediaBox in the PDF"
    return float(match[1]), float(match[2])


def need(tool: str, package: str) -> None:
    if not shutil.which(tool):
        skip_or_fail(f"{tool} not found (apt-get install {package})")


def pdf_text(pdf: bytes) -> str:
    need(PDFTOTEXT, "poppler-utils")
    result = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def words(pdf: bytes) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    """The page width and every word with its box (xMin, yMin, xMax, yMax), from pdftotext."""
    need(PDFTOTEXT, "poppler-utils")
    result = subprocess.run(
        [PDFTOTEXT, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    root = ElementTree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", result.stdout))
    space = "{http://www.w3.org/1999/xhtml}"
    page = root.find(f".//{space}page")
    assert page is not None
    boxes = [
        (w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
        for w in root.iter(f"{space}word")
    ]
    return float(page.get("width")), boxes


# --- shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [58, 80])
def test_renders_a_pdf_for_58_and_80_mm_paper(width):
    pdf = render_receipt(SALE, width)
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_uses_58_mm_when_no_width_is_given():
    assert page_box(render_receipt(SALE))[0] == pytest.approx(58 * mm, abs=0.01)


@pytest.mark.parametrize("width", [70, 57, 0, 210])
def test_refuses_a_paper_width_other_than_58_or_80_mm(width):
    with pytest.raises(ValueError, match="58, 80"):
        render_receipt(SALE, width)


def test_refuses_an_unknown_kind_of_receipt():
    with pytest.raises(ValueError, match="kind"):
        render_receipt(replace(SALE, kind="void"))


@pytest.mark.parametrize("width", [58, 80])
def test_page_is_as_wide_as_the_paper(width):
    page_width, page_height = page_box(render_receipt(SALE, width))
    assert page_width == pytest.approx(width * mm, abs=0.01)
    assert page_height > page_width  # one long strip, not an A4 sheet


@pytest.mark.parametrize("width", [58, 80])
def test_page_height_grows_with_the_number_of_lines(width):
    heights = [
        page_box(render_receipt(replace(NOT_PKP, lines=LINES[:count]), width))[1]
        for count in (1, 3, 5)
    ]
    assert heights[0] < heights[1] < heights[2]


def test_page_is_one_page_even_for_forty_lines():
    lines = [
        ReceiptLine(f"Barang nomor {i:02d}", "1 pcs", 1_000 * i, 0, 1_000 * i) for i in range(40)
    ]
    pdf = render_receipt(replace(SALE, lines=lines), 80)
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 1
    text = pdf_text(pdf)
    assert "Barang nomor 00" in text and "Barang nomor 39" in text
    assert page_box(pdf)[1] > page_box(render_receipt(SALE, 80))[1] * 1.5


# --- content -------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [58, 80])
def test_text_has_the_number_the_total_and_rupiah_amounts(width):
    text = pdf_text(render_receipt(SALE, width))
    for expected in (
        "GR01-20261130-0007",
        "30 Nov 2026 14:05 WITA",
        "Siti Rahayu",
        "KDMP-0001",
        "Budi Santoso",
        "Gerai Wonorejo",
        "Sembako",
        "TOTAL",
        "Rp260.000",
        "Subtotal",
        "Rp260.950",
        "Diskon struk",
        "-Rp950",
        "2 pcs x Rp36.500",
        "-Rp3.000",
        "1,5 kg x Rp17.500",
        "QRIS",
        "QR-2611301405-88231",
        "Tunai",
        "Kembali",
        "Rp10.000",
        "Terima kasih",
    ):
        assert expected in text, expected


def test_says_salinan_only_on_a_copy():
    assert "SALINAN" not in pdf_text(render_receipt(SALE))
    assert pdf_text(render_receipt(replace(SALE, copy=True))).count("SALINAN") == 2


def test_shows_npwp_dpp_and_ppn_only_when_the_cooperative_is_pkp():
    pkp = pdf_text(render_receipt(SALE))
    assert "PPN 11%" in pkp and "DPP" in pkp and "NPWP 0012 3456 7890 1234" in pkp
    assert "Rp15.529" in pkp and "Rp141.171" in pkp
    assert re.search(r"Rp70\.000 P\b", pkp), "taxed line marked P"
    assert not re.search(r"Rp78\.000 P\b", pkp), "untaxed line not marked"
    plain = pdf_text(render_receipt(NOT_PKP))
    assert "PPN" not in plain and "DPP" not in plain and "NPWP" not in plain
    assert not re.search(r"Rp\d[\d.]* P\b", plain)


def test_leaves_out_the_member_and_the_receipt_discount_when_there_are_none():
    data = replace(SALE, member_number="", member_name="", receipt_discount=0)
    text = pdf_text(render_receipt(data))
    assert "Anggota" not in text and "Diskon struk" not in text


def test_shows_the_member_name_on_the_member_row_when_there_is_no_number():
    text = pdf_text(render_receipt(replace(SALE, member_number="")))
    assert re.search(r"Anggota +Budi Santoso", text)


def test_a_refund_is_titled_retur_and_names_the_original_receipt():
    refund = replace(
        SALE,
        kind="refund",
        number="GR01-20261201-0003",
        refund_of="GR01-20261130-0007",
        lines=[LINES[1]],
        subtotal=70_000,
        receipt_discount=0,
        total=70_000,
        tax=6_937,
        dpp=63_063,
        payments=[ReceiptPayment("Tunai", 70_000)],
        change=0,
    )
    text = pdf_text(render_receipt(refund, 80))
    assert "RETUR PENJUALAN" in text
    assert "Atas struk GR01-20261130-0007" in text
    assert "TOTAL RETUR" in text and "Dikembalikan" in text
    assert "Kembali" not in text.replace("Dikembalikan", "")
    assert "RETUR" not in pdf_text(render_receipt(SALE, 80))


def test_qr_code_holds_the_public_id(tmp_path):
    need(PDFTOPPM, "poppler-utils")
    if not shutil.which(ZBARIMG):
        skip_or_fail(f"{ZBARIMG} not found (apt-get install zbar-tools) to read the QR back")
    for width in (58, 80):
        pdf = tmp_path / f"receipt-{width}.pdf"
        pdf.write_bytes(render_receipt(SALE, width))
        png = tmp_path / f"receipt-{width}"
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "200", "-singlefile", str(pdf), str(png)],
            check=True,
            timeout=60,
        )
        decoded = subprocess.run(
            [ZBARIMG, "-q", "--raw", f"{png}.png"], capture_output=True, check=True, timeout=60
        )
        assert decoded.stdout.decode().strip() == PUBLIC_ID


# --- long text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [58, 80])
def test_a_name_of_two_hundred_characters_wraps_without_raising(width):
    long_words = " ".join(["Pupuk Organik Cair Super Subur"] * 7)[:200]
    no_spaces = "X" * 200
    data = replace(
        SALE,
        lines=[
            ReceiptLine(long_words, "1 botol", 45_000, 0, 45_000),
            ReceiptLine(no_spaces, "1 pcs", 1_000, 0, 1_000),
        ],
    )
    pdf = render_receipt(data, width)
    page_width, boxes = words(pdf)
    assert all(x_max <= page_width for _, _, _, x_max, _ in boxes)
    text = pdf_text(pdf)
    assert text.count("X") == 200  # cut between characters, nothing lost
    assert "Rp45.000" in text


@pytest.mark.parametrize("width", [58, 80])
def test_long_names_and_amounts_up_to_999_million_never_overlap(width):
    pdf = render_receipt(replace(HUGE, copy=True), width)
    page_width, boxes = words(pdf)
    assert boxes
    for text, x_min, _, x_max, _ in boxes:
        assert 0 <= x_min and x_max <= page_width, f"{text!r} leaves the paper"
    for first, second in combinations(boxes, 2):
        same_row = min(first[4], second[4]) - max(first[2], second[2]) > 1.0
        touching = min(first[3], second[3]) - max(first[1], second[1]) > 0.1
        assert not (same_row and touching), f"{first[0]!r} overlaps {second[0]!r}"
    text = pdf_text(pdf)
    assert text.count("Rp999.999.999") >= 5


def test_control_characters_and_empty_optional_fields_are_harmless():
    data = replace(
        SALE,
        coop_address="",
        npwp="",
        unit_name="",
        cashier="Siti\x00\tRahayu",
        lines=[],
        payments=[],
        footer="",
    )
    text = pdf_text(render_receipt(data))
    assert "Siti Rahayu" in text
    assert "tidak ada barang" in text
