"""Bank accounts and reconciliation: the register, cash deposits, statement CSV import (exact
rupiah, overlap, all-or-nothing), matching, posting charges and interest, the reconciliation
page and its downloads, the month-close checklist item, permissions and tenant isolation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outlet_pos.core.banking import matching, reconcile, services, statement_csv
from outlet_pos.core.banking.checks import bank_reconciled
from outlet_pos.core.banking.models import (
    BankMatch,
    BankStatement,
    BankStatementLine,
)
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import balances, post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

FIXTURES = Path(__file__).parent.parent / "fixtures"
BRI = {"delimiter": ",", "skip_rows": 4, "date_column": "Tanggal Transaksi",
       "date_format": "%d/%m/%Y", "description_column": "Uraian Transaksi",
       "reference_column": "Teller", "amount_column": "", "debit_column": "Debet",
       "credit_column": "Kredit", "balance_column": "Saldo", "number_style": "en"}  # fmt: skip
MANDIRI = {"delimiter": ";", "skip_rows": 0, "date_column": "Tanggal",
           "date_format": "%d/%m/%Y", "description_column": "Keterangan",
           "reference_column": "No. Referensi", "amount_column": "Mutasi", "debit_column": "",
           "credit_column": "", "balance_column": "", "number_style": "id"}  # fmt: skip


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def line_count() -> int:
    return db.session.scalar(select(func.count(BankStatementLine.id)))


@pytest.fixture
def bank(coop):
    """A cooperative with Rp5.000.000 cash, a BRI account with the BRI mapping, and the
    books of May 2025: two deposits, a supplier transfer and a member's transfer in."""
    user = make_user("bendahara", "bendahara", coop)

    def setup():
        post(coop, date(2025, 5, 1), "Modal awal", [("111100", 5_000_000, 0),
             ("312100", 0, 5_000_000)], source="manual")  # fmt: skip
        account = services.create_bank_account(
            coop, "BRI", "0123-01-004567-53-0", "Koperasi Sukamaju", user
        )
        statement_csv.save_mapping(coop, account, BRI, user)
        services.deposit_cash(coop, account, 2_500_000, date(2025, 5, 2), user)
        post(coop, date(2025, 5, 5), "Bayar CV Sumber Rejeki INV-0425",
             [("612100", 750_000, 0), ("112100", 0, 750_000)], source="manual")  # fmt: skip
        post(coop, date(2025, 5, 12), "Transfer Siti Aminah", [("112100", 150_000, 0),
             ("419200", 0, 150_000)], source="manual")  # fmt: skip
        services.deposit_cash(coop, account, 1_000_000, date(2025, 5, 19), user)
        return account

    account = run_transaction(setup)
    return account, user


def test_the_first_account_takes_112100_and_the_next_a_new_account_under_110000(bank, coop):
    first, user = bank
    second = run_transaction(
        services.create_bank_account, coop, "Bank Jatim", "0011223344", "Koperasi", user
    )
    third = run_transaction(services.create_bank_account, coop, "BSI", "7001234567", "K", user)
    assert first.ledger_account.code == "112100"
    assert second.ledger_account.code == "112110"
    assert second.ledger_account.name == "Bank Bank Jatim 3344"
    assert third.ledger_account.code == "112120"
    assert second.ledger_account.parent.code == "110000" and not second.ledger_account.is_header
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.create_bank_account(coop, "BRI", "0123-01-004567-53-0", "X", user)


def test_a_sample_csv_imports_with_exact_integer_amounts(bank, coop):
    account, user = bank
    data = raw("bank_statement_bri.csv")
    st = run_transaction(statement_csv.import_statement, coop, account, data, "1.csv", user)
    lines = db.session.scalars(select(BankStatementLine).order_by(BankStatementLine.id)).all()
    assert [(ln.line_no, ln.date, ln.amount, ln.balance) for ln in lines] == [
        (6, date(2025, 5, 2), 2_500_000, 2_500_000),
        (7, date(2025, 5, 5), -750_000, 1_750_000),
        (8, date(2025, 5, 12), 150_000, 1_900_000),
    ]
    assert all(type(ln.amount) is int for ln in lines)
    assert (st.period_start, st.period_end, st.line_count) == (date(2025, 5, 2),
                                                                date(2025, 5, 12), 3)  # fmt: skip
    assert lines[1].reference == "8888" and "SUMBER REJEKI" in lines[1].description


