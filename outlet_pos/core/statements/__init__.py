"""Financial statements per SAK EP, computed from the ledger by SQL aggregation."""
