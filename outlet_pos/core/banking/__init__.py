"""Bank accounts, imported bank statements and their reconciliation with the ledger."""

from outlet_pos.core.banking import checks  # noqa: F401  (registers the month-close item)
