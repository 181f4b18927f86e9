"""Purchasing (DESIGN §3.2): suppliers, purchase orders, goods receipts, supplier bills,
payments, purchase returns and the payables aging.

Each business action flushes only and posts at most one journal entry (source "purchase"):

- goods receipt: Dr Persediaan (per item account and business unit) / Cr Utang usaha, or
  Cr Kas/Bank when paid on the spot (Kas from the user's open shift carries that shift);
- supplier payment: Dr Utang usaha / Cr Kas or Bank;
- purchase return: Dr Utang usaha (what is still owed on the bill) and Dr Piutang usaha (the
  rest: the supplier owes us) / Cr Persediaan, at the cost the goods were received at.

Numbers (PO-, GRN-, BILL-, RTB-, PAY-) are gapless per cooperative and calendar year.

The actions live in one module per topic — ``orders`` (suppliers and purchase orders),
``receipts``, ``bills`` (payments and the aging) and ``returns`` — with the shared checks in
``common``. This module gathers them so ``from outlet_pos.core.purchasing.services import X``
keeps working for the callers written before the split.
"""

from outlet_pos.core.purchasing.bills import (
    AGING_BUCKETS,
    AGING_LABELS,
    Aging,
    AgingRow,
    bucket_of,
    pay_bill,
    payables_aging,
)
from outlet_pos.core.purchasing.common import (
    CASH,
    MAX_LINES,
    MAX_MONEY,
    PAY_ACCOUNTS,
    PAYABLE,
    RECEIVABLE,
)
from outlet_pos.core.purchasing.orders import cancel_order, create_order, save_supplier
from outlet_pos.core.purchasing.receipts import ReceiptLineIn, bill_for, receive_goods
from outlet_pos.core.purchasing.returns import return_goods, returned_value

__all__ = [
    "AGING_BUCKETS",
    "AGING_LABELS",
    "CASH",
    "MAX_LINES",
    "MAX_MONEY",
    "PAYABLE",
    "PAY_ACCOUNTS",
    "RECEIVABLE",
    "Aging",
    "AgingRow",
    "ReceiptLineIn",
    "bill_for",
    "bucket_of",
    "cancel_order",
    "create_order",
    "pay_bill",
    "payables_aging",
    "receive_goods",
    "return_goods",
    "returned_value",
    "save_supplier",
]
