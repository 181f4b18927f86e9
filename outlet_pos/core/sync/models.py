"""Sync tables: the outlet's outbox, the server's registrations and id map, master data."""
