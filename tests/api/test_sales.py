"""POST /sales: the counter's checkout over the API, its journal entry and stock, and the
idempotent retry."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.api.models import ApiIdempotency
from outlet_pos.core.inventory.models import StockLevel
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.sales.models import Sale
from outlet_pos.extensions import db


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Sale, JournalEntry, ApiIdempotency)
        )


def _lines(app, number: str) -> list[tuple[str, int, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.number == number)
        ).all()
        return sorted((c, int(d), int(k)) for c, d, k in rows)


def _stock(app, item_id: int) -> Decimal:
    with app.app_context():
        return Decimal(
            db.session.scalar(
                select(func.sum(StockLevel.on_hand)).where(StockLevel.item_id == item_id)
            )
        )


def _karton(api, secret, item_id):
    item = api.get(f"/items/{item_id}", secret).get_json()
    return next(u["id"] for u in item["units"] if u["name"] == "karton")


def _sale(world, karton_id, **extra):
    return {
        "lines": [
            {"item_id": world.items["beras"], "qty": "2"},
            {"item_id": world.items["minyak"], "unit_id": karton_id, "qty": "1"},
        ],
        "payments": [{"method": "tunai", "amount": 400_000}],
        **extra,
    }


def test_a_sale_posts_its_journal_entry_and_takes_the_stock(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read", "sales:write"])
    karton = _karton(api, secret, world.items["minyak"])
    resp = api.post("/sales", secret, _sale(world, karton), key="sale-0001")
    assert resp.status_code == 201, resp.get_json()
    assert resp.headers["Idempotent-Replayed"] == "false"
    body = resp.get_json()
    # 2 x Rp64.000 (general price) + 1 karton x Rp210.000; not PKP, so no PPN.
    assert (body["subtotal"], body["total"], body["tax"], body["paid"], body["change"]) == (
        338_000, 338_000, 0, 400_000, 62_000,
    )  # fmt: skip
    assert body["number"].startswith("GR01-") and len(body["public_id"]) == 36
    assert [(ln["name"], ln["qty"], ln["unit_price"], ln["total"]) for ln in body["lines"]] == [
        ("Beras SPHP 5 kg", "2", 64_000, 128_000),
        ("Minyak goreng 1 L", "1", 210_000, 210_000),
    ]
    # Cost at moving average: beras 1.160.000 / 20, minyak 768.000 / 48 x 12 per karton.
    assert _lines(app, body["journal_number"]) == sorted(
        [
            ("111100", 338_000, 0),
            ("411200", 0, 338_000),
            ("511100", 308_000, 0),
            ("114100", 0, 308_000),
        ]
    )
    assert _stock(app, world.items["beras"]) == 18
    assert _stock(app, world.items["minyak"]) == 36


def test_the_same_key_twice_makes_one_sale_and_one_entry(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read", "sales:write"])
    karton = _karton(api, secret, world.items["minyak"])
    before = _counts(app)
    first = api.post("/sales", secret, _sale(world, karton), key="retry-1")
    again = api.post("/sales", secret, _sale(world, karton), key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _counts(app) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert _stock(app, world.items["beras"]) == 18


def test_the_same_key_with_another_body_or_user_is_a_conflict(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read", "sales:write"])
    karton = _karton(api, secret, world.items["minyak"])
    api.post("/sales", secret, _sale(world, karton), key="dup")
    before = _counts(app)
    other = _sale(world, karton, customer_name="Pak Budi")
    resp = api.post("/sales", secret, other, key="dup")
    assert resp.status_code == 409 and resp.get_json()["field"] == "Idempotency-Key"
    manager = issue(world.manager_id, ["sales:write"])
    assert api.post("/sales", manager, _sale(world, karton), key="dup").status_code == 409
    assert _counts(app) == before


def test_a_refused_sale_writes_nothing_and_its_key_can_be_used_again(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    before = _counts(app)
    too_much = {
        "lines": [{"item_id": world.items["beras"], "qty": "21"}],
        "payments": [{"method": "tunai", "amount": 2_000_000}],
    }
    resp = api.post("/sales", secret, too_much, key="again")
    assert resp.status_code == 422 and "stok" in resp.get_json()["error"].lower()
    assert _counts(app) == before and _stock(app, world.items["beras"]) == 20
    fixed = {**too_much, "lines": [{"item_id": world.items["beras"], "qty": "1"}]}
    resp = api.post("/sales", secret, fixed, key="again")
    assert resp.status_code == 201 and resp.get_json()["change"] == 2_000_000 - 64_000


def test_a_sale_needs_the_users_open_shift(app, api, issue, world):
    secret = issue(world.manager_id, ["sales:write"])  # pengurus may sell, has no shift open
    before = _counts(app)
    body = {
        "lines": [{"item_id": world.items["beras"], "qty": "1"}],
        "payments": [{"method": "tunai", "amount": 64_000}],
    }
    resp = api.post("/sales", secret, body)
    assert resp.status_code == 422 and resp.get_json()["code"] == "no_open_shift"
    assert _counts(app) == before


def test_a_member_sale_on_credit_uses_member_prices_and_the_credit_account(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write", "members:read"])
    body = {
        "lines": [{"item_id": world.items["gula"], "qty": "1.5"}],
        "payments": [{"method": "kredit", "amount": 25_500}],
        "member_id": world.member_id,
    }
    resp = api.post("/sales", secret, body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    # 1,5 kg x Rp17.000 member price.
    assert sale["total"] == 25_500 and sale["member_id"] == world.member_id
    assert sale["lines"][0]["qty"] == "1.5"
    assert ("113200", 25_500, 0) in _lines(app, sale["journal_number"])
    assert ("411100", 0, 25_500) in _lines(app, sale["journal_number"])
    member = api.get(f"/members/{world.member_id}", secret).get_json()
    assert member["credit_owed"] == 25_500
    assert _stock(app, world.items["gula"]) == Decimal("98.5")


def test_a_cashier_cannot_change_the_price_over_the_api(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    before = _counts(app)
    body = {
        "lines": [{"item_id": world.items["beras"], "qty": "1", "price": 1}],
        "payments": [{"method": "tunai", "amount": 64_000}],
    }
    resp = api.post("/sales", secret, body)
    assert resp.status_code == 403 and "harga" in resp.get_json()["error"]
    assert _counts(app) == before


def test_an_item_or_member_of_another_cooperative_is_not_found(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    before = _counts(app)
    body = {
        "lines": [{"item_id": world.other_item_id, "qty": "1"}],
        "payments": [{"method": "tunai", "amount": 5_000}],
    }
    assert api.post("/sales", secret, body, key="x1").status_code == 404
    body = {
        "lines": [{"item_id": world.items["beras"], "qty": "1"}],
        "payments": [{"method": "tunai", "amount": 64_000}],
        "member_id": world.other_member_id,
    }
    resp = api.post("/sales", secret, body, key="x2")
    assert resp.status_code == 404 and resp.get_json()["field"] == "member_id"
    assert _counts(app) == before


def test_a_qris_payment_needs_its_reference(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    body = {
        "lines": [{"item_id": world.items["beras"], "qty": "1"}],
        "payments": [{"method": "qris", "amount": 64_000}],
    }
    assert api.post("/sales", secret, body, key="q1").status_code == 422
    body["payments"][0]["reference"] = "QR-778899"
    sale = api.post("/sales", secret, body, key="q2").get_json()
    assert sale["payments"] == [{"method": "qris", "amount": 64_000, "reference": "QR-778899"}]
    assert ("112900", 64_000, 0) in _lines(app, sale["journal_number"])


def test_the_daily_sales_report_shows_the_days_sale(app, api, issue, world):
    cashier = issue(world.cashier_id, ["catalog:read", "sales:write"])
    karton = _karton(api, cashier, world.items["minyak"])
    sale = api.post("/sales", cashier, _sale(world, karton)).get_json()
    manager = issue(world.manager_id, ["reports:read"])
    day = api.get(f"/reports/daily-sales?date={sale['date']}", manager).get_json()
    assert (day["sales"], day["net"], day["cost"], day["margin"], day["receipts"]) == (
        338_000, 338_000, 308_000, 30_000, 1,
    )  # fmt: skip
    [unit] = day["units"]
    assert unit["name"] == "Sembako" and unit["net"] == 338_000
    tunai = next(t for t in day["tenders"] if t["method"] == "tunai")
    assert tunai["net"] == 338_000  # Rp400.000 tendered less Rp62.000 change
    today = api.get("/reports/daily-sales", manager).get_json()
    assert today["date"] == sale["date"]


def test_a_sale_is_found_again_by_number_public_id_or_day(app, api, issue, world):
    """A phone that lost the network after sending checks the sale landed, and reprints it."""
    secret = issue(world.cashier_id, ["catalog:read", "sales:write", "sales:read"])
    karton = _karton(api, secret, world.items["minyak"])
    sent = api.post("/sales", secret, _sale(world, karton), key="find-1").get_json()
    by_number = api.get(f"/sales?number={sent['number']}", secret)
    assert by_number.status_code == 200
    assert by_number.get_json()["sales"] == [sent]
    by_id = api.get(f"/sales?public_id={sent['public_id'].upper()}", secret).get_json()
    assert [s["number"] for s in by_id["sales"]] == [sent["number"]]
    today = api.get("/sales", secret).get_json()
    assert [s["number"] for s in today["sales"]] == [sent["number"]]
    assert api.get("/sales?date=2020-01-01", secret).get_json()["sales"] == []
    assert api.get("/sales?number=GR01-00000000-9999", secret).get_json()["sales"] == []
    bad = api.get("/sales?public_id=bukan-uuid", secret)
    assert bad.status_code == 400 and bad.get_json()["field"] == "public_id"
    # Reading needs its own scope: a sending-only device cannot list the day's sales.
    sender = issue(world.cashier_id, ["sales:write"])
    refused = api.get("/sales", sender)
    assert refused.status_code == 403 and refused.get_json()["code"] == "insufficient_scope"


def test_another_cooperatives_sales_are_not_found(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read", "sales:write", "sales:read"])
    karton = _karton(api, secret, world.items["minyak"])
    sent = api.post("/sales", secret, _sale(world, karton), key="find-2").get_json()
    from outlet_pos.core.tenancy import Cooperative
    from tests.api.conftest import quick_user

    with app.app_context():
        neighbour = quick_user("kasir-tetangga", "kasir",
                               db.session.get(Cooperative, world.other_coop_id)).id  # fmt: skip
    other = issue(neighbour, ["sales:read"], coop_id=world.other_coop_id)
    assert api.get(f"/sales?number={sent['number']}", other).get_json()["sales"] == []
    assert api.get(f"/sales?public_id={sent['public_id']}", other).get_json()["sales"] == []
