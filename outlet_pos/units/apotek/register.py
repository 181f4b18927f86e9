"""(stub) The narcotics/psychotropics register."""


def register() -> None:
    """Listen to stock moves and add the verify check (filled in by the register work)."""
