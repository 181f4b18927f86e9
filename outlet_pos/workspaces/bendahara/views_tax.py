"""Tax pages of the treasurer's desk (DESIGN §3.12): PPh final 0.5% per month with its accrual
and payment, PPN for a PKP cooperative, and the final tax withheld on savings interest. Each
table also downloads as PDF and Excel (``?fmt=pdf|xlsx``) from the same ``Table``."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents.report import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.parties import Member
from outlet_pos.core.statements import tax
from outlet_pos.core.tenancy import Cooperative, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.forms import RupiahField, TanggalField, opsional, panjang, wajib, wajib_input
from outlet_pos.shell.downloads import send_report
from outlet_pos.units.simpan_pinjam.models import InterestRun, SavingsAccount, SavingsTxn
from outlet_pos.workspaces.bendahara import bp

VIEW, POST = "ledger.view", "ledger.post"
TABS = [
    ("bendahara.tax_reports", "PPh final 0,5%"),
    ("bendahara.tax_ppn", "PPN"),
    ("bendahara.tax_interest", "PPh bunga simpanan"),
]


class YearFilter(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(
        "Tahun", validators=[opsional(), NumberRange(2000, 2100, message="Tahun 2000–2100.")]
    )


class PayForm(FlaskForm):
    kind = HiddenField()
    date = TanggalField("Tanggal setor", validators=[wajib_input("Tanggal wajib diisi.")])
    amount = RupiahField("Jumlah setor (Rp)", validators=[wajib("Isi jumlah setor.")])
    account = SelectField("Dibayar dari", choices=[], validate_choice=False)
    reference = StringField(
        "Kode billing / NTPN", validators=[wajib("Isi kode billing atau NTPN."), panjang(40)]
    )


def _year(coop: Cooperative) -> tuple[YearFilter, int]:
    form = YearFilter(request.args)
    year = form.year.data if form.validate() and form.year.data else coop.today().year
    form.year.data = year
    return form, year


def _pay_form(coop: Cooperative, kind: str, year: int, month: int, formdata=None) -> PayForm:
    form = PayForm(formdata=formdata)
    form.account.choices = tax.payment_accounts(coop)
    if formdata is None:
        form.kind.data = kind
        form.date.data = coop.today()
        due = tax.tax_due(coop, kind, year, month)
        form.amount.data = f"{due:,}".replace(",", ".") if due else ""
    return form


def _render(template: str, **context):
    return render_template(template, tabs=TABS, **context)


def _send(coop, table: Table, title: str, period: str, name: str):
    return send_report(coop, table, title, period, name, subtitle="Laporan pajak")


# --------------------------------------------------------------------------- PPh final


def pph_table(rows: list[tax.PphMonth]) -> Table:
    columns = [
        Column("Bulan", 0.2),
        Column("Peredaran bruto", 0.22, "right"),
        Column("PPh final 0,5%", 0.18, "right"),
        Column("Dibukukan", 0.2, "right"),
        Column("Disetor", 0.2, "right"),
    ]
    body = [[r.label, r.bruto, r.tax, r.accrued, r.paid] for r in rows]
    totals = [
        "Jumlah",
        sum(r.bruto for r in rows),
        sum(r.tax for r in rows),
        sum(r.accrued or 0 for r in rows),
        sum(r.paid or 0 for r in rows),
    ]
    notes = [
        "Peredaran bruto: penjualan (bersih dari retur), jasa pinjaman, provisi, denda, jasa "
        "klinik dan komisi logistik (akun 411–414), tanpa jurnal penutupan tahun. Bunga bank "
        "(418) sudah dipotong pajak final oleh bank; pendapatan lain (419) bukan peredaran "
        "usaha. PPh final 0,5% dibulatkan ke rupiah terdekat (setengah ke atas)."
    ]
    return Table(columns, body, totals, notes)


@bp.route("/pajak")
@requires(VIEW)
def tax_reports():
    coop = require_cooperative()
    form, year = _year(coop)
    rows = tax.pph_final_year(coop, year)
    table = pph_table(rows)
    title, period = "PPh Final 0,5% (PP 55/2022) per Bulan", f"Tahun {year}"
    return _send(coop, table, title, period, f"pph-final-{year}") or _render(
        "bendahara/tax/pph.html",
        title=title,
        period=period,
        form=form,
        args={"year": year},
        rows=rows,
        totals=table.totals,
        notes=table.notes,
        year=year,
    )


def detail_table(lines: list[tax.TurnoverLine], bruto: int, amount: int) -> Table:
    columns = [Column("Unit usaha", 0.3), Column("Akun", 0.45), Column("Jumlah", 0.25, "right")]
    body = [[ln.unit, f"{ln.code} {ln.account}", ln.amount] for ln in lines]
    notes = [f"PPh final 0,5% atas peredaran bruto ini: Rp{amount:,}.".replace(",", ".")]
    return Table(columns, body, ["Peredaran bruto", None, bruto], notes)


def _pph_month_page(coop, year: int, month: int, pay_form=None, status: int = 200):
    row = tax.pph_final_year(coop, year)[month - 1]
    lines = tax.turnover_detail(coop, year, month)
    table = detail_table(lines, row.bruto, row.tax)
    title, period = "Rincian Peredaran Bruto per Unit", tax.month_label(year, month)
    name = f"peredaran-bruto-{year}-{month:02d}"
    return _send(coop, table, title, period, name) or (
        _render(
            "bendahara/tax/pph_month.html",
            title=title,
            period=period,
            args={},
            row=row,
            lines=lines,
            pay_form=pay_form or _pay_form(coop, "pph-final", year, month),
            year=year,
            month=month,
        ),
        status,
    )


@bp.route("/pajak/pph-final/<int:year>/<int:month>")
@requires(VIEW)
def tax_pph_month(year: int, month: int):
    if not 1 <= month <= 12:
        return redirect(url_for("bendahara.tax_reports"))
    return _pph_month_page(require_cooperative(), year, month)


def _user():
    return current_user._get_current_object()


@bp.route("/pajak/pph-final/<int:year>/<int:month>/bukukan", methods=["POST"])
@requires(POST)
def tax_pph_post(year: int, month: int):
    coop = require_cooperative()
    back = url_for("bendahara.tax_reports", year=year)
    try:
        done = run_transaction(tax.post_pph_final, coop, year, month, _user())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    label = tax.month_label(year, month)
    if done.created:
        flash(
            _("PPh final %(label)s dibukukan (%(number)s).", label=label, number=done.entry.number),
            "success",
        )
    else:
        flash(
            _(
                "PPh final %(label)s sudah dibukukan (%(number)s); tidak ada yang diubah.",
                label=label,
                number=done.entry.number,
            ),
            "info",
        )
    return redirect(back)


@bp.route("/pajak/<int:year>/<int:month>/setor", methods=["POST"])
@requires(POST)
def tax_pay(year: int, month: int):
    coop = require_cooperative()
    kind = request.form.get("kind", "")
    if kind not in tax.TAX_KINDS or not 1 <= month <= 12:
        flash(_("Jenis pajak tidak dikenal."), "error")
        return redirect(url_for("bendahara.tax_reports", year=year))
    form = _pay_form(coop, kind, year, month, formdata=request.form)
    if form.validate_on_submit():
        try:
            done = run_transaction(
                tax.pay_tax,
                coop,
                kind,
                year,
                month,
                day=form.date.data,
                amount=form.amount.amount,
                account=form.account.data,
                reference=form.reference.data,
                user=_user(),
            )
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            what = f"{tax.TAX_KINDS[kind]} {tax.month_label(year, month)}"
            if done.created:
                flash(
                    _(
                        "Setoran %(what)s tercatat (%(number)s).",
                        what=what,
                        number=done.entry.number,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "Setoran %(what)s sudah tercatat (%(number)s); tidak diulang.",
                        what=what,
                        number=done.entry.number,
                    ),
                    "info",
                )
            if kind == "pph-final":
                return redirect(url_for("bendahara.tax_pph_month", year=year, month=month))
            return redirect(url_for("bendahara.tax_interest_month", year=year, month=month))
    if kind == "pph-final":
        return _pph_month_page(coop, year, month, form, 400)
    return _interest_month_page(coop, year, month, form, 400)


# --------------------------------------------------------------------------- PPN


def ppn_table(rows: list[tax.PpnMonth]) -> Table:
    columns = [
        Column("Bulan", 0.16),
        Column("DPP penjualan", 0.15, "right"),
        Column("PPN keluaran", 0.14, "right"),
        Column("PPN masukan", 0.14, "right"),
        Column("Kompensasi masuk", 0.14, "right"),
        Column("Kurang bayar", 0.13, "right"),
        Column("Lebih bayar dibawa", 0.14, "right"),
    ]
    body = [
        [r.label, r.dpp, r.output, r.input, r.carried_in, r.to_pay, r.carried_out] for r in rows
    ]
    totals = ["Jumlah", *[sum(getattr(r, k) for r in rows) for k in ("dpp", "output", "input")]]
    totals += [None, sum(r.to_pay for r in rows), rows[-1].carried_out]
    notes = [
        "PPN keluaran dari jurnal penjualan dan retur ke akun 211600; DPP dari dokumen "
        "penjualan (harga termasuk PPN, DPP nilai lain 11/12). PPN masukan: mutasi akun 115100. "
        "Kelebihan PPN masukan dikompensasikan ke bulan berikutnya dalam tahun yang sama."
    ]
    return Table(columns, body, totals, notes, landscape=True)


@bp.route("/pajak/ppn")
@requires(VIEW)
def tax_ppn():
    coop = require_cooperative()
    form, year = _year(coop)
    title, period = "PPN per Bulan", f"Tahun {year}"
    if not coop.is_pkp:
        return _render(
            "bendahara/tax/ppn.html", title=title, period=period, form=None, args={}, pkp=False
        )
    rows = tax.ppn_year(coop, year)
    table = ppn_table(rows)
    return _send(coop, table, title, period, f"ppn-{year}") or _render(
        "bendahara/tax/ppn.html",
        title=title,
        period=period,
        form=form,
        args={"year": year},
        pkp=True,
        rows=rows,
        totals=table.totals,
        notes=table.notes,
    )


# --------------------------------------------------------------------------- savings interest


@dataclass
class InterestMember:
    number: str
    name: str
    interest: int = 0
    tax: int = 0

    @property
    def net(self) -> int:
        return self.interest - self.tax


@dataclass
class InterestMonth:
    year: int
    month: int
    run_tax: int = 0  # what the interest runs recorded
    ledger_tax: int = 0  # the 211600 credit the runs posted
    members: list[InterestMember] = field(default_factory=list)

    @property
    def label(self) -> str:
        return tax.month_label(self.year, self.month)

    @property
    def interest(self) -> int:
        return sum(m.interest for m in self.members)

    @property
    def tax(self) -> int:
        return sum(m.tax for m in self.members)

    @property
    def taxed(self) -> int:
        return sum(1 for m in self.members if m.tax)

    @property
    def net(self) -> int:
        return self.interest - self.tax

    @property
    def ties(self) -> bool:
        return self.tax == self.run_tax == self.ledger_tax


def interest_tax(coop: Cooperative, year: int) -> list[InterestMonth]:
    """Per month of ``year``: each member's gross interest and tax withheld, from the savings
    transactions of that month's interest run, beside the run's total and the ledger's."""
    months = {m: InterestMonth(year, m) for m in range(1, 13)}
    runs = db.session.scalars(
        select(InterestRun).where(InterestRun.cooperative_id == coop.id, InterestRun.year == year)
    ).all()
    by_entry = {r.entry_id: r.month for r in runs if r.entry_id}
    for r in runs:
        months[r.month].run_tax += r.tax
    for m, amount in tax.withheld_interest_tax(coop, year).items():
        months[m].ledger_tax = amount
    people: dict[tuple[int, int], InterestMember] = {}
    rows = db.session.execute(
        select(SavingsTxn.entry_id, SavingsTxn.kind, SavingsTxn.amount, Member)
        .join(SavingsAccount, SavingsAccount.id == SavingsTxn.account_id)
        .join(Member, Member.id == SavingsAccount.member_id)
        .where(
            SavingsTxn.cooperative_id == coop.id,
            SavingsTxn.entry_id.in_(list(by_entry)),
            SavingsTxn.kind.in_(("bunga", "pajak")),
        )
    )
    for entry_id, kind, amount, member in rows:
        month = by_entry[entry_id]
        person = people.get((month, member.id))
        if person is None:
            person = people[(month, member.id)] = InterestMember(member.member_number, member.name)
            months[month].members.append(person)
        if kind == "bunga":
            person.interest += amount
        else:
            person.tax -= amount
    for row in months.values():
        row.members.sort(key=lambda p: p.number)
    return list(months.values())


