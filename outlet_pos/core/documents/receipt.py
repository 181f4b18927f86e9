"""Thermal receipts (58 mm and 80 mm paper) as one long PDF page.

Pure: plain values in, PDF bytes out. The caller formats quantities ("1,5 kg") and local times;
amounts arrive as int rupiah and are written with ``money.format_rupiah`` ("Rp12.500").

How: the receipt is first laid out into a list of drawing operations placed by their distance
from the top of the paper. That measures the content, so the canvas is then created with exactly
that page height (a roll has no A4 page to fill) and the operations are drawn on it.

Amounts are right-aligned on one edge; Helvetica's digits all have the same width, so columns
of figures line up like tabular figures. The "P" tax mark has its own column right of it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from outlet_pos.money import format_rupiah

__all__ = ["RECEIPT_WIDTHS", "ReceiptData", "ReceiptLine", "ReceiptPayment", "render_receipt"]

RECEIPT_WIDTHS = (58, 80)
"""Paper widths in mm that ``render_receipt`` accepts."""

DEFAULT_FOOTER = "Terima kasih. Barang yang sudah dibeli dapat ditukar dengan struk ini."


@dataclass(frozen=True)
class ReceiptLine:
    name: str  # item name
    qty: str  # already formatted quantity with unit, e.g. "2 pcs", "1,5 kg", "1 karung"
    unit_price: int  # rupiah
    discount: int  # rupiah, >= 0, for the whole line
    total: int  # rupiah after discount
    taxed: bool = False  # PPN included; marked "P" after the amount when the coop is PKP


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  # label: "Tunai", "QRIS", "Transfer", "Kredit anggota"
    amount: int
    reference: str = ""


@dataclass(frozen=True)
class ReceiptData:
    coop_name: str
    coop_address: str
    npwp: str  # shown only if is_pkp
    is_pkp: bool
    outlet_name: str
    unit_name: str  # business unit(s), e.g. "Sembako"
    cashier: str
    printed_local: str  # "30 Nov 2026 14:05 WITA" (already formatted, local time)
    number: str  # receipt number, e.g. "GR01-20261130-0007"
    public_id: str  # UUID, encoded in a QR code at the bottom
    lines: Sequence[ReceiptLine]
    subtotal: int
    receipt_discount: int
    total: int
    tax: int  # PPN included in total (0 if not PKP)
    dpp: int  # taxed gross minus tax (0 if not PKP)
    payments: Sequence[ReceiptPayment]
    change: int
    member_number: str = ""  # "KDMP-0001" when sold to a member
    member_name: str = ""
    copy: bool = False  # reprint: "SALINAN" at the top and the bottom
    kind: str = "sale"  # "sale" or "refund"
    refund_of: str = ""  # original receipt number for a refund
    footer: str = DEFAULT_FOOTER
    # Lines a unit adds under the buyer, e.g. who redeemed subsidised fertilizer (and by whose
    # letter of authority): the receipt is the farmer's proof of the redemption.
    notes: Sequence[str] = ()


# --- look ----------------------------------------------------------------------------------------

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
KINDS = ("sale", "refund")


@dataclass(frozen=True)
class _Paper:
    width: float  # page width in points
    margin_x: float  # side margin: what the printer cannot reach
    size: float  # body text
    big: float  # cooperative name, TOTAL, SALINAN, RETUR
    indent: float  # "qty x price" and discount rows under the item name

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin_x


# Printable widths of the common printers: ~48 mm on 58 mm paper, ~72 mm on 80 mm paper.
_PAPERS = {
    58: _Paper(58 * mm, 5 * mm, 7.5, 8.0, 2 * mm),
    80: _Paper(80 * mm, 4 * mm, 8.5, 9.0, 3 * mm),
}
LEADING = 1.28  # line height as a multiple of the font size
MARGIN_TOP = 4 * mm
MARGIN_BOTTOM = 6 * mm  # room to tear the paper off under the last line
GAP = 1.2 * mm  # small vertical gap between blocks
ITEM_GAP = 0.7 * mm  # between two items, so that each name reads with its own amounts
RULE_HEIGHT = 2.6 * mm  # a dashed rule with its air above and below
QR_SIZE = 22 * mm
QR_AIR = 3 * mm  # QR quiet zone: at least 4 modules (~0.8 mm each) of white on every side
MIN_GUTTER = 2 * mm  # between a left text and an amount on the same row
MIN_SIDE = 0.4  # a wrapped column never gets narrower than this share of the row

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --- text ----------------------------------------------------------------------------------------


def _clean(text: object) -> str:
    """One printable string: no control characters, tabs as spaces, CR/LF as LF."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL_CHARS.sub("", value)


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _fit(word: str, font: str, size: float, width: float) -> int:
    """How many leading characters of ``word`` fit into ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the row is cut between characters; LF kept."""
    lines: list[str] = []
    for paragraph in _clean(text).split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if _width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while _width(word, font, size) > width:
                cut = _fit(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
    return lines


# --- QR code -------------------------------------------------------------------------------------

_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
_LONG_RUN = re.compile(r"0{5,}|1{5,}")


def _penalty(modules: list[list[bool]]) -> int:
    """The QR mask penalty of ISO/IEC 18004 (§7.8.3): runs of five or more, 2x2 blocks,
    finder-like patterns and dark/light balance; the lower, the easier to scan."""
    count = len(modules)
    rows = ["".join("1" if dark else "0" for dark in row) for row in modules]
    lines = rows + ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in lines:
        score += sum(len(run) - 2 for run in _LONG_RUN.findall(line))  # 3 + (length - 5)
        score += 40 * len(_FINDER_LIKE.findall(f"0000{line}0000"))  # quiet zone counts as light
    bits = [int(row, 2) for row in rows]
    inner = (1 << (count - 1)) - 1
    for upper, lower in zip(bits, bits[1:], strict=False):
        same = ~(upper ^ lower) & ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & inner
        score += 3 * same.bit_count()
    dark = sum(row.count("1") for row in rows)
    total = count * count
    score += 10 * (abs(20 * dark - 10 * total) // total)
    return score


def _qr_modules(value: str) -> list[list[bool]]:
    """The QR matrix of ``value`` (error correction M) from reportlab's encoder.

    reportlab picks the mask with a pure-Python scorer that alone costs ~10 ms, a third of the
    receipt budget; the data is encoded once and the eight masks are scored by ``_penalty``
    (bit and regex operations over whole rows, ~0.2 ms each), with the same rules.
    """
    code = QrCodeWidget(value, barLevel="M").qr
    if code.version is None:
        code.version = code.calculate_version()
    best_mask, best_score = 0, -1
    for mask in range(8):
        code.makeImpl(False, mask)
        score = _penalty(code.modules)
        if best_score < 0 or score < best_score:
            best_mask, best_score = mask, score
    code.makeImpl(False, best_mask)
    return [[bool(dark) for dark in row] for row in code.modules]


# --- layout --------------------------------------------------------------------------------------

_Op = Callable[[Canvas, float], None]  # draws itself given the y of the top of the content


class _Sheet:
    """The receipt laid out top-down as drawing operations; ``height`` is known before drawing."""

    def __init__(self, paper: _Paper, amount_suffix: str) -> None:
        self.paper = paper
        self.left = paper.margin_x
        self.right = paper.width - paper.margin_x
        self.center = paper.width / 2
        self.ops: list[_Op] = []
        self.height = 0.0  # of the content laid out so far, from its top
        self.suffix = amount_suffix  # e.g. " P": a column kept free right of every amount
        self.suffix_width = _width(amount_suffix, FONT, paper.size) if amount_suffix else 0.0
        self.amount_right = self.right - self.suffix_width

    # rows

    def _row(self, size: float) -> float:
        """Reserve one text row; returns its baseline (from the top of the content)."""
        leading = size * LEADING
        baseline = self.height + leading / 2 + 0.2555 * size  # glyph box centred in the row
        self.height += leading
        return baseline

    def _text(self, text: str, x: float, baseline: float, font: str, size: float, align: str):
        def draw(canvas: Canvas, top: float) -> None:
            canvas.setFont(font, size)
            y = top - baseline
            if align == "left":
                canvas.drawString(x, y, text)
            elif align == "right":
                canvas.drawRightString(x, y, text)
            else:
                canvas.drawCentredString(x, y, text)

        self.ops.append(draw)

    def para(self, text: str, *, bold: bool = False, big: bool = False, align: str = "center"):
        """Wrapped text over the full width (centred by default)."""
        font = FONT_BOLD if bold else FONT
        size = self.paper.big if big else self.paper.size
        width = self.paper.text_width
        x = {"left": self.left, "right": self.right, "center": self.center}[align]
        for line in _wrap(text, font, size, width):
            self._text(line, x, self._row(size), font, size, align)

    def _mark(self, baseline: float) -> None:
        self._text(self.suffix, self.right, baseline, FONT, self.paper.size, "right")

    def note(self, text: str, indent: float) -> None:
        """Left-aligned wrapped text starting ``indent`` from the left edge."""
        size = self.paper.size
        for line in _wrap(text, FONT, size, self.paper.text_width - indent):
            self._text(line, self.left + indent, self._row(size), FONT, size, "left")

    def pair(
        self,
        left: str,
        right: str,
        *,
        bold: bool = False,
        indent: float = 0.0,
        wrap: str = "left",
        suffix: bool = False,
    ) -> None:
        """``left`` at the left edge, ``right`` ending on the amount edge, never overlapping:
        the side named by ``wrap`` wraps into what the other side leaves free; when that would
        be too narrow each side gets the whole width on rows of its own. ``suffix``: the tax
        mark goes in its column right of the amount.
        """
        font = FONT_BOLD if bold else FONT
        size = self.paper.big if bold else self.paper.size
        x_left = self.left + indent
        x_right = self.amount_right
        span = x_right - x_left
        left, right = " ".join(_clean(left).split()), " ".join(_clean(right).split())
        left_width, right_width = _width(left, font, size), _width(right, font, size)
        mark = suffix and bool(self.suffix)

        if left_width + MIN_GUTTER + right_width <= span:
            baseline = self._row(size)
            self._text(left, x_left, baseline, font, size, "left")
            self._text(right, x_right, baseline, font, size, "right")
            if mark:
                self._mark(baseline)
            return

        if wrap == "left":
            room = span - right_width - MIN_GUTTER
            if room >= span * MIN_SIDE:
                rows = _wrap(left, font, size, room)
                for index, line in enumerate(rows):
                    baseline = self._row(size)
                    self._text(line, x_left, baseline, font, size, "left")
                    if index == len(rows) - 1:  # the amount closes the block, on its last row
                        self._text(right, x_right, baseline, font, size, "right")
                        if mark:
                            self._mark(baseline)
                return
        else:
            room = span - left_width - MIN_GUTTER
            if room >= span * MIN_SIDE:
                for index, line in enumerate(_wrap(right, font, size, room)):
                    baseline = self._row(size)
                    if index == 0:
                        self._text(left, x_left, baseline, font, size, "left")
                    self._text(line, x_right, baseline, font, size, "right")
                return

        # Too long for sharing a row: each side gets the whole width, left above right.
        for line in _wrap(left, font, size, span):
            self._text(line, x_left, self._row(size), font, size, "left")
        for index, line in enumerate(_wrap(right, font, size, span)):
            baseline = self._row(size)
            self._text(line, x_right, baseline, font, size, "right")
            if mark and index == 0:
                self._mark(baseline)

    def gap(self, height: float = GAP) -> None:
        self.height += height

    def rule(self) -> None:
        y_rule = self.height + RULE_HEIGHT / 2
        self.height += RULE_HEIGHT
        left, right = self.left, self.right

        def draw(canvas: Canvas, top: float) -> None:
            canvas.saveState()
            canvas.setLineWidth(0.6)
            canvas.setDash(2, 1.5)
            canvas.line(left, top - y_rule, right, top - y_rule)
            canvas.restoreState()

        self.ops.append(draw)

    def band(self, text: str) -> None:
        """White bold text on a black band across the paper: impossible to overlook."""
        size = self.paper.big
        height = size * 1.9
        y_band = self.height
        baseline = y_band + height / 2 + 0.2555 * size
        self.height += height
        left, width, center = self.left, self.paper.text_width, self.center

        def draw(canvas: Canvas, top: float) -> None:
            canvas.saveState()
            canvas.rect(left, top - y_band - height, width, height, stroke=0, fill=1)
            canvas.setFillGray(1)
            canvas.setFont(FONT_BOLD, size)
            canvas.drawCentredString(center, top - baseline, text)
            canvas.restoreState()

        self.ops.append(draw)

    def qr(self, value: str) -> None:
        """A QR code of ``value``, centred, ``QR_SIZE`` wide, with its quiet zone around it."""
        modules = _qr_modules(value)
        count = len(modules)
        module = QR_SIZE / count
        self.height += QR_AIR
        y_code = self.height
        self.height += QR_SIZE + QR_AIR
        x_code = self.center - QR_SIZE / 2

        def draw(canvas: Canvas, top: float) -> None:
            path = canvas.beginPath()
            for row_index, row in enumerate(modules):
                y = top - y_code - (row_index + 1) * module
                column = 0
                for dark, run in groupby(row):
                    length = len(list(run))
                    if dark:
                        path.rect(x_code + column * module, y, length * module, module)
                    column += length
            canvas.drawPath(path, stroke=0, fill=1)

        self.ops.append(draw)


# --- the receipt ---------------------------------------------------------------------------------


def _rupiah_off(amount: int) -> str:
    """A deduction: "-Rp2.500"."""
    return "-" + format_rupiah(amount) if amount > 0 else format_rupiah(-amount)


def _layout(data: ReceiptData, paper: _Paper) -> _Sheet:
    refund = data.kind == "refund"
    marks_tax = data.is_pkp and any(line.taxed for line in data.lines)
    sheet = _Sheet(paper, " P" if marks_tax else "")
    indent = paper.indent

    if data.copy:
        sheet.band("SALINAN")
        sheet.gap()
    sheet.para(data.coop_name, bold=True, big=True)
    if data.coop_address.strip():
        sheet.para(data.coop_address)
    if data.is_pkp and data.npwp.strip():
        sheet.para(f"NPWP {data.npwp.strip()}")
    place = " · ".join(part.strip() for part in (data.outlet_name, data.unit_name) if part.strip())
    if place:
        sheet.para(place)
    if refund:
        sheet.gap()
        sheet.para("RETUR PENJUALAN", bold=True, big=True)
        if data.refund_of.strip():
            sheet.para(f"Atas struk {data.refund_of.strip()}")

    sheet.rule()
    sheet.pair("No. struk", data.number, wrap="right")
    sheet.pair("Tanggal", data.printed_local, wrap="right")
    sheet.pair("Kasir", data.cashier, wrap="right")
    member = [part for part in (data.member_number, data.member_name) if part.strip()]
    for index, part in enumerate(member):
        sheet.pair("" if index else "Anggota", part, wrap="right")
    for text in data.notes:
        if text.strip():
            sheet.note(text.strip(), 0)

    sheet.rule()
    for index, line in enumerate(data.lines):
        if index:
            sheet.gap(ITEM_GAP)
        sheet.para(line.name, align="left")
        sheet.pair(
            f"{line.qty} x {format_rupiah(line.unit_price)}",
            format_rupiah(line.total),
            indent=indent,
            suffix=marks_tax and line.taxed,
        )
        if line.discount:
            sheet.pair("Diskon", _rupiah_off(line.discount), indent=indent)
    if not data.lines:
        sheet.para("(tidak ada barang)", align="left")

    sheet.rule()
    sheet.pair("Subtotal", format_rupiah(data.subtotal))
    if data.receipt_discount:
        sheet.pair("Diskon struk", _rupiah_off(data.receipt_discount))
    sheet.pair("TOTAL RETUR" if refund else "TOTAL", format_rupiah(data.total), bold=True)
    if data.is_pkp:
        sheet.pair("DPP", format_rupiah(data.dpp))
        sheet.pair("PPN 11% (termasuk)", format_rupiah(data.tax))
    if marks_tax:
        sheet.para("P = harga sudah termasuk PPN", align="left")

    sheet.rule()
    if refund and data.payments:
        sheet.para("Dikembalikan:", align="left")
    for payment in data.payments:
        sheet.pair(payment.method, format_rupiah(payment.amount), indent=indent if refund else 0)
        if payment.reference.strip():
            sheet.note(f"Ref. {payment.reference.strip()}", indent * (2 if refund else 1))
    if not refund or data.change:
        sheet.pair("Kembali", format_rupiah(data.change))

    sheet.qr(data.public_id)
    if data.footer.strip():
        sheet.para(data.footer)
    if data.copy:
        sheet.gap()
        sheet.band("SALINAN")
    return sheet


def render_receipt(data: ReceiptData, width_mm: int = 58) -> bytes:
    """Render a sale or refund receipt for 58 mm or 80 mm thermal paper as PDF bytes.

    One page as wide as the paper and as tall as the content. ``ValueError`` for another width
    or an unknown ``kind``.
    """
    if width_mm not in _PAPERS:
        raise ValueError(f"receipt width must be one of {RECEIPT_WIDTHS} mm, got {width_mm!r}")
    if data.kind not in KINDS:
        raise ValueError(f"receipt kind must be one of {KINDS}, got {data.kind!r}")
    paper = _PAPERS[width_mm]
    sheet = _layout(data, paper)
    page_height = MARGIN_TOP + sheet.height + MARGIN_BOTTOM

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(paper.width, page_height), pageCompression=1)
    title = "Retur" if data.kind == "refund" else "Struk"
    canvas.setTitle(_clean(f"{title} {data.number}"))
    canvas.setAuthor(_clean(data.coop_name))
    canvas.setCreator("outlet_pos")
    top = page_height - MARGIN_TOP
    for draw in sheet.ops:
        draw(canvas, top)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
