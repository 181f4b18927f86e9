"""PDF documents of a member, a savings account and a loan. The views gather plain values from
the unit's services and hand them to the pure builders in ``documents.py``; another
cooperative's ids are a 404 (``get_scoped_or_404``)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, request
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import utcnow
from outlet_pos.core.documents import ReportFrame
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404
from outlet_pos.core.tenancy import require_cooperative as _coop
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam import bp, documents, loans, repayment, savings
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    LOAN_STATUSES,
    SAVINGS_KINDS,
    TXN_KINDS,
    Loan,
    LoanInstallment,
    LoanPayment,
    LoanProduct,
    SavingsAccount,
    SavingsProduct,
)
from outlet_pos.units.simpan_pinjam.reports import percent
from outlet_pos.units.simpan_pinjam.schedule import METHODS

SOURCES = {"tunai": "Tunai", "transfer": "Transfer bank", "sukarela": "Dari simpanan sukarela"}


def _pdf(data: bytes, name: str) -> Response:
    """Shown in the browser (inline) so it can be printed straight away; saved as ``name``."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


def _address(coop: Cooperative) -> str:
    return ", ".join(p for p in (coop.address, coop.desa, coop.kabupaten, coop.provinsi) if p)


def _printed(coop: Cooperative) -> tuple[str, str]:
    local = coop.local_time(utcnow())
    return f"{tanggal(local)} {local:%H:%M} {coop.timezone}", current_user.full_name


@bp.route("/anggota/<int:member_id>/kartu.pdf")
@requires("member.view")
def member_card(member_id: int):
    coop = _coop()
    member = get_scoped_or_404(Member, member_id, coop)
    place = ", ".join(p for p in (coop.desa and f"Desa {coop.desa}", coop.kabupaten) if p)
    card = documents.MemberCardData(
        coop_name=coop.name,
        coop_place=place,
        member_name=member.name,
        member_number=member.member_number,
        nik=member.nik,
        desa=member.desa,
        joined=member.join_date,
        qr_payload=documents.member_qr_payload(coop.id, member.member_number),
    )
    return _pdf(documents.render_member_card(card), f"kartu-anggota-{member.member_number}")


