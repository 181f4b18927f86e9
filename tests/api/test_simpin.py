"""POST /savings/deposits and /loans/repayments: the unit's own services, known entries,
idempotent retries."""

from __future__ import annotations

from sqlalchemy import func, select

from outlet_pos.api.models import ApiIdempotency
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import LoanPayment, SavingsTxn
from tests.api.test_sales import _lines


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_cash_deposit_goes_into_the_drawer_and_the_members_sukarela(app, api, issue, world):
    secret = issue(world.cashier_id, ["savings:write", "members:read"])
    body = {"member_id": world.member_id, "kind": "sukarela", "amount": 50_000}
    resp = api.post("/savings/deposits", secret, body, key="dep-1")
    assert resp.status_code == 201, resp.get_json()
    dep = resp.get_json()
    assert (dep["kind"], dep["amount"], dep["balance_after"], dep["via"]) == (
        "sukarela", 50_000, 50_000, "tunai",
    )  # fmt: skip
    assert _lines(app, dep["journal_number"]) == [("111100", 50_000, 0), ("211200", 0, 50_000)]
    again = api.post("/savings/deposits", secret, body, key="dep-1")
    assert again.get_data() == resp.get_data() and again.headers["Idempotent-Replayed"] == "true"
    assert _count(app, SavingsTxn) == 1
    member = api.get(f"/members/{world.member_id}", secret).get_json()
    assert member["savings_totals"]["sukarela"] == 50_000


def test_a_transfer_deposit_needs_no_shift_but_cash_does(app, api, issue, world):
    secret = issue(world.manager_id, ["savings:write"])
    body = {"member_id": world.member_id, "kind": "wajib", "amount": 20_000, "via": "tunai"}
    resp = api.post("/savings/deposits", secret, body, key="w-1")
    assert resp.status_code == 422 and "shift" in resp.get_json()["error"]
    assert _count(app, SavingsTxn) == 0 and _count(app, ApiIdempotency) == 0
    resp = api.post("/savings/deposits", secret, {**body, "via": "transfer"}, key="w-1")
    assert resp.status_code == 201
    assert _lines(app, resp.get_json()["journal_number"]) == [
        ("112100", 20_000, 0),
        ("311200", 0, 20_000),
    ]


def test_a_deposit_the_rules_refuse_is_422_and_another_cooperatives_member_404(api, issue, world):
    secret = issue(world.cashier_id, ["savings:write"])
    # Simpanan pokok of this cooperative is Rp0: nothing is owed, nothing is taken.
    pokok = {"member_id": world.member_id, "kind": "pokok", "amount": 10_000}
    assert api.post("/savings/deposits", secret, pokok, key="p").status_code == 422
    other = {"member_id": world.other_member_id, "kind": "sukarela", "amount": 10_000}
    resp = api.post("/savings/deposits", secret, other, key="o")
    assert resp.status_code == 404 and resp.get_json()["field"] == "member_id"
    assert api.post("/savings/deposits", secret, {**other, "kind": "berjangka"}).status_code == 400


def test_a_repayment_pays_interest_then_principal_and_is_not_doubled(app, api, issue, world):
    secret = issue(world.cashier_id, ["loans:write", "members:read"])
    body = {"loan_id": world.loan_id, "amount": 112_000}
    resp = api.post("/loans/repayments", secret, body, key="ang-1")
    assert resp.status_code == 201, resp.get_json()
    pay = resp.get_json()
    # Flat 12% a year on Rp1.200.000 over 12 months: Rp100.000 principal + Rp12.000 interest.
    assert (pay["penalty"], pay["interest"], pay["principal"], pay["outstanding"]) == (
        0, 12_000, 100_000, 1_100_000,
    )  # fmt: skip
    assert pay["loan_status"] == "aktif"
    assert _lines(app, pay["journal_number"]) == [
        ("111100", 112_000, 0),
        ("113300", 0, 100_000),
        ("412100", 0, 12_000),
    ]
    again = api.post("/loans/repayments", secret, body, key="ang-1")
    assert again.get_data() == resp.get_data()
    assert _count(app, LoanPayment) == 1
    loan = api.get(f"/members/{world.member_id}", secret).get_json()["loans"][0]
    assert loan["outstanding"] == 1_100_000


def test_an_early_payoff_closes_the_loan(api, issue, world):
    secret = issue(world.cashier_id, ["loans:write", "members:read"])
    quote = api.get(f"/members/{world.member_id}", secret).get_json()["loans"][0]
    wrong = {"loan_id": world.loan_id, "amount": quote["payoff_today"] - 1, "payoff": True}
    assert api.post("/loans/repayments", secret, wrong, key="lunas").status_code == 422
    body = {"loan_id": world.loan_id, "amount": quote["payoff_today"], "payoff": True}
    pay = api.post("/loans/repayments", secret, body, key="lunas").get_json()
    assert pay["loan_status"] == "lunas" and pay["outstanding"] == 0
    assert pay["principal"] == 1_200_000 and pay["interest"] == 0
    resp = api.post("/loans/repayments", secret, {"loan_id": world.loan_id, "amount": 1_000},
                    key="after")  # fmt: skip
    assert resp.status_code == 422 and "lunas" in resp.get_json()["error"]


def test_paying_more_than_everything_owed_is_refused(app, api, issue, world):
    secret = issue(world.cashier_id, ["loans:write"])
    resp = api.post("/loans/repayments", secret, {"loan_id": world.loan_id, "amount": 5_000_000})
    assert resp.status_code == 422
    assert _count(app, LoanPayment) == 0
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(JournalEntry).where(JournalEntry.source == "loan")
            )
            == 1
        )  # the disbursement only


def test_an_unknown_loan_is_not_found(api, issue, world):
    secret = issue(world.cashier_id, ["loans:write"])
    resp = api.post("/loans/repayments", secret, {"loan_id": 999_999, "amount": 1_000})
    assert resp.status_code == 404 and resp.get_json()["field"] == "loan_id"
