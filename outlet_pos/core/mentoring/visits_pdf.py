"""The printable record of one visit (berita acara pendampingan): A4 with the cooperative's
letterhead, the visit's facts, findings, recommendations, the follow-up actions and spaces for
the mentor and the chairman (or a pengurus) to sign — the paper both sides keep.

Pure (DESIGN §2.2 rule 7): ``visit_document`` turns the rows into plain strings,
``render_visit_pdf`` turns those into bytes; the view only sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from outlet_pos.core.documents.report import (
    ACCENT,
    FONT,
    FONT_BOLD,
    HEAD_BG,
    INK,
    MUTED,
    RULE,
    ReportFrame,
)
from outlet_pos.core.documents.slips import para, slip_style
from outlet_pos.core.documents.statements_pdf import Part, render_document
from outlet_pos.core.mentoring.visit_models import OVERDUE_LABEL, MentorVisit
from outlet_pos.formatting import tanggal

__all__ = ["VisitDocument", "render_visit_pdf", "visit_document"]

_H = slip_style("visit-h", FONT_BOLD, 10.5, 14, ACCENT)
_LABEL = slip_style("visit-label", size=9, leading=12, color=MUTED)
_VALUE = slip_style("visit-value", size=9.5, leading=12.5)
_BODY = slip_style("visit-body", size=9.5, leading=13)
_CELL = slip_style("visit-cell", size=8.5, leading=10.5)
_LATE = slip_style("visit-late", FONT_BOLD, 8.5, 10.5, ACCENT)
_HEAD = slip_style("visit-head", FONT_BOLD, 8.5, 10.5)
_SIGN = slip_style("visit-sign", FONT, 9, 12, align=1)
_EMPTY = slip_style("visit-empty", "Helvetica-Oblique", 9, 12, MUTED)


@dataclass(frozen=True)
class VisitDocument:
    date: str  # "12 Des 2026"
    mode: str  # "Kunjungan langsung"
    mentor: str
    topics: str
    findings: str
    recommendations: str
    # (description, owner, due date, status[, note]) — already formatted
    actions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    place: str = ""  # the desa, for "Desa X, 12 Des 2026"
    ketua: str = ""  # the chairman's name when known; else a dotted line
    as_of: str = ""  # the date the statuses were read ("Terlambat" depends on it)


def visit_document(
    visit: MentorVisit, today: date, *, place: str = "", ketua: str = ""
) -> VisitDocument:
    """The strings the record prints; an action's status reads "Terlambat" when it is open
    past its due date on ``today`` (the cooperative's date)."""
    actions = []
    for a in visit.actions:
        note = a.done_note
        if a.done_on is not None:
            note = f"{tanggal(a.done_on)}: {note}" if note else tanggal(a.done_on)
        actions.append((a.description, a.owner, tanggal(a.due_date), a.status_label(today), note))
    return VisitDocument(
        date=tanggal(visit.visit_date),
        mode=visit.mode_label,
        mentor=visit.mentor.full_name if visit.mentor else "",
        topics=visit.topics,
        findings=visit.findings,
        recommendations=visit.recommendations,
        actions=actions,
        place=place,
        ketua=ketua,
        as_of=tanggal(today),
    )


def _facts(doc: VisitDocument, width: float) -> Table:
    rows = [
        ("Tanggal", doc.date),
        ("Cara pendampingan", doc.mode),
        ("Pendamping", doc.mentor),
        ("Topik", doc.topics),
    ]
    table = Table(
        [[para(label, _LABEL), para(value, _VALUE)] for label, value in rows],
        colWidths=[width * 0.25, width * 0.75],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ])
    )  # fmt: skip
    return table


def _section(title: str, text: str) -> list[Flowable]:
    body = para(text, _BODY) if text.strip() else para("(tidak ada)", _EMPTY)
    return [Spacer(1, 4 * mm), para(title, _H), Spacer(1, 1.5 * mm), body]


def _actions(doc: VisitDocument, width: float) -> list[Flowable]:
    title = f"Tindak lanjut (status per {doc.as_of})" if doc.as_of else "Tindak lanjut"
    out: list[Flowable] = [Spacer(1, 4 * mm), para(title, _H), Spacer(1, 1.5 * mm)]
    if not doc.actions:
        return [*out, para("Tidak ada tindak lanjut yang disepakati.", _EMPTY)]
    head = ["No", "Tindakan", "Penanggung jawab", "Batas waktu", "Status", "Catatan"]
    data: list[list[object]] = [[para(h, _HEAD) for h in head]]
    for n, (what, owner, due, status, note) in enumerate(doc.actions, start=1):
        late = _LATE if status == OVERDUE_LABEL else _CELL
        data.append([para(str(n), _CELL), para(what, _CELL), para(owner, _CELL),
                     para(due, late), para(status, late), para(note, _CELL)])  # fmt: skip
    fractions = (0.05, 0.35, 0.16, 0.13, 0.11, 0.20)
    table = Table(data, colWidths=[width * f for f in fractions], repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    table.setStyle(TableStyle(commands))
    return [*out, table]


def _signatures(doc: VisitDocument, width: float) -> Flowable:
    """Room for the mentor and the chairman (or a pengurus) to sign: each side confirms the
    note is what was found and agreed."""
    place = ", ".join(p for p in (doc.place.strip(), doc.date) if p)
    dots = "(" + "." * 40 + ")"

    def name(text: str) -> Paragraph:
        return para(text, _SIGN) if text.strip() else para(dots, _SIGN)

    rows = [
        ["", para(place, _SIGN)],
        [para("Pendamping", _SIGN), para("Ketua / Pengurus Koperasi", _SIGN)],
        ["", ""],
        [name(doc.mentor), name(doc.ketua)],
    ]
    table = Table(
        rows,
        colWidths=[width / 2, width / 2],
        rowHeights=[None, None, 18 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("FONT", (0, 0), (-1, -1), FONT, 9),
        ])
    )  # fmt: skip
    return KeepTogether([Spacer(1, 8 * mm), table])


def render_visit_pdf(frame: ReportFrame, doc: VisitDocument) -> bytes:
    """The visit record as A4 PDF bytes (letterhead and "Halaman X dari Y" from the shared
    report frame)."""

    def build(usable: float, _height: float) -> list[Flowable]:
        story: list[Flowable] = [_facts(doc, usable)]
        story += _section("Temuan", doc.findings)
        story += _section("Rekomendasi", doc.recommendations)
        story += _actions(doc, usable)
        story.append(_signatures(doc, usable))
        return story

    part = Part(frame.title, frame.period_label, build, subtitle=frame.subtitle)
    return render_document(frame, [part], title=f"{frame.title} — {doc.date}")
