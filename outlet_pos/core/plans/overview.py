"""The plan page's overview: every unit's metrics for one fiscal year, read in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from outlet_pos.core.plans.actuals import Actuals
from outlet_pos.core.plans.models import METRICS
from outlet_pos.core.plans.services import Comparison, comparison, planned, unit_metrics
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db


@dataclass
class Group:
    """One block of the overview: a unit, all units together, or the whole cooperative."""

    title: str
    unit_id: int | None
    lines: list[tuple[str, str, Comparison]] = field(default_factory=list)  # metric, label, cmp


def plan_units(coop: Cooperative, plans: dict | None = None) -> list[BusinessUnit]:
    """Active units, plus inactive ones that still hold a target in ``plans``."""
    with_plan = {u for u, _ in (plans or {})}
    units = db.session.scalars(
        select(BusinessUnit)
        .where(BusinessUnit.cooperative_id == coop.id)
        .order_by(BusinessUnit.name, BusinessUnit.id)
    )
    return [u for u in units if u.active or u.id in with_plan]


def overview(coop: Cooperative, year: int) -> tuple[list[Group], Actuals]:
    """Per unit and metric: annual target, actual to date and % achieved; then every unit
    together and the cooperative-wide members count. Reads the books once for the year."""
    actuals = Actuals(coop, year)
    plans = planned(coop, year)
    groups = []
    for unit in plan_units(coop, plans):
        group = Group(unit.name, unit.id)
        for metric in unit_metrics(unit):
            cmp = comparison(coop, year, unit.id, metric, actuals=actuals, plans=plans)
            group.lines.append((metric, METRICS[metric], cmp))
        groups.append(group)
    together = Group("Seluruh unit", None)
    for metric in ("sales", "margin"):
        cmp = comparison(coop, year, None, metric, actuals=actuals, plans=plans)
        together.lines.append((metric, METRICS[metric], cmp))
    groups.append(together)
    coop_wide = Group("Seluruh koperasi", None)
    cmp = comparison(coop, year, None, "members", actuals=actuals, plans=plans)
    coop_wide.lines.append(("members", METRICS["members"], cmp))
    groups.append(coop_wide)
    return groups, actuals
