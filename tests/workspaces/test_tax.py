"""Tax reports (DESIGN §3.12): PPh final 0.5% of gross turnover per month with its accrual and
payment, PPN for a PKP cooperative only, and the final tax withheld on savings interest tied to
the ledger. Known answers are worked out by hand in each test."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, PeriodLocked, ValidationError
from outlet_pos.core.ledger import balances, close_month, post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.statements import tax
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import interest, savings
from outlet_pos.units.simpan_pinjam.members import register_member
from tests.conftest import make_coop, make_user
from tests.shop import build_shop
from tests.units.simpin_world import build_world, first_of_previous_month, member_data

MARCH = date(2025, 3, 10)


def entries() -> int:
    return db.session.scalar(select(func.count(JournalEntry.id)))


def manual(coop, day, memo, lines, source="manual"):
    return run_transaction(post, coop, day, memo, lines, source=source)


def march_of_a_shop(*, pkp: bool = False):
    """Sales of Rp182.000 on 10 March 2025 (2 beras at 64.000, 3 minyak at 18.000), one minyak
    returned (Rp18.000), Rp50.000 loan interest, Rp7.000 bank interest, Rp3.000 other income."""
    shop = build_shop(pkp=pkp)
    coop = db.session.get(Cooperative, shop.coop_id)
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    sale = run_transaction(
        checkout,
        shift,
        [CartLine(shop.items["beras"], qty=2), CartLine(shop.items["minyak"], qty=3)],
        [PaymentIn("tunai", 200_000)],
        user=cashier,
        day=MARCH,
    )
    boss = make_user(f"pengurus{coop.id}", "pengurus", coop)
    minyak = next(line for line in sale.lines if line.item_id == shop.items["minyak"])
    run_transaction(
        refund,
        sale,
        {minyak.id: 1},
        "Botol bocor",
        user=cashier,
        shift=shift,
        approver=boss,
        day=MARCH,
    )
    manual(coop, MARCH, "Jasa pinjaman", [("112100", 50_000, 0), ("412100", 0, 50_000)])
    manual(coop, MARCH, "Bunga bank", [("112100", 7_000, 0), ("418100", 0, 7_000)])
    manual(coop, MARCH, "Lain-lain", [("112100", 3_000, 0), ("419200", 0, 3_000)])
    return shop, coop, boss


def test_gross_turnover_counts_exactly_the_business_revenue(ctx):
    shop, coop, _boss = march_of_a_shop()
    # A year-end closing entry moves revenue to equity; it is not trade.
    manual(
        coop,
        date(2025, 12, 31),
        "Tutup buku",
        [("411200", 164_000, 0), ("315100", 0, 164_000)],
        source="closing",
    )
    rows = tax.pph_final_year(coop, 2025)
    # 182.000 - 18.000 sales + 50.000 loan interest; not the 7.000 bank interest nor 3.000.
    assert rows[2].bruto == 214_000
    assert rows[2].tax == 1_070
    assert rows[11].bruto == 0
    assert sum(r.bruto for r in rows) == 214_000
    detail = tax.turnover_detail(coop, 2025, 3)
    assert {(d.unit, d.code, d.amount) for d in detail} == {
        ("Sembako", "411200", 164_000),
        ("Tanpa unit", "412100", 50_000),
    }


def test_the_tax_rounds_half_up(ctx):
    assert [tax.pph_final_of(b) for b in (100, 12_100, 12_299, 12_300, 0, -5_000)] == [
        1,  # 0,5
        61,  # 60,5
        61,  # 61,495
        62,  # 61,5
        0,
        0,
    ]
    coop = make_coop()
    manual(coop, date(2025, 4, 3), "Komisi", [("112100", 12_300, 0), ("414100", 0, 12_300)])
    assert tax.pph_final_year(coop, 2025)[3].tax == 62


def test_the_accrual_posts_once_and_a_second_call_changes_nothing(ctx):
    _shop, coop, boss = march_of_a_shop()
    first = run_transaction(tax.post_pph_final, coop, 2025, 3, boss)
    assert first.created
    assert first.entry.date == date(2025, 3, 31)
    assert balances(coop)["711100"] == 1_070
    assert balances(coop)["211600"] == -1_070
    # The expense sits with the units in proportion to their turnover (164.000 : 50.000).
    by_unit = balances(coop, unit=_shop.unit_id)
    assert by_unit["711100"] == 820  # 1.070 x 164/214 = 820,0
    before = entries()
    again = run_transaction(tax.post_pph_final, coop, 2025, 3, boss)
    assert not again.created and again.entry.id == first.entry.id
    assert entries() == before
    row = tax.pph_final_year(coop, 2025)[2]
    assert (row.accrued, row.differs, row.paid) == (1_070, False, None)


def test_the_accrual_is_refused_for_an_unfinished_an_empty_or_a_closed_month(ctx):
    _shop, coop, boss = march_of_a_shop()
    today = coop.today()
    before = entries()
    with pytest.raises(DomainError, match="belum berakhir"):
        run_transaction(tax.post_pph_final, coop, today.year, today.month, boss)
    with pytest.raises(DomainError, match="peredaran bruto nol"):
        run_transaction(tax.post_pph_final, coop, 2025, 2, boss)
    run_transaction(close_month, coop, 2025, 3, boss)
    with pytest.raises(PeriodLocked, match="Maret 2025 sudah ditutup"):
        run_transaction(tax.post_pph_final, coop, 2025, 3, boss)
    assert entries() == before


def test_the_payment_clears_the_tax_payable(ctx):
    _shop, coop, boss = march_of_a_shop()
    pay = {"day": date(2025, 4, 15), "account": "112100", "user": boss}
    with pytest.raises(DomainError, match="Bukukan dulu"):
        run_transaction(
            tax.pay_tax, coop, "pph-final", 2025, 3, amount=1_070, reference="X1", **pay
        )
    run_transaction(tax.post_pph_final, coop, 2025, 3, boss)
    before = entries()
    for bad, field in [
        ({"amount": 1_071, "reference": "0123456789ABCDEF"}, "amount"),
        ({"amount": 1_070, "reference": ""}, "reference"),
        ({"amount": 1_070, "reference": "NTPN 1"}, "reference"),
    ]:
        with pytest.raises(ValidationError) as err:
            run_transaction(tax.pay_tax, coop, "pph-final", 2025, 3, **bad, **pay)
        assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        run_transaction(
            tax.pay_tax, coop, "pph-final", 2025, 3, amount=1_070, reference="A1",
            **{**pay, "account": "111100"},
        )  # fmt: skip
    assert err.value.field == "account"
    assert entries() == before
    bank = balances(coop)["112100"]
    done = run_transaction(
        tax.pay_tax, coop, "pph-final", 2025, 3, amount=1_070, reference="0123456789ABCDEF", **pay
    )
    assert done.created and "0123456789ABCDEF" in done.entry.memo
    assert balances(coop).get("211600", 0) == 0
    assert balances(coop)["112100"] == bank - 1_070
    again = run_transaction(
        tax.pay_tax, coop, "pph-final", 2025, 3, amount=1_070, reference="LAIN", **pay
    )
    assert not again.created and again.entry.id == done.entry.id
    assert tax.pph_final_year(coop, 2025)[2].paid == 1_070


def test_ppn_keluaran_from_sales_net_of_refunds_less_ppn_masukan(ctx):
    _shop, coop, _boss = march_of_a_shop(pkp=True)
    # Only minyak is taxable: 3 x 18.000 = 54.000 sold -> PPN 54.000 x 11/111 = 5.351,35 ->
    # 5.351; the returned bottle takes a third of it: 1.783,67 -> 1.784. Net PPN keluaran
    # 3.567; DPP (54.000 - 5.351) - (18.000 - 1.784) = 48.649 - 16.216 = 32.433.
    manual(coop, MARCH, "Faktur pajak masukan", [("115100", 2_000, 0), ("112100", 0, 2_000)])
    april = date(2025, 4, 2)
    manual(coop, april, "Faktur masukan April", [("115100", 9_000, 0), ("112100", 0, 9_000)])
    march, april, may = tax.ppn_year(coop, 2025)[2:5]
    assert (march.output, march.output_docs, march.dpp) == (3_567, 3_567, 32_433)
    assert (march.input, march.to_pay, march.carried_out) == (2_000, 1_567, 0)
    # April: no sales, 9.000 input -> carried into May.
    assert (april.to_pay, april.carried_out, may.carried_in) == (0, 9_000, 9_000)
    # The 211600 balance holds exactly the net PPN keluaran (no other tax this year).
    assert -balances(coop)["211600"] == 3_567


def test_savings_interest_tax_list_totals_equal_the_interest_runs(ctx):
    from outlet_pos.workspaces.bendahara.views_tax import interest_tax

    w = build_world(joined_days_ago=70)
    first = first_of_previous_month(w.coop.today())
    rich = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
    run_transaction(savings.deposit, w.coop, rich, 100_000_000, w.kasir, via="transfer", day=first)
    other = run_transaction(
        register_member, w.coop, member_data("Budi Santoso"), w.kasir, shift=w.shift,
        day=first - timedelta(days=5),
    )  # fmt: skip
    small = run_transaction(savings.account_for, w.coop, other, "sukarela")
    run_transaction(savings.deposit, w.coop, small, 10_000_000, w.kasir, via="transfer", day=first)
    run = run_transaction(interest.credit_interest, w.coop, first.year, first.month, w.kasir)
    # 100 juta x 3% / 12 = 250.000 (> 240.000: 25.000 tax); 10 juta -> 25.000, untaxed.
    assert (run.interest, run.tax) == (275_000, 25_000)
    row = interest_tax(w.coop, first.year)[first.month - 1]
    assert [(m.name, m.interest, m.tax, m.net) for m in row.members] == [
        ("Siti Aminah", 250_000, 25_000, 225_000),
        ("Budi Santoso", 25_000, 0, 25_000),
    ]
    assert (row.interest, row.tax, row.run_tax, row.ledger_tax) == (275_000, 25_000, 25_000, 25_000)
    assert row.ties
    assert tax.withheld_interest_tax(w.coop, first.year) == {first.month: 25_000}
    assert -balances(w.coop)["211600"] == 25_000


# --------------------------------------------------------------------------- pages


@pytest.fixture
def books(app):
    """A cooperative with Rp214.000 of March 2025 turnover and users of four roles."""
    with app.app_context():
        coop = make_coop()
        manual(coop, MARCH, "Jasa pinjaman", [("112100", 214_000, 0), ("412100", 0, 214_000)])
        for role in ("bendahara", "pengawas", "kasir"):
            make_user(role, role, coop)
        return coop.id


def test_the_treasurer_posts_the_accrual_once_from_the_page(app, books, login):
    client = app.test_client()
    login(client, "bendahara")
    page = client.get("/pembukuan/pajak?year=2025").get_data(as_text=True)
    assert "214.000" in page and "1.070" in page and "Bukukan" in page
    resp = client.post("/pembukuan/pajak/pph-final/2025/3/bukukan", follow_redirects=True)
    assert "PPh final Maret 2025 dibukukan" in resp.get_data(as_text=True)
    resp = client.post("/pembukuan/pajak/pph-final/2025/3/bukukan", follow_redirects=True)
    assert "sudah dibukukan" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(JournalEntry.source == "tax")) == 1
    detail = client.get("/pembukuan/pajak/pph-final/2025/3").get_data(as_text=True)
    assert "Catat setoran" in detail and "412100" in detail
    bad = client.post(
        "/pembukuan/pajak/2025/3/setor",
        data={"kind": "pph-final", "date": "2025-04-10", "amount": "2.000",
              "account": "112100", "reference": "NTPN1"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "melebihi pajak terutang" in bad.get_data(as_text=True)
    assert 'value="2.000"' in bad.get_data(as_text=True)
    ok = client.post(
        "/pembukuan/pajak/2025/3/setor",
        data={"kind": "pph-final", "date": "2025-04-10", "amount": "1.070",
              "account": "112100", "reference": "NTPN1"},
        follow_redirects=True,
    )  # fmt: skip
    assert "tercatat" in ok.get_data(as_text=True)
    with app.app_context():
        assert balances(db.session.get(Cooperative, books)).get("211600", 0) == 0


def test_downloads_of_each_tax_report(app, books, login):
    client = app.test_client()
    login(client, "pengawas")
    for url in (
        "/pembukuan/pajak?year=2025",
        "/pembukuan/pajak/pph-final/2025/3",
        "/pembukuan/pajak/bunga-simpanan?year=2025",
        "/pembukuan/pajak/bunga-simpanan/2025/3",
    ):
        pdf = client.get(f"{url}{'&' if '?' in url else '?'}fmt=pdf")
        assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF", url
        xlsx = client.get(f"{url}{'&' if '?' in url else '?'}fmt=xlsx")
        assert xlsx.status_code == 200, url
        load_workbook(io.BytesIO(xlsx.data))
    sheet = load_workbook(io.BytesIO(client.get("/pembukuan/pajak?year=2025&fmt=xlsx").data))
    values = [c for row in sheet.active.iter_rows(values_only=True) for c in row]
    assert 214_000 in values and 1_070 in values


def test_a_cooperative_that_is_not_pkp_shows_no_ppn(app, books, login):
    client = app.test_client()
    login(client, "bendahara")
    page = client.get("/pembukuan/pajak/ppn?year=2025").get_data(as_text=True)
    assert "bukan Pengusaha Kena Pajak" in page
    assert "PPN keluaran" not in page and "fmt=pdf" not in page
    with app.app_context():
        coop = db.session.get(Cooperative, books)
        coop.is_pkp = True
        db.session.commit()
    page = client.get("/pembukuan/pajak/ppn?year=2025").get_data(as_text=True)
    assert "PPN keluaran" in page and "bukan Pengusaha Kena Pajak" not in page


def test_kasir_is_refused_and_pengawas_may_view_but_not_post(app, books, login):
    kasir = app.test_client()
    login(kasir, "kasir")
    assert kasir.get("/pembukuan/pajak").status_code == 403
    assert kasir.get("/pembukuan/pajak/ppn").status_code == 403
    pengawas = app.test_client()
    login(pengawas, "pengawas")
    page = pengawas.get("/pembukuan/pajak?year=2025")
    assert page.status_code == 200 and "Bukukan</button>" not in page.get_data(as_text=True)
    assert pengawas.get("/pembukuan/pajak/bunga-simpanan").status_code == 200
    assert pengawas.post("/pembukuan/pajak/pph-final/2025/3/bukukan").status_code == 403
    assert pengawas.post("/pembukuan/pajak/2025/3/setor", data={}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(JournalEntry.source == "tax")) == 0
