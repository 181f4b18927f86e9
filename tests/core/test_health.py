"""Health assessment (DESIGN §3.6): the rubric file, the formula evaluator, band edges, the
category thresholds of tests/fixtures/health.json, a cooperative scored by hand, saving with
its audit row, refusals, and speed."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.health import rubric as rubric_mod
from outlet_pos.core.health.figures import FIGURES, window
from outlet_pos.core.health.models import HealthAssessment
from outlet_pos.core.health.rubric import FormulaError, band_for, evaluate_formula, load
from outlet_pos.core.health.services import (
    category_of,
    evaluate,
    history,
    latest,
    save_assessment,
    stored,
)
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.periods import close_month
from outlet_pos.core.mentoring.loans import risky_loans
from outlet_pos.extensions import db
from tests import health_books as hb
from tests.conftest import make_user

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "health.json").read_text())


def component(code: str):
    return next(c for c in load().components if c.code == code)


# --- the rubric file and the category thresholds -------------------------------------------


@pytest.mark.parametrize(("score", "expected"), FIXTURE["category_cases"])
def test_every_category_case_of_the_fixture(score, expected):
    assert category_of(Decimal(str(score))) == expected


def test_the_risky_loans_case_of_the_fixture():
    case = FIXTURE["risky_loans_case"]
    rpm = risky_loans(case["kurang_lancar"], case["diragukan"], case["macet"])
    assert rpm == case["expected_rpm"] == 10_000_000


def test_the_rubric_weights_follow_the_design():
    r = load()
    assert {code: w for code, _n, w in r.aspects} == {
        "permodalan": 15, "kualitas_aktiva": 25, "manajemen": 15, "efisiensi": 10,
        "likuiditas": 15, "kemandirian": 10, "jatidiri": 10,
    }  # fmt: skip
    assert [len(s.questions) for s in r.subaspects] == [12, 6, 5, 10, 5]
    assert {s.weight for s in r.subaspects} == {3}
    assert "provisional" in r.note


def test_a_rubric_whose_weights_do_not_add_up_is_refused():
    data = json.loads(
        (
            Path(rubric_mod.__file__).parents[2] / "data" / "health_rubric_perdep06_2016.json"
        ).read_text()
    )
    data["components"][0]["weight"] += 1
    with pytest.raises(ValueError, match="do not match"):
        rubric_mod.parse(data)


def test_every_component_band_list_covers_every_ratio():
    probes = [Fraction(n, 4) for n in range(-400, 2000)] + [Fraction(10**9)]
    for c in load().components:
        for ratio in probes:
            assert band_for(c.bands, ratio) is not None, (c.code, ratio)


# --- formulas and band edges ---------------------------------------------------------------


def test_formulas_evaluate_exactly_over_fractions():
    assert evaluate_formula("a + b * 2 / 3", {"a": 1, "b": 2}) == Fraction(7, 3)
    assert evaluate_formula("(a - b) / 7.5", {"a": 30, "b": 15}) == 2


@pytest.mark.parametrize(
    "text", ["__import__('os')", "a ** 2", "a.b", "a[0]", "lambda: 1", "a if b else c", "'x'"]
)
def test_formulas_refuse_anything_but_names_numbers_and_arithmetic(text):
    with pytest.raises(FormulaError):
        evaluate_formula(text, {"a": 1, "b": 2, "c": 3})


def test_an_unknown_figure_in_a_formula_is_an_error_not_zero():
    with pytest.raises(FormulaError, match="unknown figure"):
        evaluate_formula("modal_sendri / total_aset", {"modal_sendiri": 1, "total_aset": 2})


@pytest.mark.parametrize(
    ("code", "ratio", "value"),
    [
        ("1a", Fraction(20), 50), ("1a", Fraction(1999, 100), 25), ("1a", Fraction(40), 100),
        ("1a", Fraction(5999, 100), 100), ("1a", Fraction(60), 50), ("1a", Fraction(80), 25),
        ("1b", Fraction(99), 90), ("1b", Fraction(100), 100), ("1b", Fraction(9), 0),
        ("1b", Fraction(-5), 0), ("1b", Fraction(500), 100),
        ("2b", Fraction(0), 100), ("2b", Fraction(1, 100), 80), ("2b", Fraction(10), 60),
        ("2b", Fraction(45), 0), ("2b", Fraction(4499, 100), 10),
        ("2d", Fraction(20), 100), ("2d", Fraction(2001, 100), 75), ("2d", Fraction(30), 50),
        ("2d", Fraction(3001, 100), 25),
        ("4a", Fraction(100), 50), ("4a", Fraction(10001, 100), 25), ("4a", Fraction(85), 50),
        ("4a", Fraction(8499, 100), 75), ("4a", Fraction(6999, 100), 100),
        ("5a", Fraction(10), 100), ("5a", Fraction(999, 100), 25), ("5a", Fraction(15), 50),
        ("5a", Fraction(20), 25),
        ("6a", Fraction(15, 2), 75), ("6a", Fraction(749, 100), 50),
    ],
)  # fmt: skip
def test_band_edges(code, ratio, value):
    assert band_for(component(code).bands, ratio).value == value


def test_the_twelve_month_window_ends_at_as_of():
    assert window(date(2025, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert window(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


# --- a cooperative scored by hand ----------------------------------------------------------


@pytest.fixture
def books(coop):
    user = make_user("pendamping1", "pendamping", coop)
    hb.build(coop)
    return coop, user


def test_the_hand_built_cooperative_has_the_figures_worked_out_by_hand(books):
    coop, _user = books
    ev = evaluate(coop, hb.AS_OF, hb.ANSWERS)
    assert {k: f.value for k, f in ev.figures.items()} == hb.FIGURES
    assert {c.code: str(c.score) for c in ev.components} == hb.SCORES
    assert {a.code: str(a.score) for a in ev.aspects} == hb.ASPECTS
    assert str(ev.score) == hb.TOTAL and ev.category == hb.CATEGORY
    weak = {c.code for c in ev.weak}
    assert weak == set(hb.SCORES) - {"1b", "1c", "2a", "3b", "4a", "7a"}
    assert all(c.advice for c in ev.weak)


def test_closing_months_does_not_change_the_figures(books):
    """Closed months are read from their snapshots; the answer must be the same."""
    coop, user = books
    before = {k: f.value for k, f in evaluate(coop, hb.AS_OF).figures.items()}
    for month in range(1, 13):
        run_transaction(close_month, coop, 2025, month, user)
    after = {k: f.value for k, f in evaluate(coop, hb.AS_OF).figures.items()}
    assert after == before == hb.FIGURES


def test_a_year_end_closing_entry_does_not_empty_the_window(books):
    """The closing entry moves the year's revenue to SHU tahun berjalan; flows skip it."""
    coop, _user = books
    run_transaction(post, coop, date(2025, 12, 31), "Tutup tahun",
                    [("411100", 40_000_000, 0), ("315100", 0, 40_000_000)],
                    source="closing")  # fmt: skip
    figs = {k: f.value for k, f in evaluate(coop, hb.AS_OF).figures.items()}
    assert figs["partisipasi_bruto"] == 40_000_000
    assert figs["modal_sendiri"] == hb.FIGURES["modal_sendiri"]


