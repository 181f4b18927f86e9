"""Stored health assessments (filled in by the health-assessment work)."""
