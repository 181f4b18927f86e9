"""Visit notes and follow-up actions (filled in by the visit-notes work)."""
