"""Visit notes (log pendampingan): recording a visit with its follow-up actions, editing it,
and following the actions up.

The mentor writes the note; the cooperative's pengurus (or the mentor) marks each action done
or cancelled. Nothing here touches the books: a mentor changes none of them (issue 9). Every
function flushes only; the caller's one transaction commits (DESIGN §2.2 rule 2), so a bad
action row leaves no half-written visit behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from outlet_pos.core.access import PERMISSIONS, Membership
from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import NotFound, PermissionDenied, ValidationError
from outlet_pos.core.mentoring.visit_models import MODES, STATUSES, MentorVisit, VisitAction
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

MAX_ACTIONS = 20
MAX_TEXT = 5000


# --- checks ----------------------------------------------------------------------------


def _text(value: Any, limit: int, label: str, field: str, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(f"{label} wajib diisi.", field=field)
    if len(text) > limit:
        raise ValidationError(f"{label} maksimal {limit} karakter.", field=field)
    return text


def _visit_fields(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    day = values.get("visit_date")
    if not isinstance(day, date):
        raise ValidationError("Tanggal kunjungan wajib diisi.", field="visit_date")
    if day > coop.today():
        raise ValidationError(
            "Tanggal kunjungan tidak boleh di masa depan; catat setelah kunjungan.",
            field="visit_date",
        )
    mode = values.get("mode") or "kunjungan"
    if mode not in MODES:
        raise ValidationError("Pilih cara pendampingan.", field="mode")
    return {
        "visit_date": day,
        "mode": mode,
        "topics": _text(values.get("topics"), 300, "Topik", "topics", required=True),
        "findings": _text(values.get("findings"), MAX_TEXT, "Temuan", "findings"),
        "recommendations": _text(
            values.get("recommendations"), MAX_TEXT, "Rekomendasi", "recommendations"
        ),
    }


@dataclass(frozen=True)
class _Row:
    index: int
    id: int | None
    description: str
    owner: str
    due_date: date | None
    remove: bool


def _rows(actions: Iterable[dict[str, Any]] | None) -> list[_Row]:
    """The action rows that say something; a row left wholly empty is ignored."""
    out: list[_Row] = []
    for index, raw in enumerate(actions or []):
        ident = str(raw.get("id") or "").strip()
        if ident and not (ident.isascii() and ident.isdigit()):
            # The id rides in a hidden field the browser controls.
            raise ValidationError(
                f"Baris tindakan {index + 1} tidak dikenal; muat ulang halaman.",
                field=f"actions-{index}-description",
            )
        row = _Row(
            index=index,
            id=int(ident) if ident else None,
            description=_text(
                raw.get("description"), 300, "Tindakan", f"actions-{index}-description"
            ),
            owner=_text(raw.get("owner"), 120, "Penanggung jawab", f"actions-{index}-owner"),
            due_date=raw.get("due_date") if isinstance(raw.get("due_date"), date) else None,
            remove=bool(raw.get("remove")),
        )
        if row.id is None and not (row.description or row.owner or row.due_date):
            continue
        out.append(row)
    return out


def _check_row(row: _Row, visit_date: date) -> None:
    if not row.description:
        raise ValidationError(
            "Tuliskan tindakan yang harus dilakukan.", field=f"actions-{row.index}-description"
        )
    if row.due_date is None:
        raise ValidationError("Isi batas waktu tindakan.", field=f"actions-{row.index}-due_date")
    if row.due_date < visit_date:
        raise ValidationError(
            "Batas waktu tidak boleh sebelum tanggal kunjungan.",
            field=f"actions-{row.index}-due_date",
        )


def _holds(user: Any, permission: str, coop_id: int) -> bool:
    """Whether ``user`` holds ``permission`` in the cooperative, read from the database rather
    than ``user.memberships``: a role granted earlier in the same transaction (the demo, a
    script) is not in an already-loaded collection."""
    if user is None:
        return False
    roles = set(db.session.scalars(select(Membership.role).where(
        Membership.user_id == user.id, Membership.cooperative_id == coop_id)))  # fmt: skip
    if getattr(user, "is_admin", False):
        roles.add("admin")
    return bool(roles & PERMISSIONS.get(permission, set()))


def _require(user: Any, permission: str, coop: Cooperative, message: str) -> None:
    if not _holds(user, permission, coop.id):
        raise PermissionDenied(message)


def can_edit(visit: MentorVisit, user: Any) -> bool:
    """Only the mentor who wrote a note (still holding the role) or an admin may change it:
    a note is that mentor's own account of the visit."""
    if user is None:
        return False
    if getattr(user, "is_admin", False):
        return True
    return visit.mentor_id == user.id and _holds(user, "mentoring.manage", visit.cooperative_id)


# --- actions ---------------------------------------------------------------------------