def test_without_answers_management_scores_nothing(books):
    coop, _user = books
    ev = evaluate(coop, hb.AS_OF)
    manajemen = next(a for a in ev.aspects if a.code == "manajemen")
    assert manajemen.score == 0
    assert ev.score == Decimal(hb.TOTAL) - Decimal("6.60")


def test_an_empty_cooperative_is_scored_by_the_stated_zero_denominator_values(coop):
    ev = evaluate(coop, coop.today())
    assert all(f.value == 0 for f in ev.figures.values())
    by_code = {c.code: c for c in ev.components}
    assert by_code["1a"].ratio is None and by_code["1a"].ratio_text == "tidak dapat dihitung"
    assert by_code["1a"].note and by_code["1a"].score == 0
    # No loans: the savings-and-loan components get their best band (documented in the file).
    for code in ("2a", "2b", "2c", "2d", "4c"):
        assert by_code[code].score == by_code[code].max, code
    # 1b 6 + 1c 3 + 2a-2d 25 + 4c 2 (no loans: best); every other ratio component at its
    # stated 25: 4a 1 + 4b 1 + 5a 2,5 + 5b 1,25 + 6a 0,75 + 6b 0,75 + 6c 1 + 7a 1,25 + 7b 1,25
    assert ev.score == Decimal("46.75") and ev.category == "Dalam Pengawasan Khusus"


