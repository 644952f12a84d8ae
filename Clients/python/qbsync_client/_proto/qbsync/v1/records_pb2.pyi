from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

BLOCKER_KIND_ACCOUNT_NOT_MAPPED: BlockerKind
BLOCKER_KIND_BILL_NOT_SYNCED: BlockerKind
BLOCKER_KIND_CLASS_NOT_MAPPED: BlockerKind
BLOCKER_KIND_CUSTOMER_NEEDS_CONFIRMATION: BlockerKind
BLOCKER_KIND_CUSTOMER_NOT_LINKED: BlockerKind
BLOCKER_KIND_INVOICE_NOT_SYNCED: BlockerKind
BLOCKER_KIND_ITEM_NOT_MAPPED: BlockerKind
BLOCKER_KIND_LOCATION_NOT_MAPPED: BlockerKind
BLOCKER_KIND_PAYMENT_METHOD_NOT_MAPPED: BlockerKind
BLOCKER_KIND_PAYMENT_NOT_SYNCED: BlockerKind
BLOCKER_KIND_TAX_CODE_NOT_MAPPED: BlockerKind
BLOCKER_KIND_UNKNOWN_REFERENCE: BlockerKind
BLOCKER_KIND_UNSPECIFIED: BlockerKind
BLOCKER_KIND_VENDOR_NEEDS_CONFIRMATION: BlockerKind
BLOCKER_KIND_VENDOR_NOT_LINKED: BlockerKind
DESCRIPTOR: _descriptor.FileDescriptor
ENTITY_TYPE_BILL: EntityType
ENTITY_TYPE_BILL_PAYMENT: EntityType
ENTITY_TYPE_CUSTOMER: EntityType
ENTITY_TYPE_EXPENSE: EntityType
ENTITY_TYPE_INVOICE: EntityType
ENTITY_TYPE_ITEM: EntityType
ENTITY_TYPE_PAYMENT: EntityType
ENTITY_TYPE_PURCHASE_ORDER: EntityType
ENTITY_TYPE_REFUND: EntityType
ENTITY_TYPE_UNSPECIFIED: EntityType
ENTITY_TYPE_VENDOR: EntityType
ERROR_CLASS_AUTH_DEAD: ErrorClass
ERROR_CLASS_AUTH_EXPIRED: ErrorClass
ERROR_CLASS_DUPLICATE: ErrorClass
ERROR_CLASS_LOCKED: ErrorClass
ERROR_CLASS_NOT_FOUND: ErrorClass
ERROR_CLASS_STALE_OBJECT: ErrorClass
ERROR_CLASS_THROTTLED: ErrorClass
ERROR_CLASS_TRANSIENT: ErrorClass
ERROR_CLASS_UNSPECIFIED: ErrorClass
ERROR_CLASS_VALIDATION: ErrorClass
SYNC_STATUS_BLOCKED: SyncStatus
SYNC_STATUS_ERRORED: SyncStatus
SYNC_STATUS_PENDING: SyncStatus
SYNC_STATUS_SKIPPED: SyncStatus
SYNC_STATUS_SYNCED: SyncStatus
SYNC_STATUS_SYNCING: SyncStatus
SYNC_STATUS_UNSPECIFIED: SyncStatus
WARNING_KIND_DRIFT_DELETED: WarningKind
WARNING_KIND_DRIFT_EDITED: WarningKind
WARNING_KIND_DRIFT_INACTIVE: WarningKind
WARNING_KIND_DRIFT_PAYMENT_RECORDED: WarningKind
WARNING_KIND_DRIFT_VOIDED: WarningKind
WARNING_KIND_PAYMENT_PARTLY_APPLIED: WarningKind
WARNING_KIND_TAX_MISMATCH: WarningKind
WARNING_KIND_UNSPECIFIED: WarningKind