def record_visit(
    coop: Cooperative,
    user: Any,
    *,
    visit_date: date | None,
    mode: str,
    topics: str,
    findings: str = "",
    recommendations: str = "",
    actions: Iterable[dict[str, Any]] | None = None,
) -> MentorVisit:
    """A new visit note with its follow-up actions (``description``, ``owner``,
    ``due_date``). Every row is checked before anything is added."""
    _require(user, "mentoring.manage", coop, "Hanya pendamping yang dapat mencatat kunjungan.")
    fields = _visit_fields(
        coop,
        {
            "visit_date": visit_date,
            "mode": mode,
            "topics": topics,
            "findings": findings,
            "recommendations": recommendations,
        },
    )
    rows = _rows(actions)
    if len(rows) > MAX_ACTIONS:
        raise ValidationError(f"Paling banyak {MAX_ACTIONS} tindak lanjut per kunjungan.")
    for row in rows:
        _check_row(row, fields["visit_date"])
    now = utcnow()
    visit = MentorVisit(cooperative_id=coop.id, mentor_id=user.id, created_at=now,
                        updated_at=now, updated_by_id=user.id, **fields)  # fmt: skip
    db.session.add(visit)
    for row in rows:
        visit.actions.append(_new_action(coop, user, row, now))
    db.session.flush()
    record("mentoring.visit", user=user, cooperative=coop, target=f"mentor_visit:{visit.id}",
           detail={"date": fields["visit_date"], "topics": fields["topics"],
                   "actions": len(rows)})  # fmt: skip
    return visit


def _new_action(coop: Cooperative, user: Any, row: _Row, now) -> VisitAction:
    return VisitAction(cooperative_id=coop.id, description=row.description, owner=row.owner,
                       due_date=row.due_date, status="terbuka", done_note="",
                       updated_by_id=user.id, updated_at=now)  # fmt: skip


def update_visit(
    coop: Cooperative,
    visit: MentorVisit,
    user: Any,
    *,
    visit_date: date | None,
    mode: str,
    topics: str,
    findings: str = "",
    recommendations: str = "",
    actions: Iterable[dict[str, Any]] | None = None,
) -> MentorVisit:
    """Change a note. Action rows with an ``id`` change that action (or remove it when
    ``remove`` is set and it is still open); rows without one are new actions; actions not
    mentioned stay as they are. A followed-up action keeps its history: it is not removed."""
    if visit.cooperative_id != coop.id:
        raise NotFound("Catatan kunjungan tidak ditemukan.")
    if not can_edit(visit, user):
        raise PermissionDenied("Hanya pendamping yang menulis catatan ini atau admin yang dapat "
                               "mengubahnya.")  # fmt: skip
    fields = _visit_fields(
        coop,
        {
            "visit_date": visit_date,
            "mode": mode,
            "topics": topics,
            "findings": findings,
            "recommendations": recommendations,
        },
    )
    existing = {a.id: a for a in visit.actions}
    rows = _rows(actions)
    for row in rows:
        if row.id is not None and row.id not in existing:
            raise ValidationError("Tindak lanjut itu bukan bagian dari catatan ini.",
                                  field=f"actions-{row.index}-description")  # fmt: skip
        if row.remove:
            if row.id is not None and not existing[row.id].is_open:
                raise ValidationError(
                    "Tindak lanjut yang sudah selesai atau batal tidak dapat dihapus.",
                    field=f"actions-{row.index}-description",
                )
            continue
        _check_row(row, fields["visit_date"])
    mentioned = {row.id for row in rows if row.id is not None}
    for action in existing.values():
        if action.id not in mentioned and action.is_open and action.due_date < fields["visit_date"]:
            raise ValidationError("Tanggal kunjungan sesudah batas waktu salah satu tindak lanjut.",
                                  field="visit_date")  # fmt: skip
    kept = len(existing) + sum(1 for r in rows if r.id is None and not r.remove)
    kept -= sum(1 for r in rows if r.id is not None and r.remove)
    if kept > MAX_ACTIONS:
        raise ValidationError(f"Paling banyak {MAX_ACTIONS} tindak lanjut per kunjungan.")
    now = utcnow()
    changes: dict[str, Any] = {k: v for k, v in fields.items() if getattr(visit, k) != v}
    for key, value in fields.items():
        setattr(visit, key, value)
    removed = added = edited = 0
    for row in rows:
        action = existing.get(row.id) if row.id is not None else None
        if action is None:
            if not row.remove:
                visit.actions.append(_new_action(coop, user, row, now))
                added += 1
        elif row.remove:
            visit.actions.remove(action)
            removed += 1
        elif (action.description, action.owner, action.due_date) != (
            row.description, row.owner, row.due_date
        ):  # fmt: skip
            action.description, action.owner, action.due_date = (
                row.description, row.owner, row.due_date
            )  # fmt: skip
            action.updated_by_id, action.updated_at = user.id, now
            edited += 1
    visit.updated_at, visit.updated_by_id = now, user.id
    db.session.flush()
    record("mentoring.visit", user=user, cooperative=coop, target=f"mentor_visit:{visit.id}",
           detail={"change": "ubah", "fields": sorted(changes), "added": added,
                   "edited": edited, "removed": removed})  # fmt: skip
    return visit