# --- saving, history, refusals -------------------------------------------------------------


def test_saving_keeps_what_was_assessed_even_when_the_books_move_later(books):
    coop, user = books
    row = run_transaction(save_assessment, coop, hb.AS_OF, hb.ANSWERS, user, "Kunjungan 1")
    assert str(row.score) == hb.TOTAL and row.category == hb.CATEGORY
    assert row.assessed_by_id == user.id and row.rubric_code == "perdep06-2016"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "health.assess"))
    assert [e.detail["score"] for e in events] == [hb.TOTAL]
    late = [("112100", 9_000_000, 0), ("411100", 0, 9_000_000)]
    run_transaction(post, coop, date(2025, 12, 30), "Koreksi terlambat", late, source="manual")
    again = stored(db.session.get(HealthAssessment, row.id))
    assert str(again.score) == hb.TOTAL
    assert {c.code: str(c.score) for c in again.components} == hb.SCORES
    assert {k: f.value for k, f in again.figures.items()} == hb.FIGURES
    assert evaluate(coop, hb.AS_OF, hb.ANSWERS).figures["kas_bank"].value == 159_000_000


def test_history_is_newest_first_and_latest_is_its_head(books):
    coop, user = books
    run_transaction(save_assessment, coop, date(2025, 6, 30), {}, user)
    newer = run_transaction(save_assessment, coop, hb.AS_OF, hb.ANSWERS, user)
    assert [a.as_of for a in history(coop)] == [hb.AS_OF, date(2025, 6, 30)]
    assert latest(coop).id == newer.id


@pytest.mark.parametrize("bad", [None, "2025-12-31", "future"])
def test_a_missing_or_future_date_is_refused_and_nothing_is_written(coop, bad):
    user = make_user("pendamping2", "pendamping", coop)
    as_of = coop.today() + timedelta(days=1) if bad == "future" else bad
    with pytest.raises(ValidationError, match="Tanggal penilaian") as err:
        run_transaction(save_assessment, coop, as_of, {}, user)
    assert err.value.field == "as_of"
    assert db.session.scalar(select(func.count()).select_from(HealthAssessment)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "health.assess")) == 0  # fmt: skip


def test_unknown_answer_codes_are_ignored(books):
    coop, _user = books
    ev = evaluate(coop, hb.AS_OF, hb.ANSWERS | {"bukan_pertanyaan": True})
    assert "bukan_pertanyaan" not in ev.answers and str(ev.score) == hb.TOTAL


def test_figures_have_labels_and_explanations():
    assert all(f.label and f.explanation for f in FIGURES)
    names = {n for c in load().components for n in c.names}
    assert names <= {f.code for f in FIGURES}


# --- speed ---------------------------------------------------------------------------------


def test_evaluate_on_a_year_of_data_is_fast(coop):
    """~1,100 entries over a year, eleven months closed: well under 150 ms."""
    user = make_user("pendamping3", "pendamping", coop)

    def year():
        day = date(2025, 1, 1)
        while day.year == 2025:
            for amount in (150_000, 275_000, 80_000):
                post(coop, day, "Penjualan", [("111100", amount, 0), ("411100", 0, amount)],
                     source="manual")  # fmt: skip
            day += timedelta(days=1)

    run_transaction(year)
    for month in range(1, 12):
        run_transaction(close_month, coop, 2025, month, user)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        ev = evaluate(coop, date(2025, 12, 31))
        timings.append(time.perf_counter() - start)
    assert ev.figures["partisipasi_bruto"].value == 365 * 505_000
    print(f"evaluate: {min(timings) * 1000:.1f} ms")
    assert min(timings) < 0.150, timings


def test_negative_equity_scores_nothing_on_capital():
    """Liabilities above assets (negative equity) is worse than a thin 0–20% capital."""
    from fractions import Fraction

    from outlet_pos.core.health.rubric import band_for, load

    rubric = load()
    bands = {c.code: c.bands for c in rubric.components}
    assert band_for(bands["1a"], Fraction(-5)).value == 0
    assert band_for(bands["1a"], Fraction(0)).value == 25
    assert band_for(bands["1a"], Fraction(19)).value == 25
    assert band_for(bands["1c"], Fraction(-1)).value == 0
