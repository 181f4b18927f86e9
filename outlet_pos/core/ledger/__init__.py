"""The ledger: chart of accounts, periods, and the one posting function."""

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine, Period
from outlet_pos.core.ledger.periods import close_month, reopen_month
from outlet_pos.core.ledger.services import LineInput, balances, post, reverse

__all__ = [
    "Account",
    "JournalEntry",
    "JournalLine",
    "LineInput",
    "Period",
    "balances",
    "close_month",
    "post",
    "reopen_month",
    "reverse",
]
