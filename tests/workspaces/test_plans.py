"""Business plan (rencana bisnis): targets per unit per fiscal year against the books."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.plans.actuals import calendar_month, month_index_of
from outlet_pos.core.plans.models import PlanTarget
from outlet_pos.core.plans.services import (
    clear_plan,
    comparison,
    fiscal_year_of,
    level_path,
    monthly_from_annual,
    save_plan,
    spread,
    target_for,
)
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

BANK = "112100"


def unit(coop, kind: str) -> BusinessUnit:
    return db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == kind
        )
    )


def book(coop, day: date, lines, unit_id: int, memo: str = "Uji") -> None:
    run_transaction(post, coop, day, memo, lines, source="manual", unit=unit_id)


def sell(coop, day: date, unit_id: int, amount: int, cost: int = 0, account="411100") -> None:
    """A sale the way the books see it: revenue (and cost) of the unit, settled by bank."""
    lines = [(BANK, amount, 0), (account, 0, amount, unit_id)]
    if cost:
        lines += [("511100", cost, 0, unit_id), (BANK, 0, cost)]
    book(coop, day, lines, unit_id)


def rows_count() -> int:
    return db.session.scalar(select(func.count(PlanTarget.id)))


@pytest.fixture
def manager(coop):
    return make_user("pengurus-rencana", "pengurus", coop)


# --- spreading ------------------------------------------------------------------------------


def test_an_annual_target_is_spread_to_the_rupiah_with_the_remainder_first():
    months = spread(1_000_003)
    assert sum(months) == 1_000_003
    assert months == [83_334] * 7 + [83_333] * 5
    assert spread(0) == [0] * 12
    with pytest.raises(ValidationError):
        spread(-12)


def test_a_members_target_climbs_from_the_count_before_the_year_to_the_year_end_figure():
    path = level_path(0, 13)
    assert path == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]  # 6.5 rounds half up to 7
    assert level_path(40, 40) == [40] * 12
    assert level_path(20, 8)[-1] == 8  # a shrinking plan ends at its target too


# --- the comparison, known answers ---------------------------------------------------------


@pytest.fixture
def books_2024(coop):
    sembako, simpin = unit(coop, "sembako").id, unit(coop, "simpan_pinjam").id
    sell(coop, date(2023, 12, 31), sembako, 999)  # the year before: not in 2024
    sell(coop, date(2024, 3, 10), sembako, 1_000_000, cost=600_000)
    sell(coop, date(2024, 3, 20), simpin, 50_000, account="412100")
    sell(coop, date(2024, 5, 5), sembako, 2_500_000, cost=1_500_000, account="411200")
    book(coop, date(2024, 5, 31), [("411100", 100_000, 0, sembako), (BANK, 0, 100_000)], sembako)
    sell(coop, date(2024, 6, 1), sembako, 70_000, account="419100")  # other income: not sales
    return sembako, simpin


def test_sales_and_margin_are_compared_month_by_month_with_the_books(coop, manager, books_2024):
    sembako, simpin = books_2024
    run_transaction(save_plan, coop, manager, 2024, sembako, "sales", spread(12_000_000))
    cmp = comparison(coop, 2024, sembako, "sales")
    assert len(cmp) == 12 and cmp[0].label == "Januari 2024"
    assert [r.actual for r in cmp][:6] == [0, 0, 1_000_000, 0, 2_400_000, 0]
    march, may = cmp[2], cmp[4]
    assert (march.target, march.pct) == (1_000_000, Decimal("100.0"))
    assert (may.pct, may.cum_target, may.cum_actual, may.cum_pct) == (
        Decimal("240.0"), 5_000_000, 3_400_000, Decimal("68.0")
    )  # fmt: skip
    assert cmp.annual_target == 12_000_000 and cmp.actual_to_date == 3_400_000
    assert cmp.pct_to_date == Decimal("28.3")  # 3.4 of 12 million, the whole year has passed

    margin = comparison(coop, 2024, sembako, "margin")
    assert [margin[2].actual, margin[4].actual] == [400_000, 900_000]
    assert margin.annual_target is None and margin[2].pct is None  # no margin plan yet

    together = comparison(coop, 2024, None, "sales")
    assert together[2].actual == 1_050_000  # the savings unit's service income is its sales
    assert comparison(coop, 2024, simpin, "sales")[2].actual == 50_000


def test_target_for_reads_one_unit_or_every_unit_together(coop, manager):
    sembako, simpin = unit(coop, "sembako").id, unit(coop, "simpan_pinjam").id
    assert target_for(coop, 2024, 3, "sales") is None
    run_transaction(save_plan, coop, manager, 2024, sembako, "sales", spread(12_000_000))
    run_transaction(save_plan, coop, manager, 2024, simpin, "sales", spread(120_006))
    assert target_for(coop, 2024, 3, "sales", sembako) == 1_000_000
    assert target_for(coop, 2024, 1, "sales") == 1_000_000 + 10_001
    assert target_for(coop, 2024, 12, "sales") == 1_000_000 + 10_000
    assert target_for(coop, 2024, 3, "margin", sembako) is None
    assert target_for(coop, 2025, 3, "sales", sembako) is None


def test_months_that_have_not_begun_show_the_target_only(coop, manager):
    sembako = unit(coop, "sembako").id
    year = fiscal_year_of(coop, coop.today()) + 1
    run_transaction(save_plan, coop, manager, year, sembako, "sales", spread(1_200))
    cmp = comparison(coop, year, sembako, "sales")
    assert [r.target for r in cmp] == [100] * 12
    assert all(r.actual is None and r.pct is None and r.cum_actual is None for r in cmp)
    assert cmp.actual_to_date is None and cmp.months_elapsed == 0


def test_members_and_loans_come_from_the_registers(coop, manager):
    from outlet_pos.units.simpan_pinjam import loan_products, loans
    from outlet_pos.units.simpan_pinjam.members import register_member

    simpin = unit(coop, "simpan_pinjam").id
    cashier = make_user("kasir-rencana", "kasir", coop)
    clerk = make_user("bendahara-rencana", "bendahara", coop)

    def members():
        made = []
        for nik, joined in [("3201011205850001", date(2024, 1, 15)),
                            ("3201011205850002", date(2024, 2, 1)),
                            ("3201011205850003", date(2024, 3, 31))]:  # fmt: skip
            made.append(register_member(coop, {"name": "Anggota", "nik": nik}, cashier,
                                        pay_pokok=False, day=joined))  # fmt: skip
        made[1].status, made[1].left_on = "keluar", date(2024, 4, 10)
        return made

    made = run_transaction(members)
    cmp = comparison(coop, 2024, None, "members")
    assert [r.actual for r in cmp][:5] == [1, 2, 3, 2, 2]
    assert cmp.is_level and cmp[11].cum_actual == 2  # a level: no running sum
    assert monthly_from_annual(coop, 2024, "members", 13)[5] == 7  # from 0 members before 2024

    def lend():
        post(coop, coop.today(), "Modal", [(BANK, 10**9, 0), ("312100", 0, 10**9)],
             source="manual")  # fmt: skip
        product = loan_products.ensure_products(coop)[0]
        loan = loans.apply(coop, made[0], product, 3_000_000, product.min_months, clerk,
                           purpose="Modal usaha")  # fmt: skip
        loans.decide(coop, loan, True, manager)
        loans.disburse(coop, loan, cashier, via="transfer")

    run_transaction(lend)
    year, index = month_index_of(coop, coop.today())
    assert comparison(coop, year, simpin, "loans")[index - 1].actual == 3_000_000
    assert comparison(coop, year, None, "loans")[index - 1].actual == 3_000_000


def test_a_fiscal_year_starting_in_july_maps_its_months(ctx, manager):
    coop = make_coop("Koperasi Juli", fiscal_year_start_month=7)
    sembako = unit(coop, "sembako").id
    assert calendar_month(coop, 2024, 1) == (2024, 7)
    assert calendar_month(coop, 2024, 12) == (2025, 6)
    assert month_index_of(coop, date(2025, 2, 14)) == (2024, 8)
    assert fiscal_year_of(coop, date(2024, 6, 30)) == 2023
    sell(coop, date(2024, 6, 30), sembako, 111)  # June: the last month of FY 2023
    sell(coop, date(2024, 8, 1), sembako, 222)
    sell(coop, date(2025, 6, 30), sembako, 333)
    cmp = comparison(coop, 2024, sembako, "sales")
    assert cmp[0].label == "Juli 2024" and cmp[11].label == "Juni 2025"
    assert [cmp[1].actual, cmp[11].actual, cmp.actual_to_date] == [222, 333, 555]
    assert comparison(coop, 2023, sembako, "sales")[11].actual == 111
    today_year, today_index = month_index_of(coop, coop.today())
    current = comparison(coop, today_year, sembako, "sales")
    assert current[today_index - 1].actual is not None
    assert all(r.actual is None for r in current.rows[today_index:])


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit_kind, metric, monthly, message",
    [
        ("sembako", "sales", [100] * 11 + [-1], "negatif"),
        ("sembako", "sales", [100] * 11, "12 bulan"),
        ("sembako", "sales", [100.0] * 12, "bulat"),
        ("sembako", "omzet", [100] * 12, "tidak dikenal"),
        ("sembako", "loans", [100] * 12, "simpan pinjam"),
        ("sembako", "members", [100] * 12, "seluruh koperasi"),
        (None, "sales", [100] * 12, "tidak ditemukan"),
    ],
)
def test_bad_plans_are_refused_and_leave_no_rows(
    coop, manager, unit_kind, metric, monthly, message
):
    unit_id = unit(coop, unit_kind).id if unit_kind else None
    with pytest.raises(DomainError, match=message):
        run_transaction(save_plan, coop, manager, 2025, unit_id, metric, monthly)
    assert rows_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "plan.save")) == 0  # fmt: skip


def test_another_cooperatives_unit_is_refused(coop, manager):
    other = make_coop("Koperasi Lain")
    with pytest.raises(ValidationError, match="tidak ditemukan"):
        run_transaction(save_plan, coop, manager, 2025, unit(other, "sembako").id, "sales",
                        spread(1_200))  # fmt: skip
    assert rows_count() == 0


def test_a_refused_change_keeps_the_saved_plan_and_a_save_is_audited(coop, manager):
    sembako = unit(coop, "sembako").id
    run_transaction(save_plan, coop, manager, 2025, sembako, "sales", spread(1_200))
    with pytest.raises(ValidationError):
        run_transaction(save_plan, coop, manager, 2025, sembako, "sales", [5] * 11 + [-5])
    assert target_for(coop, 2025, 12, "sales", sembako) == 100 and rows_count() == 12
    run_transaction(save_plan, coop, manager, 2025, sembako, "sales", [7] * 12)
    assert rows_count() == 12 and target_for(coop, 2025, 1, "sales", sembako) == 7
    run_transaction(save_plan, coop, manager, 2025, None, "members", [40] * 12)
    run_transaction(save_plan, coop, manager, 2025, None, "members", [41] * 12)
    assert rows_count() == 24  # the cooperative-wide plan is replaced, not doubled
    assert run_transaction(clear_plan, coop, manager, 2025, None, "members") is True
    assert rows_count() == 12
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.save"))
    assert [e.user_id for e in events] == [manager.id] * 5


def test_the_database_refuses_a_second_cooperative_wide_row(coop):
    """The scope key makes NULL-unit rows collide, which a unique constraint on unit_id
    alone would not."""
    from sqlalchemy.exc import IntegrityError

    for _ in range(2):
        db.session.add(PlanTarget(cooperative_id=coop.id, year=2025, unit_id=None, scope_key=0,
                                  metric="members", month_index=1, amount=1))  # fmt: skip
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- pages ----------------------------------------------------------------------------------


def _enter(app, client, login, web_coop, username):
    login(client, username)
    with client.session_transaction() as s:
        s["coop_id"] = web_coop


def _unit_id(app, web_coop, kind="sembako") -> int:
    with app.app_context():
        return unit(db.session.get(Cooperative, web_coop), kind).id


def test_pengurus_saves_a_plan_from_the_form(app, client, login, web_coop, web_user):
    web_user("pengurus-web", "pengurus")
    _enter(app, client, login, web_coop, "pengurus-web")
    sembako, simpin = _unit_id(app, web_coop), _unit_id(app, web_coop, "simpan_pinjam")
    page = client.get("/rencana-bisnis/2025/ubah")
    assert page.status_code == 200 and "Penyaluran pinjaman" in page.get_data(as_text=True)
    monthly = {f"u{simpin}_loans-b{i}": str(i * 1000) for i in range(1, 13)}
    resp = client.post("/rencana-bisnis/2025/ubah", data={
        f"u{sembako}_sales-cara": "tahunan", f"u{sembako}_sales-tahunan": "1.000.003",
        f"u{simpin}_loans-cara": "bulanan", **monthly,
        "koperasi_members-cara": "tahunan", "koperasi_members-tahunan": "",
    })  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        assert target_for(coop, 2025, 1, "sales", sembako) == 83_334
        assert target_for(coop, 2025, 12, "sales", sembako) == 83_333
        assert target_for(coop, 2025, 5, "loans", simpin) == 5_000
        assert target_for(coop, 2025, 5, "members") is None
    page = client.get("/rencana-bisnis/?tahun=2025").get_data(as_text=True)
    assert "Rp1.000.003" in page and "Rp78.000" in page
    # The saved annual plan comes back in annual mode, the monthly one month by month.
    form = client.get("/rencana-bisnis/2025/ubah").get_data(as_text=True)
    assert 'value="1.000.003"' in form and 'value="12.000"' in form
    # Clearing a row withdraws its plan.
    resp = client.post("/rencana-bisnis/2025/ubah", data={
        f"u{sembako}_sales-cara": "tahunan", f"u{sembako}_sales-tahunan": ""})  # fmt: skip
    assert resp.status_code == 302
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        assert target_for(coop, 2025, 1, "sales", sembako) is None
        assert target_for(coop, 2025, 5, "loans", simpin) == 5_000  # untouched


def test_bad_amounts_come_back_next_to_the_field_and_save_nothing(
    app, client, login, web_coop, web_user
):
    web_user("pengurus-web", "pengurus")
    _enter(app, client, login, web_coop, "pengurus-web")
    sembako = _unit_id(app, web_coop)
    resp = client.post("/rencana-bisnis/2025/ubah", data={
        f"u{sembako}_sales-cara": "bulanan", f"u{sembako}_sales-b1": "-5.000",
        f"u{sembako}_sales-b2": "12,5", f"u{sembako}_margin-cara": "tahunan",
        f"u{sembako}_margin-tahunan": "900.000"})  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "tidak boleh negatif" in page and 'value="-5.000"' in page
    with app.app_context():
        assert rows_count() == 0  # the valid margin row is not saved alone either
    assert client.post("/rencana-bisnis/2025/ubah", data={}).status_code == 302
    with app.app_context():
        assert rows_count() == 0


def test_viewers_read_the_plan_but_cannot_save_it(app, login, web_coop, web_user):
    sembako = _unit_id(app, web_coop)
    for role in ("bendahara", "pendamping", "pengawas"):
        web_user(f"{role}-web", role)
        client = app.test_client()
        _enter(app, client, login, web_coop, f"{role}-web")
        assert client.get("/rencana-bisnis/").status_code == 200
        assert client.get(f"/rencana-bisnis/2025/banding?unit={sembako}").status_code == 200
        assert client.get("/rencana-bisnis/2025/ubah").status_code == 403
        resp = client.post("/rencana-bisnis/2025/ubah", data={
            f"u{sembako}_sales-cara": "tahunan", f"u{sembako}_sales-tahunan": "1.200"})  # fmt: skip
        assert resp.status_code == 403
    with app.app_context():
        assert rows_count() == 0


def test_the_comparison_page_downloads_and_hides_other_cooperatives(
    app, client, login, web_coop, web_user
):
    web_user("bendahara-web", "bendahara")
    _enter(app, client, login, web_coop, "bendahara-web")
    sembako = _unit_id(app, web_coop)
    with app.app_context():
        other = unit(make_coop("Koperasi Lain"), "sembako").id
        coop = db.session.get(Cooperative, web_coop)
        manager = make_user("p-uji", "pengurus", coop)
        run_transaction(save_plan, coop, manager, 2024, sembako, "sales", spread(1_200_000))
        sell(coop, date(2024, 2, 3), sembako, 250_000)
    base = "/rencana-bisnis/2024/banding"
    page = client.get(f"{base}?unit={sembako}&metric=sales").get_data(as_text=True)
    assert "Februari 2024" in page and "Rp250.000" in page and "250,0%" in page
    pdf = client.get(f"{base}?unit={sembako}&metric=sales&fmt=pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    xlsx = client.get(f"{base}?unit={sembako}&metric=margin&fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"{base}?unit={other}").status_code == 404
    assert client.get(f"{base}?unit={sembako}&metric=loans").status_code == 404
    assert client.get(f"{base}?metric=omzet").status_code == 404
    assert client.get("/rencana-bisnis/1800/banding").status_code == 404


def test_copying_last_year_adds_the_growth(app, client, login, web_coop, web_user):
    web_user("pengurus-web", "pengurus")
    _enter(app, client, login, web_coop, "pengurus-web")
    sembako = _unit_id(app, web_coop)
    with app.app_context():
        sell(db.session.get(Cooperative, web_coop), date(2024, 3, 9), sembako, 1_000_000)
    page = client.get("/rencana-bisnis/2025/ubah?salin=1&tumbuh=7,5").get_data(as_text=True)
    assert 'value="1.075.000"' in page and "Periksa, ubah bila perlu" in page
    with app.app_context():
        assert rows_count() == 0  # only the form is filled
    page = client.get("/rencana-bisnis/2025/ubah?salin=1&tumbuh=banyak").get_data(as_text=True)
    assert "Pertumbuhan harus berupa angka" in page


def test_the_manager_is_recorded_on_the_rows(coop, manager):
    run_transaction(save_plan, coop, manager, 2025, None, "members", [3] * 12)
    row = db.session.scalar(select(PlanTarget).limit(1))
    assert row.updated_by_id == manager.id and row.scope_key == 0 and row.unit_id is None
