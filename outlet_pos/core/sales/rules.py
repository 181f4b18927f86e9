"""Unit rules registry: how business units plug their checks into the core's checkout.

A unit registers an object for its kind (``pupuk``, ``apotek``, ...). Inside ``checkout`` the
core calls ``check_line(line, ctx)`` for every line of an item of that unit (raise
``DomainError`` to refuse: prescription missing, quota exceeded, price above HET) and
``after_checkout(sale, ctx)`` once the sale is written (record a redemption, a narcotics
register row). The core knows these hook names, never the units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol


@dataclass
class LineContext:
    item: Any
    item_unit: Any
    business_unit: Any
    qty: Decimal
    base_qty: Decimal
    unit_price: int
    list_price: int
    total: int
    extra: dict = field(default_factory=dict)  # unit-specific inputs from the cart line


@dataclass
class CheckoutContext:
    coop: Any
    shift: Any
    user: Any
    member: Any
    day: Any
    extra: dict = field(default_factory=dict)  # e.g. a farmer's NIK, a prescription id


class UnitRules(Protocol):
    def check_line(self, line: LineContext, ctx: CheckoutContext) -> None: ...

    def after_checkout(self, sale: Any, ctx: CheckoutContext) -> None: ...

    # Optional: ``after_refund(refund, original_sale, {line_id: base_qty}, None)`` undoes what
    # ``after_checkout`` recorded, for the quantities returned.


_REGISTRY: dict[str, list[UnitRules]] = {}


def register(kind: str, rules: UnitRules) -> None:
    """Register a unit's rules once (re-registering the same object is a no-op)."""
    bucket = _REGISTRY.setdefault(kind, [])
    if rules not in bucket:
        bucket.append(rules)


def unregister(kind: str, rules: UnitRules) -> None:
    if rules in _REGISTRY.get(kind, []):
        _REGISTRY[kind].remove(rules)


def rules_for(kind: str) -> list[UnitRules]:
    return list(_REGISTRY.get(kind, ()))
