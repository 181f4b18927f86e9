"""Visit notes (log pendampingan), the services: recording and reading back, validation with
nothing half-written, overdue against the cooperative's own date, who may record, edit and
follow up. The pages: ``test_visits_pages.py``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import PermissionDenied, ValidationError
from outlet_pos.core.mentoring.visit_models import MentorVisit, VisitAction
from outlet_pos.core.mentoring.visits import (
    action_counts,
    last_visit,
    open_actions,
    overdue_actions,
    record_visit,
    set_action_status,
    update_visit,
)
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

TODAY = date(2026, 3, 10)  # the cooperatives' business date in these tests


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """Every cooperative's business date is TODAY, whatever the server's clock says."""
    monkeypatch.setattr(Cooperative, "today", lambda self: TODAY)


def note(coop, mentor, **kw):
    values = {
        "visit_date": TODAY - timedelta(days=7),
        "mode": "kunjungan",
        "topics": "Tutup buku, stok opname",
        "findings": "Buku kas belum ditutup sejak Januari.",
        "recommendations": "Tutup buku tiap akhir bulan.",
        "actions": [
            {"description": "Rapat pengurus", "owner": "Ketua",
             "due_date": TODAY + timedelta(days=20)},
            {"description": "", "owner": "", "due_date": None},  # an empty row: ignored
            {"description": "Stok opname gudang", "owner": "Bendahara",
             "due_date": TODAY - timedelta(days=2)},
        ],
    } | kw  # fmt: skip
    return run_transaction(record_visit, coop, mentor, **values)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(MentorVisit)),
        db.session.scalar(select(func.count()).select_from(VisitAction)),
    )


@pytest.fixture
def mentor(coop):
    return make_user("pendamping1", "pendamping", coop)


# --- services ---------------------------------------------------------------------------


def test_a_visit_is_recorded_with_its_actions_and_read_back(coop, mentor):
    visit = note(coop, mentor)
    db.session.expire_all()
    visit = db.session.get(MentorVisit, visit.id)
    assert (visit.visit_date, visit.mode_label, visit.mentor_id) == (
        date(2026, 3, 3), "Kunjungan langsung", mentor.id,
    )  # fmt: skip
    assert visit.findings == "Buku kas belum ditutup sejak Januari."
    # The empty row was ignored; the actions come ordered by due date.
    assert [(a.description, a.owner, a.status) for a in visit.actions] == [
        ("Stok opname gudang", "Bendahara", "terbuka"),
        ("Rapat pengurus", "Ketua", "terbuka"),
    ]
    assert last_visit(coop).id == visit.id
    assert [a.description for a in open_actions(coop)] == ["Stok opname gudang", "Rapat pengurus"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentoring.visit"))
    assert event.user_id == mentor.id and event.cooperative_id == coop.id
    assert event.detail["actions"] == 2


def test_the_latest_visit_is_the_one_with_the_latest_date(coop, mentor):
    late = note(coop, mentor, visit_date=TODAY - timedelta(days=1), actions=[])
    note(coop, mentor, visit_date=TODAY - timedelta(days=30), actions=[])
    assert last_visit(coop).id == late.id
    assert last_visit(make_coop("Koperasi Lain")) is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"visit_date": TODAY + timedelta(days=1)}, "visit_date", "masa depan"),
        ({"visit_date": None}, "visit_date", "wajib"),
        ({"topics": "   "}, "topics", "Topik wajib"),
        ({"mode": "surat"}, "mode", "cara"),
        ({"actions": [{"description": "Rapat", "owner": "Ketua", "due_date": TODAY},
                      {"description": "Opname", "owner": "", "due_date": None}]},
         "actions-1-due_date", "batas waktu"),
        ({"actions": [{"description": "", "owner": "Ketua", "due_date": TODAY}]},
         "actions-0-description", "Tuliskan tindakan"),
        ({"actions": [{"description": "Rapat", "owner": "",
                       "due_date": TODAY - timedelta(days=8)}]},
         "actions-0-due_date", "sebelum tanggal kunjungan"),
    ],
)  # fmt: skip
def test_a_bad_note_or_action_row_writes_nothing(coop, mentor, change, field, message):
    with pytest.raises(ValidationError) as err:
        note(coop, mentor, **change)
    assert err.value.field == field
    assert message.lower() in err.value.message.lower()
    assert counts() == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "mentoring.visit")) == 0  # fmt: skip


def test_overdue_is_counted_against_the_cooperatives_own_date(coop, mentor):
    note(coop, mentor)
    # Due TODAY - 2: overdue today, not on the day it was due.
    assert [a.description for a in overdue_actions(coop, TODAY)] == ["Stok opname gudang"]
    assert overdue_actions(coop, TODAY - timedelta(days=2)) == []
    action = overdue_actions(coop, TODAY)[0]
    assert action.is_overdue(TODAY) and action.status_label(TODAY) == "Terlambat"
    assert action.status_label() == "Terbuka"
    assert action_counts(coop, TODAY) == (2, 1, 0)
    # Done actions are never late, whatever their due date.
    run_transaction(set_action_status, coop, action, mentor, "selesai", "Sudah diopname")
    assert overdue_actions(coop, TODAY) == []
    assert action_counts(coop, TODAY) == (1, 0, 1)


def test_following_an_action_up(coop, mentor):
    pengurus = make_user("pengurus1", "pengurus", coop)
    action = note(coop, mentor).actions[0]
    with pytest.raises(ValidationError, match="sudah dilakukan"):
        run_transaction(set_action_status, coop, action, pengurus, "selesai", "  ")
    with pytest.raises(ValidationError):
        run_transaction(set_action_status, coop, action, pengurus, "hilang", "x")
    run_transaction(set_action_status, coop, action, pengurus, "selesai", "Opname 8 Maret")
    db.session.expire_all()
    action = db.session.get(VisitAction, action.id)
    assert (action.status, action.done_on, action.done_note, action.updated_by_id) == (
        "selesai", TODAY, "Opname 8 Maret", pengurus.id,
    )  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentoring.action"))
    assert event.detail["from"] == "terbuka" and event.detail["to"] == "selesai"
    # Reopening clears the date it was done.
    run_transaction(set_action_status, coop, action, mentor, "terbuka")
    assert (action.status, action.done_on) == ("terbuka", None)


def test_only_those_who_follow_up_may_change_an_action(coop, mentor):
    action = note(coop, mentor).actions[0]
    for role in ("bendahara", "pengawas", "kasir"):
        someone = make_user(f"u-{role}", role, coop)
        with pytest.raises(PermissionDenied):
            run_transaction(set_action_status, coop, action, someone, "batal")
    assert db.session.get(VisitAction, action.id).status == "terbuka"


def test_only_a_mentor_may_record_a_visit(coop):
    pengurus = make_user("pengurus1", "pengurus", coop)
    with pytest.raises(PermissionDenied):
        note(coop, pengurus)
    assert counts() == (0, 0)


def test_a_role_granted_in_the_same_transaction_counts(coop, mentor):
    """The portfolio demo grants the mentor a cooperative and records a visit there in one go;
    the check reads the roles from the database, not a stale ``user.memberships``."""
    from outlet_pos.core.onboarding import grant_role

    other = make_coop("Koperasi Baru")

    def action():
        assert mentor.roles_in(other) == set()  # loads the memberships collection
        grant_role(mentor, other, "pendamping")
        return record_visit(other, mentor, visit_date=TODAY, mode="daring", topics="Perkenalan")

    assert run_transaction(action).cooperative_id == other.id


def test_only_the_author_or_an_admin_may_edit(coop, mentor):
    other = make_user("pendamping2", "pendamping", coop)
    admin = make_user("admin1", None, is_admin=True)
    visit = note(coop, mentor)
    fields = {"visit_date": visit.visit_date, "mode": "daring", "topics": "Diubah"}
    with pytest.raises(PermissionDenied):
        run_transaction(update_visit, coop, visit, other, **fields)
    db.session.expire_all()
    assert db.session.get(MentorVisit, visit.id).topics == "Tutup buku, stok opname"
    run_transaction(update_visit, coop, visit, admin, **fields)
    assert (visit.topics, visit.mode, visit.updated_by_id) == ("Diubah", "daring", admin.id)
    assert visit.mentor_id == mentor.id  # still the author's note


def test_editing_adds_changes_and_removes_open_actions_but_keeps_followed_up_ones(coop, mentor):
    visit = note(coop, mentor)
    late, meeting = visit.actions
    run_transaction(set_action_status, coop, late, mentor, "selesai", "Beres")
    base = {"visit_date": visit.visit_date, "mode": "kunjungan", "topics": visit.topics}
    with pytest.raises(ValidationError, match="tidak dapat dihapus") as err:
        run_transaction(update_visit, coop, visit, mentor, **base,
                        actions=[{"id": late.id, "description": late.description,
                                  "due_date": late.due_date, "remove": True}])  # fmt: skip
    assert err.value.field == "actions-0-description"
    run_transaction(update_visit, coop, visit, mentor, **base, actions=[
        {"id": meeting.id, "remove": True},
        {"description": "Pelatihan kasir", "owner": "Manajer", "due_date": TODAY},
    ])  # fmt: skip
    db.session.expire_all()
    visit = db.session.get(MentorVisit, visit.id)
    assert [(a.description, a.status) for a in visit.actions] == [
        ("Stok opname gudang", "selesai"), ("Pelatihan kasir", "terbuka"),
    ]  # fmt: skip
    # An action of another visit cannot be slipped in by its id.
    other = note(coop, mentor, actions=[{"description": "X", "due_date": TODAY}])
    with pytest.raises(ValidationError):
        run_transaction(update_visit, coop, visit, mentor, **base, actions=[
            {"id": other.actions[0].id, "description": "Y", "due_date": TODAY}])  # fmt: skip
