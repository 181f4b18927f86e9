"""Access control over the whole route map, tenant isolation, login security, CSRF, headers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.access import LOGIN_ONLY, PERMISSIONS, PUBLIC, ROLES
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_coop, make_user

# What each role must (True) or must not (False) be able to do, written out by hand so a
# mistake in PERMISSIONS itself is caught, not only a view that forgets its decorator.
EXPECTED = {
    "pos.sell": {"admin", "pengurus", "bendahara", "kasir", "apoteker"},
    "pos.refund": {"admin", "pengurus", "bendahara"},
    "pos.price_override": {"admin", "pengurus"},
    "catalog.edit": {"admin", "pengurus", "bendahara"},
    "stock.manage": {"admin", "pengurus", "bendahara"},
    "stock.approve": {"admin", "pengurus"},
    "purchase.manage": {"admin", "pengurus", "bendahara"},
    "ledger.view": {"admin", "pengurus", "bendahara", "pengawas", "pendamping"},
    "ledger.post": {"admin", "pengurus", "bendahara"},
    "ledger.reverse": {"admin", "pengurus", "bendahara"},
    "ledger.close": {"admin", "pengurus", "bendahara"},
    "ledger.reopen": {"admin", "pengurus"},
    "coa.edit": {"admin", "pengurus", "bendahara"},
    "audit.view": {"admin", "pengurus", "pengawas"},
    "expense.manage": {"admin", "pengurus", "bendahara"},
    "bank.manage": {"admin", "pengurus", "bendahara"},
    "asset.manage": {"admin", "pengurus", "bendahara"},
    "shu.manage": {"admin", "pengurus", "bendahara"},
    "shu.pay": {"admin", "pengurus", "bendahara", "kasir"},
    "admin.manage": {"admin"},
    "api.manage": {"admin", "pengurus"},
}


def test_the_permission_table_is_the_one_we_expect():
    for perm, roles in EXPECTED.items():
        assert PERMISSIONS[perm] == roles, perm


def test_every_route_declares_a_permission(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], "permission", None) is None
    ]
    assert missing == []


@pytest.fixture
def world(app):
    """Cooperative A with one user per role and one record of each kind; cooperative B."""
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post
    from outlet_pos.core.ledger.models import Account

    with app.app_context():
        a = make_coop("Koperasi A")
        b = make_coop("Koperasi B")
        users = {}
        for role in ROLES:
            if role == "admin":
                users[role] = make_user("r-admin", None, is_admin=True).id
            else:
                users[role] = make_user(f"r-{role}", role, a).id
        entry = run_transaction(
            post,
            a,
            date(2025, 5, 2),
            "Kas masuk",
            [("111100", 5_000, 0), ("411100", 0, 5_000)],
            source="manual",
        )
        b_entry = run_transaction(
            post,
            b,
            date(2025, 5, 2),
            "Kas B",
            [("111100", 7_000, 0), ("411100", 0, 7_000)],
            source="manual",
        )
        acc = db.session.scalar(
            select(Account).where(Account.cooperative_id == a.id, Account.code == "111200")
        )
        b_acc = db.session.scalar(
            select(Account).where(Account.cooperative_id == b.id, Account.code == "111100")
        )
        from outlet_pos.core.access import Membership
        from outlet_pos.core.tenancy import BusinessUnit, Outlet

        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == a.id))
        unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == a.id))
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == users["kasir"])
        )
        counter = _counter_records(a)
        extra = {**counter, **_pupuk_records(a, counter["sale"])}
        return {
            **extra,
            "samples": _plugin_records(a, users),
            "a": a.id,
            "b": b.id,
            "users": users,
            "entry": entry.id,
            "b_entry": b_entry.id,
            "account": acc.id,
            "b_account": b_acc.id,
            "outlet": outlet.id,
            "unit": unit.id,
            "membership": membership.id,
        }


def _plugin_records(coop, users: dict) -> dict:
    """Sample route arguments from ``tests/web/records_*.py``: each module's ``records(coop,
    users)`` makes one record of its kind in cooperative A and returns {argument: id}."""
    import importlib
    import pathlib

    samples: dict = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("records_*.py")):
        module = importlib.import_module(f"tests.web.{path.stem}")
        samples.update(module.records(coop, users))
    return samples


def _counter_records(coop, prefix: str = "r-") -> dict:
    """One record of each counter, stock and purchasing kind in cooperative A, so every
    route with an id in its URL has something real to open."""
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
    from outlet_pos.core.inventory.counting_models import StockCount
    from outlet_pos.core.purchasing.models import GoodsReceipt, Supplier, SupplierBill
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.shifts import open_shift
    from outlet_pos.core.tenancy import BusinessUnit, Outlet
    from tests.shop import stock_in

    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id))
    item = run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="T1",
        name="Teh celup",
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 5_000, 5_500, ["899100"])],
    )
    stock_in(coop, item, 10, 30_000)
    loc = default_location(coop, outlet, unit)
    cashier = db.session.scalar(select(User).where(User.username == f"{prefix}kasir"))
    shift = run_transaction(open_shift, coop, cashier, outlet, 0)
    sale = run_transaction(
        checkout, shift, [CartLine(item.id, qty=1)], [PaymentIn("tunai", 5_500)], user=cashier
    )

    def docs():
        supplier = Supplier(cooperative_id=coop.id, code="SUP1", name="CV Sumber Rejeki")
        db.session.add(supplier)
        db.session.flush()
        receipt = GoodsReceipt(
            cooperative_id=coop.id,
            supplier_id=supplier.id,
            outlet_id=outlet.id,
            number="GRN-T-1",
            date=date(2025, 5, 2),
            total=0,
        )
        count = StockCount(
            cooperative_id=coop.id, location_id=loc.id, number="SO-T-1", date=date(2025, 5, 2)
        )
        db.session.add_all([receipt, count])
        db.session.flush()
        bill = SupplierBill(
            cooperative_id=coop.id,
            supplier_id=supplier.id,
            receipt_id=receipt.id,
            number="BILL-T-1",
            date=date(2025, 5, 2),
            due_date=date(2025, 6, 1),
            amount=0,
        )
        db.session.add(bill)
        db.session.flush()
        return supplier.id, receipt.id, count.id, bill.id

    supplier_id, receipt_id, count_id, bill_id = run_transaction(docs)
    simpin = _simpin_records(coop, shift, cashier, prefix)
    return {
        **simpin,
        "item": item.id,
        "sale": sale.id,
        "shift": shift.id,
        "location": loc.id,
        "supplier": supplier_id,
        "receipt": receipt_id,
        "count": count_id,
        "bill": bill_id,
    }


def _simpin_records(coop, shift, cashier, prefix: str = "r-") -> dict:
    """A member with a sukarela account and a disbursed loan (simpan pinjam routes)."""
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post
    from outlet_pos.units.simpan_pinjam import loan_products, loans, savings
    from outlet_pos.units.simpan_pinjam.members import register_member

    def action():
        post(
            coop,
            coop.today(),
            "Hibah",
            [("112100", 10**9, 0), ("312100", 0, 10**9)],
            source="manual",
        )
        member = register_member(
            coop, {"name": "Anggota Uji", "nik": "3201011205850001"}, cashier, via="transfer"
        )
        account = savings.account_for(coop, member, "sukarela")
        savings.deposit(coop, account, 50_000, cashier, via="transfer")
        product = loan_products.ensure_products(coop)[0]
        applicant = db.session.scalar(select(User).where(User.username == f"{prefix}bendahara"))
        approver = db.session.scalar(select(User).where(User.username == f"{prefix}pengurus"))
        loan = loans.apply(
            coop, member, product, 3_000_000, product.min_months, applicant, purpose="Modal usaha"
        )
        loans.decide(coop, loan, True, approver)
        loans.disburse(coop, loan, cashier, via="transfer")
        return {
            "member": member.id,
            "savings": account.id,
            "loan": loan.id,
            "loan_product": product.id,
            "savings_product": account.product_id,
        }

    return run_transaction(action)


def _pupuk_records(coop, sale_id: int, prefix: str = "r-") -> dict:
    """A farmer with an allocation and one redemption record (fertilizer routes)."""
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.units.pupuk.models import Allocation, Farmer, Redemption

    def action():
        farmer = Farmer(cooperative_id=coop.id, nik="3201011205850002", name="Petani Uji",
                        poktan="Tani Makmur")  # fmt: skip
        db.session.add(farmer)
        db.session.flush()
        alloc = Allocation(cooperative_id=coop.id, farmer_id=farmer.id, fertilizer_type="urea",
                           season="2025-MT2", kg=Decimal(100), redeemed_kg=Decimal(10))  # fmt: skip
        db.session.add(alloc)
        db.session.flush()
        cashier = db.session.scalar(select(User).where(User.username == f"{prefix}kasir"))
        red = Redemption(cooperative_id=coop.id, farmer_id=farmer.id, allocation_id=alloc.id,
                         fertilizer_type="urea", season="2025-MT2", kg=Decimal(10), amount=18_000,
                         day=date(2025, 5, 2), sale_id=sale_id, cashier_id=cashier.id)  # fmt: skip
        db.session.add(red)
        db.session.flush()
        return {"farmer": farmer.id, "allocation": alloc.id, "redemption": red.id}

    return run_transaction(action)


def _sample_args(rule, world) -> dict:
    samples = {
        "item_id": world["item"],
        "sale_id": world["sale"],
        "shift_id": world["shift"],
        "location_id": world["location"],
        "supplier_id": world["supplier"],
        "receipt_id": world["receipt"],
        "count_id": world["count"],
        "bill_id": world["bill"],
        "fmt": "pdf",
        "width": 58,
        "entry_id": world["entry"],
        "account_id": world["account"],
        "code": "id",
        "coop_id": world["a"],
        "cooperative_id": world["a"],
        "user_id": world["users"]["kasir"],
        "outlet_id": world["outlet"],
        "unit_id": world["unit"],
        "membership_id": world["membership"],
        "member_id": world["member"],
        "savings_id": world["savings"],
        "loan_id": world["loan"],
        "product_id": world["loan_product"],
        "savings_product_id": world["savings_product"],
        "farmer_id": world["farmer"],
        "redemption_id": world["redemption"],
        "allocation_id": world["allocation"],
        "table": "anggota_koperasi",
        "year": 2025,
        "month": 5,
        **world["samples"],
    }
    unknown = set(rule.arguments) - set(samples)
    assert not unknown, f"add a sample value for {unknown} ({rule.endpoint})"
    return {k: samples[k] for k in rule.arguments}


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, method


def test_every_route_answers_every_role_as_its_permission_says(app, world, login):
    failures = []
    for role in ["anonymous", *ROLES]:
        client = app.test_client()
        if role != "anonymous":
            login(client, f"r-{role}")
            with client.session_transaction() as s:
                s["coop_id"] = world["a"]
        for rule, method in _routes(app):
            perm = app.view_functions[rule.endpoint].permission
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **_sample_args(rule, world))
            resp = client.open(url, method=method)
            status = resp.status_code
            if perm == PUBLIC:
                ok = status < 500 and status != 403
            elif hasattr(app.view_functions[rule.endpoint], "api_operation"):
                ok = status == 401  # API v1: a bearer token, never the session, authenticates
            elif role == "anonymous":
                ok = status == 302 and "/masuk" in resp.headers.get("Location", "")
            elif rule.endpoint == "shell.logout":
                ok = status == 302
            elif perm == LOGIN_ONLY or role in PERMISSIONS[perm]:
                ok = status in (200, 302, 400) and "/masuk" not in resp.headers.get("Location", "")
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{role:16} {method:4} {rule.rule:45} {perm:14} -> {status}")
            if rule.endpoint == "shell.logout" and role != "anonymous":
                login(client, f"r-{role}")
                with client.session_transaction() as s:
                    s["coop_id"] = world["a"]
    assert failures == [], "\n".join(failures)


def test_another_cooperatives_records_are_not_found(app, world, login):
    client = app.test_client()
    login(client, "r-bendahara")
    for url in [
        f"/pembukuan/jurnal/{world['b_entry']}",
        f"/pembukuan/buku-besar/{world['b_account']}",
        "/pembukuan/jurnal/999999",
        "/pembukuan/jurnal/abc",
    ]:
        assert client.get(url).status_code == 404, url
    resp = client.post(
        f"/pembukuan/jurnal/{world['b_entry']}/balik", data={"date": "2025-05-03", "reason": "coba"}
    )
    assert resp.status_code == 404
    resp = client.post(f"/pembukuan/akun/{world['b_account']}/status", data={"active": "0"})
    assert resp.status_code == 404
    # Choosing a cooperative one holds no role in is also a 404.
    assert client.post("/koperasi", data={"cooperative_id": world["b"]}).status_code == 404


def test_a_session_pointing_at_a_foreign_cooperative_is_ignored(app, world, login):
    client = app.test_client()
    login(client, "r-bendahara")
    with client.session_transaction() as s:
        s["coop_id"] = world["b"]
    page = client.get("/pembukuan/jurnal").get_data(as_text=True)
    assert "Kas masuk" in page and "Kas B" not in page


def test_repeated_failures_lock_the_account_and_are_audited(app, client):
    from outlet_pos.core.access import User
    from outlet_pos.core.audit import AuditEvent

    with app.app_context():
        make_user("siti", None)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        resp = client.post("/masuk", data={"username": "siti", "password": "salah-sekali-123"})
        assert resp.status_code == 401
    resp = client.post("/masuk", data={"username": "siti", "password": TEST_PASSWORD})
    assert resp.status_code == 401
    assert "dikunci" in resp.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "siti"))
        assert user.locked_until is not None
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failed") == limit - 1
    assert "login.lockout" in actions and "login.locked" in actions


def test_unknown_user_and_wrong_password_get_the_same_message(app, client):
    with app.app_context():
        make_user("budi", None)
    a = client.post("/masuk", data={"username": "budi", "password": "bukan-sandinya-1"})
    b = client.post("/masuk", data={"username": "tidakada", "password": "bukan-sandinya-1"})
    assert a.status_code == b.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in a.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in b.get_data(as_text=True)


def test_login_throttling_answers_429(app):
    from outlet_pos import create_app
    from outlet_pos.extensions import limiter

    throttled = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "LOGIN_RATE_LIMIT": "3 per minute",
            "RATELIMIT_ENABLED": True,
        }
    )
    try:
        client = throttled.test_client()
        codes = [
            client.post("/masuk", data={"username": "x", "password": "y" * 12}).status_code
            for _ in range(5)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    finally:
        # Flask-Limiter keeps one switch per extension object, shared by every test app.
        limiter.enabled = False
        with throttled.app_context():
            db.engine.dispose()


def test_a_form_without_its_csrf_token_is_refused(app):
    from outlet_pos import create_app

    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    with strict.app_context():
        make_user("rina", None)
    client = strict.test_client()
    resp = client.post("/masuk", data={"username": "rina", "password": TEST_PASSWORD})
    assert resp.status_code == 400
    assert "token CSRF" in resp.get_data(as_text=True)
    # With the token from the form the same login succeeds.
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    resp = client.post(
        "/masuk", data={"username": "rina", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    with strict.app_context():
        db.engine.dispose()


def test_pages_carry_security_headers_and_safe_cookies(app, client, login):
    with app.app_context():
        make_user("dewi", None)
    resp = login(client, "dewi")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/masuk")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_login_starts_a_fresh_session(app, client, world):
    with client.session_transaction() as s:
        s["coop_id"] = world["b"]
        s["planted"] = "penyerang"
    client.post("/masuk", data={"username": "r-kasir", "password": TEST_PASSWORD})
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s.get("coop_id") in (None, world["a"])


def test_changing_the_password_ends_other_sessions(app, world, login):
    first, second = app.test_client(), app.test_client()
    login(first, "r-bendahara")
    login(second, "r-bendahara")
    resp = first.post(
        "/akun-saya/kata-sandi",
        data={
            "current": TEST_PASSWORD,
            "password": "Sandi-Baru-Sukamaju-9",
            "confirm": "Sandi-Baru-Sukamaju-9",
        },
    )
    assert resp.status_code == 302
    assert first.get("/pembukuan/jurnal").status_code == 200
    assert second.get("/pembukuan/jurnal").status_code == 302  # back to the login page


@pytest.mark.parametrize(
    "password, message",
    [
        ("pendek123", "minimal 12"),
        ("password1234", "terlalu umum"),
        ("r-bendahara-panjang", "nama pengguna"),
    ],
)
def test_the_password_policy_refuses_weak_passwords(app, world, login, password, message):
    client = app.test_client()
    login(client, "r-bendahara")
    resp = client.post(
        "/akun-saya/kata-sandi",
        data={"current": TEST_PASSWORD, "password": password, "confirm": password},
    )
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)


def test_audit_rows_record_who_and_from_where(app, world, login):
    from outlet_pos.core.audit import AuditEvent

    client = app.test_client()
    login(client, "r-pengurus")
    with app.app_context():
        row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
        assert row.user_id == world["users"]["pengurus"] and row.ip == "127.0.0.1"
        assert db.session.scalar(select(func.count(AuditEvent.id))) >= 1
    page = client.get("/audit").get_data(as_text=True)
    assert "Masuk" in page and "r-pengurus" in page


def test_the_shell_switches_to_english_and_back(app, world, login):
    client = app.test_client()
    login(client, "r-bendahara")
    assert "Neraca saldo" in client.get("/").get_data(as_text=True)
    client.post("/bahasa/en", data={"next": "/"})
    page = client.get("/pembukuan/neraca-saldo").get_data(as_text=True)
    assert "Trial balance" in page and "Opening balance" in page and 'lang="en"' in page
    client.post("/bahasa/id", data={"next": "/"})
    assert "Neraca saldo" in client.get("/").get_data(as_text=True)
    assert client.post("/bahasa/xx").status_code == 404


def test_the_audit_page_shows_user_administration_of_this_cooperatives_people(app, world, login):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import unlock_user

    with app.app_context():
        outsider = make_user("orang-luar", None)
        kasir = db.session.get(User, world["users"]["kasir"])
        run_transaction(unlock_user, kasir, None)
        run_transaction(unlock_user, outsider, None)
    client = app.test_client()
    login(client, "r-pengawas")
    page = client.get("/audit?action=user.unlock").get_data(as_text=True)
    assert "r-kasir" in page and "orang-luar" not in page
    page = client.get("/audit?date_from=2000-01-01&date_to=2000-01-02").get_data(as_text=True)
    assert "Belum ada catatan" in page
