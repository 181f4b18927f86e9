"""After the soak: does the database hold exactly what the cashiers were told, once each?

Reads the workers' JSON-lines logs and the database (plain SQL, no application code, so a
fault in the app cannot hide itself) and lists every discrepancy in words:

- every acknowledged sale, refund, redemption, deposit and repayment exists exactly once under
  its idempotency key, with the acknowledged number and amount, by that cashier;
- nothing else exists: no document by a soak cashier that was never acknowledged (a refused
  or unanswered action left nothing);
- stock on hand = starting stock - acknowledged sales + acknowledged returns, item by item;
- each sukarela balance = the acknowledged deposits into it; each loan's outstanding =
  principal - the acknowledged principal paid;
- each shift closed with the cash its cashier counted from its own acknowledgements, no over
  or short, and its ledger cash (the Kas lines carrying it) says the same;
- every journal entry balances, and the whole ledger does.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

DOCUMENT_KINDS = {"sale": "sale", "redemption": "sale", "refund": "refund"}
ACTION_KINDS = ("sale", "refund", "redemption", "deposit", "repayment")


def load_events(log_dir: Path) -> dict[str, list[dict]]:
    """{cashier: [events in order]} from ``<cashier>.jsonl`` files."""
    return {
        path.stem: [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        for path in sorted(log_dir.glob("*.jsonl"))
    }


def outcomes(events: list[dict]) -> dict[str, dict]:
    """{key: {"kind", "send", "ack" | "refused" | "lost"}} for one cashier's actions."""
    out: dict[str, dict] = {}
    for ev in events:
        if ev.get("kind") not in ACTION_KINDS:
            continue
        row = out.setdefault(ev["key"], {"kind": ev["kind"]})
        if ev["ev"] in ("send", "ack", "refused", "lost"):
            row[ev["ev"]] = ev
    return out


def _int(value) -> int:
    return int(Decimal(str(value)))


def compare(url: str, world: dict, events: dict[str, list[dict]]) -> tuple[list[str], dict]:
    """(problems, counts): the problems in words, and per cashier the acknowledged and stored
    count of each kind of action."""
    problems: list[str] = []
    counts: dict[str, dict] = {}
    coop = world["coop_id"]
    stock = defaultdict(int)  # item id -> expected change in base units
    deposits = defaultdict(int)  # member id -> acknowledged deposits
    principal = defaultdict(int)  # loan id -> acknowledged principal paid
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for cashier in world["cashiers"]:
                name, uid = cashier["username"], cashier["id"]
                actions = outcomes(events.get(name, []))
                for key, row in actions.items():
                    if "ack" not in row:
                        continue
                    change = (row.get("send") or {}).get("stock", {})
                    sign = 1 if row["kind"] == "refund" else -1
                    for item_id, qty in change.items():
                        stock[int(item_id)] += sign * qty
                    if row["kind"] == "deposit":
                        deposits[row["ack"]["member_id"]] += row["ack"]["total"]
                    if row["kind"] == "repayment":
                        principal[row["ack"]["loan_id"]] += row["ack"]["principal"]
                    if "send" not in row:
                        problems.append(f"{name}: {key} acknowledged but never logged as sent")
                counts[name] = _check_cashier(conn, coop, name, uid, actions, events, problems)
            _check_totals(conn, coop, world, stock, deposits, principal, problems)
    finally:
        engine.dispose()
    return problems, counts


def _rows_by_key(rows) -> dict[str | None, list]:
    found: dict[str | None, list] = defaultdict(list)
    for row in rows:
        found[row.idempotency_key].append(row)
    return found


