"""bank pages, second half: one account's statement lines, matching them with the books (by
hand or automatically), posting charges and interest from a line, and the monthly
reconciliation page with its PDF and Excel."""

from __future__ import annotations

from datetime import date

from flask import render_template, request, url_for
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.banking import matching, reconcile, services
from outlet_pos.core.banking.models import LINE_STATUSES, BankAccount, BankStatementLine
from outlet_pos.core.banking.statement_csv import mapping_for
from outlet_pos.core.documents.report import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.ledger.models import MONTHS_ID, Account, JournalEntry
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.core.tenancy import scoped as scoped_select
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import send_report
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_bank import PostLineForm
from outlet_pos.workspaces.bendahara.views_bank import PERM, user


def _month(raw: str | None, default: date) -> tuple[int, int]:
    """``?bulan=2025-05`` as (year, month), or the default's month."""
    try:
        y, m = (int(p) for p in (raw or "").split("-"))
        if 2000 <= y <= 2100 and 1 <= m <= 12:
            return y, m
    except ValueError:
        pass
    return default.year, default.month


@bp.route("/bank/<int:bank_account_id>")
@requires(PERM)
def bank_detail(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    status = request.args.get("status", "")
    stmt = scoped_select(BankStatementLine, coop).where(
        BankStatementLine.bank_account_id == account.id
    )
    if status in LINE_STATUSES:
        stmt = stmt.where(BankStatementLine.status == status)
    lines = db.session.scalars(
        stmt.order_by(BankStatementLine.date.desc(), BankStatementLine.id.desc()).limit(300)
    ).all()
    statements = db.session.scalars(
        select(reconcile.BankStatement)
        .where(
            reconcile.BankStatement.cooperative_id == coop.id,
            reconcile.BankStatement.bank_account_id == account.id,
        )
        .order_by(reconcile.BankStatement.period_end.desc())
        .limit(24)
    ).all()
    unmatched_books = matching.unmatched_ledger(account, reconcile.first_statement_day(account),
                                                None)  # fmt: skip
    return render_template(
        "bendahara/bank/detail.html", account=account, lines=lines, status=status,
        statuses=LINE_STATUSES, statements=statements,
        balance=services.ledger_balance(account), unmatched_books=unmatched_books[:200],
        mapping_saved=mapping_for(account) is not None, month=f"{coop.today():%Y-%m}",
    )  # fmt: skip


@bp.route("/bank/<int:bank_account_id>/cocokkan-otomatis", methods=["POST"])
@requires(PERM)
def bank_auto_match(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    back = url_for("bendahara.bank_detail", bank_account_id=account.id)
    return act(back, matching.auto_match, coop, account, user(),
               done=lambda n: f"{n} baris rekening koran dicocokkan otomatis.")  # fmt: skip


def _post_form(coop, line: BankStatementLine, formdata=None) -> PostLineForm:
    form = PostLineForm(formdata=formdata)
    kinds = {"": "— pilih jenis —"}
    for key, (code, sign, label) in matching.POST_KINDS.items():
        if sign == 0 or (sign > 0) == (line.amount > 0):
            kinds[key] = f"{label} ({code})" if code else "Pendapatan/beban lain"
    form.kind.choices = kinds
    accounts = db.session.scalars(
        select(Account)
        .where(
            Account.cooperative_id == coop.id,
            Account.is_header.is_(False),
            Account.active.is_(True),
            Account.type.in_(["revenue"] if line.amount > 0 else ["expense"]),
        )
        .order_by(Account.code)
    )
    form.account.choices = {"": "—", **{a.code: f"{a.code} {a.name}" for a in accounts}}
    return form


@bp.route("/bank/baris/<int:bank_line_id>")
@requires(PERM)
def bank_line(bank_line_id: int):
    coop = require_cooperative()
    line = get_scoped_or_404(BankStatementLine, bank_line_id, coop)
    account = db.session.get(BankAccount, line.bank_account_id)
    cands = matching.candidates(line) if line.status == "unmatched" else []
    return render_template(
        "bendahara/bank/line.html", line=line, account=account, candidates=cands,
        signed=matching.signed, post_form=_post_form(coop, line),
        entries={m.journal_line.entry_id: db.session.get(JournalEntry, m.journal_line.entry_id)
                 for m in line.matches},
    )  # fmt: skip


def _back(line: BankStatementLine) -> str:
    return url_for("bendahara.bank_line", bank_line_id=line.id)


@bp.route("/bank/baris/<int:bank_line_id>/cocokkan", methods=["POST"])
@requires(PERM)
def bank_line_match(bank_line_id: int):
    coop = require_cooperative()
    line = get_scoped_or_404(BankStatementLine, bank_line_id, coop)
    ids = [i for i in map(parse_id, request.form.getlist("journal_line")) if i is not None]
    return act(_back(line), matching.match_lines, coop, line, ids, user(),
               done="Baris rekening koran dicocokkan dengan buku.")  # fmt: skip


@bp.route("/bank/baris/<int:bank_line_id>/batal-cocok", methods=["POST"])
@requires(PERM)
def bank_line_unmatch(bank_line_id: int):
    coop = require_cooperative()
    line = get_scoped_or_404(BankStatementLine, bank_line_id, coop)
    return act(_back(line), matching.unmatch, coop, line, user(),
               done="Pencocokan dibatalkan.")  # fmt: skip


@bp.route("/bank/baris/<int:bank_line_id>/posting", methods=["POST"])
@requires(PERM)
def bank_line_post(bank_line_id: int):
    coop = require_cooperative()
    line = get_scoped_or_404(BankStatementLine, bank_line_id, coop)
    form = _post_form(coop, line, request.form)
    return act(
        _back(line), matching.post_from_line, coop, line, form.kind.data or "", user(),
        account_code=form.account.data, memo=form.memo.data or "",
        done=lambda e: f"Jurnal {e.number} diposting dan dicocokkan.",
    )  # fmt: skip


# --- reconciliation ---------------------------------------------------------------------------


RECON_COLUMNS = [
    Column("Tanggal", 0.14),
    Column("Keterangan", 0.52),
    Column("Referensi", 0.16),
    Column("Jumlah (Rp)", 0.18, "right"),
]


def recon_table(rec: reconcile.Reconciliation) -> Table:
    """The reconciliation as one table for the PDF and the workbook."""
    rows: list[list[object]] = [
        ["", "Saldo menurut rekening koran", "", rec.statement_balance or 0]
    ]
    rows.append(["", "Ditambah/dikurangi: transaksi di buku belum ada di rekening koran", "", None])
    rows += [[jl.entry_date, f"{e.memo}", e.number, matching.signed(jl)]
             for jl, e in rec.ledger_items]  # fmt: skip
    rows.append(["", "Saldo rekening koran disesuaikan", "", rec.adjusted_statement])
    rows.append(["", "Saldo menurut buku", rec.account.ledger_account.code, rec.ledger_balance])
    rows.append(["", "Ditambah/dikurangi: transaksi di rekening koran belum dicatat", "", None])
    rows += [[ln.date, ln.description, ln.reference, ln.amount] for ln in rec.statement_items]
    rows.append(["", "Saldo buku disesuaikan", "", rec.adjusted_ledger])
    if rec.opening_gap:
        rows.append(["", "Selisih saldo awal (buku − rekening koran)", "", rec.opening_gap])
    notes = [
        f"Selisih rekening koran − buku sebelum penyesuaian: {format_rupiah(rec.difference)}.",
        f"Selisih yang belum terjelaskan: {format_rupiah(rec.unexplained)}.",
    ]
    if not rec.covered:
        notes.append("Rekening koran belum mencakup akhir bulan ini.")
    return Table(RECON_COLUMNS, rows, notes=notes)


@bp.route("/bank/<int:bank_account_id>/rekonsiliasi")
@requires(PERM)
def bank_reconcile(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    year, month = _month(request.args.get("bulan"), coop.today())
    rec = reconcile.reconcile(account, year, month)
    period = f"{MONTHS_ID[month - 1]} {year}"
    name = f"rekonsiliasi-{account.short_label[-4:]}-{year}-{month:02d}"
    sent = send_report(coop, recon_table(rec), "Rekonsiliasi Bank", period, name,
                       subtitle=f"{account.label} a.n. {account.holder_name}")  # fmt: skip
    return sent or render_template(
        "bendahara/bank/reconcile.html", rec=rec, account=account, period=period,
        month=f"{year:04d}-{month:02d}", signed=matching.signed,
    )  # fmt: skip
