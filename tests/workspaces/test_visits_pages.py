"""Visit notes (log pendampingan), the pages: the log and its filter, the form with its
action rows, following an action up, who sees and may do what, tenancy, the printable record
and the exports."""

from __future__ import annotations

import os
import subprocess

import pytest

from outlet_pos.core.mentoring.visit_models import MentorVisit, VisitAction
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user, skip_or_fail
from tests.workspaces.test_visits import TODAY, counts, note

PDFTOTEXT = "/usr/bin/pdftotext"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """Every cooperative's business date is TODAY, whatever the server's clock says."""
    monkeypatch.setattr(Cooperative, "today", lambda self: TODAY)


def pdf_text(data: bytes) -> str:
    if not os.path.exists(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    out = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True,
                         check=True)  # fmt: skip
    return out.stdout.decode()


@pytest.fixture
def site(app, web_coop, web_user, login):
    """The cooperative with a mentor, a pengurus and one note; ``as_(role)`` gives a client
    signed in with that role in the cooperative."""
    users = {r: web_user(f"w-{r}", r) for r in ("pendamping", "pengurus", "bendahara", "kasir")}
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        from outlet_pos.core.access import User

        mentor = db.session.get(User, users["pendamping"])
        visit = note(coop, mentor)
        ids = {"visit": visit.id, "late": visit.actions[0].id, "later": visit.actions[1].id}

    def as_(role: str):
        client = app.test_client()
        login(client, f"w-{role}")
        with client.session_transaction() as s:
            s["coop_id"] = web_coop
        return client

    return {"as_": as_, "coop": web_coop, "users": users, **ids}


