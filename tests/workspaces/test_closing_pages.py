"""The closing pages: month close walked as a checklist (refused with the failing item's name,
waiving the stock count, reopening by a pengurus with a reason), the daily close (open shift,
cash neither deposited nor explained, the deposit form) and the year close twice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.closing.models import DailyClose, MonthCloseWaiver, YearClose
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import JournalEntry, Period
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db


@pytest.fixture
def people(app, web_coop, web_user, login):
    """Logged-in clients of cooperative ``web_coop``: bendahara, pengurus, kasir."""
    clients = {}
    for role in ("bendahara", "pengurus", "kasir"):
        web_user(f"{role}1", role)
        clients[role] = app.test_client()
        login(clients[role], f"{role}1")
    return clients


def _coop(coop_id: int) -> Cooperative:
    return db.session.get(Cooperative, coop_id)


def _last_month(app, coop_id) -> date:
    with app.app_context():
        return _coop(coop_id).today().replace(day=1) - timedelta(days=1)


def _open_shift(app, coop_id, username: str, day: date) -> int:
    from outlet_pos.core.access import User
    from outlet_pos.core.sales.shifts import open_shift

    with app.app_context():
        coop = _coop(coop_id)
        cashier = db.session.scalar(select(User).where(User.username == username))
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop_id))
        return run_transaction(open_shift, coop, cashier, outlet, 0, day=day).id


def _period_closed(app, coop_id, day: date) -> bool:
    with app.app_context():
        return bool(
            db.session.scalar(
                select(Period.closed).where(
                    Period.cooperative_id == coop_id,
                    Period.year == day.year,
                    Period.month == day.month,
                )
            )
        )


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_the_checklist_shows_an_open_shift_and_the_close_is_refused_with_its_name(
    app, web_coop, people
):
    month = _last_month(app, web_coop)
    _open_shift(app, web_coop, "kasir1", month.replace(day=3))
    url = f"/pembukuan/periode?year={month.year}&month={month.month}"
    page = _text(people["bendahara"].get(url))
    assert "Semua shift kasir ditutup" in page and "1 shift kasir masih terbuka" in page
    assert "✗" in page
    form = {"close-year": month.year, "close-month": month.month}
    page = _text(
        people["bendahara"].post("/pembukuan/periode/tutup", data=form, follow_redirects=True)
    )
    refusal = "Bulan belum dapat ditutup: Semua shift kasir ditutup (1 shift kasir masih terbuka)"
    assert refusal in page
    assert not _period_closed(app, web_coop, month)


def test_waiving_the_stock_count_with_a_reason_lets_the_month_close(app, web_coop, people):
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from tests.shop import stock_in

    month = _last_month(app, web_coop)
    with app.app_context():
        coop = _coop(web_coop)
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == web_coop, BusinessUnit.kind == "sembako"
            )
        )
        item = run_transaction(
            save_item,
            coop,
            unit=unit,
            sku="GL1",
            name="Gula 1 kg",
            base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 15_000, 17_000)],
        )
        stock_in(coop, item, 10, 150_000, day=month.replace(day=2))
    bendahara = people["bendahara"]
    url = f"/pembukuan/periode?year={month.year}&month={month.month}"
    assert "Belum ada stok opname yang diposting bulan ini" in _text(bendahara.get(url))
    form = {"close-year": month.year, "close-month": month.month}
    page = _text(bendahara.post("/pembukuan/periode/tutup", data=form, follow_redirects=True))
    assert "Bulan belum dapat ditutup: Stok opname" in page
    assert not _period_closed(app, web_coop, month)

    waive = {
        "w-stock_count-year": month.year,
        "w-stock_count-month": month.month,
        "w-stock_count-item": "stock_count",
        "w-stock_count-reason": "ok",
    }
    short = bendahara.post("/pembukuan/periode/lewati", data=waive)
    assert short.status_code == 400 and "minimal 5 karakter" in _text(short)
    waive["w-stock_count-reason"] = "Gudang direnovasi; opname bulan depan"
    assert bendahara.post("/pembukuan/periode/lewati", data=waive).status_code == 302
    page = _text(bendahara.get(url))
    assert "dilewati" in page and "Gudang direnovasi" in page
    page = _text(bendahara.post("/pembukuan/periode/tutup", data=form, follow_redirects=True))
    assert "ditutup." in page
    assert _period_closed(app, web_coop, month)
    with app.app_context():
        assert db.session.scalar(select(func.count(MonthCloseWaiver.id))) == 1
        assert db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "period.waive")
        )


def test_reopening_a_month_needs_a_pengurus_and_a_reason(app, web_coop, people):
    month = _last_month(app, web_coop)
    form = {"close-year": month.year, "close-month": month.month}
    assert people["bendahara"].post("/pembukuan/periode/tutup", data=form).status_code == 302
    assert _period_closed(app, web_coop, month)
    reopen = {"reopen-year": month.year, "reopen-month": month.month, "reopen-reason": ""}
    assert people["bendahara"].post("/pembukuan/periode/buka", data=reopen).status_code == 403
    assert people["kasir"].post("/pembukuan/periode/buka", data=reopen).status_code == 403
    refused = people["pengurus"].post("/pembukuan/periode/buka", data=reopen)
    assert refused.status_code == 400 and "Tuliskan alasan" in _text(refused)
    assert _period_closed(app, web_coop, month)
    reopen["reopen-reason"] = "Faktur listrik terlambat"
    page = _text(
        people["pengurus"].post("/pembukuan/periode/buka", data=reopen, follow_redirects=True)
    )
    assert "dibuka kembali" in page
    assert not _period_closed(app, web_coop, month)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "period.reopen"))
        assert "Faktur listrik terlambat" in event.detail_json


def test_the_cli_close_month_prints_the_failing_items(app, runner, web_coop, people):
    month = _last_month(app, web_coop)
    _open_shift(app, web_coop, "kasir1", month.replace(day=3))
    args = ["close-month", str(web_coop), str(month.year), str(month.month), "--user", "bendahara1"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "✗ Semua shift kasir ditutup: 1 shift kasir masih terbuka" in result.output
    assert not _period_closed(app, web_coop, month)


# --- daily close -----------------------------------------------------------------------------


def _cash_in(app, coop_id, amount: int) -> None:
    with app.app_context():
        coop = _coop(coop_id)
        run_transaction(
            post,
            coop,
            coop.today(),
            "Setoran modal tunai",
            [("111100", amount, 0), ("312100", 0, amount)],
            source="manual",
        )


def test_the_daily_close_is_refused_while_a_shift_of_the_day_is_open(app, web_coop, people):
    with app.app_context():
        today = _coop(web_coop).today()
    shift_id = _open_shift(app, web_coop, "kasir1", today)
    page = _text(people["bendahara"].get(f"/pembukuan/tutup-harian?day={today.isoformat()}"))
    assert f"#{shift_id}" in page and "masih terbuka" in page
    resp = people["bendahara"].post(
        "/pembukuan/tutup-harian", data={"day": today.isoformat()}, follow_redirects=True
    )
    assert f"Masih ada shift kasir yang terbuka (#{shift_id})" in _text(resp)
    with app.app_context():
        assert db.session.scalar(select(func.count(DailyClose.id))) == 0


def test_cash_kept_needs_a_deposit_or_a_reason_before_the_day_closes(app, web_coop, people):
    with app.app_context():
        today = _coop(web_coop).today()
    _cash_in(app, web_coop, 750_000)
    bendahara = people["bendahara"]
    refused = bendahara.post("/pembukuan/tutup-harian", data={"day": today.isoformat()})
    assert refused.status_code == 400 and "Setorkan kas ke bank" in _text(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(DailyClose.id))) == 0
    assert (
        people["kasir"]
        .post("/pembukuan/tutup-harian", data={"day": today.isoformat(), "note": "Disimpan"})
        .status_code
        == 403
    )
    done = bendahara.post(
        "/pembukuan/tutup-harian",
        data={"day": today.isoformat(), "note": "Bank tutup; kas di brankas"},
        follow_redirects=True,
    )
    assert "ditutup" in _text(done) and "Bank tutup; kas di brankas" in _text(done)
    with app.app_context():
        row = db.session.scalar(select(DailyClose))
        assert (row.cash_balance, row.deposited) == (750_000, 0)
    again = bendahara.post(
        "/pembukuan/tutup-harian", data={"day": today.isoformat()}, follow_redirects=True
    )
    assert "sudah ditutup" in _text(again)


def test_a_deposit_from_the_daily_close_page_lets_the_day_close_without_a_reason(
    app, web_coop, people
):
    from outlet_pos.core.access import User
    from outlet_pos.core.banking.services import create_bank_account

    with app.app_context():
        coop = _coop(web_coop)
        today = coop.today()
        user = db.session.scalar(select(User).where(User.username == "bendahara1"))
        bank_id = run_transaction(
            create_bank_account, coop, "BRI", "0123-01-000111-30-5", "Koperasi Uji", user
        ).id
    _cash_in(app, web_coop, 500_000)
    bendahara = people["bendahara"]
    page = _text(bendahara.get("/pembukuan/tutup-harian"))
    assert "Setor kas ke bank" in page and "500.000" in page
    data = {"day": today.isoformat(), "bank": bank_id, "amount": "600.000", "idempotency_key": "d1"}
    over = bendahara.post("/pembukuan/tutup-harian/setor", data=data)
    assert over.status_code == 400 and "melebihi saldo kas" in _text(over)
    data["amount"] = "450.000"
    assert bendahara.post("/pembukuan/tutup-harian/setor", data=data).status_code == 302
    assert bendahara.post("/pembukuan/tutup-harian/setor", data=data).status_code == 302  # retry
    resp = bendahara.post("/pembukuan/tutup-harian", data={"day": today.isoformat()})
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(DailyClose))
        assert (row.cash_balance, row.deposited) == (50_000, 450_000)


# --- year close ------------------------------------------------------------------------------


def test_closing_a_year_twice_from_the_page_changes_nothing(app, web_coop, people):
    with app.app_context():
        coop = _coop(web_coop)
        run_transaction(
            post,
            coop,
            date(2025, 5, 2),
            "Penjualan tunai",
            [("111100", 900_000, 0), ("411200", 0, 900_000)],
            source="manual",
        )
        run_transaction(
            post,
            coop,
            date(2025, 6, 30),
            "Listrik",
            [("612100", 150_000, 0), ("111100", 0, 150_000)],
            source="manual",
        )
    bendahara = people["bendahara"]
    page = _text(bendahara.get("/pembukuan/tutup-tahun?year=2025"))
    assert "Yang akan diposting saat penutupan" in page and "Rp750.000" in page
    assert people["kasir"].post("/pembukuan/tutup-tahun", data={"year": 2025}).status_code == 403
    page = _text(
        bendahara.post("/pembukuan/tutup-tahun", data={"year": 2025}, follow_redirects=True)
    )
    assert "Tahun buku 2025 ditutup" in page and "Penutupan tercatat" in page
    with app.app_context():
        entries = db.session.scalar(select(func.count(JournalEntry.id)))
        closed = db.session.scalar(select(YearClose))
        assert closed.shu_amount == 750_000 and closed.entry_id and closed.reclass_entry_id
        assert f"/pembukuan/jurnal/{closed.entry_id}" in page
    page = _text(
        bendahara.post("/pembukuan/tutup-tahun", data={"year": 2025}, follow_redirects=True)
    )
    assert "Tahun buku sudah ditutup; tidak ada perubahan." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(JournalEntry.id))) == entries
    assert "belum berakhir" in _text(bendahara.get("/pembukuan/tutup-tahun?year=2026"))
