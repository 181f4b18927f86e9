"""The soak's judge must be able to say no: on a tiny database holding exactly what one
cashier's log acknowledges it finds nothing, and each way of losing, doubling or inventing
an action is named. The tables carry only the columns ``bench/soak_check.py`` reads."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from soak_check import compare  # noqa: E402

SCHEMA = """
CREATE TABLE sale (id INTEGER PRIMARY KEY, cooperative_id INT, cashier_id INT, kind TEXT,
                   number TEXT, total INT, idempotency_key TEXT);
CREATE TABLE savings_txn (id INTEGER PRIMARY KEY, cooperative_id INT, user_id INT, kind TEXT,
                          amount INT, idempotency_key TEXT);
CREATE TABLE loan_payment (id INTEGER PRIMARY KEY, cooperative_id INT, user_id INT, amount INT,
                           principal INT, idempotency_key TEXT);
CREATE TABLE fertilizer_redemption (cooperative_id INT, cashier_id INT, sale_id INT, kg REAL,
                                    amount INT);
CREATE TABLE shift (id INTEGER PRIMARY KEY, cooperative_id INT, user_id INT, status TEXT,
                    float_amount INT, expected_cash INT, counted_cash INT, over_short INT);
CREATE TABLE account (id INTEGER PRIMARY KEY, code TEXT);
CREATE TABLE journal_entry (id INTEGER PRIMARY KEY, cooperative_id INT, number TEXT,
                            shift_id INT);
CREATE TABLE journal_line (entry_id INT, account_id INT, debit INT, credit INT);
CREATE TABLE stock_level (cooperative_id INT, item_id INT, on_hand REAL);
CREATE TABLE savings_account (cooperative_id INT, member_id INT, kind TEXT, balance INT);
CREATE TABLE loan (id INTEGER PRIMARY KEY, cooperative_id INT, outstanding INT);
INSERT INTO account VALUES (1, '111100'), (2, '411100'), (3, '211300'), (4, '113300');
INSERT INTO sale VALUES (7, 1, 5, 'sale', 'UT1-001', 20000, 'k-sale');
INSERT INTO savings_txn VALUES (1, 1, 5, 'setor', 50000, 'k-dep');
INSERT INTO loan_payment VALUES (1, 1, 5, 30000, 25000, 'k-pay');
INSERT INTO shift VALUES (1, 1, 5, 'closed', 1000000, 1100000, 1100000, 0);
INSERT INTO journal_entry VALUES (1, 1, 'JU-1', 1), (2, 1, 'JU-2', 1), (3, 1, 'JU-3', 1);
INSERT INTO journal_line VALUES (1, 1, 20000, 0), (1, 2, 0, 20000), (2, 1, 50000, 0),
    (2, 3, 0, 50000), (3, 1, 30000, 0), (3, 4, 0, 30000);
INSERT INTO stock_level VALUES (1, 11, 98);
INSERT INTO savings_account VALUES (1, 21, 'sukarela', 50000);
INSERT INTO loan VALUES (31, 1, 975000);
"""
WORLD = {
    "coop_id": 1,
    "cashiers": [{"username": "kasir1", "id": 5}],
    "items": [{"id": 11, "name": "Barang uji 011", "stock": 100}],
    "fertilizer": [],
    "members": [21],
    "loans": [{"id": 31, "principal": 1_000_000}],
}


def _log() -> list[dict]:
    return [
        {"t": 1, "ev": "start", "float": 1_000_000},
        {"t": 2, "ev": "send", "kind": "sale", "key": "k-sale", "stock": {"11": 2}},
        {"t": 3, "ev": "ack", "kind": "sale", "key": "k-sale", "sale_id": 7,
         "number": "UT1-001", "total": 20_000, "ms": 5, "retries": 0},
        {"t": 4, "ev": "send", "kind": "deposit", "key": "k-dep", "member_id": 21},
        {"t": 5, "ev": "ack", "kind": "deposit", "key": "k-dep", "member_id": 21,
         "total": 50_000, "ms": 5, "retries": 0},
        {"t": 6, "ev": "send", "kind": "repayment", "key": "k-pay", "loan_id": 31},
        {"t": 7, "ev": "ack", "kind": "repayment", "key": "k-pay", "loan_id": 31,
         "total": 30_000, "principal": 25_000, "ms": 5, "retries": 1},
        {"t": 8, "ev": "send", "kind": "deposit", "key": "k-no", "member_id": 21},
        {"t": 9, "ev": "refused", "kind": "deposit", "key": "k-no", "error": "Ditolak"},
        {"t": 10, "ev": "ack", "kind": "close", "key": "", "counted": 1_100_000},
    ]  # fmt: skip


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "books.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA)
    return f"sqlite:///{path}", path


def test_books_holding_exactly_the_acknowledged_actions_pass(database):
    url, _ = database
    problems, counts = compare(url, WORLD, {"kasir1": _log()})
    assert problems == []
    assert counts["kasir1"]["sale"] == (1, 1)
    assert counts["kasir1"]["deposit"] == (1, 1)


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("INSERT INTO sale VALUES (8, 1, 5, 'sale', 'UT1-002', 20000, 'k-other')",
         "never sent"),
        ("DELETE FROM savings_txn WHERE idempotency_key = 'k-dep'", "stored 0 times"),
        ("INSERT INTO savings_txn VALUES (2, 1, 5, 'setor', 10000, 'k-no')",
         "was refused but is stored"),
        ("UPDATE sale SET total = 21000", "stored as UT1-001 21000"),
        ("UPDATE stock_level SET on_hand = 96", "by the logs"),
        ("UPDATE loan SET outstanding = 1000000", "by the acknowledged repayments"),
        ("UPDATE shift SET over_short = -5000", "over/short"),
        ("INSERT INTO journal_line VALUES (1, 1, 1, 0)", "do not balance"),
    ],
)  # fmt: skip
def test_each_lost_doubled_or_invented_action_is_named(database, tamper, named):
    url, path = database
    with sqlite3.connect(path) as conn:
        conn.execute(tamper)
    problems, _ = compare(url, WORLD, {"kasir1": _log()})
    assert any(named in p for p in problems), problems