def test_the_log_shows_visits_actions_and_overdue_in_red(site):
    page = site["as_"]("bendahara").get("/pendamping/catatan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tutup buku, stok opname" in html and "Stok opname gudang" in html
    assert 'class="overdue"' in html and "Terlambat" in html
    assert "Catat kunjungan" not in html  # the treasurer only reads
    assert f"/pendamping/tindak-lanjut/{site['late']}/status" not in html
    mentor_html = site["as_"]("pendamping").get("/pendamping/catatan").get_data(as_text=True)
    assert "Catat kunjungan" in mentor_html
    assert f"/pendamping/tindak-lanjut/{site['late']}/status" in mentor_html


def test_the_log_filters_by_action_status(app, site):
    mentor = site["as_"]("pendamping")
    resp = mentor.post("/pendamping/catatan/baru", data={
        "visit_date": "2026-03-09", "mode": "telepon", "topics": "Laporan RAT",
        "actions-0-description": "Kirim draf RAT", "actions-0-due_date": "2026-03-20",
    })  # fmt: skip
    assert resp.status_code == 302
    late = mentor.get("/pendamping/catatan?status=terlambat").get_data(as_text=True)
    assert "Tutup buku, stok opname" in late and "Laporan RAT" not in late
    open_ = mentor.get("/pendamping/catatan?status=terbuka").get_data(as_text=True)
    assert "Tutup buku, stok opname" in open_ and "Laporan RAT" in open_
    # Unknown filter values fall back to all.
    assert mentor.get("/pendamping/catatan?status=xx&hal=abc").status_code == 200


def test_a_cashier_cannot_open_the_log_and_a_pengurus_cannot_record(site):
    assert site["as_"]("kasir").get("/pendamping/catatan").status_code == 403
    pengurus = site["as_"]("pengurus")
    assert pengurus.get("/pendamping/catatan").status_code == 200
    assert pengurus.get("/pendamping/catatan/baru").status_code == 403
    resp = pengurus.post(
        "/pendamping/catatan/baru",
        data={"visit_date": "2026-03-09", "topics": "Coba", "mode": "daring"},
    )
    assert resp.status_code == 403
    assert pengurus.get(f"/pendamping/catatan/{site['visit']}/ubah").status_code == 403


def test_a_pengurus_marks_an_action_done_from_the_detail_page(app, site):
    pengurus = site["as_"]("pengurus")
    url = f"/pendamping/tindak-lanjut/{site['late']}/status"
    resp = pengurus.post(url, data={"status": "selesai", "note": "", "back": "detail"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/pendamping/catatan/{site['visit']}"
    )
    with app.app_context():
        assert db.session.get(VisitAction, site["late"]).status == "terbuka"  # note required
    resp = pengurus.post(url, data={"status": "selesai", "note": "Opname 8 Maret",
                                    "back": "detail"}, follow_redirects=True)  # fmt: skip
    assert "Opname 8 Maret" in resp.get_data(as_text=True)
    with app.app_context():
        action = db.session.get(VisitAction, site["late"])
        assert (action.status, action.done_on) == ("selesai", TODAY)
    # The treasurer reads but does not follow up; an empty post is refused politely.
    assert site["as_"]("bendahara").post(url, data={"status": "batal"}).status_code == 403
    assert pengurus.post(url, data={}).status_code == 302


def test_the_form_keeps_a_bad_row_beside_its_error_and_writes_nothing(app, site):
    mentor = site["as_"]("pendamping")
    assert mentor.get("/pendamping/catatan/baru").status_code == 200
    resp = mentor.post("/pendamping/catatan/baru", data={
        "visit_date": "2026-03-09", "mode": "kunjungan", "topics": "Kas",
        "findings": "Selisih kas Rp50.000",
        "actions-0-description": "Hitung ulang kas", "actions-0-due_date": "2026-03-12",
        "actions-3-description": "Tanpa tanggal", "actions-3-owner": "Kasir",
    })  # fmt: skip
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Isi batas waktu tindakan." in html and 'value="Tanpa tanggal"' in html
    assert 'value="Hitung ulang kas"' in html
    with app.app_context():
        assert counts() == (1, 2)  # only the fixture's note
    assert mentor.post("/pendamping/catatan/baru", data={}).status_code == 400


def test_another_mentor_may_read_but_not_edit(app, site, web_user, login):
    web_user("w-pendamping2", "pendamping")
    other = app.test_client()
    login(other, "w-pendamping2")
    with other.session_transaction() as s:
        s["coop_id"] = site["coop"]
    url = f"/pendamping/catatan/{site['visit']}"
    page = other.get(url).get_data(as_text=True)
    assert "Stok opname gudang" in page and f"{url}/ubah" not in page
    assert other.get(f"{url}/ubah").status_code == 403
    assert other.post(f"{url}/ubah", data={"topics": "Bukan saya"}).status_code == 403
    author = site["as_"]("pendamping")
    assert f"{url}/ubah" in author.get(url).get_data(as_text=True)
    resp = author.post(f"{url}/ubah", data={
        "visit_date": "2026-03-03", "mode": "daring", "topics": "Tutup buku (revisi)",
        "actions-0-id": str(site["late"]), "actions-0-description": "Stok opname gudang",
        "actions-0-due_date": "2026-03-08",
        "actions-1-id": str(site["later"]), "actions-1-remove": "y",
    })  # fmt: skip
    assert resp.status_code == 302
    with app.app_context():
        visit = db.session.get(MentorVisit, site["visit"])
        assert visit.topics == "Tutup buku (revisi)" and len(visit.actions) == 1


def test_another_cooperatives_visits_and_actions_are_not_found(app, site):
    with app.app_context():
        other = make_coop("Koperasi Tetangga")
        their_mentor = make_user("m-tetangga", "pendamping", other)
        visit = note(other, their_mentor)
        vid, aid = visit.id, visit.actions[0].id
    mentor = site["as_"]("pendamping")
    for url in (f"/pendamping/catatan/{vid}", f"/pendamping/catatan/{vid}/pdf",
                f"/pendamping/catatan/{vid}/ubah", "/pendamping/catatan/999999"):  # fmt: skip
        assert mentor.get(url).status_code == 404, url
    resp = mentor.post(f"/pendamping/tindak-lanjut/{aid}/status",
                       data={"status": "batal", "note": "x"})  # fmt: skip
    assert resp.status_code == 404
    with app.app_context():
        assert db.session.get(VisitAction, aid).status == "terbuka"
    log = mentor.get("/pendamping/catatan").get_data(as_text=True)
    assert log.count("visit-card") == 1


def test_the_printed_record_carries_the_findings_and_signature_spaces(site):
    resp = site["as_"]("pengurus").get(f"/pendamping/catatan/{site['visit']}/pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data)
    assert "Buku kas belum ditutup sejak Januari." in text
    assert "Tutup buku tiap akhir bulan." in text
    assert "Stok opname gudang" in text and "Terlambat" in text
    assert "Pendamping" in text and "Ketua / Pengurus Koperasi" in text
    assert "W-Pendamping" in text  # the mentor's name under the signature


def test_the_log_exports_as_pdf_and_excel(site):
    from io import BytesIO

    from openpyxl import load_workbook

    mentor = site["as_"]("pendamping")
    pdf = mentor.get("/pendamping/catatan/ekspor?fmt=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Log Pendampingan" in text and "Tutup buku, stok opname" in text
    assert "1 tindak lanjut terlambat" in text
    xlsx = mentor.get("/pendamping/catatan/ekspor?fmt=xlsx")
    assert xlsx.status_code == 200
    cells = [c for row in load_workbook(BytesIO(xlsx.data)).active.iter_rows(values_only=True)
             for c in row if c is not None]  # fmt: skip
    assert "Buku kas belum ditutup sejak Januari." in cells
    assert mentor.get("/pendamping/catatan/ekspor").status_code == 302
