"""The installation admin's pages: cooperatives, outlets, units, users and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD

STRONG = "Sawah-Hijau-Subur-77"


def coop_form(**overrides) -> dict:
    data = {
        "name": "Koperasi Desa Merah Putih Sukamakmur",
        "legal_number": "AHU-0001234.AH.01.29.TAHUN 2025",
        "nik_koperasi": "3201010010001",
        "npwp": "01.234.567.8-901.000",
        "is_pkp": "y",
        "address": "Jl. Raya Desa No. 1",
        "desa": "Sukamakmur",
        "kecamatan": "Ciawi",
        "kabupaten": "Kab. Bogor",
        "provinsi": "Jawa Barat",
        "region_code": "32.01.01.2001",
        "timezone": "WIB",
        "fiscal_year_start_month": "1",
        "simpanan_pokok_amount": "100.000",
        "simpanan_wajib_amount": "10.000",
        "cadangan": "40", "jasa_modal": "20", "jasa_usaha": "20", "pengurus": "5",
        "karyawan": "5", "pendidikan": "5", "sosial": "5",
    }  # fmt: skip
    data.update(overrides)
    return data


def actions(app) -> list[str]:
    from outlet_pos.core.audit import AuditEvent
    from outlet_pos.extensions import db

    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def count(app, model, *where) -> int:
    from outlet_pos.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def admin_client(client, web_user, login):
    web_user("boss", None, is_admin=True)
    login(client, "boss")
    return client


def user_id(app, username: str) -> int:
    from outlet_pos.core.access import User
    from outlet_pos.extensions import db

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


# --- cooperatives ----------------------------------------------------------------------


def test_admin_creates_a_cooperative_through_the_form_with_its_chart_of_accounts(app, admin_client):
    from outlet_pos.core.ledger.models import Account
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.extensions import db

    resp = admin_client.post("/admin/koperasi/baru", data=coop_form(sosial="5"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with app.app_context():
        coop = db.session.scalar(
            select(Cooperative).where(Cooperative.name == "Koperasi Desa Merah Putih Sukamakmur")
        )
        assert coop is not None
        assert resp.headers["Location"].endswith(f"/admin/koperasi/{coop.id}")
        assert coop.npwp == "0012345678901000"
        assert coop.is_pkp is True
        assert coop.simpanan_pokok_amount == 100_000
        assert coop.simpanan_wajib_amount == 10_000
        assert coop.shu_allocation["cadangan"] == 40
        coop_id = coop.id
    assert count(app, Account, Account.cooperative_id == coop_id) > 50
    assert count(app, Account, Account.cooperative_id == coop_id, Account.code == "111100") == 1
    assert "cooperative.create" in actions(app)

    listing = admin_client.get("/admin/koperasi").get_data(as_text=True)
    assert "Koperasi Desa Merah Putih Sukamakmur" in listing and "Kab. Bogor" in listing
    detail = admin_client.get(f"/admin/koperasi/{coop_id}")
    assert detail.status_code == 200
    assert "0012345678901000" in detail.get_data(as_text=True)


def test_shu_allocation_not_summing_to_100_is_refused_beside_the_fields(app, admin_client):
    from outlet_pos.core.audit import AuditEvent
    from outlet_pos.core.tenancy import Cooperative

    coops_before = count(app, Cooperative)
    audits_before = count(app, AuditEvent)
    resp = admin_client.post("/admin/koperasi/baru", data=coop_form(sosial="0"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Pembagian SHU harus berjumlah 100%; sekarang 95%." in page
    assert 'value="Kab. Bogor"' in page  # what was typed is kept
    assert count(app, Cooperative) == coops_before
    assert count(app, AuditEvent) == audits_before


def test_bad_npwp_is_refused_beside_the_field_and_nothing_is_written(app, admin_client):
    from outlet_pos.core.tenancy import Cooperative

    before = count(app, Cooperative)
    resp = admin_client.post("/admin/koperasi/baru", data=coop_form(npwp="12345"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "NPWP harus 16 digit" in page
    assert 'value="12345"' in page
    assert count(app, Cooperative) == before


def test_form_messages_are_indonesian_not_wtforms_english(admin_client):
    resp = admin_client.post(
        "/admin/koperasi/baru",
        data=coop_form(
            name="", timezone="CET", fiscal_year_start_month="13", cadangan="4o", npwp="12345"
        ),
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "NPWP harus 16 digit" in page  # shown together with the other mistakes
    assert "Nama koperasi wajib diisi." in page
    assert "Pilihan tidak valid." in page
    assert "Isi dengan bilangan bulat" in page
    assert "Not a valid" not in page and "This field" not in page


def test_admin_edits_a_cooperative_and_adds_outlets_and_units(app, admin_client, web_coop):
    from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
    from outlet_pos.extensions import db

    page = admin_client.get(f"/admin/koperasi/{web_coop}/ubah")
    assert page.status_code == 200 and 'value="Koperasi Desa Merah Putih Uji"' in page.get_data(
        as_text=True
    )
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/ubah",
        data=coop_form(name="Koperasi Uji Baru", timezone="WIT", cadangan="30", jasa_modal="30"),
    )
    assert resp.status_code == 302
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/gerai",
        data={"gerai-code": "gr02", "gerai-name": "Gerai Dusun Dua"},
    )
    assert resp.status_code == 302
    # A code already used is refused beside the field, keeping what was typed.
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/gerai",
        data={"gerai-code": "GR01", "gerai-name": "Gerai Kembar"},
    )
    assert resp.status_code == 400
    assert "Kode gerai GR01 sudah dipakai." in resp.get_data(as_text=True)
    assert 'value="Gerai Kembar"' in resp.get_data(as_text=True)
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id).where(Outlet.code == "GR02"))
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/unit",
        data={
            "unit-code": "apotek",
            "unit-name": "Apotek Desa",
            "unit-kind": "apotek",
            "unit-outlet": str(outlet_id),
            "unit-active": "y",
        },
    )
    assert resp.status_code == 302
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/unit",
        data={"unit-code": "x", "unit-name": "X", "unit-kind": "kapal"},
    )
    assert resp.status_code == 400 and "Pilihan tidak valid." in resp.get_data(as_text=True)
    with app.app_context():
        unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.code == "apotek"))
        assert unit.outlet_id == outlet_id and unit.active
        unit_id = unit.id
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/unit/{unit_id}",
        data={
            "unit-code": "apotek",
            "unit-name": "Apotek Sehat",
            "unit-kind": "apotek",
            "unit-outlet": "",
        },
    )
    assert resp.status_code == 302
    resp = admin_client.post(
        f"/admin/koperasi/{web_coop}/gerai/{outlet_id}",
        data={"gerai-code": "GR02", "gerai-name": "Gerai Dusun II", "gerai-address": "Dusun II"},
    )
    assert resp.status_code == 302
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        assert (coop.name, coop.timezone) == ("Koperasi Uji Baru", "WIT")
        assert coop.shu_allocation["jasa_modal"] == 30
        unit = db.session.get(BusinessUnit, unit_id)
        assert (unit.name, unit.outlet_id, unit.active) == ("Apotek Sehat", None, False)
        assert db.session.get(Outlet, outlet_id).address == "Dusun II"
    log = actions(app)
    assert log.count("cooperative.update") == 1
    assert log.count("outlet.save") >= 2 and log.count("unit.save") >= 2
    detail = admin_client.get(f"/admin/koperasi/{web_coop}").get_data(as_text=True)
    assert "Gerai Dusun II" in detail and "Apotek Sehat" in detail


def test_ids_that_do_not_exist_are_404(app, admin_client, web_coop):
    from outlet_pos.core.tenancy import Outlet
    from outlet_pos.extensions import db

    assert admin_client.get("/admin/koperasi/999999").status_code == 404
    assert admin_client.get("/admin/pengguna/999999").status_code == 404
    other = admin_client.post("/admin/koperasi/baru", data=coop_form(name="Koperasi Lain"))
    assert other.status_code == 302
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id).where(Outlet.cooperative_id == web_coop))
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    # An outlet addressed through another cooperative does not exist there.
    assert admin_client.get(f"/admin/koperasi/{other_id}/gerai/{outlet_id}").status_code == 404


# --- users and roles -------------------------------------------------------------------


def test_weak_password_is_refused_in_indonesian_and_no_user_is_written(app, admin_client):
    from outlet_pos.core.access import User

    before, log_before = count(app, User), actions(app)
    resp = admin_client.post(
        "/admin/pengguna/baru",
        data={
            "username": "rina",
            "full_name": "Rina Marlina",
            "password": "password1234",
            "confirm": "password1234",
        },
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Kata sandi ini terlalu umum dan mudah ditebak." in page
    assert 'value="Rina Marlina"' in page
    assert count(app, User) == before
    assert actions(app) == log_before

    resp = admin_client.post(
        "/admin/pengguna/baru",
        data={"username": "rina", "full_name": "Rina", "password": STRONG, "confirm": STRONG + "x"},
    )
    assert resp.status_code == 400
    assert "Kedua kata sandi tidak sama." in resp.get_data(as_text=True)
    assert count(app, User) == before


def test_granted_role_gives_access_and_revoking_takes_it_away(
    app, admin_client, client, web_coop, login
):
    from outlet_pos.core.access import Membership, User
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.extensions import db

    resp = admin_client.post(
        "/admin/pengguna/baru",
        data={
            "username": "siti",
            "full_name": "Siti Rahmawati",
            "password": STRONG,
            "confirm": STRONG,
        },
    )
    assert resp.status_code == 302
    siti = user_id(app, "siti")
    assert resp.headers["Location"].endswith(f"/admin/pengguna/{siti}")
    for role in ("bendahara", "pengurus"):
        resp = admin_client.post(
            f"/admin/pengguna/{siti}/peran",
            data={"cooperative": str(web_coop), "role": role, "unit": ""},
        )
        assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    # The same role twice is refused beside the role select.
    resp = admin_client.post(
        f"/admin/pengguna/{siti}/peran", data={"cooperative": str(web_coop), "role": "bendahara"}
    )
    assert resp.status_code == 400
    assert "Pengguna sudah memiliki peran ini." in resp.get_data(as_text=True)
    resp = admin_client.post(
        f"/admin/pengguna/{siti}/peran", data={"cooperative": str(web_coop), "role": "admin"}
    )
    assert resp.status_code == 400 and "Pilihan tidak valid." in resp.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, siti)
        coop = db.session.get(Cooperative, web_coop)
        assert user.can("ledger.post", coop) and user.can("audit.view", coop)
    listing = admin_client.get("/admin/pengguna").get_data(as_text=True)
    assert "Siti Rahmawati" in listing and "Bendahara" in listing

    siti_client = app.test_client()
    login(siti_client, "siti", STRONG)
    assert siti_client.get("/pembukuan/jurnal").status_code == 200
    assert siti_client.get("/audit").status_code == 200

    with app.app_context():
        held = db.session.execute(
            select(Membership.id, Membership.role).where(Membership.user_id == siti)
        ).all()
    # A form naming another role (a stale page) revokes nothing.
    stale = admin_client.post(
        f"/admin/pengguna/{siti}/peran/{held[0].id}/cabut", data={"role": "kasir"}
    )
    assert stale.status_code == 400 and "sudah berubah" in stale.get_data(as_text=True)
    assert (
        admin_client.post(
            f"/admin/pengguna/999999/peran/{held[0].id}/cabut", data={"role": held[0].role}
        ).status_code
        == 404
    )
    assert count(app, Membership, Membership.user_id == siti) == 2
    for mid, role in held:
        resp = admin_client.post(f"/admin/pengguna/{siti}/peran/{mid}/cabut", data={"role": role})
        assert resp.status_code == 302
    assert count(app, Membership, Membership.user_id == siti) == 0
    assert siti_client.get("/pembukuan/jurnal").status_code == 403
    assert siti_client.get("/audit").status_code == 403
    log = actions(app)
    assert log.count("user.create") == 2  # boss (fixture) and siti
    assert log.count("role.grant") == 2  # the refused duplicate left no row
    assert log.count("role.revoke") == 2


def test_role_can_be_scoped_to_a_unit_of_that_cooperative_only(
    app, admin_client, web_coop, web_user
):
    from outlet_pos.core.access import Membership
    from outlet_pos.core.tenancy import BusinessUnit
    from outlet_pos.extensions import db

    kasir = web_user("dewi", None)
    other = admin_client.post("/admin/koperasi/baru", data=coop_form(name="Koperasi Lain"))
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        unit_id = db.session.scalar(
            select(BusinessUnit.id).where(
                BusinessUnit.cooperative_id == web_coop, BusinessUnit.code == "sembako"
            )
        )
    resp = admin_client.post(
        f"/admin/pengguna/{kasir}/peran",
        data={"cooperative": str(other_id), "role": "kasir", "unit": str(unit_id)},
    )
    assert resp.status_code == 400
    assert "Unit tidak dikenal di koperasi ini." in resp.get_data(as_text=True)
    resp = admin_client.post(
        f"/admin/pengguna/{kasir}/peran",
        data={"cooperative": str(web_coop), "role": "kasir", "unit": str(unit_id)},
    )
    assert resp.status_code == 302
    with app.app_context():
        m = db.session.scalar(select(Membership).where(Membership.user_id == kasir))
        assert (m.role, m.unit_id) == ("kasir", unit_id)


def test_unlock_clears_a_lockout(app, admin_client, client, web_user, login):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction, utcnow
    from outlet_pos.extensions import db

    uid = web_user("bendahara", "bendahara")
    with app.app_context():

        def lock():
            user = db.session.get(User, uid)
            user.locked_until = utcnow() + timedelta(minutes=15)
            user.failed_logins = 3

        run_transaction(lock)
    other = app.test_client()
    refused = other.post("/masuk", data={"username": "bendahara", "password": TEST_PASSWORD})
    assert refused.status_code == 401 and "Akun dikunci" in refused.get_data(as_text=True)
    page = admin_client.get(f"/admin/pengguna/{uid}").get_data(as_text=True)
    assert "terkunci sampai" in page
    assert admin_client.post(f"/admin/pengguna/{uid}/buka-kunci").status_code == 302
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.locked_until is None and user.failed_logins == 0
    assert "user.unlock" in actions(app)
    login(other, "bendahara")


def test_admin_edits_a_user_and_resets_the_password(app, admin_client, web_user, login):
    from outlet_pos.core.access import User
    from outlet_pos.core.audit import AuditEvent
    from outlet_pos.extensions import db

    uid = web_user("kasir", "kasir")
    kasir_client = app.test_client()
    login(kasir_client, "kasir")
    resp = admin_client.post(
        f"/admin/pengguna/{uid}", data={"full_name": "Dewi Lestari", "active": "y"}
    )
    assert resp.status_code == 302
    resp = admin_client.post(
        f"/admin/pengguna/{uid}/kata-sandi",
        data={"password": "kasir12345678", "confirm": "kasir12345678"},
    )
    assert resp.status_code == 400
    assert "Kata sandi tidak boleh memuat nama pengguna." in resp.get_data(as_text=True)
    resp = admin_client.post(
        f"/admin/pengguna/{uid}/kata-sandi", data={"password": STRONG, "confirm": STRONG}
    )
    assert resp.status_code == 302
    # The old session died with the old password.
    assert kasir_client.get("/").status_code == 302
    login(app.test_client(), "kasir", STRONG)
    resp = admin_client.post(f"/admin/pengguna/{uid}", data={"full_name": "Dewi Lestari"})
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.get(User, uid)
        assert (user.full_name, user.active) == ("Dewi Lestari", False)
        updates = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.update").order_by(AuditEvent.id)
        ).all()
        assert [e.detail for e in updates] == [
            {"full_name": ["Kasir", "Dewi Lestari"]},
            {"active": [True, False]},
        ]
    assert "password.change" in actions(app)
    refused = app.test_client().post("/masuk", data={"username": "kasir", "password": STRONG})
    assert refused.status_code == 401


def test_admin_cannot_deactivate_or_unadmin_themselves(app, admin_client):
    from outlet_pos.core.access import User
    from outlet_pos.extensions import db

    me = user_id(app, "boss")
    resp = admin_client.post(f"/admin/pengguna/{me}", data={"full_name": "Boss", "is_admin": "y"})
    assert resp.status_code == 400
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/pengguna/{me}", data={"full_name": "Boss", "active": "y"})
    assert resp.status_code == 400
    assert "Anda tidak dapat mencabut hak admin dari akun Anda sendiri." in resp.get_data(
        as_text=True
    )
    with app.app_context():
        user = db.session.get(User, me)
        assert user.active and user.is_admin
    assert "user.update" not in actions(app)
    assert admin_client.get("/admin/pengguna").status_code == 200


# --- permissions -----------------------------------------------------------------------


# API tokens live in the admin workspace but are every user's own (tests/api covers them).
OWN_TOKENS = ("admin.api_tokens", "admin.api_token_new", "admin.api_token_revoke")


def _admin_rules(app) -> list:
    return [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("admin.") and r.endpoint not in OWN_TOKENS
    ]


def test_every_admin_route_requires_admin_manage(app):
    rules = _admin_rules(app)
    assert {"admin.cooperatives", "admin.users"} <= {r.endpoint for r in rules}
    for rule in rules:
        assert getattr(app.view_functions[rule.endpoint], "permission", None) == "admin.manage"


def test_a_non_admin_gets_403_on_every_admin_page(app, client, web_coop, web_user, login):
    from outlet_pos.core.access import Membership
    from outlet_pos.core.tenancy import BusinessUnit, Outlet
    from outlet_pos.extensions import db

    uid = web_user("bendahara", "bendahara")
    with app.app_context():
        ids = {
            "coop_id": web_coop,
            "user_id": uid,
            "outlet_id": db.session.scalar(select(Outlet.id)),
            "unit_id": db.session.scalar(select(BusinessUnit.id)),
            "membership_id": db.session.scalar(select(Membership.id)),
        }
    login(client, "bendahara")
    before = actions(app)
    rules = _admin_rules(app)
    assert len(rules) >= 12
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        resp = client.open(
            url,
            method=method,
            data={
                "full_name": "x",
                "active": "y",
                "cooperative": str(web_coop),
                "role": "pengurus",
            },
        )
        assert resp.status_code == 403, (rule.endpoint, url, resp.status_code)
    assert actions(app) == before  # nothing happened


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client):
    resp = client.get("/admin/koperasi")
    assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]
