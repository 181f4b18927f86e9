"""The mentor's portfolio: figures from known books, alerts under tunable thresholds, the
neediest cooperative first, only coached cooperatives (404 otherwise), nothing writable, and
the weekly digest PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.mentoring import alerts
from outlet_pos.core.mentoring.loans import loan_quality, risky_loans
from outlet_pos.core.mentoring.portfolio import evaluate, portfolio, snapshot
from outlet_pos.core.sales.shifts import close_shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import loan_products, loan_risk, loans, savings, wajib
from tests.conftest import make_coop, make_user, skip_or_fail
from tests.units.simpin_world import build_world

PDFTOTEXT = "/usr/bin/pdftotext"
LATE = 6_000_000  # 6 months, disbursed 250 days ago: every installment overdue, Macet
CURRENT = 12_000_000  # disbursed today: Lancar


def _loan(w, principal: int, months: int, days_ago: int):
    product = next(p for p in loan_products.ensure_products(w.coop) if p.code == "PRODUKTIF")
    day = w.coop.today() - timedelta(days=days_ago)
    loan = run_transaction(
        loans.apply, w.coop, w.member, product, principal, months, w.pengurus_a,
        purpose="Modal warung", day=day,
    )  # fmt: skip
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    return run_transaction(loans.disburse, w.coop, loan, w.kasir, via="transfer", day=day)


@pytest.fixture
def books(app):
    """Cooperative A: one member 400 days in with 2 months of wajib paid (Rp20.000 a month),
    a Macet loan of Rp6 juta and a Lancar one of Rp12 juta. Cooperative C: quiet books.
    Cooperative B: coached by someone else. A mentor coaches A and C."""
    with app.app_context():
        w = build_world(joined_days_ago=400, name="Koperasi Desa Merah Putih Alpha")
        acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
        run_transaction(savings.deposit, w.coop, acc, 250_000, w.kasir, via="transfer")
        run_transaction(wajib.pay_wajib, w.coop, [(w.member.id, 2)], w.kasir, shift=w.shift)
        _loan(w, LATE, 6, 250)
        _loan(w, CURRENT, 12, 0)
        c = make_coop("Koperasi Desa Merah Putih Cempaka")
        b = make_coop("Koperasi Desa Merah Putih Bukan Binaan")
        mentor = make_user("bambang", "pendamping", w.coop)
        from outlet_pos.core.onboarding import grant_role

        run_transaction(grant_role, mentor, c, "pendamping")
        make_user("lain", "pendamping", b)
        return {
            "a": w.coop.id,
            "b": b.id,
            "c": c.id,
            "kasir": w.kasir.username,
            "shift": w.shift.id,
        }


def test_loan_quality_matches_the_loan_by_loan_classification(app, books):
    with app.app_context():
        coop = db.session.get(Cooperative, books["a"])
        for day in (coop.today(), coop.today() - timedelta(days=100)):
            q = loan_quality(coop, day)
            expected = {code: 0 for code in q.outstanding}
            for row in loan_risk.portfolio(coop, day):
                expected[row["class"]] += row["outstanding"]
            assert q.outstanding == expected, day
        q = loan_quality(coop, coop.today())
        assert q.outstanding["M"] == LATE and q.outstanding["L"] == CURRENT
        assert q.npl_basis_points == 3333  # 6 / 18 juta
        assert q.risky == LATE  # Macet weighs 100%


def test_risky_loans_weigh_as_the_fixture_says():
    import json
    from pathlib import Path

    case = json.loads((Path(__file__).parents[1] / "fixtures" / "health.json").read_text())
    c = case["risky_loans_case"]
    assert risky_loans(c["kurang_lancar"], c["diragukan"], c["macet"]) == c["expected_rpm"]
    assert risky_loans(1, 1, 0) == 1  # 0,50 + 0,75 = 1,25 rounds to 1


def test_snapshot_figures_and_alerts_from_known_books(app, books):
    with app.app_context():
        coop = db.session.get(Cooperative, books["a"])
        t = alerts.defaults()
        today = coop.today()
        snap = snapshot(coop, t, today=today.replace(day=15))
        # Cash: capital Rp50 juta into the bank, + pokok, wajib, sukarela, the float (drawer),
        # − both loans paid out by transfer. The ledger says the same through its balances.
        from outlet_pos.core.ledger.services import balances

        cash = sum(
            v for code, v in balances(coop, as_of=today).items() if code.startswith(("111", "112"))
        )
        assert snap.cash == cash
        assert snap.loans_total == LATE + CURRENT and snap.npl_bp == 3333
        codes = {a.code: a.level for a in snap.alerts}
        assert codes["npl"] == "merah"
        assert codes["closing"] == "merah"  # last month not closed by the 10th
        assert codes["wajib"] == "kuning"  # 2 of ~13 months paid
        assert codes["sales"] == "merah"  # nothing ever sold at this cooperative
        assert snap.wajib_members == 1
        # On the 5th the previous month may still be open; an NPL limit of 40% is not crossed.
        early = snapshot(coop, t, today=today.replace(day=5))
        assert "closing" not in {a.code for a in early.alerts}
        assert "npl" not in {a.code for a in evaluate(snap, {**t, "npl_percent": 40})}
        assert "npl" in {a.code for a in evaluate(snap, {**t, "npl_percent": 33})}


def test_a_unit_selling_below_cost_last_month_raises_the_margin_alert(app, books):
    with app.app_context():
        coop = db.session.get(Cooperative, books["c"])
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
            )
        )
        today = coop.today()
        last_month = today.replace(day=1) - timedelta(days=3)
        run_transaction(
            post, coop, last_month, "Jual rugi",
            [("111100", 100_000, 0, unit.id), ("411200", 0, 100_000, unit.id),
             ("511100", 150_000, 0, unit.id), ("111100", 0, 150_000, unit.id)],
            source="manual",
        )  # fmt: skip
        snap = snapshot(coop, alerts.defaults(), today=today)
        assert snap.negative_units == [("Sembako", -50_000)]
        margin = [a for a in snap.alerts if a.code == "margin"]
        assert len(margin) == 1 and "Sembako" in margin[0].message and "50.000" in margin[0].message
        assert snap.last_sale == last_month
        off = evaluate(snap, {**alerts.defaults(), alerts.NEGATIVE_MARGIN: 0})
        assert "margin" not in {a.code for a in off}


def test_a_shift_short_beyond_the_limit_is_an_alert(app, books):
    from outlet_pos.core.access import User
    from outlet_pos.core.sales.models import Shift

    with app.app_context():
        coop = db.session.get(Cooperative, books["a"])
        shift = db.session.get(Shift, books["shift"])
        kasir = db.session.scalar(select(User).where(User.username == books["kasir"]))
        closed = run_transaction(close_shift, shift, kasir, 0, note="uji")
        expected = closed.expected_cash
        assert expected and expected > 50_000
        snap = snapshot(coop, alerts.defaults())
        assert snap.cash_diffs == [-expected]
        assert any(a.code == "cash" for a in snap.alerts)
        relaxed = evaluate(snap, {**alerts.defaults(), "cash_diff_limit": expected})
        assert "cash" not in {a.code for a in relaxed}


def test_thresholds_are_checked_and_stored_per_mentor(app, books):
    from outlet_pos.core.access import User

    with app.app_context():
        mentor = db.session.scalar(select(User).where(User.username == "bambang"))
        other = db.session.scalar(select(User).where(User.username == "lain"))
        bad = {**alerts.defaults(), "npl_percent": "lima"}
        with pytest.raises(ValidationError, match="angka bulat"):
            run_transaction(alerts.save_thresholds, mentor, bad)
        with pytest.raises(ValidationError, match="antara 1 dan 90"):
            run_transaction(
                alerts.save_thresholds, mentor, {**alerts.defaults(), "no_sales_days": 0}
            )
        assert alerts.thresholds_for(mentor) == alerts.defaults()
        run_transaction(alerts.save_thresholds, mentor, {**alerts.defaults(), "npl_percent": 40})
        assert alerts.thresholds_for(mentor)["npl_percent"] == 40
        assert alerts.thresholds_for(other)["npl_percent"] == 5


def test_the_portfolio_lists_only_coached_cooperatives_neediest_first(app, books):
    from outlet_pos.core.access import User

    with app.app_context():
        mentor = db.session.scalar(select(User).where(User.username == "bambang"))
        snaps = portfolio(mentor, alerts.defaults())
        assert [s.coop.id for s in snaps] == [books["a"], books["c"]]
        assert snaps[0].attention > snaps[1].attention


def test_pages_a_mentor_reads_but_cannot_write(app, books, login):
    client = app.test_client()
    login(client, "bambang")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/pendamping/portofolio")
    page = client.get("/pendamping/portofolio").get_data(as_text=True)
    assert "Koperasi Desa Merah Putih Alpha" in page and "Cempaka" in page
    assert "Bukan Binaan" not in page
    assert "NPL 33,33%" in page
    assert client.get(f"/pendamping/koperasi/{books['b']}").status_code == 404
    assert client.get("/pendamping/koperasi/999999").status_code == 404
    dash = client.get(f"/pendamping/koperasi/{books['a']}")
    assert dash.status_code == 200
    text = dash.get_data(as_text=True)
    assert "Laporan keuangan" in text and "Belum pernah ada penjualan tercatat." in text
    # The dashboard made A the current cooperative: its journal reads, posting is refused.
    assert client.get("/pembukuan/jurnal").status_code == 200
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(JournalEntry))
    resp = client.post(
        "/pembukuan/jurnal/baru",
        data={"date": date.today().isoformat(), "memo": "coba",
              "lines-0-account": "111100", "lines-0-debit": "1000",
              "lines-1-account": "411100", "lines-1-credit": "1000"},
    )  # fmt: skip
    assert resp.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(JournalEntry)) == before
    assert client.post("/pendamping/peringatan", data={"npl_percent": "x"}).status_code == 302
    settings = client.get("/pendamping/peringatan").get_data(as_text=True)
    assert "isi dengan angka bulat" in settings


def test_other_roles_do_not_reach_the_portfolio(app, books, login):
    client = app.test_client()
    login(client, books["kasir"])
    assert client.get("/pendamping/portofolio").status_code == 403
    assert client.get(f"/pendamping/koperasi/{books['a']}").status_code == 403
    assert client.get("/pendamping/ringkasan-mingguan.pdf").status_code == 403


def test_the_weekly_digest_lists_each_cooperative_and_its_alerts(app, books, login, tmp_path):
    client = app.test_client()
    login(client, "bambang")
    resp = client.get("/pendamping/ringkasan-mingguan.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    if shutil.which(PDFTOTEXT) is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(resp.data)
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Ringkasan Mingguan Pendampingan" in text
    assert "Alpha" in text and "Cempaka" in text and "Bukan Binaan" not in text
    assert "NPL 33,33%" in text
    assert text.index("Alpha") < text.index("Cempaka")  # neediest first


def test_the_year_end_close_is_not_a_month_of_negative_sales(app):
    """The close empties revenue and cost into SHU on 31 December; December must still show
    its own sales and margin in the portfolio and in the business plan's actuals."""
    from outlet_pos.core.closing.year_end import close_year
    from outlet_pos.core.plans.actuals import Actuals

    jt = 1_000_000
    with app.app_context():
        coop = make_coop("Koperasi Tutup Tahun")
        user = make_user("bend-tt", "bendahara", coop)
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.code == "sembako"
            )
        )
        for m in range(1, 13):
            run_transaction(post, coop, date(2025, m, 10), "Penjualan",
                            [("111100", 10 * jt, 0), ("411100", 0, 10 * jt, unit.id)],
                            source="manual")  # fmt: skip
            run_transaction(post, coop, date(2025, m, 11), "HPP",
                            [("511100", 7 * jt, 0, unit.id), ("111100", 0, 7 * jt)],
                            source="manual")  # fmt: skip
        run_transaction(close_year, coop, 2025, user)
        snap = snapshot(coop, alerts.defaults(), today=date(2026, 1, 15))
        assert snap.sales_prev_month == 10 * jt and snap.sales_prev_same == 10 * jt
        assert snap.negative_units == []
        assert "margin" not in {a.code for a in snap.alerts}
        actuals = Actuals(coop, 2025, today=date(2026, 1, 15))
        assert actuals.series("sales", None) == [10 * jt] * 12
        assert actuals.series("margin", unit.id) == [3 * jt] * 12