def test_a_second_import_of_an_overlapping_file_adds_only_the_new_lines(bank, coop):
    account, user = bank
    run_transaction(statement_csv.import_statement, coop, account, raw("bank_statement_bri.csv"),
                    "1.csv", user)  # fmt: skip
    preview = statement_csv.preview_statement(account, raw("bank_statement_bri_2.csv"), "2.csv")
    assert (len(preview.new_lines), preview.duplicates) == (4, 1)
    st = run_transaction(statement_csv.import_statement, coop, account,
                         raw("bank_statement_bri_2.csv"), "2.csv", user,
                         period_end=date(2025, 5, 31))  # fmt: skip
    assert (st.line_count, st.skipped_count) == (4, 1)
    assert line_count() == 7
    amounts = db.session.scalars(select(BankStatementLine.amount)).all()
    assert sum(amounts) == 2_890_072
    again = run_transaction(statement_csv.import_statement, coop, account,
                            raw("bank_statement_bri_2.csv"), "2.csv", user)  # fmt: skip
    assert (again.line_count, again.skipped_count, line_count()) == (0, 5, 7)


def test_identical_lines_without_a_balance_column_are_both_kept(bank, coop):
    account, user = bank
    run_transaction(statement_csv.save_mapping, coop, account, MANDIRI, user)
    run_transaction(statement_csv.import_statement, coop, account,
                    raw("bank_statement_mandiri.csv"), "m.csv", user)  # fmt: skip
    assert db.session.scalars(
        select(BankStatementLine.amount).order_by(BankStatementLine.id)
    ).all() == [1_250_000, -875_000, -875_000, -15_000]
    again = statement_csv.preview_statement(account, raw("bank_statement_mandiri.csv"), "m.csv")
    assert (len(again.new_lines), again.duplicates) == (0, 4)


@pytest.mark.parametrize(
    "cell, message",
    [('"1,234.50"', "memiliki sen"), ('"12,34,5.00"', "tidak sesuai format"),
     ("1.5e3", "tidak sesuai format")],
)  # fmt: skip
def test_a_malformed_line_refuses_the_whole_file_with_its_line_number(bank, coop, cell, message):
    account, user = bank
    text = raw("bank_statement_bri.csv").decode().splitlines()
    text[6] = f"05/05/2025 13:02:45,TRF KE CV SUMBER REJEKI,8888,{cell},0.00,"
    text[7] = "31/13/2025,SALAH TANGGAL,8888,0.00,100.00,"
    bad = "\r\n".join(text).encode()
    with pytest.raises(ValidationError) as err:
        run_transaction(statement_csv.import_statement, coop, account, bad, "x.csv", user)
    assert "Baris 7:" in err.value.message and message in err.value.message
    assert "Baris 8:" in err.value.message and "tanggal '31/13/2025'" in err.value.message
    assert line_count() == 0
    assert db.session.scalar(select(func.count(BankStatement.id))) == 0


def test_amounts_parse_in_both_number_styles_without_floats():
    assert statement_csv.parse_amount("1.234.567,00", "id") == 1_234_567
    assert statement_csv.parse_amount("1,234,567.00", "en") == 1_234_567
    assert statement_csv.parse_amount("(15.000)", "id") == -15_000
    assert statement_csv.parse_amount("2.500.000,00 DB", "id") == -2_500_000
    assert statement_csv.parse_amount("Rp 999.999.999.999", "id") == 999_999_999_999
    for bad in ("1.234,5", "1,234.00", "12.34.567", "abc"):
        with pytest.raises(ValueError):
            statement_csv.parse_amount(bad, "id")


def test_auto_match_pairs_equal_amounts_within_3_days_and_never_uses_a_line_twice(bank, coop):
    account, user = bank
    for name in ("bank_statement_bri.csv", "bank_statement_bri_2.csv"):
        run_transaction(statement_csv.import_statement, coop, account, raw(name), name, user)
    assert run_transaction(matching.auto_match, coop, account, user) == 4
    by_day = {
        ln.date: ln
        for ln in db.session.scalars(select(BankStatementLine).where(
            BankStatementLine.status == "matched"))
    }  # fmt: skip
    assert sorted(by_day) == [date(2025, 5, d) for d in (2, 5, 12, 20)]
    # 19 May in the books, 20 May at the bank: one day apart, same amount.
    assert by_day[date(2025, 5, 20)].matches[0].journal_line.entry_date == date(2025, 5, 19)
    # A second statement line of the same amount finds no free ledger line.
    csv = b'Tanggal,Keterangan,Debet,Kredit,Saldo\n21/05/2025,SETORAN ULANG,0,"1.000.000,00",\n'
    run_transaction(statement_csv.save_mapping, coop, account, statement_csv.DEFAULT_MAPPING, user)
    run_transaction(statement_csv.import_statement, coop, account, csv, "3.csv", user)
    assert run_transaction(matching.auto_match, coop, account, user) == 0
    ids = db.session.scalars(select(BankMatch.journal_line_id)).all()
    assert len(ids) == len(set(ids)) == 4


