"""Paragraph styles shared by the half-page documents (expense vouchers, SHU slips): the
cooperative's name and address, a red title, labels and values, right-aligned amounts."""

from __future__ import annotations

# An escaping helper for reportlab's paragraph markup: no XML is parsed here.
from xml.sax.saxutils import escape  # nosec B406

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from outlet_pos.core.documents.report import ACCENT, FONT, FONT_BOLD, INK, MUTED


def slip_style(name, font=FONT, size=9.0, leading=11.5, color=INK, align=0) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading, textColor=color, alignment=align
    )


NAME = slip_style("name", FONT_BOLD, 12, 14)
ADDR = slip_style("addr", size=8, leading=10, color=MUTED)
TITLE = slip_style("title", FONT_BOLD, 13, 16, ACCENT, align=2)
LABEL = slip_style("label", size=8.5, leading=11, color=MUTED)
VALUE = slip_style("value", size=9.5, leading=12)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (escaped; newlines kept) as a paragraph."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def half_page(buffer, title: str, author: str) -> tuple[SimpleDocTemplate, float]:
    """An A5 landscape document with 10 mm margins, and its usable width: half an A4 sheet,
    the size of a kuitansi or a slip."""
    page = landscape(A5)
    margin = 10 * mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=author,
    )
    return doc, page[0] - 2 * margin
