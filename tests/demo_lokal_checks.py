"""Checks of the demo's parcel desk and local units (outlet_pos/demo_lokal*.py).

``check_lokal(coop)`` runs in tests/test_demo_lokal.py on a small cooperative of its own;
``check_demo_lokal(app)`` is for the CLI's demo test (tests/test_cli.py), which builds the
whole demo once."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select

from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalLine
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.core.verify import verify_all
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up


def check_demo_lokal(app) -> None:
    """Called from the CLI's demo test, after ``outlet-pos demo --days 20``."""
    from outlet_pos.demo import DEMO_NAME

    with app.app_context():
        coop = db.session.scalar(select(Cooperative).where(Cooperative.name == DEMO_NAME))
        check_lokal(coop)


def check_lokal(coop: Cooperative) -> None:
    check_parcels(coop)
    check_local_units(coop)
    bad = [f"{c}: {label}: {v}" for c, label, vs in verify_all() for v in vs]
    assert bad == [], bad


def check_parcels(coop: Cooperative) -> None:
    """Billable weights by the rule, a timeline in every state, COD held = 211500, the
    partners paid once, own goods delivered to members."""
    from outlet_pos.units.logistik.models import Courier, Parcel, ZoneTariff
    from outlet_pos.units.logistik.money_models import CodMovement, CourierSettlement

    parcels = db.session.scalars(select(Parcel).where(Parcel.cooperative_id == coop.id)).all()
    sent = [p for p in parcels if p.kind == "kiriman"]
    assert len(sent) >= 25, len(sent)
    couriers = {
        c.id: c
        for c in db.session.scalars(select(Courier).where(Courier.cooperative_id == coop.id))
    }
    for p in parcels:
        volumetric = p.length_cm * p.width_cm * p.height_cm / Decimal(6000)
        step = couriers[p.courier_id].rounding_kg
        rule = max(
            (max(p.actual_kg, volumetric) / step).to_integral_value(ROUND_CEILING) * step,
            Decimal(1),
        )
        assert p.billable_kg == rule, (p.number, p.billable_kg, rule)
    # Bulky parcels are charged by their volume; some are insured.
    assert sum(p.volumetric_kg > p.actual_kg for p in sent) >= 5
    assert sum(p.insurance_fee > 0 for p in sent) >= 2
    assert {"diterima", "diserahkan_ke_kurir", "terkirim", "dikembalikan"} <= {
        p.status for p in sent
    }
    assert sum(p.status == "dikembalikan" for p in sent) == 1
    # Two dated rows per price: parcels were priced by both the older and the newer list.
    used = {p.tariff_id for p in sent}
    rows = db.session.scalars(select(ZoneTariff).where(ZoneTariff.id.in_(used))).all()
    assert len({r.valid_from for r in rows}) == 2

    # COD: ~8 parcels; the money held is exactly 211500; one sender was paid into sukarela;
    # a returned parcel's COD was never collected.
    cod = [p for p in sent if p.cod_amount > 0]
    assert 6 <= len(cod) <= 10, len(cod)
    moves = db.session.scalars(
        select(CodMovement).where(CodMovement.cooperative_id == coop.id)
    ).all()
    by_parcel: dict[int, dict[str, int]] = defaultdict(dict)
    for m in moves:
        by_parcel[m.parcel_id][m.kind] = m.amount
    held = sum(m.amount for m in moves if m.kind == "terima") - sum(
        m.amount for m in moves if m.kind == "serah"
    )
    assert held > 0
    assert -balances(coop).get("211500", 0) == held
    assert sum(1 for v in by_parcel.values() if set(v) == {"terima"}) >= 1  # still held
    remitted = [v for v in by_parcel.values() if set(v) == {"terima", "serah"}]
    assert len(remitted) >= 3 and all(v["terima"] == v["serah"] for v in remitted)
    assert any(m.kind == "serah" and m.via == "sukarela" and m.member_id for m in moves)
    assert all(not by_parcel.get(p.id) for p in cod if p.status == "dikembalikan")

    settlements = db.session.scalars(
        select(CourierSettlement).where(CourierSettlement.cooperative_id == coop.id)
    ).all()
    assert settlements and all(s.amount > 0 for s in settlements)
    own = [p for p in parcels if p.kind == "antar_barang"]
    assert len(own) >= 2 and all(p.sale_id and p.status == "terkirim" for p in own)


