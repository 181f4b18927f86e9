"""Member endpoints: search members, read one with savings balances, loans and shopping
credit. The search is the member pages' (``simpan_pinjam.members.search_members``); the NIK
is searchable but never shown (personal data stays on the cooperative's own pages)."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.api.common import PAGE_PROPERTIES, PAGING, in_coop, page
from outlet_pos.api.schema import (
    amount,
    array,
    component,
    ident,
    nullable,
    obj,
    signed,
    string,
    text,
)
from outlet_pos.api.spec import Operation, Param, endpoint
from outlet_pos.core.parties import MEMBER_STATUSES, Member
from outlet_pos.core.sales.checkout import member_credit_balance
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import repayment, savings
from outlet_pos.units.simpan_pinjam.members import search_members
from outlet_pos.units.simpan_pinjam.models import LOAN_STATUSES, SAVINGS_KINDS, Loan

DATE = {"type": "string", "format": "date"}
MEMBER_FIELDS = {
    "id": ident(),
    "member_number": string(),
    "name": string(),
    "desa": string(),
    "status": string(enum=list(MEMBER_STATUSES)),
    "join_date": DATE,
    "credit_limit": amount(description="Plafon kredit belanja, rupiah."),
}
MEMBER = component("Member", obj(MEMBER_FIELDS, list(MEMBER_FIELDS)))
SAVINGS = component(
    "SavingsAccount",
    obj(
        {
            "id": ident(),
            "number": string(),
            "kind": string(enum=list(SAVINGS_KINDS)),
            "balance": amount(),
            "status": string(enum=["aktif", "ditutup"]),
        },
        ["id", "number", "kind", "balance", "status"],
    ),
)
LOAN = component(
    "MemberLoan",
    obj(
        {
            "id": ident(),
            "number": string(),
            "status": string(enum=list(LOAN_STATUSES)),
            "principal": amount(),
            "outstanding": amount(description="Sisa pokok, rupiah."),
            "due_today": nullable(
                amount(description="Yang jatuh tempo sampai hari ini (pinjaman berjalan).")
            ),
            "payoff_today": nullable(amount(description="Pelunasan dipercepat hari ini.")),
        },
        ["id", "number", "status", "principal", "outstanding", "due_today", "payoff_today"],
    ),
)
DETAIL_FIELDS = {
    **MEMBER_FIELDS,
    "savings": array(SAVINGS),
    "savings_totals": obj(
        {kind: amount() for kind in SAVINGS_KINDS},
        list(SAVINGS_KINDS),
        description="Saldo per jenis simpanan (rekening aktif), rupiah.",
    ),
    "credit_owed": signed(description="Utang kredit belanja, rupiah."),
    "loans": array(LOAN),
}
MEMBER_DETAIL = component("MemberDetail", obj(DETAIL_FIELDS, list(DETAIL_FIELDS)))
MEMBER_LIST = obj(
    {"members": array(MEMBER), **PAGE_PROPERTIES},
    ["members", "limit", "offset", "next_offset"],
)


def member_row(member: Member) -> dict:
    return {
        "id": member.id,
        "member_number": member.member_number,
        "name": member.name,
        "desa": member.desa or "",
        "status": member.status,
        "join_date": member.join_date.isoformat(),
        "credit_limit": member.credit_limit,
    }


@endpoint(
    "/members",
    Operation(
        "GET",
        "Cari anggota",
        "Anggota",
        {200: ("Satu halaman anggota, urut nomor anggota.", MEMBER_LIST)},
        description="q mencari nama, nomor anggota, desa, nomor HP, atau NIK yang persis sama.",
        scope="members:read",
        permission="member.view",
        params=(
            Param("q", text(60, 1), "Teks yang dicari."),
            Param("status", string(enum=list(MEMBER_STATUSES)), "Hanya anggota berstatus ini."),
            *PAGING,
        ),
    ),
)
def list_members(call):
    coop, args = call.caller.coop, call.args
    wanted = args["offset"] + args["limit"] + 1
    found = search_members(coop, args["q"] or "", args["status"], limit=wanted)
    rows, paging = page(found, args)
    return {"members": [member_row(m) for m in rows], **paging}


@endpoint(
    "/members/<int:member_id>",
    Operation(
        "GET",
        "Satu anggota dengan saldo simpanan",
        "Anggota",
        {200: ("Anggota, rekening simpanan, pinjaman dan kredit belanjanya.", MEMBER_DETAIL)},
        scope="members:read",
        permission="member.view",
    ),
)
def get_member(call, member_id: int):
    coop = call.caller.coop
    member = in_coop(Member, member_id, coop, label="Anggota")
    accounts = savings.member_accounts(coop, member)
    totals = dict.fromkeys(SAVINGS_KINDS, 0)
    for account in accounts:
        if account.status == "aktif":
            totals[account.kind] += account.balance
    today = coop.today()
    loans = []
    for loan in db.session.scalars(
        select(Loan)
        .where(Loan.cooperative_id == coop.id, Loan.member_id == member.id)
        .order_by(Loan.id)
    ):
        due = repayment.amount_due(loan, today) if loan.status == "aktif" else None
        loans.append(
            {
                "id": loan.id,
                "number": loan.number,
                "status": loan.status,
                "principal": loan.principal,
                "outstanding": loan.outstanding,
                "due_today": due["total"] if due else None,
                "payoff_today": due["payoff"] if due else None,
            }
        )
    return {
        **member_row(member),
        "savings": [
            {
                "id": a.id,
                "number": a.number,
                "kind": a.kind,
                "balance": a.balance,
                "status": a.status,
            }
            for a in accounts
        ],
        "savings_totals": totals,
        "credit_owed": member_credit_balance(coop, member),
        "loans": loans,
    }
