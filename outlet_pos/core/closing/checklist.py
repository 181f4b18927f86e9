"""The month-close checklist: a registry of items, each a question asked of the books.

Parts of the system that must be done before a month is locked (shifts closed, the bank
reconciled, depreciation posted, savings interest credited, ...) register an item here; the
core never imports them. ``close_month`` refuses while an item fails, unless the item is
waivable and has been waived with a reason (a stock count, for instance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemResult:
    """The answer of one checklist item for one month."""

    ok: bool
    detail: str  # plain Indonesian: what was found, e.g. "2 shift masih terbuka"
    endpoint: str | None = None  # the page where the treasurer fixes it
    args: dict = field(default_factory=dict)
    applies: bool = True  # False: nothing to check this month (no bank account, no assets)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    check: Callable  # (coop, year, month) -> ItemResult
    order: int = 100
    waivable: bool = False


ITEMS: dict[str, ChecklistItem] = {}


def register_item(
    key: str,
    label: str,
    check: Callable,
    *,
    order: int = 100,
    waivable: bool = False,
) -> None:
    """Add (or replace, on re-import) one checklist item."""
    ITEMS[key] = ChecklistItem(key, label, check, order, waivable)


def items() -> list[ChecklistItem]:
    return sorted(ITEMS.values(), key=lambda item: (item.order, item.key))