def test_auto_match_ignores_amounts_more_than_3_days_away_and_prefers_the_reference(bank, coop):
    account, user = bank
    run_transaction(statement_csv.save_mapping, coop, account, MANDIRI, user)

    def books():
        post(coop, date(2025, 5, 27), "Setoran", [("112100", 1_250_000, 0),
             ("419200", 0, 1_250_000)], source="manual")  # fmt: skip
        for memo in ("Bayar pupuk FT25155XXXX", "Bayar pupuk FT25155B7731"):
            post(coop, date(2025, 6, 5), memo, [("612100", 875_000, 0),
                 ("112100", 0, 875_000)], source="manual")  # fmt: skip

    run_transaction(books)
    csv = "Tanggal;Keterangan;No. Referensi;Mutasi\n03/06/2025;SETORAN;X1;1.250.000,00\n"
    csv += "04/06/2025;TRANSFER KE PT PUPUK;FT25155B7731;-875.000,00\n"
    run_transaction(statement_csv.import_statement, coop, account, csv.encode(), "m", user)
    assert run_transaction(matching.auto_match, coop, account, user) == 1
    line = db.session.scalar(select(BankStatementLine).where(BankStatementLine.status == "matched"))
    assert line.amount == -875_000
    assert line.matches[0].journal_line.entry.memo.endswith("B7731")


def test_manual_match_takes_several_ledger_lines_summing_to_the_line_and_unmatch_frees_them(
    bank, coop
):
    account, user = bank
    run_transaction(statement_csv.save_mapping, coop, account, statement_csv.DEFAULT_MAPPING, user)
    csv = b'Tanggal,Keterangan,Debet,Kredit,Saldo\n03/05/2025,SETORAN GABUNGAN,0,"3.500.000,00",\n'
    run_transaction(statement_csv.import_statement, coop, account, csv, "g.csv", user)
    line = db.session.scalar(select(BankStatementLine))
    deposits = [jl for jl, _e in matching.candidates(line) if jl.debit in (2_500_000, 1_000_000)]
    with pytest.raises(ValidationError, match="tidak sama"):
        run_transaction(matching.match_lines, coop, line, [deposits[0].id], user)
    run_transaction(matching.match_lines, coop, line, [d.id for d in deposits], user)
    assert line.status == "matched" and len(line.matches) == 2
    run_transaction(matching.unmatch, coop, line, user)
    assert line.status == "unmatched" and db.session.scalar(select(func.count(BankMatch.id))) == 0


def test_posting_a_bank_charge_from_a_line_posts_dr_618100_cr_bank_and_marks_it_matched(bank, coop):
    account, user = bank
    run_transaction(statement_csv.import_statement, coop, account,
                    raw("bank_statement_bri_2.csv"), "2.csv", user)  # fmt: skip
    charge = db.session.scalar(select(BankStatementLine).where(BankStatementLine.amount == -12_500))
    with pytest.raises(ValidationError, match="uang masuk"):
        run_transaction(matching.post_from_line, coop, charge, "interest", user)
    entry = run_transaction(matching.post_from_line, coop, charge, "charge", user)
    assert entry.source == "bank"
    assert sorted((ln.account.code, ln.debit, ln.credit) for ln in entry.lines) == [
        ("112100", 0, 12_500), ("618100", 12_500, 0)]  # fmt: skip
    assert charge.status == "posted" and charge.posted_entry_id == entry.id
    assert charge.matches[0].journal_line.account.code == "112100"
    with pytest.raises(DomainError, match="sudah dicocokkan"):
        run_transaction(matching.post_from_line, coop, charge, "charge", user)
    interest = db.session.scalar(select(BankStatementLine).where(BankStatementLine.amount == 3_215))
    run_transaction(matching.post_from_line, coop, interest, "interest", user)
    tax = db.session.scalar(select(BankStatementLine).where(BankStatementLine.amount == -643))
    run_transaction(matching.post_from_line, coop, tax, "tax", user)
    got = balances(coop, as_of=date(2025, 5, 31))
    assert (got["618100"], got["418100"], got["711200"]) == (12_500, -3_215, 643)


def _import_both_and_match(coop, account, user):
    for name in ("bank_statement_bri.csv", "bank_statement_bri_2.csv"):
        end = date(2025, 5, 31) if name.endswith("2.csv") else None
        run_transaction(statement_csv.import_statement, coop, account, raw(name), name, user,
                        period_end=end)  # fmt: skip
    run_transaction(matching.auto_match, coop, account, user)


