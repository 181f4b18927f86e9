"""Tables of the expense book (filled in by the expenses work)."""
