"""Sessions, passwords and lockout (DESIGN §4.3), proved against a stolen or planted cookie.

Sessions are Flask's signed cookies: whoever holds a copy holds the session. So the tests
here replay copies — one planted before login (fixation), one taken before logout, one from
before a password change — and expect each to be worth nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from outlet_pos.core.access import User, check_password_policy
from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import ValidationError
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_coop, make_user

PAGE = "/pembukuan/jurnal"  # any page that needs a signed-in user


@pytest.fixture
def sari(app) -> int:
    with app.app_context():
        coop = make_coop("Koperasi Sesi")
        return make_user("sari", "bendahara", coop).id


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _signed_in(client) -> bool:
    resp = client.get(PAGE)
    assert resp.status_code in (200, 302)
    return resp.status_code == 200


def test_a_session_planted_before_login_is_not_the_session_after_it(app, sari):
    client = app.test_client()
    client.get("/masuk")  # the login form starts a session (its CSRF token lives in it)
    with client.session_transaction() as s:
        s["planted"] = "penyerang"
    planted = _session_cookie(client)
    assert planted
    client.post("/masuk", data={"username": "sari", "password": TEST_PASSWORD})
    after = _session_cookie(client)
    assert after and after != planted
    with client.session_transaction() as s:
        assert "planted" not in s
    assert _signed_in(client)
    # The attacker's copy of the planted cookie did not become a signed-in session.
    assert not _signed_in(_with_cookie(app, planted))


def test_a_copy_of_the_session_taken_before_logout_is_dead_after_it(app, sari, login):
    client = app.test_client()
    login(client, "sari")
    stolen = _session_cookie(client)
    assert _signed_in(_with_cookie(app, stolen))
    assert client.post("/keluar").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_with_cookie(app, stolen))
    # Signing in again works, and the new session is not the stolen one.
    login(client, "sari")
    assert _signed_in(client) and _session_cookie(client) != stolen


def test_a_password_reset_by_the_admin_ends_the_users_sessions(app, sari, login):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import reset_password

    client = app.test_client()
    login(client, "sari")
    with app.app_context():
        user = db.session.get(User, sari)
        run_transaction(reset_password, user, "Sandi-Baru-Koperasi-7", None)
    assert not _signed_in(client)


def test_a_deactivated_user_loses_the_session_at_the_next_request(app, sari, login):
    from outlet_pos.core.db import run_transaction

    client = app.test_client()
    login(client, "sari")

    def deactivate():
        db.session.get(User, sari).active = False

    with app.app_context():
        run_transaction(deactivate)
    assert not _signed_in(client)


def test_session_cookies_are_httponly_samesite_and_secure_when_asked(app, sari, login):
    from outlet_pos import create_app

    resp = login(app.test_client(), "sari")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    behind_https = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    try:
        resp = login(behind_https.test_client(), "sari")
        assert "Secure" in resp.headers["Set-Cookie"]
    finally:
        with behind_https.app_context():
            db.engine.dispose()


def test_the_secure_cookie_switch_comes_from_the_environment(monkeypatch, tmp_path):
    from outlet_pos.config import from_environment

    monkeypatch.setenv("OUTLET_POS_INSTANCE", str(tmp_path))
    monkeypatch.setenv("OUTLET_POS_SECURE_COOKIES", "1")
    settings = from_environment()
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    # The secret key was generated into instance/, readable by its owner only.
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "password, message",
    [
        ("Pendek-1", "minimal 12"),
        ("x" * 129, "maksimal 128"),
        ("qwertyuiop123", "terlalu umum"),
        ("PASSWORD1234", "terlalu umum"),  # the list is matched without regard to case
        ("abababababababab", "terlalu umum"),  # long, but only two different characters
        ("Koperasi-sari-2025", "nama pengguna"),
    ],
)
def test_the_password_policy_refuses(password, message):
    with pytest.raises(ValidationError) as err:
        check_password_policy(password, "sari")
    assert message in err.value.message


def test_every_way_of_setting_a_password_applies_the_policy(app, ctx):
    """Creating a user and an admin's reset go through the same ``set_password``; the stored
    hash is a salted scrypt hash, never the password."""
    from outlet_pos.core.onboarding import create_user, reset_password

    with pytest.raises(ValidationError):
        create_user("budi", "Budi", "password1234")
    user = create_user("budi", "Budi", "Lumbung-Padi-Desa-9")
    with pytest.raises(ValidationError):
        reset_password(user, "123456789012")
    assert user.password_hash.startswith("scrypt:")
    assert "Lumbung-Padi-Desa-9" not in user.password_hash
    other = create_user("wati", "Wati", "Lumbung-Padi-Desa-9")
    assert other.password_hash != user.password_hash  # salted
    db.session.rollback()


def test_the_admin_form_refuses_a_weak_password_for_a_new_user(app, login):
    with app.app_context():
        make_user("r-admin", None, is_admin=True)
    client = app.test_client()
    login(client, "r-admin")
    resp = client.post(
        "/admin/pengguna/baru",
        data={
            "username": "lemah",
            "full_name": "Lemah",
            "password": "password1234",
            "confirm": "password1234",
        },
    )
    assert resp.status_code == 400 and "terlalu umum" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "lemah")) is None


def _fail(client, username: str = "sari"):
    return client.post("/masuk", data={"username": username, "password": "salah-sekali-123"})


def test_the_lockout_ends_after_its_minutes_and_a_success_resets_the_count(app, sari):
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert _fail(client).status_code == 401
    ok = {"username": "sari", "password": TEST_PASSWORD}
    assert client.post("/masuk", data=ok).status_code == 401  # locked: even the right one

    def rewind():
        user = db.session.get(User, sari)
        user.locked_until = utcnow() - timedelta(seconds=1)

    from outlet_pos.core.db import run_transaction

    with app.app_context():
        run_transaction(rewind)
    assert client.post("/masuk", data=ok).status_code == 302
    client.post("/keluar")
    # The count started again from zero: limit - 1 failures do not lock.
    for _ in range(limit - 1):
        _fail(client)
    assert client.post("/masuk", data=ok).status_code == 302
    with app.app_context():
        user = db.session.get(User, sari)
        assert user.locked_until is None and user.failed_logins == 0


def test_failures_against_an_unknown_user_lock_nothing_and_are_audited(app, sari):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        assert _fail(client, "tidak-ada").status_code == 401
    resp = client.post("/masuk", data={"username": "sari", "password": TEST_PASSWORD})
    assert resp.status_code == 302
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failed")
        ).all()
        assert len(rows) == app.config["LOGIN_MAX_FAILURES"] + 1
        assert {r.detail.get("username") for r in rows} == {"tidak-ada"}
        assert db.session.get(User, sari).failed_logins == 0


def test_the_login_page_never_redirects_off_site(app, sari):
    client = app.test_client()
    for target in ["https://jahat.example/", "//jahat.example/", "/\\jahat.example/"]:
        resp = client.post(
            "/masuk?next=" + target, data={"username": "sari", "password": TEST_PASSWORD}
        )
        assert resp.status_code == 302 and resp.headers["Location"] == "/", target
        client.post("/keluar")