def test_the_reconciliation_explains_the_difference_and_is_zero_when_all_matched(bank, coop):
    account, user = bank
    _import_both_and_match(coop, account, user)
    rec = reconcile.reconcile(account, 2025, 5)
    assert (rec.statement_balance, rec.ledger_balance) == (2_890_072, 2_900_000)
    assert rec.difference == -9_928
    assert sorted(ln.amount for ln in rec.statement_items) == [-12_500, -643, 3_215]
    assert rec.ledger_items == [] and rec.adjusted_statement == rec.adjusted_ledger
    assert rec.unexplained == 0 and not rec.reconciled
    for line in rec.statement_items:
        kind = {-12_500: "charge", -643: "tax", 3_215: "interest"}[line.amount]
        run_transaction(matching.post_from_line, coop, line, kind, user)
    rec = reconcile.reconcile(account, 2025, 5)
    assert rec.difference == 0 and rec.reconciled
    assert rec.statement_balance == balances(coop, as_of=date(2025, 5, 31))["112100"]


def test_a_ledger_line_not_on_the_statement_is_an_item_in_transit(bank, coop):
    account, user = bank
    _import_both_and_match(coop, account, user)
    run_transaction(services.deposit_cash, coop, account, 300_000, date(2025, 5, 31), user)
    rec = reconcile.reconcile(account, 2025, 5)
    assert [matching.signed(jl) for jl, _e in rec.ledger_items] == [300_000]
    assert rec.difference == -9_928 - 300_000 and rec.unexplained == 0


def test_deposit_refuses_more_than_the_cash_balance_of_that_day(bank, coop):
    account, user = bank
    cash = balances(coop, as_of=date(2025, 5, 20))["111100"]
    assert cash == 1_500_000
    before = db.session.scalar(select(func.count(JournalEntry.id)))
    with pytest.raises(ValidationError, match="melebihi saldo kas"):
        run_transaction(services.deposit_cash, coop, account, 1_500_001, date(2025, 5, 20), user)
    # On 1 May the box held 5.000.000, but 3.000.000 deposited that day would leave the
    # later days (after the deposits of 2 and 19 May) short.
    with pytest.raises(ValidationError, match="melebihi"):
        run_transaction(services.deposit_cash, coop, account, 3_000_000, date(2025, 5, 1), user)
    assert db.session.scalar(select(func.count(JournalEntry.id))) == before
    entry = run_transaction(services.withdraw_cash, coop, account, 200_000, date(2025, 5, 20), user)
    assert sorted((ln.account.code, ln.debit) for ln in entry.lines) == [("111100", 200_000),
                                                                         ("112100", 0)]  # fmt: skip
    other = run_transaction(services.create_bank_account, coop, "BNI", "0987654321", "K", user)
    run_transaction(services.transfer_between, coop, account, other, 100_000, date(2025, 5, 21),
                    user)  # fmt: skip
    assert services.ledger_balance(other) == 100_000


def test_the_checklist_item_fails_with_an_unmatched_line_and_passes_after_matching(bank, coop):
    account, user = bank
    lonely = make_coop("Koperasi Tanpa Bank")
    assert bank_reconciled(lonely, 2025, 5).applies is False
    result = bank_reconciled(coop, 2025, 5)
    assert not result.ok and "rekening koran sampai 31 Mei 2025 belum diimpor" in result.detail
    _import_both_and_match(coop, account, user)
    result = bank_reconciled(coop, 2025, 5)
    assert not result.ok and "3 baris rekening koran belum dicocokkan" in result.detail
    assert result.endpoint == "bendahara.bank_reconcile"
    assert result.args == {"bulan": "2025-05", "bank_account_id": account.id}
    for line in reconcile.reconcile(account, 2025, 5).statement_items:
        kind = {-12_500: "charge", -643: "tax", 3_215: "interest"}[line.amount]
        run_transaction(matching.post_from_line, coop, line, kind, user)
    result = bank_reconciled(coop, 2025, 5)
    assert result.ok, result.detail
    run_transaction(services.deposit_cash, coop, account, 1_000, date(2025, 5, 30), user)
    result = bank_reconciled(coop, 2025, 5)
    assert not result.ok and "1 transaksi buku belum ada di rekening koran" in result.detail


@pytest.mark.tampers
def test_verify_catches_a_match_whose_amounts_disagree(bank, coop):
    from outlet_pos.core.banking.checks import check_matches

    account, user = bank
    run_transaction(statement_csv.import_statement, coop, account,
                    raw("bank_statement_bri.csv"), "1.csv", user)  # fmt: skip
    run_transaction(matching.auto_match, coop, account, user)
    assert list(check_matches(coop)) == []
    lines = db.session.scalars(select(BankStatementLine).order_by(BankStatementLine.id)).all()
    lines[0].matches[0].statement_line_id = lines[1].id  # moved behind the service's back
    db.session.commit()
    assert len(list(check_matches(coop))) == 2
