"""Tables of the fixed-asset register (filled in by the fixed-assets work)."""
