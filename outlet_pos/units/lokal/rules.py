"""Checkout rules of local units (LPG: buyer NIK, daily limit per NIK, HET).

Registered for the unit kind ``lokal``; each hook looks at the unit's profile and does
nothing for templates without counter rules, so a new local unit needs no code."""

from outlet_pos.core.sales import rules as unit_rules
from outlet_pos.units.lokal.lpg import RULES as LPG_RULES


def register() -> None:
    """Hook the rules into the core's checkout (idempotent: the registry ignores repeats)."""
    unit_rules.register("lokal", LPG_RULES)
