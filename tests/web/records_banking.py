"""Sample records for the route walk: a bank account with one imported statement line."""

from __future__ import annotations

from outlet_pos.core.access import User
from outlet_pos.core.banking import services, statement_csv
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db

CSV = (
    b"Tanggal,Keterangan,Debet,Kredit,Saldo\n"
    b'02/05/2025,SETORAN TUNAI,0,"1.000.000,00","1.000.000,00"\n'
)


def records(coop, users: dict) -> dict:
    def action():
        user = db.session.get(User, users["bendahara"])
        account = services.create_bank_account(coop, "BRI", "0123-01-004567-53-0", coop.name, user)
        statement = statement_csv.import_statement(coop, account, CSV, "mutasi.csv", user)
        line = statement_csv.BankStatementLine
        line_id = db.session.scalar(db.select(line.id).where(line.statement_id == statement.id))
        return {"bank_account_id": account.id, "bank_line_id": line_id}

    return run_transaction(action)
