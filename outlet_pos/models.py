"""Every model, imported in one place so Alembic and ``create_app`` see the whole schema."""

from outlet_pos.api import models as _api_models  # noqa: F401
from outlet_pos.core.access import Membership, User
from outlet_pos.core.assets import models as _asset_models  # noqa: F401
from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.banking import models as _banking_models  # noqa: F401
from outlet_pos.core.closing import models as _closing_models  # noqa: F401
from outlet_pos.core.expenses import models as _expense_models  # noqa: F401
from outlet_pos.core.health import models as _health_models  # noqa: F401
from outlet_pos.core.inventory.counting_models import StockCount, StockCountLine
from outlet_pos.core.inventory.models import (
    Batch,
    BatchLevel,
    Item,
    ItemBarcode,
    ItemUnit,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine, Period
from outlet_pos.core.mentoring import models as _mentor_models  # noqa: F401
from outlet_pos.core.mentoring import visit_models as _visit_models  # noqa: F401
from outlet_pos.core.parties import Member
from outlet_pos.core.plans import models as _plan_models  # noqa: F401
from outlet_pos.core.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseReturn,
    PurchaseReturnLine,
    Supplier,
    SupplierBill,
    SupplierPayment,
)
from outlet_pos.core.sales.models import DocSequence, Payment, Sale, SaleLine, Shift
from outlet_pos.core.shu import models as _shu_models  # noqa: F401
from outlet_pos.core.sync import models as _sync_models  # noqa: F401
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.units.apotek import models as _apotek_models  # noqa: F401
from outlet_pos.units.apotek import prescription_models as _rx_models  # noqa: F401
from outlet_pos.units.apotek import register_models as _register_models  # noqa: F401
from outlet_pos.units.klinik import models as _klinik_models  # noqa: F401
from outlet_pos.units.klinik import visit_models as _klinik_visit_models  # noqa: F401
from outlet_pos.units.logistik import models as _logistik_models  # noqa: F401
from outlet_pos.units.logistik import money_models as _logistik_money  # noqa: F401
from outlet_pos.units.lokal import fish_models as _fish_models  # noqa: F401
from outlet_pos.units.lokal import models as _lokal_models  # noqa: F401
from outlet_pos.units.pupuk.models import (
    Allocation,
    Farmer,
    HetPrice,
    Redemption,
    SubsidisedItem,
)
from outlet_pos.units.simpan_pinjam.models import (
    AllowanceRun,
    InterestRun,
    Loan,
    LoanInstallment,
    LoanPayment,
    LoanProduct,
    SavingsAccount,
    SavingsProduct,
    SavingsSettings,
    SavingsTxn,
)

__all__ = [
    "Allocation",
    "Farmer",
    "HetPrice",
    "Redemption",
    "SubsidisedItem",
    "AllowanceRun",
    "InterestRun",
    "Loan",
    "LoanInstallment",
    "LoanPayment",
    "LoanProduct",
    "SavingsAccount",
    "SavingsProduct",
    "SavingsSettings",
    "SavingsTxn",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseReturn",
    "PurchaseReturnLine",
    "StockCount",
    "StockCountLine",
    "Supplier",
    "SupplierBill",
    "SupplierPayment",
    "Batch",
    "BatchLevel",
    "DocSequence",
    "Item",
    "ItemBarcode",
    "ItemUnit",
    "Location",
    "Payment",
    "Sale",
    "SaleLine",
    "Shift",
    "StockLevel",
    "StockMove",
    "Account",
    "AuditEvent",
    "BusinessUnit",
    "Cooperative",
    "JournalEntry",
    "JournalLine",
    "Member",
    "Membership",
    "Outlet",
    "Period",
    "User",
]