def check_local_units(coop: Cooperative) -> None:
    """Every local unit has a profile, trades under its own unit id and is its own column
    of the income statement; LPG within NIK and HET; fish bought into sukarela counts for
    the member's SHU; the cold room billed by days × crates × rate; the agent float settled;
    a goat sold per kg."""
    from outlet_pos.core.sales.models import SaleLine
    from outlet_pos.core.shu.compute import member_bases
    from outlet_pos.core.statements.financial import income_statement
    from outlet_pos.units.lokal.fish_models import Animal, FishPurchase
    from outlet_pos.units.lokal.models import (
        AgentSettlement,
        AgentTxn,
        ColdStorageLot,
        LocalUnitProfile,
        LpgSale,
    )

    units = db.session.scalars(
        select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id,
                                   BusinessUnit.kind == "lokal")
    ).all()  # fmt: skip
    profiles = {
        p.unit_id: p.template
        for p in db.session.scalars(
            select(LocalUnitProfile).where(LocalUnitProfile.cooperative_id == coop.id)
        )
    }
    assert {profiles.get(u.id) for u in units} == {
        "perikanan", "lpg", "cold_storage", "agen", "peternakan"
    }  # fmt: skip
    first, last = db.session.execute(
        select(func.min(JournalLine.entry_date), func.max(JournalLine.entry_date)).where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.unit_id.in_([u.id for u in units]),
        )
    ).one()
    statement = income_statement(coop, first, last)
    assert {u.id for u in units} <= {uid for uid, _name in statement.units}
    revenue = next(s for s in statement.sections if s.title == "Pendapatan").total
    for u in units:
        assert revenue.by_unit.get(u.id, 0) > 0, (u.name, revenue.by_unit)

    lpg = next(u for u in units if profiles[u.id] == "lpg")
    het = 18_000
    rows = db.session.scalars(select(LpgSale).where(LpgSale.unit_id == lpg.id)).all()
    assert len(rows) >= 10
    per_day: dict[tuple, Decimal] = defaultdict(Decimal)
    for r in rows:
        assert len(r.nik) == 16 and r.nik.isdigit()
        assert r.amount <= het * r.qty
        per_day[(r.nik, r.day)] += r.qty
    assert max(per_day.values()) <= 2
    sold = db.session.scalar(
        select(func.sum(SaleLine.base_qty)).where(SaleLine.business_unit_id == lpg.id)
    )
    assert sold == sum(r.qty for r in rows)

    purchases = db.session.scalars(
        select(FishPurchase).where(FishPurchase.cooperative_id == coop.id)
    ).all()
    into_savings = [p for p in purchases if p.method == "sukarela"]
    assert into_savings and any(p.method == "tunai" for p in purchases)
    bases = {b.member_id: b for b in member_bases(coop, first, last)}
    fish = next(u for u in units if profiles[u.id] == "perikanan")
    for p in into_savings:
        assert bases[p.member_id].by_unit.get(fish.id, 0) > 0

    lots = db.session.scalars(
        select(ColdStorageLot).where(ColdStorageLot.cooperative_id == coop.id)
    ).all()
    out = [lot for lot in lots if lot.checked_out]
    assert out and any(lot.checked_out is None for lot in lots)
    assert all(lot.amount == lot.days * lot.crates * lot.rate > 0 for lot in out)

    agent_unit = next(u for u in units if profiles[u.id] == "agen")
    txns = db.session.scalars(select(AgentTxn).where(AgentTxn.unit_id == agent_unit.id)).all()
    assert {t.txn_type for t in txns} >= {"pulsa", "tarik_tunai", "setor_tunai"}
    assert db.session.scalar(
        select(func.count(AgentSettlement.id)).where(AgentSettlement.unit_id == agent_unit.id)
    )
    assert balances(coop, unit=agent_unit).get("212100", 0) == 0  # settled to the provider

    animals = db.session.scalars(select(Animal).where(Animal.cooperative_id == coop.id)).all()
    assert len(animals) >= 3
    goat = [a for a in animals if a.status == "terjual"]
    assert len(goat) == 1 and goat[0].sale_basis == "kg"
    assert goat[0].sale_amount == round_half_up(goat[0].sale_weight * goat[0].sale_price)