def _check_cashier(conn, coop, name, uid, actions, events, problems) -> dict:
    docs = _rows_by_key(
        conn.execute(
            text(
                "SELECT id, kind, number, total, idempotency_key FROM sale "
                "WHERE cooperative_id = :c AND cashier_id = :u"
            ),
            {"c": coop, "u": uid},
        )
    )
    txns = _rows_by_key(
        conn.execute(
            text(
                "SELECT id, kind, amount, idempotency_key FROM savings_txn "
                "WHERE cooperative_id = :c AND user_id = :u"
            ),
            {"c": coop, "u": uid},
        )
    )
    pays = _rows_by_key(
        conn.execute(
            text(
                "SELECT id, amount, principal, idempotency_key FROM loan_payment "
                "WHERE cooperative_id = :c AND user_id = :u"
            ),
            {"c": coop, "u": uid},
        )
    )
    stored = {"sale": docs, "redemption": docs, "refund": docs, "deposit": txns, "repayment": pays}
    acked: Counter = Counter()
    for key, row in actions.items():
        kind, found = row["kind"], stored[row["kind"]].get(key, [])
        if "ack" in row:
            acked[kind] += 1
            ack = row["ack"]
            if len(found) != 1:
                problems.append(f"{name}: acknowledged {kind} {key} stored {len(found)} times")
                continue
            got = found[0]
            if kind in DOCUMENT_KINDS and (
                got.kind != DOCUMENT_KINDS[kind]
                or got.id != ack["sale_id"]
                or got.number != ack["number"]
                or _int(got.total) != ack["total"]
            ):
                problems.append(
                    f"{name}: {kind} {key} acknowledged as {ack['number']} "
                    f"{ack['total']}, stored as {got.number} {got.total}"
                )
            if kind in ("deposit", "repayment") and _int(got.amount) != ack["total"]:
                problems.append(
                    f"{name}: {kind} {key} acknowledged {ack['total']}, stored {got.amount}"
                )
            if kind == "repayment" and _int(got.principal) != ack["principal"]:
                problems.append(f"{name}: repayment {key} principal differs")
        elif found:
            outcome = "refused" if "refused" in row else "never answered"
            problems.append(f"{name}: {kind} {key} was {outcome} but is stored")
        if "lost" in row:
            problems.append(f"{name}: {kind} {key} never got an answer ({row['lost']['reason']})")
    # Nothing stored that no action of this cashier accounts for.
    for kind, rows in (("document", docs), ("savings", txns), ("repayment", pays)):
        for key, found in rows.items():
            if key not in actions:
                problems.append(
                    f"{name}: {len(found)} stored {kind}(s) with key {key} "
                    "that this cashier never sent"
                )
    _check_redemptions(conn, coop, name, uid, actions, problems)
    _check_shift(conn, coop, name, uid, events.get(name, []), problems)
    stored_counts = Counter()
    for key, row in actions.items():
        if stored[row["kind"]].get(key):
            stored_counts[row["kind"]] += 1
    return {kind: (acked[kind], stored_counts[kind]) for kind in ACTION_KINDS}


def _check_redemptions(conn, coop, name, uid, actions, problems) -> None:
    rows = conn.execute(
        text(
            "SELECT sale_id, SUM(kg) AS kg, SUM(amount) AS amount FROM fertilizer_redemption "
            "WHERE cooperative_id = :c AND cashier_id = :u GROUP BY sale_id"
        ),
        {"c": coop, "u": uid},
    ).all()
    stored = {row.sale_id: row for row in rows}
    for key, row in actions.items():
        if row["kind"] != "redemption" or "ack" not in row:
            continue
        got = stored.pop(row["ack"]["sale_id"], None)
        kg = sum(row["send"]["stock"].values())
        if got is None or _int(got.kg) != kg or _int(got.amount) != row["ack"]["total"]:
            problems.append(f"{name}: redemption {key} ({kg} kg) has redemption rows {got}")
    for sale_id in stored:
        problems.append(f"{name}: redemption rows for sale {sale_id} that was no redemption")


def _check_shift(conn, coop, name, uid, events, problems) -> None:
    shifts = conn.execute(
        text(
            "SELECT id, status, float_amount, expected_cash, counted_cash, over_short FROM shift "
            "WHERE cooperative_id = :c AND user_id = :u"
        ),
        {"c": coop, "u": uid},
    ).all()
    closes = [e for e in events if e.get("kind") == "close" and e["ev"] in ("ack", "refused")]
    if len(shifts) != 1 or not closes:
        problems.append(f"{name}: {len(shifts)} shifts, {len(closes)} close answers")
        return
    shift, close = shifts[0], closes[-1]
    ledger = conn.execute(
        text(
            "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM journal_line l "
            "JOIN journal_entry e ON e.id = l.entry_id JOIN account a ON a.id = l.account_id "
            "WHERE e.shift_id = :s AND a.code = '111100'"
        ),
        {"s": shift.id},
    ).scalar()
    counted = close["counted"]
    if close["ev"] != "ack" or shift.status != "closed":
        problems.append(f"{name}: shift not closed: {close.get('message')}")
    if shift.float_amount + _int(ledger) != counted:
        problems.append(
            f"{name}: ledger cash of the shift {shift.float_amount + _int(ledger)} "
            f"!= {counted} by the cashier's acknowledgements"
        )
    if shift.status == "closed" and (shift.over_short != 0 or shift.counted_cash != counted):
        problems.append(
            f"{name}: shift closed {shift.over_short:+} over/short "
            f"(counted {shift.counted_cash}, expected {shift.expected_cash})"
        )


