"""Savings at the counter: deposits and withdrawals, berjangka placements, the account
statement, wajib arrears with bulk collection, and the month's interest run."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from outlet_pos.core.access import requires
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act, parsed
from outlet_pos.units.simpan_pinjam import bp, savings, term_deposits
from outlet_pos.units.simpan_pinjam import interest as interest_service
from outlet_pos.units.simpan_pinjam import wajib as wajib_service
from outlet_pos.units.simpan_pinjam.common import VIAS
from outlet_pos.units.simpan_pinjam.forms import form_amount, form_int, form_via
from outlet_pos.units.simpan_pinjam.models import (
    SAVINGS_KINDS,
    TXN_KINDS,
    InterestRun,
    SavingsAccount,
    SavingsProduct,
)
from outlet_pos.units.simpan_pinjam.views_common import my_shift, user


def _member_back(member_id: int) -> str:
    return url_for("simpin.member_detail", member_id=member_id)


@bp.route("/anggota/<int:member_id>/setor", methods=["POST"])
@requires("savings.transact")
def savings_deposit(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    back = _member_back(member.id)
    kind = request.form.get("kind", "")
    try:
        if kind not in ("pokok", "wajib", "sukarela"):
            raise ValidationError("Pilih jenis simpanan.")
        amount, via = form_amount(), form_via()
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)

    def action():
        account = savings.account_for(coop, member, kind)
        return savings.deposit(
            coop,
            account,
            amount,
            user(),
            via=via,
            shift=my_shift(),
            idempotency_key=request.form.get("key") or None,
        )

    return act(
        back,
        action,
        done=f"Setoran {SAVINGS_KINDS[kind].lower()} {format_rupiah(amount)} diterima.",
    )


@bp.route("/anggota/<int:member_id>/tarik", methods=["POST"])
@requires("savings.transact")
def savings_withdraw(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    back = _member_back(member.id)
    values, bounce = parsed(back, lambda: (form_amount(), form_via()))
    if bounce:
        return bounce
    amount, via = values

    def action():
        account = savings.account_for(coop, member, "sukarela")
        return savings.withdraw(
            coop,
            account,
            amount,
            user(),
            via=via,
            shift=my_shift(),
            idempotency_key=request.form.get("key") or None,
        )

    return act(back, action, done=f"Penarikan {format_rupiah(amount)} dibayarkan.")


@bp.route("/anggota/<int:member_id>/berjangka", methods=["POST"])
@requires("savings.transact")
def term_open(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    back = _member_back(member.id)
    product = db.session.get(SavingsProduct, parse_id(request.form.get("product")) or 0)
    try:
        if product is None or product.cooperative_id != coop.id:
            raise ValidationError("Pilih produk simpanan berjangka.")
        amount, via = form_amount(), form_via()
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    return act(
        back,
        term_deposits.open_term_deposit,
        coop,
        member,
        product,
        amount,
        user(),
        via=via,
        shift=my_shift(),
        done=lambda acc: f"Bilyet {acc.number} dibuka, jatuh tempo {acc.maturity_date:%d-%m-%Y}.",
    )


@bp.route("/simpanan/<int:savings_id>/cairkan", methods=["POST"])
@requires("savings.transact")
def term_close(savings_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(SavingsAccount, savings_id)
    back = _member_back(account.member_id)
    via, bounce = parsed(back, lambda: form_via())
    if bounce:
        return bounce
    return act(
        back,
        term_deposits.close_term_deposit,
        coop,
        account,
        user(),
        via=via,
        shift=my_shift(),
        done=lambda t: f"Bilyet {account.number} dicairkan: {format_rupiah(-t.amount)}.",
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/simpanan/<int:savings_id>")
@requires("member.view")
def savings_detail(savings_id: int):
    account = get_scoped_or_404(SavingsAccount, savings_id)
    date_from, date_to = _date_arg("dari"), _date_arg("sampai")
    opening, rows, closing = savings.statement(account, date_from, date_to)
    return render_template(
        "simpin/savings_detail.html", account=account,
        member=db.session.get(Member, account.member_id),
        opening=opening, rows=rows, closing=closing, date_from=date_from, date_to=date_to,
        kinds=SAVINGS_KINDS, txn_kinds=TXN_KINDS,
    )  # fmt: skip


def wajib_billing_table(rows: list, amount: int) -> Table:
    """The collector's billing sheet: who owes wajib, how much, by desa, with a column to
    sign when paid."""
    ordered = sorted(rows, key=lambda r: (r.member.desa.lower(), r.member.member_number))
    return Table(
        columns=[
            Column("No. anggota", 0.11), Column("Nama", 0.22), Column("Desa", 0.14),
            Column("HP", 0.13), Column("Bln", 0.05, "right"),
            Column("Tunggakan", 0.12, "right"), Column("Per bulan", 0.11, "right"),
            Column("Paraf", 0.12),
        ],
        rows=[
            [r.member.member_number, r.member.name, r.member.desa, r.member.phone,
             r.months_behind, r.arrears, amount, ""]
            for r in ordered
        ],
        totals=["", "Jumlah", "", "", sum(r.months_behind for r in ordered),
                sum(r.arrears for r in ordered), "", ""],
        notes=[f"Simpanan wajib {format_rupiah(amount)} per bulan. Tunggakan dihitung dari "
               "bulan bergabung sampai bulan ini."],
        landscape=True,
    )  # fmt: skip


@bp.route("/wajib")
@requires("member.view")
def wajib():
    coop = require_cooperative()
    rows = wajib_service.wajib_status(coop)
    only = request.args.get("tunggakan", "1") == "1"
    shown = [r for r in rows if r.arrears > 0] if only else rows
    if request.args.get("fmt") in ("pdf", "xlsx"):
        from outlet_pos.formatting import tanggal
        from outlet_pos.shell.downloads import send_report

        table = wajib_billing_table(shown, coop.simpanan_wajib_amount)
        day = coop.today()
        title, period = "Daftar Tagihan Simpanan Wajib", f"Per {tanggal(day)}"
        return send_report(coop, table, title, period, f"tagihan-wajib-{day:%Y%m%d}",
                           subtitle="Unit Simpan Pinjam")  # fmt: skip
    return render_template(
        "simpin/wajib.html", rows=shown, only=only, amount=coop.simpanan_wajib_amount,
        total_arrears=sum(r.arrears for r in rows), behind=sum(1 for r in rows if r.arrears),
        shift=my_shift(), vias=VIAS,
    )  # fmt: skip


@bp.route("/wajib/setor", methods=["POST"])
@requires("savings.transact")
def wajib_collect():
    coop = require_cooperative()
    back = url_for("simpin.wajib")
    try:
        payments = []
        for raw in request.form.getlist("member"):
            if parse_id(raw) is None:
                raise ValidationError("Pilihan anggota tidak valid.")
            payments.append((int(raw), form_int(f"months_{raw}", "Jumlah bulan", 1, 120)))
        via = form_via()
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    return act(
        back,
        wajib_service.pay_wajib,
        coop,
        payments,
        user(),
        via=via,
        shift=my_shift(),
        done=lambda txns: (
            f"Simpanan wajib {len(txns)} anggota diterima: "
            f"{format_rupiah(sum(t.amount for t in txns))}."
        ),
    )


@bp.route("/bunga", methods=["GET", "POST"])
@requires("simpin.manage")
def interest():
    coop = require_cooperative()
    today = coop.today()
    last = today.replace(day=1).toordinal() - 1
    prev = date.fromordinal(last)
    year = request.values.get("tahun", prev.year, type=int)
    month = request.values.get("bulan", prev.month, type=int)
    if not (2000 <= (year or 0) <= 2100 and 1 <= (month or 0) <= 12):
        year, month = prev.year, prev.month
    if request.method == "POST":
        return act(
            url_for("simpin.interest", tahun=year, bulan=month),
            interest_service.credit_interest,
            coop,
            year,
            month,
            user(),
            done=lambda run: (
                f"Bunga {month:02d}/{year} "
                f"dibukukan: {format_rupiah(run.interest)}, PPh {format_rupiah(run.tax)}."
            ),
        )
    preview = interest_service.interest_preview(coop, year, month)
    names = {m.id: m for m in db.session.query(Member).filter(Member.cooperative_id == coop.id)}
    runs = db.session.query(InterestRun).filter(InterestRun.cooperative_id == coop.id).order_by(
        InterestRun.year.desc(), InterestRun.month.desc()).limit(24).all()  # fmt: skip
    done = any(r.year == year and r.month == month for r in runs)
    return render_template(
        "simpin/interest.html", preview=preview, names=names, runs=runs, year=year, month=month,
        done=done, finished=(year, month) < (today.year, today.month),
        total=sum(r["interest"] for r in preview), tax=sum(r["tax"] for r in preview),
    )  # fmt: skip
