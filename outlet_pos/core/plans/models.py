"""Business plan targets (filled in by the business-plan work)."""
