"""Which POST routes the form fuzzer drives, as whom, with which URL arguments, in what order.

Every POST rule outside ``/api/`` is fuzzed unless ``EXCLUDED`` names it with a reason. A new
route lands in its blueprint's group by itself; the completeness test fails if its blueprint
is in no group, and the group's test fails if its form is on none of the pages its user can
open and ``FORM_NOT_SHOWN`` does not say why — so no route slips through unseen.
"""

from __future__ import annotations

from outlet_pos.core.access import LOGIN_ONLY, PERMISSIONS, PUBLIC
from tests.conftest import TEST_PASSWORD

# Routes left out, each with its reason. Empty is the goal.
_SYNC = "signed JSON between installations (core/sync/web.py), no form: the API fuzzer's half"
EXCLUDED: dict[str, str] = {"sync.register": _SYNC, "sync.push": _SYNC, "sync.master_data": _SYNC}

# Routes whose form the fuzz world's pages do not show (the button appears only in another
# state of the record), so the field names come from the view's code (``crawl.fields_from_code``).
FORM_NOT_SHOWN: dict[str, str] = {
    "admin.sync_now": "shown only on an outlet linked to a server",
    "admin.sync_issue_code": "shown only on a server installation",
    "admin.sync_publish": "shown only on a server installation",
    "kasir.checkout_json": "a JSON body built by static/js/kasir.js; fuzzed by values.carts",
    "apotek.duty_end": "shown only while the pharmacist is on duty",
    "bendahara.bank_line_unmatch": "shown only on a matched bank line",
    "bendahara.tax_pay": "shown only for a month with tax to pay",
    "bendahara.order_cancel": "shown only beside an open purchase order",
    "bendahara.shu_pay_sukarela": "the walk's SHU share is zero, so no payout buttons",
    "bendahara.shu_pay_cash": "the walk's SHU share is zero, so no payout buttons",
    "bendahara.shu_distribute": "shown only for a closed year with SHU",
    "bendahara.period_reopen": "shown only when a month is closed",
    "klinik.bill_void": "shown only on a paid bill; the walk's bill is of the other visit",
    "logistik.cod_collect": "shown only with COD parcels delivered and not yet collected",
    "lokal.agent_void": "shown only beside an agent transaction of the day",
    "lokal.lpg_subsidised": "shown only with items in the LPG unit's catalogue",
    "pupuk.item_mark": "shown only with fertilizer items in the catalogue",
    "sembako.count_submit": "shown only on a stock count with counted lines",
    "sembako.count_post": "shown only on a submitted stock count",
    "simpin.member_leave": "refused on the page while the member has a running loan",
    "simpin.member_credit_pay": "shown only when the member owes shop credit",
    "simpin.interest": "the posting form is shown only for a month with interest due",
    "simpin.loan_disburse": "shown only on an approved loan; the walk's is disbursed",
    "simpin.loan_writeoff_approve": "shown only after a write-off request",
    "simpin.loan_decide": "shown only on an applied loan; the walk's is disbursed",
    "simpin.products": "the seed button is shown only before products exist",
    "simpin.term_close": "shown only beside a term deposit",
}

# Tables a route writes on purpose when it refuses, each with its reason (DESIGN §4.3: failed
# logins and a supervisor's wrong password are audited and counted towards the lockout).
_COUNTED = ({"audit_event", "user_account"}, "a wrong password is audited and counted")
WRITES_ON_REFUSAL: dict[str, tuple[set[str], str]] = {
    "shell.login": _COUNTED,
    "kasir.refund_page": _COUNTED,
    "kasir.checkout_json": _COUNTED,
}

# Routes that answer an accepted submission with a 200 page instead of a redirect, and why.
ACCEPTED_WITH_200: dict[str, str] = {
    "admin.api_token_new": "the new token is shown once, on the answer page itself",
}

# The role that uses a route, by permission: the narrowest real user first (so checks in the
# code such as "not the person who applied" are met), the system admin only where nobody else.
ROLE_ORDER = ("kasir", "petugas_klinik", "apoteker", "petugas_logistik", "bendahara", "pengurus",
              "pendamping", "pengawas", "admin")  # fmt: skip