def set_action_status(
    coop: Cooperative, action: VisitAction, user: Any, status: str, note: str = ""
) -> VisitAction:
    """Follow an action up: ``selesai`` (with a note on what was done), ``batal``, or back to
    ``terbuka``. The date is the cooperative's business date, not the server's."""
    if action.cooperative_id != coop.id:
        raise NotFound("Tindak lanjut tidak ditemukan.")
    _require(user, "mentoring.follow_up", coop,
             "Hanya pengurus atau pendamping yang dapat menindaklanjuti.")  # fmt: skip
    if status not in STATUSES:
        raise ValidationError("Pilih status: terbuka, selesai, atau batal.", field="status")
    note = _text(note, 300, "Catatan", "note")
    if status == "selesai" and not note:
        raise ValidationError("Tuliskan apa yang sudah dilakukan.", field="note")
    if status == action.status and note == action.done_note:
        raise ValidationError(f"Status tindak lanjut sudah {STATUSES[status].lower()}.",
                              field="status")  # fmt: skip
    before = action.status
    action.status = status
    action.done_on = None if status == "terbuka" else coop.today()
    action.done_note = note
    action.updated_by_id, action.updated_at = user.id, utcnow()
    db.session.flush()
    record("mentoring.action", user=user, cooperative=coop, target=f"visit_action:{action.id}",
           detail={"visit": action.visit_id, "from": before, "to": status,
                   "note": note})  # fmt: skip
    return action


# --- reading ---------------------------------------------------------------------------


def last_visit(coop: Cooperative) -> MentorVisit | None:
    return db.session.scalar(
        select(MentorVisit)
        .where(MentorVisit.cooperative_id == coop.id)
        .order_by(MentorVisit.visit_date.desc(), MentorVisit.id.desc())
        .limit(1)
    )


def open_actions(coop: Cooperative) -> list[VisitAction]:
    """Every open action, the most urgent first."""
    return list(
        db.session.scalars(
            select(VisitAction)
            .where(VisitAction.cooperative_id == coop.id, VisitAction.status == "terbuka")
            .order_by(VisitAction.due_date, VisitAction.id)
        )
    )


def overdue_actions(coop: Cooperative, today: date) -> list[VisitAction]:
    """Open actions due before ``today`` (pass ``coop.today()``: the cooperative's date)."""
    return list(
        db.session.scalars(
            select(VisitAction)
            .where(
                VisitAction.cooperative_id == coop.id,
                VisitAction.status == "terbuka",
                VisitAction.due_date < today,
            )
            .order_by(VisitAction.due_date, VisitAction.id)
        )
    )


class ActionCounts(NamedTuple):
    open: int
    overdue: int
    done: int


def action_counts(coop: Cooperative, today: date) -> ActionCounts:
    """Open, overdue and done actions in one query (for headers and the portfolio)."""
    open_ = VisitAction.status == "terbuka"
    row = db.session.execute(
        select(
            func.count().filter(open_),
            func.count().filter(open_, VisitAction.due_date < today),
            func.count().filter(VisitAction.status == "selesai"),
        ).where(VisitAction.cooperative_id == coop.id)
    ).one()
    return ActionCounts(int(row[0]), int(row[1]), int(row[2]))


FILTERS = {"semua": "Semua", "terbuka": "Ada tindak lanjut terbuka",
           "terlambat": "Ada tindak lanjut terlambat"}  # fmt: skip


def visit_log(
    coop: Cooperative,
    today: date,
    status: str = "semua",
    *,
    offset: int = 0,
    limit: int | None = 20,
) -> tuple[list[MentorVisit], int]:
    """Visits newest first, optionally only those with an open (or overdue) action, and how
    many there are in all (for paging)."""
    query = select(MentorVisit).where(MentorVisit.cooperative_id == coop.id)
    if status in ("terbuka", "terlambat"):
        wanted = select(VisitAction.visit_id).where(
            VisitAction.cooperative_id == coop.id, VisitAction.status == "terbuka"
        )
        if status == "terlambat":
            wanted = wanted.where(VisitAction.due_date < today)
        query = query.where(MentorVisit.id.in_(wanted))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    visits = db.session.scalars(
        query.options(selectinload(MentorVisit.actions), selectinload(MentorVisit.mentor))
        .order_by(MentorVisit.visit_date.desc(), MentorVisit.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(visits), int(total)
