"""(stub) The pharmacy's checkout rules."""


def register() -> None:
    """Hook the rules into the core's checkout (filled in by the pharmacy work)."""
