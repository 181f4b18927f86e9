"""Fixed assets: acquisition, straight-line depreciation (known answers, idempotent runs,
missing months filled in order, never beyond cost - residual), disposal, the month-close
checklist item, the verify check, and the pages (permissions, tenancy, bad input)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from outlet_pos.core.assets.checks import check_fixed_assets, depreciation_item
from outlet_pos.core.assets.models import DepreciationLine, DepreciationRun, FixedAsset
from outlet_pos.core.assets.schedule import schedule
from outlet_pos.core.assets.services import (
    accumulated,
    dispose_asset,
    post_depreciation,
    register_asset,
)
from outlet_pos.core.closing.checklist import ITEMS
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.ledger.periods import close_month
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user


@pytest.fixture
def treasurer(coop):
    return make_user("bendahara1", "bendahara", coop)


def buy(coop, user, **kw):
    values = {
        "name": "Etalase pendingin",
        "account": "121200",
        "acquired_on": date(2023, 1, 10),
        "cost": 12_000_000,
        "life_months": 36,
        "funding": "112100",
    } | kw
    return run_transaction(register_asset, coop, user, **values)


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (FixedAsset, JournalEntry, DepreciationRun)
    )


def test_the_schedule_of_a_known_asset_is_exact():
    """12.000.000 over 36 months, residual 0: 35 x 333.333 and a last month of 333.345."""
    rows = schedule(12_000_000, 0, 36, date(2023, 1, 10))
    assert [r.amount for r in rows] == [333_333] * 35 + [333_345]
    assert (rows[0].year, rows[0].month) == (2023, 2)  # starts the month after acquisition
    assert (rows[-1].year, rows[-1].month, rows[-1].book_value) == (2026, 1, 0)
    with_residual = schedule(10_000_000, 1_000_001, 7, date(2024, 12, 31))
    assert sum(r.amount for r in with_residual) == 8_999_999
    assert with_residual[-1].book_value == 1_000_001


def test_acquisition_posts_debit_asset_credit_the_funding(coop, treasurer):
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id))
    asset = buy(coop, treasurer, unit=unit.id, funding="312100")
    assert asset.code == "AT-0001"
    lines = {(ln.account.code, ln.debit, ln.credit, ln.unit_id) for ln in asset.entry.lines}
    assert lines == {("121200", 12_000_000, 0, unit.id), ("312100", 0, 12_000_000, unit.id)}


def test_depreciation_matches_the_schedule_fills_missing_months_and_is_idempotent(coop, treasurer):
    asset = buy(coop, treasurer)
    runs = run_transaction(post_depreciation, coop, 2023, 4, treasurer)
    # February, March and April 2023, in order, one entry each dated the month's last day.
    assert [(r.year, r.month) for r in runs] == [(2023, 2), (2023, 3), (2023, 4)]
    assert [r.entry.date for r in runs] == [date(2023, 2, 28), date(2023, 3, 31), date(2023, 4, 30)]
    assert [r.total_amount for r in runs] == [333_333] * 3
    assert run_transaction(post_depreciation, coop, 2023, 4, treasurer) == []
    assert run_transaction(post_depreciation, coop, 2023, 3, treasurer) == []
    assert counts() == (1, 4, 3)
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in runs[0].entry.lines}
    assert lines == {("614100", 333_333, 0), ("121900", 0, 333_333)}
    # Through the end of its life and beyond: exactly cost - residual, never more.
    run_transaction(post_depreciation, coop, 2026, 6, treasurer)
    assert accumulated(coop)[asset.id] == 12_000_000
    last = db.session.scalar(
        select(DepreciationLine.amount)
        .join(DepreciationRun)
        .where(DepreciationRun.year == 2026, DepreciationRun.month == 1)
    )
    assert last == 333_345
    assert balances(coop)["121900"] == -12_000_000 and balances(coop)["614100"] == 12_000_000
    months = db.session.scalar(select(func.count()).select_from(DepreciationRun))
    assert months == 41  # Feb 2023 .. Jun 2026, none skipped
    assert list(check_fixed_assets(coop)) == []


def test_a_month_that_has_not_ended_is_refused(coop, treasurer):
    buy(coop, treasurer)
    today = coop.today()
    with pytest.raises(DomainError, match="belum berakhir"):
        run_transaction(post_depreciation, coop, 2099, 1, treasurer)
    if today.day < 28:
        with pytest.raises(DomainError, match="belum berakhir"):
            run_transaction(post_depreciation, coop, today.year, today.month, treasurer)
    assert counts()[2] == 0


def test_a_back_dated_asset_catches_up_in_the_next_run(coop, treasurer):
    buy(coop, treasurer, acquired_on=date(2024, 3, 5), cost=1_200_000, life_months=12)
    run_transaction(post_depreciation, coop, 2024, 5, treasurer)  # Apr, May: 100.000 each
    late = buy(
        coop,
        treasurer,
        name="Timbangan",
        acquired_on=date(2024, 1, 20),
        cost=600_000,
        life_months=6,
    )
    (june,) = run_transaction(post_depreciation, coop, 2024, 6, treasurer)
    # The late asset's Feb..Jun (5 x 100.000) lands in June, beside the first one's 100.000.
    assert june.total_amount == 600_000
    assert accumulated(coop)[late.id] == 500_000
    assert list(check_fixed_assets(coop)) == []


def test_disposal_zeroes_the_assets_cost_and_accumulated_depreciation(coop, treasurer):
    asset = buy(
        coop,
        treasurer,
        acquired_on=date(2024, 1, 15),
        cost=4_800_000,
        life_months=48,
        funding="111200",
    )
    with pytest.raises(DomainError, match="Posting penyusutan sampai"):
        run_transaction(
            dispose_asset,
            coop,
            asset,
            treasurer,
            day=date(2024, 7, 10),
            kind="sale",
            reason="Dijual",
            proceeds=4_000_000,
            proceeds_account="112100",
        )
    run_transaction(post_depreciation, coop, 2024, 6, treasurer)  # Feb..Jun: 5 x 100.000
    run_transaction(
        dispose_asset,
        coop,
        asset,
        treasurer,
        day=date(2024, 7, 10),
        kind="sale",
        reason="Dijual ke koperasi tetangga",
        proceeds=4_000_000,
        proceeds_account="112100",
    )
    books = balances(coop)
    assert books.get("121200", 0) == 0 and books.get("121900", 0) == 0
    # proceeds 4.000.000 + accumulated 500.000 - cost 4.800.000 = a loss of 300.000
    assert books["619100"] == 300_000 and "419200" not in books
    later = run_transaction(post_depreciation, coop, 2024, 9, treasurer)
    assert [r.total_amount for r in later] == [0, 0, 0]  # nothing after the disposal
    assert db.session.get(FixedAsset, asset.id).status == "disposed"
    with pytest.raises(DomainError, match="sudah dilepas"):
        run_transaction(
            dispose_asset,
            coop,
            asset,
            treasurer,
            day=date(2024, 8, 1),
            kind="writeoff",
            reason="Lagi",
        )
    assert list(check_fixed_assets(coop)) == []


def test_a_write_off_of_a_fully_depreciated_asset_with_residual_books_the_residual_as_loss(
    coop, treasurer
):
    asset = buy(
        coop,
        treasurer,
        acquired_on=date(2023, 1, 1),
        cost=1_000_000,
        life_months=10,
        residual=100_000,
    )
    run_transaction(post_depreciation, coop, 2023, 12, treasurer)
    assert accumulated(coop)[asset.id] == 900_000
    run_transaction(
        dispose_asset,
        coop,
        asset,
        treasurer,
        day=date(2024, 1, 5),
        kind="writeoff",
        reason="Rusak total",
    )
    books = balances(coop)
    assert books.get("121200", 0) == 0 and books.get("121900", 0) == 0
    assert books["619100"] == 100_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cost": 0}, "lebih dari nol"),
        ({"cost": -1}, "lebih dari nol"),
        ({"cost": "1000"}, "rupiah bulat"),
        ({"residual": 12_000_000}, "Nilai sisa harus lebih kecil"),
        ({"life_months": 0}, "Umur manfaat"),
        ({"account": "114100"}, "Golongan aset"),
        ({"funding": "411100"}, "Sumber dana"),
        ({"name": ""}, "Nama aset wajib"),
        ({"acquired_on": date(2099, 1, 1)}, "setelah hari ini"),
    ],
)
def test_bad_asset_input_is_refused_and_nothing_is_written(coop, treasurer, change, message):
    with pytest.raises(DomainError, match=message):
        buy(coop, treasurer, **change)
    assert counts() == (0, 0, 0)


def test_an_acquisition_in_a_closed_month_is_refused(coop, treasurer):
    run_transaction(close_month, coop, 2024, 2, treasurer)
    with pytest.raises(DomainError, match="sudah ditutup"):
        buy(coop, treasurer, acquired_on=date(2024, 2, 10))
    assert counts() == (0, 0, 0)


def test_the_checklist_item_asks_for_the_months_depreciation(coop, treasurer):
    assert ITEMS["depreciation"].order == 60
    assert depreciation_item(coop, 2023, 3).applies is False  # no assets yet
    buy(coop, treasurer)
    result = depreciation_item(coop, 2023, 3)
    assert (result.ok, result.applies) == (False, True)
    assert "Rp666.666" in result.detail and result.endpoint == "bendahara.assets_depreciation"
    run_transaction(post_depreciation, coop, 2023, 3, treasurer)
    assert depreciation_item(coop, 2023, 3).ok is True
    assert depreciation_item(coop, 2023, 1).applies is False  # the month of acquisition


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def desk(app, web_coop, web_user, login):
    web_user("bendahara", "bendahara")
    web_user("kasir", "kasir")
    client = app.test_client()
    login(client, "bendahara")
    return client


def _asset_form(**kw):
    return {
        "name": "Motor roda tiga",
        "code": "",
        "account": "121300",
        "unit": "",
        "acquired_on": "2024-01-10",
        "cost": "24.000.000",
        "residual": "0",
        "life_months": "48",
        "funding": "112100",
        "location": "Gudang",
        "notes": "",
    } | kw


def test_registering_depreciating_and_listing_from_the_pages(app, desk):
    resp = desk.post("/pembukuan/aset-tetap/baru", data=_asset_form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    detail = desk.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Motor roda tiga" in detail and "Rp500.000" in detail  # 24.000.000 / 48
    page = desk.get("/pembukuan/aset-tetap/penyusutan?bulan=2024-03").get_data(as_text=True)
    assert "Februari 2024" in page and "Maret 2024" in page
    resp = desk.post("/pembukuan/aset-tetap/penyusutan", data={"bulan": "2024-03"})
    assert resp.status_code == 302
    again = desk.post("/pembukuan/aset-tetap/penyusutan", data={"bulan": "2024-03"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DepreciationRun)) == 2
    register = desk.get("/pembukuan/aset-tetap").get_data(as_text=True)
    assert "Rp23.000.000" in register  # book value after two months
    for fmt in ("pdf", "xlsx"):
        assert desk.get(f"/pembukuan/aset-tetap?fmt={fmt}").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost", "0", "lebih dari nol"),
        ("cost", "-5", ""),
        ("cost", "abc", ""),
        ("life_months", "x", "Umur manfaat"),
        ("acquired_on", "kemarin", "Tanggal tidak valid"),
        ("account", "", "Pilih golongan"),
    ],
)
def test_bad_input_on_the_asset_form_is_refused_beside_the_field(app, desk, field, value, message):
    resp = desk.post("/pembukuan/aset-tetap/baru", data=_asset_form(**{field: value}))
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    assert 'value="Motor roda tiga"' in resp.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 0, 0)


def test_a_closed_month_on_the_asset_form_is_refused(app, desk, web_coop):
    with app.app_context():
        run_transaction(close_month, db.session.get(Cooperative, web_coop), 2024, 1, None)
    resp = desk.post("/pembukuan/aset-tetap/baru", data=_asset_form())
    assert resp.status_code == 400 and "sudah ditutup" in resp.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 0, 0)


def test_a_cashier_gets_403_on_the_asset_pages(app, desk, login):
    client = app.test_client()
    login(client, "kasir")
    for url in (
        "/pembukuan/aset-tetap",
        "/pembukuan/aset-tetap/penyusutan",
        "/pembukuan/aset-tetap/baru",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post("/pembukuan/aset-tetap/penyusutan", data={"bulan": "2024-01"}).status_code
        == 403
    )


def test_another_cooperatives_asset_is_not_found(app, desk):
    with app.app_context():
        other = make_coop("Koperasi Lain")
        someone = make_user("lain", "bendahara", other)
        aid = buy(other, someone).id
    assert desk.get(f"/pembukuan/aset-tetap/{aid}").status_code == 404
    resp = desk.post(
        f"/pembukuan/aset-tetap/{aid}/lepas",
        data={"date": "2024-01-01", "kind": "writeoff", "reason": "coba"},
    )
    assert resp.status_code == 404
    with app.app_context():
        assert db.session.get(FixedAsset, aid).status == "active"
