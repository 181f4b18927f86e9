"""Savings deposits and loan repayments, through the savings-and-loans unit's own services
(``savings.deposit``, ``repayment.repay``): cash goes into the token user's open shift, a
transfer to the bank, a repayment may also come out of the member's sukarela."""

from __future__ import annotations

from outlet_pos.api.common import in_coop, open_shift
from outlet_pos.api.schema import MAX_MONEY, amount, component, ident, integer, obj, string
from outlet_pos.api.spec import Operation, endpoint
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.parties import Member
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import repayment, savings
from outlet_pos.units.simpan_pinjam.models import LOAN_STATUSES, Loan

DATE = {"type": "string", "format": "date"}
DEPOSIT_KINDS = ["pokok", "wajib", "sukarela"]
DEPOSIT_IN = component(
    "DepositRequest",
    obj(
        {
            "member_id": ident(),
            "kind": string(enum=DEPOSIT_KINDS),
            "amount": integer(1, MAX_MONEY),
            "via": string(
                enum=["tunai", "transfer"],
                default="tunai",
                description="tunai: ke laci shift pengguna token; transfer: ke bank.",
            ),
        },
        ["member_id", "kind", "amount"],
    ),
)
DEPOSIT_OUT = component(
    "Deposit",
    obj(
        {
            "transaction_id": ident(),
            "member_id": ident(),
            "account_id": ident(),
            "account_number": string(),
            "kind": string(enum=DEPOSIT_KINDS),
            "amount": amount(),
            "balance_after": amount(),
            "date": DATE,
            "via": string(enum=["tunai", "transfer"]),
            "journal_number": string(),
        },
        [
            "transaction_id",
            "member_id",
            "account_id",
            "account_number",
            "kind",
            "amount",
            "balance_after",
            "date",
            "via",
            "journal_number",
        ],
    ),
)
REPAYMENT_IN = component(
    "RepaymentRequest",
    obj(
        {
            "loan_id": ident(),
            "amount": integer(1, MAX_MONEY),
            "via": string(
                enum=["tunai", "transfer", "sukarela"],
                default="tunai",
                description="sukarela: dipotong dari simpanan sukarela anggota.",
            ),
            "payoff": {
                "type": "boolean",
                "default": False,
                "description": "Pelunasan dipercepat: amount harus sama dengan payoff_today.",
            },
        },
        ["loan_id", "amount"],
    ),
)
REPAYMENT_OUT = component(
    "Repayment",
    obj(
        {
            "payment_id": ident(),
            "loan_id": ident(),
            "loan_number": string(),
            "amount": amount(),
            "penalty": amount(),
            "interest": amount(),
            "principal": amount(),
            "outstanding": amount(description="Sisa pokok setelah pembayaran ini."),
            "loan_status": string(enum=list(LOAN_STATUSES)),
            "date": DATE,
            "via": string(enum=["tunai", "transfer", "sukarela"]),
            "journal_number": string(),
        },
        [
            "payment_id",
            "loan_id",
            "loan_number",
            "amount",
            "penalty",
            "interest",
            "principal",
            "outstanding",
            "loan_status",
            "date",
            "via",
            "journal_number",
        ],
    ),
)


def _journal_number(entry_id: int | None) -> str:
    entry = db.session.get(JournalEntry, entry_id) if entry_id else None
    return entry.number if entry is not None else ""


@endpoint(
    "/savings/deposits",
    Operation(
        "POST",
        "Kirim setoran simpanan",
        "Simpan pinjam",
        {201: ("Setoran tersimpan dengan saldo sesudahnya.", DEPOSIT_OUT)},
        description=(
            "Setoran pokok, wajib atau sukarela seorang anggota aktif. Tunai masuk ke laci shift "
            "pengguna token (shift harus terbuka). Pokok tidak boleh melebihi sisa yang wajib "
            "(422); anggota koperasi lain 404."
        ),
        scope="savings:write",
        permission="savings.transact",
        body=DEPOSIT_IN,
        idempotent=True,
        not_found=True,
        business_rules=True,
    ),
)
def create_deposit(call):
    coop, user, body = call.caller.coop, call.caller.user, call.body
    member = in_coop(Member, body["member_id"], coop, "member_id", "Anggota")
    via = body.get("via", "tunai")
    account = savings.account_for(coop, member, body["kind"])
    txn = savings.deposit(
        coop,
        account,
        body["amount"],
        user,
        via=via,
        shift=open_shift(coop, user),
        idempotency_key=call.service_key,
    )
    return {
        "transaction_id": txn.id,
        "member_id": member.id,
        "account_id": account.id,
        "account_number": account.number,
        "kind": account.kind,
        "amount": txn.amount,
        "balance_after": txn.balance_after,
        "date": txn.day.isoformat(),
        "via": via,
        "journal_number": _journal_number(txn.entry_id),
    }, 201


@endpoint(
    "/loans/repayments",
    Operation(
        "POST",
        "Kirim angsuran pinjaman",
        "Simpan pinjam",
        {201: ("Angsuran tersimpan: pembagian denda, jasa dan pokok.", REPAYMENT_OUT)},
        description=(
            "Dibagi ke denda, lalu jasa, lalu pokok, angsuran tertua dulu. Lebih dari seluruh "
            "sisa kewajiban, pinjaman yang tidak berjalan, atau tunai tanpa shift terbuka "
            "ditolak 422; pinjaman koperasi lain 404."
        ),
        scope="loans:write",
        permission="loan.pay",
        body=REPAYMENT_IN,
        idempotent=True,
        not_found=True,
        business_rules=True,
    ),
)
def create_repayment(call):
    coop, user, body = call.caller.coop, call.caller.user, call.body
    loan = in_coop(Loan, body["loan_id"], coop, "loan_id", "Pinjaman")
    via = body.get("via", "tunai")
    payment = repayment.repay(
        coop,
        loan,
        body["amount"],
        user,
        via=via,
        shift=open_shift(coop, user),
        idempotency_key=call.service_key,
        payoff=bool(body.get("payoff", False)),
    )
    loan = db.session.get(Loan, payment.loan_id)
    return {
        "payment_id": payment.id,
        "loan_id": loan.id,
        "loan_number": loan.number,
        "amount": payment.amount,
        "penalty": payment.penalty,
        "interest": payment.interest,
        "principal": payment.principal,
        "outstanding": loan.outstanding,
        "loan_status": loan.status,
        "date": payment.day.isoformat(),
        "via": via,
        "journal_number": _journal_number(payment.entry_id),
    }, 201