def test_odd_input_gets_a_message_not_a_crash(app, books, login):
    client = app.test_client()
    login(client, "bambang")
    client.get(f"/pendamping/koperasi/{books['a']}")  # work in cooperative A
    resp = client.get("/pendamping/kesehatan/baru?as_of=0001-01-01")
    assert resp.status_code == 400 and "Tahun harus antara 1900 dan 2999" in resp.get_data(
        as_text=True
    )
    assert client.get("/rencana-bisnis/?tahun=²").status_code == 200
    today = date.today().isoformat()
    resp = client.post(
        "/pendamping/catatan/baru",
        data={"visit_date": today, "mode": "kunjungan", "topics": "Tutup buku",
              "actions-0-description": "Tutup buku November", "actions-0-due_date": today},
    )  # fmt: skip
    assert resp.status_code == 302
    from outlet_pos.core.mentoring.visit_models import MentorVisit

    with app.app_context():
        visit_id = db.session.scalar(select(MentorVisit.id))
    resp = client.post(
        f"/pendamping/catatan/{visit_id}/ubah",
        data={"visit_date": today, "mode": "kunjungan", "topics": "Tutup buku",
              "actions-0-id": "abc", "actions-0-description": "Tutup buku",
              "actions-0-due_date": today},
    )  # fmt: skip
    assert resp.status_code in (200, 400)
    assert "tidak dikenal" in resp.get_data(as_text=True)