def interest_year_table(rows: list[InterestMonth]) -> Table:
    columns = [
        Column("Bulan", 0.2),
        Column("Anggota", 0.12, "right"),
        Column("Dipotong pajak", 0.13, "right"),
        Column("Bunga bruto", 0.19, "right"),
        Column("PPh final 10%", 0.18, "right"),
        Column("Bunga bersih", 0.18, "right"),
    ]
    body = [[r.label, len(r.members), r.taxed, r.interest, r.tax, r.interest - r.tax] for r in rows]
    totals = ["Jumlah", None, None, *[sum(row[i] for row in body) for i in (3, 4, 5)]]
    ledger = sum(r.ledger_tax for r in rows)
    notes = [
        "PPh final 10% dipotong dari bunga simpanan anggota yang melebihi Rp240.000 sebulan. "
        f"Kredit akun 211600 dari pembukuan bunga tahun ini: Rp{ledger:,}.".replace(",", ".")
    ]
    return Table(columns, body, totals, notes)


def interest_month_table(row: InterestMonth) -> Table:
    columns = [
        Column("No. anggota", 0.16),
        Column("Nama", 0.36),
        Column("Bunga bruto", 0.16, "right"),
        Column("PPh final 10%", 0.16, "right"),
        Column("Bunga bersih", 0.16, "right"),
    ]
    body = [[m.number, m.name, m.interest, m.tax, m.net] for m in row.members]
    count = f"{len(row.members)} anggota"
    notes = [
        f"Kredit akun 211600 dari pembukuan bunga bulan ini: Rp{row.ledger_tax:,}; "
        f"dicatat proses bunga: Rp{row.run_tax:,}.".replace(",", ".")
    ]
    return Table(columns, body, ["Jumlah", count, row.interest, row.tax, row.net], notes)


