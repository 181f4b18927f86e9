"""What a buggy or hostile outlet cannot do to its district server, and what a restored
outlet is stopped from doing. Two installations in one run, like test_two_instances."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text, update

from outlet_pos.core.access import Membership
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger.models import JournalLine
from outlet_pos.core.sync import outlet as sync_outlet
from outlet_pos.core.sync.models import SyncInstallation, SyncLink, SyncOutbox
from outlet_pos.extensions import db
from tests.sync.world import mine, register, sell_some, with_outlet

pytestmark = pytest.mark.skipif(
    os.environ.get("OUTLET_POS_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="runs once, in the SQLite run: it spans both databases itself",
)


def _push_raw(outlet, records, *, after=None):
    """Send ``records`` as the next batch, signed with the outlet's real key."""
    with outlet.app_context():
        link = db.session.scalar(select(SyncLink))
        after = link.acked_seq if after is None else after
        body = {"after_seq": after, "last_seq": after + 10**6, "records": records}
        run_transaction(sync_outlet._note_sent, link.id, body["last_seq"])
        return sync_outlet.Client(link).call("POST", "/sync/v1/push", body)


def test_an_outlet_cannot_send_a_password_hash_or_an_admin_role(outlet, server):
    server_app, url = server
    coop_id = register(outlet, server_app, url)
    with outlet.app_context():
        sync_outlet.sync_once()
    evil_user = {
        "t": "user_account",
        "r": 999,
        "o": "U",
        "p": {"id": 999, "username": "evil", "full_name": "Evil", "password_hash": "x"},
    }
    with pytest.raises(sync_outlet.SyncError, match="Kolom tidak dikenal") as refused:
        _push_raw(outlet, [evil_user, {"t": "", "r": 0, "o": "T", "p": None}])
    assert refused.value.status == 422
    with outlet.app_context():
        user_id = db.session.scalar(text("SELECT id FROM user_account ORDER BY id LIMIT 1"))
    admin_role = {
        "t": "membership",
        "r": 998,
        "o": "U",
        "p": {"id": 998, "user_id": user_id, "cooperative_id": coop_id, "role": "admin"},
    }
    with pytest.raises(sync_outlet.SyncError, match="Peran admin"):
        _push_raw(outlet, [admin_role, {"t": "", "r": 0, "o": "T", "p": None}])
    with server_app.app_context():
        assert not db.session.scalar(
            select(func.count()).select_from(Membership).where(Membership.role == "admin")
        )
    for garbage in ({"t": ["x"], "r": 1, "o": "U", "p": {}}, {"t": "item", "r": 1, "o": "X"}):
        with pytest.raises(sync_outlet.SyncError) as bad:
            _push_raw(outlet, [garbage])
        assert bad.value.status in (400, 422)


def test_an_entry_already_on_the_server_can_never_be_changed_by_a_later_push(outlet, server):
    server_app, url = server
    coop_id = register(outlet, server_app, url)
    with_outlet(outlet, sell_some, coop_id, 1)
    with outlet.app_context():
        sync_outlet.sync_once()
    with server_app.app_context():
        before = db.session.scalar(
            select(func.sum(JournalLine.debit)).where(mine(server_app, JournalLine.cooperative_id))
        )
    with outlet.app_context():
        # Behind the application's back: an old line is raised and its partner too (balanced).
        first = db.session.scalar(select(func.min(JournalLine.entry_id)))
        lines = db.session.scalars(
            select(JournalLine).where(JournalLine.entry_id == first).order_by(JournalLine.id)
        ).all()
        for line in lines:
            db.session.execute(
                update(JournalLine)
                .where(JournalLine.id == line.id)
                .values(debit=line.debit + (1000 if line.debit else 0),
                        credit=line.credit + (1000 if line.credit else 0))
            )  # fmt: skip
        db.session.commit()
        with pytest.raises(sync_outlet.SyncError, match="berubah setelah dicatat"):
            sync_outlet.sync_once()
    with server_app.app_context():
        after = db.session.scalar(
            select(func.sum(JournalLine.debit)).where(mine(server_app, JournalLine.cooperative_id))
        )
        assert after == before


def test_an_outlet_restored_from_an_old_backup_stops_instead_of_overwriting(outlet, server):
    server_app, url = server
    coop_id = register(outlet, server_app, url)
    with_outlet(outlet, sell_some, coop_id, 1)
    with outlet.app_context():
        sync_outlet.sync_once()
        # What a restore of yesterday's file looks like: the link forgets what it sent.
        db.session.execute(update(SyncLink).values(acked_seq=0, sent_seq=0))
        db.session.commit()
        waiting = db.session.scalar(select(func.count()).select_from(SyncOutbox))
        with pytest.raises(sync_outlet.SyncError, match="dipulihkan dari"):
            sync_outlet.sync_once()
        assert db.session.scalar(select(func.count()).select_from(SyncOutbox)) == waiting
    with server_app.app_context():
        inst = db.session.scalar(
            select(SyncInstallation).where(mine(server_app, SyncInstallation.cooperative_id))
        )
        assert inst.applied_seq > 0
