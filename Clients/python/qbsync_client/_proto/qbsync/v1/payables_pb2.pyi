from qbsync_client._proto.qbsync.v1 import customers_pb2 as _customers_pb2
from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

BILL_PAYMENT_METHOD_CHECK: BillPaymentMethod
BILL_PAYMENT_METHOD_CREDIT_CARD: BillPaymentMethod
BILL_PAYMENT_METHOD_UNSPECIFIED: BillPaymentMethod
DESCRIPTOR: _descriptor.FileDescriptor
EXPENSE_PAYMENT_TYPE_CASH: ExpensePaymentType
EXPENSE_PAYMENT_TYPE_CHECK: ExpensePaymentType
EXPENSE_PAYMENT_TYPE_CREDIT_CARD: ExpensePaymentType
EXPENSE_PAYMENT_TYPE_UNSPECIFIED: ExpensePaymentType
PURCHASE_ORDER_STATUS_CANCELLED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_OPEN: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_RECEIVED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_UNSPECIFIED: PurchaseOrderStatus

class Bill(_message.Message):
    __slots__ = ["ap_account_code", "cancelled", "currency", "doc_number", "due_date", "external_id", "lines", "location_code", "memo", "txn_date", "vendor_external_id"]
    AP_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_CODE_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    VENDOR_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ap_account_code: str
    cancelled: bool
    currency: str
    doc_number: str
    due_date: str
    external_id: str
    lines: _containers.RepeatedCompositeFieldContainer[ExpenseLine]
    location_code: str
    memo: str
    txn_date: str
    vendor_external_id: str
    def __init__(self, external_id: _Optional[str] = ..., vendor_external_id: _Optional[str] = ..., doc_number: _Optional[str] = ..., txn_date: _Optional[str] = ..., due_date: _Optional[str] = ..., currency: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ExpenseLine, _Mapping]]] = ..., ap_account_code: _Optional[str] = ..., location_code: _Optional[str] = ..., memo: _Optional[str] = ..., cancelled: bool = ...) -> None: ...

class BillApplication(_message.Message):
    __slots__ = ["amount_minor", "bill_external_id"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    BILL_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    bill_external_id: str
    def __init__(self, bill_external_id: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class BillPayment(_message.Message):
    __slots__ = ["amount_minor", "applications", "currency", "doc_number", "external_id", "memo", "method", "payment_account_code", "txn_date", "vendor_external_id", "voided"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    VENDOR_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    applications: _containers.RepeatedCompositeFieldContainer[BillApplication]
    currency: str
    doc_number: str
    external_id: str
    memo: str
    method: BillPaymentMethod
    payment_account_code: str
    txn_date: str
    vendor_external_id: str
    voided: bool
    def __init__(self, external_id: _Optional[str] = ..., vendor_external_id: _Optional[str] = ..., txn_date: _Optional[str] = ..., currency: _Optional[str] = ..., amount_minor: _Optional[int] = ..., method: _Optional[_Union[BillPaymentMethod, str]] = ..., payment_account_code: _Optional[str] = ..., doc_number: _Optional[str] = ..., memo: _Optional[str] = ..., applications: _Optional[_Iterable[_Union[BillApplication, _Mapping]]] = ..., voided: bool = ...) -> None: ...

class Expense(_message.Message):
    __slots__ = ["currency", "doc_number", "external_id", "lines", "location_code", "memo", "payment_account_code", "payment_type", "txn_date", "vendor_external_id", "voided"]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_CODE_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    VENDOR_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    currency: str
    doc_number: str
    external_id: str
    lines: _containers.RepeatedCompositeFieldContainer[ExpenseLine]
    location_code: str
    memo: str
    payment_account_code: str
    payment_type: ExpensePaymentType
    txn_date: str
    vendor_external_id: str
    voided: bool
    def __init__(self, external_id: _Optional[str] = ..., vendor_external_id: _Optional[str] = ..., txn_date: _Optional[str] = ..., currency: _Optional[str] = ..., payment_type: _Optional[_Union[ExpensePaymentType, str]] = ..., payment_account_code: _Optional[str] = ..., doc_number: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ExpenseLine, _Mapping]]] = ..., location_code: _Optional[str] = ..., memo: _Optional[str] = ..., voided: bool = ...) -> None: ...

