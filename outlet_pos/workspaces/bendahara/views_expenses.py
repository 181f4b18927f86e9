"""expenses pages of the treasurer's desk: the expense book (list, filters, totals, PDF and
Excel), entering an expense or other income with its nota, its detail with the voucher PDF
and the void. Recurring expenses: ``views_recurring``."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.expenses import attachments
from outlet_pos.core.expenses.models import KINDS, Expense
from outlet_pos.core.expenses.queries import expense_book
from outlet_pos.core.expenses.services import (
    attach_file,
    category_accounts,
    paid_from_accounts,
    paid_from_label,
    record_expense,
    void_expense,
)
from outlet_pos.core.expenses.vouchers import VoucherData, render_voucher
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.shell.downloads import send_report
from outlet_pos.shell.uploads import stash, stashed
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import unit_choices
from outlet_pos.workspaces.bendahara.forms_expenses import (
    AttachForm,
    ExpenseFilterForm,
    ExpenseForm,
    VoidForm,
)
from outlet_pos.workspaces.bendahara.purchasing_helpers import place_error

PERM = "expense.manage"
FIELDS = ("kind", "date", "account", "amount", "paid_from", "unit", "payee", "description",
          "reference", "attachment")  # fmt: skip
MAX_UPLOAD = 5 * 1024 * 1024 + 1


def user():
    return current_user._get_current_object()


def category_choices(coop: Cooperative, kind: str, blank: str = "— pilih kategori —") -> dict:
    return {"": blank} | {a.code: a.label for a in category_accounts(coop, kind)}


def paid_choices(coop: Cooperative, *, drawer: bool = True) -> dict:
    return {"": "— pilih kas/bank —"} | {
        a.code: paid_from_label(a) for a in paid_from_accounts(coop, drawer=drawer)
    }


def _upload() -> tuple[bytes, str]:
    file = request.files.get("attachment")
    if not file or not file.filename:
        return b"", ""
    return file.read(MAX_UPLOAD), file.filename


@bp.route("/pengeluaran")
@requires(PERM)
def expenses():
    coop = require_cooperative()
    form = ExpenseFilterForm(request.args)
    accounts = category_accounts(coop, "expense") + category_accounts(coop, "income")
    form.kategori.choices = {"": "Semua kategori"} | {str(a.id): a.label for a in accounts}
    form.dari.choices = {"": "Semua kas/bank"} | {
        str(a.id): paid_from_label(a) for a in paid_from_accounts(coop)
    }
    if "bulan" not in request.args:
        form.bulan.data = coop.today().strftime("%Y-%m")
    form.validate()
    month = form.bulan.month if not form.bulan.errors else None
    if "bulan" not in request.args:
        month = (coop.today().year, coop.today().month)
    kind = form.jenis.data if form.jenis.data in KINDS else None
    book = expense_book(
        coop,
        month=month,
        account_id=parse_id(form.kategori.data),
        paid_account_id=parse_id(form.dari.data),
        kind=kind,
    )
    period = f"{MONTHS_ID[month[1] - 1]} {month[0]}" if month else "Semua bulan"
    name = f"pengeluaran-{month[0]}-{month[1]:02d}" if month else "pengeluaran"
    exported = send_report(coop, _table(book), "Buku Pengeluaran & Pendapatan Lain", period, name)
    if exported is not None:
        return exported
    return render_template("bendahara/expenses/list.html", form=form, book=book, period=period,
                           args={k: v for k, v in request.args.items() if k != "fmt"})  # fmt: skip


def _table(book) -> Table:
    columns = [
        Column("Nomor", 0.12), Column("Tanggal", 0.09), Column("Kategori", 0.19),
        Column("Unit", 0.08), Column("Keterangan", 0.22), Column("Kas/bank", 0.1),
        Column("Keluar", 0.1, "right"), Column("Masuk", 0.1, "right"),
    ]  # fmt: skip
    rows = []
    for e in book.rows:
        void = e.status == "void"
        rows.append([
            e.number, e.date, e.account.label, e.unit.name if e.unit else "",
            ("[BATAL] " if void else "") + e.description, paid_from_label(e.paid_account),
            None if void or e.kind != "expense" else e.amount,
            None if void or e.kind != "income" else e.amount,
        ])  # fmt: skip
    notes = [f"Pendapatan lain dikurangi pengeluaran: {format_rupiah(book.net)}."]
    if book.voided:
        notes.append(f"{book.voided} transaksi dibatalkan tidak dijumlahkan.")
    totals = ["Jumlah", "", "", "", "", "", book.total_expense, book.total_income]
    return Table(columns, rows, totals, notes, landscape=True)


def _new_page(coop: Cooperative, form: ExpenseForm, status: int = 200, stashed_name: str = ""):
    kind = form.kind.data if form.kind.data in KINDS else "expense"
    form.kind.data = kind
    form.account.choices = category_choices(coop, kind)
    form.paid_from.choices = paid_choices(coop)
    form.unit.choices = dict(unit_choices(coop))
    return render_template("bendahara/expenses/new.html", form=form, kind=kind,
                           stashed_name=stashed_name), status  # fmt: skip


@bp.route("/pengeluaran/baru", methods=["GET", "POST"])
@requires(PERM)
def expense_new():
    coop = require_cooperative()
    form = ExpenseForm()
    if request.method == "GET":
        form.kind.data = request.args.get("jenis", "expense")
        form.date.data = coop.today()
        return _new_page(coop, form)
    form.account.choices = category_choices(coop, form.kind.data or "expense")
    data, name = _upload()
    token = form.attachment_token.data or ""
    if not data and token:
        path = stashed("expense", coop.id, current_user.id, token)
        if path is not None:
            data, name = path.read_bytes(), request.form.get("attachment_name", "nota")
    if form.validate_on_submit():
        try:
            expense = run_transaction(
                record_expense, coop, user(),
                kind=form.kind.data, day=form.date.data, account=form.account.data,
                amount=form.amount.amount, paid_from=form.paid_from.data,
                unit=parse_id(form.unit.data),
                payee=form.payee.data, description=form.description.data,
                reference=form.reference.data, attachment=data or None,
                attachment_name=name, instance=Path(current_app.instance_path),
                idempotency_key=form.idempotency_key.data,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc, FIELDS)
        else:
            flash(
                _(
                    "%(kind_label)s %(number)s tercatat.",
                    kind_label=expense.kind_label,
                    number=expense.number,
                ),
                "success",
            )
            return redirect(url_for("bendahara.expense_detail", expense_id=expense.id))
    if data and not form.attachment.errors:
        form.attachment_token.data = stash("expense", coop.id, current_user.id, data)
    else:
        form.attachment_token.data = ""
        name = ""
    return _new_page(coop, form, 400, name if data else "")


def _detail_page(expense: Expense, void_form=None, attach_form=None, status: int = 200):
    return render_template(
        "bendahara/expenses/detail.html",
        e=expense,
        void_form=void_form or VoidForm(formdata=None),
        attach_form=attach_form or AttachForm(formdata=None),
        is_image=expense.attachment_path.endswith((".jpg", ".png")),
        paid_label=paid_from_label(expense.paid_account),
    ), status


@bp.route("/pengeluaran/<int:expense_id>")
@requires(PERM)
def expense_detail(expense_id: int):
    return _detail_page(get_scoped_or_404(Expense, expense_id))


@bp.route("/pengeluaran/<int:expense_id>/batal", methods=["POST"])
@requires(PERM)
def expense_void(expense_id: int):
    expense = get_scoped_or_404(Expense, expense_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            run_transaction(void_expense, expense, form.reason.data, user())
        except DomainError as exc:
            place_error(form, exc, ("reason",))
        else:
            flash(
                _(
                    "%(number)s dibatalkan; jurnal pembaliknya sudah diposting.",
                    number=expense.number,
                ),
                "success",
            )
            return redirect(url_for("bendahara.expense_detail", expense_id=expense_id))
    return _detail_page(get_scoped_or_404(Expense, expense_id), void_form=form, status=400)


@bp.route("/pengeluaran/<int:expense_id>/lampiran", methods=["POST"])
@requires(PERM)
def expense_attach(expense_id: int):
    coop = require_cooperative()
    expense = get_scoped_or_404(Expense, expense_id)
    form = AttachForm()
    data, name = _upload()
    if form.validate_on_submit():
        try:
            run_transaction(attach_file, coop, expense, data, name,
                            Path(current_app.instance_path), user())  # fmt: skip
        except DomainError as exc:
            form.attachment.errors = [exc.message]
        else:
            flash(_("Nota dilampirkan."), "success")
            return redirect(url_for("bendahara.expense_detail", expense_id=expense_id))
    expense = get_scoped_or_404(Expense, expense_id)
    return _detail_page(expense, attach_form=form, status=400)


@bp.route("/pengeluaran/<int:expense_id>/lampiran")
@requires(PERM)
def expense_attachment(expense_id: int):
    expense = get_scoped_or_404(Expense, expense_id)
    found = attachments.read(Path(current_app.instance_path), expense.attachment_path)
    if found is None:
        flash(_("%(number)s belum punya foto/scan nota.", number=expense.number), "warning")
        return redirect(url_for("bendahara.expense_detail", expense_id=expense_id))
    data, mimetype = found
    name = f"nota-{expense.number}{Path(expense.attachment_path).suffix}"
    return Response(data, mimetype=mimetype, headers={
        "Cache-Control": "no-store", "Content-Disposition": f'inline; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
    })  # fmt: skip


@bp.route("/pengeluaran/<int:expense_id>/bukti.pdf")
@requires(PERM)
def expense_voucher(expense_id: int):
    coop = require_cooperative()
    e = get_scoped_or_404(Expense, expense_id)
    local = coop.local_time(utcnow())
    data = VoucherData(
        coop_name=coop.name,
        coop_address=", ".join(p for p in (coop.address, coop.desa, coop.kabupaten) if p),
        kind=e.kind,
        number=e.number,
        date=tanggal(e.date),
        amount=e.amount,
        counterparty=e.payee,
        description=e.description,
        category=e.account.label,
        cash_account=paid_from_label(e.paid_account),
        unit=e.unit.name if e.unit else "",
        reference=e.reference,
        journal=e.entry.number if e.entry else "",
        void_note=f"{e.void_reason} ({e.void_entry.number})" if e.is_void and e.void_entry else "",
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} oleh "
        f"{current_user.full_name}",
    )
    return Response(render_voucher(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{e.number}.pdf"'})  # fmt: skip


from outlet_pos.workspaces.bendahara import views_recurring  # noqa: E402,F401
