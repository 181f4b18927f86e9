"""Checks of the demo's fertilizer kiosk: 40 farmers in four groups with this season's allocations,
redemptions through the counter (some by proxy), and books that verify."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.ledger import balances
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services
from outlet_pos.units.pupuk.models import Allocation, Farmer, Redemption


def check_demo_kiosk(app) -> None:
    """Called from the CLI's demo test (tests/test_cli.py), which builds the demo once: a
    demo build costs a minute on PostgreSQL."""
    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        season = services.season_of(coop.today() - timedelta(days=1))
        assert db.session.scalar(select(func.count(Farmer.id))) == 40
        assert db.session.scalar(select(func.count(func.distinct(Farmer.poktan)))) == 4
        assert (
            db.session.scalar(select(func.count(Farmer.id)).where(Farmer.member_id.is_not(None)))
            >= 3
        )
        allocs = db.session.scalars(select(Allocation).where(Allocation.season == season)).all()
        assert len(allocs) == 120
        reds = db.session.scalars(select(Redemption)).all()
        assert len(reds) >= 10
        assert any(r.proxy_nik and r.proxy_letter for r in reds)
        assert all(a.redeemed_kg <= a.kg for a in allocs)
        assert sum(r.kg for r in reds) == sum(a.redeemed_kg for a in allocs) > Decimal(0)
        assert balances(coop)["114200"] > 0
