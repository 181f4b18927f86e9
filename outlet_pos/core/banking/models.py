"""Tables of bank accounts and statements (filled in by the banking work)."""
