"""Expenses and other income: posting from the drawer (inside a shift), petty cash or the bank;
voids by counter-entry; gapless BKK/BKM numbers; recurring expenses posted once a month; the
pages, their exports, the voucher, permissions, tenancy and bad input."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.expenses.models import Expense, RecurringExpense
from outlet_pos.core.expenses.recurring import post_recurring, save_recurring
from outlet_pos.core.expenses.services import record_expense, void_expense
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.ledger.periods import close_month
from outlet_pos.core.sales.shifts import expected_cash, open_shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _outlet(coop):
    return db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))


def _unit(coop):
    return db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id))


def spend(coop, user, **kw):
    values = {
        "kind": "expense",
        "day": coop.today(),
        "account": "612100",
        "amount": 100_000,
        "paid_from": "112100",
        "description": "Listrik gerai",
    } | kw
    return run_transaction(record_expense, coop, user, **values)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Expense)),
        db.session.scalar(select(func.count()).select_from(JournalEntry)),
    )


@pytest.fixture
def treasurer(coop):
    return make_user("bendahara1", "bendahara", coop)


def test_an_expense_paid_from_the_drawer_lowers_the_shifts_expected_cash(coop, treasurer):
    shift = run_transaction(open_shift, coop, treasurer, _outlet(coop), 500_000)
    expense = spend(coop, treasurer, paid_from="111100", amount=120_000)
    assert expense.shift_id == shift.id and expense.entry.shift_id == shift.id
    assert expected_cash(shift) == 380_000
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in expense.entry.lines}
    assert lines == {("612100", 120_000, 0), ("111100", 0, 120_000)}
    assert expense.number == f"BKK-{coop.today().year}-000001"
    # The X report names it: float + every line = the expected cash.
    from outlet_pos.workspaces.kasir.reports import shift_summary

    summary = shift_summary(shift)
    assert [(o["label"], o["amount"]) for o in summary["others"]] == [
        ("Pengeluaran/pendapatan lain", -120_000)
    ]
    lines_total = (
        shift.float_amount + summary["cash_sales"] - summary["cash_refunds"] + summary["cash_moved"]
        + sum(o["amount"] for o in summary["others"])
    )  # fmt: skip
    assert lines_total == summary["expected"] == 380_000


def test_paying_from_the_drawer_without_an_open_shift_is_refused(coop, treasurer):
    before = counts()
    with pytest.raises(DomainError, match="shift kasir yang terbuka"):
        spend(coop, treasurer, paid_from="111100")
    assert counts() == before


def test_the_drawer_may_not_go_negative(coop, treasurer):
    shift = run_transaction(open_shift, coop, treasurer, _outlet(coop), 50_000)
    before = counts()
    with pytest.raises(DomainError, match="Kas di laci hanya Rp50.000"):
        spend(coop, treasurer, paid_from="111100", amount=50_001)
    assert counts() == before and expected_cash(shift) == 50_000
    spend(coop, treasurer, paid_from="111100", amount=50_000)
    assert expected_cash(shift) == 0


def test_paid_from_the_bank_posts_debit_category_credit_bank_with_the_unit(coop, treasurer):
    unit = _unit(coop)
    expense = spend(coop, treasurer, account="613100", amount=750_000, unit=unit.id)
    lines = {(ln.account.code, ln.debit, ln.credit, ln.unit_id) for ln in expense.entry.lines}
    assert lines == {("613100", 750_000, 0, unit.id), ("112100", 0, 750_000, unit.id)}
    assert expense.entry.source == "expense" and expense.shift_id is None
    assert balances(coop, unit=unit)["613100"] == 750_000


def test_other_income_posts_debit_cash_credit_the_income_account(coop, treasurer):
    income = spend(
        coop,
        treasurer,
        kind="income",
        account="419200",
        amount=40_000,
        paid_from="111200",
        description="Sewa lapak",
    )
    assert income.number.startswith("BKM-")
    assert balances(coop) == {"111200": 40_000, "419200": -40_000}


def test_a_void_posts_a_counter_entry_and_the_books_return(coop, treasurer):
    shift = run_transaction(open_shift, coop, treasurer, _outlet(coop), 200_000)
    before = balances(coop)
    expense = spend(coop, treasurer, paid_from="111100", amount=80_000)
    assert expected_cash(shift) == 120_000
    voided = run_transaction(void_expense, expense, "Salah catat nominal", treasurer)
    assert voided.status == "void" and voided.void_entry.reverses_id == expense.entry_id
    assert voided.void_entry.shift_id == shift.id
    assert expected_cash(shift) == 200_000
    assert {k: v for k, v in balances(coop).items() if v} == {k: v for k, v in before.items() if v}
    with pytest.raises(DomainError, match="sudah dibatalkan"):
        run_transaction(void_expense, expense, "Sekali lagi", treasurer)
    with pytest.raises(DomainError, match="alasan"):
        run_transaction(void_expense, spend(coop, treasurer), "", treasurer)


def test_numbers_are_gapless_even_around_a_refusal(coop, treasurer):
    year = coop.today().year
    first = spend(coop, treasurer)
    with pytest.raises(DomainError):
        spend(coop, treasurer, account="411100")  # a sales account is not an expense category
    second = spend(coop, treasurer)
    run_transaction(void_expense, second, "Dobel input", treasurer)
    third = spend(coop, treasurer)
    income = spend(coop, treasurer, kind="income", account="419200")
    assert [first.number, second.number, third.number] == [f"BKK-{year}-{n:06d}" for n in (1, 2, 3)]
    assert income.number == f"BKM-{year}-000001"


def test_a_retried_submit_records_once(coop, treasurer):
    a = spend(coop, treasurer, idempotency_key="abc")
    b = spend(coop, treasurer, idempotency_key="abc")
    assert a.id == b.id and counts() == (1, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": 0}, "lebih dari nol"),
        ({"amount": -5_000}, "lebih dari nol"),
        ({"amount": "12500"}, "rupiah bulat"),
        ({"amount": 12.5}, "rupiah bulat"),
        ({"account": "411100"}, "tidak dapat dipakai"),
        ({"account": "614100"}, "tidak dapat dipakai"),
        ({"paid_from": "211100"}, "Kas laci, Kas kecil atau rekening bank"),
        ({"description": "  "}, "Keterangan wajib"),
        ({"day": date(2099, 1, 1)}, "setelah hari ini"),
        ({"unit": 999_999}, "Unit usaha tidak dikenal"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(coop, treasurer, change, message):
    before = counts()
    with pytest.raises(DomainError, match=message):
        spend(coop, treasurer, **change)
    assert counts() == before


def test_a_date_in_a_closed_month_is_refused(coop, treasurer):
    last_month = coop.today().replace(day=1) - timedelta(days=1)
    run_transaction(close_month, coop, last_month.year, last_month.month, treasurer)
    before = counts()
    with pytest.raises(DomainError, match="sudah ditutup") as err:
        spend(coop, treasurer, day=last_month)
    assert err.value.field == "date" and counts() == before
    assert db.session.scalar(select(func.max(Expense.id))) is None


def test_recurring_expenses_posted_twice_are_created_once(coop, treasurer):
    rent = run_transaction(
        save_recurring,
        coop,
        treasurer,
        description="Sewa gerai",
        account="613100",
        amount=1_000_000,
        paid_from="112100",
        day_of_month=31,
    )
    run_transaction(
        save_recurring,
        coop,
        treasurer,
        description="Gaji penjaga",
        account="611100",
        amount=1_500_000,
        paid_from="111200",
        day_of_month=1,
    )
    run_transaction(
        save_recurring,
        coop,
        treasurer,
        description="Lama",
        account="612200",
        amount=99_000,
        paid_from="112100",
        day_of_month=5,
        active=False,
    )
    last_month = coop.today().replace(day=1) - timedelta(days=1)
    y, m = last_month.year, last_month.month
    first = run_transaction(post_recurring, coop, y, m, treasurer)
    assert len(first["created"]) == 2 and first["already"] == []
    assert {e.date for e in first["created"]} == {date(y, m, 1), last_month}  # 31 -> last day
    second = run_transaction(post_recurring, coop, y, m, treasurer)
    assert second["created"] == [] and len(second["already"]) == 2
    assert db.session.scalar(select(func.count()).select_from(Expense)) == 2
    assert balances(coop)["613100"] == 1_000_000 and balances(coop)["611100"] == 1_500_000
    assert rent.id in {e.recurring_id for e in first["created"]}


def test_a_recurring_template_may_not_pay_from_the_drawer(coop, treasurer):
    with pytest.raises(DomainError, match="Kas kecil atau rekening bank"):
        run_transaction(
            save_recurring,
            coop,
            treasurer,
            description="Sewa",
            account="613100",
            amount=1_000,
            paid_from="111100",
            day_of_month=1,
        )
    assert db.session.scalar(select(func.count()).select_from(RecurringExpense)) == 0


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def desk(app, web_coop, web_user, login):
    web_user("bendahara", "bendahara")
    web_user("kasir", "kasir")
    client = app.test_client()
    login(client, "bendahara")
    return client


def _form(**kw):
    return {
        "kind": "expense",
        "date": "",
        "account": "612100",
        "amount": "125.000",
        "paid_from": "112100",
        "unit": "",
        "payee": "PLN",
        "description": "Listrik November",
        "reference": "N-1",
    } | kw


def _today(app, coop_id) -> date:
    with app.app_context():
        return db.session.get(Cooperative, coop_id).today()


def test_entering_an_expense_with_its_nota_and_printing_the_voucher(app, desk, web_coop):
    data = _form(date=_today(app, web_coop).isoformat())
    data["attachment"] = (io.BytesIO(PNG), "nota.png")
    resp = desk.post("/pembukuan/pengeluaran/baru", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    detail = desk.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Listrik November" in detail and "Rp125.000" in detail and "<img" in detail
    with app.app_context():
        expense = db.session.scalar(select(Expense))
        assert expense.attachment_path.startswith("uploads/pengeluaran/")
        eid = expense.id
    photo = desk.get(f"/pembukuan/pengeluaran/{eid}/lampiran")
    assert photo.status_code == 200 and photo.data == PNG and photo.mimetype == "image/png"
    pdf = desk.get(f"/pembukuan/pengeluaran/{eid}/bukti.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    page = desk.get("/pembukuan/pengeluaran").get_data(as_text=True)
    assert "BKK-" in page and "Rp125.000" in page
    for fmt in ("pdf", "xlsx"):
        assert desk.get(f"/pembukuan/pengeluaran?fmt={fmt}").status_code == 200


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "lebih dari nol"), ("-5.000", ""), ("abc", ""), ("", "Isi jumlah")],
)
def test_bad_amounts_on_the_form_are_refused_beside_the_field(app, desk, web_coop, amount, message):
    data = _form(date=_today(app, web_coop).isoformat(), amount=amount)
    resp = desk.post("/pembukuan/pengeluaran/baru", data=data)
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert 'value="Listrik November"' in resp.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert counts() == (0, 0)


def test_a_closed_month_on_the_form_is_refused_with_a_message(app, desk, web_coop):
    day = _today(app, web_coop).replace(day=1) - timedelta(days=1)
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        run_transaction(close_month, coop, day.year, day.month, None)
    resp = desk.post("/pembukuan/pengeluaran/baru", data=_form(date=day.isoformat()))
    assert resp.status_code == 400 and "sudah ditutup" in resp.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 0)


def test_voiding_from_the_detail_page(app, desk, web_coop):
    desk.post("/pembukuan/pengeluaran/baru", data=_form(date=_today(app, web_coop).isoformat()))
    with app.app_context():
        eid = db.session.scalar(select(Expense.id))
    assert desk.post(f"/pembukuan/pengeluaran/{eid}/batal", data={"reason": ""}).status_code == 400
    resp = desk.post(f"/pembukuan/pengeluaran/{eid}/batal", data={"reason": "Nota ganda"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Expense, eid).status == "void"
        assert balances(db.session.get(Cooperative, web_coop)).get("612100", 0) == 0


def test_a_cashier_gets_403_on_the_expense_pages(app, desk, login):
    client = app.test_client()
    login(client, "kasir")
    for url in (
        "/pembukuan/pengeluaran",
        "/pembukuan/pengeluaran-rutin",
        "/pembukuan/pengeluaran/baru",
    ):
        assert client.get(url).status_code == 403, url


def test_another_cooperatives_expense_is_not_found(app, desk):
    with app.app_context():
        other = make_coop("Koperasi Lain")
        someone = make_user("lain", "bendahara", other)
        foreign = spend(other, someone)
        template = run_transaction(
            save_recurring,
            other,
            someone,
            description="Sewa",
            account="613100",
            amount=1_000,
            paid_from="112100",
            day_of_month=1,
        )
        eid, tid = foreign.id, template.id
    for url in (
        f"/pembukuan/pengeluaran/{eid}",
        f"/pembukuan/pengeluaran/{eid}/bukti.pdf",
        f"/pembukuan/pengeluaran/{eid}/lampiran",
        f"/pembukuan/pengeluaran-rutin/{tid}/ubah",
    ):
        assert desk.get(url).status_code == 404, url
    resp = desk.post(f"/pembukuan/pengeluaran/{eid}/batal", data={"reason": "coba coba"})
    assert resp.status_code == 404
    with app.app_context():
        assert db.session.get(Expense, eid).status == "posted"


def test_recurring_pages_create_and_post_once(app, desk, web_coop):
    resp = desk.post(
        "/pembukuan/pengeluaran-rutin/baru",
        data={
            "kind": "expense",
            "description": "Sewa gerai",
            "account": "613100",
            "amount": "1.000.000",
            "paid_from": "112100",
            "day_of_month": "1",
            "active": "y",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    month = _today(app, web_coop).strftime("%Y-%m")
    for _ in range(2):
        resp = desk.post("/pembukuan/pengeluaran-rutin/posting", data={"bulan": month})
        assert resp.status_code == 302
    page = desk.get(f"/pembukuan/pengeluaran-rutin?bulan={month}").get_data(as_text=True)
    assert "sudah diposting" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Expense)) == 1
    bad = desk.post("/pembukuan/pengeluaran-rutin/posting", data={"bulan": "bulan ini"})
    assert bad.status_code == 400 and "Bulan tidak valid" in bad.get_data(as_text=True)


def test_an_expense_entry_cannot_be_reversed_by_hand_only_voided(coop, treasurer):
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.expenses.checks import check_expenses
    from outlet_pos.core.ledger import reverse

    expense = spend(coop, treasurer)
    entries = counts()[1]
    with pytest.raises(DomainError, match="dibatalkan dari halaman transaksinya"):
        run_transaction(reverse, expense.entry, coop.today(), "Dibalik manual", treasurer)
    assert counts()[1] == entries
    voided = run_transaction(void_expense, expense, "Salah kategori", treasurer)
    assert voided.status == "void" and counts()[1] == entries + 1
    assert list(check_expenses(coop)) == []
