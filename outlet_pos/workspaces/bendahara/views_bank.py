"""bank pages of the treasurer's desk: the register of bank accounts, cash deposits,
withdrawals and transfers, the CSV column mapping and the statement import. Matching and the
reconciliation page are in ``views_bank_recon``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.banking import services, statement_csv
from outlet_pos.core.banking.models import BankAccount, BankStatement, BankStatementLine
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.shell.uploads import stash, stashed
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_bank import (
    BankAccountForm,
    CashMoveForm,
    ImportForm,
    MappingForm,
)

PERM = "bank.manage"


def user():
    return current_user._get_current_object()


def place_error(form, exc: DomainError, fields=()) -> None:
    target = getattr(form, exc.field, None) if exc.field in fields else None
    (target.errors if target is not None else form.form_errors).append(exc.message)


def _open_counts(coop: Cooperative) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(BankStatementLine.bank_account_id, func.count(BankStatementLine.id))
            .where(
                BankStatementLine.cooperative_id == coop.id,
                BankStatementLine.status == "unmatched",
            )
            .group_by(BankStatementLine.bank_account_id)
        ).all()
    )


def _last_statement_day(coop: Cooperative) -> dict[int, object]:
    return dict(
        db.session.execute(
            select(BankStatement.bank_account_id, func.max(BankStatement.period_end))
            .where(BankStatement.cooperative_id == coop.id)
            .group_by(BankStatement.bank_account_id)
        ).all()
    )


@bp.route("/bank")
@requires(PERM)
def banks():
    coop = require_cooperative()
    accounts = services.bank_accounts(coop)
    return render_template(
        "bendahara/bank/list.html",
        accounts=accounts,
        balances={a.id: services.ledger_balance(a) for a in accounts},
        open_counts=_open_counts(coop),
        last_days=_last_statement_day(coop),
        cash=services.ledger_balance_code(coop, services.CASH),
    )


def _account_form_page(coop, form, account, status=200):
    return render_template(
        "bendahara/bank/account_form.html", form=form, account=account,
        bank_names=services.BANK_NAMES,
    ), status  # fmt: skip


@bp.route("/bank/baru", methods=["GET", "POST"])
@requires(PERM)
def bank_new():
    coop = require_cooperative()
    form = BankAccountForm()
    if form.validate_on_submit():
        try:
            account = run_transaction(
                services.create_bank_account, coop, form.bank_name.data,
                form.account_number.data, form.holder_name.data, user(),
                opened_on=form.opened_on.data,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc, ("bank_name", "account_number", "holder_name"))
        else:
            flash(
                _(
                    "Rekening %(label)s terdaftar (akun %(code)s).",
                    label=account.label,
                    code=account.ledger_account.code,
                ),
                "success",
            )
            return redirect(url_for("bendahara.bank_detail", bank_account_id=account.id))
    return _account_form_page(coop, form, None, 400 if request.method == "POST" else 200)


@bp.route("/bank/<int:bank_account_id>/ubah", methods=["GET", "POST"])
@requires(PERM)
def bank_edit(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    form = BankAccountForm(obj=account if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            run_transaction(
                services.update_bank_account, account, form.bank_name.data,
                form.account_number.data, form.holder_name.data, user(),
                opened_on=form.opened_on.data, active=form.active.data,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc, ("bank_name", "account_number", "holder_name"))
        else:
            flash(_("Data rekening tersimpan."), "success")
            return redirect(url_for("bendahara.bank_detail", bank_account_id=account.id))
    return _account_form_page(coop, form, account, 400 if request.method == "POST" else 200)


# --- cash deposit, withdrawal, transfer ---------------------------------------------------------


def _cash_move(coop: Cooperative, form: CashMoveForm):
    bank = get_scoped_or_404(BankAccount, form.bank.data, coop)
    common = (form.amount.amount, form.date.data, user(), form.memo.data or "")
    key = {"idempotency_key": form.idempotency_key.data}
    if form.kind.data == "deposit":
        return services.deposit_cash(coop, bank, *common, **key)
    if form.kind.data == "withdraw":
        return services.withdraw_cash(coop, bank, *common, **key)
    if not (form.target.data or "").isdigit():
        raise ValidationError("Pilih rekening tujuan.", field="target")
    target = get_scoped_or_404(BankAccount, form.target.data, coop)
    return services.transfer_between(coop, bank, target, *common, **key)


@bp.route("/bank/setor", methods=["GET", "POST"])
@requires(PERM)
def bank_cash():
    coop = require_cooperative()
    form = CashMoveForm()
    accounts = services.bank_accounts(coop, active_only=True)
    form.bank.choices = {"": "— pilih rekening —", **{str(a.id): a.label for a in accounts}}
    form.target.choices = {"": "—", **{str(a.id): a.label for a in accounts}}
    if request.method == "GET":
        form.date.data = coop.today()
        form.kind.data = request.args.get("jenis", "deposit")
        form.bank.data = request.args.get("rekening", "")
    if form.validate_on_submit():
        try:
            entry = run_transaction(_cash_move, coop, form)
        except DomainError as exc:
            place_error(form, exc, ("amount", "date", "bank", "target", "memo"))
        else:
            flash(_("Tercatat: jurnal %(number)s.", number=entry.number), "success")
            return redirect(url_for("bendahara.banks"))
    return render_template(
        "bendahara/bank/cash.html", form=form, accounts=accounts,
        cash=services.ledger_balance_code(coop, services.CASH),
        balances={a.id: services.ledger_balance(a) for a in accounts},
    ), (400 if request.method == "POST" else 200)  # fmt: skip


# --- CSV mapping and statement import ---------------------------------------------------------


@bp.route("/bank/<int:bank_account_id>/format-csv", methods=["GET", "POST"])
@requires(PERM)
def bank_mapping(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    form = MappingForm(data=statement_csv.mapping_values(account) if request.method == "GET"
                       else None)  # fmt: skip
    if request.method == "GET":
        form.skip_rows.data = str(form.skip_rows.data or 0)
    if form.validate_on_submit():
        try:
            run_transaction(statement_csv.save_mapping, coop, account, form.values(), user())
        except DomainError as exc:
            place_error(form, exc, tuple(statement_csv.FIELDS))
        else:
            flash(_("Format CSV tersimpan; dipakai untuk setiap impor rekening ini."), "success")
            return redirect(url_for("bendahara.bank_import", bank_account_id=account.id))
    return render_template(
        "bendahara/bank/mapping.html", form=form, account=account,
        saved=statement_csv.mapping_for(account) is not None,
    ), (400 if request.method == "POST" else 200)  # fmt: skip


@bp.route("/bank/<int:bank_account_id>/impor", methods=["GET", "POST"])
@requires(PERM)
def bank_import(bank_account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(BankAccount, bank_account_id, coop)
    me = user()
    form = ImportForm()
    preview = None
    kind = f"bank{account.id}"
    if request.method == "POST" and form.validate_on_submit():
        upload = form.file.data
        try:
            if upload:
                raw = upload.read(statement_csv.MAX_BYTES + 1)
                filename = upload.filename or ""
                preview = statement_csv.preview_statement(account, raw, filename)
                form.token.data = stash(kind, coop.id, me.id, raw)
                form.filename.data = filename
                if preview.period:
                    form.period_start.data, form.period_end.data = preview.period
            else:
                path = stashed(kind, coop.id, me.id, form.token.data)
                if path is None:
                    raise ValidationError("Pilih berkas CSV rekening koran.", field="file")
                raw, filename = path.read_bytes(), form.filename.data or ""
                preview = statement_csv.preview_statement(account, raw, filename)
                if request.form.get("confirm") and preview.ok:
                    statement = run_transaction(
                        statement_csv.import_statement, coop, account, raw, filename, me,
                        period_start=form.period_start.data, period_end=form.period_end.data,
                    )  # fmt: skip
                    path.unlink(missing_ok=True)
                    flash(
                        _(
                            "Rekening koran diimpor: %(line_count)s baris baru, %(skipped_count)s "
                            "baris sudah ada dilewati.",
                            line_count=statement.line_count,
                            skipped_count=statement.skipped_count,
                        ),
                        "success",
                    )
                    return redirect(url_for("bendahara.bank_detail", bank_account_id=account.id))
        except DomainError as exc:
            place_error(form, exc, ("file", "period_start"))
    failed = preview is None or not preview.ok or bool(form.form_errors)
    status = 400 if request.method == "POST" and failed else 200
    return render_template(
        "bendahara/bank/import.html", form=form, account=account, preview=preview,
        mapping=statement_csv.mapping_values(account),
        saved=statement_csv.mapping_for(account) is not None,
        delimiters=statement_csv.DELIMITERS, date_formats=statement_csv.DATE_FORMATS,
    ), status  # fmt: skip


from outlet_pos.workspaces.bendahara import views_bank_recon  # noqa: E402,F401