def _day_arg(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        abort(400)


@bp.route("/simpanan/<int:savings_id>/buku.pdf")
@requires("member.view")
def passbook(savings_id: int):
    """Passbook or statement for any period: ``?dari=YYYY-MM-DD&sampai=YYYY-MM-DD`` (both
    optional: from the opening of the account to today)."""
    coop = _coop()
    account = get_scoped_or_404(SavingsAccount, savings_id, coop)
    first, last = _day_arg("dari"), _day_arg("sampai") or coop.today()
    if first and first > last:
        first, last = last, first
    opening, txns, closing = savings.statement(account, first, last)
    member = db.session.get(Member, account.member_id)
    product = db.session.get(SavingsProduct, account.product_id)
    lines = [
        documents.PassbookLine(
            t.day,
            t.memo if t.memo else TXN_KINDS.get(t.kind, t.kind),
            t.amount,
            t.balance_after,
        )
        for t in txns
    ]
    # Without ``dari`` the statement runs from the account's first movement (a deposit may be
    # entered with an earlier business date than the day the account row was opened).
    start = first or min([account.opened_on, *(t.day for t in txns[:1])])
    printed_at, printed_by = _printed(coop)
    rate = f" · bunga {percent(account.annual_rate)} setahun" if account.annual_rate else ""
    frame = ReportFrame(
        coop_name=coop.name,
        coop_address=_address(coop),
        title=f"Buku Simpanan · {product.name}",
        period_label=f"{tanggal(start)} – {tanggal(last)}",
        printed_by=printed_by,
        printed_at=printed_at,
        subtitle=(
            f"{member.member_number} {member.name} · Rekening {account.number} · "
            f"{SAVINGS_KINDS.get(account.kind, account.kind)}{rate}"
        ),
    )
    data = documents.render_passbook(frame, start, opening, lines, closing)
    return _pdf(data, f"buku-simpanan-{account.number}-{last:%Y%m%d}")


def _installment_status(inst: LoanInstallment, today: date) -> str:
    if inst.status == "lunas":
        return f"Lunas {tanggal(inst.paid_on)}" if inst.paid_on else "Lunas"
    part = inst.principal_paid or inst.interest_paid
    if inst.due_date < today:
        late = f"Terlambat {(today - inst.due_date).days} hari"
        return f"{late}, sebagian" if part else late
    if part:
        return "Dibayar sebagian"
    return "Belum jatuh tempo" if inst.due_date > today else "Jatuh tempo hari ini"


@bp.route("/pinjaman/<int:loan_id>/kartu.pdf")
@requires("member.view")
def loan_card(loan_id: int):
    coop = _coop()
    loan = get_scoped_or_404(Loan, loan_id, coop)
    member = db.session.get(Member, loan.member_id)
    product = db.session.get(LoanProduct, loan.product_id)
    today = coop.today()
    installments = db.session.scalars(
        select(LoanInstallment)
        .where(LoanInstallment.loan_id == loan.id, LoanInstallment.status != "diganti")
        .order_by(LoanInstallment.version, LoanInstallment.no)
    ).all()
    payments = db.session.scalars(
        select(LoanPayment)
        .where(LoanPayment.loan_id == loan.id)
        .order_by(LoanPayment.day, LoanPayment.id)
    ).all()
    facts = [
        ("Anggota", f"{member.member_number} {member.name}"),
        ("Desa / HP", " · ".join(p for p in (member.desa, member.phone) if p) or "—"),
        ("Produk", product.name),
        ("Tujuan", loan.purpose or "—"),
        ("Pokok pinjaman", format_rupiah(loan.principal)),
        ("Bunga", f"{percent(loan.annual_rate)} setahun, {METHODS.get(loan.method, loan.method)}"),
        ("Jangka waktu", f"{loan.months} bulan"),
        ("Dicairkan", tanggal(loan.disbursed_on) if loan.disbursed_on else "belum"),
        ("Status", LOAN_STATUSES.get(loan.status, loan.status)),
        ("Sisa pokok", format_rupiah(loan.outstanding)),
    ]
    if loan.status == "aktif":
        due = repayment.amount_due(loan, today)
        cls = loans.classify(due["days_past_due"], loans.policy(coop))
        facts += [
            ("Tagihan hari ini", format_rupiah(due["total"])),
            ("Kolektibilitas", f"{COLLECTIBILITY[cls]} ({due['days_past_due']} hari)"),
        ]
    if loan.restructure_count:
        facts.append(("Restrukturisasi", f"{loan.restructure_count} kali"))
    if loan.written_off:
        facts.append(("Dihapusbukukan", format_rupiah(loan.written_off)))
    printed_at, printed_by = _printed(coop)
    card = documents.LoanCardData(
        coop_name=coop.name,
        coop_address=_address(coop),
        printed=f"Dicetak {printed_at} oleh {printed_by}",
        title=f"Kartu Pinjaman {loan.number}",
        facts=facts,
        schedule=[
            documents.ScheduleLine(
                i.no,
                i.due_date,
                i.principal,
                i.interest - i.interest_waived,
                i.principal_paid,
                i.interest_paid,
                i.penalty_paid,
                _installment_status(i, today),
            )
            for i in installments
        ],
        payments=[
            documents.PaymentLine(
                p.day,
                p.amount,
                p.penalty,
                p.interest,
                p.principal,
                ("Pelunasan, " if p.payoff else "") + SOURCES.get(p.source, p.source),
            )
            for p in payments
        ],
    )
    return _pdf(documents.render_loan_card(card), f"kartu-pinjaman-{loan.number}")
