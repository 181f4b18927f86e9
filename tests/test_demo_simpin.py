"""The demo's savings and loans: built through the unit's services, so the member subledgers
tie to their control accounts, with a portfolio a newcomer can learn the unit from."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.closing.year_end import fiscal_bounds, is_year_closed
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.parties import Member
from outlet_pos.core.shu.models import ShuDistribution
from outlet_pos.core.shu.services import owed_per_member
from outlet_pos.core.statements.financial import balance_sheet, shu_of
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import loans, savings, wajib
from outlet_pos.units.simpan_pinjam.models import (
    AllowanceRun,
    InterestRun,
    Loan,
    SavingsAccount,
    SavingsTxn,
)


def test_demo_has_members_savings_and_loans_in_every_class(app, runner):
    result = runner.invoke(
        args=["demo", "--no-serve", "--days", "0", "--password", "Demo-Sukamaju-2025"]
    )
    assert result.exit_code == 0, result.output
    assert "pengurus2" in result.output
    verify = runner.invoke(args=["verify"])
    assert verify.exit_code == 0, verify.output
    assert "Semua pemeriksaan lulus" in verify.output
    assert "Sisa pinjaman anggota = akun 113300" in verify.output

    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        today = coop.today()
        members = db.session.scalars(select(Member)).all()
        assert 55 <= len(members) <= 65
        assert len({m.nik for m in members}) == len(members)
        start = today.replace(month=coop.fiscal_year_start_month, day=1)
        if start > today:
            start = start.replace(year=start.year - 1)
        start = start.replace(year=start.year - 1)  # the demo's books begin a year earlier
        assert any(m.join_date < start for m in members)
        assert all(m.phone and m.heir_name and m.occupation for m in members)

        all_loans = db.session.scalars(select(Loan)).all()
        assert len(all_loans) == 25
        assert {loan.method for loan in all_loans} == {"flat", "efektif", "anuitas"}
        active = [loan for loan in all_loans if loan.status == "aktif"]
        classes = Counter(loans.collectibility(coop, loan) for loan in active)
        assert set(classes) == {"L", "DPK", "KL", "D", "M"}, classes
        statuses = Counter(loan.status for loan in all_loans)
        assert statuses["lunas"] >= 2 and statuses["hapus_buku"] == 1
        assert any(loan.restructure_count for loan in active)
        # Four eyes: every loan entered by one pengurus and approved by another; the write-off
        # proposed by one and (as the service insists) approved by the other.
        for loan in all_loans:
            assert loan.decided_by_id and loan.decided_by_id != loan.applied_by_id
        pengurus2 = db.session.scalar(select(User).where(User.username == "pengurus2"))
        assert {loan.decided_by_id for loan in all_loans} == {pengurus2.id}

        # Savings: pokok from everyone, wajib with some members behind, sukarela both ways,
        # berjangka placements, interest for each finished month, allowance too.
        pokok = savings.subledger_totals(coop)["311100"]
        assert pokok == len(members) * coop.simpanan_pokok_amount
        behind = [w for w in wajib.wajib_status(coop) if w.arrears]
        assert any(1 <= w.months_behind <= 4 for w in behind)
        kinds = Counter(
            db.session.execute(
                select(SavingsAccount.kind, SavingsTxn.kind).join(
                    SavingsAccount, SavingsAccount.id == SavingsTxn.account_id
                )
            ).all()
        )
        assert kinds[("sukarela", "setor")] and kinds[("sukarela", "tarik")]
        assert kinds[("berjangka", "setor")] >= 3 and kinds[("berjangka", "tarik")] >= 1
        finished = (today.year - start.year) * 12 + today.month - start.month
        assert db.session.scalar(select(func.count(InterestRun.id))) == finished
        assert db.session.scalar(select(func.count(AllowanceRun.id))) == finished
        bal = balances(coop)
        assert bal["113300"] == sum(loan.outstanding for loan in active) > 0
        assert bal["111100"] > 0 and bal["112100"] > 0
    assert_closed_year_with_shu(app)


def assert_closed_year_with_shu(app) -> None:
    """The demo holds a closed previous year with its SHU shared out, this year open."""
    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        this_year = fiscal_year(coop, coop.today())
        last_year = this_year - 1
        assert is_year_closed(coop, last_year)
        assert not is_year_closed(coop, this_year)
        first, last = fiscal_bounds(coop, last_year)
        shu = shu_of(coop, first, last)
        assert shu > 0
        dist = db.session.scalar(select(ShuDistribution))
        assert dist.year == last_year and dist.shu_amount == shu
        assert sum(s.jasa_modal + s.jasa_usaha for s in dist.shares) == sum(
            v
            for k, v in __import__("json").loads(dist.pools_json).items()
            if k in ("jasa_modal", "jasa_usaha")
        )
        paid = [s for s in dist.shares if s.paid_on]
        unpaid = [s for s in dist.shares if not s.paid_on and s.total]
        assert paid and unpaid  # some paid into sukarela, some still owed
        assert sum(owed_per_member(coop).values()) == sum(s.total for s in unpaid)
        # All of last year's SHU shared out: SHU belum dibagi is back at its opening figure.
        assert balances(coop)["315200"] == balances(coop, as_of=first)["315200"]
        assert balance_sheet(coop, coop.today()).checks["seimbang"]