class ExpenseLine(_message.Message):
    __slots__ = ["account_code", "amount_minor", "class_code", "customer_external_id", "description", "item_code", "quantity", "unit_cost"]
    ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CLASS_CODE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_COST_FIELD_NUMBER: _ClassVar[int]
    account_code: str
    amount_minor: int
    class_code: str
    customer_external_id: str
    description: str
    item_code: str
    quantity: str
    unit_cost: str
    def __init__(self, item_code: _Optional[str] = ..., account_code: _Optional[str] = ..., description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit_cost: _Optional[str] = ..., amount_minor: _Optional[int] = ..., class_code: _Optional[str] = ..., customer_external_id: _Optional[str] = ...) -> None: ...

class LinkVendorRequest(_message.Message):
    __slots__ = ["company_id", "mode", "qbo_vendor_id", "vendor"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    QBO_VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    mode: _customers_pb2.LinkMode
    qbo_vendor_id: str
    vendor: Vendor
    def __init__(self, company_id: _Optional[str] = ..., vendor: _Optional[_Union[Vendor, _Mapping]] = ..., mode: _Optional[_Union[_customers_pb2.LinkMode, str]] = ..., qbo_vendor_id: _Optional[str] = ...) -> None: ...

class LinkVendorResponse(_message.Message):
    __slots__ = ["candidates", "outcome", "qbo_vendor_id", "record"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    QBO_VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[_customers_pb2.CustomerCandidate]
    outcome: _customers_pb2.LinkOutcome
    qbo_vendor_id: str
    record: _records_pb2.SyncRecord
    def __init__(self, outcome: _Optional[_Union[_customers_pb2.LinkOutcome, str]] = ..., qbo_vendor_id: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[_customers_pb2.CustomerCandidate, _Mapping]]] = ..., record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ...) -> None: ...

class PurchaseOrder(_message.Message):
    __slots__ = ["currency", "doc_number", "due_date", "external_id", "lines", "location_code", "memo", "status", "txn_date", "vendor_external_id"]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_CODE_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    VENDOR_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    currency: str
    doc_number: str
    due_date: str
    external_id: str
    lines: _containers.RepeatedCompositeFieldContainer[ExpenseLine]
    location_code: str
    memo: str
    status: PurchaseOrderStatus
    txn_date: str
    vendor_external_id: str
    def __init__(self, external_id: _Optional[str] = ..., vendor_external_id: _Optional[str] = ..., doc_number: _Optional[str] = ..., txn_date: _Optional[str] = ..., due_date: _Optional[str] = ..., currency: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ExpenseLine, _Mapping]]] = ..., location_code: _Optional[str] = ..., memo: _Optional[str] = ..., status: _Optional[_Union[PurchaseOrderStatus, str]] = ...) -> None: ...

class SyncBillPaymentRequest(_message.Message):
    __slots__ = ["bill_payment", "company_id"]
    BILL_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    bill_payment: BillPayment
    company_id: str
    def __init__(self, company_id: _Optional[str] = ..., bill_payment: _Optional[_Union[BillPayment, _Mapping]] = ...) -> None: ...

class SyncBillPaymentResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class SyncBillRequest(_message.Message):
    __slots__ = ["bill", "company_id"]
    BILL_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    bill: Bill
    company_id: str
    def __init__(self, company_id: _Optional[str] = ..., bill: _Optional[_Union[Bill, _Mapping]] = ...) -> None: ...

class SyncBillResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class SyncExpenseRequest(_message.Message):
    __slots__ = ["company_id", "expense"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    EXPENSE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    expense: Expense
    def __init__(self, company_id: _Optional[str] = ..., expense: _Optional[_Union[Expense, _Mapping]] = ...) -> None: ...

class SyncExpenseResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class SyncPurchaseOrderRequest(_message.Message):
    __slots__ = ["company_id", "purchase_order"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    purchase_order: PurchaseOrder
    def __init__(self, company_id: _Optional[str] = ..., purchase_order: _Optional[_Union[PurchaseOrder, _Mapping]] = ...) -> None: ...

class SyncPurchaseOrderResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class Vendor(_message.Message):
    __slots__ = ["account_number", "billing_address", "company_name", "display_name", "email", "external_id", "family_name", "given_name", "is_1099", "phone"]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    BILLING_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    IS_1099_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    billing_address: _records_pb2.Address
    company_name: str
    display_name: str
    email: str
    external_id: str
    family_name: str
    given_name: str
    is_1099: bool
    phone: str
    def __init__(self, external_id: _Optional[str] = ..., display_name: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., company_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., billing_address: _Optional[_Union[_records_pb2.Address, _Mapping]] = ..., account_number: _Optional[str] = ..., is_1099: bool = ...) -> None: ...

class BillPaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class PurchaseOrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ExpensePaymentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
