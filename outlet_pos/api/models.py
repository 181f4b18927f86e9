"""API v1 tables (tokens per user and device)."""
