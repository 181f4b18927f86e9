"""(stub) Checkout rules of local units (LPG: buyer NIK, daily limit per NIK, HET)."""


def register() -> None:
    """Hook the rules into the core's checkout (filled in by the local-units work)."""
