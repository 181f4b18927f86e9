"""The mentor's (pendamping) side: portfolio figures, alerts, visit notes, digest.

Everything here reads the books of one cooperative at a time through set-based queries, so a
portfolio of ten cooperatives stays within DESIGN §4.1 (≤ 1 s); nothing here posts to a
ledger — a mentor changes none of a cooperative's books.
"""
