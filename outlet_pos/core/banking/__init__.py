"""Bank accounts, imported bank statements and their reconciliation with the ledger."""
