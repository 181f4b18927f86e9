"""The Sinkron page (admin workspace), the cashier's sync badge, the mentor's sync column, and
the ``outlet-pos sync`` commands."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from outlet_pos.core.sync.models import MasterData, SyncInstallation
from outlet_pos.extensions import db


def test_an_outlet_not_yet_registered_is_offered_the_registration_form(app, web_user, login):
    web_user("admsync", None, is_admin=True)
    client = app.test_client()
    login(client, "admsync")
    page = client.get("/admin/sinkron").get_data(as_text=True)
    assert "belum terdaftar ke server kabupaten" in page
    assert "Kode pendaftaran" in page and "Gerai yang terdaftar" not in page
    bad = client.post("/admin/sinkron/daftar", data={"server_url": "ftp://x", "code": "ABCD"})
    assert bad.status_code == 400
    assert "harus diawali http://" in bad.get_data(as_text=True)
    empty = client.post("/admin/sinkron/daftar", data={})
    assert empty.status_code == 400 and "Wajib diisi." in empty.get_data(as_text=True)


def test_sync_now_without_registration_says_so_and_changes_nothing(app, web_user, login):
    web_user("admsync2", None, is_admin=True)
    client = app.test_client()
    login(client, "admsync2")
    resp = client.post("/admin/sinkron/kirim", follow_redirects=True)
    assert "belum terdaftar ke server sinkron" in resp.get_data(as_text=True)


def test_a_server_admin_issues_a_code_and_publishes_master_data(app, web_user, login):
    web_user("admserver", None, is_admin=True)
    client = app.test_client()
    login(client, "admserver")
    app.config["SYNC_SERVER"] = True
    try:
        resp = client.post(
            "/admin/sinkron/kode",
            data={"name": "Koperasi Desa Baru", "timezone": "WIT"},
            follow_redirects=True,
        )
        page = resp.get_data(as_text=True)
        assert "Kode pendaftaran untuk Koperasi Desa Baru" in page
        assert "Menunggu pendaftaran" in page
        with app.app_context():
            inst = db.session.scalar(select(SyncInstallation))
            assert inst.status == "pending" and len(inst.code_hash) == 64

        broken = client.post(
            "/admin/sinkron/data-induk",
            data={"kind": "het_pupuk", "file": (io.BytesIO(b"{not json"), "het.json")},
            content_type="multipart/form-data",
        )
        assert broken.status_code == 400
        assert "Unggah berkas JSON yang sah." in broken.get_data(as_text=True)
        wrong = client.post(
            "/admin/sinkron/data-induk",
            data={"kind": "het_pupuk", "file": (io.BytesIO(b'{"het_per_kg": []}'), "h.json")},
            content_type="multipart/form-data",
        )
        assert wrong.status_code == 400 and "Tabel HET" in wrong.get_data(as_text=True)
        table = {
            "source": "Kepmentan uji",
            "het_per_kg": [{"type": "urea", "valid_from": "2026-06-01", "rp_per_kg": 1950}],
        }
        ok = client.post(
            "/admin/sinkron/data-induk",
            data={
                "kind": "het_pupuk",
                "note": "Juni",
                "file": (io.BytesIO(json.dumps(table).encode()), "h.json"),
            },
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert "versi 1 diterbitkan" in ok.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(MasterData.version)) == 1
    finally:
        app.config["SYNC_SERVER"] = False


def test_the_sync_endpoints_are_not_found_on_an_installation_that_is_no_server(app):
    client = app.test_client()
    resp = client.post("/sync/v1/register", json={"code": "x"})
    assert resp.status_code == 404 and resp.get_json()["error"]


def test_a_server_refuses_bad_registrations_with_json_errors(app):
    app.config["SYNC_SERVER"] = True
    try:
        client = app.test_client()
        assert client.post("/sync/v1/register", data=b"[1,2]").status_code == 400
        resp = client.post(
            "/sync/v1/register",
            json={"code": "AAAA", "public_key": "bukan kunci", "cooperative_id": 1},
        )
        assert resp.status_code == 400 and "Kunci publik" in resp.get_json()["error"]
        unsigned = client.get("/sync/v1/state")
        assert unsigned.status_code == 401 and "Tanda tangan" in unsigned.get_json()["error"]
        push = client.post("/sync/v1/push", json={"after_seq": 0})
        assert push.status_code == 401
    finally:
        app.config["SYNC_SERVER"] = False


def test_the_cli_issues_a_code_on_a_server_and_reports_an_unlinked_outlet(app, runner):
    app.config["SYNC_SERVER"] = True
    try:
        result = runner.invoke(args=["sync", "issue-code", "--name", "Koperasi CLI"])
        assert result.exit_code == 0, result.output
        assert "Kode pendaftaran" in result.output
    finally:
        app.config["SYNC_SERVER"] = False
    status = runner.invoke(args=["sync", "status"])
    assert "belum terdaftar" in status.output
    push = runner.invoke(args=["sync"])
    assert push.exit_code != 0 and "belum terdaftar" in push.output