def _check_totals(conn, coop, world, stock, deposits, principal, problems) -> None:
    items = world["items"] + world["fertilizer"]
    levels = dict(
        conn.execute(
            text(
                "SELECT item_id, SUM(on_hand) FROM stock_level WHERE cooperative_id = :c "
                "GROUP BY item_id"
            ),
            {"c": coop},
        ).all()
    )
    for item in items:
        want = item["stock"] + stock.get(item["id"], 0)
        got = Decimal(str(levels.get(item["id"], 0)))
        if got != want:
            problems.append(f"stock of {item['name']}: {got} on hand, {want} by the logs")
    balances = dict(
        conn.execute(
            text(
                "SELECT member_id, SUM(balance) FROM savings_account WHERE cooperative_id = :c "
                "AND kind = 'sukarela' GROUP BY member_id"
            ),
            {"c": coop},
        ).all()
    )
    for member in world["members"]:
        if _int(balances.get(member, 0)) != deposits.get(member, 0):
            problems.append(
                f"sukarela of member {member}: {balances.get(member, 0)} held, "
                f"{deposits.get(member, 0)} acknowledged"
            )
    outstanding = dict(
        conn.execute(
            text("SELECT id, outstanding FROM loan WHERE cooperative_id = :c"), {"c": coop}
        ).all()
    )
    for loan in world["loans"]:
        want = loan["principal"] - principal.get(loan["id"], 0)
        if _int(outstanding[loan["id"]]) != want:
            problems.append(
                f"loan {loan['id']}: outstanding {outstanding[loan['id']]}, "
                f"{want} by the acknowledged repayments"
            )
    unbalanced = (
        conn.execute(
            text(
                "SELECT e.number FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id "
                "WHERE e.cooperative_id = :c GROUP BY e.id, e.number "
                "HAVING SUM(l.debit) <> SUM(l.credit)"
            ),
            {"c": coop},
        )
        .scalars()
        .all()
    )
    if unbalanced:
        problems.append(f"journal entries that do not balance: {unbalanced[:10]}")
    debit, credit = conn.execute(
        text(
            "SELECT COALESCE(SUM(l.debit), 0), COALESCE(SUM(l.credit), 0) FROM journal_line l "
            "JOIN journal_entry e ON e.id = l.entry_id WHERE e.cooperative_id = :c"
        ),
        {"c": coop},
    ).one()
    if _int(debit) != _int(credit):
        problems.append(f"ledger debits {debit} != credits {credit}")


def retried_across(
    url: str, world: dict, events: dict[str, list[dict]], kills: list[float]
) -> dict:
    """Of the acknowledged actions sent before the kill and answered only after it, how many
    the server had already written before it died (the retry got the first result back: the
    case that proves "none twice") and how many it wrote on the retry."""
    tables = {
        "sale": "sale",
        "redemption": "sale",
        "refund": "sale",
        "deposit": "savings_txn",
        "repayment": "loan_payment",
    }
    out = {"written_before_kill": 0, "written_on_retry": 0}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for evs in events.values():
                for key, row in outcomes(evs).items():
                    send, ack = row.get("send"), row.get("ack")
                    kill_at = next(
                        (k for k in kills if send and ack and send["t"] < k < ack["t"]), None
                    )
                    if kill_at is None:
                        continue
                    created = conn.execute(
                        text(
                            f"SELECT created_at FROM {tables[row['kind']]} "
                            "WHERE cooperative_id = :c AND idempotency_key = :k"
                        ),
                        {"c": world["coop_id"], "k": key},
                    ).scalar()
                    moment = datetime.fromisoformat(str(created)).replace(tzinfo=UTC)
                    before = moment.timestamp() < kill_at
                    out["written_before_kill" if before else "written_on_retry"] += 1
    finally:
        engine.dispose()
    return out