# Users other than ``r-<role>``: a cashier without an open shift (the walk's cashier has one,
# which hides the open-shift form), the user whose own password the fuzzer changes, and the
# clinic bill's void, which needs a role that can open the clinic's bill page too.
USER_FOR = {"kasir.shift_open": "fz-masuk", "shell.change_password": "fuzz-self",
            "klinik.bill_void": "r-pengurus", "shell.login": None}  # fmt: skip
USER_ROLE = {"fz-masuk": "kasir", "fuzz-self": "bendahara", None: None}

# What a careful user types where the field's name alone does not tell (``values.plausible``).
PLAUSIBLE_FOR = {"shell.login": {"username": "fz-masuk", "password": TEST_PASSWORD}}

# Routes that end or reshape the world the others need (a closed period refuses every later
# posting, a logout ends the session): each group runs them after its other routes.
LAST = ("shell.logout", "shell.choose_cooperative", "shell.set_language",
        "bendahara.year_close_post", "bendahara.period_close", "bendahara.period_waive",
        "bendahara.period_reopen", "kasir.shift_close", "admin.role_revoke", "admin.user_edit",
        "admin.user_password")  # fmt: skip

# The test's parameters: a POST route in a blueprint that maps to none of these fails the
# completeness test, so a new blueprint is added here on purpose.
GROUPS = ("admin", "bendahara", "kasir", "klinik", "logistik", "lokal", "pendamping", "pupuk",
          "sembako", "simpin")  # fmt: skip

# One group per blueprint (each builds its own world); small blueprints share a group.
GROUP_OF_BLUEPRINT = {"rencana": "pendamping", "apotek": "klinik", "shell": "admin"}


def user_for(endpoint: str, permission: str) -> str | None:
    """The username the fuzzer posts as; None is an anonymous client (the login form)."""
    if endpoint in USER_FOR:
        return USER_FOR[endpoint]
    if permission in (PUBLIC, LOGIN_ONLY):
        return "r-bendahara"
    return "r-" + next(role for role in ROLE_ORDER if role in PERMISSIONS[permission])


def role_of(username: str | None) -> str | None:
    return USER_ROLE[username] if username in USER_ROLE else username.removeprefix("r-")


def group_of(endpoint: str) -> str:
    blueprint = endpoint.split(".", 1)[0]
    return GROUP_OF_BLUEPRINT.get(blueprint, blueprint)


def post_rules(app) -> list:
    """Every POST rule the fuzzer owns (the JSON API has its own schema-driven fuzzer), the
    ones in ``LAST`` last."""
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    rules = [r for r in rules if not r.rule.startswith("/api/")]
    last = {endpoint: i for i, endpoint in enumerate(LAST, start=1)}
    return sorted(rules, key=lambda r: (last.get(r.endpoint, 0), r.rule))


def sample_overrides(endpoint: str, extra: dict) -> dict:
    """URL arguments that the route walk's shared sample table gets wrong for a POST route:
    keys two records modules both define (a clinic visit and a mentor's visit are both
    ``visit_id``; a clinic bill and a supplier bill ``bill_id``), the local unit a page
    belongs to, and the user the admin forms act on (a throwaway one, so a changed password
    or a revoked role does not sign a fuzzing user out)."""
    out: dict = {}
    if endpoint.startswith("klinik."):
        out["visit_id"] = extra["clinic_visit"]
    if endpoint == "bendahara.bill_pay":
        out["bill_id"] = extra["supplier_bill"]
    if endpoint.startswith("admin."):
        out["user_id"], out["membership_id"] = extra["victim"], extra["victim_membership"]
    if endpoint.startswith("lokal."):
        name = endpoint.split(".", 1)[1]
        kinds = ("agent", "cold", "fish", "lpg", "livestock")
        out["unit_id"] = extra["local_units"][
            next((k for k in kinds if name.startswith(k)), "fish")
        ]
    return out
