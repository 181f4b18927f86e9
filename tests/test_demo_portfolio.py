"""``outlet-pos demo --portfolio``: ten cooperatives of varied health and their mentor.

One build through the command (it is the expensive part; conftest empties the tables after
each test, so everything about the build is checked in one test), then what a mentor must
find: every cooperative theirs and nothing else, the rubric's categories spread from Sehat to
Dalam Pengawasan Khusus, and each kind of trouble the portfolio's alerts look for. conftest
then runs ``outlet-pos verify`` over all ten sets of books.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.access import Membership, User
from outlet_pos.core.health.models import HealthAssessment
from outlet_pos.core.mentoring.alerts import defaults
from outlet_pos.core.mentoring.portfolio import portfolio, previous_month
from outlet_pos.core.mentoring.visit_models import MentorVisit
from outlet_pos.core.plans.models import PlanTarget
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.loan_risk import portfolio as loan_book
from tests.conftest import skip_or_fail

PASSWORD = "Portofolio-Demo-2026"
# DESIGN/brief budget on this 2-core machine; the test allows twice that for a machine busy
# with other work, and prints the figure.
BUDGET_SECONDS = {"sqlite": 45, "postgresql": 60}


def _build(app, runner) -> str:
    started = time.perf_counter()
    result = runner.invoke(
        args=["demo", "--portfolio", "--no-serve", "--password", PASSWORD], catch_exceptions=False
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    with app.app_context():
        dialect = db.engine.dialect.name
    print(f"demo --portfolio on {dialect}: {elapsed:.1f} s")
    assert elapsed <= 2 * BUDGET_SECONDS[dialect], f"{elapsed:.1f} s"
    return result.output


def _check_people(out: str) -> None:
    coops = db.session.scalars(select(Cooperative).order_by(Cooperative.id)).all()
    assert len(coops) == 10
    assert len({c.name for c in coops}) == 10
    assert {c.timezone for c in coops} == {"WIB", "WITA", "WIT"}
    for n in range(1, 11):
        assert f"pengurus{n:02d}" in out and f"kasir{n:02d}" in out
    assert "pendamping" in out and PASSWORD in out

    mentor = db.session.scalar(select(User).where(User.username == "pendamping"))
    assert mentor.full_name == "Bambang Wicaksono" and not mentor.is_admin
    roles = db.session.execute(
        select(Membership.cooperative_id, Membership.role).where(Membership.user_id == mentor.id)
    ).all()
    assert sorted(roles) == sorted((c.id, "pendamping") for c in coops)
    assert {c.id for c in mentor.mentored()} == {c.id for c in coops}
    # Each cooperative's own people hold their role there and nowhere else.
    for slug, coop in zip([f"{n:02d}" for n in range(1, 11)], coops, strict=True):
        for role in ("pengurus", "kasir"):
            user = db.session.scalar(select(User).where(User.username == f"{role}{slug}"))
            held = [(m.cooperative_id, m.role) for m in user.memberships]
            assert held == [(coop.id, role)]


def _check_health() -> None:
    """Two assessments by the mentor per cooperative; the latest span the categories."""
    mentor_id = db.session.scalar(select(User.id).where(User.username == "pendamping"))
    rows = db.session.scalars(select(HealthAssessment).order_by(HealthAssessment.as_of)).all()
    per_coop = Counter(r.cooperative_id for r in rows)
    assert sorted(per_coop.values()) == [2] * 10
    assert {r.assessed_by_id for r in rows} == {mentor_id}
    latest = {r.cooperative_id: r for r in rows}  # ordered by date: the last one wins
    categories = Counter(r.category for r in latest.values())
    assert categories["Sehat"] >= 1 and categories["Dalam Pengawasan Khusus"] >= 1, categories
    assert len(categories) >= 3, categories
    for r in latest.values():
        assert (r.category == "Sehat") == (r.score >= 80)


def _check_trouble() -> None:
    """Some cooperatives doing well, others each showing a kind of trouble."""
    mentor = db.session.scalar(select(User).where(User.username == "pendamping"))
    snaps = portfolio(mentor, defaults())
    assert len(snaps) == 10
    codes = Counter(a.code for s in snaps for a in s.alerts)
    for code in ("sales", "npl", "wajib", "stock", "expiry", "margin", "cash", "visits"):
        assert codes[code] >= 1, (code, codes)
    assert any(not [a for a in s.alerts if a.level == "merah"] for s in snaps)
    # Dormant: no sale for weeks; the others sold yesterday.
    dormant = [s for s in snaps if (s.today - s.last_sale).days >= 21]
    assert 1 <= len(dormant) <= 3
    assert all((s.today - s.last_sale).days <= 1 for s in snaps if s not in dormant)
    # Months left open: the previous month not closed somewhere, closed elsewhere.
    closed = [s.last_closed for s in snaps]
    assert any(c < previous_month(s.today) for c, s in zip(closed, snaps, strict=True))
    assert any(c == previous_month(s.today) for c, s in zip(closed, snaps, strict=True))
    # Loans in every state, Macet among them (over 180 days late).
    classes = Counter(
        row["class"] for coop in db.session.scalars(select(Cooperative))
        for row in loan_book(coop, coop.today())
    )  # fmt: skip
    assert classes["M"] >= 2 and classes["L"] >= 10, classes
    # Visits with follow-ups, and a plan for every cooperative.
    visits = Counter(db.session.scalars(select(MentorVisit.cooperative_id)))
    assert len(visits) == 10 and all(1 <= n <= 3 for n in visits.values())
    planned = db.session.scalar(select(func.count(func.distinct(PlanTarget.cooperative_id))))
    assert planned == 10


def test_portfolio_demo_builds_ten_cooperatives_of_varied_health(app, runner, client, login):
    out = _build(app, runner)
    assert "Koperasi Desa Merah Putih Sidomulyo" in out
    with app.app_context():
        _check_people(out)
        _check_health()
        _check_trouble()
        db.session.rollback()

    # The mentor signs in and sees the ten on the portfolio page.
    login(client, "pendamping", PASSWORD)
    page = client.get("/pendamping/portofolio")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.app_context():
        names = db.session.scalars(select(Cooperative.name)).all()
    assert all(name in html for name in names)

    _check_assessment_by_hand(app, client)

    # Running it again builds nothing new: it hands out fresh passwords.
    again = runner.invoke(
        args=["demo", "--portfolio", "--no-serve", "--password", "Lain-Sandi-2026"]
    )
    assert again.exit_code == 0, again.output
    assert "Lain-Sandi-2026" in again.output and "kasir10" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Cooperative.id))) == 10
        assert db.session.scalar(select(func.count(HealthAssessment.id))) == 20


# The rubric's bands for two components, written out again here from DESIGN §3.6 / the team's
# reading of Perdep 06/2016, as a person with a calculator would use them: (lower bound
# inclusive, value); the first band whose bound the ratio reaches, from the top.
EQUITY_BANDS = [(80, 25), (60, 50), (40, 100), (20, 50), (0, 25)]  # 1a, weight 6; < 0 -> 0
CASH_BANDS = [(20, 25), (15, 50), (10, 100)]  # 5a, weight 10; < 10 -> 25


def _band(ratio: Fraction, bands: list[tuple[int, int]], below: int) -> int:
    return next((value for bound, value in bands if ratio >= bound), below)


def _check_assessment_by_hand(app, client) -> None:
    """Sidomulyo's latest assessment, recomputed by hand from the trial balance at its date:
    capital over assets (1a) and cash over short-term debt (5a), and the total as the sum of
    its components; the page and the PDF show the same total and category."""
    from outlet_pos.core.ledger.services import balances

    with app.app_context():
        coop = db.session.scalar(select(Cooperative).where(Cooperative.name.like("%Sidomulyo")))
        row = db.session.scalar(
            select(HealthAssessment)
            .where(HealthAssessment.cooperative_id == coop.id)
            .order_by(HealthAssessment.as_of.desc())
        )
        tb = balances(coop, as_of=row.as_of)
        assets = sum(v for code, v in tb.items() if code.startswith("1"))
        liabilities = -sum(v for code, v in tb.items() if code.startswith("2"))
        short_term = -sum(v for code, v in tb.items() if code.startswith("21"))
        cash = sum(v for code, v in tb.items() if code.startswith(("111", "112")))
        equity_ratio = Fraction(assets - liabilities, assets) * 100
        cash_ratio = Fraction(cash, short_term) * 100
        scores = {c["code"]: Fraction(c.get("exact", c["score"])) for c in row.components}
        assert scores["1a"] == Fraction(_band(equity_ratio, EQUITY_BANDS, 0) * 6, 100)
        assert scores["5a"] == Fraction(_band(cash_ratio, CASH_BANDS, 25) * 10, 100)
        total = sum(scores.values())
        expected = Decimal(total.numerator) / Decimal(total.denominator)
        assert Decimal(row.score) == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        rule = [(80, "Sehat"), (66, "Cukup Sehat"), (51, "Dalam Pengawasan")]
        assert row.category == next(
            (c for b, c in rule if row.score >= b), "Dalam Pengawasan Khusus"
        )
        shown = f"{Decimal(row.score):.2f}".replace(".", ",")
        coop_id, row_id, category = coop.id, row.id, row.category
    assert client.get(f"/pendamping/koperasi/{coop_id}").status_code == 200
    page = client.get(f"/pendamping/kesehatan/{row_id}").get_data(as_text=True)
    assert shown in page and category in page
    pdf = client.get(f"/pendamping/kesehatan/{row_id}/pdf")
    assert pdf.status_code == 200
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    assert shown in text and category in text