class Address(_message.Message):
    __slots__ = ["city", "country", "lines", "postal_code", "region"]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    city: str
    country: str
    lines: _containers.RepeatedScalarFieldContainer[str]
    postal_code: str
    region: str
    def __init__(self, lines: _Optional[_Iterable[str]] = ..., city: _Optional[str] = ..., region: _Optional[str] = ..., postal_code: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

class Blocker(_message.Message):
    __slots__ = ["kind", "message", "ref"]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    kind: BlockerKind
    message: str
    ref: str
    def __init__(self, kind: _Optional[_Union[BlockerKind, str]] = ..., ref: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ErrorDetail(_message.Message):
    __slots__ = ["detail", "element", "error_class", "fix_hint", "message", "qbo_code", "retryable"]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    FIX_HINT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    QBO_CODE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    detail: str
    element: str
    error_class: ErrorClass
    fix_hint: str
    message: str
    qbo_code: str
    retryable: bool
    def __init__(self, error_class: _Optional[_Union[ErrorClass, str]] = ..., qbo_code: _Optional[str] = ..., message: _Optional[str] = ..., detail: _Optional[str] = ..., element: _Optional[str] = ..., fix_hint: _Optional[str] = ..., retryable: bool = ...) -> None: ...

class FieldDrift(_message.Message):
    __slots__ = ["field", "ours", "quickbooks"]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OURS_FIELD_NUMBER: _ClassVar[int]
    QUICKBOOKS_FIELD_NUMBER: _ClassVar[int]
    field: str
    ours: str
    quickbooks: str
    def __init__(self, field: _Optional[str] = ..., ours: _Optional[str] = ..., quickbooks: _Optional[str] = ...) -> None: ...

class FieldViolation(_message.Message):
    __slots__ = ["description", "field"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    description: str
    field: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class RecordRef(_message.Message):
    __slots__ = ["company_id", "entity", "external_id"]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    entity: EntityType
    external_id: str
    def __init__(self, company_id: _Optional[str] = ..., entity: _Optional[_Union[EntityType, str]] = ..., external_id: _Optional[str] = ...) -> None: ...

class RecordWarning(_message.Message):
    __slots__ = ["detected_at", "fields", "fix_hint", "kind", "message", "qbo_sync_token"]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FIX_HINT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    QBO_SYNC_TOKEN_FIELD_NUMBER: _ClassVar[int]
    detected_at: str
    fields: _containers.RepeatedCompositeFieldContainer[FieldDrift]
    fix_hint: str
    kind: WarningKind
    message: str
    qbo_sync_token: str
    def __init__(self, kind: _Optional[_Union[WarningKind, str]] = ..., message: _Optional[str] = ..., fix_hint: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[FieldDrift, _Mapping]]] = ..., qbo_sync_token: _Optional[str] = ..., detected_at: _Optional[str] = ...) -> None: ...

class StatusChange(_message.Message):
    __slots__ = ["at", "error", "from_status", "note", "sequence", "to_status"]
    AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    at: str
    error: ErrorDetail
    from_status: SyncStatus
    note: str
    sequence: int
    to_status: SyncStatus
    def __init__(self, sequence: _Optional[int] = ..., at: _Optional[str] = ..., from_status: _Optional[_Union[SyncStatus, str]] = ..., to_status: _Optional[_Union[SyncStatus, str]] = ..., note: _Optional[str] = ..., error: _Optional[_Union[ErrorDetail, _Mapping]] = ...) -> None: ...

class SyncRecord(_message.Message):
    __slots__ = ["attempts", "blockers", "content_hash", "doc_number", "last_error", "last_event_sequence", "next_attempt_at", "qbo_entity", "qbo_id", "qbo_sync_token", "qbo_url", "ref", "skip_reason", "status", "txn_date", "updated_at", "voided", "warnings"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    BLOCKERS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    QBO_ENTITY_FIELD_NUMBER: _ClassVar[int]
    QBO_ID_FIELD_NUMBER: _ClassVar[int]
    QBO_SYNC_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QBO_URL_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TXN_DATE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VOIDED_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    attempts: int
    blockers: _containers.RepeatedCompositeFieldContainer[Blocker]
    content_hash: str
    doc_number: str
    last_error: ErrorDetail
    last_event_sequence: int
    next_attempt_at: str
    qbo_entity: str
    qbo_id: str
    qbo_sync_token: str
    qbo_url: str
    ref: RecordRef
    skip_reason: str
    status: SyncStatus
    txn_date: str
    updated_at: str
    voided: bool
    warnings: _containers.RepeatedCompositeFieldContainer[RecordWarning]
    def __init__(self, ref: _Optional[_Union[RecordRef, _Mapping]] = ..., status: _Optional[_Union[SyncStatus, str]] = ..., blockers: _Optional[_Iterable[_Union[Blocker, _Mapping]]] = ..., last_error: _Optional[_Union[ErrorDetail, _Mapping]] = ..., attempts: _Optional[int] = ..., qbo_entity: _Optional[str] = ..., qbo_id: _Optional[str] = ..., qbo_sync_token: _Optional[str] = ..., doc_number: _Optional[str] = ..., qbo_url: _Optional[str] = ..., skip_reason: _Optional[str] = ..., voided: bool = ..., updated_at: _Optional[str] = ..., next_attempt_at: _Optional[str] = ..., last_event_sequence: _Optional[int] = ..., content_hash: _Optional[str] = ..., txn_date: _Optional[str] = ..., warnings: _Optional[_Iterable[_Union[RecordWarning, _Mapping]]] = ...) -> None: ...

class EntityType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SyncStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class BlockerKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class WarningKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ErrorClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
