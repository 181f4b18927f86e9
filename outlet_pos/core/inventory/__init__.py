"""The inventory core: items, units of measure, locations, batches, moves and levels."""

from outlet_pos.core.inventory.models import (
    Batch,
    BatchLevel,
    Item,
    ItemBarcode,
    ItemUnit,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.core.inventory.services import (
    InsufficientStock,
    Issued,
    issue,
    receive,
    transfer,
)

__all__ = [
    "Batch",
    "BatchLevel",
    "InsufficientStock",
    "Issued",
    "Item",
    "ItemBarcode",
    "ItemUnit",
    "Location",
    "StockLevel",
    "StockMove",
    "issue",
    "receive",
    "transfer",
]
