"""Member registration, changes, and leaving (keluar / meninggal) with the settlement of
their savings against their debts (DESIGN §3.3)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, or_, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_nik
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import MEMBER_STATUSES, Member
from outlet_pos.core.sales.checkout import member_credit_balance
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam import repayment, savings
from outlet_pos.units.simpan_pinjam.common import check_amount, counter_side, simpin_unit
from outlet_pos.units.simpan_pinjam.models import Loan

PHONE = re.compile(r"^(\+62|0)8[0-9]{7,12}$")
MEMBER_CREDIT = "113200"


def _clean(data: dict) -> dict:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not out.get("name") or len(out["name"]) > 200:
        raise ValidationError("Nama wajib diisi (maks. 200 karakter).", field="name")
    phone = (out.get("phone") or "").replace(" ", "").replace("-", "")
    if phone and not PHONE.match(phone):
        raise ValidationError("Nomor HP tidak valid (contoh 081234567890).", field="phone")
    out["phone"] = phone
    for key, limit in (
        ("address", 300),
        ("desa", 100),
        ("occupation", 100),
        ("heir_name", 200),
        ("heir_relation", 50),
    ):
        value = out.get(key) or ""
        if len(value) > limit:
            raise ValidationError(f"Isian terlalu panjang (maks. {limit}).", field=key)
        out[key] = value
    birth = out.get("birth_date")
    if birth is not None and not isinstance(birth, date):
        raise ValidationError("Tanggal lahir tidak valid.", field="birth_date")
    return out


def _check_nik(coop: Cooperative, nik: str, member_id: int | None) -> tuple[str, str]:
    try:
        info = validate_nik(nik or "")
    except IdentifierError as err:
        raise ValidationError(str(err), field="nik") from None
    clash = db.session.scalar(
        select(Member).where(Member.cooperative_id == coop.id, Member.nik == info.nik)
    )
    if clash is not None and clash.id != member_id:
        raise ValidationError(
            f"NIK ini sudah terdaftar atas nama {clash.name} ({clash.member_number}).", field="nik"
        )
    return info.nik, info.sex


def register_member(
    coop: Cooperative,
    data: dict,
    user,
    *,
    pay_pokok: bool = True,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> Member:
    """Register a member and, as the AD/ART asks, take the simpanan pokok at the counter."""
    day = day or coop.today()
    data = _clean(data)
    nik, sex = _check_nik(coop, data.get("nik", ""), None)
    seq = next_value(coop.id, "member", "all")
    member = Member(
        cooperative_id=coop.id,
        member_number=f"A-{seq:05d}",
        nik=nik,
        sex=sex,
        name=data["name"],
        birth_date=data.get("birth_date"),
        address=data["address"],
        desa=data["desa"],
        phone=data["phone"],
        occupation=data["occupation"],
        heir_name=data["heir_name"],
        heir_relation=data["heir_relation"],
        join_date=day,
        status="aktif",
    )
    db.session.add(member)
    db.session.flush()
    if pay_pokok and coop.simpanan_pokok_amount > 0:
        account = savings.account_for(coop, member, "pokok")
        savings.deposit(
            coop, account, coop.simpanan_pokok_amount, user, via=via, shift=shift, day=day
        )
    record(
        "member.register",
        user=user,
        cooperative=coop,
        target=member.member_number,
        detail={"name": member.name},
    )
    return member


def update_member(coop: Cooperative, member: Member, data: dict, user) -> Member:
    if member.cooperative_id != coop.id:
        raise DomainError("Anggota tidak ditemukan.")
    data = _clean(data)
    nik, sex = _check_nik(coop, data.get("nik", member.nik), member.id)
    changed = {}
    for key in (
        "name",
        "birth_date",
        "address",
        "desa",
        "phone",
        "occupation",
        "heir_name",
        "heir_relation",
    ):
        if getattr(member, key) != data.get(key):
            changed[key] = str(data.get(key))
            setattr(member, key, data.get(key))
    if nik != member.nik:
        changed["nik"] = nik
        member.nik, member.sex = nik, sex
    db.session.flush()
    if changed:
        record(
            "member.update",
            user=user,
            cooperative=coop,
            target=member.member_number,
            detail=changed,
        )
    return member


def search_members(coop: Cooperative, text: str, status: str | None = None, limit: int = 50):
    stmt = select(Member).where(Member.cooperative_id == coop.id)
    text = (text or "").strip()[:60]
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Member.name).like(like),
                func.lower(Member.member_number).like(like),
                Member.nik == text,
                Member.phone.like(f"%{text}%"),
                func.lower(Member.desa).like(like),
            )
        )
    if status:
        stmt = stmt.where(Member.status == status)
    return list(db.session.scalars(stmt.order_by(Member.member_number).limit(limit)))


def pay_member_credit(
    coop: Cooperative,
    member: Member,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
):
    """Settle kredit belanja (113200) the member ran up at the counter."""
    check_amount(amount)
    owed = member_credit_balance(coop, member)
    if amount > owed:
        raise DomainError(f"Kredit belanja {member.name} hanya {format_rupiah(owed)}.")
    counter, shift = counter_side(coop, via, shift, user)
    from outlet_pos.core.ledger.services import post

    unit = simpin_unit(coop)
    return post(
        coop,
        day or coop.today(),
        f"Pelunasan kredit belanja {member.member_number} {member.name}",
        [
            LineInput(counter, amount, 0, unit, None),
            LineInput(MEMBER_CREDIT, 0, amount, None, member.id),
        ],
        source="credit",
        source_ref=member.member_number,
        user=user,
        shift=shift,
    )


def settlement_quote(coop: Cooperative, member: Member, day: date | None = None) -> dict:
    """What leaving would pay out: all savings, less loans (payoff figure) and shop credit."""
    from outlet_pos.units.simpan_pinjam.repayment import amount_due

    day = day or coop.today()
    accounts = [a for a in savings.member_accounts(coop, member) if a.balance]
    loans = list(
        db.session.scalars(select(Loan).where(Loan.member_id == member.id, Loan.status == "aktif"))
    )
    loan_total = sum(amount_due(loan, day)["payoff"] for loan in loans)
    credit = member_credit_balance(coop, member)
    saved = sum(a.balance for a in accounts)
    pending = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.member_id == member.id, Loan.status.in_(("diajukan", "disetujui"))
        )
    )
    return {
        "accounts": accounts,
        "savings": saved,
        "loans": loans,
        "loan_total": loan_total,
        "credit": credit,
        "refund": saved - loan_total - credit,
        "pending_applications": pending,
    }


def leave(
    coop: Cooperative,
    member: Member,
    status: str,
    user,
    *,
    note: str = "",
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> dict:
    """A member leaves (keluar) or has died (meninggal): every savings balance is refunded,
    less loans paid off and shop credit settled from it, and the rest paid out — to the member
    or their heir. Refused, with nothing written, if the debts exceed the savings."""

    day = day or coop.today()
    if status not in MEMBER_STATUSES or status == "aktif":
        raise ValidationError("Pilih status: keluar atau meninggal.", field="status")
    if member.cooperative_id != coop.id or member.status != "aktif":
        raise DomainError("Anggota ini sudah tidak aktif.")
    quote = settlement_quote(coop, member, day)
    if quote["pending_applications"]:
        raise DomainError("Masih ada pengajuan pinjaman; tolak atau cairkan dulu.")
    if quote["refund"] < 0:
        raise DomainError(
            f"Utang {member.name} ({format_rupiah(quote['loan_total'] + quote['credit'])}) "
            f"melebihi simpanannya ({format_rupiah(quote['savings'])}); lunasi dulu "
            f"{format_rupiah(-quote['refund'])} sebelum keluar."
        )
    member.status, member.left_on, member.leave_note = status, day, (note or "").strip()[:300]
    db.session.flush()
    sukarela = savings.account_for(coop, member, "sukarela")
    # 1. Pokok, wajib and berjangka become refundable: move them into sukarela (one entry).
    moves = []
    for account in quote["accounts"]:
        if account.kind != "sukarela":
            moves.append(
                savings.Move(account, -account.balance, "penutupan", "Pengembalian saat keluar")
            )
    if moves:
        total = -sum(m.amount for m in moves)
        moves.append(
            savings.Move(sukarela, total, "penutupan", "Pengembalian pokok/wajib/berjangka")
        )
        savings.apply_moves(
            coop,
            day,
            f"Pengembalian simpanan {member.member_number} (keluar)",
            moves,
            [],
            user=user,
        )
    # 2. Loans paid off and shop credit settled from the refund.
    for loan in quote["loans"]:
        repayment.repay(coop, loan, None, user, via="sukarela", day=day, payoff=True)
    if quote["credit"]:
        savings.apply_moves(
            coop,
            day,
            f"Potong kredit belanja {member.member_number} dari simpanan",
            [savings.Move(sukarela, -quote["credit"], "potongan", "Pelunasan kredit belanja")],
            [LineInput(MEMBER_CREDIT, 0, quote["credit"], None, member.id)],
            user=user,
        )
    # 3. The rest is paid out.
    db.session.refresh(sukarela)
    paid = sukarela.balance
    if paid:
        counter, shift = counter_side(coop, via, shift, user)
        savings._drawer_has(shift, paid)
        savings.apply_moves(
            coop,
            day,
            f"Pembayaran sisa simpanan {member.member_number} {member.name} (keluar)",
            [savings.Move(sukarela, -paid, "tarik", "Dibayarkan saat keluar")],
            [LineInput(counter, 0, paid, simpin_unit(coop), None)],
            user=user,
            shift=shift,
        )
    for account in savings.member_accounts(coop, member):
        account.status, account.closed_on = "ditutup", day
    db.session.flush()
    record(
        "member.leave",
        user=user,
        cooperative=coop,
        target=member.member_number,
        detail={
            "status": status,
            "refund": paid,
            "loans": quote["loan_total"],
            "credit": quote["credit"],
        },
    )
    return {**quote, "paid": paid}
