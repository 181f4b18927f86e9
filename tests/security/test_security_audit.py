"""Every sensitive action leaves an audit row that says who, in which cooperative, on what.

Which actions are sensitive is read from ``ACTION_LABELS`` by their names (voids, refunds,
overrides, reopening, roles, tokens, cancellations, write-offs, reversals, unlocks, passwords,
closing a shift with its over/short, approvals at the counter, price changes), so an action
added later under such a name — the API's token create/revoke, say — fails here until it has
a performer below. Each performer does the action through the service the views call.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import re
from datetime import date

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.audit import ACTION_LABELS, AuditEvent
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.security import audit_performers as perform
from tests.security import worlds

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "outlet_pos"
SENSITIVE = re.compile(
    r"void|refund|override|reopen|^role\.|token|cancel|writeoff|write_off|reverse|unlock"
    r"|password|^shift\.close|price_change|^approval\.|lockout|^user\."
)
# Sensitive by what they change rather than by name.
ALSO_SENSITIVE = {"drug.update": "a drug's class decides what sells without a prescription"}
ELSEWHERE = {
    "login.lockout": "tests/web/test_access.py::test_repeated_failures_lock_the_account_...",
}


@functools.cache
def _record_calls() -> list[tuple[str, int, list[str], ast.expr | None]]:
    """(file, line, action names, the ``user=`` expression) of each ``record(...)`` call."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        if not any(
            isinstance(n, ast.ImportFrom | ast.Import) and "audit" in ast.unparse(n)
            for n in tree.body
        ):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = ast.unparse(node.func)
            if name not in ("record", "audit.record"):
                continue
            arg = node.args[0]
            parts = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            names = [p.value if isinstance(p, ast.Constant) else None for p in parts]
            if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
                names = [k for k in ACTION_LABELS if k.startswith(arg.left.value)]
            user = next((k.value for k in node.keywords if k.arg == "user"), None)
            calls.append((str(path.relative_to(PACKAGE.parent)), node.lineno, names, user))
    return calls


def test_every_recorded_action_has_a_label_for_the_audit_page():
    """The audit page names actions by ``ACTION_LABELS`` and filters by its keys: an action
    missing there shows as a bare key and cannot be filtered for."""
    missing = [
        f"{file}:{line} {n}"
        for file, line, names, _user in _record_calls()
        for n in names
        if n is not None and n not in ACTION_LABELS
    ]
    assert missing == []
    assert len(_record_calls()) > 100


def test_every_audit_row_names_who_did_it():
    """Only a failed login of an unknown username has no user to name."""
    nameless = [
        f"{file}:{line} {names}"
        for file, line, names, user in _record_calls()
        if (user is None or (isinstance(user, ast.Constant) and user.value is None))
        and names != ["login.failed"]
    ]
    assert nameless == []


def _sensitive() -> set[str]:
    return {k for k in ACTION_LABELS if SENSITIVE.search(k)} | set(ALSO_SENSITIVE)


def test_every_sensitive_action_has_a_performer_here():
    assert _sensitive() - set(ELSEWHERE) - set(perform.PERFORMERS) == set()


def _row_faults(ws, action: str, actor: int, start: int) -> list[str]:
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > start, AuditEvent.action == action)
    ).all()
    if not rows:
        return [f"{action}: no audit row"]
    row, faults = rows[-1], []
    if row.user_id != actor:
        faults.append(f"{action}: row names user {row.user_id}, not {actor}")
    expected = None if action in perform.USER_LEVEL else ws.a
    if row.cooperative_id != expected:
        faults.append(f"{action}: row is for cooperative {row.cooperative_id}, not {expected}")
    if not row.target and not row.detail:
        faults.append(f"{action}: row says nothing about what was done")
    return faults


def test_each_sensitive_action_leaves_its_audit_row(app):
    ws = worlds.build(app)
    failures = []
    with app.app_context():
        ctx = perform.Context(ws)
        done: dict[str, int] = {}
        for action, performer in sorted(perform.PERFORMERS.items()):
            if action in done:
                continue  # its performer already did it together with another action
            start = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
            try:
                actors = performer(ctx)
            except Exception as exc:  # noqa: BLE001 - report every performer, not the first
                db.session.rollback()
                failures.append(f"{action}: could not be performed: {exc!r}"[:300])
                continue
            done |= actors
            for name, actor in actors.items():
                failures += _row_faults(ws, name, actor, start)
        db.session.remove()
    assert failures == [], "\n".join(failures)


def test_a_shift_closed_short_records_the_difference(app):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sales.models import Shift
    from outlet_pos.core.sales.shifts import close_shift, expected_cash

    ws = worlds.build(app)
    with app.app_context():
        shift = db.session.get(Shift, ws.world_a["shift"])
        cashier = db.session.get(User, ws.users["kasir"])
        short = expected_cash(shift) - 1_500
        run_transaction(close_shift, shift, cashier, short)
        row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "shift.close")).one()
        assert row.detail["over_short"] == -1_500 and row.user_id == cashier.id
        db.session.remove()


def test_the_audit_page_shows_a_sensitive_action_to_the_supervisory_board(app, login):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import reverse
    from outlet_pos.core.ledger.models import JournalEntry

    ws = worlds.build(app)
    with app.app_context():
        entry = db.session.get(JournalEntry, ws.world_a["entry"])
        user = db.session.get(User, ws.users["bendahara"])
        run_transaction(reverse, entry, date(2025, 5, 3), "Salah akun", user)
    client = app.test_client()
    login(client, "r-pengawas", TEST_PASSWORD)
    page = client.get("/audit?action=journal.reverse").get_data(as_text=True)
    assert "Pembalikan jurnal" in page and "r-bendahara" in page
    # Cooperative B's supervisory board does not see A's row.
    other = app.test_client()
    login(other, "b-pengawas", TEST_PASSWORD)
    page = other.get("/audit?action=journal.reverse").get_data(as_text=True)
    assert "r-bendahara" not in page
