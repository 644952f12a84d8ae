from qbsync_client._proto.qbsync.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
LINE_KIND_DISCOUNT: LineKind
LINE_KIND_SALE: LineKind
LINE_KIND_UNSPECIFIED: LineKind

class Invoice(_message.Message):
    __slots__ = ["currency", "customer_external_id", "customer_memo", "doc_number", "due_date", "exclude_from_sync", "external_id", "lines", "location_code", "private_note", "tax_code", "tax_minor", "txn_date", "voided"]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_MEMO_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_FROM_SYNC_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_CODE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_NOTE_FIELD_NUMBER: _ClassVar[int]
    TAX_CODE_FIELD_NUMBER: _ClassVar[int]
    TAX_MINOR_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    currency: str
    customer_external_id: str
    customer_memo: str
    doc_number: str
    due_date: str
    exclude_from_sync: bool
    external_id: str
    lines: _containers.RepeatedCompositeFieldContainer[InvoiceLine]
    location_code: str
    private_note: str
    tax_code: str
    tax_minor: int
    txn_date: str
    voided: bool
    def __init__(self, external_id: _Optional[str] = ..., customer_external_id: _Optional[str] = ..., doc_number: _Optional[str] = ..., txn_date: _Optional[str] = ..., due_date: _Optional[str] = ..., currency: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[InvoiceLine, _Mapping]]] = ..., tax_minor: _Optional[int] = ..., customer_memo: _Optional[str] = ..., private_note: _Optional[str] = ..., exclude_from_sync: bool = ..., voided: bool = ..., tax_code: _Optional[str] = ..., location_code: _Optional[str] = ...) -> None: ...

class InvoiceLine(_message.Message):
    __slots__ = ["amount_minor", "class_code", "description", "discount_account_code", "item_code", "kind", "quantity", "service_date", "tax_code", "unit_rate"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CLASS_CODE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SERVICE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAX_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_RATE_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    class_code: str
    description: str
    discount_account_code: str
    item_code: str
    kind: LineKind
    quantity: str
    service_date: str
    tax_code: str
    unit_rate: str
    def __init__(self, kind: _Optional[_Union[LineKind, str]] = ..., item_code: _Optional[str] = ..., description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit_rate: _Optional[str] = ..., amount_minor: _Optional[int] = ..., tax_code: _Optional[str] = ..., service_date: _Optional[str] = ..., discount_account_code: _Optional[str] = ..., class_code: _Optional[str] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ["amount_minor", "applications", "currency", "customer_external_id", "external_id", "memo", "method_code", "reference", "txn_date"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    METHOD_CODE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    applications: _containers.RepeatedCompositeFieldContainer[PaymentApplication]
    currency: str
    customer_external_id: str
    external_id: str
    memo: str
    method_code: str
    reference: str
    txn_date: str
    def __init__(self, external_id: _Optional[str] = ..., customer_external_id: _Optional[str] = ..., txn_date: _Optional[str] = ..., currency: _Optional[str] = ..., amount_minor: _Optional[int] = ..., method_code: _Optional[str] = ..., reference: _Optional[str] = ..., memo: _Optional[str] = ..., applications: _Optional[_Iterable[_Union[PaymentApplication, _Mapping]]] = ...) -> None: ...

class PaymentApplication(_message.Message):
    __slots__ = ["amount_minor", "invoice_external_id"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    INVOICE_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    invoice_external_id: str
    def __init__(self, invoice_external_id: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class Refund(_message.Message):
    __slots__ = ["amount_minor", "currency", "external_id", "invoice_external_id", "item_code", "payment_external_id", "reason", "refund_account_code", "txn_date"]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    INVOICE_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFUND_ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency: str
    external_id: str
    invoice_external_id: str
    item_code: str
    payment_external_id: str
    reason: str
    refund_account_code: str
    txn_date: str
    def __init__(self, external_id: _Optional[str] = ..., invoice_external_id: _Optional[str] = ..., payment_external_id: _Optional[str] = ..., txn_date: _Optional[str] = ..., currency: _Optional[str] = ..., amount_minor: _Optional[int] = ..., item_code: _Optional[str] = ..., refund_account_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RefundRequest(_message.Message):
    __slots__ = ["company_id", "refund"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    refund: Refund
    def __init__(self, company_id: _Optional[str] = ..., refund: _Optional[_Union[Refund, _Mapping]] = ...) -> None: ...

class RefundResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class SyncInvoiceRequest(_message.Message):
    __slots__ = ["company_id", "invoice"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    invoice: Invoice
    def __init__(self, company_id: _Optional[str] = ..., invoice: _Optional[_Union[Invoice, _Mapping]] = ...) -> None: ...

class SyncInvoiceResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class SyncPaymentRequest(_message.Message):
    __slots__ = ["company_id", "payment"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    payment: Payment
    def __init__(self, company_id: _Optional[str] = ..., payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class SyncPaymentResponse(_message.Message):
    __slots__ = ["changed", "record"]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., changed: bool = ...) -> None: ...

class VoidPaymentRequest(_message.Message):
    __slots__ = ["company_id", "payment_external_id", "reason"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    payment_external_id: str
    reason: str
    def __init__(self, company_id: _Optional[str] = ..., payment_external_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class VoidPaymentResponse(_message.Message):
    __slots__ = ["already_voided", "record"]
    ALREADY_VOIDED_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    already_voided: bool
    record: _records_pb2.SyncRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.SyncRecord, _Mapping]] = ..., already_voided: bool = ...) -> None: ...

class LineKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
