"""SIMKOPDES export: the cooperative's data as one CSV per table in the national layout."""