@bp.route("/pajak/bunga-simpanan")
@requires(VIEW)
def tax_interest():
    coop = require_cooperative()
    form, year = _year(coop)
    rows = interest_tax(coop, year)
    table = interest_year_table(rows)
    title, period = "PPh Final Bunga Simpanan Anggota", f"Tahun {year}"
    return _send(coop, table, title, period, f"pph-bunga-simpanan-{year}") or _render(
        "bendahara/tax/interest.html",
        title=title,
        period=period,
        form=form,
        args={"year": year},
        rows=rows,
        totals=table.totals,
        notes=table.notes,
        year=year,
    )


def _interest_month_page(coop, year: int, month: int, pay_form=None, status: int = 200):
    row = interest_tax(coop, year)[month - 1]
    table = interest_month_table(row)
    title, period = "PPh Final Bunga Simpanan per Anggota", tax.month_label(year, month)
    name = f"pph-bunga-simpanan-{year}-{month:02d}"
    payment = tax.payment_of(coop, "pph-bunga", year, month)
    return _send(coop, table, title, period, name) or (
        _render(
            "bendahara/tax/interest_month.html",
            title=title,
            period=period,
            args={},
            row=row,
            totals=table.totals,
            payment=payment,
            pay_form=pay_form or _pay_form(coop, "pph-bunga", year, month),
            year=year,
            month=month,
        ),
        status,
    )


@bp.route("/pajak/bunga-simpanan/<int:year>/<int:month>")
@requires(VIEW)
def tax_interest_month(year: int, month: int):
    if not 1 <= month <= 12:
        return redirect(url_for("bendahara.tax_interest"))
    return _interest_month_page(require_cooperative(), year, month)
