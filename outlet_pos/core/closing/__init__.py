"""Closing the books: the day, the month (a checklist walked before the lock) and the year."""
