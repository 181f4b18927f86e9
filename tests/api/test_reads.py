"""Reading the catalog, members and reports through the API: known answers from the shop."""

from __future__ import annotations

from outlet_pos.extensions import db
from tests.api.conftest import ALL_SCOPES


def test_the_catalog_lists_active_items_by_name_with_units_prices_and_stock(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    body = api.get("/items", secret).get_json()
    names = [i["name"] for i in body["items"]]
    assert names == ["Beras SPHP 5 kg", "Gula pasir curah", "Minyak goreng 1 L", "Susu UHT 200 ml"]
    assert body["next_offset"] is None and body["limit"] == 20
    minyak = body["items"][2]
    assert minyak["stock_on_hand"] == "48"
    assert [(u["name"], u["factor"], u["price_member"], u["price_general"], u["barcodes"])
            for u in minyak["units"]] == [
        ("pcs", "1", 17_500, 18_000, ["8991001000028"]),
        ("karton", "12", 204_000, 210_000, ["8991001000035"]),
    ]  # fmt: skip
    assert body["items"][3]["stock_on_hand"] == "20"  # two batches of susu


def test_the_catalog_pages_with_limit_and_offset(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    first = api.get("/items?limit=3", secret).get_json()
    assert len(first["items"]) == 3 and first["next_offset"] == 3
    rest = api.get(f"/items?limit=3&offset={first['next_offset']}", secret).get_json()
    assert [i["sku"] for i in rest["items"]] == ["SUSU"] and rest["next_offset"] is None


def test_the_catalog_finds_by_text_and_by_barcode(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    found = api.get("/items?q=gula", secret).get_json()["items"]
    assert [i["sku"] for i in found] == ["GLA"]
    hit = api.get("/items?barcode=8991001000035", secret).get_json()
    assert [i["sku"] for i in hit["items"]] == ["MYK1"]
    karton = next(u for u in hit["items"][0]["units"] if u["name"] == "karton")
    assert hit["matched_unit_id"] == karton["id"]
    miss = api.get("/items?barcode=0000", secret).get_json()
    assert miss["items"] == [] and miss["matched_unit_id"] is None


def test_one_item_reads_with_its_decimal_base_unit(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    gula = api.get(f"/items/{world.items['gula']}", secret).get_json()
    assert gula["decimals"] == 3 and gula["base_uom"] == "kg" and gula["stock_on_hand"] == "100"
    assert [u["factor"] for u in gula["units"]] == ["1", "50"]
    assert gula["business_unit"]["kind"] == "sembako"


def test_members_are_searched_and_read_with_savings_balances_and_loans(app, api, issue, world):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.parties import Member
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.units.simpan_pinjam import savings

    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        member = db.session.get(Member, world.member_id)
        cashier = db.session.get(User, world.cashier_id)

        def deposits():
            sukarela = savings.account_for(coop, member, "sukarela")
            savings.deposit(coop, sukarela, 150_000, cashier, via="transfer")
            savings.deposit(coop, sukarela, 25_000, cashier, via="transfer")

        run_transaction(deposits)
    secret = issue(world.cashier_id, ["members:read"])
    found = api.get("/members?q=siti", secret).get_json()["members"]
    assert [m["member_number"] for m in found] == ["KDMP-0001"]
    assert api.get("/members?q=6471054107900001", secret).get_json()["members"][0]["name"] == (
        "Siti Aminah"
    )
    assert api.get("/members?status=keluar", secret).get_json()["members"] == []
    body = api.get(f"/members/{world.member_id}", secret).get_json()
    assert body["savings_totals"] == {"pokok": 0, "wajib": 0, "sukarela": 175_000, "berjangka": 0}
    assert [(a["kind"], a["balance"]) for a in body["savings"]] == [("sukarela", 175_000)]
    assert "nik" not in body and "nik" not in found[0]
    [loan] = body["loans"]
    assert loan["principal"] == 1_200_000 and loan["outstanding"] == 1_200_000
    assert loan["due_today"] == 0 and loan["payoff_today"] == 1_200_000
    assert body["credit_owed"] == 0 and body["credit_limit"] == 500_000


def test_the_trial_balance_as_of_a_date_balances_with_known_figures(api, issue, world):
    secret = issue(world.manager_id, ALL_SCOPES)
    body = api.get("/reports/trial-balance", secret).get_json()
    rows = {r["code"]: r for r in body["accounts"]}
    assert body["balanced"] and body["total_debit"] == body["total_credit"]
    # Stock received on 2 Jan 2025 against Utang usaha: 1.160.000 + 768.000 + 1.550.000
    # + 50.000 + 52.000.
    assert rows["114100"]["debit"] == 3_580_000 and rows["211100"]["credit"] == 3_580_000
    assert rows["113300"]["debit"] == 1_200_000  # the loan
    early = api.get("/reports/trial-balance?as_of=2025-01-01", secret).get_json()
    assert early["accounts"] == [] and early["total_debit"] == 0


def test_reports_need_the_reports_permission_of_the_role(api, issue, world):
    pengawas = issue(world.viewer_id, ["reports:read"])
    assert api.get("/reports/trial-balance", pengawas).status_code == 200
    assert api.get("/reports/daily-sales", pengawas).status_code == 200
    reader = issue(world.viewer_id, ["catalog:read"])
    assert api.get("/reports/daily-sales", reader).status_code == 403


def test_an_empty_day_reports_zeros(api, issue, world):
    secret = issue(world.manager_id, ["reports:read"])
    body = api.get("/reports/daily-sales?date=2024-02-29", secret).get_json()
    assert body["date"] == "2024-02-29" and body["net"] == 0 and body["receipts"] == 0
    assert body["units"] == []
    assert api.get("/reports/daily-sales?date=2023-02-29", secret).status_code == 400


def test_the_member_search_is_scoped_to_the_cooperative(api, issue, world):
    secret = issue(world.manager_id, ["members:read"])
    names = [m["name"] for m in api.get("/members", secret).get_json()["members"]]
    assert "Anggota Lain" not in names and "Siti Aminah" in names
