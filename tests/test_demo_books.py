"""The demo holds a closed previous year with its SHU shared out, and the current year open."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.closing.year_end import fiscal_bounds, is_year_closed
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.shu.models import ShuDistribution
from outlet_pos.core.shu.services import owed_per_member
from outlet_pos.core.statements.financial import balance_sheet, shu_of
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def test_the_demo_has_a_closed_year_with_shu_distributed_and_this_year_open(app, runner):
    result = runner.invoke(
        args=["demo", "--no-serve", "--days", "7", "--password", "Demo-Sukamaju-2025"]
    )
    assert result.exit_code == 0, result.output
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
