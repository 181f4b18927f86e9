"""Pure document builders (bytes out): A4 table reports as PDF and as Excel workbooks."""

from .excel import AMOUNT_FORMAT, DATE_FORMAT, DATETIME_FORMAT, render_table_xlsx, sheet_title
from .receipt import ReceiptData, ReceiptLine, ReceiptPayment, render_receipt
from .report import Column, ReportFrame, render_table_report

__all__ = [
    "AMOUNT_FORMAT",
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "Column",
    "ReceiptData",
    "ReceiptLine",
    "ReceiptPayment",
    "ReportFrame",
    "render_receipt",
    "render_table_report",
    "render_table_xlsx",
    "sheet_title",
]
