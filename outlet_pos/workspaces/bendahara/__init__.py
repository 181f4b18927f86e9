"""The treasurer's workspace: journal, chart of accounts, trial balance, ledger, periods."""

from flask import Blueprint

bp = Blueprint("bendahara", __name__, url_prefix="/pembukuan")

from outlet_pos.workspaces.bendahara import (  # noqa: E402,F401
    views_accounts,
    views_assets,
    views_bank,
    views_closing,
    views_expenses,
    views_journal,
    views_purchasing,
    views_reports,
    views_shu,
    views_simkopdes,
    views_statements,
    views_tax,
)
