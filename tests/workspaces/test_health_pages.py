"""Health assessment pages: the hand-built cooperative's score on the detail page and in the
PDF, saving through the form, the live recompute, refusals, permissions and tenancy."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.health.models import HealthAssessment
from outlet_pos.core.health.services import save_assessment
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests import health_books as hb
from tests.conftest import make_coop


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HealthAssessment))


@pytest.fixture
def mentor(app, client, web_coop, web_user, login):
    with app.app_context():
        hb.build(db.session.get(Cooperative, web_coop))
    web_user("mentor1", "pendamping")
    login(client, "mentor1")
    return client


def _form(as_of: str, answers: dict[str, bool], note: str = "") -> dict:
    return {"as_of": as_of, "note": note, "jawaban": [k for k, v in answers.items() if v]}


def test_a_mentor_assesses_and_the_detail_page_shows_the_hand_worked_score(app, mentor):
    resp = mentor.post("/pendamping/kesehatan/baru",
                       data=_form("2025-12-31", hb.ANSWERS, "Kunjungan Desember"))  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    assert "/pendamping/kesehatan/" in resp.headers["Location"]
    page = mentor.get(resp.headers["Location"]).get_data(as_text=True)
    assert "53,60" in page and "Dalam Pengawasan" in page
    assert "Kunjungan Desember" in page
    assert "Rp132.750.000" in page  # modal sendiri
    assert "72,54%" in page  # 1a ratio
    # a weak component shows its advice; a full-marks one does not
    assert "Kunjungi peminjam yang menunggak" in page  # 2b advice (score 0)
    assert "Ajak anggota berbelanja" not in page  # 7a is at its maximum
    listing = mentor.get("/pendamping/kesehatan").get_data(as_text=True)
    assert "31 Des 2025" in listing and "53,60" in listing


def test_the_pdf_carries_the_same_score_figures_and_advice(app, mentor):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    mentor.post("/pendamping/kesehatan/baru", data=_form("2025-12-31", hb.ANSWERS))
    with app.app_context():
        row_id = db.session.scalar(select(HealthAssessment.id))
    resp = mentor.get(f"/pendamping/kesehatan/{row_id}/pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=resp.data,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    assert "Skor 53,60 dari 100" in text and "Dalam Pengawasan" in text
    assert "Rp132.750.000" in text and "72,54%" in text
    assert "Kunjungi peminjam yang menunggak" in text
    assert "Penilaian Kesehatan Koperasi" in text


def test_the_new_page_recomputes_for_the_date_asked(app, mentor):
    page = mentor.get("/pendamping/kesehatan/baru?as_of=2025-12-31&jawaban=kelembagaan_01")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    # 47,00 from the books + 0,50 for one of six kelembagaan questions
    assert "47,50" in text and "Rp150.000.000" in text
    assert 'value="kelembagaan_01" checked' in text
    earlier = mentor.get("/pendamping/kesehatan/baru?as_of=2025-01-02").get_data(as_text=True)
    assert "Rp104.000.000" in earlier  # kas & bank on 2 Jan 2025: 4 jt + 100 jt hibah


@pytest.mark.parametrize("as_of", ["", "31-13-2025", "kemarin", "future"])
def test_a_bad_date_is_refused_with_a_clear_message_and_no_row(app, mentor, web_coop, as_of):
    if as_of == "future":
        with app.app_context():
            as_of = (db.session.get(Cooperative, web_coop).today() + timedelta(days=3)).isoformat()
    resp = mentor.post("/pendamping/kesehatan/baru", data=_form(as_of, hb.ANSWERS))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Tanggal" in text and ("tidak valid" in text or "wajib" in text or "melewati" in text)
    assert count(app) == 0


def test_a_future_date_on_the_recompute_is_an_error_not_a_crash(app, mentor):
    resp = mentor.get("/pendamping/kesehatan/baru?as_of=2999-01-01")
    assert resp.status_code == 400 and "melewati hari ini" in resp.get_data(as_text=True)


def test_a_cashier_may_not_see_health_pages(app, client, web_user, login):
    web_user("kasir1", "kasir")
    login(client, "kasir1")
    assert client.get("/pendamping/kesehatan").status_code == 403
    assert client.get("/pendamping/kesehatan/baru").status_code == 403


def test_a_board_member_reads_but_may_not_assess(app, client, web_coop, web_user, login):
    web_user("pengurus1", "pengurus")
    login(client, "pengurus1")
    assert client.get("/pendamping/kesehatan").status_code == 200
    assert "Penilaian baru" not in client.get("/pendamping/kesehatan").get_data(as_text=True)
    resp = client.post("/pendamping/kesehatan/baru", data=_form("2025-12-31", {}))
    assert resp.status_code == 403 and count(app) == 0


def test_another_cooperatives_assessment_is_not_found(app, mentor):
    with app.app_context():
        other = make_coop("Koperasi Lain")
        from tests.conftest import make_user

        user = make_user("mentor-lain", "pendamping", other)
        foreign = run_transaction(save_assessment, other, other.today(), {}, user).id
    assert mentor.get(f"/pendamping/kesehatan/{foreign}").status_code == 404
    assert mentor.get(f"/pendamping/kesehatan/{foreign}/pdf").status_code == 404
    assert "Koperasi Lain" not in mentor.get("/pendamping/kesehatan").get_data(as_text=True)
