"""Offline-first sync of an outlet installation to a district server (DESIGN §2.8)."""
