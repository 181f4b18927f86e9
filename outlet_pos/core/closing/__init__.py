"""Closing the books: the day, the month (a checklist walked before the lock) and the year."""

# The built-in month-close items (previous month, shifts, stock count, year end) register on
# import; units and other core parts add theirs through checklist.register_item.
from outlet_pos.core.closing import month as _month  # noqa: E402,F401
