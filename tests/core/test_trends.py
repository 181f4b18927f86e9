"""Trends of one cooperative month by month (core.mentoring.trends) and the SVG charts that
draw them (core.documents.svg_charts): known answers from entries posted in known months, a
closed month read from its snapshot, the year-end close left out, and charts that survive
odd unit names, negative margins and empty books."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from sqlalchemy import select

from outlet_pos.core.closing.year_end import close_year
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents import svg_charts
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import PeriodBalance
from outlet_pos.core.ledger.periods import close_month
from outlet_pos.core.mentoring.trends import charts, month_window, monthly
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit
from outlet_pos.extensions import db
from tests.conftest import make_user

SVG = "{http://www.w3.org/2000/svg}"


def unit(coop, kind: str) -> int:
    return db.session.scalar(
        select(BusinessUnit.id).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == kind
        )
    )


def entry(coop, day: date, lines: list[tuple]) -> None:
    run_transaction(post, coop, day, "Transaksi uji tren", lines, source="manual")


def member(coop, number: str, joined: date, left: date | None = None, status: str = "aktif"):
    def action():
        db.session.add(
            Member(
                cooperative_id=coop.id,
                member_number=number,
                nik=f"73710{number.zfill(11)}",
                name=f"Anggota {number}",
                sex="L",
                join_date=joined,
                left_on=left,
                status=status,
            )
        )

    run_transaction(action)


@pytest.fixture
def books(coop):
    """Mar–Jun 2025 of a small cooperative: sembako sells (with a loss in May), simpan pinjam
    earns interest, other income and a unit-less service; March and April are closed."""
    sembako, simpin = unit(coop, "sembako"), unit(coop, "simpan_pinjam")
    entry(coop, date(2025, 1, 2), [("112100", 10_000_000, 0), ("312100", 0, 10_000_000)])
    entry(coop, date(2025, 3, 10), [("111100", 1_000_000, 0), ("411100", 0, 1_000_000, sembako)])
    entry(coop, date(2025, 3, 11), [("511100", 700_000, 0, sembako), ("112100", 0, 700_000)])
    entry(coop, date(2025, 4, 5), [("111100", 200_000, 0), ("412100", 0, 200_000, simpin)])
    entry(coop, date(2025, 4, 20), [("111100", 50_000, 0), ("419100", 0, 50_000)])
    entry(coop, date(2025, 5, 12), [("111100", 30_000, 0), ("414100", 0, 30_000)])
    entry(coop, date(2025, 5, 15), [("111100", 400_000, 0), ("411200", 0, 400_000, sembako)])
    entry(coop, date(2025, 5, 16), [("511100", 600_000, 0, sembako), ("112100", 0, 600_000)])
    entry(coop, date(2025, 6, 3), [("111100", 250_000, 0), ("411100", 0, 250_000, sembako)])
    entry(coop, date(2025, 6, 20), [("111100", 999_000, 0), ("411100", 0, 999_000, sembako)])
    member(coop, "1", date(2025, 2, 1))
    member(coop, "2", date(2025, 4, 10), left=date(2025, 5, 20), status="keluar")
    member(coop, "3", date(2025, 6, 10))
    member(coop, "4", date(2025, 6, 16))
    member(coop, "5", date(2025, 1, 1), status="keluar")  # left, date unknown
    user = make_user("bendahara-tren", "bendahara", coop)
    for month in (3, 4):
        run_transaction(close_month, coop, 2025, month, user)
    return coop


def test_window_is_the_calendar_months_ending_with_the_end_month():
    assert month_window(date(2025, 2, 14), 4) == [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]
    assert month_window(date(2025, 12, 31), 1) == [(2025, 12)]


def test_monthly_series_are_the_known_answers(books):
    assert db.session.scalar(
        select(PeriodBalance.id).where(PeriodBalance.cooperative_id == books.id)
    ), "March and April should be read from their snapshots"
    t = monthly(books, date(2025, 6, 15), months=4)
    assert t.labels == ["Mar 25", "Apr 25", "Mei 25", "Jun 25"]
    assert t.days == [date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 15)]
    assert t.partial_last
    assert t.sales == {
        "Sembako": [1_000_000, 0, 400_000, 250_000],
        "Simpan Pinjam": [0, 200_000, 0, 0],
        "Umum": [0, 0, 30_000, 0],
    }
    assert t.margin == {
        "Sembako": [300_000, 0, -200_000, 250_000],
        "Simpan Pinjam": [0, 200_000, 0, 0],
        "Umum": [0, 0, 30_000, 0],
    }
    assert t.cash == [10_300_000, 10_550_000, 10_380_000, 10_630_000]
    assert t.members == [1, 2, 1, 2]
    assert t.loans == {c: [0, 0, 0, 0] for c in ("L", "DPK", "KL", "D", "M")}


def test_closed_months_give_the_same_answer_as_open_ones(books):
    """Reopening nothing, compare against a window that only reads lines (June is open)."""
    closed = monthly(books, date(2025, 4, 30), months=2)
    assert closed.sales["Sembako"] == [1_000_000, 0]
    assert closed.cash == [10_300_000, 10_550_000]
    assert not closed.partial_last


def test_year_end_close_does_not_wipe_out_december(coop):
    sembako = unit(coop, "sembako")
    entry(coop, date(2024, 12, 5), [("111100", 500_000, 0), ("411100", 0, 500_000, sembako)])
    entry(coop, date(2024, 12, 6), [("511100", 300_000, 0, sembako), ("112100", 0, 300_000)])
    entry(coop, date(2025, 1, 7), [("111100", 80_000, 0), ("411100", 0, 80_000, sembako)])
    run_transaction(close_year, coop, 2024, make_user("bendahara-tutup", "bendahara", coop))
    t = monthly(coop, date(2025, 1, 31), months=2)
    assert t.sales == {"Sembako": [500_000, 80_000]}
    assert t.margin == {"Sembako": [200_000, 80_000]}
    assert t.cash == [200_000, 280_000]


def test_an_empty_cooperative_has_zero_series_and_empty_charts(coop):
    t = monthly(coop, date(2025, 6, 30))
    assert len(t.months) == 12 and t.sales == {} and t.margin == {}
    assert t.cash == [0] * 12 and t.members == [0] * 12
    for chart in charts(t):
        svg = str(chart.svg())
        ET.fromstring(svg)
        assert svg_charts.EMPTY_TEXT in svg


def test_months_must_be_positive(coop):
    with pytest.raises(ValueError):
        monthly(coop, date(2025, 6, 30), months=0)


# --- SVG -----------------------------------------------------------------------------------


CATS = ["Jan 25", "Feb 25", "Mar 25"]


def test_svg_is_well_formed_and_escapes_every_label():
    svg = str(
        svg_charts.bar_chart(
            'Penjualan "<script>"',
            CATS,
            {"<b>&": [100_000, 200_000, 300_000], "Pupuk": [50_000, 0, 25_000]},
        )
    )
    root = ET.fromstring(svg)
    assert "<b>" not in svg and "<script>" not in svg and "&amp;" in svg
    assert "style=" not in svg and "script" not in {el.tag for el in root.iter()}
    assert root.get("viewBox") and root.get("width") == "100%"
    assert root.find(f"{SVG}title").text == 'Penjualan "<script>"'
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert "<b>&" in texts and {"Jan", "Feb", "Mar"} <= set(texts)
    years = [el.text for el in root.iter(f"{SVG}tspan")]
    assert years == ["25"]  # the year once, under the first month
    assert root.find(f"{SVG}desc").text.startswith("Per bulan, Jan 25 sampai Mar 25.")


def _bars(svg: str) -> list[ET.Element]:
    return [el for el in ET.fromstring(svg).iter(f"{SVG}rect") if "bar" in el.get("class", "")]


def _zero_y(svg: str) -> float:
    root = ET.fromstring(svg)
    (line,) = [el for el in root.iter(f"{SVG}line") if el.get("class") == "zero-line"]
    return float(line.get("y1"))


@pytest.mark.parametrize("stacked", [True, False])
def test_a_negative_bar_hangs_below_the_zero_line(stacked):
    svg = str(
        svg_charts.bar_chart(
            "Margin", CATS, {"Sembako": [300_000, -200_000, 0], "Jasa": [100_000, 50_000, 0]},
            stacked=stacked,
        )
    )  # fmt: skip
    zero = _zero_y(svg)
    bars = _bars(svg)
    assert len(bars) == 4  # zero values draw nothing
    negative = [b for b in bars if "bar-neg" in b.get("class")]
    assert len(negative) == 1
    assert float(negative[0].get("y")) == pytest.approx(zero, abs=0.1)
    for bar in bars:
        if bar not in negative:
            top, height = float(bar.get("y")), float(bar.get("height"))
            assert top + height <= zero + 0.1
    assert "Sembako · Feb 25: -Rp200.000" in svg


def test_bar_heights_are_proportional_to_values():
    svg = str(svg_charts.bar_chart("Jual", CATS, {"A": [100, 200, 400]}))
    heights = [float(b.get("height")) for b in _bars(svg)]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.02)
    assert heights[2] == pytest.approx(4 * heights[0], rel=0.02)


def test_line_chart_draws_one_point_per_month_and_counts_without_rupiah():
    svg = str(svg_charts.line_chart("Anggota", CATS, {"Anggota aktif": [3, 5, 4]}, money=False))
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert "Anggota aktif · Feb 25: 5" in svg and "Rp" not in svg


def test_bar_line_chart_draws_the_target_as_a_dashed_line():
    svg = str(svg_charts.bar_line_chart("Rencana", CATS, {"Realisasi": [1, 2, 3]},
                                        {"Target": [2, 2, 2]}))  # fmt: skip
    root = ET.fromstring(svg)
    (line,) = root.iter(f"{SVG}polyline")
    assert line.get("stroke-dasharray") and len(_bars(svg)) == 3


def test_empty_or_zero_series_say_there_is_no_data():
    for svg in (
        svg_charts.bar_chart("Kosong", CATS, {}),
        svg_charts.bar_chart("Nol", CATS, {"A": [0, 0, 0]}),
        svg_charts.line_chart("Tanpa bulan", [], {}),
        svg_charts.bar_line_chart("Nol", CATS, {"A": [0, 0, 0]}, {"T": [0, 0, 0]}),
    ):
        ET.fromstring(str(svg))
        assert svg_charts.EMPTY_TEXT in str(svg)


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        svg_charts.bar_chart("Salah", CATS, {"A": [1, 2]})


def test_units_keep_their_colour_from_chart_to_chart(books):
    odd = run_transaction(save_unit, books, "ikan", "<b>&", "lokal", None)
    entry(books, date(2025, 6, 4), [("111100", 75_000, 0), ("411100", 0, 75_000, odd.id)])
    t = monthly(books, date(2025, 6, 15), months=4)
    assert t.sales["<b>&"] == [0, 0, 0, 75_000]
    sales, margin = charts(t)[:2]
    assert sales.colours["Sembako"] == margin.colours["Sembako"]
    assert sales.colours["<b>&"] == margin.colours["<b>&"]
    assert len({sales.colours[n] for n in t.sales}) == len(t.sales)
    for chart in charts(t):
        ET.fromstring(str(chart.svg()))
        ET.fromstring(str(chart.table()))
        assert "<b>" not in str(chart.svg()) + str(chart.table())


def test_data_table_lists_every_month_and_series():
    table = str(svg_charts.data_table("Jual", CATS, {"A": [1_000, 2_000, 3_000]}))
    root = ET.fromstring(table)
    assert [th.text for th in root.iter("th")] == ["Bulan", "A", "Jan 25", "Feb 25", "Mar 25"]
    assert [td.text for td in root.iter("td")] == ["Rp1.000", "Rp2.000", "Rp3.000"]
