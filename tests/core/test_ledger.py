"""The ledger's contract: what post() refuses, reversal, immutability, idempotency, numbering."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ImmutableRecord, PeriodLocked
from outlet_pos.core.ledger import balances, close_month, post, reopen_month, reverse
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

D = date(2025, 3, 10)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(JournalEntry.id))),
        db.session.scalar(select(func.count(JournalLine.id))),
    )


def cash_sale(coop, amount=12_500, day=D, **kw):
    return run_transaction(
        post,
        coop,
        day,
        "Penjualan tunai",
        [("111100", amount, 0), ("411100", 0, amount)],
        source="manual",
        **kw,
    )


def test_posts_a_balanced_entry_with_a_number_and_hash(coop):
    entry = cash_sale(coop)
    assert entry.number == "JU-2025-000001"
    assert len(entry.hash) == 64 and entry.prev_hash == "0" * 64
    assert balances(coop) == {"111100": 12_500, "411100": -12_500}


@pytest.mark.parametrize(
    "lines, message",
    [
        ([("111100", 10_000, 0), ("411100", 0, 9_999)], "tidak seimbang"),
        ([("111100", 10_000, 0)], "paling sedikit dua baris"),
        ([("111100", 0, 0), ("411100", 0, 0)], "bukan nol"),
        ([("111100", -5, 0), ("411100", 0, -5)], "negatif"),
        ([("111100", 5, 5), ("411100", 5, 5)], "salah satu"),
        ([("111100", 10.5, 0), ("411100", 0, 10.5)], "rupiah bulat"),
        ([("111100", True, 0), ("411100", 0, True)], "rupiah bulat"),
        ([("999999", 10_000, 0), ("411100", 0, 10_000)], "tidak dikenal"),
        ([("110000", 10_000, 0), ("411100", 0, 10_000)], "akun induk"),
        ([("111100", 10**15, 0), ("411100", 0, 10**15)], "terlalu besar"),
    ],
)
def test_refuses_bad_lines_and_writes_nothing(coop, lines, message):
    before = counts()
    with pytest.raises(DomainError, match=message):
        run_transaction(post, coop, D, "Uji", lines, source="manual")
    assert counts() == before


def test_refuses_an_empty_memo(coop):
    with pytest.raises(DomainError, match="Keterangan"):
        run_transaction(post, coop, D, "  ", [("111100", 1, 0), ("411100", 0, 1)], source="m")
    assert counts() == (0, 0)


def test_refuses_an_inactive_account(coop):
    acc = db.session.scalar(select(Account).where(Account.code == "111200"))
    run_transaction(lambda: setattr(acc, "active", False))
    with pytest.raises(DomainError, match="tidak aktif"):
        run_transaction(post, coop, D, "Uji", [("111200", 1, 0), ("411100", 0, 1)], source="m")
    assert counts() == (0, 0)


def test_refuses_another_cooperatives_account(coop):
    other = make_coop("Koperasi Lain")
    foreign = db.session.scalar(
        select(Account).where(Account.cooperative_id == other.id, Account.code == "111100")
    )
    with pytest.raises(DomainError, match="tidak dikenal"):
        run_transaction(post, coop, D, "Uji", [(foreign, 1, 0), ("411100", 0, 1)], source="m")
    assert counts() == (0, 0)


def test_refuses_another_cooperatives_unit(coop):
    from outlet_pos.core.tenancy import BusinessUnit

    other = make_coop("Koperasi Lain")
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == other.id))
    with pytest.raises(DomainError, match="Unit usaha"):
        run_transaction(
            post, coop, D, "Uji", [("111100", 1, 0, unit.id), ("411100", 0, 1)], source="m"
        )
    assert counts() == (0, 0)


def test_refuses_another_cooperatives_member_on_a_subledger_line(coop):
    """A member id on a line puts money on that member's account (kredit, savings, loans):
    another cooperative's member would carry these books' debt."""
    from outlet_pos.core.parties import Member

    def member(c, number: str) -> int:
        m = Member(cooperative_id=c.id, member_number=number, nik="3201011205850001",
                   name="Ani", sex="P", join_date=D)  # fmt: skip
        db.session.add(m)
        db.session.flush()
        return m.id

    other = make_coop("Koperasi Lain")
    foreign = run_transaction(member, other, "A-1")
    own = run_transaction(member, coop, "B-1")
    with pytest.raises(DomainError, match="Anggota tidak dikenal"):
        run_transaction(
            post, coop, D, "Uji", [("113200", 1, 0, None, foreign), ("411100", 0, 1)], source="m"
        )
    with pytest.raises(DomainError, match="anggota tidak valid"):
        run_transaction(
            post, coop, D, "Uji", [("113200", 1, 0, None, "1"), ("411100", 0, 1)], source="m"
        )
    assert counts() == (0, 0)
    run_transaction(
        post, coop, D, "Uji", [("113200", 1, 0, None, own), ("411100", 0, 1)], source="m"
    )
    assert counts() == (1, 2)


def test_a_closed_month_refuses_postings_until_reopened(coop):
    user = make_user("bendahara", "bendahara", coop)
    run_transaction(close_month, coop, 2025, 3, user)
    with pytest.raises(PeriodLocked, match="Maret 2025"):
        cash_sale(coop)
    assert counts() == (0, 0)
    cash_sale(coop, day=date(2025, 4, 1))  # the next month is still open
    with pytest.raises(DomainError, match="alasan"):
        run_transaction(reopen_month, coop, 2025, 3, "", user)
    run_transaction(reopen_month, coop, 2025, 3, "Koreksi salah catat", user)
    cash_sale(coop)
    from outlet_pos.core.audit import AuditEvent

    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "period.close" in actions and "period.reopen" in actions


def test_cannot_close_a_month_that_has_not_ended(coop):
    today = coop.today()
    with pytest.raises(DomainError, match="belum berakhir"):
        run_transaction(close_month, coop, today.year, today.month, None)


def test_a_reversal_restores_every_balance_exactly(coop):
    cash_sale(coop, 40_000)
    before = balances(coop)
    entry = run_transaction(
        post,
        coop,
        D,
        "Bayar sewa di muka",
        [("116100", 1_250_000, 0), ("111100", 0, 1_000_000), ("211100", 0, 250_000)],
        source="manual",
    )
    mirror = run_transaction(reverse, entry, D, "Salah akun", None)
    after = {k: v for k, v in balances(coop).items() if v}
    assert after == {k: v for k, v in before.items() if v}
    assert mirror.reverses_id == entry.id and mirror.source == "reversal"
    with pytest.raises(DomainError, match="sudah pernah dibalik"):
        run_transaction(reverse, entry, D, "Lagi", None)
    with pytest.raises(DomainError, match="tidak dapat dibalik"):
        run_transaction(reverse, mirror, D, "Lagi", None)


def test_a_posted_entry_cannot_be_changed_or_deleted_through_the_orm(coop):
    entry = cash_sale(coop)
    entry.memo = "diubah"
    with pytest.raises(ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    line = db.session.scalar(select(JournalLine))
    line.debit = 1
    with pytest.raises(ImmutableRecord):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(JournalEntry, entry.id))
    with pytest.raises(ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(JournalEntry, entry.id).memo == "Penjualan tunai"


def test_the_same_idempotency_key_gives_the_first_entry_back(coop):
    first = cash_sale(coop, idempotency_key="kasir-1-abc")
    again = cash_sale(coop, 99_000, idempotency_key="kasir-1-abc")
    assert again.id == first.id
    assert counts() == (1, 2)
    assert balances(coop)["111100"] == 12_500


def test_numbers_are_gapless_per_year_and_restart_each_year(coop):
    numbers = [cash_sale(coop, day=date(2025, 12, 31)).number for _ in range(3)]
    numbers.append(cash_sale(coop, day=date(2026, 1, 1)).number)
    assert numbers == ["JU-2025-000001", "JU-2025-000002", "JU-2025-000003", "JU-2026-000001"]


def test_a_failed_posting_does_not_consume_a_number(coop):
    cash_sale(coop)
    with pytest.raises(DomainError):
        run_transaction(post, coop, D, "x", [("111100", 1, 0), ("411100", 0, 2)], source="m")
    assert cash_sale(coop).number == "JU-2025-000002"


def test_balances_filter_by_date_period_and_unit(coop):
    from outlet_pos.core.tenancy import BusinessUnit

    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.code == "sembako"))
    run_transaction(
        post,
        coop,
        date(2025, 1, 5),
        "Jan",
        [("111100", 100, 0, unit), ("411100", 0, 100, unit)],
        source="m",
    )
    run_transaction(
        post, coop, date(2025, 2, 5), "Feb", [("111100", 30, 0), ("411100", 0, 30)], source="m"
    )
    assert balances(coop, as_of=date(2025, 1, 31))["111100"] == 100
    assert balances(coop, period=(2025, 2)) == {"111100": 30, "411100": -30}
    assert balances(coop, unit=unit) == {"111100": 100, "411100": -100}
    assert balances(coop, date_from=date(2025, 2, 1))["111100"] == 30


@pytest.mark.tampers
def test_raw_sql_tampering_is_caught_by_verify(app, runner):
    with app.app_context():
        coop = make_coop()
        cash_sale(coop)
        cash_sale(coop, 5_000)
        result = runner.invoke(args=["verify"])
        assert result.exit_code == 0, result.output
        db.session.execute(text("UPDATE journal_line SET debit = 99999 WHERE debit = 5000"))
        db.session.execute(text("UPDATE journal_line SET credit = 99999 WHERE credit = 5000"))
        db.session.commit()
        result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert "hash tidak cocok" in result.output


@pytest.mark.tampers
def test_an_unbalanced_entry_inserted_with_raw_sql_is_reported(app, runner):
    with app.app_context():
        coop = make_coop()
        entry = cash_sale(coop)
        acc = db.session.scalar(select(Account.id).where(Account.code == "111100"))
        db.session.execute(
            text(
                "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
                "entry_date, debit, credit, memo) VALUES (:c, :e, 3, :a, :d, 700, 0, '')"
            ),
            {"c": coop.id, "e": entry.id, "a": acc, "d": entry.date},
        )
        db.session.commit()
        result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert "tidak seimbang" in result.output
    assert "neraca saldo tidak nol" in result.output


def test_the_schema_refuses_negative_amounts_even_past_the_orm(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        coop = make_coop()
        entry = cash_sale(coop)
        acc = db.session.scalar(select(Account.id).where(Account.code == "111100"))
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
                    "entry_date, debit, credit, memo) VALUES (:c, :e, 3, :a, :d, -5, 0, '')"
                ),
                {"c": coop.id, "e": entry.id, "a": acc, "d": entry.date},
            )
        db.session.rollback()


def test_every_audited_action_has_an_indonesian_label():
    """The audit page reads labels, not keys: an action recorded anywhere without a label
    would show as a raw key to the pengawas."""
    import pathlib
    import re

    from outlet_pos.core.audit import ACTION_LABELS

    root = pathlib.Path(__file__).parents[2] / "outlet_pos"
    pattern = re.compile(r'record\(\s*"([a-z_.]+)"')
    actions = {m for f in root.rglob("*.py") for m in pattern.findall(f.read_text())}
    actions = {a for a in actions if not a.endswith("_")}  # "shift.cash_" + direction
    assert actions and actions <= set(ACTION_LABELS), sorted(actions - set(ACTION_LABELS))


def test_public_ids_are_uuid7_and_sort_by_creation():
    """Time-ordered public ids append to their unique index instead of landing on a random
    page of it (one cold page less to write per row, DESIGN §4.1)."""
    import time
    import uuid

    from outlet_pos.core.db import time_ordered_uuid

    ids = []
    for _ in range(3):
        ids.append(time_ordered_uuid())
        time.sleep(0.002)
    assert ids == sorted(ids) and len(set(ids)) == 3
    parsed = [uuid.UUID(i) for i in ids]
    assert {u.version for u in parsed} == {7} and {u.variant for u in parsed} == {uuid.RFC_4122}
    ms = int(ids[0].replace("-", "")[:12], 16)
    assert abs(ms - time.time() * 1000) < 60_000
    assert len({time_ordered_uuid() for _ in range(10_000)}) == 10_000
